"""A first import's drafts, with the status, activity and cap worked out a column at a time
(drafts._first_drafter), are the drafts the row-by-row way makes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

from priorauth.data import Data
from priorauth.model import Client, field_values
from sync.parsing.logsheet import read_log
from sync.planning.drafts import Columns, Draft, drafter
from sync.planning.merge import Merger
from sync.planning.merge_auths import AuthMatcher
from sync.reading.workbook import RawSheet

TODAY = dt.date(2026, 11, 23)
HEADER = ["Client", "Payer", "Auth #", "CPT", "Start", "End", "Units", "Used", "Remaining"]
STATUSES = ["", "Approved", "Pending", "Denied", "Requested", "Active", "Inactive"]
ACTIVE = ["", "Yes", "No"]
CAPS = ["", "4/week", "10 per month"]
NUMBERS = ["N", "TBD", "pending"]  # (a placeholder: a request, not a number)
UNITS = [24.0, "TBD"]  # (a count not known yet)
CONFIRMED = ["", "Yes", "No"]
CONFIRMED_BY = ["", "Jo"]


def _rows(extra: list[str], values: list[tuple[Any, ...]]) -> list[list[Any]]:
    rows: list[list[Any]] = [HEADER + extra]
    start = dt.date(2026, 9, 1)
    for k, (number, units, *cells) in enumerate(values):
        number = f"{number}{k}" if number == "N" else number
        auth = [number, "90837", start, dt.date(2027, 2, 28), units, 5.0, 19.0]
        rows.append([f"Lee{k}, Ann", "Aetna", *auth, *cells])
    return rows


def _drafts(rows: list[list[Any]], quick: bool) -> list[dict[str, Any]]:
    table = read_log(RawSheet("Log", rows), today=TODAY)
    assert table is not None
    merger = Merger(Data(), TODAY)
    cols = Columns(table)
    draft = drafter(merger, AuthMatcher(merger), table, cols, "alice", quick=quick)
    client = Client(id=-1, client_id="C1", first_name="Ann", last_name="Lee")
    out = []
    for i in range(len(table.rows)):
        if i in table.bad:
            continue
        made = draft(i, client, -7)
        assert isinstance(made, Draft)
        facts = {f.name: getattr(made, f.name) for f in dataclasses.fields(Draft)}
        facts["auth"] = field_values(made.auth)
        del facts["table"]
        out.append(facts)
    assert out
    return out


def _same(extra: list[str], values: list[tuple[Any, ...]]) -> None:
    rows = _rows(extra, values)
    assert _drafts(rows, quick=True) == _drafts(rows, quick=False)


def test_status_active_and_counts() -> None:
    combos = list(itertools.product(NUMBERS, UNITS, STATUSES, ACTIVE, CAPS))
    _same(["Status", "Active", "Cap"], combos)


def test_status_alone_and_confirmation() -> None:
    combos = list(itertools.product(NUMBERS, UNITS, STATUSES, CONFIRMED, CONFIRMED_BY))
    _same(["Status", "Confirmed", "Confirmed by"], combos)


def test_active_alone() -> None:
    _same(["Active"], list(itertools.product(NUMBERS, UNITS, ACTIVE)))


def test_neither() -> None:
    _same([], list(itertools.product(NUMBERS, UNITS)))
