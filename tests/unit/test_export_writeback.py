"""`export --into`: the practice's own log updated in place, in its own style, to a new file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from priorauth.model import Authorization, Service
from priorauth.services.tracker import Tracker
from sync.errors import WorkbookError
from sync.importer import apply_import, plan_import
from sync.writing.writeback import default_output, dropped_features, shift_formula, write_back
from tests.helpers.sync_helpers import SAMPLES, TODAY

D = dt.date


def their_log(path: Path) -> Path:
    """A log in a house style: title, extra columns, text dates, Y/N, a formula, a total row,
    a second sheet, a chart."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws["A1"] = "Our authorizations"
    ws.append(
        ["Pt Name", "Ins", "Auth #", "Eff", "Exp", "Approved", "Used", "Left", "Active", "Fax sent"]
    )
    rows = [
        ["Ann Lee", "Aetna", "A-1", "09/01/2026", "02/28/2027", 24, 5, None, "Y", "yes"],
        ["Bo Kim", "Cigna", "B-1", "10/01/2026", "03/31/2027", 12, 2, None, "Y", "no"],
    ]
    for i, row in enumerate(rows, start=3):
        ws.append(row)
        ws[f"H{i}"] = f"=F{i}-G{i}"
    ws.append(["Total", None, None, None, None, "=SUM(F3:F4)", "=SUM(G3:G4)"])
    ws["A2"].font = Font(bold=True)
    ws["A2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws.column_dimensions["A"].width = 30
    notes = wb.create_sheet("Phone numbers")
    notes.append(["Aetna", "1-800-555-0100"])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=6, min_row=2, max_row=4), titles_from_data=True)
    notes.add_chart(chart, "D2")
    wb.save(path)
    return path


@pytest.fixture
def setup(tracker: Tracker, tmp_path: Path) -> tuple[Tracker, Path]:
    log = their_log(tmp_path / "log.xlsx")
    apply_import(tracker, plan_import(log, tracker.data(), today=TODAY, user="alice"))
    return tracker, log


def test_matching_rows_are_updated_in_their_style_and_new_ones_appended(
    setup: tuple[Tracker, Path],
) -> None:
    tracker, log = setup
    data = tracker.data()
    a1 = next(a for a in data.authorizations.values() if a.auth_number == "A-1")
    tracker.save_authorization(dataclasses.replace(a1, end_date=D(2027, 3, 31)))
    tracker.record_service(Service(client=a1.client, payer=a1.payer, date=D(2026, 11, 2), units=2))
    tracker.save_authorization(
        Authorization(
            client=a1.client,
            payer=a1.payer,
            auth_number="A-2",
            units_authorized=30,
            start_date=D(2027, 3, 1),
            end_date=D(2027, 8, 31),
            active=False,
        )
    )
    original = log.read_bytes()
    result = write_back(tracker.data(), log, today=TODAY)
    assert result.path == log.with_name("log.authtrack.xlsx") == default_output(log)
    assert log.read_bytes() == original
    assert result.updated_rows == [3] and result.unchanged_rows == 1
    assert result.appended_rows == [5]
    assert result.cells_changed == 2
    assert result.dropped == []  # the chart survives write-back: nothing is said to be lost

    wb = load_workbook(result.path)
    ws = wb["Tracker"]
    assert [c.value for c in ws[2]] == [
        "Pt Name", "Ins", "Auth #", "Eff", "Exp", "Approved", "Used", "Left", "Active", "Fax sent"
    ]  # fmt: skip
    assert [c.value for c in ws[3]] == [
        "Ann Lee",
        "Aetna",
        "A-1",
        "09/01/2026",
        "03/31/2027",
        24,
        7,
        "=F3-G3",
        "Y",
        "yes",
    ]  # fmt: skip  (the end date stays text, Used is the new total, their formula stays)
    assert [c.value for c in ws[4]][:9] == [
        "Bo Kim", "Cigna", "B-1", "10/01/2026", "03/31/2027", 12, 2, "=F4-G4", "Y"
    ]  # fmt: skip
    new = [c.value for c in ws[5]]
    assert new[:9] == ["Ann Lee", "Aetna", "A-2", "03/01/2027", "08/31/2027", 30, 0, "=F5-G5", "N"]
    assert new[9] is None  # their own column: nothing to say
    assert [c.value for c in ws[6]][:7] == [
        "Total",
        None,
        None,
        None,
        None,
        "=SUM(F3:F5)",
        "=SUM(G3:G5)",
    ]
    assert ws["A2"].font.b and ws["A2"].fill.fgColor.rgb.endswith("FFFF00")
    assert ws.column_dimensions["A"].width == 30
    assert wb["Phone numbers"]["B1"].value == "1-800-555-0100"


