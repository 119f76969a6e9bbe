"""The data file: a TinyDB database on :class:`LockedJSONStorage`, with revisions and an audit.

Reading: :meth:`Store.snapshot` gives an immutable-by-convention :class:`~priorauth.data.Data` of
every record, rebuilt only when the file changed. Writing: :meth:`Store.transaction` gives a
:class:`~priorauth.store.transaction.Transaction` that inserts, updates (revision-checked) and
deletes records and writes one audit row per change; everything in one transaction is committed
atomically or not at all.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from priorauth.data import Data
from priorauth.model import (
    AuditEntry,
    Authorization,
    Client,
    Dismissal,
    Payer,
    ProcedureGroup,
    Service,
)
from priorauth.store.codec import record_builder
from priorauth.store.derived import CONTENT_KEY
from priorauth.store.identity import current_user
from priorauth.store.storage import LockedJSONStorage
from priorauth.store.transaction import AUDIT_TABLE, Transaction

_RECORD_TABLES = (Payer, ProcedureGroup, Client, Authorization, Service, Dismissal)


class Store:
    """One authtrack data file, shared by every process that opens it."""

    def __init__(
        self, path: str | os.PathLike[str], user: str | None = None, lock_timeout: float = 15.0
    ) -> None:
        self.path = Path(path).expanduser()
        self.user = user or current_user()
        # A TinyDB database: scripts may query it with TinyDB's own API (read-only; changes go
        # through transactions, which keep revisions and the audit).
        builders = {cls.TABLE: record_builder(cls) for cls in _RECORD_TABLES}
        self.db = TinyDB(
            self.path, storage=LockedJSONStorage, lock_timeout=lock_timeout, builders=builders
        )
        self.storage: LockedJSONStorage = self.db.storage  # type: ignore[assignment]
        self._snapshot: Data | None = None
        self._snapshot_read: int | None = None  # the storage's read it was built from
        self.retention: Any = None  # how many backups to keep (priorauth.store.backups.Retention)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, user={self.user!r})"

    # --- reading -------------------------------------------------------------------------------

    def snapshot(self, check_later: bool = False) -> Data:
        """Every record as it is in the file now (re-read only when the file changed).

        Threads asking at once wait for one read rather than each parsing the file.
        ``check_later``: a first read may leave its checksums to :meth:`check_lines` (an app's
        first paint from the derived cache, see ``LockedJSONStorage.tables``); its snapshot
        names the content its meta record claims, for looking the cache up.
        """
        with self.storage.thread_lock:
            tables = self.storage.tables(check_later=check_later)
            if self._snapshot is None or self._snapshot_read != self.storage.reads:
                self._snapshot = Data.from_tables(tables)
                self._snapshot.derived[CONTENT_KEY] = self.storage.claimed_key
                self._snapshot_read = self.storage.reads
            return self._snapshot

    def check_lines(self) -> bool:
        """Check the lines of a read that left its checksums for later (``snapshot``'s
        ``check_later``); False when they do not hold: the snapshot is not of the file's
        content, and the next one is read and checked whole (see
        ``LockedJSONStorage.check_lines``)."""
        with self.storage.thread_lock:
            held = self.storage.check_lines()
            if not held:
                self._snapshot = None
            return held

    def forget_snapshot(self) -> None:
        """Build the next snapshot anew (with nothing worked out yet), even from the same read."""
        with self.storage.thread_lock:
            self._snapshot = None

    def changed_on_disk(self) -> bool:
        """Cheap check (one stat) whether another process has committed since our last read."""
        return self.storage.changed_on_disk()

    def shed_text(self) -> None:
        """An open app's memory: keep only a checksum of each parsed line of the file, not its
        text (see ``LockedJSONStorage.shed_text``; 80 MB at agency scale)."""
        self.storage.shed_text()

    def recheck_due(self) -> bool:
        """Whether the file held was read line by line for long enough that it is time to read
        and check it whole (see :mod:`priorauth.store.lineindex`): an open app does so while
        nobody saves, so that the check never delays showing a change."""
        return self.storage.recheck_due()

    def recheck(self) -> None:
        """Read and check the whole file now (the next snapshot shows any change by hand)."""
        with self.storage.thread_lock:
            self.storage.refresh(whole=True)

    def audit(self) -> list[AuditEntry]:
        table = self.storage.tables().get(AUDIT_TABLE)
        return [AuditEntry(**doc) for doc in table.values()] if table is not None else []

    # --- writing -------------------------------------------------------------------------------

    def cached_snapshot(self) -> Data | None:
        """The last snapshot, if it is still what the storage holds (no re-read)."""
        if self._snapshot is not None and self._snapshot_read == self.storage.reads:
            return self._snapshot
        return None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, reload, apply, commit atomically. Raises leave the file as it was."""
        tx: Transaction | None = None
        with self.storage.transaction():
            tx = Transaction(self)
            yield tx
            tx.finish()
        # the transaction's snapshot is exactly what was committed: no need to read it back
        if tx._data is not None:
            self._snapshot, self._snapshot_read = tx._data, self.storage.reads
            tx._data.derived[CONTENT_KEY] = self.storage.content_key

    def initialize(self) -> None:
        """Write an empty data file (with its schema version) if there is none yet."""
        with self.storage.transaction():
            if not self.path.exists():
                self.storage.mark_changed()

    def backup(self, reason: str = "backup") -> Path | None:
        """Copy the data file to a verified, timestamped backup beside it (None when there is no
        file yet); see :mod:`priorauth.store.backups`."""
        from priorauth.store.backups import make_backup

        return make_backup(self, reason, self.retention)
