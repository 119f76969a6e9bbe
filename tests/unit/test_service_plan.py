"""The appointment-list planner: reading a scheduler's export, matching rows to the services
recorded before, and judging each against its authorization and the payer's policy."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priorauth import rules
from priorauth.errors import PermissionDenied
from priorauth.model import (
    Authorization,
    OutOfAuthPolicy,
    Payer,
    Service,
    ServiceStatus,
)
from priorauth.outofauth import ServiceBlocked
from priorauth.roles import Access, Role
from priorauth.services.tracker import Tracker
from priorauth.store.codec import from_doc
from priorauth.store.datafile import Store
from sync.parsing import appointment_cells as appointments
from sync.planning.service_plan import apply_services, plan_services
from sync.reading.csvbook import decode, delimiter
from sync.recognising.appointments import A, recognise
from tests.helpers.sync_helpers import TODAY, workbook

HEADER = ["Appt ID", "Client", "DOB", "Date of Service", "Time", "CPT", "Units", "Provider"]
HEADER += ["Status"]


def row(
    appt: str,
    day: dt.date,
    status: str = "Checked Out",
    *,
    name: str = "Lee, Ann",
    units: Any = 2,
    code: str = "90837",
    time: str = "9:00 AM",
) -> list[Any]:
    return [appt, name, "04/02/1990", f"{day:%m/%d/%Y}", time, code, units, "Dr. Kim", status]


def write_csv(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)
    return path


@pytest.fixture
def auth(tracker: Tracker, practice: dict[str, Any]) -> Authorization:
    return tracker.save_authorization(
        Authorization(
            client=practice["client"].id,
            payer=practice["aetna"].id,
            auth_number="AET-1",
            procedure_codes=["90837"],
            units_authorized=10,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 12, 31),
        )
    ).authorization


def _import(tracker: Tracker, path: Path, **kwargs: Any) -> Any:
    plan = plan_services(path, tracker.data(), today=TODAY, user="alice", **kwargs)
    if not plan.errors:
        apply_services(tracker, plan)
    return plan


def _list(tmp_path: Path) -> list[list[Any]]:
    return [
        row("S1", dt.date(2026, 11, 2)),
        row("S2", dt.date(2026, 11, 9), "Cancelled"),
        row("S3", dt.date(2026, 11, 16), "No Show", name="Ann Lee"),  # named the other way
        row("S4", dt.date(2026, 11, 18), "Late Cancel"),
        row("S5", dt.date(2026, 11, 20), "Completed", name="Lee, Ann M."),
        row("S6", dt.date(2026, 11, 30), "Scheduled"),
        row("S7", dt.date(2026, 12, 7), ""),  # no status, in the future: scheduled
    ]


def test_kept_sessions_count_once_cancelled_not_future_scheduled(
    tmp_path: Path, tracker: Tracker, auth: Authorization
) -> None:
    plan = _import(tracker, write_csv(tmp_path / "list.csv", _list(tmp_path)))
    assert (len(plan.created), len(plan.updated), len(plan.unchanged)) == (7, 0, 0)
    data = tracker.data()
    assert len({s.client for s in data.services.values()}) == 1  # one client, named three ways
    by_appt = {s.appointment_id: s for s in data.services.values()}
    assert by_appt["S2"].status is ServiceStatus.CANCELLED and not by_appt["S2"].counts
    assert by_appt["S3"].status is ServiceStatus.NO_SHOW
    assert by_appt["S4"].status is ServiceStatus.LATE_CANCEL
    assert by_appt["S7"].status is ServiceStatus.SCHEDULED
    assert by_appt["S1"].time == "09:00" and by_appt["S1"].provider == "Dr. Kim"
    assert by_appt["S1"].source == "list.csv"
    use = rules.usage(data, auth, TODAY)
    assert (use.units_used, use.visits_used) == (4, 2)  # S1 and S5
    assert (use.units_scheduled, use.visits_scheduled) == (4, 2)  # S6 and S7


def test_reimport_changes_nothing_and_a_changed_status_updates_one(
    tmp_path: Path, tracker: Tracker, auth: Authorization
) -> None:
    rows = _list(tmp_path)
    path = write_csv(tmp_path / "list.csv", rows)
    _import(tracker, path)
    before = tracker.data()
    again = plan_services(path, before, today=TODAY, user="alice")
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 7)
    assert not again.has_changes and not again.missing
    rows[5][-1] = "No Show"  # S6 was scheduled
    changed = plan_services(write_csv(path, rows), before, today=TODAY, user="alice")
    assert [(i.row, i.service.appointment_id) for i in changed.updated] == [(7, "S6")]
    assert changed.updated[0].changes == ["status scheduled → no-show"]
    apply_services(tracker, changed)
    after = tracker.data()
    changed_ids = {i for i, s in after.services.items() if before.services[i].rev != s.rev}
    assert [after.services[i].appointment_id for i in changed_ids] == ["S6"]
    assert rules.usage(after, auth, TODAY).units_scheduled == 2


def test_overlapping_list_matches_without_appointment_ids_and_reports_missing(
    tmp_path: Path, tracker: Tracker, auth: Authorization
) -> None:
    header = HEADER[1:]
    first = [r[1:] for r in _list(tmp_path)[:4]]
    _import(tracker, write_csv(tmp_path / "week1.csv", first, header))
    overlap = [r[1:] for r in _list(tmp_path)[1:6]]
    del overlap[1]  # the no-show of 11/16 is gone from the later list
    plan = plan_services(
        write_csv(tmp_path / "week2.csv", overlap, header), tracker.data(), today=TODAY
    )
    assert (len(plan.created), len(plan.updated), len(plan.unchanged)) == (2, 0, 2)
    assert [s.date for s in plan.missing] == [dt.date(2026, 11, 16)]
    assert "no longer" in plan.summary()


def test_a_hand_recorded_service_is_adopted_not_duplicated(
    tmp_path: Path, tracker: Tracker, practice: dict[str, Any], auth: Authorization
) -> None:
    tracker.record_service(
        Service(
            client=practice["client"].id,
            payer=practice["aetna"].id,
            date=dt.date(2026, 11, 2),
            procedure_code="90837",
            units=2,
        )
    )
    plan = _import(tracker, write_csv(tmp_path / "l.csv", _list(tmp_path)[:1]))
    assert len(plan.updated) == 1 and not plan.created
    assert len(tracker.data().services) == 1


def test_findings_and_payer_policy(
    tmp_path: Path, tracker: Tracker, practice: dict[str, Any], auth: Authorization
) -> None:
    rows = [
        row("S1", dt.date(2026, 11, 2), units=8),
        row("S2", dt.date(2026, 11, 9), units=4),  # 12 of 10 units: past the units
        row("S3", dt.date(2027, 1, 4)),  # after the end
        row("S4", dt.date(2026, 11, 10), code="90791"),  # no authorization for the code
        row("S5", dt.date(2026, 11, 11), "Cancelled", code="90791"),  # counts nothing: fine
    ]
    path = write_csv(tmp_path / "l.csv", rows)
    plan = plan_services(path, tracker.data(), today=TODAY)
    out = plan.to_json()
    assert [f["row"] for f in out["over_units"]] == [3]
    assert [(f["row"], f["auth_number"]) for f in out["after_end"]] == [(4, "AET-1")]
    assert [f["row"] for f in out["uncovered"]] == [5]
    # (the list's dates all read either way: said once per date column, then the policy's)
    assert sum("read month first" in w for w in plan.warnings) == 2
    assert not plan.errors and len(_policy(plan)) == 3  # the default policy: warn
    tracker.save_payer(
        dataclasses.replace(practice["aetna"], out_of_auth_policy=OutOfAuthPolicy.BLOCK)
    )
    blocked = plan_services(path, tracker.data(), today=TODAY)
    assert sorted(e.row for e in blocked.errors) == [3, 4, 5]
    assert all("blocks services outside" in e.message for e in blocked.errors)
    assert len(blocked.created) == 2 and blocked.skipped == 3
    tracker.save_payer(
        dataclasses.replace(tracker.data().payers[practice["aetna"].id], out_of_auth_policy="allow")
    )
    allowed = plan_services(path, tracker.data(), today=TODAY)
    assert not allowed.errors and not _policy(allowed) and len(allowed.findings) == 3


def _policy(plan: Any) -> list[str]:
    return [w for w in plan.warnings if "read month first" not in w]


def test_unknown_clients_and_bad_cells_are_row_errors(
    tmp_path: Path, tracker: Tracker, auth: Authorization
) -> None:
    rows = [
        row("S1", dt.date(2026, 11, 2), name="Nobody, Here"),
        row("S2", dt.date(2026, 11, 3), "Maybe"),
        row("S3", dt.date(2026, 11, 4), units="two"),
        ["S4", "Lee, Ann", "04/02/1990", "", "", "90837", 1, "", "Kept"],
    ]
    plan = plan_services(write_csv(tmp_path / "l.csv", rows), tracker.data(), today=TODAY)
    by_row = {e.row: e for e in plan.errors}
    assert by_row[2].column == "Client" and "no client Nobody, Here" in by_row[2].message
    assert by_row[3].column == "Status" and by_row[3].cell == "I3"
    assert by_row[4].column == "Units"
    assert by_row[5].column == "Date of Service" and "missing" in by_row[5].message
    assert plan.skipped == 4 and not plan.created


def test_an_unknown_client_of_a_list_with_first_and_last_names_names_its_cell(
    tmp_path: Path, tracker: Tracker, auth: Authorization
) -> None:
    header = ["Visit #", "First Name", "Last Name", "DOB", "DOS", "CPT", "Units", "Status"]
    rows = [
        ["V1", "Ann", "Lee", "04/02/1990", "11/02/2026", "90837", 1, "Kept"],
        ["V2", "Here", "Nobody", "01/01/2000", "11/02/2026", "90837", 1, "Kept"],
    ]
    path = write_csv(tmp_path / "l.csv", rows, header)
    plan = plan_services(path, tracker.data(), today=TODAY)
    (error,) = plan.errors
    assert (error.row, error.column, error.cell) == (3, "Last Name", "C3")
    assert "no client Nobody, Here" in error.message and len(plan.created) == 1


def test_xlsx_dates_times_and_minutes(
    tmp_path: Path, tracker: Tracker, auth: Authorization
) -> None:
    header = ["Patient ID", "Appointment Start", "CPT Code", "Duration (mins)", "Status"]
    client_id = tracker.data().clients[auth.client].client_id
    rows = [
        [client_id, dt.datetime(2026, 11, 2, 14, 30), "97153", 53, "Show"],
        [client_id, dt.datetime(2026, 11, 3, 9, 0), "97153", 22, "Kept"],
        [client_id, dt.datetime(2026, 11, 4, 9, 0), "97153", 7, "Kept"],
    ]
    path = workbook(tmp_path / "l.xlsx", rows, title="Schedule", header=header)
    plan = plan_services(path, tracker.data(), today=TODAY)
    assert [(i.service.time, i.service.units) for i in plan.created] == [("14:30", 4), ("09:00", 1)]
    (error,) = plan.errors
    assert error.row == 4 and "8 minutes" in error.message


def test_a_session_code_bills_one_unit_whatever_its_minutes(
    tmp_path: Path, tracker: Tracker, auth: Authorization
) -> None:
    """90837 is "psychotherapy, 60 minutes": a 53-minute session is one unit of the
    authorization's 10, not four 15-minute units; the 8-minute rule is for timed codes."""
    header = ["Patient ID", "Appointment Start", "CPT Code", "Duration (mins)", "Status"]
    client_id = tracker.data().clients[auth.client].client_id
    rows = [
        [client_id, dt.datetime(2026, 11, 2, 14, 0), "90837", 53, "Kept"],
        [client_id, dt.datetime(2026, 11, 9, 14, 0), "90837", "1:30", "Kept"],
        [client_id, dt.datetime(2026, 11, 16, 14, 0), "90837", 5, "Kept"],
    ]
    path = workbook(tmp_path / "l.xlsx", rows, title="Schedule", header=header)
    plan = plan_services(path, tracker.data(), today=TODAY)
    assert [i.service.units for i in plan.created] == [1, 1]
    (error,) = plan.errors
    assert error.row == 4 and "8 minutes" in error.message


