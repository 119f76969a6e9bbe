"""The import's coverage merge, restructured for speed, works out what it did before: random
clients (an existing one with coverages and authorizations, a new one) and rows (payers, member
ids, priorities, dates, rows without an authorization) give the same coverages, problems,
warnings and authorization member ids as the reference (the module before the change)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import coverage
from priorauth.data import Data
from priorauth.model import Authorization, Client, ClientInsurance, Payer, Priority
from sync.planning import merge_coverage
from sync.planning.merge import Merger
from sync.planning.merge_coverage import Seen
from tests.helpers import merge_coverage_reference

TODAY = dt.date(2025, 6, 1)
_DAY0 = dt.date(2024, 1, 1)
_DAYS = st.integers(0, 20).map(lambda n: _DAY0 + dt.timedelta(days=n))
_START = st.one_of(st.none(), _DAYS)
_LENGTH = st.one_of(st.none(), st.integers(0, 10))  # (None: open-ended; short: days meet)
_MEMBER = st.sampled_from(["", "A", "B"])
_PRIORITY = st.one_of(st.none(), st.sampled_from(list(Priority)))

_COVERAGE = st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from(list(Priority)), _MEMBER)
_COVERAGE = st.tuples(_COVERAGE, _START, _LENGTH)
_AUTH = st.tuples(st.sampled_from([1, 2, 3]), _MEMBER, _START, _LENGTH)
# (client, payer, member id, priority, start, length, with an authorization, its member id)
_ROW = st.tuples(
    st.sampled_from([1, -1]),
    st.sampled_from([1, 2, 3, -1]),
    _MEMBER,
    _PRIORITY,
    _START,
    _LENGTH,
    st.booleans(),
    _MEMBER,
)


def _end(start: dt.date | None, length: int | None) -> dt.date | None:
    if length is None:
        return None
    return (start or _DAY0) + dt.timedelta(days=length)


def _merge(module: Any, flags: list[bool], covs: list, auths: list, rows: list) -> Any:
    """Everything ``module.merge_coverages`` works out for these (made afresh for each call)."""
    payers = {
        i: Payer(id=i, name=f"Payer {i}", prior_auth_required=flag)
        for i, flag in zip((1, 2, 3), flags, strict=True)
    }
    old = Client(
        id=1,
        first_name="Ann",
        last_name="Lee",
        insurances=[
            ClientInsurance(
                payer_id=payer,
                priority=priority,
                member_id=member,
                start_date=start,
                end_date=_end(start, length),
            )
            for (payer, priority, member), start, length in covs
        ],
    )
    data = Data(
        payers=payers,
        clients={1: old},
        authorizations={
            k: Authorization(
                id=k,
                client=1,
                payer=payer,
                member_id=member,
                start_date=start,
                end_date=_end(start, length),
            )
            for k, (payer, member, start, length) in enumerate(auths, start=1)
        },
    )
    merger = Merger(data, TODAY)
    assert merger.payer("New Payer").id == -1
    new = merger.new_client("", "Bo", "Ng", None, ("Log", 2))
    assert new.id == -1
    seen = []
    for i, (client, payer, member, priority, start, length, drafted, auth_member) in enumerate(
        rows
    ):
        if not drafted:  # (a row with a client and insurance, no authorization)
            seen.append(Seen(client, payer, member, priority, None, None, None, i))
            continue
        end = _end(start, length)
        auth = Authorization(
            client=client, payer=payer, member_id=auth_member, start_date=start, end_date=end
        )
        draft: Any = SimpleNamespace(auth=auth)
        seen.append(Seen(client, payer, member, priority, start, end, draft, i))
    problems = module.merge_coverages(merger, seen)
    return (
        problems,
        coverage.all_coverages(merger.current(old)),
        merger.current(old).insurances,
        new.insurances,
        merger.warnings,
        [s.draft.auth.member_id for s in seen if s.draft is not None],
    )


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.lists(_COVERAGE, max_size=3),
    st.lists(_AUTH, max_size=4),
    st.lists(_ROW, min_size=1, max_size=8),
)
def test_the_merge_works_out_what_the_reference_does(
    flags: list[bool], covs: list, auths: list, rows: list
) -> None:
    expected = _merge(merge_coverage_reference, flags, covs, auths, rows)
    assert _merge(merge_coverage, flags, covs, auths, rows) == expected


def test_a_history_of_four_payers_and_a_new_card_as_the_reference() -> None:
    """The benchmark's history log's shapes: a payer after another, and a new card."""
    rows = [
        (-1, payer, member, None, _DAY0 + dt.timedelta(days=40 * k), 35, True, member)
        for k, (payer, member) in enumerate([(1, "A"), (2, "A"), (3, "B"), (-1, "B")])
    ]
    rows += [
        (1, 2, member, None, _DAY0 + dt.timedelta(days=40 * k), 35, True, "")
        for k, member in enumerate("AB")
    ]
    expected = _merge(merge_coverage_reference, [True, False, True], [], [], rows)
    assert _merge(merge_coverage, [True, False, True], [], [], rows) == expected
    assert len(expected[3]) == 4 and len(expected[2]) == 2  # (the new client's four payers)
