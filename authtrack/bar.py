"""A progress bar on stderr for the batch commands, fed by sync's ``progress(done, total, stage)``.

Drawn only on a terminal (and never with ``--json``); redrawn at most ten times a second so that
a fast import does not spend its time printing.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from sync.progress import Progress, no_progress


class Bar:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False
        self._last = 0.0
        self._started = time.monotonic()

    def __call__(self, done: int, total: int, stage: str) -> None:
        now = time.monotonic()
        if now - self._started < 0.3 or (now - self._last < 0.1 and done < total):
            return  # short jobs need no bar; long ones are redrawn 10 times a second
        self._last = now
        width = max(10, min(40, shutil.get_terminal_size((80, 24)).columns - 40))
        fraction = 0.0 if total <= 0 else min(1.0, done / total)
        filled = int(width * fraction)
        line = f"\r{stage[:20]:<20} [{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%}"
        self.stream.write(line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def progress_for(quiet: bool, stream: TextIO | None = None) -> tuple[Progress, Bar | None]:
    """(callback, bar to close) — a real bar only on a terminal and when not ``quiet``."""
    stream = stream or sys.stderr
    stream = getattr(stream, "unfiltered", stream)  # the bar's own \r and erase codes
    if quiet or not stream.isatty():
        return no_progress, None
    bar = Bar(stream)
    return bar, bar
