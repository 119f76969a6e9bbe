"""Files that are not usable logs: refused with one sentence naming the file, never a crash."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from priorauth.data import Data
from sync.errors import SheetChoiceError, WorkbookError
from sync.importer import plan_import
from sync.reading import grids
from sync.reading import sniff as sniff_module
from sync.reading.workbook import open_workbook
from tests.helpers.sync_helpers import CORPUS, SAMPLES, TODAY, add_far_cell, log_row, workbook


def refused(path: Path, *words: str) -> str:
    with pytest.raises(WorkbookError) as e:
        plan_import(path, Data(), today=TODAY)
    message = str(e.value)
    assert str(path) in message
    for word in words:
        assert word in message
    assert "\n" not in message
    return message


def test_missing_and_empty_files(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.xlsx", "does not exist")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    refused(empty, "empty")


def test_csv_and_web_pages_with_an_excel_name(tmp_path: Path) -> None:
    csv = tmp_path / "log.xlsx"
    csv.write_text("Client,Payer,Auth #\nLee, Ann,Aetna,A1\n")
    refused(csv, "CSV", "save it as .xlsx")
    html = tmp_path / "report.xls"
    html.write_text("<html><body><table><tr><td>Client</td></tr></table></body></html>")
    refused(html, "web page")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(bytes(range(256)) * 20)
    refused(junk, "not an Excel")


def test_truncated_workbook(tmp_path: Path) -> None:
    good = workbook(tmp_path / "good.xlsx", [log_row()])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(cut, "damaged or incomplete")


def test_word_document_renamed(tmp_path: Path) -> None:
    doc = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    refused(doc, "Word document")


@pytest.mark.parametrize("name", ["calamine__pass_protected.xlsx", "excelize__encryptAES.xlsx"])
def test_password_protected(name: str) -> None:
    refused(CORPUS / name, "password-protected")


def test_zip_bomb_is_refused_by_declared_size(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sniff_module, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (2 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    refused(bomb, "zip bomb")


def test_a_stray_value_in_the_last_cell_does_not_exhaust_memory(tmp_path: Path) -> None:
    path = add_far_cell(workbook(tmp_path / "far.xlsx", [log_row()]))
    message = refused(path, "1,048,576 rows", "16,384 columns")  # how fast: `make bench`
    assert "Ctrl+End" in message


@pytest.mark.parametrize("offset", [-12, -9, -5, -3, -1, 0, 1])
def test_a_far_cell_across_the_guards_read_chunks_is_seen(tmp_path: Path, offset: int) -> None:
    """The grid guard reads a worksheet a chunk at a time: a far cell's reference cut in two
    by the chunks is still found."""
    far = b'<c r="XFD1048576"><v>1</v></c>'
    head = b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>'
    pad = b"<c/>" * ((grids._CHUNK + offset - len(head) - 3) // 4)
    head += pad + b" " * (grids._CHUNK + offset - len(head) - 3 - len(pad))
    xml = head + far + b"</row></sheetData></worksheet>"
    assert xml.index(b'r="XFD') == grids._CHUNK + offset - 3 + 3
    path = tmp_path / "far.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(path) as zf:
        assert grids.measure(zf, "xl/worksheets/sheet1.xml")[1] == (1048576, 16384)
        assert grids.measure(zf, "xl/worksheets/sheet2.xml")[1] == (0, 0)


def _sheet_zip(path: Path, rows: bytes) -> zipfile.ZipFile:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>",
        )
    return zipfile.ZipFile(path)


def test_a_long_list_narrower_than_26_columns_passes_the_guard_without_a_full_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list past row 99,999 with no cell past column Z: 26 columns of its rows fit the limit,
    so its cells are not collected one by one (the appointment list of 100,000 rows)."""
    rows = b'<row r="1"><c r="A1"><v>1</v></c><c r="J1"><v>2</v></c></row>'
    rows += b'<row r="100005"><c r="A100005"><v>3</v></c></row>'
    with _sheet_zip(tmp_path / "long.zip", rows) as zf:
        part = "xl/worksheets/sheet1.xml"
        assert grids.measure(zf, part)[1] == (100005, 10)  # no limit: measured cell by cell
        monkeypatch.setattr(grids, "_VALUE_CELL", None)  # (the full scan would fail now)
        assert grids.measure(zf, part, 3_000_000)[1] == (0, 0)


def test_a_far_row_beyond_what_26_columns_allow_is_still_measured(tmp_path: Path) -> None:
    rows = b'<row r="1"><c r="A1"><v>1</v></c><c r="J1"><v>2</v></c></row>'
    rows += b'<row r="1048576"><c r="A1048576"><v>3</v></c></row>'
    rows += b'<row r="1048577"><c r="B200" s="1"/></row>'  # (a style alone is no value)
    with _sheet_zip(tmp_path / "far.zip", rows) as zf:
        assert grids.measure(zf, "xl/worksheets/sheet1.xml", 3_000_000)[1] == (1048576, 10)
    with _sheet_zip(tmp_path / "near.zip", rows.replace(b"1048576", b"200000")) as zf:
        assert grids.measure(zf, "xl/worksheets/sheet1.xml", 3_000_000)[1] == (200000, 10)


