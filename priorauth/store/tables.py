"""One table of the data file, kept as its stored text and parsed only when something asks.

The data file is TinyDB's layout, ``{table: {id: document}}``, written one table at a time with
about :data:`CHUNK_DOCS` documents to a line (see :mod:`priorauth.store.layout`). A :class:`Table`
holds those lines as they were read and parses them the first time its values are wanted, so:

- opening a file does not parse what nobody looks at (the audit; the services during an import);
- memory holds one line's parse tree at a time, never the whole file's (an agency's file parsed
  at once costs six to eight times its size);
- a commit re-serialises only the lines whose documents changed; the rest are written as read.
  In a line whose documents were only edited (none added or removed) just the edited documents
  are serialised, each put in place of its old text (an import that updates 6,500 of an
  agency's 200,000 services touches every line of the table: 0.4 s serialising them whole).

A value is a record built by the table's ``build(id, document)`` (the store passes the record
classes' builders) or, for tables without one, the document itself. Records are written back with
orjson's native dataclass support, so their documents carry their ``id`` as well as the key.

Tables are values: a snapshot shares them freely. Only a transaction changes one, on its own
:meth:`Table.copy`.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import Any

import orjson

from priorauth.deflate import crc32
from priorauth.errors import DataFileError
from priorauth.store.gcpause import gc_paused
from priorauth.store.linepatch import Edit, patched
from priorauth.store.lineref import LineRef

CHUNK_DOCS = 1000  # documents to a line when a table is written out whole
LINE_BYTES = 256 * 1024  # a line of appended documents grows to about this before a new one starts

Build = Callable[[int, dict[str, Any]], Any]
_NONE = type(None)


def dump_docs(values: Mapping[int, Any]) -> bytes:
    """``"id":document,...`` for ``values`` (records or documents): one line's text."""
    return orjson.dumps(values, option=orjson.OPT_NON_STR_KEYS)[1:-1]


Line = bytes | LineRef