def test_day_first_dates(tmp_path: Path, tracker: Tracker, auth: Authorization) -> None:
    rows = [row("S1", dt.date(2026, 11, 2))]
    rows[0][2:4] = ["02/04/1990", "02/11/2026"]  # a day-first list writes both dates so
    plan = plan_services(
        write_csv(tmp_path / "l.csv", rows), tracker.data(), today=TODAY, date_order="dmy"
    )
    assert plan.created[0].service.date == dt.date(2026, 11, 2)


@pytest.mark.parametrize(
    ("text", "col"),
    [
        ("Appt ID", A.APPOINTMENT_ID),
        ("Visit #", A.APPOINTMENT_ID),
        ("Patient Name", A.NAME),
        ("Client", A.NAME),
        ("Patient ID", A.CLIENT_ID),
        ("MRN", A.CLIENT_ID),
        ("DOB", A.DOB),
        ("DOS", A.DATE),
        ("Appointment Date", A.DATE),
        ("Start Time", A.TIME),
        ("CPT", A.CODE),
        ("Service Code", A.CODE),
        ("Billed Units", A.UNITS),
        ("Duration (min)", A.MINUTES),
        ("Rendering Provider", A.PROVIDER),
        ("Therapist", A.PROVIDER),
        ("Appt Status", A.STATUS),
        ("Attendance", A.STATUS),
        ("First Name", A.FIRST),
        ("Last Name", A.LAST),
        ("Insurance", A.PAYER),
        ("Notes", None),
    ],
)
def test_header_words(text: str, col: A | None) -> None:
    assert recognise(text) == col


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Checked Out", ServiceStatus.CHECKED_OUT),
        ("checked-out", ServiceStatus.CHECKED_OUT),
        ("Completed", ServiceStatus.COMPLETED),
        ("Kept", ServiceStatus.KEPT),
        ("No Show", ServiceStatus.NO_SHOW),
        ("NOSHOW", ServiceStatus.NO_SHOW),
        ("Canceled", ServiceStatus.CANCELLED),
        ("Late Cancel (under 24h)", ServiceStatus.LATE_CANCEL),
        ("Rescheduled", ServiceStatus.RESCHEDULED),
        ("Booked", ServiceStatus.SCHEDULED),
        ("", None),
    ],
)
def test_statuses(text: str, status: ServiceStatus | None) -> None:
    assert appointments.status(text) == status