def test_styled_empty_cells_to_the_last_row_are_harmless() -> None:
    # Gnumeric wrote styled empty cells down to row 1,048,576 and across to XFD
    with open_workbook(CORPUS / "calamine__issue_174.xlsx") as wb:
        sheet = wb.read(wb.sheet_names[0])
    assert len(sheet.rows) == 2


def test_ods_repeating_a_value_a_million_times_is_refused_before_reading(tmp_path: Path) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="Log"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>Client</text:p></table:table-cell>'
        '</table:table-row><table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
        'office:value="1"/></table:table-row></table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    path = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    refused(path, "Log", "1,048,576 rows")


def test_xml_entity_expansion_is_not_performed(tmp_path: Path) -> None:
    path = workbook(tmp_path / "lol.xlsx", [log_row()])
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        + "]>"
    )

    def edit(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        return laughs + body.replace("<t>Lee, Ann</t>", "<t>&lol9;</t>", 1)

    from tests.helpers.sync_helpers import edit_part

    edit_part(path, "xl/workbook.xml", lambda x: laughs + x.split("?>", 1)[-1])
    edit_part(path, "xl/worksheets/sheet1.xml", edit)
    try:
        plan = plan_import(path, Data(), today=TODAY)
    except WorkbookError as e:
        assert str(path) in str(e)
    else:
        assert all("lollollol" not in str(i) for i in plan.created)


def test_no_sheet_looks_like_a_log(tmp_path: Path) -> None:
    path = workbook(tmp_path / "budget.xlsx", [["Rent", 1200]], header=["Item", "Amount"])
    with pytest.raises(SheetChoiceError, match="no sheet that looks like an authorization log"):
        plan_import(path, Data(), today=TODAY)


def test_two_equally_likely_sheets_name_both_and_sheet_option(tmp_path: Path) -> None:
    from tests.helpers.sync_helpers import LOG_HEADER

    path = workbook(
        tmp_path / "two.xlsx",
        [log_row()],
        title="North office",
        extra_sheets={"South office": [LOG_HEADER, log_row("Kim, Bo", "B-2")]},
    )
    with pytest.raises(SheetChoiceError) as e:
        plan_import(path, Data(), today=TODAY)
    assert '"North office"' in str(e.value) and '"South office"' in str(e.value)
    assert "--sheet" in str(e.value)
    plan = plan_import(path, Data(), today=TODAY, sheet="South office")
    assert [i.description for i in plan.created] == [
        "new authorization B-2 for Kim, Bo with Aetna (90837; 09/01/2026–02/28/2027; 24 units)"
    ]


def test_unknown_sheet_name_lists_the_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "log.xlsx", [log_row()])
    with pytest.raises(SheetChoiceError, match=r'no sheet named "Logg" \(its sheets: "Log"\)'):
        plan_import(path, Data(), today=TODAY, sheet="Logg")


def test_a_log_without_a_payer_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "nopayer.xlsx",
        [["Lee, Ann", "A1", "1/1/26"]],
        header=["Client", "Auth #", "Eff"],
    )
    with pytest.raises(SheetChoiceError, match="no payer"):
        plan_import(path, Data(), today=TODAY)


def test_instructions_sheet_and_hidden_archive_are_passed_over() -> None:
    assert plan_import(SAMPLES / "aba_agency_tracker.xlsx", Data(), today=TODAY).sheet == (
        "Authorizations"
    )
    assert plan_import(SAMPLES / "group_practice_2026.xlsx", Data(), today=TODAY).sheet == "2026"


def test_old_xls_with_a_stray_value_in_the_last_cell(tmp_path: Path) -> None:
    """A 6 KB .xls with a value in IV65536 would cost calamine a gigabyte: refused first."""
    import struct

    from sync.reading.xlsguard import sheet_grids

    blob = bytearray((SAMPLES / "solo_therapist.xls").read_bytes())
    record = blob.find(b"\xfd\x00\x0a\x00")  # the first text cell (LABELSST) of the sheet
    blob[record + 4 : record + 8] = struct.pack("<HH", 65535, 255)
    path = tmp_path / "stray.xls"
    path.write_bytes(bytes(blob))
    assert sheet_grids(path) == {"Clients": (65536, 256)}
    assert sheet_grids(SAMPLES / "solo_therapist.xls") == {"Clients": (30, 9)}
    refused(path, "65,536 rows", "256 columns")


def test_damaged_xls_container(tmp_path: Path) -> None:
    blob = bytearray((SAMPLES / "solo_therapist.xls").read_bytes())
    blob[0x30:0x34] = b"\xff\xff\xff\x0f"  # the directory's first sector: far outside the file
    path = tmp_path / "damaged.xls"
    path.write_bytes(bytes(blob))
    with pytest.raises(WorkbookError) as e:
        plan_import(path, Data(), today=TODAY)
    assert str(path) in str(e.value) and "Traceback" not in str(e.value)
