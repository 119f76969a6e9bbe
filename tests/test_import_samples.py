"""Each sample log in sample_workbooks/ imports to exactly what it says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from priorauth import rules
from priorauth.data import Data
from priorauth.model import Authorization, CapPeriod, Priority, RequestStatus
from priorauth.tracker import Tracker
from sync.importer import apply_import, plan_import
from tests.sync_helpers import SAMPLES, TODAY

D = dt.date


def imported(tracker: Tracker, name: str, **kwargs: object) -> Data:
    plan = plan_import(SAMPLES / name, tracker.data(), today=TODAY, user="alice", **kwargs)
    apply_import(tracker, plan, skip_invalid=True)
    return tracker.data()


def auth(data: Data, number: str) -> Authorization:
    (found,) = [a for a in data.authorizations.values() if a.auth_number == number]
    return found


def client_named(data: Data, last: str):  # type: ignore[no-untyped-def]
    (found,) = [c for c in data.clients.values() if c.last_name == last]
    return found


def test_front_desk_log(tracker: Tracker) -> None:
    """Title rows, names merged down, Remaining as a formula with no cached value, a blank row
    and a total row."""
    data = imported(tracker, "front_desk_log.xlsx")
    assert len(data.clients) == 5 and len(data.authorizations) == 6
    alvarez = client_named(data, "Alvarez")
    assert (alvarez.first_name, alvarez.dob) == ("Marisol", D(1988, 3, 14))
    old, new = auth(data, "A-2026-0117"), auth(data, "A-2026-0733")
    assert old.client == new.client == alvarez.id  # the second row had no name: filled down
    assert (old.active, new.active) == (False, True)  # the later one is the active one
    assert rules.usage(data, new, TODAY).units_remaining == 7  # 24 - 17, though the log's
    # Remaining formula had no cached value
    brennan = auth(data, "BC7781234")
    assert brennan.procedure_codes == ["90834", "90837"]
    assert (brennan.start_date, brennan.end_date) == (D(2026, 9, 1), D(2027, 2, 28))
    (dubois,) = [a for a in data.authorizations.values() if not a.auth_number]
    assert dubois.procedure_codes == ["H2019-HN"]
    assert dubois.end_date is None and dubois.units_authorized is None
    assert dubois.carried_units_used == 3
    assert dubois.notes == "No auth # issued; tracking sessions"
    assert rules.usage(data, auth(data, "OPT-443120"), TODAY).exhausted
    assert [i.member_id for i in alvarez.insurances] == ["W123456789"]


def test_aba_agency_tracker(tracker: Tracker) -> None:
    """Instructions sheet, first/last columns, MRN, several codes, text dates and numbers,
    trailing spaces, a secondary payer, a weekly cap, 'unlimited' units."""
    data = imported(tracker, "aba_agency_tracker.xlsx")
    assert sorted(c.client_id for c in data.clients.values()) == [
        "MRN-1001",
        "MRN-1002",
        "MRN-1003",
        "MRN-1004",
    ]
    okafor = client_named(data, "Okafor")  # "Okafor " in one row: trailing space trimmed
    assert okafor.clinician == "aokafor"
    assert [(data.payer_name(i.payer_id), i.priority, i.member_id) for i in okafor.insurances] == [
        ("Aetna", Priority.PRIMARY, "W998877665"),
        ("Tricare East", Priority.SECONDARY, "TR12345678"),
    ]
    first = auth(data, "PA-88120-01")
    assert first.procedure_codes == ["97153", "97155", "97156"]
    assert (first.units_authorized, first.carried_units_used) == (480, 455)
    assert (first.cap_amount, first.cap_period) == (40, CapPeriod.WEEK)
    assert (first.start_date, first.end_date) == (D(2026, 5, 1), D(2026, 10, 31))
    assert not first.active and auth(data, "PA-88120-02").active
    assert auth(data, "AET-ABA-5521").procedure_codes == ["97153", "97155"]
    waiver = auth(data, "PA-90211-01")
    assert waiver.units_authorized is None  # "unlimited": no cap, said as such
    assert waiver.start_date == D(2026, 8, 1) and waiver.end_date == D(2027, 1, 31)


def test_group_practice(tracker: Tracker) -> None:
    """Hidden archive sheet, "Sessions" over Approved/Used/Left, First Last names, serial-number
    dates, an Auth Period range, Status words, a stale cached Left value."""
    plan = plan_import(SAMPLES / "group_practice_2026.xlsx", tracker.data(), today=TODAY)
    assert plan.sheet == "2026"
    assert plan.warnings == [
        'Sheet "2026", row 9: visits remaining says 10, but 24 authorized - 9 used = 15; the '
        "used count was kept."
    ]
    apply_import(tracker, plan)
    data = tracker.data()
    harper = client_named(data, "Lindqvist")
    assert (harper.first_name, harper.dob, harper.clinician) == (
        "Harper",
        D(1991, 2, 17),
        "mlopez",
    )
    current = auth(data, "A-2026-0042")
    assert (current.visits_authorized, current.carried_visits_used) == (20, 14)
    assert current.units_authorized is None
    assert (current.start_date, current.end_date) == (D(2026, 1, 1), D(2026, 12, 31))
    assert current.active
    pending = auth(data, "A-2027-0003")
    assert pending.status == RequestStatus.PENDING and not pending.active
    assert not auth(data, "CG-26-88812").active  # "Expired"
    xiong = client_named(data, "Xiong")
    assert [i.priority for i in xiong.insurances] == [Priority.PRIMARY, Priority.SECONDARY]
    assert auth(data, "BC2026-4410").procedure_codes == ["90837", "90846"]


def test_mac_1904_log_reports_bad_rows_and_imports_the_rest_when_asked(
    tracker: Tracker,
) -> None:
    plan = plan_import(SAMPLES / "mac_1904_log.xlsx", tracker.data(), today=TODAY, user="alice")
    assert [(e.sheet, e.row, e.column, e.cell) for e in plan.errors] == [
        ("Auths", 4, "Effective Date", "F4"),
        ("Auths", 4, "Units Used", "I4"),
    ]
    assert "13/45/2026" in plan.errors[0].message
    assert plan.skipped == 1 and len(plan.created) == 2
    apply_import(tracker, plan, skip_invalid=True)
    data = tracker.data()
    garrido = auth(data, "AET-771-002")
    assert garrido.requested_on == D(2026, 3, 20)  # a bare serial, counted in 1904 days
    assert garrido.start_date == D(2026, 4, 1)
    assert (garrido.units_authorized, garrido.carried_units_used) == (26, 19)
    assert (garrido.visits_authorized, garrido.carried_visits_used) == (26, 18)
    assert garrido.payer_reference == "CALL-55821"
    assert garrido.confirmed and garrido.confirmed_by == "alice"
    holloway = auth(data, "CG-0098-11")
    assert not holloway.confirmed and holloway.reminder_days == 14
    assert "Ibarra" not in {c.last_name for c in data.clients.values()}


@pytest.mark.parametrize("name", ["solo_therapist.ods", "solo_therapist.xls"])
def test_solo_therapist_in_old_and_open_formats(tracker: Tracker, name: str) -> None:
    data = imported(tracker, name)
    assert len(data.authorizations) == 3
    eap = next(a for a in data.authorizations.values() if not a.auth_number)
    assert data.payer_name(eap.payer) == "Employee Assistance Program"
    assert (eap.visits_authorized, eap.carried_visits_used) == (6, 2)
    assert eap.reminder_days is None  # "No"
    assert auth(data, "AE55120").reminder_days == 30  # "1 month"
    assert client_named(data, "O'Connor").dob == D(2001, 12, 12)


def test_every_sample_reimports_as_unchanged(tracker: Tracker) -> None:
    names = sorted(p.name for p in Path(SAMPLES).iterdir() if p.suffix in (".xlsx", ".ods"))
    assert len(names) >= 5
    for name in names:
        imported(tracker, name)
    before = tracker.store.path.read_bytes()
    for name in names:
        plan = plan_import(SAMPLES / name, tracker.data(), today=TODAY)
        assert (len(plan.created), len(plan.updated)) == (0, 0), name
        assert not plan.clients_created and not plan.clients_updated, name
        result = apply_import(tracker, plan, skip_invalid=True)
        assert not result.written
    assert tracker.store.path.read_bytes() == before
