"""Pause Python's cyclic garbage collector during bulk work.

Building an agency's 250,000 services, or reading a 20,000-row log, creates hundreds of thousands
of small objects, none of them in reference cycles; each generation-0 collection then walks all
the young ones and the older generations get walked as they fill, which cost such work a third to
a half of its time. Reference counting still frees everything as usual.

When the pause ends, the objects made during it are moved straight to the oldest generation
(``gc.freeze()`` then ``gc.unfreeze()``), as if they had survived: otherwise the first collection
after the pause would walk all of them at once. They stay collectable; the next full collection
comes when the interpreter's usual thresholds call for it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
