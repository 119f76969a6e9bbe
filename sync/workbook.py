"""Open a workbook safely and hand back raw cell values (read with python-calamine).

Before any reader sees a file it is sniffed: empty files, CSV or web pages renamed .xlsx, Word
documents, password-protected (encrypted OLE) files, truncated or damaged zips and zip bombs are
refused with one sentence naming the file. Worksheets of .xlsx files are scanned for the area
calamine would allocate (it builds a dense grid from the first to the last cell with a value), so
a sheet with a stray value in row 1,048,576 and column XFD is refused instead of exhausting memory.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as calamine
from defusedxml import ElementTree

from sync import xlsguard
from sync.errors import SheetChoiceError, WorkbookError

MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # declared size of all parts together
MAX_PARTS = 10_000
MAX_CELLS = 3_000_000  # cells in the grid calamine allocates for one sheet (~100 MB)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# a cell in column AA or beyond, or in row 100,000 or beyond (one search, literal prefix "r=")
_FAR_CELL = re.compile(rb"r=[\"'](?:[A-Z]{2}|[A-Z]\d{6})")
_BIG_PART = 40 * 1024 * 1024  # worksheet XML above this size gets its value cells counted
# a cell element that is not self-closing (a self-closing one holds only a style, no value)
_VALUE_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*?\br=[\"']([A-Z]{1,3})(\d{1,7})[\"'][^>]*(?<!/)>")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


@dataclass(frozen=True)
class SheetInfo:
    name: str
    visible: bool


@dataclass
class RawSheet:
    """A sheet's cell values as calamine gives them, and where they sit in the spreadsheet.

    ``rows[i][j]`` is the cell in spreadsheet row ``first_row + i`` and column ``first_col + j``
    (both 1-based). Empty cells are ``""``.
    """

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1


class Workbook:
    """A workbook opened for reading values. Use :func:`open_workbook`."""

    def __init__(self, path: Path, kind: str, book: Any, sheets: list[SheetInfo]) -> None:
        self.path = path
        self.kind = kind  # "xlsx", "xls" or "ods"
        self.epoch_1904 = False
        self._book = book
        self.sheets = sheets
        self._parts: dict[str, str] = {}  # sheet name -> worksheet part (xlsx)
        self._xls_grids: dict[str, tuple[int, int]] | None = None
        self._zip_path: Path | None = None

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet_named(self, name: str) -> SheetInfo:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        for sheet in self.sheets:
            if sheet.name.strip().casefold() == name.strip().casefold():
                return sheet
        names = ", ".join(f'"{s.name}"' for s in self.sheets) or "none"
        raise SheetChoiceError(f'{self.path} has no sheet named "{name}" (its sheets: {names}).')

    def read(self, name: str) -> RawSheet:
        """The values of sheet ``name``; refuses sheets whose grid would not fit in memory."""
        if self.kind == "xlsx":
            self._check_area(name)
        elif self.kind == "xls":
            self._check_xls_area(name)
        try:
            sheet = self._book.get_sheet_by_name(name)
            start = sheet.start
            rows = sheet.to_python() if start is not None else []
        except calamine.WorksheetNotFound:
            raise WorkbookError(
                f'{self.path}: sheet "{name}" is listed, but its contents are missing from the '
                "file; the file is damaged. Re-save it in Excel or LibreOffice and try again."
            ) from None
        except BaseException as e:  # calamine raises its own errors and, rarely, Rust panics
            _reraise_interrupts(e)
            raise WorkbookError(
                f'{self.path}: sheet "{name}" cannot be read ({_reason(e)}); the file is damaged '
                "or was written by a program authtrack does not understand; re-save it in Excel "
                "or LibreOffice and try again."
            ) from None
        if start is None:
            return RawSheet(name, [])
        return RawSheet(name, rows, first_row=start[0] + 1, first_col=start[1] + 1)

    def close(self) -> None:
        try:
            self._book.close()
        except Exception:  # already closed: nothing left to release
            return

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the grid-size guard ---------------------------------------------------------------

    def _check_xls_area(self, name: str) -> None:
        if self._xls_grids is None:
            try:
                self._xls_grids = xlsguard.sheet_grids(self.path)
            except (xlsguard.XlsLayoutError, struct.error, IndexError) as e:
                raise WorkbookError(
                    f"{self.path} is damaged ({e}); open it in Excel or LibreOffice and save it "
                    "as .xlsx."
                ) from None
        rows, cols = self._xls_grids.get(name, (0, 0))
        if rows * cols > MAX_CELLS:
            raise WorkbookError(
                f'{self.path}: sheet "{name}" spreads values over {rows:,} rows and {cols:,} '
                "columns, far more than an authorization log; delete the stray cells far below "
                "or right of the table (Ctrl+End shows them) and save again."
            )

    def _check_area(self, name: str) -> None:
        assert self._zip_path is not None
        part = self._parts.get(name)
        with zipfile.ZipFile(self._zip_path) as zf:
            names = set(zf.namelist())
            parts = [part] if part in names else _worksheet_parts(names)
            for p in parts:
                rows, cols = _grid_size(zf, p)
                if rows * cols > MAX_CELLS:
                    raise WorkbookError(
                        f'{self.path}: sheet "{name}" spreads values over {rows:,} rows and '
                        f"{cols:,} columns, far more than an authorization log; delete the stray "
                        "cells far below or right of the table (Ctrl+End shows them) and save "
                        "again."
                    )


def open_workbook(path: str | Path) -> Workbook:
    """Sniff, guard and open ``path``; raise :class:`WorkbookError` when it cannot be used."""
    path = Path(path)
    kind = sniff(path)
    if kind == "ods":  # calamine unpacks every .ods sheet when opening: check them first
        _check_ods(path)
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        metadata = book.sheets_metadata
    except calamine.PasswordError:
        raise WorkbookError(_password_message(path)) from None
    except BaseException as e:
        _reraise_interrupts(e)
        raise WorkbookError(
            f"{path} cannot be opened as a workbook ({_reason(e)}); it is damaged or incomplete. "
            "Re-save it in Excel or LibreOffice and try again."
        ) from None
    sheets = [
        SheetInfo(m.name, m.visible == calamine.SheetVisibleEnum.Visible)
        for m in metadata
        if m.typ == calamine.SheetTypeEnum.WorkSheet
    ]
    wb = Workbook(path, kind, book, sheets)
    if kind == "xlsx":
        wb._zip_path = path
        wb._parts, wb.epoch_1904 = _xlsx_layout(path)
    return wb


def _check_ods(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        sizes = _ods_grid_sizes(_read_part(zf, "content.xml"))
    for name, (rows, cols) in sizes.items():
        if rows * cols > MAX_CELLS:
            raise WorkbookError(
                f'{path}: sheet "{name}" repeats values over {rows:,} rows and {cols:,} columns, '
                "far more than an authorization log; delete the stray cells below or right of "
                "the table and save again."
            )


# --- sniffing ---------------------------------------------------------------------------------


def sniff(path: Path) -> str:
    """The kind of workbook in ``path`` ("xlsx", "xls", "ods"), judged by content, not name."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise WorkbookError(f"{path} is a folder, not a workbook.")
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise WorkbookError(f"{path} does not exist.") from None
    except PermissionError:
        raise WorkbookError(f"{path} cannot be read: permission denied.") from None
    except OSError as e:
        raise WorkbookError(f"{path} cannot be read ({e.strerror or e}).") from None
    if size == 0:
        raise WorkbookError(f"{path} is empty (0 bytes); it is not a workbook.")
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(path, size)
    if head.startswith(_ZIP_MAGICS):
        return _sniff_zip(path)
    raise WorkbookError(_not_a_workbook(path))


