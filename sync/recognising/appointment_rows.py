"""The rows of an appointment list that hold appointments: under the header, less blank rows,
totals and the header repeated for print (:func:`data_rows`); the usual list, every row an
appointment, is told a column at a time (:func:`usual_rows`), any other row by row."""

from __future__ import annotations

import operator
import re
from typing import TYPE_CHECKING, Any

from sync.parsing import cells
from sync.reading.workbook import RawSheet

if TYPE_CHECKING:
    from sync.recognising.appointments import ListHeader

TOTAL = re.compile(r"^\s*(?:grand\s+)?(?:totals?|sum|subtotals?|count)\b", re.IGNORECASE)


def data_rows(raw: RawSheet, header: ListHeader, width: int) -> list[tuple[int, list[Any]]]:
    """(spreadsheet row, values padded to ``width``) of the rows under the header that hold an
    appointment: blank, total and repeated-header rows left out."""
    names = {j: text.casefold() for j, text in header.names.items()}
    repeats = set(names.values())
    usual = usual_rows(raw, header, width, repeats)
    return usual if usual is not None else _rows_one_by_one(raw, header, width, names, repeats)


def _rows_one_by_one(
    raw: RawSheet, header: ListHeader, width: int, names: dict[int, str], repeats: set[str]
) -> list[tuple[int, list[Any]]]:
    """:func:`data_rows`, each row through every test (``names``: the header's headings by
    column, case-folded; ``repeats``: the set of them)."""
    out = []
    total = TOTAL.match
    for i in range(header.index + 1, len(raw.rows)):
        values = raw.rows[i]
        if len(values) < width:
            values = [*values, *([""] * (width - len(values)))]
        # (the usual row, told at its first cell: a value that is neither blank, nor a total's
        # word, nor a heading of the header; the others go through every test below)
        first = values[0] if values else ""
        if not (first == "" or first is None):
            if not isinstance(first, str):
                out.append((raw.first_row + i, values))
                continue
            if not total(first) and first.strip() and first.strip().casefold() not in repeats:
                out.append((raw.first_row + i, values))
                continue
        filled = [v for v in values if not (v == "" or v is None)]
        if not filled or (
            type(filled[0]) is str
            and not filled[0].strip()
            and all(isinstance(v, str) and not v.strip() for v in filled)
        ):
            continue
        first = filled[0]
        if isinstance(first, str) and TOTAL.match(first) and len(filled) <= 3:
            continue
        if (
            isinstance(first, str)
            and first.strip().casefold() in repeats
            and all(cells.text(values[j]).casefold() == t for j, t in names.items() if j < width)
        ):
            continue  # the header repeated (a print layout)
        out.append((raw.first_row + i, values))
    return out


def usual_rows(
    raw: RawSheet, header: ListHeader, width: int, repeats: set[str]
) -> list[tuple[int, list[Any]]] | None:
    """:func:`data_rows` when every row under the header is a usual one, told a column at a
    time (None when one is not: the rows then go through every test one by one): each row as
    wide as the header, its first cell a text that is neither blank, nor a total's word, nor a
    heading of the header."""
    body = raw.rows[header.index + 1 :]
    if not body or min(map(len, body)) < width:
        return None
    firsts = list(map(_FIRST, body))
    if set(map(type, firsts)) != {str} or any(map(TOTAL.match, firsts)):
        return None
    stripped = list(map(str.strip, firsts))
    if not all(stripped) or not repeats.isdisjoint(map(str.casefold, stripped)):
        return None
    start = raw.first_row + header.index + 1
    return list(zip(range(start, start + len(body)), body, strict=True))


_FIRST = operator.itemgetter(0)
