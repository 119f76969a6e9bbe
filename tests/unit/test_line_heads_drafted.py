"""The drafts of a log whose numbers repeat on service-line rows: the drafter told which rows are
never drafted (another row's lines, rows refused as such) finds a number alone when only those
rows repeat it, and a first import of an ABA log then drafts as a log of numbers apart does
(drafts._first_drafter). The drafts, errors and warnings are those of the drafter counting
every row's number."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth.data import Data
from priorauth.model import field_values
from sync.parsing.logsheet import read_log
from sync.planning import drafts as drafts_module
from sync.planning import merge_auths
from sync.planning.drafts import Draft
from sync.planning.merge import Merger
from sync.reading.workbook import RawSheet

TODAY = dt.date(2026, 11, 23)
HEADER = ["Client ID", "Client", "Payer", "Auth #", "CPT", "Start", "End", "Units", "Used"]
_STARTS = [dt.date(2026, 1, 1), dt.date(2026, 3, 1)]

_ROW = st.tuples(
    st.sampled_from(["C1", "C2", "C3"]),
    st.sampled_from(["Aetna", "Cigna", "aetna "]),
    st.sampled_from(["ABA-1", "aba-1", "ABA-2", "ABA-3", "", "TBD"]),
    st.sampled_from(["97153", "97155", "97156", "97153-HN", ""]),
    st.sampled_from(_STARTS),
    st.sampled_from([40.0, 12.0, "x"]),
    st.sampled_from([0.0, 5.0, 50.0]),
)


def _sheet(values: list[tuple[Any, ...]], codes: bool = True) -> list[list[Any]]:
    """The log's rows; without ``codes``, no CPT column (no row is another's line: a number
    twice is an error)."""
    rows: list[list[Any]] = [HEADER]
    for client, payer, number, code, start, units, used in values:
        end = start + dt.timedelta(days=180)
        rows.append([client, f"Lee {client}, Ann", payer, number, code, start, end, units, used])
    if not codes:
        rows = [row[:4] + row[5:] for row in rows]
    return rows


def _planned(rows: list[list[Any]]) -> tuple[list[Any], list[Any], list[str]]:
    table = read_log(RawSheet("Log", rows), today=TODAY)
    assert table is not None
    merger = Merger(Data(), TODAY)
    made = merge_auths.merge_log(merger, table)
    out = []
    for d in made:
        facts = {f.name: getattr(d, f.name) for f in dataclasses.fields(Draft)}
        facts["auth"] = field_values(d.auth)
        facts["lines"] = None if d.lines is None else list(d.lines)
        del facts["table"]
        out.append(facts)
    return out, table.errors, merger.warnings


def _every_row_counted(*args: Any, not_drafted: Any = (), **kwargs: Any) -> Any:
    """The drafter counting every row's number (as it did before it was told ``not_drafted``)."""
    return _drafter(*args, **kwargs)


_drafter = drafts_module.drafter


@settings(max_examples=200, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=12), st.booleans())
def test_rows_not_drafted_leave_a_number_alone(values: list[tuple[Any, ...]], codes: bool) -> None:
    rows = _sheet(values, codes)
    told = _planned(rows)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(merge_auths, "drafter", _every_row_counted)
        counted = _planned(rows)
    assert repr(told) == repr(counted)


def test_an_aba_log_is_drafted_the_first_import_way() -> None:
    rows = _sheet(
        [
            ("C1", "Aetna", "ABA-1", code, _STARTS[0], 40.0, 5.0)
            for code in ("97153", "97155", "97156")
        ]
    )
    called = []
    first = drafts_module._first_drafter

    def spy(*args: Any) -> Any:
        called.append(True)
        return first(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(drafts_module, "_first_drafter", spy)
        made, errors, _ = _planned(rows)
    assert called and not errors
    assert [len(d["lines"]) for d in made] == [3]
