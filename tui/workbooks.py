"""What the app needs of Excel import and export, as a protocol: the CLI (the composition root)
hands the app an implementation (``sync.workbooks.EXCEL``), so the TUI never imports ``sync``.

Plans and results are opaque to the app: it shows their text and hands a plan back to apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from priorauth.data import Data
from priorauth.reports import Report
from priorauth.services.tracker import Tracker

Progress = Callable[[int, int, str], None]  # done, total, what


class Workbooks(Protocol):
    def plan_import(
        self,
        path: Path,
        data: Data,
        *,
        sheet: str | None,
        today: dt.date,
        progress: Progress | None,
        user: str,
    ) -> Any:
        """Read ``path`` and work out what importing it would do; writes nothing."""
        ...

    def apply_import(self, tracker: Tracker, plan: Any, *, skip_invalid: bool) -> Any:
        """Write a plan (a backup first); returns a result with ``summary()``."""
        ...

    def export_workbook(
        self, data: Data, path: Path, *, today: dt.date, progress: Progress | None
    ) -> Path:
        """Write the canonical workbook to ``path``."""
        ...

    def write_report(self, report: Report, path: Path) -> Path:
        """Write ``report`` (one sheet per table) to the .xlsx ``path``; returns the path."""
        ...

    def write_back_path(self, log: Path) -> Path:
        """Where an update of the practice's own log goes by default (beside it, renamed)."""
        ...

    def write_back(
        self,
        data: Data,
        log: Path,
        *,
        out: Path,
        today: dt.date,
        progress: Progress | None,
        confirm: Callable[[list[str]], bool],
    ) -> Any:
        """Update the practice's own log ``log`` with ``data``, written to ``out`` (``log`` is
        not changed). Before anything is written, ``confirm`` is given what would be lost, in
        words (what the writer cannot keep, references that cannot follow the new rows), when
        there is any; False writes nothing (an :class:`AuthTrackError`). The result has
        ``summary()``."""
        ...
