"""Formula results kept through write-back: unchanged inputs keep the stored result, changed
plain arithmetic is worked out, the rest is left to recalculate (and said so). Read back with
python-calamine, which reads stored results."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import python_calamine as calamine
from openpyxl import load_workbook

from priorauth.model import Authorization, Service
from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from sync.writing.results import references
from sync.writing.writeback import write_back
from tests.helpers.sync_helpers import TODAY
from tests.unit.test_export_writeback import their_log

D = dt.date


def with_results(path: Path, part: str, results: dict[str, object]) -> None:
    """Store ``results`` after the formulas of cells in ``part``, as Excel would have."""
    tmp = path.with_name("with-results.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == part:
                xml = data.decode()
                for ref, value in results.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    xml, n = re.subn(
                        rf'<c r="{ref}"([^>]*)>(<f>.*?</f>)<v ?/>',
                        rf'<c r="{ref}"\1{kind}>\2<v>{value}</v>',
                        xml,
                    )
                    assert n == 1, ref
                data = xml.encode()
            dst.writestr(item, data)
    shutil.move(tmp, path)


def stored_results(path: Path) -> dict[str, list[list[object]]]:
    with calamine.CalamineWorkbook.from_path(str(path)) as wb:
        return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def saved_log(path: Path) -> Path:
    """their_log with a few more formulas, saved with every result stored."""
    their_log(path)
    wb = load_workbook(path)
    ws = wb["Tracker"]
    ws["K3"] = '=IF(G3>5,"many","few")'  # its input changes: not worked out, left
    ws["K4"] = '=IF(I4="Y","on","off")'  # its row is unchanged: kept
    wb["Phone numbers"]["C1"] = "=LEN(B1)"  # another sheet, untouched: kept
    wb.save(path)
    with_results(
        path,
        "xl/worksheets/sheet1.xml",
        {"H3": 19, "H4": 10, "F5": 36, "G5": 7, "K3": "few", "K4": "on"},
    )
    with_results(path, "xl/worksheets/sheet2.xml", {"C1": 14})
    return path


def test_results_kept_worked_out_or_left_and_said(tracker: Tracker, tmp_path: Path) -> None:
    log = saved_log(tmp_path / "log.xlsx")
    assert stored_results(log)["Tracker"][2][7] == 19  # calamine reads what Excel stored
    apply_import(tracker, plan_import(log, tracker.data(), today=TODAY, user="alice"))
    a1 = next(a for a in tracker.data().authorizations.values() if a.auth_number == "A-1")
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
    tracker.save_authorization(dataclasses.replace(a1, end_date=D(2027, 3, 31)))
    result = write_back(tracker.data(), log, today=TODAY, out=tmp_path / "out.xlsx")
    assert result.appended_rows == [5]  # above the total, which moves to row 6

    sheets = stored_results(result.path)
    log_rows, phones = sheets["Tracker"], sheets["Phone numbers"]
    assert log_rows[3][7] == 10 and log_rows[3][10] == "on"  # B-1's row untouched: kept
    assert phones[0][2] == 14  # untouched sheet: kept
    assert log_rows[2][6] == 7 and log_rows[2][7] == 17  # A-1's Used changed: 24 - 7 worked out
    assert log_rows[4][7] == 30  # the new row's Left, 30 - 0
    assert log_rows[5][:7] == ["Total", "", "", "", "", 66, 9]  # the total row, worked out
    assert log_rows[2][10] == ""  # IF over a changed cell: left for the spreadsheet
    assert log_rows[4][10] == ""  # the new row's IF (copied from the row above): left too
    assert result.formulas == (
        "Formulas: 3 kept their stored results, 4 were worked out by authtrack, 2 will show their "
        "results once the workbook is opened in Excel or LibreOffice (they recalculate)."
    )
    assert result.formulas in result.summary()


def test_a_log_without_formulas_says_nothing_of_them(tracker: Tracker, tmp_path: Path) -> None:
    log = their_log(tmp_path / "log.xlsx")
    wb = load_workbook(log)
    for row in wb["Tracker"].iter_rows():
        for c in row:
            if c.data_type == "f":
                c.value = None
    wb.save(log)
    apply_import(tracker, plan_import(log, tracker.data(), today=TODAY, user="alice"))
    result = write_back(tracker.data(), log, today=TODAY, out=tmp_path / "out.xlsx")
    assert result.formulas == "" and "Formulas" not in result.summary()


def test_references_a_formula_reads() -> None:
    assert references("SUM(F3:F7)+'Phone numbers'!$B$1", "Log") == [
        ("Log", 3, 6, 7, 6),
        ("Phone numbers", 1, 2, 1, 2),
    ]
    assert references("SUM(UsedRange)", "Log", {"USEDRANGE": "Log!$G$3:$G$9"}) == [
        ("Log", 3, 7, 9, 7)
    ]
    assert references("SUM(Other)", "Log", {}) is None  # a name for more than one range
    assert references("INDIRECT(A1)", "Log") is None
    assert references("SUM(A:A)", "Log") is None  # a whole column: not located
    assert references("TODAY()", "Log") == []
