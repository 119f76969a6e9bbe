"""The canonical workbook: columns, formatting, text kept as text, and the way back in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import python_calamine as calamine
from openpyxl import load_workbook

from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    ClientInsurance,
    Payer,
    Priority,
    ProcedureGroup,
    Service,
    field_values,
)
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
from sync.recognising.columns import AUTH_HEADERS
from sync.writing.exporter import export_workbook
from tests.helpers.sync_helpers import SAMPLES, TODAY

D = dt.date
DESIGN_COLUMNS = [
    "Client ID",
    "Client Name",
    "Date of Birth",
    "Payer",
    "Member ID",
    "Priority",
    "Auth Number",
    "Procedure Codes",
    "Start Date",
    "End Date",
    "Units Authorized",
    "Units Used",
    "Units Remaining",
    "Visits Authorized",
    "Visits Used",
    "Visits Remaining",
    "Active",
    "Confirmed",
    "Reminder Days",
    "Notes",
    "Status",
    "Requested On",
    "Payer Reference",
    "Clinician",
]


def practice(tracker: Tracker) -> None:
    """A small practice with the awkward cases: formula-like notes, no number, no cap,
    open-ended, confirmed, a cap, a pinned service and a scheduled one."""
    aetna = tracker.save_payer(Payer(name="Aetna"))
    cigna = tracker.save_payer(Payer(name="Cigna", prior_auth_required=False, turnaround_days=5))
    tracker.save_group(ProcedureGroup(name="Therapy", codes=["90834", "90837"]))
    ann = tracker.save_client(
        Client(
            client_id="C1",
            first_name="Ann",
            last_name="Lee",
            dob=D(1990, 4, 2),
            clinician="mlopez",
            insurances=[
                ClientInsurance(payer_id=aetna.id, member_id="W1"),
                ClientInsurance(payer_id=cigna.id, priority=Priority.SECONDARY, member_id="C9"),
            ],
        )
    )
    bo = tracker.save_client(
        Client(client_id="C2", first_name="Bo", last_name="Kim", notes='=HYPERLINK("x")')
    )
    bo.insurances = [ClientInsurance(payer_id=aetna.id, member_id="+15551234")]
    bo = tracker.save_client(bo)
    a1 = tracker.save_authorization(
        Authorization(
            client=ann.id,
            payer=aetna.id,
            auth_number="A-1",
            procedure_codes=["90837", "90834"],
            units_authorized=10,
            visits_authorized=10,
            start_date=D(2026, 9, 1),
            end_date=D(2026, 12, 10),  # expires within 30 days of TODAY
            carried_units_used=3,
            notes="=1+2 should stay text",
            cap_amount=2,
            cap_period=CapPeriod.WEEK,
            cap_measure=CapMeasure.VISITS,
            payer_reference="@ref",
        )
    ).authorization
    tracker.confirm_to_billing(a1)
    tracker.save_authorization(
        Authorization(
            client=ann.id,
            payer=cigna.id,
            start_date=D(2026, 1, 1),
            end_date=None,
            reminder_days=None,
            notes="-tracking sessions only",
        )
    )
    tracker.save_authorization(
        Authorization(
            client=bo.id,
            payer=aetna.id,
            auth_number="#1042",
            payer_reference="#N/A",
            units_authorized=4,
            carried_units_used=4,  # exhausted
            start_date=D(2026, 6, 1),
            end_date=D(2027, 5, 31),
        )
    )
    for day in (D(2026, 10, 1), D(2026, 10, 1), D(2026, 12, 1)):
        tracker.record_service(
            Service(client=ann.id, payer=aetna.id, date=day, procedure_code="90837", units=2)
        )
    tracker.record_service(
        Service(client=ann.id, payer=aetna.id, date=D(2026, 11, 2), authorization=a1.id)
    )


def values(path: Path) -> dict[str, list[list[object]]]:
    with calamine.CalamineWorkbook.from_path(str(path)) as wb:
        return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}


def test_canonical_columns_in_designs_order(tracker: Tracker, tmp_path: Path) -> None:
    practice(tracker)
    path = export_workbook(tracker.data(), tmp_path / "out.xlsx", today=TODAY)
    sheets = values(path)
    assert list(sheets) == [
        "Authorizations",
        "Service Lines",  # one row per service line of each authorization
        "Clients",
        "Coverages",  # every coverage with its dates (coverage history)
        "Services",
        "Payers",
        "Procedure Groups",
        "Legend",
    ]
    header = sheets["Authorizations"][0]
    assert header[:24] == DESIGN_COLUMNS == [h for h, _ in AUTH_HEADERS]
    rows = {r[6]: dict(zip(header, r, strict=True)) for r in sheets["Authorizations"][1:]}
    a1 = rows["A-1"]
    assert a1["Client Name"] == "Lee, Ann" and a1["Date of Birth"] == D(1990, 4, 2)
    assert a1["Procedure Codes"] == "90837, 90834"
    assert (a1["Start Date"], a1["End Date"]) == (D(2026, 9, 1), D(2026, 12, 10))
    # 3 carried + 2 + 2 (two services on 10/01, one visit) + 1 pinned; 12/01 is scheduled
    assert (a1["Units Authorized"], a1["Units Used"], a1["Units Remaining"]) == (10, 8, 2)
    assert (a1["Visits Authorized"], a1["Visits Used"], a1["Visits Remaining"]) == (10, 2, 8)
    assert (a1["Active"], a1["Confirmed"], a1["Status"]) == ("Yes", "Yes", "Approved")
    assert a1["Notes"] == "=1+2 should stay text"
    assert a1["Payer Reference"] == "@ref"
    assert a1["Cap"] == "2 visits per week"
    no_number = rows[""]
    assert no_number["End Date"] == "" and no_number["Units Authorized"] == ""  # blank cells
    assert no_number["Reminder Days"] == "" and no_number["Priority"] == "Secondary"
    assert no_number["Notes"] == "-tracking sessions only"
    assert rows["#1042"]["Units Remaining"] == 0
    assert rows["#1042"]["Payer Reference"] == "#N/A"
    assert sheets["Clients"][2][6] == '=HYPERLINK("x")'
    assert sheets["Services"][0][:3] == ["Client ID", "Client Name", "Date of Service"]
    assert len(sheets["Services"]) == 5


def test_formatting_a_person_sees(tracker: Tracker, tmp_path: Path) -> None:
    practice(tracker)
    path = export_workbook(tracker.data(), tmp_path / "out.xlsx", today=TODAY)
    wb = load_workbook(path)
    ws = wb["Authorizations"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:AE4"  # the canonical columns, then Attention
    assert ws["AE1"].value == "Attention"
    assert all(c.font.b for c in ws[1])
    assert ws["I2"].is_date and ws["I2"].number_format == "mm/dd/yyyy"
    assert ws.column_dimensions["B"].width >= len("Lee, Ann")
    assert ws.column_dimensions["T"].width >= len("=1+2 should stay text")
    notes = next(c for c in ws["T"] if c.value == "=1+2 should stay text")
    assert notes.data_type == "s" and notes.quotePrefix  # text, not a formula
    number = next(c for c in ws["W"] if c.value == "#N/A")
    assert number.data_type == "s"  # text, not Excel's error value
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    formulas = " ".join(f for r in rules for f in r.formula)
    assert "TODAY()" not in formulas  # the words of the export's day, not of the day it is opened
    assert '"Used up",$AE2' in formulas and '"Running low",$AE2' in formulas
    assert all(wb[name].freeze_panes == "A2" for name in wb.sheetnames if name != "Legend")


def test_export_then_import_into_an_empty_file_reproduces_the_data(
    tracker: Tracker, tmp_path: Path
) -> None:
    practice(tracker)
    first = export_workbook(tracker.data(), tmp_path / "first.xlsx", today=TODAY)
    fresh = Tracker(Store(tmp_path / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(first, fresh.data(), today=TODAY)
    assert not plan.errors and not plan.warnings
    apply_import(fresh, plan)
    a, b = tracker.data(), fresh.data()
    assert len(b.clients) == 2 and len(b.authorizations) == 3 and len(b.services) == 4
    assert {g.name: g.codes for g in b.groups.values()} == {"Therapy": ["90834", "90837"]}
    cigna = b.payer_named("Cigna")
    assert cigna is not None and not cigna.prior_auth_required and cigna.turnaround_days == 5

    def view(data):  # type: ignore[no-untyped-def]
        names = {p.id: p.name for p in data.payers.values()}
        cids = {c.id: c.client_id for c in data.clients.values()}
        skip = {"id", "rev", "updated_by", "updated_at", "client", "payer", "renewal_of"}
        auths = sorted(
            (
                cids[x.client],
                names[x.payer],
                sorted((k, str(v)) for k, v in field_values(x).items() if k not in skip),
            )
            for x in data.authorizations.values()
        )
        clients = sorted(
            (
                c.client_id,
                c.name,
                c.dob,
                c.clinician,
                c.notes,
                [(names[i.payer_id], i.priority, i.member_id) for i in c.insurances],
            )
            for c in data.clients.values()
        )
        services = sorted(
            (
                cids[s.client],
                names[s.payer],
                s.date,
                s.procedure_code,
                s.units,
                s.authorization is not None,
            )
            for s in data.services.values()
        )
        return auths, clients, services

    assert view(a) == view(b)
    second = export_workbook(fresh.data(), tmp_path / "second.xlsx", today=TODAY)
    assert values(first) == values(second)


def test_export_imported_into_its_source_changes_nothing(tracker: Tracker, tmp_path: Path) -> None:
    practice(tracker)
    for name in ("front_desk_log.xlsx", "aba_agency_tracker.xlsx"):
        apply_import(tracker, plan_import(SAMPLES / name, tracker.data(), today=TODAY))
    path = export_workbook(tracker.data(), tmp_path / "out.xlsx", today=TODAY)
    before = tracker.store.path.read_bytes()
    plan = plan_import(path, tracker.data(), today=TODAY)
    # the practice's 3 authorizations, the front desk log's 123 and the ABA tracker's 59
    assert (len(plan.created), len(plan.updated), len(plan.unchanged)) == (0, 0, 3 + 123 + 59)
    assert not plan.clients_updated and not plan.other_changes and not plan.errors
    assert not apply_import(tracker, plan).written
    assert tracker.store.path.read_bytes() == before


def test_empty_data_exports_headers_only(store: Store, tmp_path: Path) -> None:
    path = export_workbook(store.snapshot(), tmp_path / "empty.xlsx", today=TODAY)
    sheets = values(path)
    assert sheets["Authorizations"] == [
        [h for h, _ in AUTH_HEADERS] + sheets["Authorizations"][0][24:]
    ]
    assert all(len(rows) == 1 for name, rows in sheets.items() if name != "Legend")
