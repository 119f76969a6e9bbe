"""Parse a log's columns: each recognised column with its :mod:`sync.parsing.cells` parser, the
common
cells (real dates, whole numbers, plain text, blanks) in whole-column comprehensions, each
distinct value once; date columns in the order they show (:mod:`sync.parsing.dateorder`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from priorauth.grammar import DateOrder
from priorauth.model import CapPeriod
from sync.parsing import cells, dateorder, services
from sync.reading.workbook import RawSheet
from sync.recognising.columns import Col, column_letter
from sync.recognising.fields import CELLS, Cell

if TYPE_CHECKING:
    from sync.parsing.logsheet import LogTable


def _reading(*kinds: Cell) -> frozenset[Col]:
    """The columns whose cells are read as ``kinds`` say (the field table's)."""
    return frozenset(col for col, kind in CELLS.items() if kind in kinds)


_ORDERED = _reading(Cell.BIRTH, Cell.DATE, Cell.PERIOD)  # dates, in the order they show


def date_orders(
    table: LogTable,
    sheet: RawSheet,
    kept: dict[int, Sequence[Any]],
    default: DateOrder,
    default_reason: str,
    read: dict[Col, tuple[Sequence[Any], list[Any]]] | None = None,
) -> dict[Col, tuple[DateOrder, dateorder.Evidence | None]]:
    """Each date column's order (and its evidence when it holds dates of both orders, whose
    minority is refused cell by cell), reported on the table.

    A column of real dates and blanks (the fast path reads every cell) has no text date to
    count: its reading is put in ``read`` (field -> (the values, their reading)), which is
    what :func:`parse_column` gives for those values in any order, and the column is not
    walked again to look for text."""
    where = table.header.columns
    found: dict[Col, dateorder.Evidence] = {}
    for col, j in where.items():
        if col not in _ORDERED:
            continue
        if read is not None and col in _DATE_COLS:
            fast = _fast(col, kept[j])
            if _SLOW not in fast:
                found[col] = dateorder.Evidence(example={})  # (no text: nothing counted)
                read[col] = (kept[j], fast)
                continue
        found[col] = dateorder.evidence(kept[j], period=col is Col.PERIOD)
    # (by_spans reads pairs of numeric text dates: with none in either column it has nothing
    # to say, and is not asked; its own look for text would be two more passes)
    if (
        Col.START in found
        and Col.END in found
        and found[Col.START].texts
        and found[Col.END].texts
        and not any(e.shown for e in found.values())
    ):
        spans = dateorder.by_spans(kept[where[Col.START]], kept[where[Col.END]])
        if spans is not None and spans != default:
            default, default_reason = spans, "only that order puts every start before its end"
    chosen = dateorder.choose(found, default, default_reason)  # type: ignore[arg-type]
    out: dict[Col, tuple[DateOrder, dateorder.Evidence | None]] = {}
    for col, (order, reason) in chosen.items():
        e = found[col]  # type: ignore[index]
        j = where[col]  # type: ignore[index]
        line = dateorder.report(
            column_letter(sheet.first_col + j), table.header.names.get(j, ""), e, order, reason
        )
        if line is not None:
            table.report.dates.append(line)
            if line.ambiguous and e.shown is None:
                table.warnings.append(line.sentence(sheet.name))
        out[col] = (order, e if e.mdy and e.dmy else None)  # type: ignore[index]
    return out


def one_order(
    parse: Callable[[Any], Any], order: DateOrder, e: dateorder.Evidence
) -> Callable[[Any], Any]:
    """``parse``, refusing a date only the other order reads in a column of one order."""

    def checked(value: Any) -> Any:
        if dateorder.is_other_order(value, order):
            raise dateorder.wrong_order(value, order, e)
        return parse(value)

    return checked


_PLACEHOLDER_LINE = re.compile(
    r"^[ \t]*(?:" + "|".join(map(re.escape, cells.NUMBER_PLACEHOLDERS)) + r")[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


# _PLACEHOLDER_LINE without IGNORECASE, for text lower-cased first: on ASCII text that is the
# same test, and a case-insensitive scan is three times slower (20,000 numbers: 6 ms)
_PLACEHOLDER_LOWER = re.compile(_PLACEHOLDER_LINE.pattern, re.MULTILINE)


def _has_placeholder_line(text: str) -> bool:
    """Whether ``_PLACEHOLDER_LINE`` finds a line in ``text``. Lower-casing is exact for ASCII
    only (the case-insensitive scan also takes "ı" for "i", "ſ" for "s"): other text is
    scanned as it is."""
    if text.isascii():
        lowered = text.lower()
        # a line the pattern finds holds a placeholder as written: text holding none of them
        # (nearly every log's numbers) needs no scan, which tries every position (20,000
        # numbers: 9 ms, against 13 substring searches in C: well under 1 ms)
        if not any(p in lowered for p in cells.NUMBER_PLACEHOLDERS):
            return False
        return _PLACEHOLDER_LOWER.search(lowered) is not None
    return _PLACEHOLDER_LINE.search(text) is not None


def placeholders(table: LogTable, raw: Sequence[Any]) -> None:
    """Auth numbers not issued yet ("pending", "TBD", "?"): no number, a request instead."""
    try:  # (a column of text, as nearly always: joined in one C call, no per-cell test)
        joined = "\n".join(raw)
    except TypeError:
        joined = "\n".join(v for v in raw if type(v) is str)
    if not _has_placeholder_line(joined):  # (one scan: most logs have none)
        return
    texts = [v for v in set(raw) if type(v) is str]
    found = {v: status for v in texts if (status := cells.number_placeholder(v)) is not None}
    if not found:
        return
    numbers = table.values[Col.AUTH_NUMBER] = list(table.values[Col.AUTH_NUMBER])
    for i, v in enumerate(raw):
        if v in found:
            numbers[i] = None
            table.requested[i] = found[v]


def parser(
    col: Col,
    epoch_1904: bool,
    order: DateOrder = "mdy",
    today: dt.date | None = None,
    *,
    counting: tuple[bool, str] = (False, "units"),
    period: CapPeriod | None = None,
    names: bool = False,
) -> Callable[[Any], Any]:
    """The cell parser of ``col``; units are read with fractions and named as ``counting``
    says ((True, "hours") on a log counted in hours); a cap column whose heading states a
    ``period`` reads bare numbers as a cap per that period; a codes column ``names`` services
    in words where its heading allows (:func:`sync.parsing.services.names_allowed`)."""
    kind = CELLS.get(col, Cell.TEXT)
    if kind is Cell.BIRTH:
        return lambda v: cells.birth_date(v, epoch_1904, order, today)
    if kind is Cell.DATE:
        return lambda v: cells.date(v, epoch_1904, order, lenient=True)
    if kind is Cell.PERIOD:
        return lambda v: cells.period(v, epoch_1904, order)
    fractions, unit = counting
    if kind is Cell.UNITS_LEFT:
        return lambda v: cells.remaining(v, unit, fractions)
    if kind is Cell.VISITS_LEFT:
        return lambda v: cells.remaining(v, "visits")
    if kind is Cell.UNITS:
        return lambda v: cells.count(v, unit, fractions)
    if kind is Cell.CAP:
        return lambda v: cells.cap(v, period)
    if kind is Cell.CODES:
        return services.codes_or_name if names else cells.codes
    if kind is Cell.VISITS:
        return lambda v: cells.count(v, "visits")
    if kind is Cell.TIMESTAMP:
        return lambda v: cells.timestamp(v, epoch_1904)
    return {
        Cell.MEASURE: cells.measure,
        Cell.GROUP: services.group_name,
        Cell.ID: cells.identifier,
        Cell.PRIORITY: cells.priority,
        Cell.YES_NO: cells.yes_no,
        Cell.CONFIRMATION: cells.confirmation,
        Cell.REMINDER: cells.reminder,
        Cell.STATUS: cells.status,
    }.get(kind, cells.text)


_SLOW = object()  # "not handled by the fast path": parse this cell the careful way
_DATE_COLS = _reading(Cell.BIRTH, Cell.DATE)
_COUNT_COLS = _reading(Cell.UNITS, Cell.VISITS)
_LEFT_COLS = _reading(Cell.UNITS_LEFT, Cell.VISITS_LEFT)
_ID_COLS = _reading(Cell.ID)
_LONGEST_BLANK = max(map(len, cells.BLANK_WORDS))  # (lower() never shortens a text)
# (a timestamp's plain text is trimmed as any text is; the rest is cells.timestamp's)
_TEXT_COLS = _reading(Cell.TEXT, Cell.TIMESTAMP)
TEXT_LIKE = _reading(Cell.TEXT, Cell.ID)  # free text: may be longer than a cell


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
    if col in _LEFT_COLS:  # below zero is over-utilization (cells.remaining)
        return [
            int(v) if type(v) is float and v.is_integer() else None if v == "" else _SLOW
            for v in values
        ]
    # text holding a control character (tab and newline too) goes through cells.text, which
    # drops the control characters; isprintable() keeps plain text on the fast path
    if col in _TEXT_COLS:
        text = cells.text
        return [
            ((v.strip() if v.isprintable() else text(v)) or None) if type(v) is str else _SLOW
            for v in values
        ]
    if col in _ID_COLS:
        blanks, longest, text = cells.BLANK_WORDS, _LONGEST_BLANK, cells.text
        return [
            (
                None
                if len(s := v.strip() if v.isprintable() else text(v)) <= longest
                and s.lower() in blanks
                else s
            )
            if type(v) is str
            else _SLOW
            for v in values
        ]
    return [None if v == "" else _SLOW for v in values]


def parse_column(
    table: LogTable, col: Col, values: Sequence[Any], parse: Callable[[Any], Any]
) -> list[Any]:
    """The column's typed values; unreadable cells are reported on ``table`` (in row order) and
    become None."""
    n = len(values)
    # (a date column's fast path is one type test a cell: quicker than hashing its dates, 0.5
    # ms against 2 ms for 20,000 birth dates of 5,000 clients; text dates, which the fast path
    # leaves, are still read once per distinct text below)
    if n >= 64 and col not in _DATE_COLS and len(set(values[:64])) <= 16:
        # a column that repeats its values (codes, counts, statuses, payers, notes): each
        # distinct value is parsed once, in the order of its first cell (calamine's values
        # are all hashable; text with more distinct values is quicker through the fast path,
        # which only trims it)
        distinct = dict.fromkeys(values)
        if len(distinct) * 4 <= n:  # (_parsed reads a yes/no beside a 0 or 1 cell by cell)
            return _parsed(table, col, range(n), values, list(distinct), parse)
    out = _fast(col, values)
    if _SLOW not in out:
        return out
    slow = [i for i, v in enumerate(out) if v is _SLOW]
    raw = values if len(slow) == n else [values[i] for i in slow]
    parsed = _parsed(table, col, slow, raw, list(dict.fromkeys(raw)), parse)
    if len(slow) == n:
        return parsed
    for i, hit in zip(slow, parsed, strict=True):
        out[i] = hit
    return out


def _bool_and_number(distinct: Sequence[Any], values: Sequence[Any]) -> bool:
    """Whether ``values`` hold a yes/no cell and a number: True and 1.0 are one key of
    ``distinct`` and must be parsed apart. Only a key equal to 0 or 1 can hide one behind the
    other, so the column's types are looked at only then."""
    if 0 not in distinct and 1 not in distinct:
        return False
    kinds = set(map(type, values))
    return bool in kinds and bool(kinds & {int, float})


def _read(col: Col, value: Any, parse: Callable[[Any], Any]) -> Any:
    """One cell as the column reads it: the fast path's value, else ``parse``'s (its
    :class:`~sync.parsing.cells.CellError` returned, not raised)."""
    hit = _fast(col, [value])[0]
    if hit is not _SLOW:
        return hit
    try:
        return parse(value)
    except cells.CellError as e:
        return e


def _parsed(
    table: LogTable,
    col: Col,
    rows: Sequence[int],
    values: Sequence[Any],
    distinct: list[Any],
    parse: Callable[[Any], Any],
) -> list[Any]:
    """``values`` (of data rows ``rows``) through their ``distinct`` values, each read as a cell
    of the column is read: the fast path where it applies, else ``parse``."""
    if _bool_and_number(distinct, values):
        # a yes/no cell and a 0 or 1 are one dict key (False == 0.0): each cell read apart
        parsed = [_read(col, v, parse) for v in values]
        kinds = set(map(type, parsed))
    else:
        hits = dict(zip(distinct, _fast(col, distinct), strict=True))
        for v, hit in hits.items():
            if hit is _SLOW:
                hits[v] = _read(col, v, parse)
        parsed = list(map(hits.__getitem__, values))
        kinds = set(map(type, hits.values()))
    if kinds == {list}:  # each row gets its own list (copied in C when all are lists)
        parsed = list(map(list, parsed))
    elif list in kinds:
        parsed = [list(h) if type(h) is list else h for h in parsed]
    if any(issubclass(k, cells.CellError) for k in kinds):
        for n, (i, hit) in enumerate(zip(rows, parsed, strict=True)):
            if isinstance(hit, cells.CellError):
                parsed[n] = None
                if isinstance(hit, cells.ReadWithNote):
                    parsed[n] = hit.value
                    table.warn(i, col, str(hit))
                elif isinstance(hit, cells.UnknownCount):
                    table.pending.add(i)
                    table.warn(i, col, str(hit))
                elif isinstance(hit, cells.NeedsYear) and col in _DATE_COLS - {Col.DOB}:
                    table.undated.append((col, i, hit))  # (sync.parsing.undated)
                else:
                    table.error(i, col, str(hit))
    return parsed


MAX_CELL_TEXT = 32_767  # the most characters a spreadsheet cell holds (Excel; openpyxl cuts there)


def cut_long_texts(table: LogTable, col: Col, values: list[Any]) -> None:
    """Cut each text longer than a cell holds, naming the cell: an export would cut it anyway,
    silently, so the import says so and keeps what a round trip keeps (one C-level pass when,
    as always in practice, nothing is that long; the loop below cuts exact ``str`` values only,
    so anything else counted in ``longest`` costs that loop and changes nothing)."""
    try:  # (blank cells are None: filter(None) leaves them out, still in C)
        longest = max(map(len, filter(None, values)), default=0)
    except TypeError:  # something else than text among them
        longest = max((len(v) for v in values if type(v) is str), default=0)
    if longest <= MAX_CELL_TEXT:
        return
    for i, v in enumerate(values):
        if type(v) is str and len(v) > MAX_CELL_TEXT:
            values[i] = v[:MAX_CELL_TEXT]
            table.warnings.append(
                f'Sheet "{table.sheet}", cell {table.cell_ref(col, i)} '
                f'("{table.column_name(col)}"): its text of {len(v):,} characters is more than a '
                f"spreadsheet cell holds; only the first {MAX_CELL_TEXT:,} were imported."
            )
