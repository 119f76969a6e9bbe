"""A snapshot of every record in the data file, with the look-ups the rules need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from priorauth.model import (
    Authorization,
    Client,
    Dismissal,
    Payer,
    ProcedureGroup,
    Service,
)
from priorauth.store.codec import record_builder
from priorauth.store.tables import Table

T = TypeVar("T")
KEEPER = "per_client_keeper"  # data.derived[KEEPER]: what keeps per-client values between reads


class Keeper(Protocol):
    """Keeps values worked out per client from one snapshot for the next, recomputing only the
    clients a change touched (:class:`priorauth.services.live.LiveView`)."""

    def per_client(
        self, data: Data, key: Any, compute: Callable[[int], T], ids: Iterable[int]
    ) -> dict[int, T]: ...


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
    def from_tables(cls, tables: Mapping[str, Table]) -> Data:
        """Build from the storage's tables (records are built when first asked for)."""

        def load(record_cls: Any) -> Any:
            table = tables.get(record_cls.TABLE)
            return table if table is not None else Table(record_builder(record_cls))

        settings = tables.get("settings")
        return cls(
            payers=load(Payer),
            groups=load(ProcedureGroup),
            clients=load(Client),
            authorizations=load(Authorization),
            services=load(Service),
            settings=dict((settings.get(1) if settings is not None else None) or {}),
            dismissals=load(Dismissal),
        )

    def changed(self, name: str, table: Table) -> Data:
        """A new snapshot with table ``name`` replaced by ``table``.

        Other tables are shared with this snapshot; look-ups and derived values start afresh.
        Used by a transaction so that it need not rebuild every record after each change.
        """
        values = {attr: getattr(self, attr) for attr in _FIELDS}
        if name == "settings":
            values["settings"] = dict(table.get(1) or {})
        elif name in _ATTRIBUTE:
            values[_ATTRIBUTE[name]] = table
        return Data(**values)

    def per_client(self, key: Any, compute: Callable[[int], T], ids: Iterable[int]) -> dict[int, T]:
        """``compute(client id)`` for each of ``ids``, in that order: a value that depends only on
        that client's own records (the client, its authorizations, their services) and on
        whatever ``key`` names (the day, the settings). A snapshot kept live between reads (see
        :class:`Keeper`) computes only the clients changed since the values were last worked out;
        any other computes them all."""
        keeper = self.derived.get(KEEPER)
        if keeper is not None:
            return keeper.per_client(self, key, compute, ids)
        return {i: compute(i) for i in ids}

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
    def auths_by_number(self) -> dict[tuple[int, str], list[Authorization]]:
        """(payer, number case-folded) -> the authorizations with that number, by id. A number
        is one payer's: the same number may appear once per payer."""
        index: dict[tuple[int, str], list[Authorization]] = defaultdict(list)
        for auth in self.authorizations.values():
            if number := auth.auth_number.strip():
                index[(auth.payer, number.casefold())].append(auth)
        for auths in index.values():
            if len(auths) > 1:
                auths.sort(key=lambda a: a.id)
        return index

    @cached_property
    def services_by_client(self) -> dict[int, list[Service]]:
        """Each client's services in date order (then id)."""
        index: dict[int, list[Service]] = defaultdict(list)
        for service in self.services.values():
            index[service.client].append(service)
        by_date = attrgetter("date", "id")
        for services in index.values():
            services.sort(key=by_date)
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


_ATTRIBUTE: dict[str, str] = {
    Payer.TABLE: "payers",
    ProcedureGroup.TABLE: "groups",
    Client.TABLE: "clients",
    Authorization.TABLE: "authorizations",
    Service.TABLE: "services",
    Dismissal.TABLE: "dismissals",
}
_FIELDS = ("payers", "groups", "clients", "authorizations", "services", "settings", "dismissals")
