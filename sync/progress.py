"""The progress callback shared by the CLI's bar and the TUI's: ``progress(done, total, stage)``.

``stage`` is a short phrase ("reading", "checking rows", "saving", "writing") that a front end can
show beside the bar; ``total`` may change between stages. Callbacks must be cheap: they are called
about every thousand rows, never per cell.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]

STEP = 2000  # report every STEP rows


def no_progress(done: int, total: int, stage: str) -> None:
    """The callback used when nobody is watching."""