def test_an_unchanged_log_comes_back_with_no_cell_changed(setup: tuple[Tracker, Path]) -> None:
    tracker, log = setup
    result = write_back(tracker.data(), log, today=TODAY, out=log.with_name("copy.xlsx"))
    assert (result.updated_rows, result.appended_rows, result.cells_changed) == ([], [], 0)
    assert result.unchanged_rows == 2
    before = load_workbook(log)["Tracker"]
    after = load_workbook(result.path)["Tracker"]
    assert [[c.value for c in r] for r in before.iter_rows()] == [
        [c.value for c in r] for r in after.iter_rows()
    ]


def test_rows_authtrack_does_not_know_are_left_alone(tracker: Tracker, tmp_path: Path) -> None:
    log = their_log(tmp_path / "log.xlsx")
    result = write_back(tracker.data(), log, today=TODAY)
    assert result.unknown_rows == [3, 4] and result.updated_rows == []
    assert "not in authtrack" in result.summary()


def test_samples_write_back_and_read_back_the_same(tracker: Tracker, tmp_path: Path) -> None:
    for name in ("front_desk_log.xlsx", "aba_agency_tracker.xlsx", "group_practice_2026.xlsx"):
        log = tmp_path / name
        shutil.copy(SAMPLES / name, log)
        apply_import(tracker, plan_import(log, tracker.data(), today=TODAY))
    for name in ("front_desk_log.xlsx", "aba_agency_tracker.xlsx", "group_practice_2026.xlsx"):
        result = write_back(tracker.data(), tmp_path / name, today=TODAY)
        assert result.updated_rows == [] and result.unknown_rows == []
        plan = plan_import(result.path, tracker.data(), today=TODAY)
        assert (len(plan.created), len(plan.updated), len(plan.errors)) == (0, 0, 0), name


def test_a_blank_used_cell_already_says_none_used(tracker: Tracker, tmp_path: Path) -> None:
    """A denied or not yet started row often leaves Used empty: not a change to write."""
    wb = Workbook()
    wb.active.append(["Client", "Payer", "Auth #", "Eff", "Approved", "Used"])
    wb.active.append(["Lee, Ann", "Aetna", "A-1", D(2026, 12, 1), 24, None])
    wb.save(tmp_path / "log.xlsx")
    apply_import(tracker, plan_import(tmp_path / "log.xlsx", tracker.data(), today=TODAY))
    result = write_back(tracker.data(), tmp_path / "log.xlsx", today=TODAY)
    assert (result.updated_rows, result.unchanged_rows) == ([], 1)
    again = apply_import(tracker, plan_import(tmp_path / "log.xlsx", tracker.data(), today=TODAY))
    assert again.summary() == "Nothing to change: 1 authorization already matches."


def test_nothing_is_said_lost_of_a_log_that_keeps_everything() -> None:
    # what is lost, and how it is said, is in test_writeback_losses.py
    assert dropped_features(SAMPLES / "front_desk_log.xlsx") == []


def test_only_xlsx_logs(tracker: Tracker) -> None:
    with pytest.raises(WorkbookError, match=r"save the log as \.xlsx"):
        write_back(tracker.data(), SAMPLES / "solo_therapist.ods", today=TODAY)


def test_sums_grow_and_references_below_move() -> None:
    assert shift_formula("=SUM(F3:F11)", 11, 2) == "=SUM(F3:F13)"
    assert shift_formula("=F12*2+$G$14", 11, 2) == "=F14*2+$G$16"
    assert shift_formula("=F5-G5", 11, 2) == "=F5-G5"
    assert shift_formula("=Other!A20", 11, 2) == "=Other!A20"


def test_a_date_written_into_a_blank_cell_takes_its_columns_date_format(
    tracker: Tracker, tmp_path: Path
) -> None:
    """A log that leaves the date of birth blank on a client's later rows: the rows added after
    such a row print their dates as the column does, not as ISO dates."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Client", "DOB", "Payer", "Auth #", "Eff", "Approved", "Used"])
    ws.append(["Lee, Ann", D(1980, 2, 3), "Aetna", "A-1", D(2026, 9, 1), 24, 2])
    ws.append([None, None, "Aetna", "A-2", D(2026, 12, 1), 24, 0])
    for cell in ("B2", "E2", "E3"):  # the blank B3 keeps the General format
        ws[cell].number_format = "m/d/yy"
    wb.save(tmp_path / "log.xlsx")
    apply_import(tracker, plan_import(tmp_path / "log.xlsx", tracker.data(), today=TODAY))
    a1 = next(a for a in tracker.data().authorizations.values() if a.auth_number == "A-1")
    tracker.save_authorization(
        Authorization(
            client=a1.client, payer=a1.payer, auth_number="A-3", units_authorized=10,
            start_date=D(2027, 3, 1), end_date=D(2027, 8, 31),
        )
    )  # fmt: skip
    result = write_back(tracker.data(), tmp_path / "log.xlsx", today=TODAY)
    assert result.appended_rows == [4]
    added = load_workbook(result.path).active
    assert (added["B4"].value, added["E4"].value) == (
        dt.datetime(1980, 2, 3),
        dt.datetime(2027, 3, 1),
    )
    assert (added["B4"].number_format, added["E4"].number_format) == ("m/d/yy", "m/d/yy")
