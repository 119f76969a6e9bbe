"""Cells calamine reads as blank that are not: an error value (#N/A, ...) or a formula saved
without its result. The grid guard's pass finds them (sync.reading.unread); a log row whose read
column holds one is an error naming the cell; elsewhere they change nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

from priorauth.data import Data
from sync.importer import plan_import
from sync.reading import grids
from sync.reading.unread import UNCALCULATED, CellScan
from sync.reading.workbook import open_workbook
from tests.helpers.sync_helpers import LOG_HEADER, TODAY, log_row

UNITS = LOG_HEADER.index("Units") + 1  # (column I)


def _log(path: Path, edit: dict[tuple[int, int], str], error: bool = True) -> Path:
    """A two-authorization log, with ``edit``'s cells (row, column) set: as error values
    (``error``), else as the text given (a formula when it starts with "=")."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append([*LOG_HEADER, "Lookup"])
    ws.append([*log_row("Lee, Ann", "A-1"), "x"])
    ws.append([*log_row("Roe, Bo", "A-2"), "y"])
    for (row, col), value in edit.items():
        cell = ws.cell(row=row, column=col)
        cell.value = value
        if error:
            cell.data_type = "e"
    wb.save(path)
    return path


def _messages(path: Path) -> list[str]:
    return [str(e) for e in plan_import(path, Data(), today=TODAY).errors]


def test_a_log_cell_showing_an_error_in_a_read_column_is_named(tmp_path: Path) -> None:
    path = _log(tmp_path / "na.xlsx", {(3, UNITS): "#N/A"})
    assert _messages(path) == [
        'sheet "Log", row 3, column "Units" (I3): shows #N/A, an error in the workbook, not a '
        "value; correct the formula in the workbook or clear the cell."
    ]


def test_an_error_in_a_column_not_read_changes_nothing(tmp_path: Path) -> None:
    plain = plan_import(_log(tmp_path / "plain.xlsx", {}), Data(), today=TODAY)
    lookup = len(LOG_HEADER) + 1
    odd = plan_import(
        _log(tmp_path / "odd.xlsx", {(3, lookup): "#REF!", (9, 2): "#DIV/0!"}), Data(), today=TODAY
    )
    assert odd.errors == [] and plain.errors == []
    assert [str(i) for i in odd.created] == [str(i) for i in plain.created]
    assert len(odd.created) == 2


def test_a_formula_never_calculated_in_a_read_column_is_named(tmp_path: Path) -> None:
    path = _log(tmp_path / "formula.xlsx", {(2, UNITS): "=20+4"}, error=False)
    assert _messages(path) == [
        'sheet "Log", row 2, column "Units" (I2): holds a formula that was never calculated; '
        "open the file in Excel or LibreOffice, save it, and import again."
    ]


def test_a_remaining_formula_never_calculated_is_a_warning_where_used_is_read(
    tmp_path: Path,
) -> None:
    """(as the sample front desk log, written by openpyxl: Remaining =I-J, never calculated)"""
    wb = Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append([*LOG_HEADER, "Remaining"])
    ws.append([*log_row("Lee, Ann", "A-1"), "=I2-J2"])
    ws.append([*log_row("Roe, Bo", "A-2", used=None), "=I3-J3"])
    wb.save(tmp_path / "left.xlsx")
    plan = plan_import(tmp_path / "left.xlsx", Data(), today=TODAY)
    assert [str(e) for e in plan.errors] == [
        'sheet "Log", row 3, column "Remaining" (K3): holds a formula that was never '
        "calculated; open the file in Excel or LibreOffice, save it, and import again."
    ]
    assert [w for w in plan.warnings if "never calculated" in w] == [
        'Sheet "Log", column "Remaining": K2 holds a formula that was never calculated; not '
        "read (the rows' used counts are read instead). Open the file in Excel or LibreOffice "
        "and save it to have them checked."
    ]


def test_the_workbook_carries_what_each_cell_shows(tmp_path: Path) -> None:
    path = _log(tmp_path / "both.xlsx", {(2, 3): "#NAME?", (3, UNITS): "#N/A"})
    wb = Workbook()
    ws = wb.active
    ws.append(["a", "=1+1", '=IF(1,"","x")'])
    wb.save(tmp_path / "formula.xlsx")
    with open_workbook(path) as book:
        assert book.read("Log").unread == {(2, 3): "#NAME?", (3, UNITS): "#N/A"}
    with open_workbook(tmp_path / "formula.xlsx") as book:
        unread = book.read(book.sheet_names[0]).unread
    assert unread == {(1, 2): UNCALCULATED, (1, 3): UNCALCULATED}


def test_cells_cut_in_two_by_the_chunks_are_found_once() -> None:
    cells = (
        b'<c r="A1" t="e"><v>#N/A</v></c><c r="B1" s="2"><f>A1*2</f><v /></c>'
        b'<c r="C1" t="str"><f>IF(1,"","")</f><v></v></c><c r="D1"><f>1</f><v>1</v></c>'
        b'<x:c r="E1" t="e"><x:v>#DIV/0!</x:v></x:c><c r="F1"><f t="shared" si="0"/></c>'
        b'<c r="G1" t="inlineStr"><is><t>#1 f</t></is></c>'
    )
    xml = b"<sheetData><row>" + cells * 3 + b"</row></sheetData>"
    want = {(1, 1): "#N/A", (1, 2): UNCALCULATED, (1, 5): "#DIV/0!", (1, 6): UNCALCULATED}
    for size in (1, 7, 40, 100, len(xml)):
        scan = CellScan()
        for at in range(0, len(xml), size):
            scan.feed(xml[at : at + size])
        assert scan.cells == want, size


def test_measure_hands_back_the_cells_from_its_one_pass(tmp_path: Path) -> None:
    path = _log(tmp_path / "na.xlsx", {(3, UNITS): "#N/A"})
    with zipfile.ZipFile(path) as zf:
        assert grids.measure(zf, "xl/worksheets/sheet1.xml", 3_000_000)[2] == {(3, UNITS): "#N/A"}
