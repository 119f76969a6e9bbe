"""Write a report (:class:`priorauth.reports.Report`) to an .xlsx workbook: one sheet per table.

Header in row 1 (bold, frozen, filterable), dates as real Excel dates, counts as numbers, percents
as Excel percents, blanks as empty cells. Text that Excel would read as a formula (starting with
``=``, ``+``, ``-``, ``@``, tab or CR) is stored as text. The file is written to a temporary file
beside the target and moved into place, so a failed export never leaves half a workbook.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from priorauth.errors import AuthTrackError
from priorauth.reports import Report, Table

DATE_FORMAT = "mm/dd/yyyy"
PERCENT_FORMAT = "0.0%"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise ReportExportError(f"{target}: cannot write there ({e.strerror}).") from None
    os.close(fd)
    try:
        workbook.save(tmp)
        os.chmod(tmp, 0o660)  # reports name patients: never world-readable
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise ReportExportError(f"{target}: cannot write the report ({e.strerror}).") from None
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
                text = str(value)
                cell.value = text
                if text.startswith(_FORMULA_START):
                    cell.data_type = "s"  # text, never a formula
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
