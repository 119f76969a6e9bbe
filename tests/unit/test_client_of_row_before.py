"""merge_log finds a row's client without looking again when the row says about its client (id,
name, date of birth, clinician) what the row before it said; its payer, member id and priority
may change (a log with coverage history: a client's rows with each payer and card it had). The
rows then give what they give when every row looks its client up: random logs (clients known
and new, by id or name, spelled apart, other dates of birth, blank names and payers, payers and
member ids changing from row to row) give the same drafts, errors, warnings and clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth.data import Data
from priorauth.model import Client, Payer, field_values
from sync.parsing.logsheet import read_log
from sync.planning import merge_auths
from sync.planning.merge import Merger
from sync.reading.workbook import RawSheet

TODAY = dt.date(2026, 6, 1)
HEADER = ["Client ID", "Client", "DOB", "Clinician", "Payer", "Member ID", "Auth #", "CPT"]
HEADER += ["Start", "End", "Units"]
_BORN = [dt.date(1980, 1, 2), dt.date(1990, 3, 4), ""]
_ROW = st.tuples(
    st.sampled_from(["", "C1", "C2", "C9"]),  # client id (C1 and C2 are on file)
    st.sampled_from(["Lee, Ann", "lee,  ann", "Lee, Anne", "Park, Bo", ""]),
    st.sampled_from(_BORN),
    st.sampled_from(["", "jo", "kim"]),  # clinician
    st.sampled_from(["Aetna", "aetna", "Cigna", ""]),
    st.sampled_from(["", "M1", "M2"]),
    st.integers(0, 3),  # the row's start, in half years
)


def _plan(rows: list[tuple[Any, ...]], reuse: bool) -> Any:
    cells = [HEADER]
    for k, (cid, name, dob, clinician, payer, member, half) in enumerate(rows):
        start = dt.date(2024, 1, 1) + dt.timedelta(days=182 * half)
        end = start + dt.timedelta(days=180)
        cells.append([cid, name, dob, clinician, payer, member, f"A{k}", "90837", start, end, 12])
    table = read_log(RawSheet("Log", cells), today=TODAY)
    assert table is not None
    data = Data(
        payers={1: Payer(id=1, name="Aetna")},
        clients={
            1: Client(id=1, client_id="C1", first_name="Ann", last_name="Lee", dob=_BORN[0]),
            2: Client(id=2, client_id="C2", first_name="Bo", last_name="Park"),
        },
    )
    merger = Merger(data, TODAY)
    merge_auths.CLIENT_OF_ROW_BEFORE = reuse
    try:
        drafts = merge_auths.merge_log(merger, table, user="alice")
    finally:
        merge_auths.CLIENT_OF_ROW_BEFORE = True
    new, changed = merger.finish_clients()
    return (
        [(d.row, field_values(d.auth)) for d in drafts],
        [(e.row, e.column, e.message) for e in table.errors],
        merger.warnings,
        [field_values(c) for c in new],
        [field_values(after) for _, after in changed],
        [field_values(p) for p in merger.changes.payers],
        merger.client_rows,
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=12))
def test_a_row_saying_what_the_row_before_said_finds_its_client(
    rows: list[tuple[Any, ...]],
) -> None:
    # (runs of one client: each row repeated, its payer, card and dates its own)
    rows = [r for row in rows for r in (row, row[:4] + rows[0][4:])]
    assert _plan(rows, reuse=True) == _plan(rows, reuse=False)


def test_a_history_log_finds_each_client_once() -> None:
    rows = [
        ("C9", "Kim, Jo", _BORN[1], "", payer, f"M{k}", k)
        for k, payer in enumerate(["Aetna", "Cigna", "Aetna", "Cigna"])
    ]
    looked = []
    original = Merger.find_client

    def spy(self: Merger, *args: Any) -> Any:
        looked.append(args)
        return original(self, *args)

    Merger.find_client = spy  # type: ignore[method-assign]
    try:
        result = _plan(rows, reuse=True)
    finally:
        Merger.find_client = original  # type: ignore[method-assign]
    assert len(looked) == 1
    assert result == _plan(rows, reuse=False)
    assert len(result[0]) == 4 and not result[1]
