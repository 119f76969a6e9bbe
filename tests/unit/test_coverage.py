"""Coverage history: dated coverages, priorities among those in force on a day, member-id
changes as new periods, an authorization's own member id, import/export and migration."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from priorauth import coverage, notify
from priorauth.box23 import box23
from priorauth.errors import ValidationError
from priorauth.model import Client, ClientInsurance, Payer, Priority
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from priorauth.store.layout import SCHEMA_VERSION
from sync.importer import apply_import, plan_import
from sync.writing.exporter import export_workbook
from tests.helpers.sync_helpers import LOG_HEADER, TODAY, log_row, workbook

D = dt.date


def run(tracker: Tracker, path: Path):  # type: ignore[no-untyped-def]
    plan = plan_import(path, tracker.data(), today=TODAY, user="alice")
    assert plan.errors == []
    return plan, apply_import(tracker, plan)


def history(tracker: Tracker, tmp_path: Path) -> Path:
    """Lee: Aetna 2019, Cigna 2020, Medicaid 2021-2022, Optum since 2023 (four payers)."""
    rows = [
        log_row(
            "Lee, Ann", "A-1", payer="Aetna", member="AE1", start=D(2019, 1, 1), end=D(2019, 12, 31)
        ),
        log_row(
            "Lee, Ann", "C-1", payer="Cigna", member="CI1", start=D(2020, 1, 6), end=D(2020, 12, 31)
        ),
        log_row(
            "Lee, Ann",
            "M-1",
            payer="Medicaid",
            member="MD1",
            start=D(2021, 1, 4),
            end=D(2021, 12, 31),
        ),
        log_row(
            "Lee, Ann",
            "M-2",
            payer="Medicaid",
            member="MD1",
            start=D(2022, 1, 1),
            end=D(2022, 12, 31),
        ),
        log_row(
            "Lee, Ann", "O-1", payer="Optum", member="OP1", start=D(2023, 2, 1), end=D(2027, 1, 31)
        ),
    ]
    return workbook(tmp_path / "history.xlsx", rows)


def lee(tracker: Tracker) -> Client:
    (client,) = tracker.data().clients.values()
    return client


def test_a_client_with_four_payers_over_the_years_is_imported(
    tracker: Tracker, tmp_path: Path
) -> None:
    plan, result = run(tracker, history(tracker, tmp_path))
    assert result.created == 5 and not plan.warnings
    data = tracker.data()
    client = lee(tracker)
    periods = [
        (data.payer_name(c.payer_id), c.priority, c.start_date, c.end_date)
        for c in sorted(client.insurances, key=lambda c: c.start_date or D.min)
    ]
    assert periods == [
        ("Aetna", Priority.PRIMARY, None, D(2019, 12, 31)),
        ("Cigna", Priority.PRIMARY, D(2020, 1, 6), D(2020, 12, 31)),
        ("Medicaid", Priority.PRIMARY, D(2021, 1, 4), D(2022, 12, 31)),
        ("Optum", Priority.PRIMARY, D(2023, 2, 1), None),
    ]
    # box 23 and "in force" follow the day asked about
    assert [data.payer_name(c.payer_id) for c in coverage.coverages_in_force(client, TODAY)] == [
        "Optum"
    ]
    old = box23(data, client, D(2020, 6, 1))
    assert old[Priority.PRIMARY].value == "C-1"
    assert box23(data, client, TODAY)[Priority.PRIMARY].value == "O-1"
    assert [data.payer_name(c.payer_id) for c in coverage.past_coverages(client, TODAY)] == [
        "Medicaid",
        "Cigna",
        "Aetna",
    ]
    # re-importing the same log changes nothing
    again = plan_import(history(tracker, tmp_path), tracker.data(), today=TODAY)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 5)
    assert not again.clients_updated


def test_a_new_member_id_is_a_new_period_and_each_auth_keeps_its_own(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = [
        log_row("Lee, Ann", "A-1", member="W111", start=D(2025, 1, 1), end=D(2025, 6, 30)),
        log_row("Lee, Ann", "A-2", member="W111", start=D(2025, 7, 1), end=D(2025, 12, 31)),
        log_row("Lee, Ann", "A-3", member="W222", start=D(2026, 1, 1), end=D(2026, 12, 31)),
    ]
    run(tracker, workbook(tmp_path / "log.xlsx", rows))
    data = tracker.data()
    members = {a.auth_number: a.member_id for a in data.authorizations.values()}
    assert members == {"A-1": "W111", "A-2": "W111", "A-3": "W222"}
    cards = sorted(lee(tracker).insurances, key=lambda c: c.start_date or D.min)
    assert [(c.member_id, c.priority, c.start_date, c.end_date) for c in cards] == [
        ("W111", Priority.PRIMARY, None, D(2025, 12, 31)),
        ("W222", Priority.PRIMARY, D(2026, 1, 1), None),
    ]
    # export -> import into an empty file -> export: the same workbook, each auth its own id
    first = export_workbook(data, tmp_path / "first.xlsx", today=TODAY)
    fresh = Tracker(Store(tmp_path / "fresh.json", user="alice"), today=TODAY)
    run(fresh, first)
    assert {a.auth_number: a.member_id for a in fresh.data().authorizations.values()} == members
    second = export_workbook(fresh.data(), tmp_path / "second.xlsx", today=TODAY)
    assert sheets(second) == sheets(first)
    assert sheets(first)["Coverages"][1:] == [
        ["C0001", "Aetna", "Primary", "W111", "", "Yes", "", D(2025, 12, 31), "", ""],
        ["C0001", "Aetna", "Primary", "W222", "", "Yes", D(2026, 1, 1), "", "", ""],
    ]
    # and the export imported into the data it came from changes nothing
    again = plan_import(first, tracker.data(), today=TODAY)
    assert (len(again.created), len(again.updated)) == (0, 0)
    assert not again.clients_updated


def sheets(path: Path) -> dict[str, list[list[object]]]:
    import python_calamine as calamine

    with calamine.CalamineWorkbook.from_path(str(path)) as wb:
        return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}


def test_priorities_apply_among_coverages_in_force_on_a_day(tracker: Tracker) -> None:
    aetna = tracker.save_payer(Payer(name="Aetna"))
    cigna = tracker.save_payer(Payer(name="Cigna"))
    past = ClientInsurance(payer_id=aetna.id, end_date=D(2024, 12, 31), member_id="OLD")
    now = ClientInsurance(payer_id=cigna.id, start_date=D(2025, 1, 1))
    two_plans = ClientInsurance(
        payer_id=aetna.id, priority=Priority.SECONDARY, start_date=D(2025, 1, 1), member_id="NEW"
    )
    client = tracker.save_client(Client(last_name="Ng", insurances=[past, now, two_plans]))
    assert [c.payer_id for c in coverage.coverages_in_force(client, D(2024, 6, 1))] == [aetna.id]
    assert [c.payer_id for c in coverage.coverages_in_force(client, D(2025, 6, 1))] == [
        cigna.id,
        aetna.id,
    ]
    assert coverage.member_id_on(client, aetna.id, D(2024, 6, 1)) == "OLD"
    assert coverage.member_id_on(client, aetna.id, D(2025, 6, 1)) == "NEW"
    overlapping = ClientInsurance(payer_id=cigna.id, start_date=D(2024, 12, 1))
    with pytest.raises(ValidationError, match="two primary insurances on 12/01/2024"):
        tracker.save_client(Client(last_name="Ng", insurances=[past, overlapping]))
    backwards = ClientInsurance(payer_id=cigna.id, start_date=D(2025, 2, 1), end_date=D(2025, 1, 1))
    with pytest.raises(ValidationError, match="before it starts"):
        tracker.save_client(Client(last_name="Ng", insurances=[backwards]))


def test_an_old_data_file_migrates_on_open_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    old = {
        "meta": {"1": {"schema_version": 1}},
        "payers": {"1": {"name": "Aetna", "prior_auth_required": True}},
        "clients": {
            "1": {
                "client_id": "C0001",
                "last_name": "Lee",
                "insurances": [
                    {
                        "payer_id": 1,
                        "priority": "primary",
                        "member_id": "W123",
                        "prior_auth_required": True,
                    }
                ],
            }
        },
        "authorizations": {
            "1": {"client": 1, "payer": 1, "auth_number": "A-1", "start_date": "2026-01-01"}
        },
    }
    path.write_text(json.dumps(old))
    store = Store(path, user="alice")
    data = store.snapshot()
    (client,) = data.clients.values()
    (ins,) = client.insurances
    assert (ins.member_id, ins.start_date, ins.end_date) == ("W123", None, None)
    assert data.authorizations[1].member_id == "W123"
    assert data.authorizations[1].auth_number == "A-1"
    with store.transaction() as tx:  # the next save writes the current version
        tx.update(dataclasses.replace(data.payers[1], notes="checked"))
    written = json.loads(path.read_text())
    assert written["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert written["authorizations"]["1"]["member_id"] == "W123"
    assert written["clients"]["1"]["insurances"][0]["end_date"] is None


def test_a_log_without_member_ids_gives_each_auth_its_coverages(
    tracker: Tracker, tmp_path: Path
) -> None:
    header = [h for h in LOG_HEADER if h != "Member ID"]
    rows = [[v for h, v in zip(LOG_HEADER, log_row(), strict=True) if h != "Member ID"]]
    run(tracker, workbook(tmp_path / "log.xlsx", rows, header=header))
    client = lee(tracker)
    (auth,) = tracker.data().authorizations.values()
    assert auth.member_id == "" == coverage.member_id_on(client, auth.payer, None)


def test_a_secondary_in_force_throughout_stays_while_the_primary_changes(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = [
        log_row(
            "Lee, Ann", "A-1", payer="Aetna", member="AE1", start=D(2023, 1, 1), end=D(2024, 6, 30)
        ),
        log_row("Lee, Ann", "S-1", payer="Medicaid", member="MD1", start=D(2023, 2, 1), end=None),
        log_row(
            "Lee, Ann", "B-1", payer="Cigna", member="CI1", start=D(2024, 8, 1), end=D(2025, 7, 31)
        ),
    ]
    plan, _ = run(tracker, workbook(tmp_path / "log.xlsx", rows))
    assert plan.warnings == []
    data = tracker.data()
    periods = sorted(
        (c.priority, data.payer_name(c.payer_id), c.start_date, c.end_date)
        for c in lee(tracker).insurances
    )
    assert periods == [
        (Priority.PRIMARY, "Aetna", None, D(2024, 6, 30)),
        (Priority.PRIMARY, "Cigna", D(2024, 8, 1), None),
        (Priority.SECONDARY, "Medicaid", None, None),
    ]
    # an older log imported afterwards: its payer becomes a coverage of its own, nothing moves
    older = [
        log_row(
            "Lee, Ann", "O-1", payer="Optum", member="OP1", start=D(2021, 1, 1), end=D(2021, 12, 31)
        ),
    ]
    plan, result = run(tracker, workbook(tmp_path / "older.xlsx", older))
    assert result.created == 1
    client = lee(tracker)
    assert coverage.member_id_on(client, data.payer_named("Aetna").id, D(2024, 1, 1)) == "AE1"
    optum = tracker.data().payer_named("Optum")
    assert optum is not None and coverage.coverage_for(client, optum.id, D(2021, 6, 1))
    (old,) = [c for c in client.insurances if c.payer_id == optum.id]
    assert old.end_date == D(2021, 12, 31)  # history moved on: a past coverage
    assert optum.id not in coverage.payers_in_force(client, TODAY)


def test_no_active_auth_asks_only_about_coverages_in_force_today(tracker: Tracker) -> None:
    aetna = tracker.save_payer(Payer(name="Aetna"))
    cigna = tracker.save_payer(Payer(name="Cigna"))
    past = ClientInsurance(payer_id=aetna.id, end_date=D(2025, 12, 31))
    now = ClientInsurance(payer_id=cigna.id, start_date=D(2026, 1, 1))
    tracker.save_client(Client(last_name="Ng", insurances=[past, now]))
    found = [n for n in notify.compute(tracker.data(), TODAY) if n.kind == "no_active_auth"]
    assert [n.payer for n in found] == ["Cigna"]


def test_an_imports_new_payer_ids_are_swapped_for_the_real_ones() -> None:
    made = ClientInsurance(payer_id=-2, priority=Priority.SECONDARY, member_id="M2")
    kept = ClientInsurance(payer_id=7, member_id="M7")
    client = Client(first_name="Ann", insurances=[kept, made])
    other = Client(first_name="Bo", insurances=[ClientInsurance(payer_id=-1)])
    coverage.with_payer_ids([client, other], {-1: 11, -2: 12})
    assert [(c.payer_id, c.member_id) for c in client.insurances] == [(7, "M7"), (12, "M2")]
    assert client.insurances[0] is kept and kept.payer_id == 7  # (a stored payer's: as it was)
    assert [c.payer_id for c in other.insurances] == [11]
