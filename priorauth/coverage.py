"""A client's coverages (insurances): the only code that reads ``Client.insurances``.

Everything else — box 23, notifications, validation, the import's merge, export rows, the forms
and the TUI rows — asks these functions which payers cover a client on a day and in which order
(primary → secondary → tertiary), so that a change to what a coverage is touches this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from operator import attrgetter

from priorauth.model import Client, ClientInsurance, Priority

PRIORITY_ORDER: tuple[Priority, ...] = (Priority.PRIMARY, Priority.SECONDARY, Priority.TERTIARY)
_RANK = {p: i for i, p in enumerate(PRIORITY_ORDER)}
_UNKNOWN = len(_RANK)  # (an unknown priority's rank: after them)


def rank(priority: Priority | str) -> int:
    """Primary 0, secondary 1, tertiary 2 (an unknown priority after them)."""
    return _RANK.get(priority, _UNKNOWN)  # type: ignore[call-overload]


def all_coverages(client: Client) -> list[ClientInsurance]:
    """Every coverage the client has had, by priority, then latest first (the list is new)."""
    if len(client.insurances) < 2:
        return list(client.insurances)
    return sorted(client.insurances, key=_order)


def _order(c: ClientInsurance) -> tuple[int, int, int]:
    end = c.end_date.toordinal() if c.end_date else _OPEN
    start = c.start_date.toordinal() if c.start_date else 0
    return (_RANK.get(c.priority, _UNKNOWN), -end, -start)  # (rank(), inline: per coverage)


_OPEN = dt.date.max.toordinal() + 1


def has_coverages(client: Client) -> bool:
    return bool(client.insurances)


def in_force(coverage: ClientInsurance, day: dt.date | None) -> bool:
    """Whether ``coverage`` is in force on ``day`` (None: at any time)."""
    if day is None:
        return True
    start, end = coverage.start_date, coverage.end_date
    return (start is None or start <= day) and (end is None or day <= end)


def overlap(a: ClientInsurance, b: ClientInsurance) -> dt.date | None:
    """The first day both are in force (``dt.date.min`` when both are open at the start), or
    None when their periods do not meet."""
    # (conditional expressions, not max() and min(): validation asks about every pair of a
    # client's coverages, for each of an import's thousands of clients)
    start, other = a.start_date or _FIRST, b.start_date or _FIRST
    if other > start:
        start = other
    end, other = a.end_date or _LAST, b.end_date or _LAST
    if other < end:
        end = other
    return start if start <= end else None


_FIRST, _LAST = dt.date.min, dt.date.max


def describe_period(coverage: ClientInsurance) -> str:
    """ "since 03/01/2024", "01/01/2020–12/31/2023", "until 12/31/2023" or "" (always)."""
    start, end = coverage.start_date, coverage.end_date
    if start and end:
        return f"{start:%m/%d/%Y}–{end:%m/%d/%Y}"
    if start:
        return f"since {start:%m/%d/%Y}"
    if end:
        return f"until {end:%m/%d/%Y}"
    return ""


def past_coverages(client: Client, day: dt.date) -> list[ClientInsurance]:
    """Coverages that ended before ``day``, the latest first."""
    ended = [c for c in client.insurances if c.end_date is not None and c.end_date < day]
    return sorted(ended, key=lambda c: c.end_date or dt.date.min, reverse=True)


def future_coverages(client: Client, day: dt.date) -> list[ClientInsurance]:
    """Coverages that start after ``day``, the soonest first."""
    later = [c for c in client.insurances if c.start_date is not None and c.start_date > day]
    return sorted(later, key=lambda c: c.start_date or dt.date.max)


def coverages_in_force(client: Client, day: dt.date | None) -> list[ClientInsurance]:
    """The coverages in force on ``day``, primary first (``day`` None: every coverage)."""
    return [c for c in all_coverages(client) if in_force(c, day)]


def coverage_for(client: Client, payer_id: int, day: dt.date | None) -> ClientInsurance | None:
    """The client's coverage with ``payer_id`` in force on ``day`` (None: the latest one)."""
    only = None
    for c in client.insurances:  # (a loop: asked for every row of a 20,000-row import)
        if c.payer_id == payer_id and (day is None or in_force(c, day)):
            if only is not None:
                break
            only = c
    else:
        return only
    found = [c for c in client.insurances if c.payer_id == payer_id and in_force(c, day)]
    if len(found) > 1:
        found.sort(key=_order)
        if day is None:  # the latest one, whatever its priority
            found.sort(key=lambda c: _order(c)[1:])
    return found[0] if found else None


