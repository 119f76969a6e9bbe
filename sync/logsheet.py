"""Read the rows of a log sheet into typed columns, with every unreadable cell reported.

Works column by column on the raw values: blank, total and repeated-header rows are dropped, a
client's name and date of birth written only on its first row are filled down, and each recognised
column is parsed with the matching :mod:`sync.cells` parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync import cells
from sync.columns import Col, column_letter
from sync.headers import Header, find_header
from sync.progress import STEP, Progress, no_progress
from sync.workbook import RawSheet

_TOTAL = re.compile(r"^\s*(?:grand\s+)?(?:totals?|sum|subtotals?)\b", re.IGNORECASE)

IDENTITY = (Col.CLIENT_ID, Col.NAME, Col.FIRST, Col.LAST, Col.DOB)
# filled down with the client when blank: they belong to the client (or its insurance)
FOLLOWERS = (Col.PAYER, Col.MEMBER_ID, Col.PRIORITY, Col.CLINICIAN)


@dataclass
class RowError:
    """Something wrong in one row of the workbook, in words a receptionist understands."""

    sheet: str
    row: int  # the spreadsheet's own row number (0 when about the whole sheet)
    column: str  # the column's header as written in the sheet ("" when about the whole row)
    message: str
    cell: str = ""  # "H14"

    def __str__(self) -> str:
        where = f'sheet "{self.sheet}"'
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f', column "{self.column}"'
            if self.cell:
                where += f" ({self.cell})"
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "message": self.message,
        }


@dataclass
class LogTable:
    """The data rows of one log sheet, parsed column by column.

    ``values[col][i]`` is the parsed value of field ``col`` in data row ``i`` (spreadsheet row
    ``rows[i]``); fields whose column is missing are absent from ``values``. Rows with an
    unreadable cell are in ``bad``.
    """

    sheet: str
    header: Header
    first_col: int
    rows: list[int] = field(default_factory=list)
    values: dict[Col, list[Any]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bad: set[int] = field(default_factory=set)

    def has(self, col: Col) -> bool:
        return col in self.values

    def column_name(self, col: Col) -> str:
        j = self.header.columns.get(col)
        return self.header.names.get(j, col.value) if j is not None else col.value

    def cell_ref(self, col: Col, i: int) -> str:
        j = self.header.columns.get(col)
        if j is None:
            return ""
        return f"{column_letter(self.first_col + j)}{self.rows[i]}"

    def error(self, i: int, col: Col | None, message: str) -> None:
        self.bad.add(i)
        self.errors.append(
            RowError(
                self.sheet,
                self.rows[i],
                self.column_name(col) if col else "",
                message,
                self.cell_ref(col, i) if col else "",
            )
        )


def _parser(col: Col, epoch_1904: bool) -> Callable[[Any], Any]:
    if col in (Col.DOB, Col.START, Col.END, Col.REQUESTED_ON, Col.FOLLOW_UP):
        return lambda v: cells.date(v, epoch_1904)
    if col is Col.PERIOD:
        return lambda v: cells.period(v, epoch_1904)
    if col in (Col.UNITS_LEFT, Col.VISITS_LEFT):
        what = "units" if col is Col.UNITS_LEFT else "visits"
        return lambda v: cells.remaining(v, what)
    if col in (Col.UNITS_AUTH, Col.UNITS_USED):
        return lambda v: cells.count(v, "units")
    if col in (Col.VISITS_AUTH, Col.VISITS_USED):
        return lambda v: cells.count(v, "visits")
    if col in (Col.CLIENT_ID, Col.MEMBER_ID, Col.AUTH_NUMBER):
        return cells.identifier
    return {
        Col.CODES: cells.codes,
        Col.PRIORITY: cells.priority,
        Col.ACTIVE: cells.yes_no,
        Col.CONFIRMED: cells.yes_no,
        Col.REMINDER: cells.reminder,
        Col.STATUS: cells.status,
        Col.CAP: cells.cap,
    }.get(col, cells.text)


def _is_blank(v: Any) -> bool:
    return v == "" or v is None or (type(v) is str and not v.strip())


def read_log(
    sheet: RawSheet,
    header: Header | None = None,
    *,
    epoch_1904: bool = False,
    progress: Progress = no_progress,
) -> LogTable | None:
    """Parse the log on ``sheet``; None when it has no recognisable header row."""
    rows = sheet.rows
    header = header or find_header(rows)
    if header is None:
        return None
    table = LogTable(sheet.name, header, sheet.first_col)
    for text in header.duplicates:
        table.warnings.append(
            f'Sheet "{sheet.name}": column "{text}" repeats a column already read; it was ignored.'
        )
    mapped = sorted(header.columns.values())
    identity = [header.columns[c] for c in IDENTITY if c in header.columns]
    followers = [header.columns[c] for c in FOLLOWERS if c in header.columns]
    data: list[list[Any]] = []
    total = len(rows)
    previous: list[Any] | None = None
    for i in range(header.index + 1, total):
        row = rows[i]
        if i % STEP == 0:
            progress(i, total, "reading rows")
        filled = [j for j in mapped if not _is_blank(row[j])]
        if not filled:
            if any(not _is_blank(v) for v in row):
                first = next(v for v in row if not _is_blank(v))
                if not _TOTAL.match(cells.text(first)):
                    table.warnings.append(
                        f'Sheet "{sheet.name}", row {sheet.first_row + i}: ignored '
                        f"{cells.quoted(first)} (no column authtrack reads is filled)."
                    )
            continue
        if any(type(row[j]) is str and _TOTAL.match(row[j]) for j in filled[:3]):
            continue  # a total row
        if all(cells.text(row[j]) == header.names.get(j) for j in filled[:2]):
            continue  # the header repeated (a log printed in sections)
        if identity and all(_is_blank(row[j]) for j in identity):
            if previous is None or len(filled) < 2:
                pass  # nothing to fill from: reported as a missing client later
            else:
                row = list(row)
                for j in identity:
                    row[j] = previous[j]
                for j in followers:
                    if _is_blank(row[j]):
                        row[j] = previous[j]
        data.append(row)
        table.rows.append(sheet.first_row + i)
        previous = row
    for col, j in header.columns.items():
        parse = _parser(col, epoch_1904)
        out: list[Any] = []
        append = out.append
        for i, row in enumerate(data):
            v = row[j]
            if v == "":
                append(None)
                continue
            try:
                append(parse(v))
            except cells.CellError as e:
                append(None)
                table.error(i, col, str(e))
        table.values[col] = out
    progress(total, total, "reading rows")
    return table