@given(st.integers(min_value=0, max_value=600))
def test_eight_minute_rule(minutes: int) -> None:
    units = appointments.units_from_minutes(minutes)
    assert units == (0 if minutes < 8 else (minutes - 8) // 15 + 1)
    assert units * 15 - 7 <= minutes or units == 0
    assert appointments.units_from_minutes(minutes, "97153-HO") == units  # a timed code
    assert appointments.units_from_minutes(minutes, "90834") == (0 if minutes < 8 else 1)


def test_csv_delimiters_and_encodings() -> None:
    assert delimiter("a;b;c\n1;2,5;3\n") == ";"
    assert delimiter("a\tb\tc\n1\t2\t3\n") == "\t"
    assert delimiter('a,b,c\n"x; y",2,3\n') == ","
    assert decode("\ufeffNuñez".encode()) == "Nuñez"
    assert decode("Nuñez".encode("cp1252")) == "Nuñez"


def test_an_old_service_document_opens_with_defaults() -> None:
    old = {"client": 1, "payer": 1, "date": "2026-11-02", "procedure_code": "90837", "units": 2}
    service = from_doc(Service, 5, old)
    assert (service.status, service.source, service.time, service.counts) == (
        ServiceStatus.KEPT,
        "manual",
        "",
        True,
    )
    assert from_doc(Payer, 1, {"name": "Aetna"}).out_of_auth_policy is OutOfAuthPolicy.WARN


def test_blocked_payer_refuses_staff_and_takes_billing_override(
    db_path: Path, tracker: Tracker, practice: dict[str, Any], auth: Authorization
) -> None:
    tracker.save_payer(
        dataclasses.replace(practice["aetna"], out_of_auth_policy=OutOfAuthPolicy.BLOCK)
    )
    outside = Service(
        client=practice["client"].id,
        payer=practice["aetna"].id,
        date=dt.date(2027, 1, 4),
        procedure_code="90837",
    )
    staff = Tracker(Store(db_path, user="sam"), today=TODAY, policy=Access("sam", Role.STAFF, ""))
    with pytest.raises(ServiceBlocked, match="blocks services outside"):
        staff.record_service(dataclasses.replace(outside))
    with pytest.raises(PermissionDenied):
        staff.record_service(dataclasses.replace(outside), override_reason="payer said ok")
    billing = Tracker(
        Store(db_path, user="bea"), today=TODAY, policy=Access("bea", Role.BILLING, "")
    )
    inside = dataclasses.replace(outside, date=dt.date(2026, 11, 2))
    assert staff.record_service(dataclasses.replace(inside)).authorization == auth
    result = billing.record_service(
        dataclasses.replace(outside), override_reason="retro auth promised, ref 991"
    )
    assert result.service.override_reason == "retro auth promised, ref 991"
    entry = billing.store.audit()[-1]
    assert entry.user == "bea" and "retro auth promised, ref 991" in entry.summary
    over = dataclasses.replace(inside, units=9)  # 1 + 9 of 10 units: fits
    staff.record_service(over)
    with pytest.raises(ServiceBlocked, match="past the 10 units"):
        staff.record_service(dataclasses.replace(inside))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("9am", "09:00"),
        ("2 p.m.", "14:00"),
        ("9:15 AM", "09:15"),
        ("12:30 am", "00:30"),
        ("14:30", "14:30"),
        ("03/31/2026 2:05 PM", "14:05"),
        ("03/31/2026", ""),
        (dt.time(8, 45), "08:45"),
        (dt.datetime(2026, 3, 31, 16, 0), "16:00"),
        (0.75, "18:00"),  # a time cell as a fraction of the day
        ("", ""),
    ],
)
def test_times(value: Any, text: str) -> None:
    assert appointments.time_of(value) == text