class Table(Mapping[int, Any]):
    """A table's values by id, in ascending id order. See the module docstring.

    Internals: ``_lines[i]`` is the text of the documents whose ids are in
    ``[_starts[i], _starts[i + 1])`` (None once one of them changed: made again from ``_items``
    when written). ``_edits[i]``, for such a line whose documents were only edited, is its old
    text with the values that text holds of the edited ids (:mod:`priorauth.store.linepatch`);
    a line changed otherwise has None there. ``_items`` is None until parsed; ``_docs`` holds
    documents parsed by a whole-file read and not built yet. ``_last`` is the highest id the
    table ever gave.
    """

    __slots__ = (
        "_build",
        "_count",
        "_docs",
        "_edits",
        "_items",
        "_last",
        "_lines",
        "_parsing",
        "_previous",
        "_starts",
    )

    def __init__(self, build: Build | None = None) -> None:
        self._build = build
        self._lines: list[Line | None] | None = []  # None: written whole from the values
        self._starts: list[int] = []
        self._items: dict[int, Any] | None = {}
        self._docs: dict[str, dict[str, Any]] | None = None
        self._count = 0
        self._last = 0
        self._previous: Table | None = None  # an earlier read's parsed table, to reuse lines of
        self._edits: dict[int, Edit | None] = {}
        self._parsing = threading.Lock()

    # --- making one --------------------------------------------------------------------------

    @classmethod
    def from_lines(
        cls,
        build: Build | None,
        lines: list[Line],
        count: int | None = None,
        last: int | None = None,
        previous: Table | None = None,
    ) -> Table:
        """A table read from the file's lines (each ``"id":{...},"id":{...}``), not parsed.

        ``count`` and ``last`` come from the file's meta record; when unknown, the first look
        at the table's size parses it. ``previous`` is this table as read before, when it was:
        lines it already parsed are not parsed again (another user's edit changes a line or
        two, and every open app re-reads the file), and an unchanged table is ``previous``.
        """
        if previous is not None and previous._reusable():
            if previous._lines == lines and (count, last) == (len(previous), previous._last):
                if previous.holds_text or not all(type(line) is bytes for line in lines):
                    return previous
                return previous._with_text(lines)  # (a transaction writes the text it read)
        else:
            previous = None
        table = cls(build)
        table._lines = list(lines)
        table._starts = [_first_id(line) for line in lines]
        table._items = None
        table._previous = previous
        if count is None or last is None:
            table._load()
        else:
            table._count, table._last = count, last
        return table

    def _with_text(self, lines: list[Line]) -> Table:
        """This parsed table, its lines' text given back (the values are shared)."""
        table = Table(self._build)
        table._lines, table._starts = list(lines), list(self._starts)
        table._items, table._count, table._last = self._items, self._count, self._last
        return table

    @property
    def holds_text(self) -> bool:
        """False once some line is held as a :class:`LineRef` only."""
        lines = self._lines
        return lines is None or all(type(line) is not LineRef for line in lines)

    def shed_text(self) -> None:
        """Keep, of each line of a parsed table, only its :class:`LineRef` (an open app does not
        hold the file's text: 80 MB at agency scale). Lines changed since (None) stay so."""
        lines = self._lines
        if self._items is None or lines is None:
            return
        self._lines = [
            LineRef(start, len(line), crc32(line)) if type(line) is bytes else line
            for line, start in zip(lines, self._starts, strict=True)
        ]

    def _reusable(self) -> bool:
        """Parsed, with every line as written (a table read or committed, not being changed)."""
        return self._items is not None and self._lines is not None and None not in self._lines

    @classmethod
    def from_docs(cls, build: Build | None, docs: dict[str, dict[str, Any]]) -> Table:
        """A table from parsed documents (a file in another layout), built on first use."""
        table = cls(build)
        try:
            ordered = sorted(docs.items(), key=lambda kv: int(kv[0]))
        except ValueError:
            raise DataFileError("a table of the data file has a key that is not a number") from None
        table._docs = dict(ordered)
        table._items = None
        table._lines, table._starts = None, []  # made when written
        table._count = len(ordered)
        table._last = int(ordered[-1][0]) if ordered else 0
        return table

    def copy(self) -> Table:
        """A copy a transaction may change (values are shared, not copied; nothing is parsed)."""
        table = Table(self._build)
        table._lines = None if self._lines is None else list(self._lines)
        table._starts = list(self._starts)
        table._items = None if self._items is None else dict(self._items)
        table._docs = self._docs  # never changed in place: shared
        table._previous = self._previous
        table._edits = {i: None if edit is None else edit.copy() for i, edit in self._edits.items()}
        table._count, table._last = self._count, self._last
        return table

    # --- reading -----------------------------------------------------------------------------

    def _load(self) -> dict[int, Any]:
        items = self._items
        if items is not None:
            return items
        with self._parsing, gc_paused():  # (two threads asking wait for one parse)
            if self._items is not None:
                return self._items
            return self._parse()

    def _parse(self) -> dict[int, Any]:
        build = self._build
        items: dict[int, Any] = {}
        if self._docs is not None:
            for key, doc in self._docs.items():
                i = int(key)
                items[i] = doc if build is None else build(i, doc)
        elif self._previous is not None and self._previous._items is not None:
            items = self._reparse(self._previous)
        else:
            for line in self._lines:
                assert type(line) is bytes  # unparsed tables have every line's text
                self._parse_line(line, items)
        self._items, self._docs, self._previous = items, None, None
        self._count = len(items)
        self._last = max(self._last, next(reversed(items), 0))
        return items

    def _parse_line(self, line: bytes, into: dict[int, Any]) -> None:
        try:
            docs = orjson.loads(b"{" + line + b"}")
        except orjson.JSONDecodeError as e:
            raise DataFileError(f"a line of the data file is not JSON ({e})") from None
        build = self._build
        if build is None:
            for key, doc in docs.items():
                into[int(key)] = doc
        else:
            for key, doc in docs.items():
                i = int(key)
                into[i] = build(i, doc)

    def _reparse(self, before: Table) -> dict[int, Any]:
        """The values, given an earlier read's: the lines read then (same first id, same text)
        keep their values; only the others are parsed. Ids stay in ascending order."""
        assert before._items is not None and before._lines is not None
        earlier = before._items
        known = {start: line for start, line in zip(before._starts, before._lines, strict=True)}
        fresh: dict[int, Any] = {}
        kept: set[int] = set()
        for line, start in zip(self._lines, self._starts, strict=True):  # type: ignore[arg-type]
            assert line is not None  # unparsed tables have every line
            if known.get(start) == line:
                kept.add(start)
            elif type(line) is LineRef:  # (only ever a line of ``before``: never here)
                raise DataFileError("a line of the data file was not read; read it again")
            else:
                self._parse_line(line, fresh)
        items = dict(earlier)
        for start, end in zip(before._starts, _ends(before), strict=True):
            if start not in kept:  # a line changed or gone: its ids are those parsed now
                for i in range(start, end):
                    if i not in fresh:
                        items.pop(i, None)
        top = next(reversed(earlier), 0)
        ordered = True
        for i, value in fresh.items():
            if i not in items and i < top:
                ordered = False  # (a document moved between lines by hand)
            items[i] = value
            top = max(top, i)
        return items if ordered else dict(sorted(items.items()))

    def stored_lines(self) -> list[bytes] | None:
        """The table's text as read or last written, a line each (None: not made yet, or not
        held: :meth:`shed_text`)."""
        lines = self._lines
        if lines is None or None in lines or not self.holds_text:
            return None
        return lines  # type: ignore[return-value]

    def stored_refs(self) -> list[Line] | None:
        """:meth:`stored_lines`, a line held as a :class:`LineRef` as such (for comparing)."""
        lines = self._lines
        return None if lines is None or None in lines else lines  # type: ignore[return-value]

    @property
    def parsed(self) -> bool:
        """True once the table's values exist (False: still only its stored text)."""
        return self._items is not None

    @property
    def last_id(self) -> int:
        """The highest id this table has given (ids are never reused)."""
        return self._last

    def __getitem__(self, key: int) -> Any:
        return self._load()[key]

    def get(self, key: int, default: Any = None) -> Any:
        return self._load().get(key, default)

    def __iter__(self) -> Iterator[int]:
        return iter(self._load())

    def __len__(self) -> int:
        return self._count if self._items is None else len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._load()

    def values(self):  # type: ignore[override]  # a dict view: fast, and what callers expect
        return self._load().values()

    def items(self):  # type: ignore[override]
        return self._load().items()

    def keys(self):  # type: ignore[override]
        return self._load().keys()

    def __repr__(self) -> str:
        state = "parsed" if self._items is not None else "unparsed"
        return f"Table({len(self)} values, {state})"

    # --- changing (a transaction's own copy only) ---------------------------------------------

    def change(self, changes: Mapping[int, Any]) -> None:
        """Set (or, for None, remove) values by id. New ids above every other are appended to
        the stored text without parsing the table; any other change parses it and marks the
        lines it touches to be made again."""
        # (a value is None when its type is: records' == would be asked of each of thousands)
        if changes and min(changes) > self._last and _NONE not in set(map(type, changes.values())):
            keys = list(changes)
            if keys == sorted(keys):  # new values only (an import, a service): append them all
                self._append(dict(changes))
                return
        appended: dict[int, Any] = {}
        top = self._last
        for key, value in changes.items():
            if value is not None and key > top:
                appended[key] = value
                top = key
            elif value is None and key in appended:
                del appended[key]
            else:
                items = self._load()
                if value is None:
                    if items.pop(key, None) is None:
                        continue
                    old = None
                else:
                    old = items.get(key)
                    items[key] = value
                self._count = len(items)
                self._dirty(key, old)
        if appended:
            self._append(appended)

    def append(self, values: dict[int, Any]) -> None:
        """Add new values (not None) under ids above every other, given in ascending order: what
        :meth:`change` does with them, without its look at every value and key (a transaction's
        insert gives the ids; an import's 20,000). The table takes ``values`` over: the caller
        does not change it again."""
        if values:
            if next(iter(values)) <= self._last:
                raise ValueError("appended ids must be above every id the table gave")
            self._append(values)

    def _append(self, values: dict[int, Any]) -> None:
        """Add values whose ids are above every other, in ascending order (``values`` is the
        table's from now on: an empty table's values become it, not a copy of it)."""
        if self._lines is None:  # the table is written whole from its values
            self._load().update(values)
        else:
            if self._items is not None:
                if self._items:
                    self._items.update(values)
                else:
                    self._items = values
            lines = self._lines
            if not lines or lines[-1] is not None:  # (a changed last line is made again anyway)
                for start, text in _chunked(values):
                    last = lines[-1] if lines else None
                    if type(last) is bytes and len(last) + len(text) < LINE_BYTES:
                        lines[-1] = last + b"," + text
                    else:
                        lines.append(text)
                        self._starts.append(start)
        self._count = len(self._items) if self._items is not None else self._count + len(values)
        self._last = next(reversed(values))

    def _dirty(self, key: int, old: Any) -> None:
        """Mark the line holding ``key`` to be made again; ``old``: the value ``key`` had
        (None: it had none, or it is removed now), which lets an edited line be patched."""
        lines = self._lines
        if lines is None or not lines:
            self._lines, self._starts = None, []
            self._edits = {}
            return
        i = bisect_right(self._starts, key) - 1
        if i < 0:  # below the first line's first id: that line now starts here
            i, self._starts[0] = 0, key
            old = None
        line = lines[i]
        edits = self._edits
        if old is None:  # a document added or removed: the line is made again whole
            edits[i] = None
        elif type(line) is bytes:  # the line's first change: its text is what gets patched
            end = self._starts[i + 1] if i + 1 < len(self._starts) else self._last + 1
            edits[i] = Edit(line, end, {key: old})
        else:
            edit = edits.get(i)
            if edit is not None:
                edit.values.setdefault(key, old)  # (the value its text holds: the first one)
            else:
                edits[i] = None  # (changed before, otherwise; or its text not held)
        lines[i] = None

    # --- writing -----------------------------------------------------------------------------

    def lines(self) -> list[bytes]:
        """The table's text, a line each: stored lines as they are, changed ones made again."""
        if self._lines is None:
            chunks = list(_chunked(self._load()))
            self._starts = [start for start, _ in chunks]
            self._lines = [text for _, text in chunks]
        elif None in self._lines or not self.holds_text:
            items = self._load()
            lines: list[bytes | None] = []
            starts: list[int] = []
            ends = [*self._starts[1:], self._last + 1]
            edits = self._edits
            for i, (line, start, end) in enumerate(
                zip(self._lines, self._starts, ends, strict=True)
            ):
                if type(line) is not bytes:  # changed, or its text not held
                    edit = edits.get(i)
                    line = patched(edit, items, end) if edit is not None else None
                    if line is None:
                        chunk = {k: items[k] for k in range(start, end) if k in items}
                        if not chunk:
                            continue  # every document of the line was removed
                        line = dump_docs(chunk)
                lines.append(line)
                starts.append(start)
            self._lines, self._starts = lines, starts
            self._edits = {}
        return self._lines  # type: ignore[return-value]  # (no None left)

    def documents(self) -> dict[str, dict[str, Any]]:
        """The table as plain JSON documents, ``{"id": {...}}`` (for TinyDB's own API)."""
        lines = self.lines()
        return orjson.loads(b"{" + b",".join(lines) + b"}") if lines else {}


