"""Service lines: the one reader (priorauth.usage) and writer (with_lines) of an authorization's
lines, their usage, the stored form and the schema 2 -> 3 migration."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priorauth import rules
from priorauth.model import Authorization, LineMeasure, Service, ServiceLine
from priorauth.service_lines import (
    OWN_LINE_FIELDS,
    all_codes,
    line_index,
    lines_of,
    with_lines,
)
from priorauth.store.codec import from_doc, to_doc
from priorauth.store.datafile import Store
from priorauth.store.layout import SCHEMA_VERSION
from priorauth.store.schema import problems
from priorauth.usage import least_remaining, line_usages, stated_counts, usage_of

TODAY = dt.date(2026, 3, 15)
ABA = [
    ServiceLine(codes=["97153"], units_authorized=320),
    ServiceLine(codes=["97155"], units_authorized=40, carried_units_used=10),
    ServiceLine(codes=["97156"], units_authorized=12, visits_authorized=6),
]


def _auth(**kw: object) -> Authorization:
    base = Authorization(client=1, payer=1, auth_number="ABA-1", start_date=dt.date(2026, 1, 1))
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def _service(day: int, code: str, units: int = 4) -> Service:
    return Service(client=1, payer=1, date=dt.date(2026, 3, day), procedure_code=code, units=units)


def test_one_line_authorization_reads_its_own_fields_as_its_line() -> None:
    auth = _auth(procedure_codes=["90837"], units_authorized=20, carried_units_used=3)
    (line,) = lines_of(auth)
    assert (line.codes, line.units_authorized, line.carried_units_used) == (["90837"], 20, 3)
    assert all_codes(auth) == ["90837"]


def test_with_lines_keeps_one_canonical_form() -> None:
    one = with_lines(_auth(), [ServiceLine(codes=["90837"], units_authorized=20)])
    assert one.lines == [] and one.procedure_codes == ["90837"] and one.units_authorized == 20
    several = with_lines(one, ABA)
    assert several.procedure_codes == [] and several.units_authorized is None
    assert [line.codes for line in several.lines] == [["97153"], ["97155"], ["97156"]]
    assert all_codes(several) == ["97153", "97155", "97156"]
    assert with_lines(several, lines_of(several)) == several
    assert with_lines(several, lines_of(one)) == one
    # OWN_LINE_FIELDS (what the audit reads a line's move between the two forms by): one
    # line's fields are its authorization's own; with several, those hold a blank line's values
    (line,) = lines_of(one)
    blank = ServiceLine()
    for own, attribute in OWN_LINE_FIELDS.items():
        assert getattr(one, own) == getattr(line, attribute)
        assert getattr(several, own) == getattr(blank, attribute)


def test_a_service_counts_against_the_line_holding_its_code() -> None:
    auth = with_lines(_auth(), ABA)
    assert line_index(auth, "97155") == 1
    assert line_index(auth, "97156-HN") == 2  # a modifier on the service's code
    assert line_index(auth, "90837") is None
    services = [_service(2, "97153", 8), _service(3, "97155", 4), _service(20, "97155", 2)]
    per_line = line_usages(auth, services, TODAY)
    assert [u.usage.units_used for u in per_line] == [8, 14, 0]
    assert per_line[1].usage.units_remaining == 26
    assert per_line[1].usage.units_scheduled == 2
    total = usage_of(auth, services, TODAY)
    assert (total.units_authorized, total.units_used, total.units_remaining) == (372, 22, 350)
    assert total.visits_authorized is None  # two lines state no visit cap
    assert total.visits_used == 2  # distinct days across the lines
    assert least_remaining(auth, services, TODAY).label == "97155"


def test_a_line_in_hours_counts_quarter_hours() -> None:
    auth = with_lines(
        _auth(), [ServiceLine(codes=["T1019"], units_authorized=25.5, measure=LineMeasure.HOURS)]
    )
    usage = usage_of(auth, [_service(2, "T1019", 6)], TODAY)
    assert (usage.units_used, usage.units_remaining) == (1.5, 24.0)


def test_stated_counts_are_the_totals_of_the_lines() -> None:
    assert stated_counts(with_lines(_auth(), ABA)) == (372, None, 10, 0)


def test_covering_uses_every_line_code() -> None:
    auth = with_lines(_auth(), ABA)
    assert rules.covers(auth, dt.date(2026, 3, 1), "97156")
    assert not rules.covers(auth, dt.date(2026, 3, 1), "92507")


def test_lines_round_trip_through_the_stored_document() -> None:
    auth = with_lines(_auth(id=7), [*ABA, ServiceLine(codes=["T1019"], measure=LineMeasure.HOURS)])
    doc = json.loads(json.dumps(to_doc(auth)))
    assert problems(Authorization, doc) == ""
    assert from_doc(Authorization, 7, doc) == auth


def test_a_bad_line_is_named() -> None:
    doc = to_doc(with_lines(_auth(), ABA))
    doc["lines"][1]["units_authorized"] = "forty"
    assert "lines" in problems(Authorization, doc)


def test_a_version_2_file_opens_as_one_line_authorizations(tmp_path) -> None:
    path = tmp_path / "v2.json"
    old = {
        "meta": {"1": {"schema_version": 2}},
        "payers": {"1": {"name": "Aetna"}},
        "clients": {"1": {"first_name": "Ann", "last_name": "Lee"}},
        "authorizations": {
            "1": {
                "client": 1,
                "payer": 1,
                "auth_number": "A-1",
                "procedure_codes": ["90837"],
                "units_authorized": 20,
                "start_date": "2026-01-01",
            }
        },
    }
    path.write_text(json.dumps(old))
    store = Store(path, user="alice")
    auth = store.snapshot().authorizations[1]
    assert auth.lines == [] and lines_of(auth)[0].units_authorized == 20
    with store.transaction() as tx:
        tx.update(with_lines(auth, ABA))
    written = json.loads(path.read_text())
    assert written["meta"]["1"]["schema_version"] == SCHEMA_VERSION == 3
    assert [line["codes"] for line in written["authorizations"]["1"]["lines"]] == [
        ["97153"],
        ["97155"],
        ["97156"],
    ]
    assert (
        Store(path, user="alice").snapshot().authorizations[1].lines == with_lines(auth, ABA).lines
    )


counts = st.one_of(st.none(), st.integers(0, 500))


@given(
    st.lists(
        st.builds(
            ServiceLine,
            codes=st.lists(
                st.sampled_from(["97153", "97155", "97156", "90837"]),
                min_size=1,
                max_size=2,
                unique=True,
            ),
            units_authorized=counts,
            visits_authorized=counts,
            carried_units_used=st.integers(0, 50),
            group=st.sampled_from(["", "Personal Care"]),
            measure=st.sampled_from(LineMeasure),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_with_lines_then_lines_of_gives_the_lines_back(lines: list[ServiceLine]) -> None:
    auth = with_lines(_auth(), lines)
    assert lines_of(auth) == lines
    assert with_lines(auth, lines_of(auth)) == auth


@pytest.mark.parametrize("code", ["97153", "97155"])
def test_a_one_line_authorization_with_no_codes_holds_any_code(code: str) -> None:
    assert line_index(_auth(), code) == 0
