"""How much of an authorization is used and left: the only code that reads its authorized and
used counts (``units_authorized``, ``carried_units_used`` and their visit twins), in total and
per service line (the lines themselves are read through :mod:`priorauth.service_lines`).

Export rows, reports, notifications, validation, the forms and the TUI rows ask :func:`usage_of`
(through :func:`priorauth.rules.usage`, which finds the services) or :func:`stated_usage` (the
counts an authorization states by itself, before any service is counted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from priorauth.model import (
    Authorization,
    LineMeasure,
    Service,
    ServiceLine,
)
from priorauth.service_lines import line_index, lines_of


@dataclass(frozen=True, init=False)
class Usage:
    """How much of an authorization is used, scheduled and left on a given day."""

    units_authorized: int | None
    visits_authorized: int | None
    units_used: int
    visits_used: int
    units_scheduled: int
    visits_scheduled: int

    def __init__(
        self,
        units_authorized: int | None,
        visits_authorized: int | None,
        units_used: int,
        visits_used: int,
        units_scheduled: int,
        visits_scheduled: int,
    ) -> None:
        # dataclasses' own __init__ of a frozen class sets each field through object.__setattr__;
        # writing the instance's dict is the same at a fifth of the cost (a notification run
        # makes a Usage for every line of every authorization in use: tens of thousands)
        values = self.__dict__
        values["units_authorized"] = units_authorized
        values["visits_authorized"] = visits_authorized
        values["units_used"] = units_used
        values["visits_used"] = visits_used
        values["units_scheduled"] = units_scheduled
        values["visits_scheduled"] = visits_scheduled

    @property
    def units_remaining(self) -> int | None:
        """None when units have no cap; negative when over-utilized."""
        if self.units_authorized is None:
            return None
        return self.units_authorized - self.units_used

    @property
    def visits_remaining(self) -> int | None:
        if self.visits_authorized is None:
            return None
        return self.visits_authorized - self.visits_used

    @property
    def units_remaining_after_scheduled(self) -> int | None:
        r = self.units_remaining
        return None if r is None else r - self.units_scheduled

    @property
    def visits_remaining_after_scheduled(self) -> int | None:
        r = self.visits_remaining
        return None if r is None else r - self.visits_scheduled

    @property
    def over_utilized(self) -> bool:
        return any(r is not None and r < 0 for r in (self.units_remaining, self.visits_remaining))

    @property
    def exhausted(self) -> bool:
        return any(r is not None and r <= 0 for r in (self.units_remaining, self.visits_remaining))

    def fraction_used(self) -> float | None:
        """The larger of units and visits used / authorized (None when neither is capped)."""
        fractions = [
            used / authorized
            for used, authorized in (
                (self.units_used, self.units_authorized),
                (self.visits_used, self.visits_authorized),
            )
            if authorized
        ]
        return max(fractions) if fractions else None


def describe_count(remaining: int | None, authorized: int | None) -> str:
    """ "12 of 20 left", "no cap", "3 over" — how a count is spoken everywhere."""
    if authorized is None or remaining is None:
        return "no cap"
    if remaining < 0:
        return f"{-remaining} over (of {authorized})"
    return f"{remaining} of {authorized} left"


_UNSEEN = -1  # a code not looked up yet (line indexes are 0 and up, or None)
_HOURS = LineMeasure.HOURS  # (a module name: looking a member up on its enum costs more)
UNITS_PER_HOUR = 4  # fifteen-minute units in an hour, where a service is recorded in units


def per_unit(line: ServiceLine | Authorization) -> float:
    """What one recorded unit of service counts on ``line``: 1, or a quarter hour."""
    return 1 / UNITS_PER_HOUR if line.measure == _HOURS else 1


def _line_usage(
    line: ServiceLine | Authorization, services: Iterable[Service], today: dt.date
) -> Usage:
    factor = per_unit(line)
    units_used = units_scheduled = 0
    used_days: set[dt.date] = set()
    scheduled_days: set[dt.date] = set()
    for service in services:
        if service.date <= today:
            units_used += service.units
            used_days.add(service.date)
        else:
            units_scheduled += service.units
            scheduled_days.add(service.date)
    if factor != 1:
        units_used, units_scheduled = units_used * factor, units_scheduled * factor
    return Usage(
        units_authorized=line.units_authorized,  # type: ignore[arg-type]
        visits_authorized=line.visits_authorized,
        units_used=line.carried_units_used + units_used,  # type: ignore[arg-type]
        visits_used=line.carried_visits_used + len(used_days),
        units_scheduled=units_scheduled,
        visits_scheduled=len(scheduled_days),
    )


@dataclass(frozen=True, init=False)
class LineUsage:
    """One service line of an authorization and how much of it is used (``index`` in
    :func:`lines_of`)."""

    index: int
    line: ServiceLine
    usage: Usage

    def __init__(self, index: int, line: ServiceLine, usage: Usage) -> None:
        values = self.__dict__  # (as Usage's: a frozen dataclass's fields set at less cost)
        values["index"] = index
        values["line"] = line
        values["usage"] = usage

    @property
    def label(self) -> str:
        """How the line is named to people: its group, else its codes ("any code" when none)."""
        return line_label(self.line)


def line_label(line: ServiceLine) -> str:
    """How a line is named to people: its group, else its codes ("any code" when none)."""
    return line.group or ", ".join(line.codes) or "any code"


def services_by_line(
    auth: Authorization, services: Iterable[Service]
) -> tuple[list[list[Service]], list[Service]]:
    """``services`` (those counting against ``auth``) split by the line each counts against, in
    :func:`lines_of` order, and those no line holds (a service pinned there by hand)."""
    unheld: list[Service] = []
    if len(auth.lines) < 2:  # (one line: it holds them all)
        return [list(services)], unheld
    split = _split(auth, services, unheld)
    return split, unheld


def _split(
    auth: Authorization, services: Iterable[Service], unheld: list[Service]
) -> list[list[Service]]:
    """``services`` split by the line of ``auth.lines`` holding each (in their order), those no
    line holds put in ``unheld``."""
    split: list[list[Service]] = [[] for _ in auth.lines]
    # code -> the list its services go to: each line's own codes to start with (the first line
    # listing a code holds it, as line_index says), any other code as line_index says, once
    into: dict[str, list[Service]] = {}
    for line, held in zip(auth.lines, split, strict=True):
        for code in line.codes:
            if code:  # (line_index gives a service with no code to a line with no codes)
                into.setdefault(code, held)
    for service in services:
        code = service.procedure_code
        held = into.get(code)
        if held is None:
            i = line_index(auth, code)
            held = into[code] = unheld if i is None else split[i]
        held.append(service)
    return split


def line_usages(
    auth: Authorization,
    services: Iterable[Service],
    today: dt.date,
    split: list[list[Service]] | None = None,
) -> list[LineUsage]:
    """Usage of each service line of ``auth`` given the services that count against it
    (``split``: those services as :func:`services_by_line` splits them, when already known)."""
    if split is None:
        split, _ = services_by_line(auth, services)
    return [
        LineUsage(i, line, _line_usage(line, line_services, today))
        for i, (line, line_services) in enumerate(zip(lines_of(auth), split, strict=True))
    ]


# Usage's fields in their order: units and visits authorized, used and scheduled
Counts = tuple[int | None, int | None, float, int, float, int]


def line_tallies(
    auth: Authorization,
    services: list[Service],
    today: dt.date,
    since: dt.date,
    split: list[list[Service]] | None = None,
) -> tuple[list[LineUsage], list[tuple[float, int]]]:
    """:func:`line_usages` of ``auth`` (several lines) and, per line, the units (hours, on a line
    of hours) and visits used from ``since`` through ``today`` (the recent pace), in one pass over
    ``services`` (in date order, as :func:`priorauth.rules.services_for` keeps them); ``split``:
    those services as :func:`services_by_line` splits them, when already known."""
    counts, pace = line_counts(auth, services, today, since, split)
    lines = enumerate(zip(auth.lines, counts, strict=True))
    return [LineUsage(i, line, Usage(*count)) for i, (line, count) in lines], pace


def line_counts(
    auth: Authorization,
    services: list[Service],
    today: dt.date,
    since: dt.date,
    split: list[list[Service]] | None = None,
) -> tuple[list[Counts], list[tuple[float, int]]]:
    """:func:`line_tallies` with each line's usage as a plain tuple of :class:`Usage`'s fields in
    their order, in ``auth.lines`` order (no :class:`LineUsage` nor :class:`Usage` made: a
    notification run asks for ten thousand lines, and makes a Usage of the few it projects)."""
    lines = auth.lines
    if split is None or len(lines) < 2:  # (one line in ``lines``: only the codes it holds count)
        split = _split(auth, services, [])  # (those no line holds left out)
    found: list[Counts] = []
    pace: list[tuple[float, int]] = []
    for i, line in enumerate(lines):
        # (plain locals, a line's services at a time: a third of the cost of indexing lists by
        # line for every service; the days are counted as they change, the services in date order)
        used = scheduled = recent = used_days = scheduled_days = recent_days = 0
        last_used = last_scheduled = last_recent = None
        for service in split[i]:
            day = service.date
            if day <= today:
                used += service.units
                if last_used != day:
                    last_used = day
                    used_days += 1
                if day >= since:
                    recent += service.units
                    if last_recent != day:
                        last_recent = day
                        recent_days += 1
            else:
                scheduled += service.units
                if last_scheduled != day:
                    last_scheduled = day
                    scheduled_days += 1
        units_used: float = used
        units_scheduled: float = scheduled
        units_recent: float = recent
        if line.measure == _HOURS:
            units_used, units_scheduled = used / UNITS_PER_HOUR, scheduled / UNITS_PER_HOUR
            units_recent = recent / UNITS_PER_HOUR
        found.append(
            (
                line.units_authorized,
                line.visits_authorized,
                line.carried_units_used + units_used,
                line.carried_visits_used + used_days,
                units_scheduled,
                scheduled_days,
            )
        )
        pace.append((units_recent, recent_days))
    return found, pace


def _total(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def usage_of(auth: Authorization, services: Iterable[Service], today: dt.date) -> Usage:
    """Usage of ``auth`` given the services that count against it: used through ``today`` (plus
    what was carried in from the log), scheduled after it. With several service lines, the total
    of its lines: authorized counts add up (no cap when any line has none), units used add up, and
    visits used are the distinct days of service across its lines (plus carried-in visits)."""
    if not auth.lines:  # its own fields are its line's (no ServiceLine built: 20,000 a screen)
        return _line_usage(auth, services, today)
    lines = auth.lines
    used = [0] * len(lines)  # service units per line (one pass, not a pass per line)
    scheduled = [0] * len(lines)
    extra_used = extra_scheduled = 0  # of services no line holds (pinned there by hand)
    used_days: set[dt.date] = set()
    scheduled_days: set[dt.date] = set()
    held: dict[str, int | None] = {}  # code -> line index
    for service in services:
        code = service.procedure_code
        i = held.get(code, _UNSEEN)
        if i == _UNSEEN:
            i = held[code] = line_index(auth, code)
        if service.date <= today:
            used_days.add(service.date)
            if i is None:
                extra_used += service.units
            else:
                used[i] += service.units
        else:
            scheduled_days.add(service.date)
            if i is None:
                extra_scheduled += service.units
            else:
                scheduled[i] += service.units
    units: float | None = 0  # authorized, None once a line has no cap
    visits: int | None = 0
    units_used: float = extra_used
    units_scheduled: float = extra_scheduled
    visits_used = len(used_days)
    for line, line_used, line_scheduled in zip(lines, used, scheduled, strict=True):
        if line.measure == _HOURS:
            line_used, line_scheduled = line_used / UNITS_PER_HOUR, line_scheduled / UNITS_PER_HOUR
        units_used += line.carried_units_used + line_used
        units_scheduled += line_scheduled
        visits_used += line.carried_visits_used
        if units is not None:
            units = None if line.units_authorized is None else units + line.units_authorized
        if visits is not None:
            visits = None if line.visits_authorized is None else visits + line.visits_authorized
    return Usage(
        units_authorized=units,  # type: ignore[arg-type]
        visits_authorized=visits,
        units_used=units_used,  # type: ignore[arg-type]
        visits_used=visits_used,
        units_scheduled=units_scheduled,  # type: ignore[arg-type]
        visits_scheduled=len(scheduled_days),
    )


def least_remaining(auth: Authorization, services: Iterable[Service], today: dt.date) -> LineUsage:
    """The line of ``auth`` with the least left (by fraction used; the first line when none has
    a cap) — what the client list shows for an authorization of several lines."""
    per_line = line_usages(auth, services, today)
    return max(per_line, key=lambda u: (u.usage.fraction_used() or -1.0, -u.index))


def stated_usage(auth: Authorization) -> Usage:
    """The counts ``auth`` states by itself: authorized, and used as carried in (no services)."""
    if auth.lines:
        return usage_of(auth, (), dt.date.min)
    units, visits, units_used, visits_used = stated_counts(auth)
    return Usage(units, visits, units_used, visits_used, 0, 0)


def stated_counts(auth: Authorization) -> tuple[int | None, int | None, int, int]:
    """(units authorized, visits authorized, units used, visits used) as ``auth`` states them
    (carried in, no services): :func:`stated_usage` as a plain tuple, for checking thousands
    (the totals of its lines when it has several)."""
    if auth.lines:  # (stated_usage's totals, without counting services: validation asks often)
        lines = auth.lines
        return (
            _total([line.units_authorized for line in lines]),  # type: ignore[return-value]
            _total([line.visits_authorized for line in lines]),  # type: ignore[return-value]
            sum(line.carried_units_used for line in lines),  # type: ignore[return-value]
            sum(line.carried_visits_used for line in lines),
        )
    return (
        auth.units_authorized,
        auth.visits_authorized,
        auth.carried_units_used,
        auth.carried_visits_used,
    )


def ran_out_on(
    auth: Authorization, services: Iterable[Service], today: dt.date, measure: str
) -> dt.date | None:
    """The date of service that used the last unit (``measure`` "units") or visit of ``auth``
    (None when it has not run out through ``today``, or ran out on what was carried in)."""
    authorized = auth.units_authorized if measure == "units" else auth.visits_authorized
    if authorized is None:
        return None
    used = auth.carried_units_used if measure == "units" else auth.carried_visits_used
    last_day: dt.date | None = None
    for service in services:
        if used >= authorized or service.date > today:
            break
        if measure == "units":
            used += service.units
        elif service.date != last_day:
            used += 1
        last_day = service.date
    if last_day is not None and used >= authorized:
        return last_day
    return None


def line_ran_out_on(
    line: ServiceLine, services: Iterable[Service], today: dt.date, measure: str
) -> dt.date | None:
    """:func:`ran_out_on` for one service line and the services it holds (in date order)."""
    authorized = line.units_authorized if measure == "units" else line.visits_authorized
    if authorized is None:
        return None
    used: float = line.carried_units_used if measure == "units" else line.carried_visits_used
    factor = per_unit(line)
    last_day: dt.date | None = None
    for service in services:
        if used >= authorized or service.date > today:
            break
        if measure == "units":
            used += service.units * factor
        elif service.date != last_day:
            used += 1
        last_day = service.date
    if last_day is not None and used >= authorized:
        return last_day
    return None


__all__ = [
    "UNITS_PER_HOUR",
    "LineUsage",
    "Usage",
    "describe_count",
    "least_remaining",
    "line_counts",
    "line_label",
    "line_ran_out_on",
    "line_tallies",
    "line_usages",
    "per_unit",
    "ran_out_on",
    "services_by_line",
    "stated_counts",
    "stated_usage",
    "usage_of",
]
