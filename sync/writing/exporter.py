"""Write the canonical workbook (DESIGN.md, "The canonical workbook") with openpyxl's write-only
mode: Authorizations, then Service Lines, Clients, Coverages, Services, Payers, Procedure Groups
and a Legend.

Each sheet has a bold, frozen header row with an autofilter and widths that fit, and prints as a
report (:mod:`sync.writing.printed`: landscape, one page wide, the header on every page, a footer
with the practice, the day and the page). Dates are real dates shown as mm/dd/yyyy, counts have
thousands separators. On Authorizations an "Attention" column says in words what the notifications
say about the row that day (Used up, Past end date, Running low...), and conditional formatting
colours the row from that word, so the colour and the word never disagree and the page reads in
black and white; the Legend sheet says what each colour means. Text is always written as text: a
note starting with "=" stays a note, never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from priorauth.attention import ATTENTION, attention, words
from priorauth.data import Data
from priorauth.store.gcpause import gc_paused
from sync.errors import WorkbookError
from sync.progress import STEP, Progress, no_progress
from sync.recognising.columns import (
    ATTENTION_HEADER,
    AUTH_EXTRA_HEADERS,
    AUTH_HEADERS,
    AUTH_SHEET,
    CLIENT_HEADERS,
    CLIENTS_SHEET,
    COVERAGE_HEADERS,
    COVERAGES_SHEET,
    GROUP_HEADERS,
    GROUPS_SHEET,
    PAYER_EXTRA_HEADERS,
    PAYER_HEADERS,
    PAYERS_SHEET,
    SERVICE_EXTRA_HEADERS,
    SERVICE_HEADERS,
    SERVICE_LINE_EXTRA_HEADERS,
    SERVICE_LINE_HEADERS,
    SERVICE_LINES_SHEET,
    SERVICES_SHEET,
)
from sync.writing import cellsafe, printed
from sync.writing import rows as canonical_rows
from sync.writing.saving import check_target, save_workbook
from sync.writing.service_lines import service_line_rows

DATE_FORMAT = printed.DATE_FORMAT
CONFIRMED_FORMAT = 'mm/dd/yyyy hh:mm "UTC"'
HEADER_FONT = printed.HEADER_FONT
HEADER_FILL = printed.HEADER_FILL
WRAP = Alignment(wrap_text=True, vertical="top")
LEGEND_SHEET = "Legend"
MAX_WIDTH = 30  # longer text wraps within the column (Notes), so the sheet prints legibly


def export_workbook(
    data: Data,
    path: str | Path,
    *,
    today: dt.date,
    progress: Progress | None = None,
    practice: str = "",
) -> Path:
    """Write the canonical workbook to ``path`` (atomically: a complete file or none);
    ``practice`` is the name printed in every page's footer."""
    progress = progress or no_progress
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookError(f"{path}: the export is an Excel workbook; give it a .xlsx name.")
    check_target(path)  # before any work: a folder that is missing or unsafe is said at once
    with gc_paused():
        return _export(data, path, today, progress, practice)


def _export(data: Data, path: Path, today: dt.date, progress: Progress, practice: str) -> Path:
    wb = Workbook(write_only=True)
    total = len(data.authorizations)
    page = {"practice": practice, "today": today}
    headers = [h for h, _ in AUTH_HEADERS + AUTH_EXTRA_HEADERS] + [ATTENTION_HEADER]
    ws = _sheet(wb, AUTH_SHEET, headers, page)
    n = _write(ws, _auth_rows(data, today), progress, total)
    _finish(ws, n)
    _highlight(ws, n)
    for title, headers, rows in (
        (
            SERVICE_LINES_SHEET,
            SERVICE_LINE_HEADERS + SERVICE_LINE_EXTRA_HEADERS,
            service_line_rows(data, today),
        ),
        (CLIENTS_SHEET, CLIENT_HEADERS, canonical_rows.client_rows(data)),
        (COVERAGES_SHEET, COVERAGE_HEADERS, canonical_rows.coverage_rows(data)),
        (
            SERVICES_SHEET,
            SERVICE_HEADERS + SERVICE_EXTRA_HEADERS,
            canonical_rows.service_rows(data),
        ),
        (PAYERS_SHEET, PAYER_HEADERS + PAYER_EXTRA_HEADERS, canonical_rows.payer_rows(data)),
        (GROUPS_SHEET, GROUP_HEADERS, canonical_rows.group_rows(data)),
    ):
        ws = _sheet(wb, title, headers, page)
        _finish(ws, _write(ws, rows))
    _legend(wb, page)
    progress(total, total, "saving")
    return _save(wb, path)


class _Sheet:
    """A write-only worksheet and what is needed to finish it (widths, size)."""

    def __init__(self, ws: Any, headers: list[str]) -> None:
        self.ws = ws
        self.headers = headers
        # headings wrap at spaces: a column is as wide as its longest word, with room for the
        # filter button, or its values
        self.widths = [max(map(len, h.split()), default=0) + 4 for h in headers]
        self.dates: set[int] = set()


def _auth_rows(data: Data, today: dt.date) -> Iterable[list[Any]]:
    """The Authorizations rows, each ending with its Attention words."""
    flags = attention(data, today)
    auths = canonical_rows.sorted_authorizations(data)
    for auth, row in zip(auths, canonical_rows.authorization_rows(data, today, auths), strict=True):
        keys = flags.get(auth.id)
        row.append(words(keys) if keys else None)
        yield row


