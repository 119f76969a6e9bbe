"""Merging a log into data that already holds records: matching, updating, never duplicating."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from priorauth import rules
from priorauth.data import Data
from priorauth.errors import PermissionDenied
from priorauth.model import Authorization, Client, Priority, RequestStatus, Service, field_values
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import ImportBlocked, apply_import, plan_import
from sync.planning.merge import Merger
from tests.helpers.sync_helpers import LOG_HEADER, TODAY, log_row, workbook

D = dt.date


def run(tracker: Tracker, path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    plan = plan_import(path, tracker.data(), today=TODAY, user="alice")
    return plan, apply_import(tracker, plan, **kwargs)  # type: ignore[arg-type]


def only(tracker: Tracker, number: str) -> Authorization:
    (auth,) = [a for a in tracker.data().authorizations.values() if a.auth_number == number]
    return auth


def test_a_later_version_of_the_log_updates_instead_of_duplicating(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = [log_row("Lee, Ann", "A-1"), log_row("Kim, Bo", "B-1", dob=D(1985, 1, 1))]
    run(tracker, workbook(tmp_path / "v1.xlsx", rows))
    later = [
        log_row("Lee, Ann", "A-1", used=9, end=D(2027, 3, 31)),
        log_row("Kim, Bo", "B-1", dob=D(1985, 1, 1)),
        log_row("Kim, Bo", "B-2", dob=D(1985, 1, 1), payer="Cigna", start=D(2026, 10, 1)),
    ]
    plan, result = run(tracker, workbook(tmp_path / "v2.xlsx", later))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert plan.updated[0].row == 2
    assert plan.updated[0].changes == [
        "end 02/28/2027 → 03/31/2027",
        "units used (from the log) 5 → 9",
    ]
    data = tracker.data()
    assert len(data.clients) == 2 and len(data.authorizations) == 3
    kim = next(c for c in data.clients.values() if c.last_name == "Kim")
    assert [(data.payer_name(i.payer_id), i.priority) for i in kim.insurances] == [
        ("Aetna", Priority.PRIMARY),
        ("Cigna", Priority.SECONDARY),
    ]
    assert result.backup is not None and result.backup.exists()


def test_an_unchanged_file_changes_nothing_and_writes_nothing(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "log.xlsx", [log_row(), log_row("Kim, Bo", "B-1")])
    run(tracker, path)
    before = tracker.store.path.read_bytes()
    plan, result = run(tracker, path)
    assert (len(plan.created), len(plan.updated), len(plan.unchanged)) == (0, 0, 2)
    assert not result.written and result.backup is None
    assert tracker.store.path.read_bytes() == before


def test_a_number_given_later_matches_on_client_payer_start_and_codes(
    tracker: Tracker, tmp_path: Path
) -> None:
    run(tracker, workbook(tmp_path / "v1.xlsx", [log_row(number="")]))
    plan, result = run(tracker, workbook(tmp_path / "v2.xlsx", [log_row(number="A-77")]))
    assert (result.created, result.updated) == (0, 1)
    assert plan.updated[0].changes == ["auth number blank → A-77"]
    assert len(tracker.data().authorizations) == 1


def test_clients_match_by_id_else_by_name_and_birth_date(tracker: Tracker, tmp_path: Path) -> None:
    header = ["Client ID", *LOG_HEADER]
    rows = [
        ["C9", *log_row("Lee, Ann", "A-1")],
        ["", *log_row("Lee, Ann", "A-2", start=D(2026, 10, 1))],  # same name and DOB
        ["", *log_row("Lee, Ann", "A-3", dob=D(2001, 1, 1))],  # another Ann Lee
        ["C9", *log_row("Lee, Annie", "A-4", dob=None, start=D(2026, 11, 1))],  # by id
    ]
    plan, _ = run(tracker, workbook(tmp_path / "log.xlsx", rows, header=header))
    data = tracker.data()
    assert sorted(c.client_id for c in data.clients.values()) == ["C0010", "C9"]  # past C9
    by_number = {
        a.auth_number: data.clients[a.client].client_id for a in data.authorizations.values()
    }
    assert by_number == {"A-1": "C9", "A-2": "C9", "A-3": "C0010", "A-4": "C9"}
    assert any("first spelling was kept" in w for w in plan.warnings)


def test_rows_with_errors_block_the_import_unless_skipped(tracker: Tracker, tmp_path: Path) -> None:
    rows = [
        log_row("Lee, Ann", "A-1"),
        log_row("Kim, Bo", "B-1", end=D(2026, 1, 1)),  # ends before it starts
        log_row("", "C-1"),  # no client
        log_row("Lee, Ann", "A-1", start=D(2026, 10, 1)),  # the same number again
        log_row("Roe, Jo", "D-1", codes="therapy"),
    ]
    path = workbook(tmp_path / "log.xlsx", rows)
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert [(e.row, e.column) for e in plan.errors] == [
        (6, "CPT"),
        (4, "Client"),
        (5, "Auth #"),
        (3, "End"),
    ]
    assert "before the start date" in plan.errors[3].message
    assert "already on row 2" in plan.errors[2].message
    assert plan.skipped == 4
    with pytest.raises(ImportBlocked, match="4 rows with errors; nothing was imported"):
        apply_import(tracker, plan)
    assert not tracker.store.path.exists()
    apply_import(tracker, plan, skip_invalid=True)
    data = tracker.data()
    assert [a.auth_number for a in data.authorizations.values()] == ["A-1"]
    assert [c.last_name for c in data.clients.values()] == ["Lee"]  # no client for bad rows


def test_an_auth_number_of_another_client_is_an_error(tracker: Tracker, tmp_path: Path) -> None:
    run(tracker, workbook(tmp_path / "v1.xlsx", [log_row("Lee, Ann", "A-1")]))
    plan = plan_import(
        workbook(tmp_path / "v2.xlsx", [log_row("Kim, Bo", "A-1", dob=D(1980, 1, 1))]),
        tracker.data(),
        today=TODAY,
    )
    assert len(plan.errors) == 1
    assert "already belongs to Lee, Ann" in plan.errors[0].message


def test_used_counts_carry_in_around_services_already_tracked(
    tracker: Tracker, tmp_path: Path
) -> None:
    run(tracker, workbook(tmp_path / "v1.xlsx", [log_row(used=5)]))
    auth = only(tracker, "A-1")
    for day in (D(2026, 10, 1), D(2026, 10, 8), D(2026, 12, 1)):  # the last one is scheduled
        tracker.record_service(
            Service(client=auth.client, payer=auth.payer, date=day, procedure_code="90837")
        )
    assert rules.usage(tracker.data(), only(tracker, "A-1"), TODAY).units_used == 7
    # the practice kept its log up to date: it now says 9 used in all
    plan, _ = run(tracker, workbook(tmp_path / "v2.xlsx", [log_row(used=9)]))
    assert plan.updated[0].changes == ["units used (from the log) 5 → 7"]
    assert rules.usage(tracker.data(), only(tracker, "A-1"), TODAY).units_used == 9
    # a log saying fewer than authtrack already has keeps authtrack's count, with a warning
    plan, _ = run(tracker, workbook(tmp_path / "v3.xlsx", [log_row(used=1)]))
    assert any("authtrack's count is kept" in w for w in plan.warnings)
    assert only(tracker, "A-1").carried_units_used == 0


def test_remaining_alone_gives_the_used_count(tracker: Tracker, tmp_path: Path) -> None:
    header = ["Client", "Payer", "Auth #", "Eff", "Approved", "Remaining"]
    rows = [["Lee, Ann", "Aetna", "A-1", D(2026, 9, 1), 24, 20]]
    run(tracker, workbook(tmp_path / "log.xlsx", rows, header=header))
    assert only(tracker, "A-1").carried_units_used == 4


def test_a_log_row_made_active_deactivates_the_one_authtrack_had(
    tracker: Tracker, tmp_path: Path
) -> None:
    run(tracker, workbook(tmp_path / "v1.xlsx", [log_row("Lee, Ann", "A-1")]))
    header = [*LOG_HEADER, "Active"]
    rows = [[*log_row("Lee, Ann", "A-2", start=D(2026, 11, 1)), "Yes"]]
    plan, result = run(tracker, workbook(tmp_path / "v2.xlsx", rows, header=header))
    assert (result.created, result.updated) == (1, 1)
    assert plan.updated[0].changes == ["active yes → no (a log row is active)"]
    assert not only(tracker, "A-1").active and only(tracker, "A-2").active


def test_without_an_active_column_the_latest_is_active(tracker: Tracker, tmp_path: Path) -> None:
    rows = [
        log_row("Lee, Ann", "A-2", start=D(2026, 9, 1)),
        log_row("Lee, Ann", "A-1", start=D(2026, 1, 1), end=D(2026, 8, 31)),
    ]
    run(tracker, workbook(tmp_path / "log.xlsx", rows))
    assert only(tracker, "A-2").active and not only(tracker, "A-1").active


def test_a_new_client_after_a_known_one_gets_its_latest_authorization_active(
    tracker: Tracker, tmp_path: Path
) -> None:
    """A log adding a renewal for a client authtrack knows, then a new client's rows: the new
    client's latest approved authorization is active, as in a first import."""
    run(tracker, workbook(tmp_path / "v1.xlsx", [log_row("Lee, Ann", "A-1")]))
    kim = {"dob": D(1985, 1, 1), "member": "K1"}
    rows = [
        log_row("Lee, Ann", "A-2", start=D(2027, 3, 1), end=D(2027, 8, 31)),
        log_row("Kim, Bo", "B-1", start=D(2026, 1, 1), end=D(2026, 6, 30), **kim),
        log_row("Kim, Bo", "B-2", start=D(2026, 7, 1), end=D(2026, 12, 31), **kim),
    ]
    run(tracker, workbook(tmp_path / "v2.xlsx", rows))
    assert only(tracker, "A-2").active and not only(tracker, "A-1").active
    assert only(tracker, "B-2").active and not only(tracker, "B-1").active


