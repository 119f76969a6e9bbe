"""Many changes at once (an Excel import): checked against an in-memory view, applied in one
transaction.

New records carry temporary negative ids (``-1``, ``-2``, ... per table) so that they can refer
to each other before the store gives them real ones: a new authorization's ``client`` may be
``-3``, the third new client. :func:`overlay` shows the data as it will be after the changes,
:func:`problems` runs the ordinary validation rules on every new or changed record against that
view (no record is validated against a half-applied file), and :func:`apply` writes everything
with one ``insert_many`` per table inside the caller's transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

from priorauth import coverage, validate, validate_many
from priorauth.data import Data
from priorauth.errors import ValidationError
from priorauth.model import (
    Authorization,
    Client,
    Payer,
    ProcedureGroup,
    Record,
    Service,
)
from priorauth.store.transaction import Transaction

R = TypeVar("R", bound=Record)


@dataclass
class Changes:
    """New records (negative ids) and edited copies of existing ones (their ids and revisions)."""

    payers: list[Payer] = field(default_factory=list)
    groups: list[ProcedureGroup] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    authorizations: list[Authorization] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    # (payer, number folded) an import holds for several authorizations its rows tell apart
    # (an older file's export): not refused as a duplicate, the import warns instead
    shared_numbers: set[tuple[int, str]] = field(default_factory=set)

    def records(self) -> Iterator[Record]:
        yield from self.payers
        yield from self.groups
        yield from self.clients
        yield from self.authorizations
        yield from self.services

    def __bool__(self) -> bool:
        return any(True for _ in self.records())


def overlay(data: Data, changes: Changes) -> Data:
    """``data`` as it will be once ``changes`` are applied (new records under their temporary
    ids). Built from dictionaries, not from the file: cheap even for tens of thousands."""

    def merged(existing: Mapping[int, R], records: list[R]) -> Mapping[int, R]:
        if not records:
            return existing
        out = dict(existing.items())  # (a stored table's items are a dict's: copied at C speed)
        out.update(zip(map(_ID, records), records, strict=True))  # (an import's 20,000: in C)
        return out

    return dataclasses.replace(
        data,
        payers=merged(data.payers, changes.payers),
        groups=merged(data.groups, changes.groups),
        clients=merged(data.clients, changes.clients),
        authorizations=merged(data.authorizations, changes.authorizations),
        services=merged(data.services, changes.services),
        derived={},
    )


def problems(
    data: Data, changes: Changes, today: dt.date, view: Data | None = None
) -> dict[tuple[str, int], list[ValidationError]]:
    """Every validation problem of the changed records, by (table, id), checked against
    :func:`overlay`. Empty when all is well. ``view``: ``overlay(data, changes)``, when the
    caller has made it already (an appointment list's judging has: its 300,000 services)."""
    if view is None:
        view = overlay(data, changes)
    found: dict[tuple[str, int], list[ValidationError]] = {}
    for payer in changes.payers:
        if errors := validate.payer_problems(view, payer):
            found[(payer.TABLE, payer.id)] = errors
    for group in changes.groups:
        if errors := validate.group_problems(view, group):
            found[(group.TABLE, group.id)] = errors
    # (thousands of clients, tens of thousands of authorizations: checked together, each as
    # validate checks it on its own)
    clients = changes.clients
    for i, errors in validate_many.clients_problems(view, clients, today).items():
        found[(clients[i].TABLE, clients[i].id)] = errors
    auths = changes.authorizations
    shared = changes.shared_numbers
    for i, errors in validate_many.authorizations_problems(view, auths, data).items():
        auth = auths[i]
        if shared and (auth.payer, auth.auth_number.strip().casefold()) in shared:
            errors = [e for e in errors if not validate.is_duplicate_number(e)]
        if errors:
            found[(auth.TABLE, auth.id)] = errors
    services = changes.services
    for i, errors in validate_many.services_problems(view, services).items():
        found[(services[i].TABLE, services[i].id)] = errors
    return found


_ID = attrgetter("id")


@dataclass
class Applied:
    """What :func:`apply` wrote: real ids for the temporary ones, and counts."""

    created: dict[str, int] = field(default_factory=dict)  # table -> records created
    updated: dict[str, int] = field(default_factory=dict)  # table -> records changed
    by_table: dict[str, dict[int, int]] = field(default_factory=dict)  # table -> temp id -> id

    @property
    def ids(self) -> dict[tuple[str, int], int]:
        """(table, temp id) -> id (made when asked: an import's 20,000 pairs are not)."""
        return {(t, temp): real for t, ids in self.by_table.items() for temp, real in ids.items()}


def apply(tx: Transaction, changes: Changes, summary: str) -> Applied:
    """Write ``changes`` inside ``tx``: new records with one ``insert_many`` per table (payers
    first, so clients can point at them), edits with revision-checked updates. New records get
    their real ids, and references to temporary ids are replaced by them."""
    applied = Applied()

    # (each pass over an import's 20,000 records costs 1-3 ms, mostly in memory: few are made)
    def store(records: list[R]) -> dict[int, int]:
        if not records:
            return {}
        ids = list(map(_ID, records))
        if max(ids) < 0:  # every record new (an import into an empty file)
            new, old, temp_ids = records, [], ids
        else:
            new = [r for r, i in zip(records, ids, strict=True) if i < 0]
            old = [r for r, i in zip(records, ids, strict=True) if i > 0]
            temp_ids = [i for i in ids if i < 0]
        made: dict[int, int] = {}
        if new:
            tx.insert_many(new, summary=summary, hand_over=True)  # made for the store
            table, first = new[0].TABLE, new[0].id  # (given in order: first, first + 1, ...)
            assert new[-1].id == first + len(new) - 1
            made = dict(zip(temp_ids, range(first, first + len(new)), strict=True))
            applied.by_table[table] = made
            applied.created[table] = len(new)
        if old:
            revs = [record.rev for record in old]
            tx.update_many(old, summary=summary)  # (each saved as tx.update saves it)
            changed = sum(record.rev != rev for record, rev in zip(old, revs, strict=True))
            applied.updated[old[0].TABLE] = changed
        return made

    payer_ids = store(changes.payers)
    store(changes.groups)
    coverage.with_payer_ids(changes.clients, payer_ids)
    client_ids = store(changes.clients)
    written: dict[int, Client] | None = None  # the clients written, by id, once one is asked for
    for auth in changes.authorizations:
        client_id = auth.client
        if client_id < 0:
            auth.client = client_id = client_ids[client_id]
        payer_id = auth.payer
        if payer_id < 0:
            auth.payer = payer_id = payer_ids[payer_id]
        if auth.renewal_of is not None and auth.renewal_of < 0:  # renews a record made here
            auth.renewal_of = None  # (its id is not known before the insert; nothing sets this)
        if not auth.member_id:  # issued under the card in force then (as the tracker does)
            if written is None:
                written = {c.id: c for c in changes.clients}
            client = written.get(client_id) or tx.data.clients.get(client_id)
            if client is not None:
                auth.member_id = coverage.member_id_on(
                    client, payer_id, auth.start_date
                ) or coverage.member_id_on(client, payer_id, None)
    auth_ids = store(changes.authorizations)
    for service in changes.services:
        if service.client < 0:
            service.client = client_ids[service.client]
        if service.payer < 0:
            service.payer = payer_ids[service.payer]
        if service.authorization is not None and service.authorization < 0:
            service.authorization = auth_ids[service.authorization]
    store(changes.services)
    return applied


__all__ = ["Applied", "Changes", "apply", "overlay", "problems"]
