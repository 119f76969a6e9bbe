"""What write-back would lose of a practice's log is said in its words, and only what is lost."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.formatting.rule import DataBarRule

from authtrack.cli import main
from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from sync.writing.losses import would_lose
from sync.writing.writeback import write_back
from tests.helpers.sync_helpers import TODAY
from tests.unit.test_export_writeback import their_log

# what LibreOffice writes after every data bar it saves: Excel 2010's settings of the bar
DATA_BAR_EXT = (
    '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    "<x14:conditionalFormattings><x14:conditionalFormatting "
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:cfRule type="dataBar" id="{00000000-0000-0000-0000-000000000001}">'
    '<x14:dataBar minLength="0" maxLength="100" negativeBarColorSameAsPositive="0" '
    'axisPosition="automatic"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/>'
    '<x14:negativeFillColor rgb="FFFF0000"/><x14:axisColor rgb="FF000000"/></x14:dataBar>'
    "</x14:cfRule><xm:sqref>G3:G4</xm:sqref></x14:conditionalFormatting>"
    "</x14:conditionalFormattings></ext></extLst>"
)
SHAPE = (
    "<xdr:twoCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>8"
    "</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>3</xdr:col><xdr:colOff>0"
    "</xdr:colOff><xdr:row>10</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="9" name="Box"/><xdr:cNvSpPr/>'
    '</xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
    "<xdr:txBody><a:bodyPr/><a:p><a:r><a:t>Call payer Monday</a:t></a:r></a:p></xdr:txBody>"
    "</xdr:sp><xdr:clientData/></xdr:twoCellAnchor>"
)


def _patched(path: Path, part_suffix: str, old: str, new: str) -> Path:
    """``path`` with ``old`` replaced by ``new`` in its part ending ``part_suffix``."""
    out = path.with_name(f"patched-{path.name}")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith(part_suffix):
                text = data.decode()
                assert old in text
                data = text.replace(old, new, 1).encode()
            dst.writestr(item, data)
    shutil.move(out, path)
    return path


def libreoffice_log(path: Path) -> Path:
    """Their log with a data bar on Used, saved as LibreOffice saves data bars, and a text box."""
    their_log(path)
    wb = load_workbook(path)
    wb["Tracker"].conditional_formatting.add(
        "G3:G4", DataBarRule(start_type="min", end_type="max", color="638EC6")
    )
    wb.save(path)
    _patched(path, "worksheets/sheet1.xml", "</worksheet>", DATA_BAR_EXT + "</worksheet>")
    # openpyxl writes the drawing in the default namespace: the shape goes in unprefixed
    return _patched(path, "drawings/drawing1.xml", "</wsDr>", SHAPE.replace("xdr:", "") + "</wsDr>")


@pytest.fixture
def log(tracker: Tracker, tmp_path: Path) -> Path:
    path = libreoffice_log(tmp_path / "log.xlsx")
    apply_import(tracker, plan_import(path, tracker.data(), today=TODAY, user="alice"))
    return path


def test_what_is_lost_is_named_in_a_practices_words_and_the_chart_is_not(log: Path) -> None:
    lost = would_lose(log)
    assert lost == [
        'sheet "Tracker": the newer settings of 1 data bar (solid colour, bars for negative '
        "numbers, the axis); the bars stay, drawn the older way",
        "1 shape or text box",
    ]
    assert not any("openpyxl" in line or "chart" in line for line in lost)


def test_the_notice_tells_the_truth_about_the_written_file(
    tracker: Tracker, log: Path, tmp_path: Path
) -> None:
    out = tmp_path / "new.xlsx"
    result = write_back(tracker.data(), log, today=TODAY, out=out)
    assert result.dropped == would_lose(log)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        drawings = "".join(zf.read(n).decode() for n in names if "drawings/drawing" in n)
    assert any(n.startswith("xl/charts/chart") for n in names)  # the chart survives: not named
    assert "<dataBar" in sheet and "x14:dataBar" not in sheet  # the bar stays, its settings go
    assert "Call payer Monday" not in drawings  # the text box is really lost
    assert would_lose(out) == []


def test_a_log_that_loses_nothing_says_nothing(tracker: Tracker, tmp_path: Path) -> None:
    assert would_lose(their_log(tmp_path / "plain.xlsx")) == []  # a chart survives write-back


def _cli(db: Path, *args: str) -> int:
    return main(["--db", str(db), "--today", TODAY.isoformat(), *args])


def test_the_cli_refuses_without_yes_and_lists_the_losses(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = libreoffice_log(tmp_path / "log.xlsx")
    assert _cli(db_path, "import", str(path)) == 0
    out = tmp_path / "log.authtrack.xlsx"
    capsys.readouterr()
    assert _cli(db_path, "export", "--into", str(path)) == 2
    err = capsys.readouterr().err
    assert "the newer settings of 1 data bar" in err and "1 shape or text box" in err
    assert "--yes" in err and "openpyxl" not in err and not out.exists()

    assert _cli(db_path, "export", "--into", str(path), "--json") == 2
    refused = json.loads(capsys.readouterr().out)
    assert refused["written"] is False and len(refused["would_lose"]) == 2 and not out.exists()

    assert _cli(db_path, "export", "--into", str(path), "--json", "--yes") == 0
    done = json.loads(capsys.readouterr().out)
    assert done["written"] is True and done["would_lose"] == refused["would_lose"]
    assert out.exists()
