"""settle_activity's shortcuts for a new client whose rows with a payer list codes no two of
which share a base code (each row its own therapy: every row a part of its own), and for a new
client's lone row with a payer, settle what the general way settles: random groups of rows (new
and existing clients, codes with and without modifiers, none, statuses, rows saying Active or
not, dates around today; the existing client with active authorizations in authtrack) give the
same activity, warnings and deactivations with the shortcuts and without."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth.data import Data
from priorauth.model import Authorization, RequestStatus
from sync.planning import settle
from sync.planning.merge import Merger

TODAY = dt.date(2026, 6, 1)
_CODES = st.lists(
    st.sampled_from(["90837", "90834", "90837-HN", "97153", "97155", "H2019-HN", "H2019"]),
    max_size=2,
    unique=True,
)
_DAY = st.integers(-400, 200).map(lambda n: TODAY + dt.timedelta(days=n))


@st.composite
def _rows(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        start = draw(_DAY)
        rows.append(
            (
                draw(st.sampled_from([-1, -1, -2, 1])),  # client (1: an existing one)
                draw(st.sampled_from([1, 2])),  # payer
                draw(_CODES),
                draw(st.sampled_from([RequestStatus.APPROVED, RequestStatus.PENDING])),
                draw(st.booleans()),  # active
                draw(st.booleans()),  # explicit_active
                draw(st.booleans()),  # said_active
                start,
                start + dt.timedelta(days=draw(st.integers(0, 300))),
            )
        )
    return rows


# the existing client's authorizations in authtrack: active ones a log row may replace
_STORED = {
    k: Authorization(
        id=k,
        client=1,
        payer=payer,
        procedure_codes=[code],
        active=True,
        start_date=TODAY + dt.timedelta(days=days),
        end_date=TODAY + dt.timedelta(days=days + 200),
    )
    for k, (payer, code, days) in enumerate(
        [(1, "90837", -100), (1, "97153", 50), (2, "H2019", -300)], start=1
    )
}


def _settle(rows: list[tuple[Any, ...]], shortcut: bool) -> Any:
    merger = Merger(Data(authorizations=dict(_STORED)), TODAY)
    table = SimpleNamespace(sheet_at=lambda i: "Log")
    drafts: list[Any] = []
    for i, (client, payer, codes, status, active, explicit, said, start, end) in enumerate(rows):
        auth = Authorization(
            client=client,
            payer=payer,
            procedure_codes=list(codes),
            status=status,
            active=active,
            start_date=start,
            end_date=end,
        )
        drafts.append(
            SimpleNamespace(
                auth=auth,
                explicit_active=explicit,
                said_active=said and explicit and active,
                row=i + 2,
                index=i,
                before=None,
                table=table,
            )
        )
    original = settle._all_apart
    if not shortcut:
        settle._all_apart = lambda *args: False  # (the general way)
        settle.LONE_ROWS_AT_ONCE = False
    try:
        settle.settle_activity(merger, drafts)
    finally:
        settle._all_apart = original
        settle.LONE_ROWS_AT_ONCE = True
    deactivated = [(a.id, a.active) for a in merger.deactivated]
    return [d.auth.active for d in drafts], merger.warnings, deactivated


@settings(max_examples=200, deadline=None)
@given(_rows())
def test_rows_apart_are_settled_as_the_general_way_settles_them(
    rows: list[tuple[Any, ...]],
) -> None:
    assert _settle(rows, shortcut=True) == _settle(rows, shortcut=False)


def test_the_usual_logs_three_therapies_take_the_shortcut() -> None:
    rows = [
        (-1, 1, [code], RequestStatus.APPROVED, False, False, False, TODAY, TODAY)
        for code in ("90837", "90834", "90832")
    ]
    taken = []
    original = settle._all_apart

    def spy(*args: Any) -> bool:
        taken.append(original(*args))
        return taken[-1]

    settle._all_apart = spy
    try:
        result = _settle(rows, shortcut=True)
    finally:
        settle._all_apart = original
    assert taken == [True]
    assert result == _settle(rows, shortcut=False)
    assert result[0] == [True, True, True]
