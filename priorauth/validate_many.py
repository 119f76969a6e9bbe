"""Validation of many authorizations (an import's tens of thousands) and clients at once, saying
exactly what :func:`priorauth.validate.authorization_problems` and
:func:`priorauth.validate.client_problems` say of each.

The per-record checks cost a few microseconds each, most of it Python steps on records that
have nothing wrong. Here the records' fields are read into columns, and passes over the columns
that run in C (set inclusions, ``min``, ``map`` of a comparison) prove most records free of
every problem; the per-record function runs on the others only, so its sentences, their order
and its side effects stay its own. A record is left to the per-record function whenever the
proof cannot be made (an odd type, a count below zero, a number seen twice...): being cautious
only costs time. Anything unexpected while proving sends every record the per-record way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, compress, count, repeat
from operator import attrgetter, eq, is_, is_not, itemgetter, lt
from typing import TypeVar

from priorauth import coverage
from priorauth.data import Data
from priorauth.errors import ValidationError
from priorauth.model import Authorization, Client, Service, ServiceLine
from priorauth.validate import (
    _APPROVED,
    _GOOD_CODES,
    _PRIORITIES,
    _STATUSES,
    CAP_PERIODS,
    OWN_COUNT_FIELDS,
    WHOLE_OR_BLANK,
    _good_code,
    authorization_problems,
    client_problems,
    service_problems,
)

# the fields the checks of an authorization without service lines read, in one call (its counts
# last, as validate reads them; a test holds that authorization_problems reads no other field)
_AUTH_FIELD_NAMES = (
    "client",
    "payer",
    "status",
    "active",
    "start_date",
    "end_date",
    "lines",
    "procedure_codes",
    "auth_number",
    "cap_period",
    *OWN_COUNT_FIELDS,
)
# the fields of a service line line_problems reads (its counts as _FRACTION_COUNTS orders them;
# a test holds that line_problems reads no other field of a line)
_LINE_FIELDS = attrgetter(
    "codes",
    "cap_period",
    "units_authorized",
    "visits_authorized",
    "carried_units_used",
    "carried_visits_used",
    "cap_amount",
)
_DATES = frozenset({dt.date, type(None)})  # (exactly: a datetime goes the per-record way)
R = TypeVar("R")
_ODD = (TypeError, ValueError, AttributeError)  # a value the proof cannot handle
_first = itemgetter(0)
_ID = attrgetter("id")
# the fields client_problems reads of a client, and of each of its coverages (a test holds that
# it reads no other)
_CLIENT_FIELD_NAMES = ("id", "first_name", "last_name", "dob", "client_id")
_COVERAGE_FIELD_NAMES = ("priority", "payer_id", "start_date", "end_date")
_FIRST_DAY, _LAST_DAY = dt.date.min, dt.date.max


def authorizations_problems(
    data: Data, auths: Sequence[Authorization], before: Data | None = None
) -> dict[int, list[ValidationError]]:
    """``{position: validate.authorization_problems(data, auths[position], before)}`` for the
    authorizations that have problems, by position."""
    return _checked(
        auths,
        lambda: _doubtful_auths(data, auths),
        lambda auth: authorization_problems(data, auth, before),
    )


def _checked(
    records: Sequence[R],
    doubtful: Callable[[], Iterable[int]],
    problems_of: Callable[[R], list[ValidationError]],
) -> dict[int, list[ValidationError]]:
    """``{position: problems_of(records[position])}`` for the records with problems, checking
    one by one only the positions ``doubtful()`` names (all of them when the proof meets a value
    it cannot handle)."""
    try:
        positions: Iterable[int] = doubtful()
    except _ODD:
        positions = range(len(records))
    found = {}
    for i in sorted(positions):
        if problems := problems_of(records[i]):
            found[i] = problems
    return found


def _where(flags: Iterable[object]) -> set[int]:
    """The positions of the true values in ``flags``."""
    return set(compress(count(), flags))


def _only_these(data: Data, auths: Sequence[Authorization]) -> bool:
    """Whether ``auths`` are all the authorizations of ``data`` (a first import's), and its
    index by number is not built yet: when it is built (by authorization_problems), it will
    index these records as they are now."""
    stored, ids = data.authorizations, list(map(_ID, auths))
    return (
        len(stored) == len(auths) == len(set(ids))
        and "auths_by_number" not in vars(data)  # (a cached_property's value, once read)
        and all(map(is_, map(stored.get, ids), auths))
    )


def _distinct(numbers: list[str], payers: Sequence[int]) -> bool:
    """Whether no two (payer, folded number) pairs of ``payers`` and ``numbers`` are equal,
    blank numbers aside (no number twice at all, as in most imports, answers without pairs)."""
    numbered = list(filter(None, numbers))
    if len(set(numbered)) == len(numbered):
        return True
    keys = [key for key in zip(payers, numbers, strict=True) if key[1]]
    return len(set(keys)) == len(keys)


def _doubtful_auths(data: Data, auths: Sequence[Authorization]) -> set[int]:
    """The positions of the authorizations not proven free of problems (each proof below is
    the negation of one of authorization_problems's checks, in its order)."""
    n = len(auths)
    if not n:
        return set()
    # (a column of each field, read by map(attrgetter) in C: quicker in an import, its garbage
    # collection paused, than a tuple of every field per record, then unzipped: 20,000 tuples
    # made and taken apart again, ~4 ms of the usual log's ~38)
    (
        clients,
        payers,
        statuses,
        actives,
        starts,
        ends,
        lines,
        codes,
        numbers,
        periods,
        *counts,
    ) = [list(map(attrgetter(name), auths)) for name in _AUTH_FIELD_NAMES]
    # (service lines: line_problems's checks; their authorization's own fields are blank, and
    # proven below as any authorization's)
    doubtful = _doubtful_lines(lines) if any(lines) else set()
    known_clients, known_payers = data.clients, data.payers
    if not known_clients.keys() >= set(clients):
        doubtful |= _where(c not in known_clients for c in clients)
    if not known_payers.keys() >= set(payers):
        doubtful |= _where(p not in known_payers for p in payers)
    # the request status: known, an approved one dated, another one not active
    status_of = {s: _STATUSES.get(s) for s in set(statuses)}
    if None in status_of.values():
        doubtful |= _where(status_of[s] is None for s in statuses)
    waiting = {s for s, status in status_of.items() if status not in (None, _APPROVED)}
    if waiting and any(actives):
        doubtful |= _where(a and s in waiting for s, a in zip(statuses, actives, strict=True))
    if None in starts:
        doubtful |= _where(
            d is None and status_of[s] is _APPROVED for s, d in zip(statuses, starts, strict=True)
        )
    # dates in order
    if not (_DATES.issuperset(map(type, starts)) and _DATES.issuperset(map(type, ends))):
        return set(range(n))
    if None in starts or None in ends:
        doubtful |= _where(
            s is not None and e is not None and e < s for s, e in zip(starts, ends, strict=True)
        )
    elif any(map(lt, ends, starts)):
        doubtful |= _where(map(lt, ends, starts))
    # counts: whole numbers or blank, none below zero; a cap above zero, per week or month
    for column in counts:
        if not WHOLE_OR_BLANK.issuperset(map(type, column)):
            doubtful |= _where(
                type(v) not in WHOLE_OR_BLANK or (v is not None and v < 0) for v in column
            )
        elif min(filter(None, column), default=0) < 0:
            doubtful |= _where(v is not None and v < 0 for v in column)
    caps = counts[-1]
    if caps.count(None) != n:
        doubtful |= _where(
            c is not None and not (type(c) is int and c > 0 and p in CAP_PERIODS)
            for c, p in zip(caps, periods, strict=True)
        )
    # the codes well formed (each new one checked once, as _good_code caches it)
    used = set(chain.from_iterable(codes))
    for code in used - _GOOD_CODES:
        _good_code(code)
    if not _GOOD_CODES.issuperset(used):
        doubtful |= _where(not _GOOD_CODES.issuperset(c) for c in codes)
    # the client covered by the payer: every (client, payer) a client of the data has a
    # coverage with, as coverage.has_coverage_with looks for one (a few per client)
    covered = {
        (key, payer)
        for key, client in known_clients.items()
        if client is not None
        for payer in coverage.payers_ever(client)
    }
    if not covered.issuperset(zip(clients, payers, strict=True)):
        doubtful |= _where(pair not in covered for pair in zip(clients, payers, strict=True))
    # the number its payer's alone: the authorizations with it are this one only
    folded = list(map(str.casefold, map(str.strip, numbers)))
    if not _only_these(data, auths) or not _distinct(folded, payers):
        keys = list(zip(payers, folded, strict=True))
        by_number = data.auths_by_number
        found = list(map(by_number.get, keys))
        with_number = list(compress(auths, found))
        if max(map(len, filter(None, found)), default=0) > 1 or not all(
            map(is_, map(_first, filter(None, found)), with_number)
        ):
            doubtful |= _where(
                f and (len(f) > 1 or f[0].id != a.id) for f, a in zip(found, auths, strict=True)
            )
    return doubtful


def _doubtful_lines(lines: Sequence[list[ServiceLine]]) -> set[int]:
    """The positions of the authorizations with service lines (``lines``, each one's) not
    proven free of every problem :func:`priorauth.validate.line_problems` finds: a line without
    codes, a code not well formed or on two lines (or twice on one), a count below zero or not
    whole (then its measure decides: left to the per-record check), a cap without counts, at
    zero or without its period."""
    owners = list(compress(count(), lines))  # (the authorizations with lines)
    held = [lines[i] for i in owners]
    sizes = list(map(len, held))
    owner = list(chain.from_iterable(map(repeat, owners, sizes)))  # each line's authorization
    flat = list(chain.from_iterable(held))
    if not flat:
        return set()
    codes, periods, *counts = zip(*map(_LINE_FIELDS, flat), strict=True)
    bad: set[int] = set()  # positions in ``flat``
    if not all(codes):
        bad |= _where(not c for c in codes)
    flat_codes = list(chain.from_iterable(codes))
    used = set(flat_codes)
    for code in used - _GOOD_CODES:
        _good_code(code)
    if not _GOOD_CODES.issuperset(used):
        bad |= _where(not _GOOD_CODES.issuperset(c) for c in codes)
    for column in counts:
        if not WHOLE_OR_BLANK.issuperset(map(type, column)):
            bad |= _where(
                type(v) not in WHOLE_OR_BLANK or (v is not None and v < 0) for v in column
            )
        elif min(filter(None, column), default=0) < 0:
            bad |= _where(v is not None and v < 0 for v in column)
    units, visits, caps = counts[0], counts[1], counts[-1]
    if caps.count(None) != len(caps):
        bad |= _where(
            c is not None
            and not (
                type(c) is int and c > 0 and (u is not None or v is not None) and p in CAP_PERIODS
            )
            for c, p, u, v in zip(caps, periods, units, visits, strict=True)
        )
    doubtful = {owner[k] for k in bad}
    # each code on one line of its authorization: (authorization, code) pairs all distinct
    if len(flat_codes) == len(codes) and all(codes):  # (a code a line, as most lines have)
        pairs = list(zip(owner, flat_codes, strict=True))
    else:
        lengths = map(len, codes)
        pairs = list(zip(chain.from_iterable(map(repeat, owner, lengths)), flat_codes, strict=True))
    if len(set(pairs)) != len(pairs):
        seen: set[tuple[int, str]] = set()
        for pair in pairs:
            if pair in seen:
                doubtful.add(pair[0])
            seen.add(pair)
    return doubtful


def clients_problems(
    data: Data, clients: Sequence[Client], today: dt.date
) -> dict[int, list[ValidationError]]:
    """``{position: validate.client_problems(data, clients[position], today)}`` for the clients
    that have problems, by position."""
    return _checked(
        clients,
        lambda: _doubtful_clients(data, clients, today),
        lambda client: client_problems(data, client, today),
    )


def _doubtful_clients(data: Data, clients: Sequence[Client], today: dt.date) -> set[int]:
    """The positions of the clients not proven free of problems (each proof below is the
    negation of one of client_problems's checks, in its order)."""
    n = len(clients)
    if not n:
        return set()
    ids, firsts, lasts, dobs, client_ids = [
        list(map(attrgetter(name), clients)) for name in _CLIENT_FIELD_NAMES
    ]
    doubtful: set[int] = set()
    # a first or a last name
    trimmed = list(map(str.strip, firsts))
    if not all(trimmed):
        doubtful |= _where(not (f or last.strip()) for f, last in zip(trimmed, lasts, strict=True))
    # born before today
    if not _DATES.issuperset(map(type, dobs)):
        return set(range(n))
    if max(filter(None, dobs), default=today) > today:
        doubtful |= _where(d is not None and d > today for d in dobs)
    # the client id its own: the client is the data's under its id, its client id is trimmed,
    # and no other client of the data has it folded (then data.client_with_id finds the client)
    known = data.clients
    given = list(filter(None, client_ids))
    held = [c.client_id for c in known.values() if c is not None and c.client_id]
    folded = list(map(str.casefold, held))
    if given and not (
        all(map(is_, map(known.get, ids), clients))
        and given == list(map(str.strip, given))
        and len(set(folded)) == len(folded)
    ):
        doubtful |= _where(
            cid and (same := data.client_with_id(cid)) is not None and same.id != c.id
            for c, cid in zip(clients, client_ids, strict=True)
        )
    return doubtful | _doubtful_coverages(data, clients)


def _doubtful_coverages(data: Data, clients: Sequence[Client]) -> set[int]:
    """The positions of the clients whose coverages are not proven free of problems: a known
    priority and payer, dates in order, and no two in force on one day that client_problems
    compares (two at one priority; two of one payer at different priorities)."""
    held = coverage.as_stored(clients)
    sizes = list(map(len, held))
    flat = list(chain.from_iterable(held))
    if not flat:
        return set()
    owner = list(chain.from_iterable(map(repeat, range(len(clients)), sizes)))
    priorities, payers, starts, ends = [
        list(map(attrgetter(name), flat)) for name in _COVERAGE_FIELD_NAMES
    ]
    bad: set[int] = set()  # positions in ``flat``
    named = list(map(_PRIORITIES.get, priorities))  # (an unhashable one raises TypeError)
    if None in named:
        bad |= _where(p is None for p in named)
    if not data.payers.keys() >= set(payers):
        bad |= _where(p not in data.payers for p in payers)
    if not (_DATES.issuperset(map(type, starts)) and _DATES.issuperset(map(type, ends))):
        return set(owner)
    opens = [e or _LAST_DAY for e in ends]  # (an open end: after every day)
    begins = [s or _FIRST_DAY for s in starts]  # (an open start: before every day)
    if any(map(lt, opens, begins)):  # (an end before its start: both given)
        bad |= _where(map(lt, opens, begins))
    doubtful = {owner[k] for k in bad}
    if max(sizes) < 2:  # (a coverage each: no two to compare)
        return doubtful
    # one priority: (client, priority) keys, each client's coverages at a priority stored
    # together and one after the other in time, each ending before the next starts (then no
    # two of them meet: every coverage ends on or after its start, else it is doubtful above)
    one_priority = len(set(named)) == 1
    keys = owner if one_priority else list(zip(owner, named, strict=True))
    same = list(map(eq, keys, keys[1:]))  # (each coverage and the next: one key?)
    runs = len(keys) - sum(same)
    if runs != len(set(keys)) or not all(
        map(lt, compress(opens, same), compress(begins[1:], same))
    ):
        after = [k + 1 for k in compress(range(len(same)), same)]
        doubtful |= {owner[k] for k in after if not opens[k - 1] < begins[k]}
        if runs != len(set(keys)):  # a key in two places: its client's coverages are apart
            firsts: dict[object, int] = {}
            for k, key in enumerate(keys):
                if firsts.setdefault(key, k) != k and same[k - 1] is False:
                    doubtful.add(owner[k])
    # one payer at two priorities: left to client_problems (it compares their member ids)
    if not one_priority:
        priority_of: dict[tuple[int, int], object] = {}
        for o, payer, key in zip(owner, payers, keys, strict=True):
            if priority_of.setdefault((o, payer), key) != key:
                doubtful.add(o)
    return doubtful


# the fields service_problems reads (a test holds that it reads no other)
_SERVICE_FIELD_NAMES = ("client", "payer", "units", "procedure_code", "authorization")
_SERVICE_FIELDS = attrgetter(*_SERVICE_FIELD_NAMES)


def services_problems(data: Data, services: Sequence[Service]) -> dict[int, list[ValidationError]]:
    """``{position: validate.service_problems(data, services[position])}`` for the services
    that have problems, by position (an appointment list's 100,000)."""
    return _checked(
        services,
        lambda: _doubtful_services(data, services),
        lambda service: service_problems(data, service),
    )


def _doubtful_services(data: Data, services: Sequence[Service]) -> set[int]:
    """The positions of the services not proven free of problems (each proof below is the
    negation of one of service_problems's checks, in its order)."""
    if not services:
        return set()
    clients, payers, units, codes, pinned = zip(*map(_SERVICE_FIELDS, services), strict=True)
    doubtful: set[int] = set()
    for column, table in ((clients, data.clients), (payers, data.payers)):  # known ones
        unknown = {value for value in set(column) if value not in table}
        if unknown:
            doubtful |= _where(map(unknown.__contains__, column))
    if min(units) <= 0 or not all(type(n) is int for n in set(units)):  # at least 1
        doubtful |= _where(map(_not_above_zero, units))
    bad_codes = {code for code in set(codes) if code and not _good_code(code)}  # a code
    if bad_codes:
        doubtful |= _where(map(bad_codes.__contains__, codes))
    if set(pinned) != {None}:  # an authorization of the client's own (few are pinned)
        doubtful |= _where(map(is_not, pinned, repeat(None)))
    return doubtful


def _not_above_zero(units: object) -> bool:
    return type(units) is not int or units <= 0  # type: ignore[operator]


__all__ = ["authorizations_problems", "clients_problems", "services_problems"]
