"""How big a grid calamine would allocate for each sheet of an old .xls workbook.

calamine builds a dense grid from the first to the last cell holding a value, so a 6 KB .xls
with one value in A1 and one in IV65536 costs it a gigabyte (16.7 million cells). This module
reads just enough of the file to know beforehand: the OLE compound file's directory, the
Workbook stream, and the row and column of every BIFF cell record that holds a value.
"""

from __future__ import annotations

import struct
from pathlib import Path

_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTORS = 1 << 22  # 2 GB of 512-byte sectors: beyond that the file is not a log
# BIFF records that hold a value at (row, column) in their first four bytes
_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}
_MULRK, _BOF, _EOF, _BOUNDSHEET = 0x00BD, 0x0809, 0x000A, 0x0085


class XlsLayoutError(ValueError):
    """The OLE container or its Workbook stream is not laid out as it should be."""


def sheet_grids(path: Path) -> dict[str, tuple[int, int]]:
    """Sheet name -> (rows, columns) spanned by cells holding a value."""
    return _scan_biff(_workbook_stream(path.read_bytes()))


def _workbook_stream(blob: bytes) -> bytes:
    if len(blob) < 512:
        raise XlsLayoutError("shorter than an OLE header")
    sector_shift, mini_shift = struct.unpack_from("<HH", blob, 0x1E)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise XlsLayoutError("unexpected sector sizes")
    size = 1 << sector_shift
    (n_fat, first_dir, _, cutoff, first_minifat, n_minifat, first_difat, n_difat) = (
        struct.unpack_from("<IIIIIIII", blob, 0x2C)
    )

    def sector(n: int) -> bytes:
        start = (n + 1) * size
        if n >= _MAX_SECTORS or start >= len(blob):
            raise XlsLayoutError("a sector lies outside the file")
        return blob[start : start + size]

    fat_sectors = list(struct.unpack_from("<109I", blob, 0x4C))
    difat = first_difat
    for _ in range(min(n_difat, _MAX_SECTORS)):
        if difat >= _ENDOFCHAIN:
            break
        entries = struct.unpack(f"<{size // 4}I", sector(difat))
        fat_sectors.extend(entries[:-1])
        difat = entries[-1]
    fat: list[int] = []
    for n in fat_sectors[: min(n_fat, _MAX_SECTORS)]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(n)))

    def chain(start: int, table: list[int]) -> list[int]:
        out = []
        n = start
        while n < _ENDOFCHAIN:
            if n >= len(table) or len(out) > len(table):
                raise XlsLayoutError("a broken sector chain")
            out.append(n)
            n = table[n]
        return out

    directory = b"".join(sector(n) for n in chain(first_dir, fat))
    entries = {}
    root_start = root_size = 0
    for off in range(0, len(directory) - 127, 128):
        entry = directory[off : off + 128]
        name_len = struct.unpack_from("<H", entry, 0x40)[0]
        name = entry[: max(0, name_len - 2)].decode("utf-16-le", "replace")
        kind = entry[0x42]
        start, length = struct.unpack_from("<IQ", entry, 0x74)
        if kind == 5:
            root_start, root_size = start, length
        elif kind == 2:
            entries[name] = (start, length)
    found = entries.get("Workbook") or entries.get("Book")
    if found is None:
        raise XlsLayoutError("no Workbook stream")
    start, length = found
    if size == 512:
        length &= 0xFFFFFFFF  # version 3 files keep only 32 bits
    if length >= cutoff:
        return b"".join(sector(n) for n in chain(start, fat))[:length]
    minifat: list[int] = []
    for n in chain(first_minifat, fat)[: max(n_minifat, 0)]:
        minifat.extend(struct.unpack(f"<{size // 4}I", sector(n)))
    mini_stream = b"".join(sector(n) for n in chain(root_start, fat))[:root_size]
    parts = [mini_stream[n * 64 : n * 64 + 64] for n in chain(start, minifat)]
    return b"".join(parts)[:length]


def _scan_biff(stream: bytes) -> dict[str, tuple[int, int]]:
    names: dict[int, str] = {}
    grids: dict[str, tuple[int, int]] = {}
    pos, end = 0, len(stream)
    current: str | None = None
    rows: tuple[int, int] = (1 << 30, -1)
    cols: tuple[int, int] = (1 << 30, -1)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        rtype, rlen = unpack("<HH", stream, pos)
        body = pos + 4
        if rtype in _CELLS and rlen >= 4:
            row, col = unpack("<HH", stream, body)
            rows = (min(rows[0], row), max(rows[1], row))
            cols = (min(cols[0], col), max(cols[1], col))
        elif rtype == _MULRK and rlen >= 6:
            row, first = unpack("<HH", stream, body)
            (last,) = unpack("<H", stream, body + rlen - 2)
            rows = (min(rows[0], row), max(rows[1], row))
            cols = (min(cols[0], first), max(cols[1], last))
        elif rtype == _BOUNDSHEET and rlen >= 8:
            (offset,) = unpack("<I", stream, body)
            length = stream[body + 6]
            flags = stream[body + 7] if rlen > 7 else 0
            raw = stream[body + 8 : body + 8 + length * (2 if flags & 1 else 1)]
            names[offset] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
        elif rtype == _BOF:
            current = names.get(pos)
            rows, cols = (1 << 30, -1), (1 << 30, -1)
        elif rtype == _EOF and current is not None:
            if rows[1] >= 0:
                grids[current] = (rows[1] - rows[0] + 1, cols[1] - cols[0] + 1)
            current = None
        pos = body + rlen
    return grids
