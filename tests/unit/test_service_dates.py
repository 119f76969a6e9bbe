"""Text dates in an appointment list are read per column, as the authorization import reads
them: the order a column's own dates show, else the other date column's, else the practice's
setting or ``--date-order``; a date only the other order reads is an error naming its cell."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from authtrack.cli import main
from priorauth.services.tracker import Tracker
from sync.planning.service_plan import plan_services
from tests.unit.test_service_plan import row, write_csv

TODAY = dt.date(2026, 11, 23)


def dated(appt: str, dob: str, day: str) -> list[Any]:
    out = row(appt, dt.date(2026, 11, 2))
    out[2:4] = [dob, day]
    return out


def test_a_column_that_shows_its_order_is_read_that_way(
    tmp_path: Path, tracker: Tracker, practice: dict[str, Any]
) -> None:
    rows = [dated("S1", "02/04/1990", "02/11/2026"), dated("S2", "02/04/1990", "23/11/2026")]
    plan = plan_services(write_csv(tmp_path / "l.csv", rows), tracker.data(), today=TODAY)
    assert not plan.errors
    # the date column shows day first ("23/11/2026"); the date of birth, which shows nothing,
    # is read as the sheet's other date column is (2 April 1990: Ann Lee)
    assert [i.service.date for i in plan.created] == [dt.date(2026, 11, 2), TODAY]
    (said,) = [w for w in plan.warnings if "first" in w]
    assert 'column C "DOB" read day first (as the sheet\'s other date columns)' in said


def test_the_practice_setting_then_the_option_decide_the_rest(
    tmp_path: Path, tracker: Tracker, practice: dict[str, Any]
) -> None:
    path = write_csv(tmp_path / "l.csv", [dated("S1", "02/04/1990", "02/11/2026")])
    month_first = plan_services(path, tracker.data(), today=TODAY)
    assert month_first.errors  # 04 Feb 1990: no such client
    assert any("read month first (the practice's date order)" in w for w in month_first.warnings)
    tracker.save_settings(dataclasses.replace(tracker.settings(), date_order="dmy"))
    day_first = plan_services(path, tracker.data(), today=TODAY)
    assert not day_first.errors
    assert day_first.created[0].service.date == dt.date(2026, 11, 2)
    assert any("read day first (the practice's date order)" in w for w in day_first.warnings)
    told = plan_services(path, tracker.data(), today=TODAY, date_order="mdy")
    assert told.errors and any("(--date-order mdy)" in w for w in told.warnings)


def test_a_date_only_the_other_order_reads_is_an_error_naming_the_cell(
    tmp_path: Path, tracker: Tracker, practice: dict[str, Any]
) -> None:
    rows = [dated(f"S{n}", "04/02/1990", f"11/{n:02d}/2026") for n in (13, 14, 16)]
    rows.append(dated("S9", "04/02/1990", "20/11/2026"))
    plan = plan_services(write_csv(tmp_path / "l.csv", rows), tracker.data(), today=TODAY)
    (error,) = plan.errors
    assert error.row == 5 and error.cell == "D5"
    assert '"20/11/2026" reads only day first' in error.message
    assert len(plan.created) == 3


@pytest.mark.parametrize("command", ["import", "import-services"])
def test_both_imports_take_date_order(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "d.json"), command, "x.csv", "--date-order", "ymd"]) == 2
    assert "--date-order" in capsys.readouterr().err


def test_import_services_honours_date_order(
    tmp_path: Path,
    tracker: Tracker,
    practice: dict[str, Any],
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_csv(tmp_path / "l.csv", [dated("S1", "02/04/1990", "02/11/2026")])
    args = ["--db", str(db_path), "--today", "2026-11-23", "import-services", str(path)]
    assert main([*args, "--json", "--dry-run"]) == 1  # the practice's order: month first
    capsys.readouterr()
    assert main([*args, "--json", "--date-order", "dmy"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 1 and out["errors"] == []
    (service,) = Tracker(tracker.store, today=TODAY).data().services.values()
    assert service.date == dt.date(2026, 11, 2)


def _monthly(path: Path) -> Path:
    from openpyxl import Workbook

    from tests.unit.test_service_plan import HEADER

    wb = Workbook()
    for n, (title, day) in enumerate((("Oct 2026", "10/05/2026"), ("Nov 2026", "11/02/2026"))):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        ws.append(HEADER)
        ws.append(dated(f"S{n}", "04/02/1990", day))
    wb.create_sheet("Notes").append(["Exported from the scheduler"])
    wb.save(path)
    return path


def test_a_workbook_of_several_lists_is_refused_with_their_names(
    tmp_path: Path, tracker: Tracker, practice: dict[str, Any]
) -> None:
    from sync.errors import SheetChoiceError

    path = _monthly(tmp_path / "schedule.xlsx")
    with pytest.raises(SheetChoiceError) as several:
        plan_services(path, tracker.data(), today=TODAY)
    message = str(several.value)
    assert 'holds 2 appointment lists (sheets "Oct 2026", "Nov 2026")' in message
    assert '--sheet "Oct 2026"' in message
    assert "or all at once with --sheet all" in message
    every = plan_services(path, tracker.data(), today=TODAY, sheet="all")  # (tests/unit/
    assert every.sheet == "Oct 2026, Nov 2026" and len(every.created) == 2  # test_service_tabs)
    for sheet, day in (("Oct 2026", dt.date(2026, 10, 5)), ("nov 2026", dt.date(2026, 11, 2))):
        plan = plan_services(path, tracker.data(), today=TODAY, sheet=sheet)
        assert not plan.errors and [i.service.date for i in plan.created] == [day]


def test_several_lists_is_one_sentence_from_the_cli(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _monthly(tmp_path / "schedule.xlsx")
    assert main(["--db", str(db_path), "import-services", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert "holds 2 appointment lists" in err
