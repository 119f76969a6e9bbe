"""Write a report (:class:`priorauth.reports.Report`) to an .xlsx workbook: one sheet per table.

Header in row 1 (bold, frozen, filterable), dates as real Excel dates, counts as numbers, percents
as Excel percents, blanks as empty cells. Text that Excel would read as a formula is stored as text
(:mod:`sync.cellsafe`). The file is written through :mod:`priorauth.store.safefile`, so a failed
export never leaves half a workbook.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from priorauth.errors import AuthTrackError
from priorauth.reports import Report, Table
from sync import cellsafe
from sync.errors import WorkbookError
from sync.saving import save_workbook

DATE_FORMAT = "mm/dd/yyyy"
PERCENT_FORMAT = "0.0%"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


class ReportExportError(AuthTrackError):
    """The report could not be written; ``str(error)`` names the file and why."""


def write_report(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write ``report`` to ``path`` (.xlsx), replacing any file there; returns the path."""
    target = Path(path).expanduser()
    if target.suffix.lower() != ".xlsx":
        raise ReportExportError(f"{target}: reports are written as .xlsx; name the file *.xlsx.")
    workbook = build_workbook(report)
    try:
        save_workbook(workbook, target, "writing the report")
    except WorkbookError as e:
        raise ReportExportError(str(e)) from None
    return target


def build_workbook(report: Report) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"authtrack: {report.title} ({report.today:%m/%d/%Y})"
    used: set[str] = set()
    for table in report.tables:
        _add_sheet(workbook, table, _sheet_name(table.sheet or table.title, used))
    if not report.tables:
        workbook.create_sheet("Report")
    return workbook


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:31] or "Report"
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.casefold())
    return name


def _add_sheet(workbook: Workbook, table: Table, name: str) -> None:
    sheet = workbook.create_sheet(name)
    bold = Font(bold=True)
    for col, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=col, value=column.title)
        cell.font = bold
    for r, row in enumerate(table.rows, start=2):
        for col, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row=r, column=col)
            if value is None or value == "":
                continue
            if column.kind == "date" and isinstance(value, dt.date):
                cell.value = value
                cell.number_format = DATE_FORMAT
            elif column.kind == "percent" and isinstance(value, int | float):
                cell.value = value / 100
                cell.number_format = PERCENT_FORMAT
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell.value = value
            else:
                cellsafe.set_value(cell, str(value))  # text, never a formula
    for col, column in enumerate(table.columns, start=1):
        values = [len(column.title)] + [_shown_width(row[col - 1]) for row in table.rows]
        sheet.column_dimensions[get_column_letter(col)].width = min(max(values) + 2, 60)
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions


def _shown_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return len(str(value))
