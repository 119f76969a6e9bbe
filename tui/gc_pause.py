"""Hold Python's cyclic garbage collector off while a screen is being built.

Opening the authorization form makes over a hundred widgets, each with its styles, caches and
message queue: tens of thousands of objects that all live as long as the form. Every generation-0
collection on the way walks the young ones again and finds nothing to free, and they push the
older generations to be walked as well: about a quarter of the form's opening (0.53 -> 0.41 s CPU
at 80x24, bench/bench_form.py). Reference counting still frees everything as usual.

As in :mod:`priorauth.store.gcpause` (the same pause around bulk work), the objects made while
paused are then moved straight to the oldest generation (``gc.freeze()`` then ``gc.unfreeze()``):
otherwise the first collection after the pause walks all of them at once. They stay
collectable, at the next full collection. Textual pauses the collector the same way while it
scrolls (``App.PAUSE_GC_ON_SCROLL``).
"""

from __future__ import annotations

import gc


class GcPause:
    """A pause begun in one handler and ended in another (a screen's compose, then the first
    refresh after it). Ending twice, or without a start, does nothing; a pause begun while the
    collector was already off (another pause, Textual scrolling) leaves it off."""

    def __init__(self) -> None:
        self._paused = False
        self._was_enabled = False

    def start(self) -> None:
        if self._paused:
            return
        self._paused = True
        self._was_enabled = gc.isenabled()
        gc.disable()

    def end(self) -> None:
        if not self._paused:
            return
        self._paused = False
        if self._was_enabled and not gc.isenabled():
            gc.freeze()
            gc.unfreeze()
            gc.enable()
