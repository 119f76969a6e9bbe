"""merge_coverage reads a row's Seen by position (s[0], s[1]...) rather than by field name, and
coverage_chain.set_chain looks a payer's "prior authorization required" up without a call per
coverage: both give what the named-field code before them gave (the reference module's
_one_card, required_of called per coverage), on random rows."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth.data import Data
from priorauth.model import Authorization, Payer, Priority
from sync.planning import coverage_chain, merge_coverage
from sync.planning.merge import Merger
from sync.planning.merge_coverage import Seen
from tests.helpers import merge_coverage_reference

_DAY0 = dt.date(2021, 1, 1)


_SEEN = st.builds(
    lambda client, payer, member, priority, offset, draft, index: Seen(
        client,
        payer,
        member,
        priority,
        _DAY0 + dt.timedelta(days=offset),
        None,
        SimpleNamespace(auth=Authorization(client=client, payer=payer)) if draft else None,
        index,
    ),
    st.sampled_from([-1, -2, 3]),
    st.sampled_from([1, 2]),
    st.sampled_from(["", "M1", "M2"]),
    st.sampled_from([None, Priority.PRIMARY, Priority.SECONDARY]),
    st.integers(0, 400),
    st.booleans(),
    st.integers(0, 50),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SEEN, min_size=1, max_size=6))
def test_one_card_as_before(rows: list[Seen]) -> None:
    assert merge_coverage._one_card(rows) == merge_coverage_reference._one_card(rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SEEN, min_size=1, max_size=8))
def test_member_ids_as_before(rows: list[Seen]) -> None:
    """Each row's authorization gets the member id the named-field loop gave it."""
    client: Any = SimpleNamespace(insurances=[])
    merge_coverage._member_ids(client, rows)
    for s in rows:
        if s.draft is not None and s.member:
            assert s.draft.auth.member_id == s.member
        elif s.draft is not None:
            assert s.draft.auth.member_id == ""  # (no coverage to take one from)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([1, 2, 3, -1]), st.sampled_from(["A", "B"])), max_size=5),
    st.dictionaries(st.sampled_from([1, 2, 3, -1]), st.booleans(), max_size=2),
)
def test_set_chain_as_before(links: list[tuple[int, str]], known: dict[int, bool]) -> None:
    """The coverages and the payers' "required" kept are those of required_of's per coverage."""
    payers = {i: Payer(id=i, name=f"Payer {i}", prior_auth_required=i != 2) for i in (1, 2, 3)}
    chain = [(payer, member, None, None) for payer, member in links]

    def made(by_call: bool) -> tuple[list[dict[str, Any]], dict[int, bool]]:
        merger = Merger(Data(payers=payers), dt.date(2025, 1, 1))
        merger.payer("New Payer")  # (id -1, requires prior authorization)
        client = merger.new_client("", "Bo", "Ng", None, ("Log", 2))
        required = dict(known)
        if by_call:  # the way before: required_of for each coverage
            covs = [
                coverage_chain.new_coverage(
                    p,
                    coverage_chain.PRIMARY,
                    m,
                    coverage_chain.required_of(merger, p, required),
                    s,
                    e,
                    0,
                )
                for p, m, s, e in chain
            ]
            client.insurances = covs
        else:
            coverage_chain.set_chain(merger, client, chain, required)
        return [vars(c) for c in client.insurances], required

    assert made(False) == made(True)


def test_grouped_by_client_in_first_row_order() -> None:
    """merge_coverages takes the clients in the order of their first rows, each client's rows
    in row order (what the defaultdict gave)."""
    payers = {1: Payer(id=1, name="Payer 1")}
    merger = Merger(Data(payers=payers), dt.date(2025, 1, 1))
    b = merger.new_client("", "Bo", "Ng", None, ("Log", 2))
    a = merger.new_client("", "Al", "Ng", None, ("Log", 3))
    order: list[tuple[int, list[int]]] = []
    real = merge_coverage._member_ids

    def spy(client: Any, rows: list[Seen]) -> None:
        order.append((client.id, [s.index for s in rows]))
        real(client, rows)

    seen = [Seen(c.id, 1, "M", None, _DAY0, None, None, i) for i, c in enumerate([b, a, b, a, b])]
    merge_coverage._member_ids = spy  # type: ignore[assignment]
    try:
        merge_coverage.merge_coverages(merger, seen)
    finally:
        merge_coverage._member_ids = real  # type: ignore[assignment]
    assert order == [(b.id, [0, 2, 4]), (a.id, [1, 3])]
