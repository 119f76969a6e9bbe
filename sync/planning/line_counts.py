"""A new service line's carried-in usage worked out a column at a time, as
:func:`sync.planning.lines.settle_line_usage` works it out line by line when nothing tracked
counts against the line: the row's Used (or authorized less Remaining), made a whole number
where it is one (:func:`whole`). :class:`sync.planning.lines.LineMaker` makes an ABA log's new
lines with it (``settled``), so that settle_line_usage need not go through them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from operator import not_
from typing import Any

__all__ = ["settled_counts", "used_of", "whole"]


def whole(carried: Any) -> Any:
    """A count carried in, an int when it is a whole number (as the data file keeps it)."""
    return int(carried) if float(carried).is_integer() else carried


def used_of(used: Any, left: Any, authorized: Any) -> Any:
    """What a row says was used: its Used, else what is authorized less its Remaining."""
    if left is None or authorized is None or used is not None:
        return used
    return authorized - left


# a count of a log's rows: (used, left, authorized, a new line's carried-in count), by row
_Count = tuple[Sequence[Any], Sequence[Any], Sequence[Any], Any]


def settled_counts(
    n: int, units: _Count, visits: _Count
) -> tuple[list[bool], list[Any], list[Any]] | None:
    """For each of ``n`` rows of a log: whether settle_line_usage gives its new line carried-in
    counts without a warning (nothing tracked on it: the row's Used, or authorized less
    Remaining, less nothing), and those counts (a new line's where the row gives none, or
    where that function would warn: it decides those rows). None when a count cannot be
    worked out (not a number): settle_line_usage then goes through every row itself."""
    settled = [True] * n
    try:
        columns = [_settled_column(settled, *count) for count in (units, visits)]
    except (ArithmeticError, TypeError, ValueError):
        return None
    if not all(settled):
        for column, (_, _, _, blank) in zip(columns, (units, visits), strict=True):
            for i in compress(range(n), map(not_, settled)):
                column[i] = blank
    return settled, columns[0], columns[1]


def _settled_column(
    settled: list[bool],
    used: Sequence[Any],
    left: Sequence[Any],
    authorized: Sequence[Any],
    blank: Any,
) -> list[Any]:
    """One count of :func:`settled_counts` (``settled`` made False where it would warn), as
    settle_line_usage works it out for a line with nothing tracked (``counted`` 0.0)."""
    n = len(used)
    if used.count(None) == n and (left.count(None) == n or authorized.count(None) == n):
        return [blank] * n  # (no row gives the count: every line keeps its own)
    # every row's Used a whole number none below zero, as in an ABA log: whole(u - 0.0) is u
    # (within 2**53 a float holds an int exactly, and int() gives it back)
    if (
        _INTS.issuperset(map(type, used))
        and 0 <= min(used, default=0) <= max(used, default=0) <= 2**53
    ):
        return list(used)
    return _settled_rows(settled, used, left, authorized, blank)


_INTS = frozenset({int})


def _settled_rows(
    settled: list[bool],
    used: Sequence[Any],
    left: Sequence[Any],
    authorized: Sequence[Any],
    blank: Any,
) -> list[Any]:
    """:func:`_settled_column` row by row: settle_line_usage's steps for one count of a line."""
    column = []
    for i, (u, rest, a) in enumerate(zip(used, left, authorized, strict=True)):
        if u is None:
            u = used_of(None, rest, a)
        if u is None:
            column.append(blank)  # (the row gives no count: the line keeps its own)
            continue
        carried = u - 0.0
        if carried < 0:
            settled[i] = False
        column.append(whole(carried))
    return column
