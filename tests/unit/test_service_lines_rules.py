"""Service lines in the rules (issue 12): validation naming the line, usage and notifications per
line (a one-line authorization's keys and dismissals as they were), the overlapping-code rule
with lines, box 23 per code and the split claim, renewal copying lines, reports per line."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priorauth import notify, outofauth, report_rows, reports, rules
from priorauth.box23 import box23
from priorauth.errors import ValidationError
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    ClientInsurance,
    LineMeasure,
    Payer,
    Priority,
    RequestStatus,
    Service,
    ServiceLine,
)
from priorauth.service_lines import lines_of, with_lines
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from priorauth.usage import line_usages, usage_of
from priorauth.validate import line_problems

TODAY = dt.date(2026, 11, 23)
D = dt.date


def _aba_lines() -> list[ServiceLine]:
    return [
        ServiceLine(codes=["97153"], units_authorized=320),
        ServiceLine(codes=["97155"], units_authorized=40),
        ServiceLine(codes=["97156"], units_authorized=12),
    ]


def _setup(tracker: Tracker) -> tuple[Client, Payer]:
    payer = tracker.save_payer(Payer(name="State Medicaid"))
    kid = tracker.save_client(
        Client(
            client_id="C7",
            first_name="Noa",
            last_name="Park",
            dob=D(2019, 5, 1),
            insurances=[ClientInsurance(payer_id=payer.id, priority=Priority.PRIMARY)],
        )
    )
    return kid, payer


def _auth(kid: Client, payer: Payer, number: str, **kw: object) -> Authorization:
    base = Authorization(
        client=kid.id,
        payer=payer.id,
        auth_number=number,
        start_date=D(2026, 9, 1),
        end_date=D(2027, 2, 28),
        reminder_days=None,
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def _aba(kid: Client, payer: Payer, lines: list[ServiceLine] | None = None) -> Authorization:
    return with_lines(_auth(kid, payer, "ABA-1"), lines or _aba_lines())


def _record(tracker: Tracker, kid: Client, payer: Payer, day: dt.date, code: str, units: int):
    return tracker.record_service(
        Service(client=kid.id, payer=payer.id, date=day, procedure_code=code, units=units)
    )


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "sentence"),
    [
        (
            [ServiceLine(codes=["97153"], units_authorized=8), ServiceLine(codes=["97153"])],
            "line 2 (97153): 97153 is already on line 1; list each code on one line.",
        ),
        (
            [ServiceLine(codes=["97153"]), ServiceLine(codes=["97155"], units_authorized=-3)],
            "line 2 (97155): units authorized cannot be negative (it is -3).",
        ),
        (
            [ServiceLine(codes=["97153"]), ServiceLine(codes=["97155"], carried_visits_used=-1)],
            "line 2 (97155): visits already used cannot be negative (it is -1).",
        ),
        (
            [
                ServiceLine(codes=["97153"], units_authorized=8),
                ServiceLine(codes=["97155"], cap_amount=4, cap_period=CapPeriod.WEEK),
            ],
            "line 2 (97155): a weekly or monthly cap needs units or visits authorized on the "
            "line; give its counts or remove the cap.",
        ),
        (
            [ServiceLine(codes=["97153"]), ServiceLine(codes=[])],
            "line 2 (any code): an authorization of several lines needs the codes of each line; "
            "give this one its codes or a procedure group.",
        ),
        (
            [ServiceLine(codes=["97153"], units_authorized=7.5), ServiceLine(codes=["97155"])],
            "line 1 (97153): units authorized must be a whole number (it is 7.5); only a line "
            "measured in hours keeps fractions of a unit.",
        ),
        (
            [ServiceLine(codes=["97153"], visits_authorized=2.5), ServiceLine(codes=["97155"])],  # type: ignore[arg-type]
            "line 1 (97153): visits authorized must be a whole number (it is 2.5).",
        ),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_saved(
    tracker: Tracker, lines: list[ServiceLine], sentence: str
) -> None:
    kid, payer = _setup(tracker)
    with pytest.raises(ValidationError) as caught:
        tracker.save_authorization(_aba(kid, payer, lines))
    assert str(caught.value) == sentence
    assert tracker.data().authorizations == {}


def test_hours_keep_their_fractions_and_a_group_names_its_line() -> None:
    hours = ServiceLine(codes=["97153"], units_authorized=7.5, measure=LineMeasure.HOURS)
    auth = with_lines(Authorization(client=1, payer=1), [hours, *_aba_lines()[1:]])
    assert line_problems(auth) == []
    grouped = ServiceLine(codes=["97155"], group="Supervision", units_authorized=-1)
    (problem,) = line_problems(
        with_lines(Authorization(client=1, payer=1), [_aba_lines()[0], grouped])
    )
    assert str(problem).startswith("line 2 (Supervision): units authorized cannot be negative")


def test_a_one_line_authorization_takes_whole_units(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    with pytest.raises(ValidationError, match=r"Units authorized must be a whole number"):
        tracker.save_authorization(_auth(kid, payer, "X", units_authorized=7.5))
    saved = tracker.save_authorization(
        _auth(kid, payer, "H", units_authorized=7.5, measure=LineMeasure.HOURS)  # type: ignore[arg-type]
    )
    assert saved.authorization.units_authorized == 7.5


# --- usage and notifications per line ------------------------------------------------------------


def test_each_line_is_used_and_told_about_on_its_own(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    auth = tracker.save_authorization(_aba(kid, payer)).authorization
    _record(tracker, kid, payer, D(2026, 11, 2), "97153", 40)
    _record(tracker, kid, payer, D(2026, 11, 9), "97155", 37)
    _record(tracker, kid, payer, D(2026, 11, 16), "97156", 13)
    data = tracker.data()
    per_line = rules.lines_usage(data, auth, TODAY)
    assert [lu.usage.units_remaining for lu in per_line] == [280, 3, -1]
    assert rules.usage(data, auth, TODAY).units_used == 90
    found = {(n.kind, n.line): n for n in notify.compute(data, TODAY) if n.authorization}
    low = found[("low_remaining", "97155")]
    assert low.message == "State Medicaid authorization ABA-1: 97155 has 3 of 40 units left."
    assert low.key == f"low_remaining:{auth.id}:97155"
    used_up = found[("exhausted", "97156")]
    assert used_up.message == (
        "State Medicaid authorization ABA-1: 97156 is used up: 13 of 12 units used (1 over)."
    )
    assert used_up.date == D(2026, 11, 16) and used_up.key == f"exhausted:{auth.id}:97156"
    assert ("low_remaining", "97153") not in found  # 280 of 320 left
    told = [n for n in found.values() if n.kind in ("low_remaining", "exhausted")]
    assert all(n.line for n in told)  # never the whole authorization's total


def test_a_line_runs_out_at_its_own_pace_and_over_its_own_cap(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    lines = _aba_lines()
    lines[1] = ServiceLine(codes=["97155"], units_authorized=200)
    lines[0] = dataclasses.replace(lines[0], cap_amount=20, cap_period=CapPeriod.WEEK)
    auth = tracker.save_authorization(_aba(kid, payer, lines)).authorization
    for week in range(4):  # 97155: 20 units a week, 120 left -> six weeks, before the end
        _record(tracker, kid, payer, D(2026, 10, 27) + dt.timedelta(days=7 * week), "97155", 20)
    _record(tracker, kid, payer, D(2026, 11, 17), "97153", 25)  # over the 97153 line's cap
    found = [n for n in notify.compute(tracker.data(), TODAY) if n.authorization == auth.id]
    projected = [n for n in found if n.kind == "projected_exhaustion"]
    assert [n.line for n in projected] == ["97155"]
    assert "the 120 units of 97155 left on State Medicaid authorization ABA-1" in (
        projected[0].message
    )
    (over,) = [n for n in found if n.kind == "over_cap"]
    assert over.line == "97153" and over.key == f"over_cap:{auth.id}:97153:2026-11-16"
    assert "97153 allows 20 units a week; the week of 11/16/2026 has 25 (5 over)" in over.message


def test_a_one_line_notification_keeps_its_key_and_its_dismissal(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    one = tracker.save_authorization(
        _auth(kid, payer, "OT-1", procedure_codes=["97530"], units_authorized=10)
    ).authorization
    _record(tracker, kid, payer, D(2026, 11, 2), "97530", 8)
    (low,) = [n for n in tracker.notifications() if n.kind == "low_remaining"]
    assert low.key == f"low_remaining:{one.id}" and low.line == ""
    assert low.message == "State Medicaid authorization OT-1 is running low: 2 of 10 units left."
    tracker.dismiss(low)
    aba = tracker.save_authorization(_aba(kid, payer)).authorization  # lines beside it
    _record(tracker, kid, payer, D(2026, 11, 3), "97155", 37)
    _record(tracker, kid, payer, D(2026, 11, 3), "97156", 11)
    shown = tracker.notifications()
    assert low.key not in {n.key for n in shown}  # still dismissed: its facts did not change
    lows = {n.key for n in shown if n.kind == "low_remaining"}
    assert lows == {f"low_remaining:{aba.id}:97155", f"low_remaining:{aba.id}:97156"}
    (line_low,) = [n for n in shown if n.key.endswith(":97155") and n.kind == "low_remaining"]
    tracker.dismiss(line_low)  # one line's dismissal leaves the other line's shown
    left = {n.key for n in tracker.notifications() if n.kind == "low_remaining"}
    assert left == {f"low_remaining:{aba.id}:97156"}


def test_a_service_past_its_line_warns_with_the_line(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    tracker.save_authorization(_aba(kid, payer))
    result = _record(tracker, kid, payer, D(2026, 11, 2), "97156", 12)
    assert "This uses the last of the 12 units of 97156 of authorization ABA-1." in (
        result.warnings
    )


def test_services_left_out_are_those_no_line_of_the_edit_holds(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    saved = tracker.save_authorization(_aba(kid, payer)).authorization
    _record(tracker, kid, payer, D(2026, 11, 2), "97153", 4)
    _record(tracker, kid, payer, D(2026, 10, 5), "97156", 2)
    _record(tracker, kid, payer, D(2026, 11, 3), "97156", 1)
    data = tracker.data()
    assert rules.services_left_out(data, saved, saved) == []
    edit = with_lines(saved, _aba_lines()[:2])  # (97156's line removed)
    left = rules.services_left_out(data, saved, edit)
    assert [(s.procedure_code, s.date) for s in left] == [
        ("97156", D(2026, 10, 5)),
        ("97156", D(2026, 11, 3)),
    ]


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=80),
            st.sampled_from(["97153", "97155", "97155-HN", "97156", "90837"]),
            st.integers(min_value=1, max_value=16),
        ),
        max_size=40,
    ),
    st.lists(st.integers(min_value=0, max_value=9), min_size=3, max_size=3),
    st.booleans(),
)
def test_the_total_is_the_sum_of_the_lines(
    drawn: list[tuple[int, str, int]], carried: list[int], hours: bool
) -> None:
    lines = [
        dataclasses.replace(line, carried_units_used=c)
        for line, c in zip(_aba_lines(), carried, strict=True)
    ]
    if hours:
        lines[0] = dataclasses.replace(lines[0], measure=LineMeasure.HOURS)
    auth = with_lines(Authorization(client=1, payer=1, start_date=D(2026, 9, 1)), lines)
    services = sorted(
        (
            Service(
                id=i + 1,
                client=1,
                payer=1,
                date=D(2026, 9, 1) + dt.timedelta(days=day),
                procedure_code=code,
                units=units,
            )
            for i, (day, code, units) in enumerate(drawn)
        ),
        key=lambda s: (s.date, s.id),
    )
    held = [s for s in services if s.procedure_code != "90837"]  # (no line holds 90837)
    today = D(2026, 10, 15)
    total = usage_of(auth, held, today)
    per_line = line_usages(auth, held, today)
    assert total.units_used == pytest.approx(sum(lu.usage.units_used for lu in per_line))
    assert total.units_scheduled == pytest.approx(sum(lu.usage.units_scheduled for lu in per_line))
    assert total.units_authorized == sum(line.units_authorized for line in lines_of(auth))


# --- the overlapping-code rule, box 23 and the split claim ---------------------------------------


def test_ot_and_speech_are_both_active_and_box23_numbers_each_code(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    speech = tracker.save_authorization(
        _auth(kid, payer, "SLP-1", procedure_codes=["92507"], visits_authorized=24)
    ).authorization
    saved = tracker.save_authorization(
        with_lines(
            _auth(kid, payer, "OT-1"),
            [
                ServiceLine(codes=["97530"], visits_authorized=24),
                ServiceLine(codes=["97535"], visits_authorized=12),
            ],
        )
    )
    assert saved.deactivated == []
    day = D(2026, 12, 1)
    _record(tracker, kid, payer, day, "92507", 1)
    _record(tracker, kid, payer, day, "97530", 2)
    data = tracker.data()
    assert data.authorizations[speech.id].active
    assert data.authorizations[saved.authorization.id].active
    client = data.clients[kid.id]
    assert box23(data, client, day, "92507")[Priority.PRIMARY].value == "SLP-1"
    assert box23(data, client, day, "97530")[Priority.PRIMARY].value == "OT-1"
    claim = box23(data, client, day)[Priority.PRIMARY]
    parts = [(p.value, p.codes) for p in claim.split]
    assert parts == [("SLP-1", ("92507",)), ("OT-1", ("97530",))]
    assert claim.split_sentence == (
        "Split the claim: 92507 under SLP-1, 97530 under OT-1 (box 23 holds one number per claim)."
    )
    assert "the claim must be split" in claim.note


def test_one_number_for_a_day_under_one_authorization_is_not_split(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    tracker.save_authorization(_aba(kid, payer))
    _record(tracker, kid, payer, D(2026, 11, 2), "97153", 8)
    _record(tracker, kid, payer, D(2026, 11, 2), "97155", 2)
    data = tracker.data()
    claim = box23(data, data.clients[kid.id], D(2026, 11, 2))[Priority.PRIMARY]
    assert claim.value == "ABA-1" and claim.split == () and claim.split_sentence == ""


def test_making_one_active_makes_the_overlapping_lines_inactive(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    aba = tracker.save_authorization(_aba(kid, payer)).authorization
    speech = tracker.save_authorization(
        _auth(kid, payer, "SLP-1", procedure_codes=["92507"], visits_authorized=24)
    )
    assert speech.deactivated == []  # no code in common with any line
    second = tracker.save_authorization(
        with_lines(
            _auth(kid, payer, "ABA-2", start_date=D(2026, 12, 1)),
            [ServiceLine(codes=["97156"], units_authorized=6), ServiceLine(codes=["97158"])],
        )
    )
    assert [a.id for a in second.deactivated] == [aba.id]  # 97156 is on a line of both
    assert not tracker.data().authorizations[aba.id].active


# --- renewal and reports ------------------------------------------------------------------------


def test_a_renewal_copies_the_lines_with_nothing_carried_in(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    lines = _aba_lines()
    lines[1] = dataclasses.replace(
        lines[1],
        carried_units_used=9,
        cap_amount=10,
        cap_period=CapPeriod.WEEK,
        cap_measure=CapMeasure.UNITS,
    )
    auth = tracker.save_authorization(_aba(kid, payer, lines)).authorization
    renewed = rules.renewal(tracker.data(), auth, TODAY)
    assert renewed.status == RequestStatus.REQUESTED and renewed.renewal_of == auth.id
    copied = lines_of(renewed)
    assert [(line.codes, line.units_authorized) for line in copied] == [
        (["97153"], 320),
        (["97155"], 40),
        (["97156"], 12),
    ]
    assert [line.carried_units_used for line in copied] == [0, 0, 0]
    assert (copied[1].cap_amount, copied[1].cap_period) == (10, CapPeriod.WEEK)
    assert copied[0] is not lines_of(auth)[0]  # a copy: editing one leaves the other
    saved = tracker.save_authorization(renewed).authorization
    assert lines_of(tracker.data().authorizations[saved.id]) == copied


def test_reports_count_per_line(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    one = tracker.save_authorization(
        _auth(kid, payer, "SLP-1", procedure_codes=["92507"], units_authorized=20)
    ).authorization
    lines = _aba_lines()
    lines[2] = ServiceLine(codes=["97156"])  # no cap: adds nothing to units authorized
    aba = tracker.save_authorization(_aba(kid, payer, lines)).authorization
    _record(tracker, kid, payer, D(2026, 11, 2), "97153", 30)
    _record(tracker, kid, payer, D(2026, 11, 3), "97155", 40)  # used up
    _record(tracker, kid, payer, D(2026, 11, 4), "97156", 4)
    _record(tracker, kid, payer, D(2026, 11, 4), "92507", 5)
    data = tracker.data()
    (row, total) = report_rows.utilization(data, TODAY)
    assert (row.authorizations, row.units_authorized, row.units_used) == (2, 380, 75)
    assert (total.group, total.units_authorized) == ("All", 380)
    report = reports.build("utilization", data, TODAY)
    by_line = report.tables[-1]
    assert by_line.key == "by_line" and len(by_line.columns) == len(report.tables[0].columns)
    assert [(r["line"], r["units_authorized"], r["units_used"]) for r in by_line.records()] == [
        ("97153", 320, 30),
        ("97155", 40, 40),
        ("97156", 0, 0),  # no cap: nothing authorized to count against
        ("All", 360, 70),
    ]
    renewals = [r for r in report_rows.renewals(data, TODAY) if r.auth.id == aba.id]
    assert [(r.line, r.reason) for r in renewals] == [("97155", "97155: used up")]
    assert one.id not in {r.auth.id for r in report_rows.renewals(data, TODAY)}


def test_without_lines_the_utilization_report_is_as_before(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    tracker.save_authorization(
        _auth(kid, payer, "SLP-1", procedure_codes=["92507"], units_authorized=20)
    )
    report = reports.build("utilization", tracker.data(), TODAY)
    assert [t.key for t in report.tables] == ["by_payer", "by_clinician"]
    assert report_rows.utilization_by_line(tracker.data(), TODAY) == []


def test_notifications_json_names_the_line_only_for_several_lines(tracker: Tracker) -> None:
    from authtrack.cmd_notifications import as_json

    kid, payer = _setup(tracker)
    tracker.save_authorization(
        _auth(kid, payer, "OT-1", procedure_codes=["97530"], units_authorized=10)
    )
    tracker.save_authorization(_aba(kid, payer))
    _record(tracker, kid, payer, D(2026, 11, 2), "97530", 9)
    _record(tracker, kid, payer, D(2026, 11, 2), "97155", 38)
    data = tracker.data()
    rows = {n.key: as_json(data, n, TODAY) for n in notify.compute(data, TODAY)}
    one = next(r for r in rows.values() if r["auth_number"] == "OT-1")
    line = next(r for r in rows.values() if r["auth_number"] == "ABA-1")
    assert "line" not in one and line["line"] == "97155"
    assert line["message"] == "State Medicaid authorization ABA-1: 97155 has 2 of 40 units left."


def test_the_demo_shows_aba_authorizations_of_three_lines(store: Store) -> None:
    build_demo(store, today=TODAY, service_lines=True)
    data = store.snapshot()
    several = [a for a in data.authorizations.values() if a.lines]
    assert len(several) == 6
    assert {tuple(c for line in a.lines for c in line.codes) for a in several} == {
        ("97153", "97155", "97156")
    }
    kinds = {(n.kind, n.line) for n in notify.compute(data, TODAY) if n.line}
    assert {("low_remaining", "97155"), ("exhausted", "97155"), ("over_cap", "97153")} <= kinds
    assert any(kind == "projected_exhaustion" for kind, _ in kinds)


def test_past_its_line_is_judged_on_the_line_holding_the_code(tracker: Tracker) -> None:
    kid, payer = _setup(tracker)
    aba = tracker.save_authorization(_aba(kid, payer)).authorization
    _record(tracker, kid, payer, D(2026, 11, 2), "97156", 10)
    data = tracker.data()
    fits = Service(
        client=kid.id, payer=payer.id, date=D(2026, 11, 9), procedure_code="97153", units=10
    )
    assert outofauth.check_one(data, fits) == []  # 97153's own 320, whatever 97156 used
    past = dataclasses.replace(fits, procedure_code="97156", units=3)
    (finding,) = outofauth.check_one(data, past)
    assert finding.message.endswith("is past the 12 units of 97156 of authorization ABA-1.")
    _record(tracker, kid, payer, D(2026, 11, 9), "97156", 3)
    over = outofauth.over_services(tracker.data(), aba)
    assert [f.service.date for f in over.values()] == [D(2026, 11, 9)]


def test_an_ending_authorization_of_several_lines_is_one_renewal_row(tracker: Tracker) -> None:
    """ABA-1 ends within the turnaround: one row saying so, not one per line each saying the
    same end date; a line used up before the end keeps its own row."""
    kid, payer = _setup(tracker)
    aba = _auth(kid, payer, "ABA-1", start_date=D(2026, 6, 1), end_date=D(2026, 11, 30))
    aba = tracker.save_authorization(with_lines(aba, _aba_lines())).authorization
    _record(tracker, kid, payer, D(2026, 11, 3), "97155", 40)  # used up today, before the end
    rows = [r for r in report_rows.renewals(tracker.data(), TODAY) if r.auth.id == aba.id]
    assert [(r.line, r.reason, r.needed_by) for r in rows] == [
        ("97155", "97155: used up", TODAY),  # the most pressing first
        ("", "ends 11/30/2026", D(2026, 11, 30)),
    ]
