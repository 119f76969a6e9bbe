"""Which client, payer and already-recorded service an appointment row is.

- **Client:** by the practice's client id; else by name and date of birth: same last name and
  date of birth, and first names that agree ("Sofia" and "Sofia M." are one person; a list may
  write "Rivera, Sofia" on one row and "Sofia Rivera" on the next). Without a date of birth the
  name must be unique.
- **Payer:** the row's payer column when there is one; else the client's insurance whose
  authorization covers the date and code (primary first), else the primary insurance.
- **Service:** by appointment id; else client + date + time + code; else a service typed in by
  hand (no time, no appointment id) for the same client, date and code, which the list adopts.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import unicodedata
from collections import defaultdict
from typing import NamedTuple

from priorauth import coverage, rules
from priorauth.data import Data
from priorauth.model import MANUAL_SOURCE, Authorization, Client, ClientInsurance, Service
from sync.recognising.appointments import Appointment

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm(name: str) -> str:
    """A name for comparing: no accents, case, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", name.casefold())
    return _NON_ALNUM.sub("", "".join(ch for ch in text if not unicodedata.combining(ch)))


def _first_agrees(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return not a or not b or a.startswith(b) or b.startswith(a)


_CLIENT_KEY = operator.attrgetter("client_id", "first", "last", "dob")  # (what finds a client)


class _NameIndexes(NamedTuple):
    by_last_dob: dict[tuple[str, dt.date | None], list[Client]]  # (last name, birthday)
    by_name: dict[tuple[str, str], list[Client]]  # (last name, first name)
    by_dob: dict[dt.date, list[Client]]


class ClientFinder:
    def __init__(self, data: Data) -> None:
        self.data = data
        self._cache: dict[tuple[str, str, str, dt.date | None], Client | str] = {}

    @functools.cached_property
    def _names(self) -> _NameIndexes:
        """The clients by name (made when a row is first looked up by name: a list giving
        every client's id needs none of it)."""
        names = _NameIndexes(defaultdict(list), defaultdict(list), defaultdict(list))
        for client in self.data.clients.values():
            last = norm(client.last_name)
            names.by_last_dob[(last, client.dob)].append(client)
            names.by_name[(last, norm(client.first_name))].append(client)
            if client.dob is not None:
                names.by_dob[client.dob].append(client)
        return names

    def find(self, a: Appointment) -> Client | str:
        """The client, or a sentence saying why none (or several) fit."""
        key = _CLIENT_KEY(a)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._find(a)
        return found

    def of_rows(self, rows: list[Appointment]) -> list[Client | str]:
        """:meth:`find` for each of ``rows``: a list names each client on many rows, so each
        distinct client (id, names, date of birth) is found once, and the rows are given theirs
        a column at a time."""
        keys = list(map(_CLIENT_KEY, rows))
        cache = self._cache
        for key, a in dict(zip(keys, rows, strict=True)).items():
            if key not in cache:
                cache[key] = self._find(a)
        return list(map(cache.__getitem__, keys))

    def _find(self, a: Appointment) -> Client | str:
        who = f"{a.last}, {a.first}" if a.first else a.last
        if a.client_id:
            client = self.data.client_with_id(a.client_id)
            if client is not None:
                return client
            if not a.last:
                return (
                    f"no client has the id {a.client_id}; add the client in authtrack (or "
                    "import the authorization log) first."
                )
        last = norm(a.last)
        names = self._names
        if a.dob is not None:
            fits = [
                c
                for c in names.by_last_dob.get((last, a.dob), [])
                if _first_agrees(c.first_name, a.first)
            ]
            if not fits:  # a changed or hyphenated last name: the same first name and birthday
                fits = [
                    c
                    for c in names.by_dob.get(a.dob, [])
                    if norm(c.first_name) == norm(a.first)
                    and (last in norm(c.last_name) or norm(c.last_name) in last)
                ]
            if len(fits) == 1:
                return fits[0]
            if fits:
                return (
                    f"{len(fits)} clients are named {who} and born {a.dob:%m/%d/%Y}; give the "
                    "client id."
                )
            return (
                f"no client {who} born {a.dob:%m/%d/%Y}; add the client in authtrack (or import "
                "the authorization log) first, or check the name and date of birth."
            )
        fits = names.by_name.get((last, norm(a.first)), [])
        if len(fits) == 1:
            return fits[0]
        if fits:
            return f"{len(fits)} clients are named {who}; add a date of birth or client id column."
        return f"no client named {who}; add the client in authtrack first, or check the name."


class PayerChooser:
    """:func:`choose_payer` for many rows: a client's rows for one code mostly fall within one
    authorization of its first insurance, so the last one found is tried first."""

    def __init__(self, data: Data) -> None:
        self.data = data
        # (client, code) -> the dates and the authorization last found covering it
        self._last: dict[tuple[int, str], tuple[dt.date, dt.date, Authorization]] = {}
        # a client's coverages in priority order, sorted once (rows ask on every date), and
        # whether they are all open-ended (in force on every day: no need to look at the day)
        self._ordered: dict[int, tuple[Client, list[ClientInsurance], bool]] = {}

    def _coverages(self, client: Client, day: dt.date) -> list[ClientInsurance]:
        """:func:`_coverages`, from the client's coverages sorted once."""
        known = self._ordered.get(client.id)
        if known is None or known[0] is not client:
            ordered = coverage.all_coverages(client)
            always = all(c.start_date is None and c.end_date is None for c in ordered)
            known = self._ordered[client.id] = (client, ordered, always)
        ordered = known[1]
        if known[2]:
            return ordered
        in_force = coverage.in_force
        return [c for c in ordered if in_force(c, day)] or ordered

    def __call__(self, client: Client, a: Appointment, current: Service | None) -> int | str:
        if a.payer:
            return choose_payer(self.data, client, a, current)
        insurances = self._coverages(client, a.date)
        if current is not None or len(insurances) < 2:
            return choose_payer(self.data, client, a, current, insurances)
        key = (client.id, a.code)
        last = self._last.get(key)
        # (it covered this code before, so it covers the row when its dates hold the day)
        if last is not None and last[0] <= a.date <= last[1]:
            return last[2].payer  # (it is the first insurance's: see below)
        payer = choose_payer(self.data, client, a, current, insurances)
        first = insurances[0]
        if payer == first.payer_id:
            found = rules.covering_authorization(
                self.data, client.id, payer, a.date, a.code or None
            )
            if found is not None:
                assert found.start_date is not None  # (a covering one has its start)
                self._last[key] = (found.start_date, found.end_date or dt.date.max, found)
        return payer


def _coverages(client: Client, day: dt.date) -> list[ClientInsurance]:
    """The client's coverages in force on the day of service, primary first; a client whose
    coverages all ended (or start later) is billed as the coverages on file say, primary first."""
    return coverage.coverages_in_force(client, day) or coverage.coverages_in_force(client, None)


def choose_payer(
    data: Data,
    client: Client,
    a: Appointment,
    current: Service | None,
    insurances: list[ClientInsurance] | None = None,
) -> int | str:
    """The payer id for the row, or a sentence saying why there is none. ``insurances``: the
    client's :func:`_coverages` on the row's day, when already known."""
    if a.payer:
        payer = data.payer_named(a.payer)
        if payer is None:
            return f'no payer is named "{a.payer}"; add it on the payers screen or fix the name.'
        return payer.id
    if insurances is None:
        insurances = _coverages(client, a.date)
    if current is not None and any(i.payer_id == current.payer for i in insurances):
        return current.payer  # as recorded before (perhaps by hand, to the secondary)
    if not insurances:
        return (
            f"{client.name} has no insurance on file; add it on the client screen, or give a "
            "payer column."
        )
    if len(insurances) == 1:
        return insurances[0].payer_id
    for ins in insurances:
        if rules.covering_authorization(data, client.id, ins.payer_id, a.date, a.code or None):
            return ins.payer_id
    return insurances[0].payer_id


Key = tuple[int, dt.date, str, str]


class ServiceIndex:
    """The services already recorded, found by appointment id or by client, date, time, code;
    each claimed by at most one row of the list."""

    def __init__(self, data: Data, first: dt.date, last: dt.date) -> None:
        """(Only services dated ``first`` .. ``last``, the list's dates, can match by date.)"""
        self.by_appointment: dict[str, Service] = {}
        self.by_key: dict[Key, list[Service]] = defaultdict(list)
        by_key = self.by_key
        for service in data.services.values():
            if service.appointment_id:
                self.by_appointment[service.appointment_id] = service
            if first <= service.date <= last:
                key = (service.client, service.date, service.time, service.procedure_code)
                by_key[key].append(service)
        self.claimed: dict[int, int] = {}  # service id -> the row that claimed it

    def find(self, client: int, a: Appointment) -> Service | None:
        """The unclaimed service this row is (or, when claimed, the claimed one: a repeat)."""
        if a.appointment_id:
            found = self.by_appointment.get(a.appointment_id)
            if found is not None:
                return found
        for service in self.by_key.get((client, a.date, a.time, a.code), ()):
            if (not a.appointment_id or not service.appointment_id) and (
                service.id not in self.claimed
            ):
                return service
        if a.time:
            for service in self.by_key.get((client, a.date, "", a.code), ()):
                if (
                    service.id not in self.claimed
                    and not service.appointment_id
                    and service.source == MANUAL_SOURCE
                ):
                    return service
        if not a.appointment_id:  # a row repeated in the list: the service it already claimed
            for service in self.by_key.get((client, a.date, a.time, a.code), ()):
                return service
        return None

    def add(self, service: Service) -> None:
        """A service the list creates (so that a repeated row finds it)."""
        if service.appointment_id:
            self.by_appointment[service.appointment_id] = service
        self.by_key[(service.client, service.date, service.time, service.procedure_code)].append(
            service
        )