def test_a_finding_keeps_the_code_as_written(tracker: Tracker, practice: dict[str, Any]) -> None:
    """ "The H2019-HN service ...", not "The h2019-hn service ..." (str.capitalize)."""
    from priorauth import outofauth

    service = Service(
        client=practice["client"].id,
        payer=practice["aetna"].id,
        date=dt.date(2026, 11, 2),
        procedure_code="H2019-HN",
    )
    (finding,) = outofauth.check_one(tracker.data(), service)
    assert finding.message == "No Aetna authorization covers the H2019-HN service on 11/02/2026."
    tracker.save_authorization(
        Authorization(
            client=practice["client"].id,
            payer=practice["aetna"].id,
            auth_number="AET-9",
            procedure_codes=["H2019-HN"],
            units_authorized=1,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 12, 31),
        )
    )
    service.units = 2
    (finding,) = outofauth.check_one(tracker.data(), service)
    assert finding.message.startswith("The H2019-HN service on 11/02/2026 is past the 1 units")


def test_new_services_are_made_as_the_constructor_makes_them() -> None:
    """The planner's generated makers give the records ``Service(...)`` and
    ``dataclasses.replace`` would: a new one with every field, in ``_COMPARED``'s order, and the
    defaults of the others; an updated one with those fields and the list as its source, the
    others (id, revision, who recorded it, note...) the recorded service's."""
    from sync.planning.service_plan import _COMPARED, _makers

    values = (7, 3, dt.date(2026, 11, 2), "09:15", "97153", 2, ServiceStatus.NO_SHOW, "rb", "A1")
    make, update = _makers("alice", "list.xlsx")
    made = make(-4, *values, 0)
    expected = Service(
        id=-4, recorded_by="alice", source="list.xlsx", **dict(zip(_COMPARED, values, strict=True))
    )
    assert made == expected
    assert dataclasses.astuple(made) == dataclasses.astuple(expected)
    other = make(-5, *values, 0)
    assert other is not made and other.id == -5 and made.id == -4
    recorded = Service(
        id=12,
        rev=3,
        client=7,
        payer=4,
        date=dt.date(2026, 11, 1),
        recorded_by="bob",
        note="typed in",
        authorization=5,
        source="manual",
        updated_by="bob",
        updated_at="x",
    )
    changed = update(recorded, *values, "list.xlsx", 0)
    wanted = dataclasses.replace(
        recorded, source="list.xlsx", **dict(zip(_COMPARED, values, strict=True))
    )
    assert dataclasses.astuple(changed) == dataclasses.astuple(wanted)
    assert changed is not recorded and recorded.source == "manual" and recorded.client == 7


