"""The written-back log, recalculated by LibreOffice: the Dashboard shows the right total.

Skipped only where LibreOffice (soffice) is not installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import python_calamine as calamine
from openpyxl import load_workbook
from openpyxl.formatting.rule import DataBarRule

from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from sync.importer import plan_import
from sync.writing.exporter import export_workbook
from sync.writing.losses import would_lose
from sync.writing.writeback import write_back
from tests.helpers.practice_log import imported, write_log
from tests.helpers.sync_helpers import TODAY

SOFFICE = shutil.which("soffice")


def recalculated(path: Path, folder: Path) -> dict[str, list[list[object]]]:
    """``path`` opened, recalculated and saved again by LibreOffice; its sheets' values."""
    out = folder / "recalculated"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",  # not the user's own
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with calamine.CalamineWorkbook.from_path(str(out / path.name)) as wb:
        return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_dashboard_shows_the_total_of_every_row(tracker: Tracker, tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.xlsx")
    imported(tracker, log, TODAY)
    result = write_back(tracker.data(), log, today=TODAY)
    sheets = recalculated(result.path, tmp_path)
    rows = sheets["Log"]
    data = [r for r in rows[2:] if r[2]]  # rows with an authorization number
    assert len(data) == 7  # five of theirs, two appended
    used = sum(r[6] for r in data)
    approved = sum(r[5] for r in data)
    total = rows[2 + len(data)]
    assert total[0] == "TOTAL" and total[5:8] == [approved, used, approved - used]
    dashboard = {r[0]: r[1] for r in sheets["Dashboard"]}
    assert dashboard["Total visits used"] == used == 33
    assert dashboard["Approved"] == approved
    assert dashboard["Left"] == approved - used
    assert dashboard["Used, by name"] == used  # through the defined name


def resaved(path: Path, folder: Path) -> Path:
    recalculated(path, folder)
    return folder / "recalculated" / path.name


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_export_resaved_by_libreoffice_imports_unchanged(
    tracker: Tracker, tmp_path: Path
) -> None:
    build_demo(tracker.store, TODAY, clients=8)
    source = tracker.data()
    exported = export_workbook(source, tmp_path / "export.xlsx", today=TODAY)
    again = resaved(exported, tmp_path)
    plan = plan_import(again, source, today=TODAY)
    assert plan.errors == []
    assert (len(plan.created), len(plan.updated)) == (0, 0)
    assert not plan.clients_created and not plan.clients_updated and plan.other_changes == []


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_stored_results_match_libreoffices_own_recalculation(
    tracker: Tracker, tmp_path: Path
) -> None:
    """A log saved by LibreOffice (every result stored), written back: every formula has a stored
    result (kept, or worked out), each what LibreOffice itself gets when it recalculates."""
    (tmp_path / "first").mkdir()
    log = resaved(write_log(tmp_path / "log.xlsx"), tmp_path / "first")
    imported(tracker, log, TODAY)
    result = write_back(tracker.data(), log, today=TODAY, out=tmp_path / "out.xlsx")
    assert (
        result.formulas == "Formulas: 6 kept their stored results, 9 were worked out by authtrack."
    )
    with calamine.CalamineWorkbook.from_path(str(result.path)) as wb:
        ours = {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}
    (tmp_path / "second").mkdir()
    assert ours == recalculated(result.path, tmp_path / "second")
    assert [r[1] for r in ours["Dashboard"]] == [33, 150, 117, "Lee, Ann", 33]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_libreoffice_saved_data_bar_is_named_before_it_is_lost(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.xlsx")
    wb = load_workbook(log)
    wb["Log"].conditional_formatting.add(
        "G3:G7", DataBarRule(start_type="min", end_type="max", color="638EC6")
    )
    wb.save(log)
    assert would_lose(log) == []  # openpyxl's own data bar: nothing newer to lose
    (tmp_path / "first").mkdir()
    saved = resaved(log, tmp_path / "first")
    lost = would_lose(saved)
    assert lost == [
        'sheet "Log": the newer settings of 1 data bar (solid colour, bars for negative numbers, '
        "the axis); the bars stay, drawn the older way"
    ]
