"""The data file's own layout: tables a line per chunk of documents, checked by a CRC-32.

The file stays plain TinyDB JSON, written one table at a time, about a thousand documents to a
line (see :mod:`priorauth.store.tables`), with the meta record first::

    {
    "meta":{
    "1":{"schema_version":3,"layout":1,"crc32":...,"tables":{...},"index":{...}}
    },
    "services":{
    ...a line per chunk...
    }
    }

The meta record holds the CRC-32 of everything after it (and of the tables' counts), so a reader
can take each line as text and parse it only when asked; a file that is cut short, was changed by
hand or is in any other layout is refused here (None) and parsed whole instead
(:func:`priorauth.store.schema.parse_whole`). It also holds each line's length and checksum
(:mod:`priorauth.store.lineindex`), which lets a display read take only the lines that changed.

:func:`read_lines` reads this layout and :func:`serialise` writes it; :func:`check_version`
refuses a file written by a newer program.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from priorauth.deflate import crc32
from priorauth.errors import DataFileError
from priorauth.store import crc as combined
from priorauth.store import lineindex
from priorauth.store.tables import Build, Table

# 2: coverage history (see priorauth.store.migrate); services carry a status (cancelled / no-show
# ones count nothing), time, provider, appointment id and source; payers an out-of-authorization
# policy (those new fields take their defaults). A version 2 file is refused by older programs,
# which would read coverages wrongly and count cancelled sessions as used.
SCHEMA_VERSION = 3
META_TABLE = "meta"
LAYOUT = 1  # the meta record's "layout": tables written a line per chunk of documents

Tables = dict[str, Table]


def check_version(path: Path, meta: Any) -> None:
    """Refuse (DataFileError) a meta record of a newer data format than this program knows."""
    version = meta.get("schema_version", SCHEMA_VERSION) if isinstance(meta, dict) else None
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise DataFileError(
            f"{path} was written by a newer authtrack (data format {version!r}, this "
            f"program knows up to {SCHEMA_VERSION}); upgrade authtrack to open it."
        )


def read_lines(
    f: io.BufferedReader,
    path: Path,
    builders: Mapping[str, Build],
    previous: Mapping[str, Table],
) -> Tables | None:
    """The tables of a file in this layout, unparsed; None for any other. ``previous``: the
    tables last read, whose parsed lines a table of the same lines takes over."""
    head = [f.readline(limit) for limit in (8, 16, 2**20, 8)]  # (not a whole one-line file)
    if head[0] != b"{\n" or head[1] != b'"meta":{\n' or head[3] not in (b"},\n", b"}\n"):
        return None
    try:
        meta_doc = orjson.loads(b"{" + head[2].rstrip(b"\n") + b"}").get("1")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(meta_doc, dict) or meta_doc.get("layout") != LAYOUT:
        return None
    check_version(path, meta_doc)
    counts = meta_doc.get("tables") or {}
    tables: Tables = {META_TABLE: Table.from_docs(None, {"1": meta_doc})}
    crc = 0
    name: str | None = None  # the table being read
    lines: list[bytes] = []
    state = "end" if head[3] == b"}\n" else "table"  # what the next line must be
    for line in f:
        crc = crc32(line, crc)
        if state == "done":
            return None  # text after the end
        if state == "end":
            if line != b"}\n":
                return None
            state = "done"
        elif name is None:  # a table's name: "services":{
            if not line.endswith(b":{\n"):
                return None
            try:
                name = orjson.loads(line[:-3])
            except orjson.JSONDecodeError:
                return None
            if not isinstance(name, str) or name in tables:
                return None
            lines = []
        elif line in (b"},\n", b"}\n"):
            tables[name] = table_of(builders.get(name), lines, counts.get(name), previous.get(name))
            name = None
            if line == b"}\n":
                state = "end"
        elif line.endswith(b",\n"):
            lines.append(line[:-2])
        elif line.endswith(b"}\n"):
            lines.append(line[:-1])
        else:
            return None
    crc = crc32(orjson.dumps(counts), crc)
    if state != "done" or crc != meta_doc.get("crc32"):
        return None  # cut short, or changed by hand: read it the slow way
    return tables


def lines_match(tables: Tables) -> bool:
    """Whether ``tables``, read without their check (``LockedJSONStorage.tables``'s
    ``check_later``, through :func:`priorauth.store.lineindex.read_changed`, which checks the
    layout's own lines between theirs), hold exactly the lines their meta record's index names:
    the same tables in the same order, each line of the length and CRC-32 the index gives (what
    the whole file's CRC-32 checks, line by line)."""
    meta = tables.get(META_TABLE)
    doc = meta.get(1) if meta is not None else None
    index = doc.get("index") if isinstance(doc, dict) else None
    names = [name for name in tables if name != META_TABLE]
    if not isinstance(index, dict) or list(index) != names:
        return False
    for name in names:
        lines, entries = tables[name].stored_lines(), index[name]
        if lines is None or not isinstance(entries, list) or len(entries) != len(lines):
            return False
        for line, entry in zip(lines, entries, strict=True):
            if entry != [len(line), crc32(line)]:
                return False
    return True


def table_of(build: Build | None, lines: list[bytes], info: Any, previous: Table | None) -> Table:
    """A table of these ``lines``, unparsed; ``info``: its ``[count, last id]`` in the meta
    record (anything else: unknown); ``previous``: the table of that name last read."""
    count, last = info if isinstance(info, list) and len(info) == 2 else (None, None)
    return Table.from_lines(build, lines, count, last, previous=previous)


def serialise(tables: Tables, known: Mapping[str, dict[int, Any]]) -> list[bytes]:
    """The file's text in pieces: meta first, then every table a line per chunk. The meta
    record in ``tables`` is replaced by the one written (checksums, counts, line index);
    ``known``: the lines indexed before (:func:`priorauth.store.lineindex.known_lines`)."""
    names = [name for name in tables if name != META_TABLE]
    written = {name: tables[name].lines() for name in names}
    index = lineindex.index_of(written, known)
    body: list[bytes] = []
    counts: dict[str, list[int]] = {}
    # the body's CRC-32; that of a long line made now is combined from the line's own, just
    # worked out for the index (one read of its bytes, not two). A line indexed before is read:
    # its entry came from the meta record, which the file's checksum does not cover.
    crc = 0
    for n, name in enumerate(names):
        table = tables[name]
        piece = orjson.dumps(name) + b":{\n"
        body.append(piece)
        crc = crc32(piece, crc)
        lines, seen = written[name], known.get(name, {})
        for i, (line, (length, line_crc)) in enumerate(zip(lines, index[name], strict=True)):
            end = b",\n" if i < len(lines) - 1 else b"\n"
            body.append(line)
            body.append(end)
            hit = seen.get(id(line))
            if length >= combined.WORTH_BYTES and (hit is None or hit[0] is not line):
                crc = combined.combine(crc, line_crc, length)
            else:
                crc = crc32(line, crc)
            crc = crc32(end, crc)
        piece = b"},\n" if n < len(names) - 1 else b"}\n"
        body.append(piece)
        crc = crc32(piece, crc)
        counts[name] = [len(table), table.last_id]
    body.append(b"}\n")
    crc = crc32(b"}\n", crc)
    crc = crc32(orjson.dumps(counts), crc)  # the counts are trusted too: check them
    old = tables.get(META_TABLE)
    meta = dict(old.get(1) or {}) if old is not None else {}
    meta.update(schema_version=SCHEMA_VERSION, layout=LAYOUT, crc32=crc, tables=counts, index=index)
    tables[META_TABLE] = Table.from_docs(None, {"1": meta})
    head = b'{\n"meta":{\n"1":' + orjson.dumps(meta) + (b"\n},\n" if names else b"\n}\n")
    return [head, *body]
