"""The state of an import being planned: which payers and clients rows refer to, new or existing.

A :class:`Merger` starts from the data file's snapshot and collects
:class:`priorauth.services.bulk.Changes`:
new payers and clients get temporary negative ids; existing clients are copied the first time a
row changes them, and only copies that really differ are kept as changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

from priorauth import coverage, integrity
from priorauth.data import Data
from priorauth.model import Authorization, Client, Payer, field_values
from priorauth.services.bulk import Changes
from priorauth.store.codec import to_doc
from sync.planning.record_maker import record_maker

PRIORITY_ORDER = coverage.PRIORITY_ORDER


def name_key(first: str, last: str) -> tuple[str, str]:
    return (" ".join(last.split()).casefold(), " ".join(first.split()).casefold())


class Item:
    """One record the import would create, change or leave alone, described for people.

    The description may be given as a function, or as a tuple of a function and its arguments
    (cheaper to make than a ``functools.partial``: one for every row of a 20,000-row plan),
    called when first read: such a plan need not word every row unless someone reads it.
    """

    __slots__ = ("_description", "changes", "row", "sheet")

    def __init__(
        self,
        sheet: str,
        row: int,
        description: str | Callable[[], str] | tuple[Any, ...],
        changes: list[str] | None = None,
    ) -> None:
        self.sheet = sheet
        self.row = row
        self._description = description
        self.changes = changes or []

    @property
    def description(self) -> str:
        words = self._description
        if type(words) is tuple:
            self._description = words = words[0](*words[1:])
        elif not isinstance(words, str):
            self._description = words = words()
        return words

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row else ""
        if self.changes:
            return f"{where}{self.description}: {'; '.join(self.changes)}"
        return f"{where}{self.description}"

    def __repr__(self) -> str:
        return f"Item({self.sheet!r}, {self.row}, {self.description!r})"


class Merger:
    """Payers and clients as the rows being imported see them (see the module docstring)."""

    def __init__(self, data: Data, today: dt.date) -> None:
        self.data = data
        self.today = today
        self.changes = Changes()
        self.warnings: list[str] = []
        self._ids = {
            kind: count(-1, -1) for kind in ("payers", "groups", "clients", "auths", "services")
        }
        self._payers: dict[str, Payer] = {p.name.casefold(): p for p in data.payers.values()}
        self._new_payer_ids: tuple[list[Payer] | None, int, dict[int, Payer]] = (None, 0, {})
        self._by_client_id: dict[str, Client] = {
            c.client_id.casefold(): c for c in data.clients.values() if c.client_id
        }
        self._names: dict[tuple[str, str], list[Client]] | None = None  # see _by_name
        self._new_names: list[tuple[str, str, Client]] = []  # new clients before _names
        self._people: dict[tuple[tuple[str, str], dt.date], list[Client]] | None = None
        self._copies: dict[int, Client] = {}  # existing id -> the copy rows edit
        self.new_clients: list[Client] = []
        self._new_by_id: dict[int, Client] = {}
        self.client_rows: dict[int, tuple[str, int]] = {}  # client id -> (sheet, first row)
        self.deactivated: list[Authorization] = []  # existing ones a log row replaces as active
        # authtrack's own export: rows repeating a number with another start date or codes are
        # an older file's authorizations sharing it (kept, with a warning), not a row twice
        self.tell_apart_numbers = False

    @property
    def _by_name(self) -> dict[tuple[str, str], list[Client]]:
        """(last, first) folded -> clients of that name, existing then new (built when a row
        first needs it: logs with client ids never do)."""
        if self._names is None:
            names: dict[tuple[str, str], list[Client]] = defaultdict(list)
            for client in self.data.clients.values():
                names[name_key(client.first_name, client.last_name)].append(client)
            for first, last, client in self._new_names:  # (as named when made)
                names[name_key(first, last)].append(client)
            self._names = names
        return self._names

    def has_services(self) -> bool:
        return bool(self.data.services) or bool(self.changes.services)

    def new_id(self, kind: str) -> int:
        return next(self._ids[kind])

    def id_maker(self, kind: str) -> Callable[[], int]:
        """A function giving the next temporary id of ``kind``, as :meth:`new_id` does (for
        tens of thousands of rows: one call instead of a method call and a look-up)."""
        return self._ids[kind].__next__

    # --- payers --------------------------------------------------------------------------------

    def payer(self, name: str) -> Payer:
        """The payer with this name (ignoring case), created when new."""
        key = " ".join(name.split()).casefold()
        payer = self._payers.get(key)
        if payer is None:
            payer = Payer(name=" ".join(name.split()), id=self.new_id("payers"))
            self._payers[key] = payer
            self.changes.payers.append(payer)
        return payer

    def replace_payer(self, payer: Payer) -> None:
        """Use an edited copy of an existing payer from now on."""
        self._payers[payer.name.casefold()] = payer

    def payer_by_id(self, payer_id: int) -> Payer | None:
        if payer_id > 0:
            return self.data.payers.get(payer_id)
        payers = self.changes.payers  # (asked for every new client: an index, kept in step)
        listed, count, by_id = self._new_payer_ids
        if listed is not payers or count != len(payers):
            by_id = {}
            for p in payers:
                by_id.setdefault(p.id, p)
            self._new_payer_ids = (payers, len(payers), by_id)
        return by_id.get(payer_id)

    # --- clients -------------------------------------------------------------------------------

    def find_client(
        self, client_id: str, first: str, last: str, dob: dt.date | None
    ) -> Client | None:
        """The client a row names (by client id, else by name and date of birth); None when new.

        Returns the editable copy for existing clients already edited.
        """
        found: Client | None = None
        if client_id:
            found = self._by_client_id.get(client_id.casefold())
        elif first or last:
            candidates = self._by_name.get(name_key(first, last), [])
            if dob is not None:
                same = [c for c in candidates if c.dob == dob]
                if not same:
                    same = [c for c in candidates if c.dob is None]
                candidates = same
            if len(candidates) == 1:
                found = candidates[0]
            elif len(candidates) > 1:
                found = candidates[0]
                if dob is None:
                    self.warnings.append(
                        f'{len(candidates)} clients are named "{candidates[0].name}" and the log '
                        "gives no date of birth; rows for that name were matched to the first "
                        f"({candidates[0].client_id or 'no id'})."
                    )
        if found is not None and found.id > 0:
            return self._copies.get(found.id, found)
        return found

    def new_client(
        self,
        client_id: str,
        first: str,
        last: str,
        dob: dt.date | None,
        where: tuple[str, int],
    ) -> Client:
        client = _new_client(self.new_id("clients"), client_id, first, last, dob, [], 0)
        if client_id:
            self._by_client_id[client_id.casefold()] = client
        if self._names is not None:
            self._names[name_key(first, last)].append(client)
        else:
            self._new_names.append((first, last, client))
        self.new_clients.append(client)
        self._new_by_id[client.id] = client
        self.client_rows[client.id] = where
        self._warn_same_person(client, where)
        return client

    def _warn_same_person(self, client: Client, where: tuple[str, int]) -> None:
        """A new client with the name and date of birth of one already on file (a row with
        another client id, most often): most likely one person entered twice; say who."""
        if client.dob is None:
            return
        if self._people is None:  # (existing clients by name and birth date, built once)
            self._people = defaultdict(list)
            for c in self.data.clients.values():
                if c.dob is not None:
                    self._people[(name_key(c.first_name, c.last_name), c.dob)].append(c)
        if not self._people:
            return  # (no client on file has a date of birth: a first import's thousands)
        same = self._people.get((name_key(client.first_name, client.last_name), client.dob))
        if not same:
            return
        who = "; ".join(integrity.describe_client(self.data, c) for c in same)
        sheet, row = where
        ids = " or ".join(c.client_id for c in same if c.client_id) or "the existing client's id"
        self.warnings.append(
            f'Sheet "{sheet}", row {row}: new client {client.name} (born {client.dob:%m/%d/%Y}) '
            f"has the same name and date of birth as {who}; if they are one person, give the "
            f"row the client id {ids} and import again."
        )

    def editable(self, client: Client) -> Client:
        """The copy of an existing client that rows may change (new clients are their own)."""
        if client.id < 0:
            return client
        copy = self._copies.get(client.id)
        if copy is None:
            copy = dataclasses.replace(client, insurances=coverage.copied(client))
            self._copies[client.id] = copy
        return copy

    def current(self, client: Client) -> Client:
        """The version of ``client`` rows now see (its editable copy once one was made)."""
        if client.id > 0:
            return self._copies.get(client.id, client)
        return client

    def client(self, client_id: int) -> Client | None:
        if client_id < 0:
            return self._new_by_id.get(client_id)
        return self._copies.get(client_id) or self.data.clients.get(client_id)

    # --- the end ---------------------------------------------------------------------------------

    def finish_clients(self) -> tuple[list[Client], list[tuple[Client, Client]]]:
        """New clients (ids generated where missing) and (before, after) of changed ones."""
        ids = _client_ids(self.data, self.new_clients)
        for client in self.new_clients:
            if not client.client_id:
                client.client_id = next(ids)
        changed = []
        for client_id, copy in self._copies.items():
            before = self.data.clients[client_id]
            if to_doc(copy) != to_doc(before):
                changed.append((before, copy))
        self.changes.clients = [*self.new_clients, *(after for _, after in changed)]
        return self.new_clients, changed


# a client as Client(id=..., client_id=..., first_name=..., last_name=..., dob=...,
# insurances=...) makes it, its other fields at their defaults, without __init__'s keyword
# handling (a first import makes thousands); the arguments in that order (insurances a list of
# its own), then 0 (tests/unit/test_import_merge.py compares the two)
_new_client = record_maker(
    Client,
    ("id", "client_id", "first_name", "last_name", "dob", "insurances"),
    field_values(Client()),
)


def _client_ids(data: Data, new: list[Client]) -> Iterator[str]:
    """Client ids "C0001"-style past the highest generated one (as the tracker makes them)."""
    taken = {c.client_id.casefold() for c in data.clients.values() if c.client_id}
    taken |= {c.client_id.casefold() for c in new if c.client_id}
    highest = max(
        (int(cid[1:]) for cid in taken if cid[:1] == "c" and cid[1:].isdigit()), default=0
    )
    n = highest
    while True:
        n += 1
        candidate = f"C{n:04d}"
        if candidate.casefold() not in taken:
            yield candidate