def has_coverage_with(client: Client, payer_id: int) -> bool:
    """Whether the client has a coverage with ``payer_id``, at any time: whether
    ``coverage_for(client, payer_id, None)`` finds one (without choosing the latest)."""
    for c in client.insurances:  # noqa: SIM110 (a loop, not a generator: per imported row)
        if c.payer_id == payer_id:
            return True
    return False


def payers_ever(client: Client) -> list[int]:
    """The payer of every coverage the client has had, at any time (as stored; a payer twice when
    it covered the client twice): the pairs ``has_coverage_with`` says yes to."""
    return [c.payer_id for c in client.insurances]


def member_id_on(client: Client, payer_id: int, day: dt.date | None) -> str:
    """The member id of the client's coverage with ``payer_id`` on ``day`` ("" when none)."""
    coverage = coverage_for(client, payer_id, day)
    return coverage.member_id if coverage else ""


def coverage_with(
    client: Client, priority: Priority, day: dt.date | None
) -> ClientInsurance | None:
    """The client's ``priority`` coverage on ``day``."""
    for coverage in coverages_in_force(client, day):
        if coverage.priority == priority:
            return coverage
    return None


def main_coverage(client: Client, day: dt.date | None) -> ClientInsurance | None:
    """The primary coverage on ``day``, else the first one in force (what a list shows)."""
    found = coverages_in_force(client, day)
    return found[0] if found else None


def payers_in_force(client: Client, day: dt.date | None) -> list[int]:
    """Payer ids of the coverages in force on ``day``, primary first, each once."""
    return list(dict.fromkeys(c.payer_id for c in coverages_in_force(client, day)))


def requires_prior_auth(client: Client, payer_id: int, day: dt.date | None) -> bool:
    """Whether services billed to ``payer_id`` on ``day`` need an authorization (True when the
    client has no coverage with that payer then: nothing says they do not)."""
    coverage = coverage_for(client, payer_id, day)
    return coverage is None or coverage.prior_auth_required


def sort_by_priority(coverages: list[ClientInsurance]) -> None:
    """Sort coverages by priority (as :func:`rank`), then start (an open start first): the
    order an import stores a client's coverages in."""
    coverages.sort(key=_priority_start)


def _priority_start(c: ClientInsurance) -> tuple[int, dt.date]:
    return (_RANK.get(c.priority, _UNKNOWN), c.start_date or dt.date.min)  # (rank(), inline)


def set_coverages(client: Client, coverages: Iterable[ClientInsurance]) -> None:
    """Replace the client's coverages (the only writer)."""
    client.insurances = list(coverages)


def add_coverage(client: Client, coverage: ClientInsurance) -> None:
    client.insurances.append(coverage)


def copied(client: Client) -> list[ClientInsurance]:
    """Independent copies of the client's coverages (for an editable copy of the client)."""
    return [dataclasses.replace(c) for c in client.insurances]


def as_stored(clients: Iterable[Client]) -> list[list[ClientInsurance]]:
    """Each client's coverages as stored, in no particular order (checks of many clients at
    once that need none; the lists are the clients' own: read them, never change them)."""
    return list(map(_INSURANCES, clients))


_INSURANCES = attrgetter("insurances")


def with_payer_ids(clients: Iterable[Client], ids: dict[int, int]) -> None:
    """Swap temporary payer ids (negative, an import's new payers) for their real ones.

    Changed in place: a coverage naming a temporary id was made by the import itself (a stored
    one names a stored payer), so no snapshot holds it (copying each cost 10 ms of an import's
    6,700 clients, 25 ms of one with 20,000 coverages)."""
    for client in clients:
        for c in client.insurances:
            if c.payer_id < 0:
                c.payer_id = ids[c.payer_id]


__all__ = [
    "PRIORITY_ORDER",
    "add_coverage",
    "all_coverages",
    "as_stored",
    "copied",
    "coverage_for",
    "coverage_with",
    "coverages_in_force",
    "describe_period",
    "future_coverages",
    "has_coverages",
    "in_force",
    "main_coverage",
    "member_id_on",
    "overlap",
    "past_coverages",
    "payers_in_force",
    "rank",
    "requires_prior_auth",
    "set_coverages",
    "sort_by_priority",
    "with_payer_ids",
]
