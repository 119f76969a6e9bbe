"""A live view of the data file: the latest snapshot, and what was worked out from the last one.

An open app re-reads the file whenever anybody saves. Worked out afresh, every read costs the
whole practice's usage, notifications and rows (an agency's 20,000 authorizations and 200,000
services: more than a second of CPU in every open app, on every save). A :class:`LiveView` keeps
what it worked out between reads and, given the next snapshot (:meth:`LiveView.apply`):

1. finds which records changed (:func:`priorauth.store.tables.changed_ids`: a re-read parses only
   the lines that changed, so only their records are compared);
2. carries the services' assignment to authorizations over, assigning again only the services
   the changes can move (:func:`priorauth.carryover.carry_over`);
3. forgets the per-client values (:meth:`priorauth.data.Data.per_client`: notifications, the
   screens' rows) of the clients those changes touch; the rest are the next snapshot's as they
   are.

A change to the payers, procedure groups or practice settings (which every value may read), a
new day, or a snapshot that does not follow from the last one starts afresh. What is worked out
is the same as a fresh computation's, to the value (tests/unit/test_live.py checks it against
random changes saved by another store).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from priorauth import carryover, rules
from priorauth.data import KEEPER, Data
from priorauth.store.tables import Table, changed_ids

T = TypeVar("T")
_MISSING: Any = object()

# Tables every per-client value may read: a change to one starts afresh.
_EVERYTHING = ("payers", "groups")


@dataclass(frozen=True)
class Changes:
    """What one :meth:`LiveView.apply` found: the ids that changed, by table, and the clients
    whose values were worked out again (None: everything was)."""

    ids: dict[str, set[int]] = field(default_factory=dict)
    clients: set[int] | None = None

    @property
    def everything(self) -> bool:
        return self.clients is None


class LiveView:
    """See the module docstring. Thread-safe: one lock guards the view."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._data: Data | None = None
        self._today: dt.date | None = None
        self._values: dict[Any, dict[int, Any]] = {}
        self.last = Changes()  # what the last apply found (for tests and benchmarks)

    @property
    def data(self) -> Data | None:
        return self._data

    def apply(self, data: Data, today: dt.date) -> Changes:
        """``data`` is now the snapshot: carry over what still holds (see the module docstring)."""
        with self._lock:
            before = self._data
            if data is before and today == self._today:
                return Changes(clients=set())
            changes = self._changes(before, data) if today == self._today else None
            if changes is None or changes.clients is None:
                self._values.clear()
                changes = changes or Changes()
            else:
                for values in self._values.values():
                    for client in changes.clients:
                        values.pop(client, None)
            self._data, self._today = data, today
            data.derived[KEEPER] = self
            self.last = changes
            return changes

    def _changes(self, before: Data | None, after: Data) -> Changes | None:
        if before is None or after is before:
            return None
        ids: dict[str, set[int]] = {}
        for name in (*_EVERYTHING, "clients", "authorizations", "services", "dismissals"):
            old, new = getattr(before, name), getattr(after, name)
            if not isinstance(old, Table) or not isinstance(new, Table):
                return None
            found = changed_ids(old, new)
            if found:
                ids[name] = found
        if before.settings != after.settings or any(name in ids for name in _EVERYTHING):
            return Changes(ids)
        auths, services = ids.get("authorizations", set()), ids.get("services", set())
        clients = set(ids.get("clients", ()))
        if auths or services:
            moved = carryover.carry_over(before, after, auths, services)
            if moved is None:
                return Changes(ids)  # nothing worked out to carry over
            clients |= moved
        else:  # the same records: the same look-ups
            for key in (rules.ASSIGNED, rules.CANDIDATES):
                if key in before.derived:
                    after.derived[key] = before.derived[key]
            for key in ("services_by_client", "auths_by_client"):
                if key in before.__dict__:
                    after.__dict__[key] = before.__dict__[key]
        return Changes(ids, clients)

    # --- the keeper of per-client values (priorauth.data.Keeper) --------------------------------

    def seed(self, data: Data, key: Any, values: dict[int, Any]) -> None:
        """Keep ``values`` (by client) as worked out for ``key`` from ``data``, the snapshot
        applied last: values a process worked out before this one, for exactly this content and
        day (:mod:`priorauth.services.launch`)."""
        with self._lock:
            if data is self._data:
                self._values[key] = dict(values)

    def per_client(
        self, data: Data, key: Any, compute: Callable[[int], T], ids: Iterable[int]
    ) -> dict[int, T]:
        with self._lock:
            if data is not self._data:  # an older snapshot: worked out, not kept
                return {i: compute(i) for i in ids}
            values = self._values.get(key)
            if values is None:
                values = self._values[key] = {}
            found: dict[int, T] = {}
            for i in ids:
                value = values.get(i, _MISSING)
                if value is _MISSING:
                    value = values[i] = compute(i)
                found[i] = value
            return found
