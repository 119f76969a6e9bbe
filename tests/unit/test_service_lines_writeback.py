"""Service lines written back into the practice's own log (issue 12): each line to its own row
of an ABA-style log, a line the log lacks as a row of its own, and a log with one row for an
authorization authtrack holds in several lines."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from priorauth import service_lines
from priorauth.model import CapPeriod
from priorauth.services.tracker import Tracker
from sample_workbooks.samplegen import aba_lines
from sync.importer import ImportBlocked, apply_import, plan_import
from sync.writing.writeback import write_back
from tests.helpers.aba_log import (
    D,
    aba_log,
    aba_rows,
    by_number,
    imported,
    line,
    record,
    sheet,
)
from tests.helpers.sync_helpers import SAMPLES, TODAY, log_row


def test_write_back_puts_each_line_in_its_own_row(tracker: Tracker, tmp_path: Path) -> None:
    log = aba_log(tmp_path / "aba.xlsx")
    imported(tracker, log)
    ann = by_number(tracker)["ABA-1"]
    record(tracker, ann, "97155", D(2026, 10, 1), 4)
    ann = by_number(tracker)["ABA-1"]  # a fourth line, added in authtrack
    tracker.save_authorization(service_lines.with_lines(ann, [*ann.lines, line(["97151"], 16)]))
    out = tmp_path / "back.xlsx"
    result = write_back(tracker.data(), log, today=TODAY, out=out)
    assert (result.updated_rows, result.cells_changed, result.appended_rows) == ([3], 1, [9])
    rows = sheet(out, "Log")
    codes = [r[5] for r in rows[1:]]
    assert codes == ["97153", "97155", "97156", "97153", "97155", "97156", "97151", "97151"]
    assert [(r[8], r[9]) for r in rows[1:4]] == [(320, 100), (40, 14), (12, 2)]  # per line
    assert (rows[8][4], rows[8][8], rows[8][9]) == ("ABA-1", 16, 0)  # its own new row
    assert rows[1][11] == "BCBA" and rows[3][11] == "Parent training"  # notes left as written
    plan = plan_import(out, tracker.data(), today=TODAY)  # and read back: the same
    assert (plan.errors, plan.has_changes) == ([], False)
    assert plan.service_lines[0].rows == (2, 3, 4, 9)


def test_write_back_of_a_new_authorization_with_lines_appends_a_row_per_line(
    tracker: Tracker, tmp_path: Path
) -> None:
    log = aba_log(tmp_path / "aba.xlsx", aba_rows()[:3])
    imported(tracker, log)
    ann = by_number(tracker)["ABA-1"]
    renewal = dataclasses.replace(
        ann, id=0, rev=0, auth_number="ABA-5", start_date=D(2027, 3, 1), end_date=D(2027, 8, 31)
    )
    renewal = service_lines.with_lines(renewal, [line(["97153"], 300), line(["97155"], 30)])
    tracker.save_authorization(dataclasses.replace(renewal, active=False))
    out = tmp_path / "back.xlsx"
    result = write_back(tracker.data(), log, today=TODAY, out=out)
    assert result.appended_rows == [5, 6]
    rows = sheet(out, "Log")
    assert [(r[4], r[5], r[8]) for r in rows[4:]] == [
        ("ABA-5", "97153", 300),
        ("ABA-5", "97155", 30),
    ]
    assert rows[4][11] == "BCBA; Parent training" and rows[5][11] is None  # notes once
    plan = plan_import(out, tracker.data(), today=TODAY)
    assert (plan.errors, plan.has_changes) == ([], False)


def test_the_aba_sample_writes_back_unchanged_and_reads_back_the_same(
    tracker: Tracker, tmp_path: Path
) -> None:
    log = tmp_path / "aba_service_lines.xlsx"
    shutil.copy(SAMPLES / "aba_service_lines.xlsx", log)
    imported(tracker, log)
    result = write_back(tracker.data(), log, today=TODAY)
    assert (result.updated_rows, result.unknown_rows, result.appended_rows) == ([], [], [])
    assert result.unchanged_rows == sum(len(a.lines) for a in aba_lines.plan())
    plan = plan_import(result.path, tracker.data(), today=TODAY)
    assert (plan.errors, plan.has_changes) == ([], False)


# --- a log with one row for an authorization authtrack holds in several lines -----------------


def _one_row_log(path: Path, codes: str, units: int, used: int) -> Path:
    row = [*log_row(number="ABA-1", codes=codes, units=units, used=used), "", ""]
    row[-1] = "BCBA; Parent training"  # (the authorization's notes, as imported)
    return aba_log(path, [row])


def test_one_row_with_all_the_codes_and_their_totals_keeps_the_lines(
    tracker: Tracker, tmp_path: Path
) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx", aba_rows()[:3]))
    before = by_number(tracker)["ABA-1"]
    log = _one_row_log(tmp_path / "one.xlsx", "97153, 97155, 97156", 372, 112)
    plan = plan_import(log, tracker.data(), today=TODAY)
    assert (plan.errors, plan.has_changes, len(plan.unchanged)) == ([], False, 1)
    result = write_back(tracker.data(), log, today=TODAY, out=tmp_path / "back.xlsx")
    assert (result.updated_rows, result.appended_rows) == ([], [])  # it keeps the totals
    assert by_number(tracker)["ABA-1"] == before


def test_one_row_with_other_totals_for_all_the_lines_is_refused(
    tracker: Tracker, tmp_path: Path
) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx", aba_rows()[:3]))
    log = _one_row_log(tmp_path / "one.xlsx", "97153, 97155, 97156", 400, 112)
    plan = plan_import(log, tracker.data(), today=TODAY)
    assert [(e.sheet, e.row, e.cell) for e in plan.errors] == [("Log", 2, "I2")]
    assert plan.errors[0].message == (
        "authorization ABA-1 has 3 service lines in authtrack (97153 320 units (100 used); "
        "97155 40 units (10 used); 97156 12 units (2 used)), and this row gives other counts "
        "for all of them; write a row for each code, or change its lines in authtrack."
    )
    with pytest.raises(ImportBlocked):
        apply_import(tracker, plan)


def test_one_row_with_one_lines_code_updates_that_line_and_keeps_the_others(
    tracker: Tracker, tmp_path: Path
) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx", aba_rows()[:3]))
    log = _one_row_log(tmp_path / "one.xlsx", "97155", 48, 30)
    plan = plan_import(log, tracker.data(), today=TODAY)
    assert plan.errors == [] and len(plan.updated) == 1
    assert plan.updated[0].changes == [
        "service lines 97153 320 units (100 used); 97155 40 units (10 used); 97156 12 units "
        "(2 used) → 97153 320 units (100 used); 97155 48 units (30 used); 97156 12 units (2 used)"
    ]
    apply_import(tracker, plan)
    assert by_number(tracker)["ABA-1"].lines == [
        line(["97153"], 320, 100, cap_amount=40, cap_period=CapPeriod.WEEK),  # (its own cap)
        line(["97155"], 48, 30),
        line(["97156"], 12, 2),
    ]
    out = tmp_path / "back.xlsx"  # write-back: the row keeps its line, the others get rows
    result = write_back(tracker.data(), log, today=TODAY, out=out)
    assert (result.updated_rows, result.appended_rows) == ([], [3, 4])
    assert [(r[5], r[8], r[9]) for r in sheet(out, "Log")[1:]] == [
        ("97155", 48, 30),
        ("97153", 320, 100),
        ("97156", 12, 2),
    ]
    again = plan_import(out, tracker.data(), today=TODAY)
    assert (again.errors, again.has_changes) == ([], False)
