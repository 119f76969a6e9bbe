"""The Excel import and export as one object, for the app (``tui.workbooks.Workbooks``): the CLI
hands it over, so the TUI depends on the protocol, not on this package."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from priorauth.data import Data
from priorauth.reports import Report
from priorauth.tracker import Tracker
from sync.progress import Progress


class ExcelWorkbooks:
    """Import (plan, then apply) and export of .xlsx/.xls/.ods/.csv logs."""

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
        from sync.importer import plan_import

        return plan_import(path, data, sheet=sheet, today=today, progress=progress, user=user)

    def apply_import(self, tracker: Tracker, plan: Any, *, skip_invalid: bool) -> Any:
        from sync.importer import apply_import

        return apply_import(tracker, plan, skip_invalid=skip_invalid)

    def export_workbook(
        self, data: Data, path: Path, *, today: dt.date, progress: Progress | None
    ) -> Path:
        from sync.exporter import export_workbook

        return export_workbook(data, path, today=today, progress=progress)

    def write_report(self, report: Report, path: Path) -> Path:
        from sync.report_export import write_report

        return write_report(report, path)


EXCEL = ExcelWorkbooks()
