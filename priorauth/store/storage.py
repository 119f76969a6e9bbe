"""A TinyDB storage that several processes can share safely.

TinyDB's stock ``JSONStorage`` keeps a handle open and rewrites the file in place, so two processes
can interleave and a killed process can leave half a file (msiemens/tinydb#72). This storage:

- reads the file fresh, and re-parses it only when its identity (inode, size, mtime) changed, a
  read for display only the lines that changed (:mod:`priorauth.store.lineindex`);
- writes only inside :meth:`LockedJSONStorage.transaction`, which holds the exclusive lock,
  reloads the data if another process changed it, and commits by atomically replacing the data
  file (:mod:`priorauth.store.writing`: the lock, the atomic replace, the file's mode and group);
- writes the file in its own layout, one table at a time, about a thousand documents to a line,
  with a checksum of the tables in its meta record (:mod:`priorauth.store.layout`), so that a
  read parses nothing until asked (see :mod:`priorauth.store.tables`) and a commit rewrites only
  the lines that changed; the file stays plain TinyDB JSON, and a file in any other layout (or
  whose checksum fails) is parsed whole instead;
- never writes over a file it could not parse;
- names the content it holds for a cache derived from it (:attr:`LockedJSONStorage.content_key`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from priorauth.errors import DataFileError
from priorauth.store import layout, lineindex, migrate, safefile
from priorauth.store.layout import LAYOUT, META_TABLE, SCHEMA_VERSION, Tables, check_version
from priorauth.store.lineindex import RECHECK_SECONDS
from priorauth.store.outside import mark_outside_edits
from priorauth.store.schema import parse_whole
from priorauth.store.tables import Build, Table
from priorauth.store.writing import (
    LOCK_TIMEOUT_SECONDS,
    Stamp,
    WriteLock,
    atomic_write,
    file_stamp,
    stamp_of,
)

LEAN_PARSE_BYTES = 24 * 2**20  # (bench labels) a file in another layout is parsed by json, whole
READ_BUFFER = 2**20


class LockedJSONStorage(Storage):
    """TinyDB storage: locked, atomic, change-aware. See the module docstring.

    ``builders`` maps a table's name to the function that builds its records from documents;
    other tables hold their documents as they are.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
        builders: Mapping[str, Build] | None = None,
    ):
        self.path = Path(path)
        self.builders: dict[str, Build] = dict(builders or {})
        self._write_lock = WriteLock(self.path, lock_timeout)
        self._thread_lock = threading.RLock()
        self._tables: Tables | None = None
        self._last_read: Tables | None = None  # after a failed transaction: the tables it read
        self._stamp: Stamp | None = None
        self._in_transaction = False
        self._dirty = False
        self._index: Any = None  # the meta record's line index of the tables last read
        self._checked_at: float | None = None  # when the whole file was last checked (monotonic)
        self._whole = False  # the tables held come from a whole, checked read (or our write)
        self._keyed = False  # the meta record held describes the tables held (see content_key)
        self._shed = False  # some table held keeps its lines' checksums only (shed_text)
        self._unchecked = False  # the tables held were read without their check (check_lines)
        # (open apps started together must not all check the whole file at the same moment)
        self._recheck_after = RECHECK_SECONDS * random.uniform(1.0, 1.5)
        self.reads = 0  # tables read or committed by this object (a new number: new tables)
        self._read_tables: Tables = {}  # a transaction's tables as read (their lines indexed)
        self.commits = 0  # writes committed by this storage object (for tests and benchmarks)

    # --- TinyDB's Storage interface (for scripts; authtrack itself uses tables()) -------------

    def read(self) -> dict[str, Any] | None:
        """Every table as plain documents, ``{table: {"id": document}}``."""
        return {name: table.documents() for name, table in self.tables().items()}

    def write(self, data: dict[str, Any]) -> None:
        if not self._in_transaction:
            raise RuntimeError("authtrack writes only inside LockedJSONStorage.transaction()")
        self._tables = {
            name: Table.from_docs(self.builders.get(name), docs) for name, docs in data.items()
        }
        self._dirty = True

    def close(self) -> None:
        pass

    # --- reading -------------------------------------------------------------------------------

    def tables(self, check_later: bool = False) -> Tables:
        """The file's tables as last read (re-read first if it changed, outside a transaction).

        Inside a transaction this is the transaction's working set: replace a table with
        :meth:`put_table`, never change one that came from here in place.

        ``check_later``: a first read (an app's, for its first paint from the derived cache)
        may leave its lines' checksums to :meth:`check_lines`; until then the tables have no
        :attr:`content_key` (only a :attr:`claimed_key`) and are never written back.
        """
        with self._thread_lock:
            if not self._in_transaction:
                self._refresh(check_later=check_later)
            assert self._tables is not None
            return self._tables

    def new_table(self, name: str) -> Table:
        """An empty table of this name (with its record builder)."""
        return Table(self.builders.get(name))

    def put_table(self, name: str, table: Table) -> None:
        """Inside a transaction: ``name`` is now ``table``; written when the transaction ends."""
        if not self._in_transaction:
            raise RuntimeError("authtrack writes only inside LockedJSONStorage.transaction()")
        assert self._tables is not None
        self._tables[name] = table
        self._dirty = True

    def meta(self, key: str) -> Any:
        """A value of the file's meta record (as last read, or set in this transaction)."""
        table = self.tables().get(META_TABLE)
        doc = table.get(1) if table is not None else None
        return doc.get(key) if isinstance(doc, dict) else None

    def set_meta(self, key: str, value: Any) -> None:
        """Inside a transaction: keep ``value`` in the meta record from this commit on."""
        if not self._in_transaction:
            raise RuntimeError("authtrack writes only inside LockedJSONStorage.transaction()")
        assert self._tables is not None
        old = self._tables.get(META_TABLE)
        doc = dict((old.get(1) if old is not None else None) or {})
        doc[key] = value
        self._tables[META_TABLE] = Table.from_docs(None, {"1": doc})
        self._dirty = True

    def mark_changed(self) -> None:
        """Inside a transaction: write the file when it ends even if no table was replaced."""
        if not self._in_transaction:
            raise RuntimeError("authtrack writes only inside LockedJSONStorage.transaction()")
        self._dirty = True

    @property
    def content_key(self) -> str | None:
        """A name for exactly the content last read or written (for a cache derived from it):
        a digest of the meta record, which holds the CRC-32 of every line and of the whole
        file, checked when they were read, and the file's stamp then. None when the tables did
        not come from a file of this layout whose checksums held (there is no such name), or
        their checksums are not checked yet (see :meth:`check_lines`)."""
        with self._thread_lock:
            return None if self._unchecked else self.claimed_key

    @property
    def claimed_key(self) -> str | None:
        """:attr:`content_key` as the file's meta record and stamp name it, before the lines
        are checked against it (:meth:`check_lines`): what a first paint may look a derived
        cache up by, never what one is written for."""
        with self._thread_lock:
            if self._in_transaction or not self._keyed or self._stamp is None or not self._tables:
                return None
            meta = self._tables.get(META_TABLE)
            doc = meta.get(1) if meta is not None else None
            if not isinstance(doc, dict):
                return None
            digest = hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()
            return digest + "-" + "-".join(map(str, self._stamp))

    @property
    def checked_stamp(self) -> Stamp | None:
        """The stamp of the file the tables held were read from whole, in this layout, its
        checksums checked (or that this object wrote); None when they were not (another layout,
        a failed checksum, a read of changed lines or with its check left for later)."""
        with self._thread_lock:
            if not (self._keyed and self._whole) or self._unchecked or self._tables is None:
                return None
            return self._stamp

    @property
    def stamp(self) -> Stamp | None:
        """Identity of the content last read or written by this object."""
        return self._stamp

    def changed_on_disk(self) -> bool:
        """True when the file on disk is not what this object last read or wrote."""
        return file_stamp(self.path) != self._stamp or self._tables is None

    @property
    def thread_lock(self) -> threading.RLock:
        """Held while this object reads or writes (threads of one process take turns)."""
        return self._thread_lock

    def refresh(self, whole: bool = False) -> bool:
        """Load the file if it changed since the last read; return True when it was (re)loaded.
        ``whole``: read and check the whole file even when it did not change, if the tables
        held came from a read of changed lines only."""
        with self._thread_lock:
            return self._refresh(whole)

    def shed_text(self) -> None:
        """Let go of the text of every parsed table's lines, keeping each line's checksum
        (:meth:`Table.shed_text`): what a display read compares the next read with. A
        transaction reads the file's text again first."""
        with self._thread_lock:
            if self._in_transaction or not self._tables:
                return
            for name, table in self._tables.items():
                if name != META_TABLE and table.parsed:
                    table.shed_text()
                    self._shed = True
            self._read_tables, self._last_read = {}, None

    @property
    def unchecked(self) -> bool:
        """Whether the tables held were read without their checksums checked (check_lines)."""
        return self._unchecked

    def check_lines(self) -> bool:
        """Check the tables read with ``check_later`` (:meth:`tables`) line by line against the
        meta record's index (:func:`priorauth.store.layout.lines_match`); True when they hold
        (they are then as a checked read's). When they do not (a line changed by hand, the
        file's size and time kept), they are let go: the next read reads and checks the whole
        file, and parses it whole when it fails (False)."""
        with self._thread_lock:
            if not self._unchecked or self._tables is None:
                return True
            self._unchecked = False
            if layout.lines_match(self._tables):
                self._whole, self._checked_at = True, time.monotonic()
                return True
            self._tables, self._stamp, self._keyed, self._index = None, None, False, None
            return False

    def recheck_due(self) -> bool:
        """Whether the tables held came from reads of changed lines only, the last whole read
        being long enough ago (see :mod:`priorauth.store.lineindex`)."""
        last = self._checked_at
        return not self._whole and (last is None or time.monotonic() - last > self._recheck_after)

    def _refresh(self, whole: bool = False, check_later: bool = False) -> bool:
        """Re-read the file if it changed. A read for display reads only the lines that changed
        (:mod:`priorauth.store.lineindex`); ``whole`` (a transaction's read, an open app's
        recheck) reads and checks the whole file; ``check_later``: a first read leaves its
        check to :meth:`check_lines` (see :meth:`tables`)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            if self._stamp is None and self._tables is not None:
                return False
            self._tables, self._stamp, self._keyed = {}, None, False
            self.reads += 1
            return True
        except PermissionError as e:
            raise DataFileError(
                f"{self.path}: permission denied reading the data file; "
                "ask whoever set up authtrack to add you to the file's group."
            ) from e
        try:
            st = os.fstat(fd)
            stamp = stamp_of(st)
            if (
                stamp == self._stamp
                and self._tables is not None
                and (self._whole or not whole)
                and not (whole and self._shed)  # (a transaction writes the text it read)
                and not (whole and self._unchecked)
            ):
                return False
            later = check_later and not whole and self._tables is None
            tables = None
            now = time.monotonic()
            if not whole and self._tables and self._checked_at is not None:
                tables = self._read_changed(fd, st.st_size)
            elif later:
                tables = self._read_indexed(fd, st.st_size)
                later = tables is not None  # (else read and checked as usual)
            read_whole = tables is None or later
            keyed = True
            # (a large buffer: the file's lines are ~300 KB each; read 8 KB at a time they cost
            # twice the CPU: 105 -> 50 ms at agency scale)
            with os.fdopen(fd, "rb", closefd=False, buffering=READ_BUFFER) as f:
                if tables is None:
                    f.seek(0)
                    tables = layout.read_lines(f, self.path, self.builders, self._tables or {})
                if tables is None:  # another layout, or a failed checksum: parse it whole
                    keyed = False
                    f.seek(0)
                    tables = self._read_whole(f.read())
                    before = self._tables or self._last_read
                    if before:
                        mark_outside_edits(before, tables, self.builders, st.st_mtime)
        finally:
            os.close(fd)
        # an older version's file: its records brought up to this one (saved as such next time)
        self._tables = migrate.upgraded(tables, META_TABLE, SCHEMA_VERSION, self.builders)
        unchecked = later and keyed
        self._stamp, self._whole, self._keyed = stamp, read_whole and not unchecked, keyed
        self._shed = self._shed and not read_whole
        self._unchecked = unchecked
        self.reads += 1
        if read_whole and not unchecked:
            self._checked_at = now
        meta = self._tables.get(META_TABLE)
        self._index = (meta.get(1) or {}).get("index") if meta is not None else None
        return True

    def _read_changed(self, fd: int, size: int) -> Tables | None:
        """The tables, reading only the lines changed since the last read (None: read it
        whole). See :mod:`priorauth.store.lineindex`."""

        def make(name: str, lines: list[bytes], before: Table | None, info: Any) -> Table:
            return layout.table_of(self.builders.get(name), lines, info, before)

        found = lineindex.read_changed(
            fd, size, self._checked_meta, self._tables or {}, self._index, make
        )
        if found is None:
            return None
        meta, tables = found
        return {META_TABLE: Table.from_docs(None, {"1": meta}), **tables}

    def _read_indexed(self, fd: int, size: int) -> Tables | None:
        """A first read whose check is left for later (:meth:`tables`): every line read at the
        offset the meta record's index gives, into a text of its own (74 -> 47 ms at agency
        scale: no copy of every line); None when the file cannot be read so (it is then read
        as usual), or is of an older version (its records are brought up to this one, which
        the later check of its lines could not follow)."""

        def make(name: str, lines: list[bytes], before: Table | None, info: Any) -> Table:
            return layout.table_of(self.builders.get(name), lines, info, None)

        def current(meta: Any) -> bool:
            return self._checked_meta(meta) and meta.get("schema_version") == SCHEMA_VERSION

        found = lineindex.read_changed(fd, size, current, {}, {}, make, check=False)
        if found is None:
            return None
        meta, tables = found
        return {META_TABLE: Table.from_docs(None, {"1": meta}), **tables}

    def _checked_meta(self, meta: Any) -> bool:
        """Whether ``meta`` is a meta record of this layout (refused when it is too new)."""
        if not isinstance(meta, dict) or meta.get("layout") != LAYOUT:
            return False
        check_version(self.path, meta)
        return True

    def _read_whole(self, raw: bytes) -> Tables:
        """A file not in this storage's layout, or whose checksum fails (changed by another
        program): parsed whole and every document checked (:func:`schema.parse_whole`)."""
        data = parse_whole(self.path, raw, lambda meta: check_version(self.path, meta))
        return {name: Table.from_docs(self.builders.get(name), docs) for name, docs in data.items()}

    # --- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tables]:
        """Hold the lock, work on the freshest data, commit atomically when the block succeeds.

        Yields the working set of tables (see :meth:`tables`). Nested use joins the outer
        transaction. If the block raises, nothing is written and the in-memory copy is dropped so
        the next read comes from disk.
        """
        with self._thread_lock:
            if self._in_transaction:
                assert self._tables is not None
                yield self._tables
                return
            with self._write_lock.held():
                self._refresh(whole=True)
                assert self._tables is not None
                read = self._read_tables = self._tables
                self._tables = dict(read)  # the working set; snapshots keep the old one
                self._in_transaction = True
                self._dirty = False
                try:
                    yield self._tables
                    if self._dirty:
                        self._commit()
                except BaseException:
                    self._tables, self._stamp = None, None  # forget uncommitted changes
                    self._keyed = False
                    self._last_read = read  # (what records this process may still hold were)
                    raise
                finally:
                    self._in_transaction = False
                    self._dirty = False

    @contextlib.contextmanager
    def locked_unread(self) -> Iterator[None]:
        """Hold the data file's lock without reading the file (a transaction reads it first and
        refuses one it cannot read): for setting aside a file that cannot be read, which only a
        restore does (:func:`priorauth.store.backups.restore`). Never inside a transaction; the
        next read comes from disk."""
        with self._thread_lock:
            assert not self._in_transaction, "locked_unread inside a transaction"
            with self._write_lock.held():
                try:
                    yield
                finally:
                    self._tables, self._stamp = None, None
                    self._keyed = False

    @contextlib.contextmanager
    def locked_if_free(self) -> Iterator[bool]:
        """Hold the data file's lock if nobody holds it (True), without waiting (False): for
        writing a file derived from the data (:mod:`priorauth.store.derived`), which a writer's
        temporary-file sweep may then clean up after. Never inside a transaction."""
        with self._thread_lock:
            if self._in_transaction:
                yield False
                return
            with self._write_lock.held_if_free() as held:
                yield held

    def _commit(self) -> None:
        assert self._tables is not None
        # (only the lock holder writes temporary files: any there now were left by a writer
        # killed mid-write; a folder or link planted at such a name is left alone)
        safefile.sweep_temp_files(self.path)
        known = lineindex.known_lines(self._read_tables, self._index)
        self._stamp = atomic_write(self.path, layout.serialise(self._tables, known))
        self._keyed = True  # (the meta record was made from the tables written)
        self._checked_at, self._whole = time.monotonic(), True  # (it holds what was written)
        self.reads += 1
        meta = self._tables.get(META_TABLE)
        self._index = (meta.get(1) or {}).get("index") if meta is not None else None
        self.commits += 1
