"""The import preview in a practice manager's words: hours said as hours, a service named in
words by its name, an authorization whose counts are not known yet never said to have "no cap",
and "1 problem" (or "1 row") in the singular."""

from __future__ import annotations

from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth.services.tracker import Tracker
from sync.importer import plan_import
from sync.writing.writeback import WriteBackResult
from tests.helpers import log_styles as styles
from tests.helpers.sync_helpers import TODAY


def test_hours_and_service_names_are_said_as_the_log_says_them(
    tracker: Tracker, tmp_path: Path
) -> None:
    plan = plan_import(styles.hours_log(tmp_path / "hours.xlsx"), tracker.data(), today=TODAY)
    assert plan.errors == []
    created = [str(c) for c in plan.created]
    assert any("PC-1" in c and "(Personal Care; " in c and "; 187.5 hours)" in c for c in created)
    assert any("RS-1" in c and "(Respite; " in c and "; 40 hours)" in c for c in created)
    assert not any("units" in c or "any code" in c for c in created), created


def test_a_placeholder_count_is_not_called_no_cap(tracker: Tracker, tmp_path: Path) -> None:
    plan = plan_import(styles.placeholder_log(tmp_path / "ph.xlsx"), tracker.data(), today=TODAY)
    pending = [str(c) for c in plan.created if "counts not known" in str(c)]
    assert pending, [str(c) for c in plan.created]
    assert all("no cap" not in c and c.endswith("pending)") for c in pending), pending


def test_one_problem_is_one_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = styles.book(
        tmp_path / "twice.xlsx",
        {
            "Log": [
                ["Client", "DOB", "Payer", "Auth #", "CPT", "Start", "End", "Units"],
                ["Lee, Ann", TODAY, "Aetna", "A-1", "90837", TODAY, TODAY, 10],
                ["Lee, Ann", TODAY, "Aetna", "A-1", "90837", TODAY, TODAY, 12],
            ]
        },
    )
    assert main(["--db", str(tmp_path / "d.json"), "import", str(path), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "Rows that cannot be imported (1 problem):" in err, err


def test_the_write_back_says_one_row_in_the_singular(tmp_path: Path) -> None:
    one = WriteBackResult(tmp_path / "log.xlsx", "Auths", [6], 69, [71], cells_changed=1)
    assert ", 1 row updated (1 cell), 1 new row appended, 69 unchanged." in one.summary()
    two = WriteBackResult(tmp_path / "log.xlsx", "Auths", [6, 7], 0, [], cells_changed=3)
    assert ", 2 rows updated (3 cells), 0 new rows appended, 0 unchanged." in two.summary()
    alone = WriteBackResult(tmp_path / "log.xlsx", "Auths", unknown_rows=[9])
    assert " 1 row of the log is not in authtrack and was left as it is " in alone.summary()
    many = WriteBackResult(tmp_path / "log.xlsx", "Auths", unknown_rows=[9, 10])
    assert " 2 rows of the log are not in authtrack and were left as they are " in many.summary()