def _sniff_ole(path: Path, size: int) -> str:
    """Old .xls files and encrypted (password-protected) .xlsx files are both OLE containers."""
    with open(path, "rb") as f:
        blob = f.read() if size <= 64 * 1024 * 1024 else f.read(8 * 1024 * 1024)
    if _utf16("EncryptedPackage") in blob or _utf16("EncryptionInfo") in blob:
        raise WorkbookError(_password_message(path))
    if _utf16("Workbook") in blob or _utf16("Book") in blob:
        return "xls"
    if _utf16("WordDocument") in blob:
        raise WorkbookError(f"{path} is a Word document, not a workbook.")
    raise WorkbookError(
        f"{path} is an old Office file but not an Excel workbook; open it in Excel and save it "
        "as .xlsx."
    )


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as e:
        raise WorkbookError(
            f"{path} is damaged or incomplete ({_reason(e)}); was the copy cut short? Copy it "
            "again or re-save it in Excel."
        ) from None
    if len(infos) > MAX_PARTS:
        raise WorkbookError(f"{path} holds {len(infos):,} parts; that is not an Excel workbook.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise WorkbookError(
            f"{path} would unpack to {total / 1024**2:,.0f} MB, far more than any authorization "
            "log; refusing to open it (it may be a zip bomb)."
        )
    names = {i.filename for i in infos}
    if any(n.endswith("workbook.xml") for n in names) or any(
        n.endswith("workbook.bin") for n in names
    ):
        if any(n.endswith("workbook.bin") for n in names):
            raise WorkbookError(
                f"{path} is a binary Excel workbook (.xlsb); save it as .xlsx and try again."
            )
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        with zipfile.ZipFile(path) as zf:
            mimetype = zf.read("mimetype")[:100]
        if b"spreadsheet" in mimetype:
            return "ods"
        raise WorkbookError(f"{path} is an OpenDocument file, but not a spreadsheet (.ods).")
    if any(n.startswith("word/") for n in names):
        raise WorkbookError(f"{path} is a Word document, not a workbook.")
    if any(n.startswith("ppt/") for n in names):
        raise WorkbookError(f"{path} is a PowerPoint file, not a workbook.")
    raise WorkbookError(f"{path} is a zip archive, but holds no workbook.")


