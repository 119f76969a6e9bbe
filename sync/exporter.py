"""Write the canonical workbook (DESIGN.md, "The canonical workbook") with openpyxl's write-only
mode: Authorizations, then Clients, Services, Payers and Procedure Groups.

Each sheet has a bold, frozen header row with an autofilter and widths that fit; dates are real
dates shown as mm/dd/yyyy; on Authorizations, conditional formatting highlights active rows that
expire within 30 days (amber) and active rows with no units or visits left (red). Text is always
written as text: a note starting with "=" stays a note, never becomes a formula.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from priorauth.data import Data
from priorauth.gcpause import gc_paused
from sync import rows as canonical_rows
from sync.columns import (
    AUTH_EXTRA_HEADERS,
    AUTH_HEADERS,
    AUTH_SHEET,
    CLIENT_HEADERS,
    CLIENTS_SHEET,
    GROUP_HEADERS,
    GROUPS_SHEET,
    PAYER_EXTRA_HEADERS,
    PAYER_HEADERS,
    PAYERS_SHEET,
    SERVICE_EXTRA_HEADERS,
    SERVICE_HEADERS,
    SERVICES_SHEET,
    Col,
)
from sync.errors import WorkbookError
from sync.progress import STEP, Progress, no_progress

DATE_FORMAT = "mm/dd/yyyy"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
EXPIRING_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")
EXHAUSTED_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
MAX_WIDTH = 48
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def export_workbook(
    data: Data, path: str | Path, *, today: dt.date, progress: Progress | None = None
) -> Path:
    """Write the canonical workbook to ``path`` (atomically: a complete file or none)."""
    progress = progress or no_progress
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookError(f"{path}: the export is an Excel workbook; give it a .xlsx name.")
    with gc_paused():
        return _export(data, path, today, progress)


def _export(data: Data, path: Path, today: dt.date, progress: Progress) -> Path:
    wb = Workbook(write_only=True)
    total = len(data.authorizations)
    auth_rows = canonical_rows.authorization_rows(data, today)
    ws = _sheet(wb, AUTH_SHEET, [h for h, _ in AUTH_HEADERS + AUTH_EXTRA_HEADERS])
    n = _write(ws, auth_rows, progress, total)
    _finish(ws, n)
    _highlight(ws, n)
    for title, headers, rows in (
        (CLIENTS_SHEET, CLIENT_HEADERS, canonical_rows.client_rows(data)),
        (
            SERVICES_SHEET,
            SERVICE_HEADERS + SERVICE_EXTRA_HEADERS,
            canonical_rows.service_rows(data),
        ),
        (PAYERS_SHEET, PAYER_HEADERS + PAYER_EXTRA_HEADERS, canonical_rows.payer_rows(data)),
        (GROUPS_SHEET, GROUP_HEADERS, canonical_rows.group_rows(data)),
    ):
        ws = _sheet(wb, title, headers)
        _finish(ws, _write(ws, rows))
    progress(total, total, "saving")
    return _save(wb, path)


class _Sheet:
    """A write-only worksheet and what is needed to finish it (widths, size)."""

    def __init__(self, ws: Any, headers: list[str]) -> None:
        self.ws = ws
        self.headers = headers
        self.widths = [len(h) + 4 for h in headers]  # room for the filter button
        self.dates: set[int] = set()


def _sheet(wb: Workbook, title: str, headers: list[str]) -> _Sheet:
    ws = wb.create_sheet(title)
    sheet = _Sheet(ws, headers)
    ws.freeze_panes = "A2"
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
            cell.number_format = DATE_FORMAT
            date_cells[j] = cell
            widths[j] = max(widths[j], 12)
        elif isinstance(sample, str):
            longest = max((len(v) for v in column if isinstance(v, str)), default=0)
            widths[j] = max(widths[j], min(longest + 2, MAX_WIDTH))
        elif sample is not None:
            longest = max((len(str(v)) for v in column if v is not None), default=0)
            widths[j] = max(widths[j], longest + 2)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    header = []
    for text in sheet.headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    ws.append(header)
    date_columns = sorted(date_cells)
    for i, row in enumerate(data):
        if i % STEP == 0:
            progress(i, total or len(data), "writing")
        for j in date_columns:
            value = row[j]
            if value is not None:
                cell = date_cells[j]
                cell.value = value
                row[j] = cell
        for j, value in enumerate(row):
            if (
                type(value) is str
                and value
                and (value[0] in "=+-@\t\r#" or not value.isprintable())
            ):
                row[j] = _text_cell(ws, value)
        ws.append(row)
    return len(data)


def _text_cell(ws: Any, value: str) -> Any:
    """Text that a spreadsheet might take for a formula, an error or a control character."""
    clean = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not clean.startswith(_RISKY_START) and clean not in ERROR_CODES:
        return clean
    cell = WriteOnlyCell(ws, value=clean)
    cell.data_type = "s"  # never a formula
    if clean.startswith(_RISKY_START):
        cell.quotePrefix = True  # Excel keeps it text when someone edits the cell
    return cell


def _finish(sheet: _Sheet, n: int) -> None:
    last = get_column_letter(len(sheet.headers))
    sheet.ws.auto_filter.ref = f"A1:{last}{n + 1}"


def _highlight(sheet: _Sheet, n: int) -> None:
    if n == 0:
        return
    cols = {c: get_column_letter(i + 1) for i, c in enumerate(canonical_rows.AUTH_COLUMNS)}
    end, active = cols[Col.END], cols[Col.ACTIVE]
    units_left, visits_left = cols[Col.UNITS_LEFT], cols[Col.VISITS_LEFT]
    area = f"A2:{get_column_letter(len(sheet.headers))}{n + 1}"
    exhausted = (  # used up (or over) and still active: history stays plain
        f'AND(${active}2="Yes",OR(AND(ISNUMBER(${units_left}2),${units_left}2<=0),'
        f"AND(ISNUMBER(${visits_left}2),${visits_left}2<=0)))"
    )
    expiring = f'AND(${active}2="Yes",ISNUMBER(${end}2),${end}2>=TODAY(),${end}2-TODAY()<=30)'
    cf = sheet.ws.conditional_formatting
    cf.add(area, FormulaRule(formula=[exhausted], fill=EXHAUSTED_FILL, stopIfTrue=True))
    cf.add(area, FormulaRule(formula=[expiring], fill=EXPIRING_FILL))


def _save(wb: Workbook, path: Path) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbookError(f"{path}: the folder {folder} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, 0o660)
        os.replace(tmp, path)
    except PermissionError:
        raise WorkbookError(f"{path}: permission denied writing the workbook.") from None
    except OSError as e:
        raise WorkbookError(
            f"{path}: the workbook cannot be written ({e.strerror or e})."
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path
