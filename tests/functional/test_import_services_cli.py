"""`authtrack import-services`: the demo practice's appointment list (sample_workbooks), its CSV
twin, re-imports, a changed row, a blocked payer; and `import` of a CSV authorization log."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from authtrack.cli import main
from priorauth import rules
from priorauth.model import OutOfAuthPolicy, ServiceStatus
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.sync_helpers import LOG_HEADER, SAMPLES, TODAY, log_row, workbook

LIST = SAMPLES / "appointments_export.xlsx"
TWIN = SAMPLES / "appointments_export.csv"
REQUIRED = {"created", "updated", "unchanged", "skipped", "errors", "warnings"}
REQUIRED |= {"uncovered", "over_units", "after_end"}


def cli(db: Path, *args: str) -> int:
    return main(["--db", str(db), "--today", "2026-11-23", *args])


def run_json(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = cli(db, "import-services", *args, "--json")
    return code, json.loads(capsys.readouterr().out)


def sample_rows() -> list[dict[str, str]]:
    with open(TWIN, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_list(
    path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> None:
    """The sample's rows (changed) written back as an appointment list."""
    with open(path, "w", encoding=encoding, newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=delimiter)
        out.writeheader()
        out.writerows(rows)


def test_sample_list_counts_each_kept_session_once(
    typed_demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = Store(typed_demo_db).snapshot()
    code, out = run_json(typed_demo_db, capsys, str(LIST))
    assert code == 0 and out.keys() >= REQUIRED and out["errors"] == []
    rows = sample_rows()
    assert out["created"] + out["updated"] + out["unchanged"] == len(rows)
    assert out["written"] is True and out["backup"]
    data = Store(typed_demo_db).snapshot()
    by_appt: dict[str, list[Any]] = {}
    for s in data.services.values():
        by_appt.setdefault(s.appointment_id, []).append(s)
    for r in rows:
        (service,) = by_appt[r["Appt ID"]]  # one service per row: nothing counted twice
        counts = r["Appt Status"] in ("Checked Out", "Completed", "Kept", "Scheduled")
        assert service.counts == counts
        if r["Appt Status"] == "Scheduled":
            assert service.status is ServiceStatus.SCHEDULED and service.date > TODAY
    # the kept sessions were in the demo already (typed by hand): adopted, not added, so every
    # authorization's usage is as before; the cancelled and no-show rows added nothing to it
    for auth in data.authorizations.values():
        assert rules.usage(data, auth, TODAY) == rules.usage(before, auth, TODAY)
    named = {r["Patient"] for r in rows if r["Appt ID"] in _two_ways(rows)}
    assert named == {"Holloway, Jordan", "Jordan Holloway"}
    holloway = {s.client for s in data.services.values() if s.appointment_id in _two_ways(rows)}
    assert len(holloway) == 1  # "Holloway, Jordan" and "Jordan Holloway": one client

    code, again = run_json(typed_demo_db, capsys, str(LIST))
    assert code == 0 and (again["created"], again["updated"]) == (0, 0)
    assert again["unchanged"] == len(rows) and again["written"] is False
    code, twin = run_json(typed_demo_db, capsys, str(TWIN))  # the CSV twin: the same services
    assert code == 0 and (twin["created"], twin["updated"], twin["unchanged"]) == (
        0,
        0,
        len(rows),
    )
    for key in ("over_units", "after_end", "uncovered"):  # (rows: the xlsx has a title above)
        assert [{**f, "row": f["row"] + 2} for f in twin[key]] == out[key]


def test_fresh_demo_already_holds_the_sample_list(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`authtrack demo` records the schedule the sample was written from: importing the sample
    (or its CSV twin) into a fresh demo creates, updates and reports missing nothing."""
    assert cli(db_path, "demo") == 0
    capsys.readouterr()
    before = db_path.read_bytes()
    rows = sample_rows()
    for path in (LIST, TWIN):
        code, out = run_json(db_path, capsys, str(path))
        assert code == 0 and out["errors"] == [] and out["missing"] == []
        assert (out["created"], out["updated"], out["unchanged"]) == (0, 0, len(rows))
        assert out["written"] is False
    assert db_path.read_bytes() == before
    data = Store(db_path).snapshot()
    statuses = {s.status for s in data.services.values()}
    assert ServiceStatus.NO_SHOW in statuses and ServiceStatus.SCHEDULED in statuses
    assert sum(1 for r in rows if r["Appt Status"] == "Scheduled") > 0


def _two_ways(rows: list[dict[str, str]]) -> set[str]:
    return {r["Appt ID"] for r in rows if r["DOB"] == "06/19/1962"}


def test_csv_twin_imports_like_the_xlsx(
    tmp_path: Path, typed_demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.json"
    other.write_bytes(typed_demo_db.read_bytes())
    _, from_xlsx = run_json(typed_demo_db, capsys, str(LIST))
    _, from_csv = run_json(other, capsys, str(TWIN))
    for key in ("created", "updated", "unchanged", "skipped", "errors"):
        assert from_csv[key] == from_xlsx[key]
    assert len(from_csv["warnings"]) == len(from_xlsx["warnings"])
    for key in ("over_units", "after_end", "uncovered"):  # (rows: the xlsx has a title above)
        assert [{**f, "row": f["row"] + 2} for f in from_csv[key]] == from_xlsx[key]

    def services(db: Path) -> list[tuple[Any, ...]]:
        data = Store(db).snapshot()
        return sorted(
            (s.appointment_id, s.date, s.time, s.procedure_code, s.units, s.status, s.provider)
            for s in data.services.values()
        )

    assert services(other) == services(typed_demo_db)


def test_one_status_changed_updates_that_service_only(
    tmp_path: Path, typed_demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(typed_demo_db, "import-services", str(TWIN), "--json")
    capsys.readouterr()
    rows = sample_rows()
    target = next(r for r in rows if r["Appt Status"] == "Scheduled")
    target["Appt Status"] = "No Show"
    changed = tmp_path / "appointments_export.csv"
    write_list(changed, rows, encoding="utf-8-sig")
    before = Store(typed_demo_db).snapshot()
    code, result = run_json(typed_demo_db, capsys, str(changed))
    assert code == 0 and (result["created"], result["updated"]) == (0, 1)
    after = Store(typed_demo_db).snapshot()
    revised = [s for i, s in after.services.items() if s.rev != before.services[i].rev]
    assert [(s.appointment_id, s.status) for s in revised] == [
        (target["Appt ID"], ServiceStatus.NO_SHOW)
    ]


def test_dry_run_text_and_missing_rows(
    tmp_path: Path, typed_demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(typed_demo_db, "import-services", str(TWIN), "--json")
    capsys.readouterr()
    rows = sample_rows()
    gone = rows.pop(10)
    shorter = tmp_path / "shorter.csv"
    write_list(shorter, rows, delimiter=";")
    assert cli(typed_demo_db, "import-services", str(shorter), "--dry-run") == 0
    text = capsys.readouterr().out
    assert "no longer in the list (not deleted) (1)" in text
    assert f"(appointment {gone['Appt ID']})" in text and "Dry run" in text
    data = Store(typed_demo_db).snapshot()
    assert any(s.appointment_id == gone["Appt ID"] for s in data.services.values())


def test_blocked_payer_rows_are_errors(
    typed_demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tracker = Tracker(Store(typed_demo_db, user="admin"), today=TODAY)
    _, plain = run_json(typed_demo_db, capsys, str(LIST), "--dry-run")
    flagged = plain["over_units"] + plain["after_end"] + plain["uncovered"]
    assert flagged  # the demo has authorizations used up and ended
    payer = tracker.data().payer_named(flagged[0]["payer"])
    assert payer is not None
    tracker.save_payer(dataclasses.replace(payer, out_of_auth_policy=OutOfAuthPolicy.BLOCK))
    before = typed_demo_db.read_bytes()
    code, out = run_json(typed_demo_db, capsys, str(LIST))
    blocked = sorted(f["row"] for f in flagged if f["payer"] == payer.name)
    assert code == 1 and sorted(e["row"] for e in out["errors"]) == blocked
    assert out["written"] is False and typed_demo_db.read_bytes() == before
    code, skipped = run_json(typed_demo_db, capsys, str(LIST), "--skip-invalid")
    assert code == 1 and skipped["written"] is True and skipped["skipped"] == len(blocked)


def test_unusable_list_is_one_sentence(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("just,some\nwords,here\n")
    assert cli(db_path, "import-services", str(bad)) == 2
    err = capsys.readouterr().err
    assert "appointment list" in err and "Traceback" not in err


@pytest.mark.parametrize("log", ["aba_service_lines.xlsx", "front_desk_log.xlsx"])
def test_an_authorization_log_is_not_read_as_sessions(
    typed_demo_db: Path, capsys: pytest.CaptureFixture[str], log: str
) -> None:
    """import-services of the authorization log (the wrong file picked): its start dates and
    "used" counts would have become services, counted again over the usage the log carries in.
    Refused with the command that imports it, nothing written."""
    before = Store(typed_demo_db).snapshot()
    assert cli(typed_demo_db, "import-services", str(SAMPLES / log)) == 2
    err = capsys.readouterr().err
    assert "is an authorization log, not an appointment list" in err
    assert f"authtrack import {SAMPLES / log}" in err
    assert Store(typed_demo_db).snapshot().services == before.services


def test_a_workbook_with_no_list_says_so_in_plain_words(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(db_path, "import-services", str(SAMPLES / "group_practice_2026.xlsx")) == 2
    err = capsys.readouterr().err
    assert ": no sheet has a header row authtrack recognises as an appointment list" in err


def test_authorization_log_as_csv_imports_like_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [log_row(), log_row("Kim, Bo", "B-2", units="30", used="")]
    xlsx = workbook(tmp_path / "log.xlsx", rows)
    text = tmp_path / "log.csv"
    with open(text, "w", encoding="cp1252", newline="") as f:  # Excel's "CSV" on Windows
        out = csv.writer(f, delimiter=";")
        out.writerow(LOG_HEADER)
        for r in rows:
            out.writerow([f"{v:%m/%d/%Y}" if hasattr(v, "year") else v for v in r])
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert cli(a, "import", str(xlsx), "--json") == 0
    from_xlsx = json.loads(capsys.readouterr().out)
    assert cli(b, "import", str(text), "--json") == 0
    from_csv = json.loads(capsys.readouterr().out)
    assert from_csv["created"] == from_xlsx["created"] == 2

    def auths(db: Path) -> list[tuple[Any, ...]]:
        data = Store(db).snapshot()
        return sorted(
            (x.auth_number, x.start_date, x.end_date, x.units_authorized, x.carried_units_used)
            for x in data.authorizations.values()
        )

    assert auths(a) == auths(b)


def test_a_changed_date_is_listed_as_every_screen_writes_dates(
    tmp_path: Path, typed_demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the list of changes said "date 2026-09-16 → 2026-09-01" where every other line of the
    # report (and every screen) writes 09/01/2026
    cli(typed_demo_db, "import-services", str(TWIN), "--json")
    capsys.readouterr()
    rows = sample_rows()
    target = next(r for r in rows if r["Appt Status"] == "Completed")
    was = target["Appointment Date"]
    month, day, year = (int(p) for p in was.split("/"))
    target["Appointment Date"] = f"{month:02d}/{day + 1 if day < 28 else day - 1:02d}/{year}"
    moved = tmp_path / "moved.csv"
    write_list(moved, rows)
    assert cli(typed_demo_db, "import-services", str(moved), "--dry-run") == 0
    text = capsys.readouterr().out
    line = next(t for t in text.splitlines() if f"(appointment {target['Appt ID']})" in t)
    assert f": date {month:02d}/{day:02d}/{year} → {target['Appointment Date']}" in line, line
