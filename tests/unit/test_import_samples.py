"""Each sample log in sample_workbooks/ imports to exactly what its generator meant.

The generator (sample_workbooks/samplegen) first decides what every row means, then writes it in
the practice's house style; ``assert_imported_as_planned`` compares every imported authorization
with the first, field by field. The counts and rows written out below pin the samples down
further, so that a changed generator shows up here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from priorauth import rules
from priorauth.data import Data
from priorauth.model import Authorization, CapPeriod, Priority, RequestStatus
from priorauth.services.tracker import Tracker
from sync.importer import ImportPlan, apply_import, plan_import
from tests.helpers.sample_plans import (
    Auth,
    aba_agency,
    assert_imported_as_planned,
    expected_flags,
    flags,
    front_desk,
    group_practice,
    mac_1904,
    solo_therapist,
)
from tests.helpers.sync_helpers import SAMPLES, TODAY

D = dt.date


def imported(tracker: Tracker, name: str, **kwargs: object) -> tuple[ImportPlan, Data]:
    plan = plan_import(SAMPLES / name, tracker.data(), today=TODAY, user="alice", **kwargs)
    apply_import(tracker, plan, skip_invalid=True)
    return plan, tracker.data()


def counts(plan: ImportPlan) -> tuple[int, int, int]:
    """Authorizations, clients and payers an import creates."""
    return len(plan.created), len(plan.clients_created), len(plan.payers_created)


def auth(data: Data, number: str) -> Authorization:
    (found,) = [a for a in data.authorizations.values() if a.auth_number == number]
    return found


def client_named(data: Data, last: str):  # type: ignore[no-untyped-def]
    (found,) = [c for c in data.clients.values() if c.last_name == last]
    return found


def test_front_desk_log(tracker: Tracker) -> None:
    """Two years of a counseling practice: title rows, names merged down, renewals, Remaining as
    a formula with no cached value, blank rows and a total row, a few dates typed as text."""
    planned = front_desk.plan()
    plan, data = imported(tracker, "front_desk_log.xlsx")
    assert counts(plan) == (123, 47, 6) == (len(planned), len({a.person.last for a in planned}), 6)
    assert not plan.errors
    assert plan.warnings == [
        'Sheet "Auth Log": skipped 1 total row (row 131): report layout, not authorizations.',
        'Sheet "Auth Log", column "Remaining": K5 and 122 more cells hold a formula that was '
        "never calculated; not read (the rows' used counts are read instead). Open the file in "
        "Excel or LibreOffice and save it to have them checked.",
    ]
    assert_imported_as_planned(data, planned)
    alvarez = client_named(data, "Alvarez")
    assert (alvarez.first_name, alvarez.dob) == ("Marisol", D(1988, 3, 14))
    assert [i.member_id for i in alvarez.insurances] == ["W123456789"]
    history = [auth(data, n) for n in ("A-2025-0391", "A-2026-0117", "A-2026-0733")]
    assert {a.client for a in history} == {alvarez.id}  # later rows had no name: filled down
    assert [a.active for a in history] == [False, False, True]  # renewals: the latest is active
    assert [(a.start_date, a.end_date) for a in history] == [
        (D(2025, 7, 7), D(2026, 1, 4)),
        (D(2026, 1, 5), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 12, 31)),
    ]
    current = history[-1]
    assert (current.units_authorized, current.carried_units_used) == (24, 17)
    assert rules.usage(data, current, TODAY).units_remaining == 7  # the formula had no value
    brennan = auth(data, "BC7781234")
    assert brennan.procedure_codes == ["90834", "90837"]
    assert (brennan.start_date, brennan.end_date) == (D(2026, 9, 1), D(2027, 2, 28))
    assert data.payer_name(brennan.payer) == "Blue Cross Blue Shield"
    tracking = [a for a in data.authorizations.values() if not a.auth_number]
    assert len(tracking) == 5  # "tracking sessions only": Medicaid and EAP issued no number
    (dubois,) = [a for a in tracking if data.clients[a.client].last_name == "Dubois"]
    assert dubois.procedure_codes == ["H2019-HN"]
    assert dubois.end_date is None and dubois.units_authorized is None
    assert dubois.carried_units_used == 3 and dubois.notes == "No auth # issued; tracking sessions"
    assert rules.usage(data, auth(data, "OPT-443120"), TODAY).exhausted
    for client in data.clients.values():  # one active authorization per client and payer
        mine = [a for a in data.authorizations.values() if a.client == client.id]
        assert sum(a.active for a in mine) == len({a.payer for a in mine})


def test_aba_agency_tracker(tracker: Tracker) -> None:
    """Instructions sheet, first/last columns, MRN, several codes per cell, text dates and
    numbers, trailing spaces, secondary funders, weekly caps, 'unlimited' units."""
    planned = aba_agency.plan()
    plan, data = imported(tracker, "aba_agency_tracker.xlsx")
    assert plan.sheet == "Authorizations"
    assert (
        counts(plan) == (59, 21, 5) == (len(planned), len({a.person.client_id for a in planned}), 5)
    )
    assert not plan.errors
    # a column the log keeps and authtrack has no field for is named, never dropped unsaid
    assert plan.warnings == [
        'Sheet "Authorizations": column Q "Fax Sent" was not recognised and was not imported.'
    ]
    assert_imported_as_planned(data, planned)
    assert {c.client_id for c in data.clients.values()} == {f"MRN-{n}" for n in range(1001, 1022)}
    okafor = client_named(data, "Okafor")  # "Okafor " in one row: trailing space trimmed
    assert okafor.clinician == "aokafor"
    assert [(data.payer_name(i.payer_id), i.priority, i.member_id) for i in okafor.insurances] == [
        ("Aetna", Priority.PRIMARY, "W998877665"),
        ("Tricare East", Priority.SECONDARY, "TR12345678"),
    ]
    first = auth(data, "PA-88120-01")
    assert first.procedure_codes == ["97153", "97155", "97156"]
    assert (first.units_authorized, first.carried_units_used) == (480, 455)  # "480 " as text
    assert (first.cap_amount, first.cap_period) == (40, CapPeriod.WEEK)
    assert (first.start_date, first.end_date) == (D(2026, 5, 1), D(2026, 10, 31))
    assert not first.active and auth(data, "PA-88120-02").active
    assert auth(data, "AET-ABA-5521").procedure_codes == ["97153", "97155"]  # "97153/97155"
    waiver = auth(data, "PA-90211-01")
    assert waiver.units_authorized is None  # "unlimited": no cap, said as such
    assert waiver.start_date == D(2026, 8, 1) and waiver.end_date == D(2027, 1, 31)
    assert max(a.units_authorized or 0 for a in data.authorizations.values()) >= 800
    secondary = [i for c in data.clients.values() for i in c.insurances if i.priority != "primary"]
    assert (
        len(secondary)
        == 3
        == len({(id(a.person), a.payer) for a in planned if a.priority != "primary"})
    )


def test_group_practice(tracker: Tracker) -> None:
    """Hidden archive sheet, "Sessions" over Approved/Used/Left, First Last names, serial-number
    birth dates, an Auth Period range, Status words, therapists' blocks, secondary payers, a
    stale cached Left value, a renewal approved in advance."""
    planned = group_practice.sheet_2026()
    plan, data = imported(tracker, "group_practice_2026.xlsx")
    assert plan.sheet == "2026"
    assert counts(plan) == (80, 42, 7) == (len(planned), len({a.person.last for a in planned}), 7)
    (stale,) = [a for a in planned if "left" in a.extra]  # Nadia Xiong's secondary
    assert plan.warnings == [
        f'Sheet "2026", row {stale.row}: visits remaining says 10, but 24 authorized - 9 used = '
        "15; the used count was kept."
    ]
    assert not plan.errors
    assert_imported_as_planned(data, planned)
    harper = client_named(data, "Lindqvist")
    assert (harper.first_name, harper.dob, harper.clinician) == ("Harper", D(1991, 2, 17), "mlopez")
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
    assert {c.clinician for c in data.clients.values()} == set(group_practice.THERAPISTS)
    statuses = {a.extra["status"].title() for a in planned}
    assert statuses == {"Active", "Expired", "Pending", "Requested", "Approved", "Denied"}
    for ahead in [a for a in planned if a.extra["status"] == "Approved" and not a.active]:
        # approved in advance: the row marked Active stays the active one
        (now,) = [
            a for a in planned if a.person is ahead.person and a.payer == ahead.payer and a.active
        ]
        assert now.extra["status"].lower() == "active" and now.start < ahead.start


def test_group_practice_last_years_sheet(tracker: Tracker) -> None:
    """The hidden 2025 sheet, chosen by name: "Used" beside "Sessions" counts sessions."""
    planned = group_practice.sheet_2025()
    plan, data = imported(tracker, "group_practice_2026.xlsx", sheet="2025")
    assert counts(plan) == (42, 26, 7) == (len(planned), len({a.person.last for a in planned}), 7)
    assert not plan.errors and not plan.warnings
    assert_imported_as_planned(data, planned)
    harper = auth(data, "A-2025-0042")
    assert (harper.visits_authorized, harper.carried_visits_used) == (20, 20)
    assert (harper.units_authorized, harper.carried_units_used) == (None, 0)


def test_mac_1904_log_reports_bad_rows_and_imports_the_rest_when_asked(
    tracker: Tracker,
) -> None:
    plan = plan_import(SAMPLES / "mac_1904_log.xlsx", tracker.data(), today=TODAY, user="alice")
    assert [(e.sheet, e.row, e.column, e.cell) for e in plan.errors] == [
        ("Auths", 4, "Effective Date", "F4"),
        ("Auths", 4, "Units Used", "I4"),
    ]
    assert [(e.sheet, e.row, e.column, e.cell) for e in plan.errors] == [
        error[:4] for error in mac_1904.ERRORS
    ]
    for e, (*_, words) in zip(plan.errors, mac_1904.ERRORS, strict=True):
        assert words in e.message
    assert plan.skipped == 1 and counts(plan) == (29, 18, 5)
    apply_import(tracker, plan, skip_invalid=True)
    data = tracker.data()
    assert_imported_as_planned(data, mac_1904.imported())
    garrido = auth(data, "AET-771-002")
    assert garrido.requested_on == D(2026, 3, 20)  # a bare serial, counted in 1904 days
    assert (garrido.start_date, garrido.end_date) == (D(2026, 4, 1), D(2026, 12, 31))
    assert (garrido.units_authorized, garrido.carried_units_used) == (26, 19)
    assert (garrido.visits_authorized, garrido.carried_visits_used) == (26, 18)
    assert garrido.payer_reference == "CALL-55821"
    # the log says Confirmed = Yes and not who: confirmed (imported), never credited to alice
    assert garrido.confirmed and garrido.confirmed_imported
    assert (garrido.confirmed_by, garrido.confirmed_at) == ("", "")
    assert garrido.display_number == "AET-771-002 C (imported)"
    assert garrido.confirmation == "confirmed (imported)"
    holloway = auth(data, "CG-0098-11")
    assert not holloway.confirmed and holloway.reminder_days == 14
    assert "Ibarra" not in {c.last_name for c in data.clients.values()}


@pytest.mark.parametrize("name", ["solo_therapist.ods", "solo_therapist.xls"])
def test_solo_therapist_in_old_and_open_formats(tracker: Tracker, name: str) -> None:
    planned = solo_therapist.plan()
    plan, data = imported(tracker, name)
    assert counts(plan) == (25, 18, 5) == (len(planned), len({a.person.last for a in planned}), 5)
    assert not plan.errors
    lines = solo_therapist.lines(planned)
    assert plan.warnings == [
        f'Sheet "Clients", row {row}: ignored "{text}" (a note, not an authorization: the row '
        "has nothing else)."
        for row, text in sorted(lines.items())
    ]
    assert_imported_as_planned(data, planned)
    (eap,) = [a for a in data.authorizations.values() if not a.auth_number]
    assert data.payer_name(eap.payer) == "Employee Assistance Program"
    assert (eap.visits_authorized, eap.carried_visits_used) == (6, 2)
    assert eap.reminder_days is None  # "No"
    assert auth(data, "AE55120").reminder_days == 30  # "1 month"
    assert client_named(data, "O'Connor").dob == D(2001, 12, 12)
    (typed,) = [a for a in planned if a.extra.get("name") == "last_first"]  # "Last, First"
    assert client_named(data, typed.person.last).first_name == typed.person.first


SAMPLE_PLANS = [
    ("front_desk_log.xlsx", front_desk.plan, (9, 6, 5)),
    ("aba_agency_tracker.xlsx", aba_agency.plan, (1, 4, 2)),
    ("group_practice_2026.xlsx", group_practice.sheet_2026, (2, 9, 3)),
    ("mac_1904_log.xlsx", mac_1904.imported, (1, 3, 1)),
    ("solo_therapist.ods", solo_therapist.plan, (4, 2, 1)),
]


@pytest.mark.parametrize(
    ("name", "planned", "kinds"), SAMPLE_PLANS, ids=[s[0] for s in SAMPLE_PLANS]
)
def test_on_the_test_day_some_need_attention_and_most_do_not(
    tracker: Tracker, name: str, planned: Callable[[], list[Auth]], kinds: tuple[int, int, int]
) -> None:
    """For 11/23/2026: some expired, some expiring within their reminder days, some used up,
    exactly those the generator meant; most active authorizations raise none of these."""
    _, data = imported(tracker, name)
    meant = planned()
    raised = flags(data, meant, TODAY)
    assert raised == expected_flags(meant, TODAY)
    assert (
        tuple(sum(k == kind for k, _ in raised) for kind in ("expired", "expiring", "exhausted"))
        == kinds
    )
    active = [a for a in meant if a.active]
    assert len({row for _, row in raised}) < len(active) / 2


def test_the_samples_keep_their_messy_features() -> None:
    """What makes each sample hard to read is really in the files, not only in the plans."""
    front = load_workbook(SAMPLES / "front_desk_log.xlsx")["Auth Log"]
    assert front["A1"].value.startswith("Sunrise") and front["E4"].value == "Auth #"
    assert len(front.merged_cells.ranges) >= 60  # names and birth dates merged down
    assert front["K5"].value == '=IF(I5="","",I5-J5)'
    cached = load_workbook(SAMPLES / "front_desk_log.xlsx", data_only=True)["Auth Log"]
    assert cached["K5"].value is None  # Remaining: a formula nobody calculated
    rows = list(front.iter_rows(min_row=5, values_only=True))
    assert rows[-1][0] == "Total" and str(rows[-1][8]).startswith("=SUM(")
    assert sum(all(v is None for v in r) for r in rows) == 3  # blank rows
    assert sum(isinstance(r[6], str) for r in rows) == 6  # dates typed as text
    assert sum(isinstance(r[2], str) and r[2].endswith(" ") for r in rows) == 5
    aba = load_workbook(SAMPLES / "aba_agency_tracker.xlsx")
    assert aba.sheetnames == ["Instructions", "Authorizations"]
    cells = [c for r in aba["Authorizations"].iter_rows(min_row=2, values_only=True) for c in r]
    assert "unlimited" in cells and "480 " in cells and "Okafor " in cells
    group = load_workbook(SAMPLES / "group_practice_2026.xlsx")
    assert group["2025"].sheet_state == "hidden" and group["2026"]["G2"].value == "Sessions"
    left = load_workbook(SAMPLES / "group_practice_2026.xlsx", data_only=True)["2026"]["I4"]
    assert left.value == 6  # Left: the value Excel calculated and saved (20 - 14)
    mac = load_workbook(SAMPLES / "mac_1904_log.xlsx")
    assert mac.epoch.year == 1904 and mac["Auths"]["F4"].value == "13/45/2026"


def test_every_sample_reimports_as_unchanged(tracker: Tracker) -> None:
    names = sorted(
        p.name
        for p in Path(SAMPLES).iterdir()
        if p.suffix in (".xlsx", ".ods") and not p.name.startswith("appointments")  # (schedules)
    )
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