def _sheet(wb: Workbook, title: str, headers: list[str], page: dict[str, Any]) -> _Sheet:
    ws = wb.create_sheet(title)
    sheet = _Sheet(ws, headers)
    ws.freeze_panes = "A2"
    printed.set_print(ws, practice=page["practice"], today=page["today"], header_row=1)
    return sheet


def _write(
    sheet: _Sheet, rows: Iterable[list[Any]], progress: Progress = no_progress, total: int = 0
) -> int:
    """Buffer the rows (widths must be set before any row is written), then write them."""
    ws = sheet.ws
    data = list(rows)
    width = len(sheet.headers)
    # one styled cell per date column, reused for every row: openpyxl writes each row as it is
    # appended, so the shared cell is written before it takes the next value
    date_cells: dict[int, WriteOnlyCell] = {}
    widths = sheet.widths
    for j in range(width):
        column = [r[j] for r in data]
        sample = next((v for v in column if v is not None and v != ""), None)
        if isinstance(sample, dt.date):
            sheet.dates.add(j)
            cell = WriteOnlyCell(ws)
            moment = isinstance(sample, dt.datetime)
            cell.number_format = CONFIRMED_FORMAT if moment else DATE_FORMAT
            date_cells[j] = cell
            widths[j] = max(widths[j], 22 if moment else 12)
        elif type(sample) is int and any(type(v) is int and abs(v) >= 1000 for v in column):
            cell = WriteOnlyCell(ws)  # "1,040 units": a thousands separator
            cell.number_format = printed.COUNT_FORMAT
            date_cells[j] = cell
            longest = max((len(f"{v:,}") for v in column if type(v) is int), default=0)
            widths[j] = max(widths[j], longest + 2)
        elif isinstance(sample, str):
            longest = max((len(v) for v in column if isinstance(v, str)), default=0)
            widths[j] = max(widths[j], min(longest + 2, MAX_WIDTH))
            if longest + 2 > MAX_WIDTH:
                cell = WriteOnlyCell(ws)
                cell.alignment = WRAP
                date_cells[j] = cell
        elif sample is not None:
            longest = max((len(str(v)) for v in column if v is not None), default=0)
            widths[j] = max(widths[j], longest + 2)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.row_dimensions[1].height = printed.header_height(sheet.headers, widths)
    header = []
    for text in sheet.headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = printed.HEADER_ALIGNMENT
        header.append(cell)
    ws.append(header)
    date_columns = sorted(date_cells)
    for i, row in enumerate(data):
        if i % STEP == 0:
            progress(i, total or len(data), "writing")
        for j in date_columns:
            value = row[j]
            if value is not None and value != "" and cellsafe.plain(value):
                cell = date_cells[j]
                cell.value = value
                row[j] = cell
        for j, value in enumerate(row):
            if not cellsafe.plain(value):
                row[j] = cellsafe.write_only_cell(ws, value)
        ws.append(row)
    return len(data)


def _finish(sheet: _Sheet, n: int) -> None:
    last = get_column_letter(len(sheet.headers))
    sheet.ws.auto_filter.ref = f"A1:{last}{n + 1}"


def _highlight(sheet: _Sheet, n: int) -> None:
    """Colour each row from its Attention words, most urgent first (the first rule that holds
    stops the others): the words come from the notifications, so the colours do too."""
    if n == 0:
        return
    last = get_column_letter(len(sheet.headers))
    word = f"${last}2"
    cf = sheet.ws.conditional_formatting
    for key, what in ATTENTION.items():
        fill = PatternFill("solid", fgColor=what.colour, bgColor=what.colour)
        font = Font(bold=True) if key in ("over_used", "exhausted", "expired") else None
        rule = FormulaRule(
            formula=[f'ISNUMBER(SEARCH("{what.word}",{word}))'],
            fill=fill,
            font=font,
            stopIfTrue=True,
        )
        cf.add(f"A2:{last}{n + 1}", rule)


def _legend(wb: Workbook, page: dict[str, Any]) -> None:
    """What each colour and Attention word means, and when the workbook was made."""
    ws = wb.create_sheet(LEGEND_SHEET)
    for j, width in enumerate((16, 90), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    printed.set_print(ws, practice=page["practice"], today=page["today"], header_row=3)
    title = WriteOnlyCell(ws, value="What the colours mean")
    title.font = printed.TITLE_FONT
    ws.append([title])
    ws.append(
        [
            f"Authorizations {printed.as_of(page['today'])}: the Attention column and the "
            "row colours say what the notifications say that day."
        ]
    )
    header = []
    for text in (ATTENTION_HEADER, "Meaning"):
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    ws.append(header)
    for what in ATTENTION.values():
        cell = WriteOnlyCell(ws, value=what.word)
        cell.fill = PatternFill("solid", fgColor=what.colour)
        ws.append([cell, what.meaning])
    ws.append([])
    ws.append(["Confirmed At is the time billing confirmed the authorization, in UTC."])


def _save(wb: Workbook, path: Path) -> Path:
    save_workbook(wb, path, "writing the export")
    return path