def test_clients_found_a_column_at_a_time_are_those_found_row_by_row(
    tracker: Tracker, practice: dict[str, Any]
) -> None:
    """``ClientFinder.of_rows`` (each distinct client found once) gives each row what ``find``
    gives it on its own: the client, or the sentence saying why none fits."""
    from sync.planning.service_match import ClientFinder
    from sync.recognising.appointments import Appointment

    def appointment(n: int, client_id: str, first: str, last: str, dob: Any) -> Appointment:
        day = dt.date(2026, 11, 2)
        return Appointment(n, client_id, first, last, dob, day, "", "", 1, "", None, "", "")

    born = dt.date(1990, 4, 2)
    client_id = practice["client"].client_id
    rows = [
        appointment(2, "", "Ann", "Lee", born),
        appointment(3, "", "Bo", "Lee", born),
        appointment(4, client_id, "", "", None),
        appointment(5, "", "Ann", "Lee", born),
        appointment(6, "X9", "", "", None),
        appointment(7, "", "Ann M.", "Lee", None),
    ]
    data = tracker.data()
    found = ClientFinder(data).of_rows(rows)
    one_by_one = ClientFinder(data)
    assert found == [one_by_one.find(a) for a in rows]
    assert found[0] is found[2] is found[3] and found[0].id == practice["client"].id
    assert all(isinstance(found[i], str) for i in (1, 4, 5))