def _chunked(values: Mapping[int, Any]) -> Iterator[tuple[int, bytes]]:
    """(first id, text) of each line for ``values`` (ascending ids), CHUNK_DOCS to a line."""
    items = iter(values.items())
    while chunk := dict(islice(items, CHUNK_DOCS)):
        yield next(iter(chunk)), dump_docs(chunk)


def _first_id(line: Line) -> int:
    """The id of a line's first document: the digits of its leading ``"123":``."""
    if type(line) is LineRef:
        return line.start
    end = line.find(b'"', 1)
    try:
        return int(line[1:end])
    except ValueError:
        raise DataFileError("a line of the data file does not start with a document id") from None


def changed_ids(before: Table, after: Table) -> set[int]:
    """The ids whose values differ between two reads of one table (added, changed or removed).

    A re-read keeps the values of the lines it did not parse again (see :meth:`Table.from_lines`),
    so only the ids of lines whose text changed are compared; any other pair of tables is
    compared value by value (identical values first, then equal ones)."""
    if before is after:
        return set()
    old, new = before._load(), after._load()
    ids: Any = None
    if before._lines is not None and after._lines is not None and None not in after._lines:
        ranges = {
            start: (line, end)
            for line, start, end in zip(before._lines, before._starts, _ends(before), strict=True)
        }
        ends = _ends(after)
        ids, same = set(), set()
        for line, start, end in zip(after._lines, after._starts, ends, strict=True):
            known = ranges.get(start)
            if known is not None and known[0] == line and known[1] == end and line is not None:
                same.add(start)
            else:
                ids.update(range(start, end))
        for start, (_, end) in ranges.items():
            if start not in same:
                ids.update(range(start, end))
        if len(ids) > len(new) // 2:
            ids = None  # most of it: a plain comparison is as quick
    if ids is None:
        ids = old.keys() | new.keys()
    changed: set[int] = set()
    for i in ids:
        a, b = old.get(i), new.get(i)
        if a is not b and a != b:
            changed.add(i)
    return changed


def _ends(table: Table) -> list[int]:
    """For each line of ``table``, the id after its last (the next line's first)."""
    return [*table._starts[1:], table._last + 1] if table._starts else []
