"""``import-services --sheet all``: an appointment workbook with a tab per month is imported as
one list, oldest tab first, as the authorization import merges a log's monthly tabs; an
appointment on two tabs is its newest row, and every error names its own tab and cell."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from authtrack.cli import main
from priorauth.model import ServiceStatus
from priorauth.services.tracker import Tracker
from sync.planning.service_plan import apply_services, is_appointment_list, plan_services
from tests.unit.test_service_plan import HEADER, row

TODAY = dt.date(2026, 11, 23)


def _tabs(path: Path, tabs: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    for n, (title, rows) in enumerate(tabs.items()):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        ws.append(HEADER)
        for r in rows:
            ws.append(r)
    wb.create_sheet("Notes").append(["Exported from the scheduler"])
    wb.save(path)
    return path


def _schedule(tmp_path: Path) -> Path:
    # the newer tab first in the workbook: the months in the names give the order
    return _tabs(
        tmp_path / "schedule.xlsx",
        {
            "Nov 2026": [
                row("S1", dt.date(2026, 10, 30), "Checked Out"),  # scheduled on Oct's tab
                row("S3", dt.date(2026, 11, 2)),
                row("S4", dt.date(2026, 11, 9), name="Nobody, Known"),
            ],
            "Oct 2026": [
                row("S1", dt.date(2026, 10, 30), "Scheduled"),
                row("S2", dt.date(2026, 10, 5), "No Show"),
            ],
        },
    )


def test_every_tab_is_imported_oldest_first_each_appointment_once(
    tmp_path: Path, tracker: Tracker, practice: dict[str, Any]
) -> None:
    path = _schedule(tmp_path)
    plan = plan_services(path, tracker.data(), today=TODAY, user="alice", sheet="all")
    assert plan.sheet == "Oct 2026, Nov 2026"
    # S1 once, as the November tab says (checked out); S2 from October; S4 names no client
    assert [(i.sheet, i.row, i.service.appointment_id) for i in plan.created] == [
        ("Oct 2026", 3, "S2"),
        ("Nov 2026", 2, "S1"),
        ("Nov 2026", 3, "S3"),
    ]
    assert plan.created[1].service.status is ServiceStatus.CHECKED_OUT
    assert str(plan.created[0]).startswith('sheet "Oct 2026", row 3: ')
    (error,) = plan.errors
    assert (error.sheet, error.row, error.cell) == ("Nov 2026", 4, "B4")
    assert "no client Nobody, Known" in error.message
    assert plan.skipped == 1
    apply_services(tracker, plan, skip_invalid=True)
    services = {s.appointment_id: s for s in tracker.data().services.values()}
    assert sorted(services) == ["S1", "S2", "S3"]
    assert services["S1"].status is ServiceStatus.CHECKED_OUT
    again = plan_services(path, tracker.data(), today=TODAY, user="alice", sheet="all")
    assert not again.has_changes and len(again.unchanged) == 3


def test_the_same_row_number_on_two_tabs_is_two_rows(
    tmp_path: Path, tracker: Tracker, practice: dict[str, Any]
) -> None:
    """Rows are told apart by tab and row: row 2 of each tab is its own appointment, and an
    error on one does not take the other with it."""
    path = _tabs(
        tmp_path / "two.xlsx",
        {
            "2026-10": [row("S1", dt.date(2026, 10, 5), units=0)],  # units must be at least 1
            "2026-11": [row("S2", dt.date(2026, 11, 2))],
        },
    )
    plan = plan_services(path, tracker.data(), today=TODAY, user="alice", sheet="all")
    assert [(e.sheet, e.row, e.cell) for e in plan.errors] == [("2026-10", 2, "G2")]
    assert [(i.sheet, i.row) for i in plan.created] == [("2026-11", 2)]


def test_sheet_all_from_the_cli(
    tmp_path: Path, db_path: Path, practice: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _schedule(tmp_path)
    args = ["--db", str(db_path), "--today", "2026-11-23", "import-services", str(path)]
    assert main([*args, "--sheet", "all", "--json", "--skip-invalid"]) == 1  # (S4's row)
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["skipped"], out["sheet"]) == (3, 1, "Oct 2026, Nov 2026")
    assert [(e["sheet"], e["row"]) for e in out["errors"]] == [("Nov 2026", 4)]
    uncovered = {(f["sheet"], f["row"]) for f in out["uncovered"]}
    assert ("Oct 2026", 3) in uncovered or ("Nov 2026", 2) in uncovered
    assert main([*args, "--sheet", "all"]) == 1  # nothing new; S4 still names no client
    text = capsys.readouterr().out
    assert "0 to create, 0 to update, 3 unchanged" in text


def test_the_import_screen_tells_an_appointment_workbook_with_sheet_all(tmp_path: Path) -> None:
    """The app's import (sync/workbooks.py) asks which kind a file is before planning: with
    ``--sheet all`` an appointment workbook is still an appointment list."""
    path = _schedule(tmp_path)
    assert is_appointment_list(path, "all") and is_appointment_list(path, "ALL")
    assert is_appointment_list(path, "Nov 2026") and not is_appointment_list(path, "Notes")