def _not_a_workbook(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(4096)
    text = head.decode("utf-8", errors="ignore") if head else ""
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html", "<table")) or "<html" in lowered[:500]:
        return (
            f"{path} is a web page (HTML) with an Excel name, not a workbook; open it in Excel "
            "and save it as .xlsx."
        )
    if lowered.startswith("<?xml"):
        return (
            f"{path} is an XML file, not an Excel workbook; open it in Excel and save it as .xlsx."
        )
    if text and printable >= 0.95 * len(text) and ("\n" in text or len(head) < 4096):
        if any(sep in text for sep in (",", ";", "\t")):
            return (
                f"{path} is a CSV (plain text) file, not an Excel workbook; open it in Excel "
                "and save it as .xlsx."
            )
        return f"{path} is a plain text file, not a workbook."
    return f"{path} is not an Excel (.xlsx, .xlsm, .xls) or OpenDocument (.ods) workbook."


def _password_message(path: Path) -> str:
    return (
        f"{path} is password-protected (encrypted); open it in Excel, remove the password "
        "(File > Info > Protect Workbook), save, and import that copy."
    )


# --- xlsx layout and grid size ------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _xlsx_layout(path: Path) -> tuple[dict[str, str], bool]:
    """(sheet name -> worksheet part, whether the workbook uses the 1904 date system).

    Best effort: an odd layout leaves the map empty and the guard then checks every worksheet.
    """
    parts: dict[str, str] = {}
    epoch_1904 = False
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            book_part = (
                "xl/workbook.xml"
                if "xl/workbook.xml" in names
                else next((n for n in sorted(names) if n.endswith("workbook.xml")), None)
            )
            if book_part is None:
                return parts, epoch_1904
            book = ElementTree.fromstring(zf.read(book_part))
            folder = posixpath.dirname(book_part)
            rels_part = posixpath.join(folder, "_rels", posixpath.basename(book_part) + ".rels")
            targets: dict[str, str] = {}
            if rels_part in names:
                for rel in ElementTree.fromstring(zf.read(rels_part)).iter():
                    if _local(rel.tag) == "Relationship":
                        target = rel.get("Target", "")
                        full = (
                            target.lstrip("/")
                            if target.startswith("/")
                            else posixpath.normpath(posixpath.join(folder, target))
                        )
                        targets[rel.get("Id", "")] = full
            for el in book.iter():
                tag = _local(el.tag)
                if tag == "workbookPr":
                    epoch_1904 = el.get("date1904", "").lower() in ("1", "true")
                elif tag == "sheet":
                    rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
                    if rid in targets:
                        parts[el.get("name", "")] = targets[rid]
    except Exception:  # a layout we cannot read: the guard falls back to every worksheet
        return {}, epoch_1904
    return parts, epoch_1904


def _worksheet_parts(names: set[str]) -> list[str]:
    return sorted(n for n in names if "worksheets/" in n and n.endswith(".xml"))


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _grid_size(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(rows, columns) of the grid calamine would allocate for this worksheet part.

    Fast path: a sheet without cells past column Z or row 99,999 is small enough whatever it
    holds (unless its XML is huge: then its value cells are counted). Otherwise the cells that
    can hold a value are scanned (self-closing ones carry just a style, which calamine skips:
    Gnumeric and LibreOffice write those down to row 1,048,576).
    """
    try:
        xml = zf.read(part)
    except KeyError:
        return 0, 0
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise WorkbookError(
            f"{zf.filename} is damaged ({_reason(e)}); re-save it in Excel and try again."
        ) from None
    if _FAR_CELL.search(xml) is None:
        if len(xml) > _BIG_PART:  # no far cells, but maybe very many near ones
            return xml.count(b"<v>") + xml.count(b"<is>"), 1
        return 0, 0
    rows: set[int] = set()
    cols: set[bytes] = set()
    for letters, digits in _VALUE_CELL.findall(xml):
        cols.add(letters)
        rows.add(int(digits))
    if not rows:
        return 0, 0
    numbers = [_col_number(c) for c in cols]
    return max(rows) - min(rows) + 1, max(numbers) - min(numbers) + 1


_ODS_TOKEN = re.compile(
    rb"<(?:[\w.-]+:)?table\s[^>]*?\bname=\"(?P<table>[^\"]*)\"[^>]*>"
    rb"|<(?:[\w.-]+:)?table-row(?P<row>[\s/>][^>]*)"
    rb"|<(?:[\w.-]+:)?(?:covered-)?table-cell(?P<cell>[\s/>][^>]*)"
)
_ROWS_REPEATED = re.compile(rb"number-rows-repeated=\"(\d+)\"")
_COLS_REPEATED = re.compile(rb"number-columns-repeated=\"(\d+)\"")


def _ods_grid_sizes(xml: bytes) -> dict[str, tuple[int, int]]:
    """Sheet name -> (rows, columns) calamine would allocate: it expands repeated cells."""
    sizes: dict[str, tuple[int, int]] = {}
    if not _ROWS_REPEATED.search(xml) and not _COLS_REPEATED.search(xml):
        return sizes
    name = ""
    row = col = last_row = max_col = 0
    for m in _ODS_TOKEN.finditer(xml):
        table, row_attrs, cell_attrs = m.group("table", "row", "cell")
        if table is not None:
            name = table.decode("utf-8", "replace").replace("&amp;", "&")
            row = col = last_row = max_col = 0
        elif row_attrs is not None:
            rep = _ROWS_REPEATED.search(row_attrs)
            row += int(rep.group(1)) if rep else 1
            col = 0
        else:
            rep = _COLS_REPEATED.search(cell_attrs)
            col += int(rep.group(1)) if rep else 1
            if b"value-type" in cell_attrs:
                last_row, max_col = row, max(max_col, col)
        if name:
            sizes[name] = (last_row, max_col)
    return sizes


def _read_part(zf: zipfile.ZipFile, part: str) -> bytes:
    try:
        return zf.read(part)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise WorkbookError(
            f"{zf.filename} is damaged ({_reason(e)}); re-save it and try again."
        ) from None


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:200]


def _reraise_interrupts(e: BaseException) -> None:
    if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise e
