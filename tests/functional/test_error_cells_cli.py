"""`authtrack import-services` of an appointment list whose Units cell shows #N/A: the cell is
named, nothing is written, and --skip-invalid skips that row (calamine reads the cell as blank:
it once counted 1 unit)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from authtrack.cli import main
from priorauth.store.datafile import Store
from tests.helpers.sync_helpers import SAMPLES

LIST = SAMPLES / "appointments_export.xlsx"
HEADER_ROW = 3  # (under the list's title and a blank row)


def _with_na_units(tmp_path: Path) -> tuple[Path, str, str]:
    """The sample list with its first row's Units showing #N/A: (file, cell, appointment id)."""
    wb = load_workbook(LIST)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[HEADER_ROW]]
    cell = ws.cell(row=HEADER_ROW + 1, column=header.index("Units") + 1)
    cell.value = "#N/A"
    cell.data_type = "e"
    path = tmp_path / "na_units.xlsx"
    wb.save(path)
    appt = ws.cell(row=HEADER_ROW + 1, column=header.index("Appt ID") + 1).value
    return path, cell.coordinate, str(appt)


def test_units_showing_na_is_an_error_naming_the_cell(
    typed_demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ref, appt = _with_na_units(tmp_path)
    before = typed_demo_db.read_bytes()
    args = ["--db", str(typed_demo_db), "--today", "2026-11-23", "import-services", str(path)]
    code = main([*args, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["written"] is False  # (rows with errors: 1, as for any)
    assert out["errors"] == [
        {
            "sheet": out["errors"][0]["sheet"],
            "row": HEADER_ROW + 1,
            "column": "Units",
            "cell": ref,
            "message": "shows #N/A, an error in the workbook, not a value; correct the formula "
            "in the workbook or clear the cell.",
        }
    ]
    assert typed_demo_db.read_bytes() == before

    assert main([*args, "--skip-invalid", "--json"]) == 1  # (written, the row skipped)
    out = json.loads(capsys.readouterr().out)
    assert out["skipped"] == 1 and out["written"] is True
    services = Store(typed_demo_db).snapshot().services.values()
    with open(SAMPLES / "appointments_export.csv", encoding="utf-8-sig", newline="") as f:
        ids = {r["Appt ID"] for r in csv.DictReader(f)}
    assert appt in ids
    imported = {s.appointment_id for s in services}
    assert ids - {appt} <= imported
