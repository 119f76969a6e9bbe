"""How big a grid calamine would allocate for a sheet, known before it reads the sheet.

calamine builds a dense grid from the first to the last cell holding a value; a stray value in
XFD1048576 makes that 17 billion cells and aborts the process. These functions read the
worksheet XML (or, for .ods, content.xml, where repeated cells are expanded) just far enough to
know the grid's size. Old .xls files are measured by :mod:`sync.reading.xlsguard`.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from defusedxml import ElementTree

from priorauth.deflate import crc32, decompressobj
from sync.errors import WorkbookError, reason
from sync.reading.unread import CellScan, col_number

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


# a reference past column Z (group 1), or in row 100,000 or beyond (group 2, the row number)
_FAR_REF = re.compile(rb"r=[\"'][A-Z](?:([A-Z])|(\d{6,7})[\"'])")
_FAR_REF_LENGTH = len(b'r="A1234567"')
# where a far reference may start, looked for first: without _FAR_REF's groups and closing
# quote, passing over the near references (every cell's) costs less (the usual log's 12 MB:
# 16 -> 13.6 ms); each place found is read with _FAR_REF, so the same references count
_FAR_REF_AT = re.compile(rb"r=[\"'][A-Z][A-Z]|r=[\"'][A-Z]\d{6}")
_WIDEST = 26  # columns a sheet with no reference past column Z can span


class _FarScan:
    """The search for far cell references, fed the worksheet XML a chunk at a time: a cell past
    column Z seen, the highest row number from 100,000 up that a cell names, and (when
    ``count_values``) the values and inline texts counted.

    Done at the first cell past column Z; with a ``limit``, also as soon as the far rows alone
    could make a grid above it (26 columns wide); without one, at the first far cell.
    """

    def __init__(self, limit: int | None, count_values: bool) -> None:
        self.limit, self.count_values = limit, count_values
        self.far_column, self.far_row, self.values = False, 0, 0
        self.done = False
        self._tail = self._text = b""

    def feed(self, chunk: bytes) -> None:
        text = self._tail + chunk
        if self.count_values:  # (those wholly in the tail were counted with the chunk before)
            self.values += text.count(b"<v>") - self._tail.count(b"<v>")
            self.values += text.count(b"<is>") - self._tail.count(b"<is>")
        for at in _FAR_REF_AT.finditer(text):
            m = _FAR_REF.match(text, at.start())
            if m is None:  # (eight digits or more, or no closing quote)
                continue
            if m.group(1) is not None:
                self.far_column = self.done = True
                return
            self.far_row = max(self.far_row, int(m.group(2)))
            if self.limit is None or self.far_row * _WIDEST > self.limit:
                self.done = True
                return
        self._tail = text[-_FAR_REF_LENGTH:]  # (a reference cut in two by the chunks)
        # (the text is held until the next chunk's: freed at once, its memory went back to
        # the system and the next chunk's came as fresh pages, +3 ms over the usual log's 12 MB)
        self._text = text


def _chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's XML inflated a chunk at a time (never whole in memory; each chunk is searched
    while it is still in the core's cache)."""
    with zf.open(part) as f:
        while chunk := f.read(_CHUNK):
            yield chunk


class _NotPlain(Exception):
    """:func:`_inflated` met what it leaves to zipfile: an odd entry, or a damaged one."""


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # (signature, name length, extra length: 30 bytes)
_IN = 64 * 1024  # compressed bytes read at a time
_ODD_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, compressed patch data, strong encryption


