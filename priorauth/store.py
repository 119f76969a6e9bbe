"""The data file: a TinyDB database on :class:`LockedJSONStorage`, with revisions and an audit.

Reading: :meth:`Store.snapshot` gives an immutable-by-convention :class:`~priorauth.data.Data` of
every record, rebuilt only when the file changed. Writing: :meth:`Store.transaction` gives a
:class:`Transaction` that inserts, updates (revision-checked) and deletes records and writes one
audit row per change; everything in one transaction is committed atomically or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document

from priorauth.data import Data
from priorauth.errors import ConflictError, NotFoundError
from priorauth.identity import current_user
from priorauth.model import AuditEntry, Record
from priorauth.storage import FILE_MODE, LockedJSONStorage, Stamp

AUDIT_TABLE = "audit"
_BOOKKEEPING = ("rev", "updated_by", "updated_at")

R = TypeVar("R", bound=Record)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def local_time(iso: str) -> str:
    """A stored UTC timestamp as the local time people read ("2026-11-23 14:05")."""
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso or "an unknown time"


def describe(record: Record) -> str:
    """A short human name for a record, for messages and the audit."""
    for attr in ("name", "auth_number"):
        value = getattr(record, attr, "")
        if isinstance(value, str) and value:
            kind = type(record).__name__.lower()
            return f"{kind} {value}"
    return f"{type(record).__name__.lower()} #{record.id}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


class Store:
    """One authtrack data file, shared by every process that opens it."""

    def __init__(
        self, path: str | os.PathLike[str], user: str | None = None, lock_timeout: float = 15.0
    ) -> None:
        self.path = Path(path).expanduser()
        self.user = user or current_user()
        self.db = TinyDB(self.path, storage=LockedJSONStorage, lock_timeout=lock_timeout)
        self.storage: LockedJSONStorage = self.db.storage  # type: ignore[assignment]
        self._snapshot: Data | None = None
        self._snapshot_stamp: Stamp | None = None

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, user={self.user!r})"

    # --- reading -------------------------------------------------------------------------------

    def snapshot(self) -> Data:
        """Every record as it is in the file now (re-read only when the file changed)."""
        self.storage.refresh()
        if self._snapshot is None or self._snapshot_stamp != self.storage.stamp:
            raw = self.storage.read() or {}
            self._snapshot = Data.from_raw(raw)
            self._snapshot_stamp = self.storage.stamp
        return self._snapshot

    def changed_on_disk(self) -> bool:
        """Cheap check (one stat) whether another process has committed since our last read."""
        return self.storage.changed_on_disk()

    def audit(self) -> list[AuditEntry]:
        raw = (self.storage.read() or {}).get(AUDIT_TABLE, {})
        rows = [AuditEntry(**doc) for _, doc in sorted(raw.items(), key=lambda kv: int(kv[0]))]
        return rows

    # --- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, reload, apply, commit atomically. Raises leave the file as it was."""
        with self.storage.transaction():
            tx = Transaction(self)
            yield tx
            tx.finish()

    def initialize(self) -> None:
        """Write an empty data file (with its schema version) if there is none yet."""
        with self.storage.transaction() as raw:
            if not self.path.exists():
                self.storage.write(raw)

    def backup(self, reason: str = "backup") -> Path | None:
        """Copy the data file to a timestamped backup beside it (None when there is no file yet)."""
        if not self.path.exists():
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        folder = self.path.parent / "backups"
        folder.mkdir(exist_ok=True, mode=0o770)
        target = folder / f"{self.path.stem}.{stamp}.{reason}{self.path.suffix}"
        with self.storage.transaction():  # consistent copy: nobody commits while we copy
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as out, open(self.path, "rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
        return target


class Transaction:
    """Changes applied inside one lock; see :meth:`Store.transaction`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.user = store.user
        self.now = utc_now()
        self._raw: dict[str, Any] = store.storage.read() or {}
        self._next_ids: dict[str, int] = {}
        self._audit: list[dict[str, Any]] = []
        self._data: Data | None = None

    @property
    def data(self) -> Data:
        """The records as they are inside this transaction (rebuilt after each change)."""
        if self._data is None:
            self._data = Data.from_raw(self._raw)
        return self._data

    def _table(self, name: str):
        return self.store.db.table(name, cache_size=0)

    def _next_id(self, table: str) -> int:
        nxt = self._next_ids.get(table)
        if nxt is None:
            nxt = max((int(k) for k in self._raw.get(table, {})), default=0) + 1
        self._next_ids[table] = nxt + 1
        return nxt

    def get(self, cls: type[R], record_id: int) -> R:
        doc = self._raw.get(cls.TABLE, {}).get(str(record_id))
        if doc is None:
            raise NotFoundError(f"That {cls.__name__.lower()} (#{record_id}) no longer exists.")
        return cls.from_doc(record_id, doc)

    def insert(self, record: R, summary: str = "") -> R:
        """Store a new record; returns it with its id and first revision."""
        self.insert_many([record], summary=summary)
        return record

    def insert_many(self, records: list[R], summary: str = "") -> list[R]:
        if not records:
            return records
        docs: list[Document] = []
        for record in records:
            record.id = self._next_id(record.TABLE)
            record.rev, record.updated_by, record.updated_at = 1, self.user, self.now
            doc = record.to_doc()
            docs.append(Document(doc, doc_id=record.id))
            self._log("create", record, summary or f"created {describe(record)}", _diff({}, doc))
        by_table: dict[str, list[Document]] = {}
        for record, doc in zip(records, docs, strict=True):
            by_table.setdefault(record.TABLE, []).append(doc)
        for table, table_docs in by_table.items():
            self._table(table).insert_multiple(table_docs)
        self._changed()
        return records

    def update(self, record: R, summary: str = "") -> R:
        """Save an edited record. Refused when someone saved it since ``record.rev`` was read."""
        current = self._current(record)
        if current.get("rev") != record.rev:
            raise ConflictError(
                f"{_upper_first(describe(record))} was changed by {current.get('updated_by')} at "
                f"{local_time(current.get('updated_at', ''))} after you opened it; reload to see "
                "their change, then make yours again.",
                changed_by=current.get("updated_by", ""),
                changed_at=current.get("updated_at", ""),
            )
        record.rev, record.updated_by, record.updated_at = record.rev + 1, self.user, self.now
        doc = record.to_doc()
        changes = _diff(current, doc)
        if not changes:
            record.rev, record.updated_by, record.updated_at = (
                current["rev"],
                current.get("updated_by", ""),
                current.get("updated_at", ""),
            )
            return record  # nothing changed: no new revision, no audit row
        self._table(record.TABLE).update(doc, doc_ids=[record.id])
        self._log("update", record, summary or f"changed {describe(record)}", changes)
        self._changed()
        return record

    def delete(self, record: Record, summary: str = "") -> None:
        current = self._current(record)
        if current.get("rev") != record.rev:
            raise ConflictError(
                f"{_upper_first(describe(record))} was changed by {current.get('updated_by')} at "
                f"{local_time(current.get('updated_at', ''))}; reload before deleting it.",
                changed_by=current.get("updated_by", ""),
                changed_at=current.get("updated_at", ""),
            )
        self._table(record.TABLE).remove(doc_ids=[record.id])
        self._log("delete", record, summary or f"deleted {describe(record)}", _diff(current, {}))
        self._changed()

    def _current(self, record: Record) -> dict[str, Any]:
        if not record.id:
            raise NotFoundError(f"{_upper_first(describe(record))} has not been saved yet.")
        current = self._raw.get(record.TABLE, {}).get(str(record.id))
        if current is None:
            deleted_by = self._deleted_by(record)
            raise NotFoundError(
                f"{_upper_first(describe(record))} was deleted{deleted_by} after you opened it."
            )
        return current

    def _deleted_by(self, record: Record) -> str:
        for doc in reversed(list(self._raw.get(AUDIT_TABLE, {}).values())):
            if (
                doc.get("table") == record.TABLE
                and doc.get("record_id") == record.id
                and doc.get("action") == "delete"
            ):
                return f" by {doc.get('user')} at {local_time(doc.get('at', ''))}"
        return ""

    def _log(self, action: str, record: Record, summary: str, changes: dict[str, Any]) -> None:
        self._audit.append(
            {
                "at": self.now,
                "user": self.user,
                "action": action,
                "table": record.TABLE,
                "record_id": record.id,
                "summary": summary,
                "changes": changes,
            }
        )

    def _changed(self) -> None:
        self._raw = self.store.storage.read() or {}
        self._data = None

    def finish(self) -> None:
        if self._audit:
            start = self._next_id(AUDIT_TABLE)
            docs = [Document(doc, doc_id=start + i) for i, doc in enumerate(self._audit)]
            self._table(AUDIT_TABLE).insert_multiple(docs)
            self._audit = []


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for key in before.keys() | after.keys():
        if key in _BOOKKEEPING:
            continue
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [old, new]
    return changes
