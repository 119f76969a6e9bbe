"""Reading only the lines of the data file that changed since the last read.

Every open app re-reads the file when anybody saves; an agency's file is 80 MB, and a save
changes a line or two of it. The meta record keeps, for each table, the length and CRC-32 of each
of its lines (``"index": {"services": [[length, crc], ...], ...}``, written by every commit). A
re-read for display (:func:`read_changed`) reads the meta record, takes the lines whose length and
checksum it already holds from the last read, and reads (and checks) only the others, at offsets
the lengths give. When anything does not fit — no index, a size that does not add up, a line whose
checksum fails — it gives up and the caller reads the file whole, checking the whole file's
checksum as always.

Only reads for display take this path: a transaction always reads the file whole and checks it
(it must never write back a line it did not check). An open app also reads and checks the whole
file while nobody saves, :data:`RECHECK_SECONDS` (to half as much again) after its last whole
read (``Store.recheck_due``), so a hand edit that kept every length is seen within about that
time, and the check never delays showing another user's change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from priorauth.deflate import crc32
from priorauth.store.tables import Table

RECHECK_SECONDS = 60.0  # a display read checks the whole file at least this often
Index = dict[str, list[list[int]]]  # table -> [length, crc] of each line


def index_of(lines: Mapping[str, list[bytes]], known: Mapping[str, dict[int, Any]]) -> Index:
    """The meta record's index for the tables' ``lines``. ``known`` maps a table to
    ``{id(line): (line, entry)}`` of lines indexed before, whose checksums are not worked out
    again."""
    index: Index = {}
    for name, table_lines in lines.items():
        seen = known.get(name, {})
        entries = []
        for line in table_lines:
            hit = seen.get(id(line))
            if hit is not None and hit[0] is line:
                entries.append(hit[1])
            else:
                entries.append([len(line), crc32(line)])
        index[name] = entries
    return index


def known_lines(tables: Mapping[str, Table], index: Any) -> dict[str, dict[int, Any]]:
    """For :func:`index_of`: each table's lines as last indexed, by identity."""
    known: dict[str, dict[int, Any]] = {}
    if not isinstance(index, dict):
        return known
    for name, table in tables.items():
        lines, entries = table.stored_lines(), index.get(name)
        if lines is not None and isinstance(entries, list) and len(entries) == len(lines):
            known[name] = {
                id(line): (line, entry) for line, entry in zip(lines, entries, strict=True)
            }
    return known


def read_changed(
    fd: int,
    size: int,
    usable: Callable[[Any], bool],
    previous: Mapping[str, Table],
    previous_index: Any,
    make: Callable[[str, list[bytes], Table | None, Any], Table],
    check: bool = True,
) -> tuple[dict[str, Any], dict[str, Table]] | None:
    """The meta record and tables of the file open at ``fd`` (``size`` bytes), reading only
    lines not in ``previous`` (the last read's tables, described by ``previous_index``).
    ``usable(meta)`` says whether the meta record is of this layout; ``make(name, lines, before,
    counts)`` builds a table. None when the file cannot be read this way (see the module
    docstring). ``check``: each line read checked against its CRC-32; without it (an app's
    first read, :meth:`LockedJSONStorage.tables`'s ``check_later``) each line is read straight
    into its own text, the layout's lines between them checked, and the caller checks the
    lines later (:func:`priorauth.store.layout.lines_match`)."""
    with os.fdopen(fd, "rb", closefd=False) as f:
        parts = [f.readline(limit) for limit in (8, 16, 2**20, 8)]
    if parts[0] != b"{\n" or parts[1] != b'"meta":{\n' or parts[3] != b"},\n":
        return None
    head = b"".join(parts)
    try:
        meta = orjson.loads(b"{" + parts[2].rstrip(b"\n") + b"}").get("1")
    except orjson.JSONDecodeError:
        return None
    if not usable(meta):
        return None
    index, counts = meta.get("index"), meta.get("tables")
    if not isinstance(index, dict) or not isinstance(counts, dict) or list(index) != list(counts):
        return None
    if not isinstance(previous_index, dict):
        return None
    tables: dict[str, Table] = {}
    offset = len(head)
    names = list(index)
    for n, name in enumerate(names):
        entries = index[name]
        if not isinstance(entries, list):
            return None
        before = previous.get(name)
        known: dict[tuple[int, int], bytes] = {}
        old_lines = before.stored_refs() if before is not None else None
        old_entries = previous_index.get(name)
        if (
            old_lines is not None
            and isinstance(old_entries, list)
            and len(old_entries) == len(old_lines)
        ):
            known = {tuple(e): line for e, line in zip(old_entries, old_lines, strict=True)}
        opening = orjson.dumps(name) + b":{\n"  # "name":{
        if not check and os.pread(fd, len(opening), offset) != opening:
            return None
        offset += len(opening)
        lines: list[bytes] = []
        for i, entry in enumerate(entries):
            if not (isinstance(entry, list) and len(entry) == 2):
                return None
            length, crc = entry
            end = b",\n" if i < len(entries) - 1 else b"\n"
            line = known.get((length, crc))
            if line is None and not check:
                # (read into a text of its own: no copy of each line, 80 MB at agency scale)
                line = os.pread(fd, length, offset)
                if len(line) != length or os.pread(fd, len(end), offset + length) != end:
                    return None
            elif line is None:
                text = os.pread(fd, length + len(end), offset)
                line = text[:length]
                if text[length:] != end or crc32(line) != crc:
                    return None
            lines.append(line)
            offset += length + len(end)
        closing = b"},\n" if n < len(names) - 1 else b"}\n"
        if not check and os.pread(fd, len(closing), offset) != closing:
            return None
        offset += len(closing)
        tables[name] = make(name, lines, before, counts.get(name))
    if offset + 2 != size:  # the closing }\n
        return None
    if not check and os.pread(fd, 2, offset) != b"}\n":
        return None
    return meta, tables
