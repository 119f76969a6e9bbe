"""The quick ways the import plans a log give what the general ways give: line_groups's plain
groups (no row-by-row check) and LineMaker.fresh's lines (columns worked out once) are compared
with the row-by-row check and LineMaker.line / row on generated rows; settle_activity's answers
kept from one client to the next with those asked afresh."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth.model import Authorization, CapMeasure, CapPeriod, LineMeasure, RequestStatus
from sync.planning import line_groups as line_groups_module
from sync.planning import lines, settle
from sync.planning.line_groups import line_groups
from sync.recognising.columns import Col

_CODES = st.one_of(
    st.none(),
    st.lists(st.sampled_from(["97153", "97153-HN", "97155", "97156", "H2019-HN"]), max_size=2),
)


@st.composite
def _log(draw: st.DrawFn) -> tuple[Any, Any]:
    """A stand-in for a log table and its Columns: rows of a few numbers and payers, with the
    columns line_groups compares and those LineMaker reads (some absent)."""
    n = draw(st.integers(1, 14))

    def column(values: st.SearchStrategy, present: bool = True) -> list[Any] | None:
        return draw(st.lists(values, min_size=n, max_size=n)) if present else None

    numbers = column(st.sampled_from(["", "ABA-1", "aba-1", "ABA-2", "X-9"]))
    payers = column(st.sampled_from(["Aetna", " aetna", "Cigna", None]), draw(st.booleans()))
    values: dict[Col, list[Any]] = {Col.AUTH_NUMBER: numbers}
    if payers is not None:
        values[Col.PAYER] = payers
    for col, choices in (
        (Col.CLIENT_ID, ["C1", "C2"]),
        (Col.START, [dt.date(2025, 1, 1), dt.date(2025, 2, 1), None]),
        (Col.STATUS, [None, ("approved", True)]),
    ):
        if draw(st.booleans()):
            # (mostly one value: rows that agree, as a group's rows do)
            values[col] = column(st.sampled_from(choices[:1] * 4 + choices))
    codes = column(_CODES)
    values[Col.CODES] = codes
    caps = column(
        st.one_of(st.none(), st.just((4, CapPeriod.WEEK, CapMeasure.VISITS))), draw(st.booleans())
    )
    copied = [
        (name, column(st.sampled_from(choices)), None)
        for name, choices in (
            ("units_authorized", [None, 0, 12, 2.5]),
            ("visits_authorized", [None, 3]),
            ("measure", [None, LineMeasure.HOURS]),
            ("group", [None, "", "Respite"]),
            ("notes", [None, "n", "m"]),
        )
        if draw(st.booleans())
    ]
    counts = [column(st.sampled_from([None, 0, 5]), draw(st.booleans())) for _ in range(4)]
    rows = list(range(2, n + 2))
    table = SimpleNamespace(
        bad=set(draw(st.lists(st.integers(0, n - 1), max_size=2))),
        values=values,
        rows=rows,
        sheet="Log",
        parts=[],
        sheet_at=lambda i: "Log",
    )
    cols = SimpleNamespace(
        auth_number=numbers,
        payer=payers,
        codes=codes,
        cap=caps,
        copied=copied,
        units_used=counts[0],
        visits_used=counts[1],
        units_left=counts[2],
        visits_left=counts[3],
        numbers_apart=lambda: _apart(numbers),
        folded_numbers=lambda: [n.casefold() if n else "" for n in numbers],
    )
    return table, cols


def _apart(numbers: list[Any]) -> bool:
    """Columns.numbers_apart of these numbers."""
    folded = [number.casefold() for number in numbers if number]
    return len(set(folded)) == len(folded)


@settings(max_examples=150, deadline=None)
@given(_log())
def test_plain_groups_are_what_the_row_by_row_check_finds(log: tuple[Any, Any]) -> None:
    table, cols = log
    quick = line_groups(table, cols)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(line_groups_module, "_plainly_lines", lambda *_: False)
        checked = line_groups(table, cols)
    assert quick == checked


@settings(max_examples=150, deadline=None)
@given(_log())
def test_fresh_lines_are_what_line_and_row_make(log: tuple[Any, Any]) -> None:
    table, cols = log
    maker = lines.LineMaker(cols, table)
    fresh = maker.fresh()
    for i in range(len(table.rows)):
        made, expected = fresh(i), maker.row(i, maker.line(i))
        assert made == expected
        # (the same attributes in the same order: the store writes a line's __dict__)
        assert list(vars(made.line).items()) == list(vars(expected.line).items())
        assert made.line.codes is not (cols.codes[i] if cols.codes else None)


_GROUP_CODES = st.lists(
    st.sampled_from(["90837", "90834", "97153", "97153-HN", "H2019"]), max_size=2
)


@st.composite
def _groups(draw: st.DrawFn) -> list[list[Any]]:
    """Clients' rows with one payer: their codes, status and whether they say they are active."""
    groups = []
    for _ in range(draw(st.integers(1, 6))):
        group = []
        for row in range(draw(st.integers(1, 4))):
            auth = Authorization(
                client=-1,
                payer=1,
                procedure_codes=draw(_GROUP_CODES),
                status=draw(st.sampled_from([RequestStatus.APPROVED, RequestStatus.PENDING])),
                active=draw(st.booleans()),
            )
            group.append(SimpleNamespace(auth=auth, explicit_active=draw(st.booleans()), row=row))
        groups.append(group)
    return groups


@settings(max_examples=150, deadline=None)
@given(_groups())
def test_settling_apart_with_answers_kept_is_as_without(groups: list[list[Any]]) -> None:
    """settle_activity keeps the code sets and _apart's answers of the code lists it has seen
    for the next client's rows: each client's parts are what they are asked afresh."""
    known: dict = {}
    apart: dict = {}
    for group in groups:
        kept = settle._by_overlapping_codes(group, known, apart)
        assert kept == settle._by_overlapping_codes(group)