def test_a_renewal_approved_in_advance_leaves_the_row_marked_active_active(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Status "Active" on this period's row and "Approved" on next year's: the log says which
    one is active. Where no row says so, the latest approved one is, as before."""
    header = [*LOG_HEADER, "Status"]
    now = {"start": D(2026, 7, 1), "end": D(2026, 12, 31)}
    ahead = {"start": D(2027, 1, 1), "end": D(2027, 6, 30), "used": 0}
    kim = {"dob": D(1985, 1, 1), "member": "K1"}
    rows = [
        [*log_row("Lee, Ann", "A-1", **now), "Active"],
        [*log_row("Lee, Ann", "A-2", **ahead), "Approved"],
        [*log_row("Kim, Bo", "B-1", **now, **kim), "Expired"],
        [*log_row("Kim, Bo", "B-2", **ahead, **kim), "Approved"],
    ]
    plan, _ = run(tracker, workbook(tmp_path / "log.xlsx", rows, header=header))
    assert plan.warnings == []
    assert only(tracker, "A-1").active and not only(tracker, "A-2").active
    assert not only(tracker, "B-1").active and only(tracker, "B-2").active


def test_denied_requests_are_inactive(tracker: Tracker, tmp_path: Path) -> None:
    header = [*LOG_HEADER, "Status"]
    rows = [[*log_row("Lee, Ann", "A-1"), "Denied"]]
    run(tracker, workbook(tmp_path / "log.xlsx", rows, header=header))
    auth = only(tracker, "A-1")
    assert auth.status == RequestStatus.DENIED and not auth.active


def test_the_plan_is_made_again_when_someone_changed_the_data_meanwhile(
    tracker: Tracker, tmp_path: Path, db_path: Path
) -> None:
    run(tracker, workbook(tmp_path / "v1.xlsx", [log_row("Lee, Ann", "A-1")]))
    plan = plan_import(
        workbook(tmp_path / "v2.xlsx", [log_row("Lee, Ann", "A-1", used=8)]),
        tracker.data(),
        today=TODAY,
    )
    other = Tracker(Store(db_path, user="bob"), today=TODAY)
    auth = only(other, "A-1")
    other.save_authorization(dataclasses.replace(auth, notes="called the payer"))
    result = apply_import(tracker, plan)
    assert result.updated == 1
    final = only(tracker, "A-1")
    assert final.carried_units_used == 8
    assert final.notes == "called the payer"  # bob's change kept: the log has no notes column


def test_importing_needs_the_import_permission(store: Store, tmp_path: Path) -> None:
    def viewer(action: str) -> None:
        if action != "view":
            raise PermissionDenied("Importing a workbook needs the admin role.")

    tracker = Tracker(store, today=TODAY, policy=viewer)
    plan = plan_import(workbook(tmp_path / "log.xlsx", [log_row()]), tracker.data(), today=TODAY)
    with pytest.raises(PermissionDenied):
        apply_import(tracker, plan)
    assert not store.path.exists()


def test_backup_holds_the_data_as_it_was(tracker: Tracker, tmp_path: Path) -> None:
    run(tracker, workbook(tmp_path / "v1.xlsx", [log_row("Lee, Ann", "A-1")]))
    before = tracker.store.path.read_bytes()
    _, result = run(tracker, workbook(tmp_path / "v2.xlsx", [log_row("Lee, Ann", "A-1", used=7)]))
    assert result.backup is not None
    assert result.backup.read_bytes() == before
    assert "import" in result.backup.name


def test_total_blank_and_repeated_header_rows(tracker: Tracker, tmp_path: Path) -> None:
    rows = [
        log_row("Lee, Ann", "A-1"),
        [None] * len(LOG_HEADER),
        LOG_HEADER,  # the header printed again for a second section
        log_row("Sum, Li", "S-1"),  # a client whose name starts like a total
        ["Total", None, None, None, None, None, None, None, 48, 10],
        ["Updated by the front desk"] + [None] * (len(LOG_HEADER) - 1),
    ]
    plan = plan_import(workbook(tmp_path / "log.xlsx", rows), tracker.data(), today=TODAY)
    assert [i.row for i in plan.created] == [2, 5]
    assert not plan.errors
    assert plan.warnings == [
        'Sheet "Log", row 7: ignored "Updated by the front desk" (a note, not an authorization: '
        "the row has nothing else).",
        # skipped rows of a report's layout are said once per kind
        'Sheet "Log": skipped 1 repeated header row (row 4): report layout, not authorizations.',
        'Sheet "Log": skipped 1 total row (row 6): report layout, not authorizations.',
    ]
    names = sorted(c.name for c in plan.changes.clients)
    assert names == ["Lee, Ann", "Sum, Li"]


def test_rows_repeating_a_client_still_say_what_each_row_warns(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Consecutive rows saying the same about a client reuse the first row's client, but not
    where that row warned: the second row's own warning is kept too."""
    header = [*LOG_HEADER, "Priority"]
    rows = [
        [*log_row("Lee, Ann", "A-1"), "Primary"],
        [*log_row("Lee, Ann", "C-1", payer="Cigna"), "Primary"],
        [*log_row("Lee, Ann", "C-2", payer="Cigna", start=D(2027, 3, 1), end=None), "Primary"],
        [*log_row("Lee, Ann", "C-3", payer="Cigna", start=D(2027, 9, 1), end=None), "Primary"],
    ]
    plan, result = run(tracker, workbook(tmp_path / "log.xlsx", rows, header=header))
    assert result.created == 4
    assert plan.warnings == [
        "Lee, Ann already has Aetna as primary insurance; Cigna was added as secondary.",
        "Lee, Ann: the log makes Cigna the primary insurance, but another payer already is; "
        "the priorities were left as they are.",
    ]
    (lee,) = tracker.data().clients.values()
    assert [(i.priority, i.member_id) for i in lee.insurances] == [
        (Priority.PRIMARY, "W123"),
        (Priority.SECONDARY, "W123"),
    ]


def test_a_new_client_is_the_record_its_constructor_makes() -> None:
    """Merger.new_client builds clients without Client's __init__ (a first import's thousands):
    the same fields and values, each with a coverage list of its own."""
    merger = Merger(Data(), TODAY)
    a = merger.new_client("C7", "Ann", "Lee", D(1990, 1, 2), ("Log", 2))
    b = merger.new_client("", "Bo", "Kim", None, ("Log", 3))
    assert type(a) is Client
    expected = Client(id=-1, client_id="C7", first_name="Ann", last_name="Lee", dob=D(1990, 1, 2))
    assert field_values(a) == field_values(expected)
    assert field_values(b) == field_values(Client(id=-2, first_name="Bo", last_name="Kim"))
    assert a.insurances == [] and a.insurances is not b.insurances
