"""A transaction on the data file: records inserted, updated (revision-checked) and deleted in
one lock, and the audit row each change writes (:meth:`priorauth.store.datafile.Store.transaction`
opens one); with the audit's words for a record and its timestamps.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from priorauth.data import Data
from priorauth.errors import ConflictError, NotFoundError
from priorauth.model import Record
from priorauth.store import auditchain
from priorauth.store.auditchain import head_for_append
from priorauth.store.codec import from_doc, record_copier, to_doc
from priorauth.store.layout import META_TABLE
from priorauth.store.tables import Table

if TYPE_CHECKING:
    from priorauth.store.datafile import Store

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


class Transaction:
    """Changes applied inside one lock; see :meth:`Store.transaction`.

    Each change goes into the transaction's own copy of its table (see
    :class:`~priorauth.store.tables.Table`), made at the table's first change; the file is written
    once when the transaction ends. Record tables hold records: copies of those passed to
    :meth:`insert` and :meth:`update`, shared with every snapshot made later, so never change a
    record that came from a snapshot or :meth:`get` in place (change a copy, as
    ``dataclasses.replace`` makes). :attr:`data` follows every change without rebuilding.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.user = store.user
        self.now = utc_now()
        self._storage = store.storage
        self._tables = store.storage.tables()  # the transaction's working set
        self._owned: set[str] = set()
        self._next_ids: dict[str, int] = {}
        self._audit: list[dict[str, Any]] = []
        self._data: Data | None = store.cached_snapshot()
        self.changed = False

    @property
    def data(self) -> Data:
        """The records as they are inside this transaction, changes included."""
        if self._data is None:
            self._data = Data.from_tables(self._tables)
        return self._data

    def _table(self, name: str) -> Table:
        table = self._tables.get(name)
        return table if table is not None else self._storage.new_table(name)

    def _next_id(self, table: str) -> int:
        nxt = self._next_ids.get(table)
        if nxt is None:
            nxt = self._table(table).last_id + 1
        self._next_ids[table] = nxt + 1
        return nxt

    def _put(self, name: str, values: dict[int, Any], *, new: bool = False) -> None:
        """Store (or, for None, remove) values by id, and keep :attr:`data` in step. ``new``:
        the values are new records under ids given now, ascending (:meth:`Table.append`)."""
        if name in self._owned:
            table = self._tables[name]
        else:
            table = self._table(name).copy()
            self._storage.put_table(name, table)
            self._owned.add(name)
        if new:
            table.append(values)
        else:
            table.change(values)
        self._storage.mark_changed()
        self.changed = True
        if self._data is not None and name != AUDIT_TABLE:
            self._data = self._data.changed(name, table)

    def _stored(self, record: Record) -> Any:
        """What a table keeps for ``record``: a copy of it (the caller's object stays the
        caller's), or its document (tables without a record builder, such as the settings)."""
        if record.TABLE in self._storage.builders:
            return record_copier(type(record))(record)
        return to_doc(record)

    def get(self, cls: type[R], record_id: int) -> R:
        """The stored record (read it; change a copy)."""
        value = self._table(cls.TABLE).get(record_id)
        if value is None:
            raise NotFoundError(f"That {cls.__name__.lower()} (#{record_id}) no longer exists.")
        return from_doc(cls, record_id, value) if isinstance(value, dict) else value

    def insert(self, record: R, summary: str = "") -> R:
        """Store a new record; returns it with its id and first revision."""
        self.insert_many([record], summary=summary)
        return record

    def insert_many(
        self, records: list[R], summary: str = "", *, hand_over: bool = False
    ) -> list[R]:
        """Store new records. One record gets an audit row with its values; a bulk insert gets
        one row per table listing the ids it made (an import's values are in its backup).

        Each table's records get consecutive ids in the order given.

        ``hand_over``: the records were made for the store and the caller will not change them
        again, so they are stored as they are rather than copied (an import's thousands)."""
        by_table: dict[str, list[R]] = {}
        if len(set(map(type, records))) == 1:  # (one table: an import's thousands, not sorted)
            by_table[records[0].TABLE] = records
        else:
            for record in records:
                group = by_table.get(record.TABLE)
                if group is None:
                    group = by_table[record.TABLE] = []
                group.append(record)
        user, now = self.user, self.now
        for table, group in by_table.items():
            first = self._next_id(table)
            self._next_ids[table] = first + len(group)
            for record_id, record in enumerate(group, first):  # (one pass over each record)
                record.id = record_id
                record.rev = 1
                record.updated_by = user
                record.updated_at = now
            new = dict(zip(range(first, first + len(group)), group, strict=True))
            if hand_over and table in self._storage.builders:
                self._put(table, new, new=True)
            else:
                stored = {record_id: self._stored(r) for record_id, r in new.items()}
                self._put(table, stored, new=True)
            if len(new) == 1:
                ((record_id, record),) = new.items()
                text = summary or f"created {describe(record)}"
                self._log("create", table, record_id, text, _created(to_doc(record)))
            else:
                ids = list(new)
                text = f"{summary or 'created'}: {len(ids)} {table.replace('_', ' ')}"
                self._log("create", table, ids[0], text, {}, record_ids=ids)
        return records

    def update(self, record: R, summary: str = "") -> R:
        """Save an edited record. Refused when someone saved it since ``record.rev`` was read."""
        changes = self._revised(record, self._current(record))
        if changes:
            self._put(record.TABLE, {record.id: self._stored(record)})
            self._log("update", record.TABLE, record.id, summary or self._changed(record), changes)
        return record

    def update_many(self, records: list[R], summary: str = "") -> list[R]:
        """Save edited records as :meth:`update` saves each (the same revisions, refusals and
        audit rows), each table changed once for all of them rather than once a record (an
        import's thousands: every change of a table also brings :attr:`data` up to date)."""
        saved: dict[str, dict[int, Any]] = {}  # table -> id -> what it keeps, not yet put
        try:
            for record in records:
                pending = saved.setdefault(record.TABLE, {})
                current = pending.get(record.id)  # (a record given twice: its first save)
                if current is None:
                    current = self._current(record)
                changes = self._revised(record, current)
                if changes:
                    pending[record.id] = self._stored(record)
                    text = summary or self._changed(record)
                    self._log("update", record.TABLE, record.id, text, changes)
        finally:  # (a refusal leaves the records before it saved, as one update at a time does)
            for table, values in saved.items():
                if values:
                    self._put(table, values)
        return records

    def _revised(self, record: Record, current: Any) -> dict[str, list[Any]]:
        """What ``record`` changes against ``current`` (what the table holds), its revision and
        stamp moved on when anything does; raises as :meth:`update` says."""
        if current is record:
            raise RuntimeError(
                f"{describe(record)} was changed in place: change a copy "
                "(dataclasses.replace) so that the store can tell what changed"
            )
        before = _as_doc(current)
        if before.get("rev") != record.rev:
            raise ConflictError(
                f"{_upper_first(describe(record))} was changed by {before.get('updated_by')} at "
                f"{local_time(before.get('updated_at', ''))} after you opened it; reload to see "
                "their change, then make yours again.",
                changed_by=before.get("updated_by", ""),
                changed_at=before.get("updated_at", ""),
            )
        doc = to_doc(record)
        doc.update(rev=record.rev + 1, updated_by=self.user, updated_at=self.now)
        changes = _diff(before, doc)
        if changes:  # (nothing changed: no new revision, no audit row)
            record.rev, record.updated_by, record.updated_at = record.rev + 1, self.user, self.now
        return changes

    @staticmethod
    def _changed(record: Record) -> str:
        return f"changed {describe(record)}"

    def delete(self, record: Record, summary: str = "") -> None:
        before = _as_doc(self._current(record))
        if before.get("rev") != record.rev:
            raise ConflictError(
                f"{_upper_first(describe(record))} was changed by {before.get('updated_by')} at "
                f"{local_time(before.get('updated_at', ''))}; reload before deleting it.",
                changed_by=before.get("updated_by", ""),
                changed_at=before.get("updated_at", ""),
            )
        self._put(record.TABLE, {record.id: None})
        text = summary or f"deleted {describe(record)}"
        self._log("delete", record.TABLE, record.id, text, _diff(before, {}))

    def _current(self, record: Record) -> Any:
        if not record.id:
            raise NotFoundError(f"{_upper_first(describe(record))} has not been saved yet.")
        current = self._table(record.TABLE).get(record.id)
        if current is None:
            deleted_by = self._deleted_by(record)
            raise NotFoundError(
                f"{_upper_first(describe(record))} was deleted{deleted_by} after you opened it."
            )
        return current

    def _deleted_by(self, record: Record) -> str:
        for doc in reversed(list(self._table(AUDIT_TABLE).values())):
            if (
                doc.get("table") == record.TABLE
                and doc.get("record_id") == record.id
                and doc.get("action") == "delete"
            ):
                return f" by {doc.get('user')} at {local_time(doc.get('at', ''))}"
        return ""

    def _log(
        self,
        action: str,
        table: str,
        record_id: int,
        summary: str,
        changes: dict[str, Any],
        record_ids: list[int] | None = None,
    ) -> None:
        entry: dict[str, Any] = {
            "at": self.now,
            "user": self.user,
            "action": action,
            "table": table,
            "record_id": record_id,
            "summary": summary,
            "changes": changes,
        }
        if record_ids:
            entry["record_ids"] = record_ids
        self._audit.append(entry)

    def replace_tables(self, tables: dict[str, Table], summary: str) -> None:
        """Every table but the audit becomes the one in ``tables`` (empty when missing there): a
        restore. The audit keeps its history and gains one row saying so."""
        keep = (AUDIT_TABLE, META_TABLE)
        for name in list(self._tables):
            if name not in keep and name not in tables:
                self._storage.put_table(name, self._storage.new_table(name))
        for name, table in tables.items():
            if name not in keep:
                self._storage.put_table(name, table)
        self._owned -= set(tables) | set(self._tables)  # copy again before any further change
        self._next_ids.clear()
        self._data = None
        self._log("restore", "backups", 0, summary, {})
        self.changed = True

    def finish(self) -> None:
        """Append this transaction's audit rows (called once, just before the commit)."""
        if self._audit:
            before = head_for_append(
                self._tables.get(AUDIT_TABLE), self._storage.meta(auditchain.META_KEY)
            )
            head = auditchain.chain(self._audit, before)  # each row names the chain before it
            rows = {self._next_id(AUDIT_TABLE): entry for entry in self._audit}
            self._put(AUDIT_TABLE, rows)  # appended to the stored text: the audit is not parsed
            self._storage.set_meta(auditchain.META_KEY, [max(rows), head])
            self._audit = []


def _as_doc(value: Any) -> dict[str, Any]:
    return to_doc(value) if isinstance(value, Record) else value


def _created(doc: dict[str, Any]) -> dict[str, list[Any]]:
    """The audit's record of a new record: its values, leaving out blank ones (the audit grows
    with every service recorded; the record itself keeps every field)."""
    return {
        key: [None, value]
        for key, value in doc.items()
        if key not in _BOOKKEEPING and value is not None and value != "" and value != []
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for key in before.keys() | after.keys():
        if key in _BOOKKEEPING:
            continue
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [old, new]
    return changes
