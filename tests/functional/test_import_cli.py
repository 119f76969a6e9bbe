"""`authtrack import` and `authtrack export` as scripts use them: exit codes and JSON shapes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from authtrack.bar import Bar, progress_for
from authtrack.cli import main
from tests.helpers.sync_helpers import SAMPLES, log_row, workbook

REQUIRED = {"created", "updated", "unchanged", "skipped", "errors", "warnings"}


def cli(db: Path, *args: str) -> int:
    return main(["--db", str(db), "--today", "2026-11-23", *args])


def test_import_json_shape_and_reimport(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(db_path, "import", str(SAMPLES / "front_desk_log.xlsx"), "--json") == 0
    out, err = capsys.readouterr()
    first = json.loads(out)
    assert first.keys() >= REQUIRED
    assert (first["created"], first["updated"], first["unchanged"]) == (123, 0, 0)
    assert first["clients_created"] == 47 and first["written"] is True
    assert err == ""  # no progress bar: not a terminal
    assert cli(db_path, "import", str(SAMPLES / "front_desk_log.xlsx"), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 123)
    assert again["written"] is False


def test_an_import_lists_what_it_created_by_client_and_payer(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The list is worded after the records are written (and have their real ids)."""
    assert cli(db_path, "import", str(SAMPLES / "front_desk_log.xlsx")) == 0
    out = capsys.readouterr().out
    assert "row 5: new authorization A-2025-0391 for Alvarez, Marisol with Aetna" in out
    assert " for ? with ?" not in out


def test_rows_with_errors_exit_1_and_write_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(db_path, "import", str(SAMPLES / "aba_agency_tracker.xlsx")) == 0
    before = db_path.read_bytes()
    capsys.readouterr()
    assert cli(db_path, "import", str(SAMPLES / "mac_1904_log.xlsx"), "--json") == 1
    out = json.loads(capsys.readouterr().out)
    assert out["written"] is False and out["skipped"] == 1
    assert out["errors"][0] == {
        "sheet": "Auths",
        "row": 4,
        "column": "Effective Date",
        "cell": "F4",
        "message": '"13/45/2026" is not a date (there is no such day); '
        "write dates like 03/31/2025.",
    }
    assert db_path.read_bytes() == before
    assert cli(db_path, "import", str(SAMPLES / "mac_1904_log.xlsx")) == 1
    out, err = capsys.readouterr()
    assert "Nothing was imported: 1 row with errors" in out
    assert 'sheet "Auths", row 4, column "Effective Date" (F4)' in err
    assert db_path.read_bytes() == before
    assert cli(db_path, "import", str(SAMPLES / "mac_1904_log.xlsx"), "--skip-invalid") == 1
    assert db_path.read_bytes() != before
    assert list((db_path.parent / "backups").glob("*.import.json"))


def test_dry_run_lists_everything_and_writes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(db_path, "import", str(SAMPLES / "group_practice_2026.xlsx"), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Authorizations to create (80):" in out
    assert "row 4: new authorization A-2026-0042 for Lindqvist, Harper with Aetna" in out
    assert "Dry run: nothing was written." in out
    assert not db_path.exists()
    assert (
        cli(db_path, "import", str(SAMPLES / "group_practice_2026.xlsx"), "--dry-run", "--json")
        == 0
    )
    details = json.loads(capsys.readouterr().out)["details"]
    assert len(details["created"]) == 80 and len(details["clients_created"]) == 42


def test_unusable_files_and_usage_exit_2(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "log.xlsx"
    bad.write_text("Client,Payer\n")
    assert cli(db_path, "import", str(bad)) == 2
    assert "CSV" in capsys.readouterr().err
    assert cli(db_path, "import", str(tmp_path / "missing.xlsx"), "--json") == 2
    assert "does not exist" in capsys.readouterr().err
    assert cli(db_path, "import") == 2
    assert cli(db_path, "import", str(SAMPLES / "front_desk_log.xlsx"), "--sheet", "Nope") == 2
    assert 'no sheet named "Nope"' in capsys.readouterr().err
    assert not db_path.exists()


def test_export_json_and_bad_name(db_path: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cli(db_path, "import", str(SAMPLES / "aba_agency_tracker.xlsx"))
    capsys.readouterr()
    target = tmp_path / "out.xlsx"
    assert cli(db_path, "export", str(target), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "file": str(target),
        "authorizations": 59,
        "service_lines": 59,  # (one each: that log pools an authorization's codes on one row)
        "clients": 21,
        "services": 0,
        "payers": 5,
    }
    assert target.exists()
    assert cli(db_path, "export", str(tmp_path / "out.csv")) == 2
    assert "give it a .xlsx name" in capsys.readouterr().err
    assert cli(db_path, "export") == 2


def test_export_into_writes_a_new_file_by_default(db_path: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    log = workbook(tmp_path / "ourlog.xlsx", [log_row("Lee, Ann", "A-1", used=2)])
    cli(db_path, "import", str(log))
    cli(db_path, "import", str(SAMPLES / "solo_therapist.ods"))
    original = log.read_bytes()
    capsys.readouterr()
    assert cli(db_path, "export", "--into", str(log), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["file"] == str(tmp_path / "ourlog.authtrack.xlsx")
    # the solo therapist's 25 authorizations come after the log's own row
    assert out["appended_rows"] == list(range(3, 28)) and out["unchanged_rows"] == 1
    assert log.read_bytes() == original  # their file is not touched


def test_progress_bar_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    callback, bar = progress_for(False, io.StringIO())
    assert bar is None
    callback(1, 2, "reading")
    callback, bar = progress_for(True, Tty())
    assert bar is None
    stream = Tty()
    callback, bar = progress_for(False, stream)
    assert isinstance(bar, Bar)
    bar._started -= 1  # as if it had been running a while
    callback(500, 1000, "reading rows")
    assert "reading rows" in stream.getvalue() and "50%" in stream.getvalue()
    bar.close()
    assert stream.getvalue().endswith("\r\033[K")


@pytest.mark.parametrize("name", ["appointments_export.xlsx", "appointments_export.csv"])
def test_import_of_an_appointment_list_names_the_command_that_imports_it(
    db_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    # The log import's own complaint ("no payer column: add a Payer column") sent a new user
    # editing the scheduler's export; the list is imported by import-services.
    assert cli(db_path, "import", "--dry-run", str(SAMPLES / name)) == 2
    err = capsys.readouterr().err
    assert "is an appointment list, not an authorization log" in err
    assert f"authtrack import-services {SAMPLES / name}" in err
    assert "Payer" not in err
