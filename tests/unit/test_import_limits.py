"""What a spreadsheet cell or sheet cannot hold, said on import: a text longer than a cell's
32,767 characters is cut with a warning naming the cell; a sheet formatted down to row
1,048,576 is refused from its declared size and its first empty stretch, before calamine
parses the million rows."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from authtrack.cli import main
from priorauth.store.datafile import Store
from sync.reading.grids import EMPTY_STRETCH

HEADER = ["Client ID", "Client Name", "Date of Birth", "Payer", "Auth Number", "Procedure Codes"]
HEADER += ["Start Date", "End Date", "Units Authorized", "Notes"]


def _log(path: Path, rows: int = 3, notes: str = "short") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append(HEADER)
    for i in range(rows):
        ident = [f"C{i}", f"Lee{i}, Ann", "1990-04-02", "Aetna", f"A{i}", "97153"]
        ws.append([*ident, "2026-01-01", "2026-12-31", 10, notes])
    wb.save(path)
    return path


def _patch_sheet(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the first worksheet's XML (what openpyxl itself will not write)."""
    with zipfile.ZipFile(path) as zin:
        parts = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            zout.writestr(info, data)


def test_an_over_long_text_is_cut_and_the_cell_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _log(tmp_path / "log.xlsx", notes="x" * 100)
    _patch_sheet(log, lambda xml: xml.replace(b"x" * 100, b"y" * 40_000, 1))
    db = tmp_path / "data.json"
    assert main(["--db", str(db), "import", str(log), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (warning,) = [w for w in report["warnings"] if "characters" in w]
    assert 'cell J2 ("Notes")' in warning and "40,000 characters" in warning
    assert "first 32,767" in warning
    notes = sorted(len(a.notes) for a in Store(db).snapshot().authorizations.values())
    assert notes == [100, 100, 32_767]
    # importing it again changes nothing: what was kept is what a cell holds
    assert main(["--db", str(db), "import", str(log), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["created"] == again["updated"] == 0


def _formatted_to_the_bottom(xml: bytes, empty_rows: int) -> bytes:
    """As LibreOffice saves a sheet with formatted columns: a dimension to row 1,048,576 and
    row after row of styled cells holding nothing."""
    head, body = xml.split(b"<sheetData>", 1)
    head = re.sub(rb"<dimension [^>]*/>", b"", head) + b'<dimension ref="A1:J1048576"/>'
    xml = head + b"<sheetData>" + body
    rows = b"".join(
        b'<row r="%d" s="1" customFormat="true"><c r="A%d" s="1"/><c r="B%d" s="1"></c></row>'
        % (r, r, r)
        for r in range(5, 5 + empty_rows)
    )
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def test_a_sheet_formatted_down_to_the_bottom_is_refused_early(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _log(tmp_path / "lo.xlsx")
    _patch_sheet(log, lambda xml: _formatted_to_the_bottom(xml, EMPTY_STRETCH + 10))
    db = tmp_path / "data.json"
    assert main(["--db", str(db), "import", str(log)]) == 2
    err = capsys.readouterr().err
    assert 'sheet "Log" declares 1,048,576 rows but holds nothing from row 5 on' in err
    assert "delete the empty rows below the table" in err and err.count("\n") == 1
    assert not db.exists()


def test_a_declared_dimension_alone_is_not_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _log(tmp_path / "lo.xlsx")
    _patch_sheet(log, lambda xml: _formatted_to_the_bottom(xml, 50))  # a few formatted rows
    db = tmp_path / "data.json"
    assert main(["--db", str(db), "import", str(log), "--json"]) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["created"] == 3
