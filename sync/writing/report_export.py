"""Write a report (:class:`priorauth.reports.Report`) to an .xlsx workbook: one sheet per table.

Each sheet reads as a report: the title in row 1, "as of" the day (and the practice) in row 2, the
header in row 3 styled like the export's (bold, shaded, frozen, filterable), dates as real Excel
dates, counts as numbers with thousands separators, percents as Excel percents, blanks as empty
cells, few days left in bold red, and the total rows bold below the filtered range (sorting or
filtering the rows never moves them). It prints like the export (:mod:`sync.writing.printed`). Text
that Excel would read as a formula is stored as text (:mod:`sync.writing.cellsafe`). The file is
written through :mod:`priorauth.store.safefile`, so a failed export never leaves half a workbook.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from priorauth.errors import AuthTrackError
from priorauth.reports import Report, Table
from sync.errors import WorkbookError
from sync.writing import cellsafe, printed
from sync.writing.saving import save_workbook

DATE_FORMAT = printed.DATE_FORMAT
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = printed.COUNT_FORMAT
HEADER_ROW = 3
URGENT_FONT = Font(name=printed.FONT_NAME, size=printed.FONT_SIZE, bold=True, color="C00000")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


class ReportExportError(AuthTrackError):
    """The report could not be written; ``str(error)`` names the file and why."""


def write_report(report: Report, path: str | os.PathLike[str], *, practice: str = "") -> Path:
    """Write ``report`` to ``path`` (.xlsx), replacing any file there; returns the path.
    ``practice`` is the name in the title lines and every page's footer."""
    target = Path(path).expanduser()
    if target.suffix.lower() != ".xlsx":
        raise ReportExportError(f"{target}: reports are written as .xlsx; name the file *.xlsx.")
    workbook = build_workbook(report, practice=practice)
    try:
        save_workbook(workbook, target, "writing the report")
    except WorkbookError as e:
        raise ReportExportError(str(e)) from None
    return target


def build_workbook(report: Report, *, practice: str = "") -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"authtrack: {report.title} ({report.today:%m/%d/%Y})"
    used: set[str] = set()
    for table in report.tables:
        _add_sheet(workbook, report, table, _sheet_name(table.sheet or table.title, used), practice)
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


def _add_sheet(workbook: Workbook, report: Report, table: Table, name: str, practice: str) -> None:
    sheet = workbook.create_sheet(name)
    _title_line(sheet.cell(row=1, column=1), table.title, printed.TITLE_FONT)
    who = f" · {practice}" if practice else ""
    line = f"As of {report.today:%m/%d/%Y}{who}"
    _title_line(sheet.cell(row=2, column=1), line, printed.NOTE_FONT)
    for col, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=column.title)
        cell.font, cell.fill = printed.HEADER_FONT, printed.HEADER_FILL
        cell.alignment = printed.HEADER_ALIGNMENT
    first = HEADER_ROW + 1
    totals = len(table.rows) - table.totals if table.totals else len(table.rows)
    for r, row in enumerate(table.rows, start=first):
        is_total = r - first >= totals
        for col, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row=r, column=col)
            cell.font = printed.TOTAL_FONT if is_total else printed.BODY_FONT
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
                cell.number_format = COUNT_FORMAT if isinstance(value, int) else "#,##0.0"
                if column.urgent_at_most is not None and value <= column.urgent_at_most:
                    cell.font = URGENT_FONT
            else:
                cellsafe.set_value(cell, str(value))  # text, never a formula
    for col, column in enumerate(table.columns, start=1):
        values = [max(map(len, column.title.split()), default=0) + 4]
        values += [_shown_width(row[col - 1]) for row in table.rows]
        sheet.column_dimensions[get_column_letter(col)].width = min(max(values) + 2, 60)
    widths = [
        sheet.column_dimensions[get_column_letter(c)].width
        for c in range(1, len(table.columns) + 1)
    ]
    titles = [c.title for c in table.columns]
    sheet.row_dimensions[HEADER_ROW].height = printed.header_height(titles, widths)
    sheet.freeze_panes = f"A{first}"
    last = get_column_letter(max(len(table.columns), 1))
    if totals:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + totals}"
    printed.set_print(sheet, practice=practice, today=report.today, header_row=HEADER_ROW)


def _title_line(cell: Any, text: str, font: Font) -> None:
    cellsafe.set_value(cell, text)  # a practice named "=..." stays text
    cell.font = font


def _shown_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, int) and not isinstance(value, bool):
        return len(f"{value:,}")
    return len(str(value))
