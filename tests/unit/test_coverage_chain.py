"""A new client's plain coverage history, worked out directly (sync.planning.coverage_chain),
gives what the general merge gives: random histories of one payer after another and new cards
of one payer (mostly plain, some not: overlapping cards, a payer coming back, a blank member id,
a stated priority, an open end, two cards from one day), merged with the shortcut and without."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth.data import Data
from priorauth.model import Authorization, ClientInsurance, Payer, Priority
from sync.planning import coverage_chain, merge_coverage
from sync.planning.merge import Merger
from sync.planning.merge_coverage import Seen

TODAY = dt.date(2025, 6, 1)
_DAY0 = dt.date(2020, 1, 1)

# a card: (payer: 0 the one before, else 1-3 or -1 the new one; rows' (start offset, length);
# the gap after the card before's last end, days: below 1 they overlap)
_CARD = st.tuples(
    st.sampled_from([0, 0, 1, 2, 3, -1]),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 60)), min_size=1, max_size=3),
    st.integers(-20, 40),
)
# something that makes the history not plain, now and then: (row, what)
_ODD = st.lists(
    st.tuples(st.integers(0, 11), st.sampled_from(["blank", "priority", "open", "early"])),
    max_size=2,
)


def _rows(cards: list, odd: list, order: list[int]) -> list[tuple]:
    """(payer, member, priority, start, end) of each row."""
    rows = []
    day, payer, member = _DAY0, 1, 0
    for k, (which, spans, gap) in enumerate(cards):
        if k:
            day = day + dt.timedelta(days=gap)
        if which == 0 and k:  # a new card of the payer before
            member += 1
        else:
            payer, member = which or 1, member + 1
        last = day
        for offset, length in spans:
            start = day + dt.timedelta(days=offset)
            end = start + dt.timedelta(days=length)
            rows.append([payer, f"M{member}", None, start, end])
            last = max(last, end)
        day = last
    for at, what in odd:
        if at < len(rows):
            row = rows[at]
            if what == "blank":
                row[1] = ""
            elif what == "priority":
                row[2] = Priority.SECONDARY
            elif what == "open":
                row[4] = None
            else:  # an end before the start
                row[4] = row[3] - dt.timedelta(days=1)
    ranked = sorted(range(len(rows)), key=lambda i: order[i % len(order)])
    return [tuple(rows[i]) for i in ranked]


def _merge(rows: list[tuple], shortcut: bool) -> Any:
    payers = {i: Payer(id=i, name=f"Payer {i}", prior_auth_required=i != 2) for i in (1, 2, 3)}
    merger = Merger(Data(payers=payers), TODAY)
    assert merger.payer("New Payer").id == -1
    client = merger.new_client("", "Bo", "Ng", None, ("Log", 2))
    seen = []
    for i, (payer, member, priority, start, end) in enumerate(rows):
        auth = Authorization(client=client.id, payer=payer, start_date=start, end_date=end)
        draft: Any = SimpleNamespace(auth=auth)
        seen.append(Seen(client.id, payer, member, priority, start, end, draft, i))
    taken = coverage_chain.chain(seen) is not None
    original = merge_coverage.chain
    if not shortcut:
        merge_coverage.chain = lambda rows: None  # (the general way)
    try:
        problems = merge_coverage.merge_coverages(merger, seen)
    finally:
        merge_coverage.chain = original
    out = (problems, client.insurances, merger.warnings, [s.draft.auth.member_id for s in seen])
    return out, taken


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_CARD, min_size=2, max_size=5),
    _ODD,
    st.lists(st.integers(0, 100), min_size=1, max_size=12),
)
def test_a_plain_history_is_merged_as_the_general_way_merges_it(
    cards: list, odd: list, order: list[int]
) -> None:
    rows = _rows(cards, odd, order)
    general, _ = _merge(rows, shortcut=False)
    direct, _ = _merge(rows, shortcut=True)
    assert direct == general


@pytest.mark.parametrize(
    "payers",
    [
        [1, 2, 3, -1],  # a payer after another (the history log's three clients in five)
        [1, 1, 2, 2],  # a new card, then another payer
        [3, 3, 3],  # two new cards
        [1, 2, 1, 2],  # a payer again, with another card
    ],
)
def test_the_benchmark_shapes_take_the_shortcut_and_agree(payers: list[int]) -> None:
    rows = []
    for k, payer in enumerate(payers):
        start = _DAY0 + dt.timedelta(days=182 * k + 3)
        rows.append((payer, f"M{k}", None, start, start + dt.timedelta(days=179)))
    direct, taken = _merge(rows, shortcut=True)
    assert taken
    assert direct == _merge(rows, shortcut=False)[0]
    covs = direct[1]
    assert [c.start_date for c in covs][:2] == [None, rows[1][3]]
    assert covs[-1].end_date is None


def test_a_history_that_is_not_plain_goes_the_general_way() -> None:
    start = _DAY0
    overlapping = [
        (1, "A", None, start, start + dt.timedelta(days=40)),
        (2, "B", None, start + dt.timedelta(days=30), start + dt.timedelta(days=60)),
    ]
    direct, taken = _merge(overlapping, shortcut=True)
    assert not taken
    assert [c.priority for c in direct[1]] == [Priority.PRIMARY, Priority.SECONDARY]


def test_a_coverage_made_without_init_is_the_one_init_makes() -> None:
    made = coverage_chain.new_coverage(2, Priority.PRIMARY, "M1", False, _DAY0, None, 0)
    expected = ClientInsurance(
        payer_id=2,
        priority=Priority.PRIMARY,
        member_id="M1",
        prior_auth_required=False,
        start_date=_DAY0,
        end_date=None,
    )
    assert made == expected
    assert list(vars(made).items()) == list(vars(expected).items())  # (field order: the file's)
