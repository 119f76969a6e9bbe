"""Read the rows of a log sheet into typed columns, with every unreadable cell reported.

Works column by column on the raw values: blank, total and repeated-header rows are dropped, a
client's name and date of birth written only on its first row are filled down, and each recognised
column is parsed with the matching :mod:`sync.cells` parser.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync import cells
from sync.columns import Col, column_letter
from sync.headers import Header, find_header
from sync.progress import Progress, no_progress
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


def _picker(columns: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """A function giving a row's values in ``columns`` as a tuple (one C call per row)."""
    if len(columns) == 1:
        (j,) = columns
        return lambda row: (row[j],)
    return operator.itemgetter(*columns)  # type: ignore[return-value]


def _ignored(table: LogTable, sheet: RawSheet, i: int, row: list[Any]) -> None:
    """A row with something only in columns authtrack does not read: say so (not for totals)."""
    first = next(v for v in row if not _is_blank(v)) if any(not _is_blank(v) for v in row) else ""
    if first != "" and not _TOTAL.match(cells.text(first)):
        table.warnings.append(
            f'Sheet "{sheet.name}", row {sheet.first_row + i}: ignored {cells.quoted(first)} '
            "(a note, not an authorization: the row has nothing else)."
        )


def _parser(col: Col, epoch_1904: bool) -> Callable[[Any], Any]:
    if col is Col.DOB:
        return lambda v: cells.birth_date(v, epoch_1904)
    if col in (Col.START, Col.END, Col.REQUESTED_ON, Col.FOLLOW_UP):
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


_SLOW = object()  # "not handled by the fast path": parse this cell the careful way
_DATE_COLS = frozenset({Col.DOB, Col.START, Col.END, Col.REQUESTED_ON, Col.FOLLOW_UP})
_COUNT_COLS = frozenset({Col.UNITS_AUTH, Col.UNITS_USED, Col.VISITS_AUTH, Col.VISITS_USED})
_ID_COLS = frozenset({Col.CLIENT_ID, Col.MEMBER_ID, Col.AUTH_NUMBER})
_TEXT_COLS = frozenset(
    {Col.NAME, Col.FIRST, Col.LAST, Col.PAYER, Col.NOTES, Col.PAYER_REF, Col.CLINICIAN}
    | {Col.CONFIRMED_BY, Col.CONFIRMED_AT}
)


def _fast(col: Col, values: list[Any]) -> list[Any]:
    """The column's values where a cell is the common case (a real date, a whole number, plain
    text, blank); _SLOW elsewhere. Written as comprehensions: 20,000 rows x 14 columns."""
    date, datetime = dt.date, dt.datetime
    if col in _DATE_COLS:
        return [
            v
            if (t := type(v)) is date
            else v.date()
            if t is datetime
            else None
            if v == ""
            else _SLOW
            for v in values
        ]
    if col in _COUNT_COLS:
        return [
            int(v) if type(v) is float and v >= 0 and v.is_integer() else None if v == "" else _SLOW
            for v in values
        ]
    if col in _TEXT_COLS:
        return [(v.strip() or None) if type(v) is str else _SLOW for v in values]
    if col in _ID_COLS:
        blanks = cells.BLANK_WORDS
        return [
            (None if (s := v.strip()).lower() in blanks else s) if type(v) is str else _SLOW
            for v in values
        ]
    return [None if v == "" else _SLOW for v in values]


def _parse_column(
    table: LogTable, col: Col, values: list[Any], parse: Callable[[Any], Any]
) -> list[Any]:
    out = _fast(col, values)
    cache: dict[Any, Any] = {}  # logs repeat values (codes, payers, statuses): parse each once
    for i in [i for i, v in enumerate(out) if v is _SLOW]:
        v = values[i]  # calamine's values (text, numbers, dates, times) are all hashable
        hit = cache.get(v, _SLOW)
        if hit is _SLOW:
            try:
                hit = parse(v)
            except cells.CellError as e:
                hit = e
            cache[v] = hit
        if isinstance(hit, cells.CellError):
            out[i] = None
            table.error(i, col, str(hit))
        else:
            out[i] = list(hit) if type(hit) is list else hit
    return out


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
    start = header.index + 1
    body = rows[start:]
    progress(0, len(body), "reading rows")
    # whole-column checks first (C speed), then one pass over the rows that remain
    picked = list(map(_picker(mapped), body))
    n_mapped = len(mapped)
    filled = [n_mapped - p.count("") for p in picked]
    first, first_name = mapped[0], header.names.get(mapped[0])
    skip = [n == 0 or row[first] == first_name for n, row in zip(filled, body, strict=True)]
    # total rows: "Total" (or "Grand total", "Sum") in one of the first cells, and no
    # authorization number or start date (a client may well be called Sum)
    specific = [header.columns[c] for c in (Col.AUTH_NUMBER, Col.START) if c in header.columns]
    for j in mapped[:3]:
        for k, v in enumerate(row[j] for row in body):
            if (
                type(v) is str
                and v[:1] in "TtGgSs"
                and _TOTAL.match(v)
                and all(body[k][x] == "" for x in specific)
            ):
                skip[k] = True
    no_identity = (
        [p.count("") == len(identity) for p in map(_picker(identity), body)]
        if identity
        else [False] * len(body)
    )
    data: list[list[Any]] = []
    numbers = table.rows
    previous: list[Any] | None = None
    first_row = sheet.first_row + start
    for k, row in enumerate(body):
        if skip[k] or filled[k] == 1:  # (one cell alone is a note, not an authorization)
            if filled[k] <= 1 and row.count("") != len(row):
                _ignored(table, sheet, start + k, row)
            continue
        if no_identity[k] and previous is not None and filled[k] >= 2:
            row = list(row)  # a client's second row: name and birth date filled down
            for j in identity:
                row[j] = previous[j]
            for j in followers:
                if _is_blank(row[j]):
                    row[j] = previous[j]
        data.append(row)
        numbers.append(first_row + k)
        previous = row
    total = len(rows)
    for col, j in header.columns.items():
        column = [row[j] for row in data]
        table.values[col] = _parse_column(table, col, column, _parser(col, epoch_1904))
    progress(total, total, "reading rows")
    return table
