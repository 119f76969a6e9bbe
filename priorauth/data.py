"""A snapshot of every record in the data file, with the look-ups the rules need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from priorauth.model import (
    Authorization,
    Client,
    Dismissal,
    Payer,
    ProcedureGroup,
    Record,
    Service,
    record_builder,
)

R = TypeVar("R", bound=Record)


class LazyRecords(Mapping[int, R]):
    """A table's records, built from their documents the first time anything asks for them.

    Opening a large data file need not build the 200,000 services of an agency when the task at
    hand (an import, the audit) does not look at them. The documents are copied shallowly at
    creation, so the records are those of this moment even if the file's in-memory copy changes.
    """

    __slots__ = ("_cls", "_docs", "_records")

    def __init__(self, cls: type[R], docs: dict[str, dict[str, Any]], copy: bool = True) -> None:
        self._cls = cls
        self._docs: dict[str, dict[str, Any]] | None = dict(docs) if copy else docs
        self._records: dict[int, R] | None = None

    @property
    def documents(self) -> dict[str, dict[str, Any]] | None:
        """The stored documents while the records are not built yet (else None)."""
        return self._docs

    def _load(self) -> dict[int, R]:
        records = self._records
        if records is None:
            build = record_builder(self._cls)
            docs = self._docs or {}
            records = {(i := int(k)): build(i, doc) for k, doc in docs.items()}
            self._records, self._docs = records, None
        return records

    def __getitem__(self, key: int) -> R:
        return self._load()[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._records if self._records is not None else self._docs or ())

    def __contains__(self, key: object) -> bool:
        return key in self._load()

    def __repr__(self) -> str:
        return f"LazyRecords({self._cls.__name__}, {len(self)} records)"


@dataclass(eq=False)
class Data:
    """All records at one moment. Treat as read-only: the store builds a new one after changes.

    ``derived`` is a per-snapshot cache for values computed by :mod:`priorauth.rules`.
    """

    payers: Mapping[int, Payer] = field(default_factory=dict)
    groups: Mapping[int, ProcedureGroup] = field(default_factory=dict)
    clients: Mapping[int, Client] = field(default_factory=dict)
    authorizations: Mapping[int, Authorization] = field(default_factory=dict)
    services: Mapping[int, Service] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    dismissals: Mapping[int, Dismissal] = field(default_factory=dict)  # every user's, see notify
    derived: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(cls, raw: dict[str, dict[str, Any]]) -> Data:
        """Build from TinyDB's on-disk layout: ``{table: {doc_id: document}}``."""

        def load(record_cls: Any) -> Any:
            return LazyRecords(record_cls, raw.get(record_cls.TABLE) or {})

        settings = dict((raw.get("settings") or {}).get("1") or {})
        return cls(
            payers=load(Payer),
            groups=load(ProcedureGroup),
            clients=load(Client),
            authorizations=load(Authorization),
            services=load(Service),
            settings=settings,
            dismissals=load(Dismissal),
        )

    def changed(self, table: str, docs: dict[int, dict[str, Any] | None]) -> Data:
        """A new snapshot with the records of ``table`` replaced by ``docs`` (None = removed).

        Other tables are shared with this snapshot; look-ups and derived values start afresh.
        Used by a transaction so that it need not rebuild every record after each change.
        """
        values = {name: getattr(self, name) for name in _FIELDS}
        if table == "settings":
            values["settings"] = dict(docs.get(1) or {})
        elif table in _ATTRIBUTE:
            attr, record_cls = _ATTRIBUTE[table]
            current = values[attr]
            pending = current.documents if isinstance(current, LazyRecords) else None
            if pending is not None:
                documents = dict(pending)  # not built yet: stay lazy
                for record_id, doc in docs.items():
                    if doc is None:
                        documents.pop(str(record_id), None)
                    else:
                        documents[str(record_id)] = doc
                values[attr] = LazyRecords(record_cls, documents, copy=False)
            else:
                records = dict(current)
                for record_id, doc in docs.items():
                    if doc is None:
                        records.pop(record_id, None)
                    else:
                        records[record_id] = record_cls.from_doc(record_id, doc)
                values[attr] = records
        return Data(**values)

    # --- look-ups ------------------------------------------------------------------------------

    @cached_property
    def _payers_by_name(self) -> dict[str, Payer]:
        return {p.name.casefold(): p for p in self.payers.values()}

    def payer_named(self, name: str) -> Payer | None:
        """The payer with this name, ignoring case and surrounding spaces."""
        return self._payers_by_name.get(name.strip().casefold())

    @cached_property
    def _clients_by_client_id(self) -> dict[str, Client]:
        return {c.client_id.casefold(): c for c in self.clients.values() if c.client_id}

    def client_with_id(self, client_id: str) -> Client | None:
        """The client with the practice's own id ``client_id`` (ignoring case)."""
        return self._clients_by_client_id.get(client_id.strip().casefold())

    @cached_property
    def auths_by_client(self) -> dict[int, list[Authorization]]:
        index: dict[int, list[Authorization]] = defaultdict(list)
        for auth in self.authorizations.values():
            index[auth.client].append(auth)
        return index

    @cached_property
    def services_by_client(self) -> dict[int, list[Service]]:
        index: dict[int, list[Service]] = defaultdict(list)
        for service in sorted(self.services.values(), key=lambda s: (s.date, s.id)):
            index[service.client].append(service)
        return index

    def authorizations_for(
        self, client_id: int, payer_id: int | None = None
    ) -> list[Authorization]:
        auths = self.auths_by_client.get(client_id, [])
        if payer_id is not None:
            auths = [a for a in auths if a.payer == payer_id]
        return auths

    def payer_name(self, payer_id: int) -> str:
        payer = self.payers.get(payer_id)
        return payer.name if payer else f"(unknown payer #{payer_id})"


_ATTRIBUTE: dict[str, tuple[str, Any]] = {
    Payer.TABLE: ("payers", Payer),
    ProcedureGroup.TABLE: ("groups", ProcedureGroup),
    Client.TABLE: ("clients", Client),
    Authorization.TABLE: ("authorizations", Authorization),
    Service.TABLE: ("services", Service),
    Dismissal.TABLE: ("dismissals", Dismissal),
}
_FIELDS = ("payers", "groups", "clients", "authorizations", "services", "settings", "dismissals")
