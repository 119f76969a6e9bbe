"""The Excel import and export as one object, for the app (``tui.workbooks.Workbooks``): the CLI
hands it over, so the TUI depends on the protocol, not on this package."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from priorauth.data import Data
from priorauth.reports import Report
from priorauth.services.tracker import Tracker
from sync.progress import Progress


class ExcelWorkbooks:
    """Import (plan, then apply) of .xlsx/.xls/.ods/.csv authorization logs and appointment lists,
    and export."""

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
        """An authorization log's plan, or an appointment list's (services) when the file is one:
        the plan's summary says which kind it saw."""
        from sync.importer import plan_import
        from sync.planning.service_plan import is_appointment_list, plan_services

        if is_appointment_list(path, sheet):
            return plan_services(path, data, sheet=sheet, today=today, user=user)
        return plan_import(path, data, sheet=sheet, today=today, progress=progress, user=user)

    def apply_import(self, tracker: Tracker, plan: Any, *, skip_invalid: bool) -> Any:
        from sync.importer import apply_import
        from sync.planning.service_plan import ServicePlan, apply_services

        if isinstance(plan, ServicePlan):
            return apply_services(tracker, plan, skip_invalid=skip_invalid)
        return apply_import(tracker, plan, skip_invalid=skip_invalid)

    def export_workbook(
        self, data: Data, path: Path, *, today: dt.date, progress: Progress | None
    ) -> Path:
        from sync.writing.exporter import export_workbook

        return export_workbook(data, path, today=today, progress=progress)

    def write_report(self, report: Report, path: Path) -> Path:
        from sync.writing.report_export import write_report

        return write_report(report, path)

    def write_back_path(self, log: Path) -> Path:
        from sync.writing.writeback import default_output

        return default_output(log)

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
        """``export --into`` for the app: what would be lost (what cannot be carried over, what
        cannot follow the new rows) is told to ``confirm`` before anything is written."""
        from sync.writing.writeback import write_back

        return write_back(data, log, today=today, out=out, progress=progress, confirm=confirm)


EXCEL = ExcelWorkbooks()
