"""LineMaker.settled's lines (a new line's carried-in usage worked out as it is made, a column
at a time) are what LineMaker.fresh's lines become once settle_line_usage settles them, with
the same warnings; the columns' quick ways are the row-by-row way's; a settled line put back
(when services are tracked on it) is fresh's line."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import service_lines
from priorauth.model import Authorization
from sync.planning import line_counts, lines
from tests.unit.test_line_fast_paths import _log

# counts a log's rows may give: blank, whole, fractions, below zero, beyond a float's whole
# numbers, not a number
_COUNT = st.sampled_from([None, 0, 5, 12, -3, 2.5, 3.0, -0.0, 2**53, 2**53 + 1, math.nan, True])


@st.composite
def _counted_log(draw: st.DrawFn) -> tuple[Any, Any]:
    """_log's table and columns, with Used and Remaining columns of any counts."""
    table, cols = draw(_log())
    n = len(table.rows)
    for name in ("units_used", "visits_used", "units_left", "visits_left"):
        if draw(st.booleans()):
            setattr(cols, name, draw(st.lists(_COUNT, min_size=n, max_size=n)))
    return table, cols


def _state(value: Any) -> Any:
    """A value as compared here: its type too (5 and 5.0 differ in the data file), NaN as a
    word (NaN is not equal to itself)."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, list):
        return [_state(v) for v in value]
    return (type(value), value)


def _settle(rows: list[lines.LineRow]) -> tuple[list[Any], list[str]]:
    """The rows as one new authorization's lines, settled by settle_line_usage: its lines'
    attributes (in order) and the warnings."""
    auth = Authorization(client=-1, payer=1, id=-1)
    service_lines.hold_lines(auth, [r.line for r in rows])
    merger = SimpleNamespace(today=None, has_services=lambda: False, warnings=[])
    lines.settle_line_usage(merger, [SimpleNamespace(auth=auth, lines=rows, before=None)])  # type: ignore[arg-type]
    held = service_lines.lines_of(auth)
    return [[(k, _state(v)) for k, v in vars(line).items()] for line in held], merger.warnings


@settings(max_examples=300, deadline=None)
@given(_counted_log())
def test_settled_lines_are_fresh_lines_settled(log: tuple[Any, Any]) -> None:
    table, cols = log
    maker = lines.LineMaker(cols, table)
    n = len(table.rows)
    fresh = [maker.fresh()(i) for i in range(n)]
    settled = [maker.settled()(i) for i in range(n)]
    if n < 2:  # (an authorization of several lines)
        return
    assert _settle(settled) == _settle(fresh)
    # a row settled as made is what settling its fresh row gives, on its own too
    for f, s in zip(fresh, settled, strict=True):
        if s.settled:
            assert _settle([s, s]) == _settle([f, f])
    # put back (services tracked on them), they are fresh's lines, the unsettled rows' too
    settled = [maker.settled()(i) for i in range(n)]  # (those above were settled in place)
    auth = Authorization(client=-1, payer=1, id=-1)
    service_lines.hold_lines(auth, [r.line for r in settled])
    lines._unsettle(SimpleNamespace(auth=auth), [r.settled for r in settled])  # type: ignore[arg-type]
    assert [_state(list(vars(line).values())) for line in auth.lines] == [
        _state(list(vars(maker.fresh()(i).line).values())) for i in range(n)
    ]


_COLUMN = st.lists(_COUNT | st.just("12"), min_size=3, max_size=3)


@settings(max_examples=500, deadline=None)
@given(_COLUMN, _COLUMN, _COLUMN)
def test_a_column_settled_at_once_is_settled_row_by_row(
    used: list[Any], left: list[Any], authorized: list[Any]
) -> None:
    def settle(way: Any) -> Any:
        settled = [True] * len(used)
        try:
            column = way(settled, used, left, authorized, 0)
        except (ArithmeticError, TypeError, ValueError) as e:
            return type(e)
        return [_state(v) for v in column], settled

    assert settle(line_counts._settled_column) == settle(line_counts._settled_rows)


@pytest.mark.parametrize("used", [[1, 2], [None, 4], [2.5, 0]])
def test_a_settled_line_put_back_is_the_fresh_line(used: list[Any]) -> None:
    table = SimpleNamespace(rows=[2, 3], sheet="Log", parts=[], sheet_at=lambda i: "Log")
    cols = SimpleNamespace(
        codes=[["97153"], ["97155"]],
        cap=None,
        copied=[("units_authorized", [10, 10], None)],
        units_used=used,
        visits_used=None,
        units_left=[3, 3],
        visits_left=None,
    )
    maker = lines.LineMaker(cols, table)
    settled = [maker.settled()(i) for i in range(2)]
    assert all(r.settled for r in settled)
    auth = Authorization(client=-1, payer=1, id=-1)
    service_lines.hold_lines(auth, [r.line for r in settled])
    assert [line.carried_units_used for line in auth.lines] != [0, 0]
    lines._unsettle(SimpleNamespace(auth=auth), [r.settled for r in settled])  # type: ignore[arg-type]
    assert auth.lines == [maker.fresh()(i).line for i in range(2)]