def _inflated(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """What :func:`_chunks` yields, the same chunks, inflated by :mod:`priorauth.deflate`
    (zlib-ng: half zipfile's time) for a plain deflated entry of a workbook opened from its path.

    Raises :class:`_NotPlain` where zipfile would do anything but hand back the same text
    (another kind of entry, a header that does not match, a stream that does not end on the
    entry's size, or does not hold its CRC-32): the caller then reads the part with zipfile,
    which says what it says of it."""
    try:
        info = zf.getinfo(part)
        if (
            info.compress_type != zipfile.ZIP_DEFLATED
            or info.flag_bits & _ODD_FLAGS
            or not isinstance(zf.filename, str)
        ):
            raise _NotPlain
        name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
        with open(zf.filename, "rb") as f:
            f.seek(info.header_offset)
            head = f.read(_LOCAL_HEADER.size)
            signature, name_length, extra_length = _LOCAL_HEADER.unpack(head)
            if signature != b"PK\x03\x04" or f.read(name_length) != name:
                raise _NotPlain
            f.seek(extra_length, 1)
            d = decompressobj(-15)
            left, size, crc = info.compress_size, 0, 0
            data = b""  # compressed, not inflated yet
            while not d.eof:
                pieces: list[bytes] = []
                have = 0
                while have < _CHUNK and not d.eof:
                    if not data:
                        if left <= 0:
                            raise _NotPlain  # (the stream goes on past the entry)
                        data = f.read(min(_IN, left))
                        if not data:
                            raise _NotPlain
                        left -= len(data)
                    piece = d.decompress(data, _CHUNK - have)
                    data = d.unconsumed_tail
                    if piece:
                        pieces.append(piece)
                        have += len(piece)
                if not have:
                    break
                chunk = pieces[0] if len(pieces) == 1 else b"".join(pieces)
                size += have
                if size > info.file_size:
                    raise _NotPlain  # (zipfile hands back the entry's size: not this)
                crc = crc32(chunk, crc)
                yield chunk
            if size != info.file_size or crc != info.CRC:
                raise _NotPlain
    except _NotPlain:
        raise
    except Exception as e:  # anything else (a short read, a damaged stream): zipfile's say
        raise _NotPlain from e


def _scan_far(
    zf: zipfile.ZipFile, part: str, *, limit: int | None, count_values: bool
) -> tuple[bool, int, int]:
    """:class:`_FarScan` over the whole part: (far column, far row, values)."""
    scan = _FarScan(limit, count_values)
    for chunk in _chunks(zf, part):
        scan.feed(chunk)
        if scan.done:
            break
    return scan.far_column, scan.far_row, scan.values


_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\s+ref=[\"'][A-Z]{1,3}(\d{1,7}):[A-Z]{1,3}(\d{1,7})"
)
_ROW = re.compile(rb"<(?:[\w.-]+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?\br=[\"'](\d+)")
_A_VALUE = re.compile(rb"<(?:[\w.-]+:)?[vt](?:\s[^>]*)?>[^<]")  # a value or a text not empty
DECLARED_ROWS = 100_000  # a sheet declaring more rows than this has its empty stretch looked for
EMPTY_STRETCH = 10_000  # written rows in a row holding no value: formatting down to the bottom
_HEAD = 4096  # where a worksheet's <dimension> is looked for


class _StretchScan:
    """The search for a long empty stretch (see :func:`measure`), fed the XML in pieces of any
    size: it reads them as the first 4 KB, then :data:`_CHUNK` at a time (the blocks its
    counts were first made with, so the row it names does not depend on how it is fed).

    ``found`` is (rows declared, the row where the stretch starts, its length so far) once the
    stretch is long enough; ``done`` when found, or when the sheet needs no search.
    """

    def __init__(self, big: bool) -> None:
        self.big = big
        self.found: tuple[int, int, int] | None = None
        self.done = False
        self._declared: int | None = None  # (known from the first block)
        self._stretch = self._row_at = 0
        self._pending = b""  # fed, not yet a whole block
        self._tail = b""  # an element cut in two by the blocks, read again whole

    def feed(self, piece: bytes) -> None:
        self._pending += piece
        while not self.done:
            size = _HEAD if self._declared is None else _CHUNK
            if len(self._pending) < size:
                return
            block, self._pending = self._pending[:size], self._pending[size:]
            self._block(block)

    def finish(self) -> None:
        """The end of the part: the last (short) block."""
        if not self.done and (self._pending or self._declared is None):
            self._block(self._pending)
        self._pending, self.done = b"", True

    def _block(self, block: bytes) -> None:
        if self._declared is None:
            found = _DIMENSION.search(block)
            self._declared = int(found.group(2)) - int(found.group(1)) + 1 if found else 0
            if self._declared <= DECLARED_ROWS and not self.big:
                self.done = True
                return
            text = block
        else:
            cut = self._tail
            text = cut + block
        last = _last_value(text)
        if last is not None:
            self._stretch = len(_ROW.findall(text, last.end()))
            after = _ROW_NUMBER.search(text, last.end())
            self._row_at = int(after.group(1)) if after else 0
        else:
            if self._stretch == 0 and self._row_at == 0:
                after = _ROW_NUMBER.search(text)
                self._row_at = int(after.group(1)) if after else 0
            self._stretch += len(_ROW.findall(text))
        if self._stretch >= EMPTY_STRETCH:
            self.found, self.done = (self._declared, self._row_at, self._stretch), True
            return
        cut_at = text.rfind(b"<")  # (an element cut in two by the blocks: read it whole; a row
        # in it may count twice: one in ten thousand)
        self._tail = text[cut_at:] if cut_at >= 0 and b">" not in text[cut_at:] else b""


def _last_value(text: bytes) -> re.Match[bytes] | None:
    """The last value or text in ``text``: looked for near the end first (a sheet's chunk
    mostly ends in values: its last 4 KB, not 64 KB as first written, 88 -> 6 ms over a 54 MB
    list), then in a window four times as wide, up to the whole text."""
    window = 4 * 1024
    while True:
        start = max(0, len(text) - window)
        last = None
        for last in _A_VALUE.finditer(text, start):  # noqa: B007  (the last one counts)
            pass
        if last is not None or start == 0:
            return last
        window *= 4


def measure(
    zf: zipfile.ZipFile, part: str, limit: int | None = None
) -> tuple[tuple[int, int, int] | None, tuple[int, int], dict[tuple[int, int], str]]:
    """What the guard needs to know of a worksheet part, from one inflation of its XML:

    - the **empty stretch**: (rows the sheet declares, the row where its first long empty
      stretch starts, that stretch's length so far) when the worksheet declares a huge area
      (``<dimension>``) and then writes :data:`EMPTY_STRETCH` rows in a row with no value
      (LibreOffice saves every formatted row down to 1,048,576; calamine would parse them all:
      26 s, 310 MB); None for every other sheet (a worksheet part above 40 MB without a
      ``<dimension>`` is looked at too). A found stretch ends the reading at once.
    - the **grid**: (rows, columns) of the grid calamine would allocate, or (0, 0) when it is
      known to be small enough. A sheet without cells past column Z or row 99,999 is small
      enough whatever it holds (unless its XML is huge: then its value cells are counted);
      given the ``limit`` the caller refuses above, so is a sheet with no cell past column Z
      whose rows stop early enough for 26 columns to fit (a long list: 115,000 rows of up to
      26 columns). Otherwise the cells that can hold a value are scanned (self-closing ones
      carry just a style, which calamine skips: Gnumeric and LibreOffice write those down to
      row 1,048,576).

    - the **unread cells**: (row, column) -> what the cell shows, for the cells calamine reads
      as blank although they hold an error value or a formula never calculated
      (:class:`sync.reading.unread.CellScan`; empty when the sheet is refused).

    The searches read the same chunks (they once inflated the part twice, and three times
    for a part above 40 MB: a 100,000-row appointment list's 54 MB, 270 -> ~150 ms).
    """
    try:
        return _measure(zf, part, limit, _inflated)
    except _NotPlain:  # (an entry zipfile reads otherwise, or a damaged one: its own way)
        return _measure(zf, part, limit, _chunks)


def _measure(
    zf: zipfile.ZipFile,
    part: str,
    limit: int | None,
    chunks: Callable[[zipfile.ZipFile, str], Iterator[bytes]],
) -> tuple[tuple[int, int, int] | None, tuple[int, int], dict[tuple[int, int], str]]:
    """:func:`measure` with the part's XML read by ``chunks``."""
    try:
        big = zf.getinfo(part).file_size > _BIG_PART
    except KeyError:
        return None, (0, 0), {}
    far, stretch = _FarScan(limit, count_values=False), _StretchScan(big)
    unread, whole = CellScan(), True
    try:
        for chunk in chunks(zf, part):
            if not stretch.done:
                stretch.feed(chunk)
                if stretch.found is not None:
                    return stretch.found, (0, 0), {}  # (refused for it: the grid is not asked)
            if not far.done:
                far.feed(chunk)
            unread.feed(chunk)
            if far.done and stretch.done:
                whole = False  # (the part is read whole below: its unread cells sought there)
                break
        stretch.finish()
        if stretch.found is not None:
            return stretch.found, (0, 0), {}
        if not far.far_column and not far.far_row:
            if not big:
                return None, (0, 0), unread.cells
            # no far cells, but maybe very many near: counted in a pass of their own (counting
            # along in the pass above costs a 54 MB list ~80 ms, and is rarely needed)
            _, _, values = _scan_far(zf, part, limit=limit, count_values=True)
            return None, ((values, 1) if values else (0, 0)), unread.cells
        if not far.far_column and limit is not None and far.far_row * _WIDEST <= limit:
            return None, (0, 0), unread.cells  # (as the scan below: cells without a place unseen)
        xml = zf.read(part)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise WorkbookError(
            f"{zf.filename} is damaged ({reason(e)}); re-save it in Excel and try again."
        ) from None
    if not whole:
        unread = CellScan()
        unread.feed(xml)
    rows: set[int] = set()
    cols: set[bytes] = set()
    for letters, digits in _VALUE_CELL.findall(xml):
        cols.add(letters)
        rows.add(int(digits))
    if not rows:
        return None, (0, 0), unread.cells
    numbers = [col_number(c) for c in cols]
    return None, (max(rows) - min(rows) + 1, max(numbers) - min(numbers) + 1), unread.cells


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
