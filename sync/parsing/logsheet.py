"""Read the rows of a log sheet into typed columns, with every unreadable cell reported.

Works column by column on the raw values: blank, total and repeated-header rows are dropped, a
client's name and date of birth written only on its first row are filled down, and each recognised
column is parsed with the matching :mod:`sync.parsing.cells` parser.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from priorauth.grammar import DateOrder
from priorauth.model import RequestStatus
from sync.parsing import cells, colparse, measures, notes, payers_on_row, services, undated
from sync.progress import Progress, no_progress
from sync.reading.unread import UNCALCULATED
from sync.reading.workbook import RawSheet
from sync.recognising import chrome
from sync.recognising.columns import DERIVED_HEADERS, Col, column_letter
from sync.recognising.headers import Header, find_header
from sync.recognising.payer_slots import slot_columns
from sync.recognising.sheetreport import SheetReport, unread_warning

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
    report: SheetReport = field(default_factory=lambda: SheetReport(""))
    # rows whose auth number is a placeholder ("pending", "TBD"): the status it stands for
    requested: dict[int, RequestStatus] = field(default_factory=dict)
    pending: set[int] = field(default_factory=set)  # rows with a count not known yet ("TBD")
    # several payers on a row (header.slots): each data row is one payer's, the index of its
    # slot here (None: one payer a row)
    slot: list[int] | None = None
    # dates written without their year ("exp 3/31"): (field, row, the cell's reading), given
    # their year by the row's other dates (sync.parsing.undated)
    undated: list[tuple[Col, int, Any]] = field(default_factory=list)

    # a table merged from several tabs (sync.recognising.tabs): the tables and, per row, (table, its
    # row)
    parts: list[LogTable] | None = None
    origin: list[tuple[int, int]] | None = None

    def has(self, col: Col) -> bool:
        return col in self.values

    def sheet_at(self, i: int) -> str:
        """The sheet data row ``i`` is on."""
        return self.parts[self.origin[i][0]].sheet if self.parts and self.origin else self.sheet

    def column_index(self, col: Col, i: int | None = None) -> int | None:
        """The sheet column (index in its rows) holding ``col``, for data row ``i`` (a row of
        one of several payers on a line reads that payer's columns)."""
        if self.slot is not None and i is not None:
            j = self.header.slots[self.slot[i]].columns.get(col)
            if j is not None:
                return j
        return self.header.columns.get(col)

    def column_name(self, col: Col, i: int | None = None) -> str:
        j = self.column_index(col, i)
        return self.header.names.get(j, col.value) if j is not None else col.value

    def cell_ref(self, col: Col, i: int) -> str:
        j = self.column_index(col, i)
        if j is None:
            return ""
        return f"{column_letter(self.first_col + j)}{self.rows[i]}"

    def where(self, i: int, col: Col | None) -> tuple[str, int, str, str]:
        """(sheet, row, column heading, cell) of data row ``i``'s cell in ``col``."""
        if self.parts and self.origin:
            p, local = self.origin[i]
            return self.parts[p].where(local, col)
        if col is None:
            return self.sheet, self.rows[i], "", ""
        return self.sheet, self.rows[i], self.column_name(col, i), self.cell_ref(col, i)

    def warn(self, i: int, col: Col, message: str) -> None:
        """A warning about one cell, naming it."""
        sheet, row, column, cell = self.where(i, col)
        text = str(RowError(sheet, row, column, message, cell))
        if self.slot is None or text not in self.warnings[-4:]:  # (payers sharing a cell)
            self.warnings.append(text)

    def error(self, i: int, col: Col | None, message: str) -> None:
        self.bad.add(i)
        sheet, row, column, cell = self.where(i, col)
        found = RowError(sheet, row, column, message, cell)
        if self.slot is None or found not in self.errors[-4:]:  # (payers sharing a cell)
            self.errors.append(found)


def _unread(
    table: LogTable, sheet: RawSheet, columns: list[tuple[Any, ...]], keep: list[int]
) -> None:
    """Name every column with values that authtrack does not read; list what each read one
    means."""
    header, report = table.header, table.report
    read = {j: col.value for col, j in header.columns.items()}
    for slot in header.slots:  # "member id (secondary payer)"
        read.update({j: f"{col.value} ({slot.label})" for col, j in slot.columns.items()})
    hourly = header.hours & {Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT}
    for col in header.hours:  # "units authorized, in hours"
        j = header.columns[col]
        read[j] = f"{read[j]}, in hours" + ("" if hourly else " (4 units an hour)")
    letter = lambda j: column_letter(sheet.first_col + j)  # noqa: E731
    for j in range(max(len(columns), max(header.names, default=-1) + 1)):
        heading = header.heading(j)
        if j in read:
            report.columns.append((letter(j), heading, read[j]))
            continue
        if j in header.extra_notes:
            report.columns.append((letter(j), heading, f'notes, as "{heading}: ..."'))
            continue
        if j >= len(columns):
            continue
        values = _take(columns[j], keep)
        if values.count("") == len(values):
            continue
        if j in header.duplicate_columns:  # "Payer Phone" beside "Payer": the practice's own
            report.columns.append((letter(j), heading, KEPT_AS_IT_IS))
            continue
        if heading in DERIVED_HEADERS:  # authtrack's own export: worked out, not data
            report.columns.append((letter(j), heading, "worked out by authtrack, not read"))
            continue
        report.unread.append((letter(j), heading))
        table.warnings.append(unread_warning(sheet.name, letter(j), heading))


KEPT_AS_IT_IS = "the practice's own column: not imported, kept in the log as it is"


def _join_notes(table: LogTable, extra: list[tuple[str, tuple[Any, ...]]]) -> None:
    """The log's further notes columns join its notes, each labelled by its heading."""
    primary = table.values[Col.NOTES]
    table.values[Col.NOTES] = [
        notes.joined(
            cells.text(primary[k]) if primary[k] is not None else "",
            [(heading, cells.text(column[k])) for heading, column in extra],
        )
        or primary[k]
        for k in range(len(primary))
    ]
    colparse.cut_long_texts(table, Col.NOTES, table.values[Col.NOTES])


def _chrome(
    rows: list[list[Any]],
    header: Header,
    body: list[list[Any]],
    doubt: list[int],
    few: set[int],
    names: Sequence[Any] | None,
    found: dict[int, str],
    dates: list[Sequence[Any]],
) -> None:
    """Report chrome among the rows in doubt (kind by row index, added to ``found``): only rows
    with few cells, or no client, or chrome where the client goes, are looked at; a row with a
    start or end date is an authorization whatever its notes say (it may repeat the header)."""
    titles = chrome.texts_of(rows[: min(header.rows)])
    headings = chrome.texts_of(rows[i] for i in header.rows)
    for k in doubt:
        if k in found:
            continue
        if (
            k not in few
            and names is not None
            and names[k] != ""
            and not chrome.suspicious(names[k])
        ):
            continue
        texts = [v.strip() for v in body[k] if type(v) is str and v.strip()]
        kind = chrome.classify(texts, titles, headings)
        dated = any(
            c[k] != "" and not (type(c[k]) is str and c[k].strip().lower() in headings)
            for c in dates
        )
        if kind is not None and (kind == chrome.REPEATED_HEADER or not dated):
            found[k] = kind


def _say_chrome(table: LogTable, found: dict[int, str], first_row: int) -> None:
    kinds: dict[str, list[int]] = {}
    for k in sorted(found):
        kinds.setdefault(found[k], []).append(first_row + k)
    for kind, rows in kinds.items():
        table.report.chrome[kind] = len(rows)
        table.warnings.append(chrome.warning(table.sheet, kind, rows))


def _ignored(table: LogTable, sheet: RawSheet, i: int, row: list[Any]) -> None:
    """A row with something only in columns authtrack does not read: say so (not for totals)."""
    first = (
        next(v for v in row if not cells.is_blank(v))
        if any(not cells.is_blank(v) for v in row)
        else ""
    )
    if first != "" and not _TOTAL.match(cells.text(first)):
        table.warnings.append(
            f'Sheet "{sheet.name}", row {sheet.first_row + i}: ignored {cells.quoted(first)} '
            "(a note, not an authorization: the row has nothing else)."
        )


def _columns(rows: list[list[Any]], width: int) -> list[tuple[Any, ...]]:
    """The columns of ``rows``, at least ``width`` of them; short rows are padded with empty
    cells (calamine's rows are all one width)."""
    if not rows:
        return [()] * width
    lengths = set(map(len, rows))
    full = max(*lengths, width)
    if len(lengths) > 1 or full > min(lengths):
        rows = [r + [""] * (full - len(r)) if len(r) < full else r for r in rows]
    return list(zip(*rows, strict=True))


def _take(column: tuple[Any, ...], keep: list[int]) -> tuple[Any, ...]:
    """``column``'s values at the indices ``keep`` (in order)."""
    if len(keep) == len(column):
        return column
    if len(keep) == 1:
        return (column[keep[0]],)
    return operator.itemgetter(*keep)(column) if keep else ()


# fields a row of an authorization nearly always fills: rows with both are not notes or blank
_USUALLY_FILLED = (Col.AUTH_NUMBER, Col.START, Col.END, Col.PAYER, Col.NAME, Col.LAST)


def read_log(
    sheet: RawSheet,
    header: Header | None = None,
    *,
    epoch_1904: bool = False,
    progress: Progress = no_progress,
    order: DateOrder = "mdy",
    order_reason: str = "the practice's date order",
    today: dt.date | None = None,
) -> LogTable | None:
    """Parse the log on ``sheet``; None when it has no recognisable header row.

    Works on whole columns: each pass over 20,000 rows is one comprehension or one C call, and
    the per-row checks (blank, note, total and repeated-header rows, fill-down) look only at the
    few rows a cheap test on one or two columns leaves in doubt.
    """
    rows = sheet.rows
    header = header or find_header(rows)
    if header is None:
        return None
    table = LogTable(sheet.name, header, sheet.first_col)
    report = table.report = SheetReport(sheet.name)
    report.header_rows = [sheet.first_row + i for i in header.rows]
    where = header.columns
    mapped = sorted(set(where.values()) | slot_columns(header.slots))
    start = header.index + 1
    body = rows[start:]
    n = len(body)
    progress(0, n, "reading rows")
    columns = _columns(body, mapped[-1] + 1)
    # how many recognised cells a row fills, for the rows where it may be fewer than two
    recognised = [columns[j] for j in mapped]
    sure = [where[c] for c in _USUALLY_FILLED if c in where][:2]
    if len(sure) < 2:
        sure = mapped[:2]
    if len(sure) == 2:
        a, b = columns[sure[0]], columns[sure[1]]
        # ("" in a column is one C call: most logs fill both everywhere)
        doubt = (
            [k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x == "" or y == ""]
            if "" in a or "" in b
            else []
        )
    else:
        doubt = list(range(n))
    n_mapped = len(mapped)
    filled = {k: n_mapped - [c[k] for c in recognised].count("") for k in doubt}
    few = {k for k, f in filled.items() if f <= 1}  # blank rows and notes
    # repeated header rows: the first recognised column holds its own header text
    first_name = header.names.get(mapped[0])
    first = columns[mapped[0]]
    skip = {k for k, v in enumerate(first) if v == first_name} if first_name in first else set()
    # total rows: "Total" (or "Grand total", "Sum") in one of the first cells, and no
    # authorization number or start date (a client may well be called Sum)
    numbered = [where[c] for c in (Col.AUTH_NUMBER, Col.START) if c in where]
    specific = [columns[j] for j in numbered]
    if specific:
        # (a row with neither is among the rows in doubt when those are the columns looked at)
        among = doubt if len(sure) == 2 and set(numbered) <= set(sure) else range(n)
        unnumbered = [k for k in among if all(s[k] == "" for s in specific)]
    else:
        unnumbered = list(range(n))
    for j in mapped[:3]:
        column = columns[j]
        for k in unnumbered:
            v = column[k]
            if type(v) is str and v[:1] in "TtGgSs" and _TOTAL.match(v):
                skip.add(k)
    identity = [where[c] for c in IDENTITY if c in where]
    found = {k: chrome.REPEATED_HEADER if first[k] == first_name else chrome.TOTAL for k in skip}
    if doubt:
        dated = [columns[where[c]] for c in (Col.START, Col.END, Col.PERIOD) if c in where]
        names = columns[identity[0]] if identity else None
        _chrome(rows, header, body, doubt, few, names, found, dated)
        skip |= found.keys()
    heads = (
        chrome.client_headings(columns, mapped, identity, doubt, skip)
        if identity and doubt
        else set()
    )
    if skip or few or heads:
        for k in sorted(skip | few):
            row = body[k]
            if k in few and k not in skip and k not in heads and row.count("") != len(row):
                _ignored(table, sheet, start + k, row)
        keep = [k for k in range(n) if k not in skip and k not in few and k not in heads]
    else:
        keep = list(range(n))
    first_row = sheet.first_row + start
    _say_chrome(table, found, first_row)
    # (every row kept, as in nearly every log: the row numbers are a range, built in C)
    table.rows = (
        list(range(first_row, first_row + n)) if len(keep) == n else [first_row + k for k in keep]
    )
    seq = sorted(heads.union(keep)) if heads else keep
    kept: dict[int, Sequence[Any]] = {j: _take(columns[j], seq) for j in mapped}
    if identity:
        # a client's second row: name and birth date (and its payer...) filled down
        key = kept[identity[0]]
        bare = [p for p, v in enumerate(key) if v == "" and p] if "" in key else []
        down = [p for p in bare if all(kept[j][p] == "" for j in identity[1:])]
        if down:
            for j in identity:
                values = kept[j] = list(kept[j])
                for p in down:
                    values[p] = values[p - 1]
            followers = [where[c] for c in FOLLOWERS if c in where]
            for j in followers + payers_on_row.follower_columns(header):
                values = kept[j] = list(kept[j])
                for p in down:
                    if cells.is_blank(values[p]):
                        values[p] = values[p - 1]
    if heads:
        at = [p for p, k in enumerate(seq) if k not in heads]
        kept = {j: _take(tuple(v), at) for j, v in kept.items()}
        table.report.filled_down = len(heads)
    _unread(table, sheet, columns, keep)
    read: dict[Col, tuple[Sequence[Any], list[Any]]] = {}  # date columns read while ordering
    orders = colparse.date_orders(table, sheet, kept, order, order_reason, read)
    total = len(rows)
    raw, origin = payers_on_row.expand(table, kept)
    numbers = measures.Counting(table, raw)
    for col, values in raw.items():
        if col in read and read[col][0] is values:  # (the same cells: each payer's own are not)
            table.values[col] = read[col][1]
            continue
        parse = colparse.parser(
            col,
            epoch_1904,
            orders[col][0] if col in orders else order,
            today,
            counting=numbers.parsing,
            period=measures.heading_period(table, col),
            names=col is Col.CODES and services.names_allowed(table),
        )
        if col in orders and orders[col][1] is not None:
            parse = colparse.one_order(parse, orders[col][0], orders[col][1])
        table.values[col] = colparse.parse_column(table, col, values, parse)
        if col in colparse.TEXT_LIKE:
            colparse.cut_long_texts(table, col, table.values[col])
    if header.extra_notes and Col.NOTES in table.values:
        notes_of = [(h, _take(columns[j], keep)) for j, h in header.extra_notes.items()]
        if origin is not None:
            notes_of = [(h, [c[k] for k in origin]) for h, c in notes_of]
        _join_notes(table, notes_of)
    if Col.AUTH_NUMBER in raw:
        colparse.placeholders(table, raw[Col.AUTH_NUMBER])
    services.split_names(table)
    numbers.finish(table)
    undated.settle(table)
    if sheet.unread:
        _cells_not_read(table, sheet)
    progress(total, total, "reading rows")
    return table


# a remaining count, worked out by a formula from the used one: never calculated, it is not
# needed where the row's used count is read (the import only checks one against the other)
_CHECKED_BY = {Col.UNITS_LEFT: Col.UNITS_USED, Col.VISITS_LEFT: Col.VISITS_USED}


def _cells_not_read(table: LogTable, sheet: RawSheet) -> None:
    """An error for each data row whose read column holds a cell calamine read as blank that
    is not (an error value, a formula never calculated): the row is not what the sheet shows.
    A remaining count's formula never calculated, on a row whose used count is read, is told
    once a column, as a warning (the record is the same without it)."""
    at: dict[int, list[int]] = {}
    for i, row in enumerate(table.rows):
        at.setdefault(row, []).append(i)
    spared: dict[Col, list[str]] = {}
    for row, col in sorted(sheet.unread):
        j = col - sheet.first_col
        problem = sheet.unread_problem(row, col)
        for i in at.get(row, ()):
            used = next((c for c in table.values if table.column_index(c, i) == j), None)
            if used is None or problem is None:
                continue
            by = _CHECKED_BY.get(used)
            if (
                by is not None
                and sheet.unread[row, col] == UNCALCULATED
                and table.values.get(by, ())[i : i + 1] not in ([], [None])
            ):
                spared.setdefault(used, []).append(table.cell_ref(used, i))
                continue
            table.error(i, used, problem)
    for col, refs in spared.items():
        cells = (
            f"{refs[0]} and {len(refs) - 1:,} more cells hold" if refs[1:] else f"{refs[0]} holds"
        )
        table.warnings.append(
            f'Sheet "{table.sheet}", column "{table.column_name(col)}": {cells} a '
            "formula that was never calculated; not read (the rows' used counts are read "
            "instead). Open the file in Excel or LibreOffice and save it to have them checked."
        )
