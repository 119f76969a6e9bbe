"""How big a grid calamine would allocate for a sheet, known before it reads the sheet.

calamine builds a dense grid from the first to the last cell holding a value; a stray value in
XFD1048576 makes that 17 billion cells and aborts the process. These functions read the
worksheet XML (or, for .ods, content.xml, where repeated cells are expanded) just far enough to
know the grid's size. Old .xls files are measured by :mod:`sync.reading.xlsguard`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree

from sync.errors import WorkbookError, reason

# a cell in column AA or beyond, or in row 100,000 or beyond (one search, literal prefix "r=")
# a chunk inflated and then searched while it is still in the core's cache (1 MB of L2 here): a
# 1 MB chunk, copied once more with the tail before it, fell out of it (the usual log's 12 MB
# worksheet: 37 ms with 1 MB chunks, 33 ms with 256 KB ones)
_CHUNK = 256 * 1024
_BIG_PART = 40 * 1024 * 1024  # worksheet XML above this size gets its value cells counted
# a cell element that is not self-closing (a self-closing one holds only a style, no value)
_VALUE_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*?\br=[\"']([A-Z]{1,3})(\d{1,7})[\"'][^>]*(?<!/)>")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def xlsx_layout(path: Path) -> tuple[dict[str, str], bool]:
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


def worksheet_parts(names: set[str]) -> list[str]:
    return sorted(n for n in names if "worksheets/" in n and n.endswith(".xml"))


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _has_far_cell(zf: zipfile.ZipFile, part: str) -> bool:
    """Whether the part has a cell past column Z or row 99,999 (see :func:`_scan_far`)."""
    far_column, far_row, _ = _scan_far(zf, part, limit=None, count_values=False)
    return far_column or far_row > 0


# a reference past column Z (group 1), or in row 100,000 or beyond (group 2, the row number)
_FAR_REF = re.compile(rb"r=[\"'][A-Z](?:([A-Z])|(\d{6,7})[\"'])")
_FAR_REF_LENGTH = len(b'r="A1234567"')
# where a far reference may start, looked for first: without _FAR_REF's groups and closing
# quote, passing over the near references (every cell's) costs less (the usual log's 12 MB:
# 16 -> 13.6 ms); each place found is read with _FAR_REF, so the same references count
_FAR_REF_AT = re.compile(rb"r=[\"'][A-Z][A-Z]|r=[\"'][A-Z]\d{6}")
_WIDEST = 26  # columns a sheet with no reference past column Z can span


def _scan_far(
    zf: zipfile.ZipFile, part: str, *, limit: int | None, count_values: bool
) -> tuple[bool, int, int]:
    """(a cell past column Z seen, the highest row number from 100,000 up that a cell names,
    the values and inline texts counted when ``count_values``), read a chunk at a time (the
    part is never whole in memory, and each chunk is searched while it is in the cache).

    Stops at the first cell past column Z; with a ``limit``, also as soon as the far rows
    alone could make a grid above it (26 columns wide); without one, at the first far cell.
    """
    tail = b""
    far_row = values = 0
    with zf.open(part) as f:
        while chunk := f.read(_CHUNK):
            text = tail + chunk
            if count_values:  # (those wholly in the tail were counted with the chunk before)
                values += text.count(b"<v>") - tail.count(b"<v>")
                values += text.count(b"<is>") - tail.count(b"<is>")
            for at in _FAR_REF_AT.finditer(text):
                m = _FAR_REF.match(text, at.start())
                if m is None:  # (eight digits or more, or no closing quote)
                    continue
                if m.group(1) is not None:
                    return True, far_row, values
                far_row = max(far_row, int(m.group(2)))
                if limit is None or far_row * _WIDEST > limit:
                    return False, far_row, values
            tail = text[-_FAR_REF_LENGTH:]  # (a reference cut in two by the chunks)
    return False, far_row, values


_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\s+ref=[\"'][A-Z]{1,3}(\d{1,7}):[A-Z]{1,3}(\d{1,7})"
)
_ROW = re.compile(rb"<(?:[\w.-]+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?\br=[\"'](\d+)")
_A_VALUE = re.compile(rb"<(?:[\w.-]+:)?[vt](?:\s[^>]*)?>[^<]")  # a value or a text not empty
DECLARED_ROWS = 100_000  # a sheet declaring more rows than this has its empty stretch looked for
EMPTY_STRETCH = 10_000  # written rows in a row holding no value: formatting down to the bottom


def empty_stretch(zf: zipfile.ZipFile, part: str) -> tuple[int, int, int] | None:
    """(rows the sheet declares, the row where its first long empty stretch starts, that
    stretch's length so far) when the worksheet declares a huge area (``<dimension>``) and
    then writes :data:`EMPTY_STRETCH` rows in a row with no value (LibreOffice saves every
    formatted row down to 1,048,576; calamine would parse them all: 26 s, 310 MB). None for
    every other sheet (a worksheet part above 40 MB without a ``<dimension>`` is looked at too).
    Reads only as far as the stretch, a chunk at a time."""
    try:
        big = zf.getinfo(part).file_size > _BIG_PART
        with zf.open(part) as f:
            head = f.read(4096)
            found = _DIMENSION.search(head)
            declared = int(found.group(2)) - int(found.group(1)) + 1 if found else 0
            if declared <= DECLARED_ROWS and not big:
                return None
            stretch, row_at = 0, 0
            text = head
            while True:
                last = _last_value(text)
                if last is not None:
                    stretch = len(_ROW.findall(text, last.end()))
                    after = _ROW_NUMBER.search(text, last.end())
                    row_at = int(after.group(1)) if after else 0
                else:
                    if stretch == 0 and row_at == 0:
                        after = _ROW_NUMBER.search(text)
                        row_at = int(after.group(1)) if after else 0
                    stretch += len(_ROW.findall(text))
                if stretch >= EMPTY_STRETCH:
                    return declared, row_at, stretch
                chunk = f.read(_CHUNK)
                if not chunk:
                    return None
                cut = text.rfind(b"<")  # (an element cut in two by the chunks: read it whole;
                tail = text[cut:] if cut >= 0 and b">" not in text[cut:] else b""  # a row in it
                text = tail + chunk  # may count twice: one in ten thousand)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError):
        return None  # the full check that follows names the damage


def _last_value(text: bytes) -> re.Match[bytes] | None:
    """The last value or text in ``text``: looked for near the end first (a sheet's chunk
    mostly ends in values), then in a window four times as wide, up to the whole text."""
    window = 64 * 1024
    while True:
        start = max(0, len(text) - window)
        last = None
        for last in _A_VALUE.finditer(text, start):  # noqa: B007  (the last one counts)
            pass
        if last is not None or start == 0:
            return last
        window *= 4


def grid_size(zf: zipfile.ZipFile, part: str, limit: int | None = None) -> tuple[int, int]:
    """(rows, columns) of the grid calamine would allocate for this worksheet part, or (0, 0)
    when it is known to be small enough.

    Fast path: a sheet without cells past column Z or row 99,999 is small enough whatever it
    holds (unless its XML is huge: then its value cells are counted). Given the ``limit`` the
    caller refuses above, a sheet with no cell past column Z whose rows stop early enough for
    26 columns to fit is small enough too (a long list: 115,000 rows of up to 26 columns).
    Otherwise the cells that can hold a value are scanned (self-closing ones carry just a
    style, which calamine skips: Gnumeric and LibreOffice write those down to row 1,048,576).
    """
    try:
        size = zf.getinfo(part).file_size
    except KeyError:
        return 0, 0
    big = size > _BIG_PART
    try:
        far_column, far_row, _ = _scan_far(zf, part, limit=limit, count_values=False)
        if not far_column and not far_row:
            if not big:
                return 0, 0
            _, _, values = _scan_far(zf, part, limit=limit, count_values=True)
            return (values, 1) if values else (0, 0)  # no far cells, but maybe very many near
        if not far_column and limit is not None and far_row * _WIDEST <= limit:
            return 0, 0  # (as the scan below, cells that do not name their place are not seen)
        xml = zf.read(part)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise WorkbookError(
            f"{zf.filename} is damaged ({reason(e)}); re-save it in Excel and try again."
        ) from None
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


def ods_grid_sizes(xml: bytes) -> dict[str, tuple[int, int]]:
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


def read_part(zf: zipfile.ZipFile, part: str) -> bytes:
    try:
        return zf.read(part)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise WorkbookError(
            f"{zf.filename} is damaged ({reason(e)}); re-save it and try again."
        ) from None
