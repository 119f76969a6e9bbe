"""Dates written without their year in a log's date columns ("exp 3/31", "3/31"): the year is
the authorization's, as the row's other dates imply it: an end date is the first such day on or
after the row's start, a start date the last one on or before its end. Read with a warning
naming the cell; a row with no other date to go by is an error naming it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from priorauth import grammar
from sync.parsing.dates import DATE_HINT, quoted
from sync.recognising.columns import Col

if TYPE_CHECKING:
    from sync.parsing.logsheet import LogTable


def _at(table: LogTable, col: Col, i: int) -> dt.date | None:
    column = table.values.get(col)
    value = column[i] if column is not None else None
    if value is None and col in (Col.START, Col.END):
        period = table.values.get(Col.PERIOD)
        if period is not None and period[i] is not None:
            value = period[i][0 if col is Col.START else 1]
    return value if isinstance(value, dt.date) else None


def _dated(month: int, day: int, anchor: dt.date, after: bool) -> dt.date | None:
    """The day ``month``/``day`` nearest ``anchor``: on or after it (``after``), else on or
    before it."""
    for year in (anchor.year, anchor.year + (1 if after else -1)):
        found = grammar.in_year(month, day, year)
        if found is not None and (found >= anchor if after else found <= anchor):
            return found
    return None


def settle(table: LogTable) -> None:
    """Give each date without its year the year its row implies (see the module docstring)."""
    for col, i, cell in table.undated:
        if col is Col.END:
            anchors = [(Col.START, True)]
        elif col is Col.START:
            anchors = [(Col.END, False)]
        else:  # a request or follow-up: in the authorization's year, from its start
            anchors = [(Col.START, True), (Col.END, False)]
        found = None
        for other, after in anchors:
            anchor = _at(table, other, i)
            if anchor is not None:
                found = _dated(cell.month, cell.day, anchor, after)
                break
        if found is None:
            table.error(i, col, str(cell))
            continue
        table.values[col][i] = found
        table.warn(i, col, _words(cell, found))
    table.undated = []


def _words(cell: Any, day: dt.date) -> str:
    said = f"{quoted(cell.raw)} was read as {day:%m/%d/%Y}, the year the row's other dates imply"
    if cell.words:
        return f"{said}; the words around it were not imported."
    return f"{said} (it has none; {DATE_HINT})."