def test_clients_named_by_id_need_no_index_of_names(
    tracker: Tracker, practice: dict[str, Any]
) -> None:
    """The clients' names are indexed (each normalised) only when a row is looked up by name:
    a list giving every client's id finds them without."""
    from sync.planning.service_match import ClientFinder
    from sync.recognising.appointments import Appointment

    day = dt.date(2026, 11, 2)
    client_id = practice["client"].client_id
    by_id = Appointment(2, client_id, "Ann", "Lee", None, day, "", "", 1, "", None, "", "")
    finder = ClientFinder(tracker.data())
    assert finder.of_rows([by_id, by_id]) == [practice["client"]] * 2
    assert "_names" not in vars(finder)
    by_name = Appointment(
        3, "", "Ann", "Lee", dt.date(1990, 4, 2), day, "", "", 1, "", None, "", ""
    )
    assert finder.find(by_name) == practice["client"] and "_names" in vars(finder)


def test_a_second_import_of_one_appointment_says_it_in_the_singular(
    tmp_path: Path, tracker: Tracker, auth: Authorization
) -> None:
    path = write_csv(tmp_path / "l.csv", [row("S1", dt.date(2026, 11, 2))])
    _import(tracker, path)
    again = apply_services(tracker, plan_services(path, tracker.data(), today=TODAY, user="alice"))
    assert again.summary() == "Nothing to change: 1 service already matches."
