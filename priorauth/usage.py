"""How much of an authorization is used and left: the only code that reads its authorized and
used counts (``units_authorized``, ``carried_units_used`` and their visit twins).

Export rows, reports, notifications, validation, the forms and the TUI rows ask :func:`usage_of`
(through :func:`priorauth.rules.usage`, which finds the services) or :func:`stated_usage` (the
counts an authorization states by itself, before any service is counted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from priorauth.model import Authorization, Service


@dataclass(frozen=True)
class Usage:
    """How much of an authorization is used, scheduled and left on a given day."""

    units_authorized: int | None
    visits_authorized: int | None
    units_used: int
    visits_used: int
    units_scheduled: int
    visits_scheduled: int

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


def usage_of(auth: Authorization, services: Iterable[Service], today: dt.date) -> Usage:
    """Usage of ``auth`` given the services that count against it: used through ``today`` (plus
    what was carried in from the log), scheduled after it."""
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
    return Usage(
        units_authorized=auth.units_authorized,
        visits_authorized=auth.visits_authorized,
        units_used=auth.carried_units_used + units_used,
        visits_used=auth.carried_visits_used + len(used_days),
        units_scheduled=units_scheduled,
        visits_scheduled=len(scheduled_days),
    )


def stated_usage(auth: Authorization) -> Usage:
    """The counts ``auth`` states by itself: authorized, and used as carried in (no services)."""
    units, visits, units_used, visits_used = stated_counts(auth)
    return Usage(units, visits, units_used, visits_used, 0, 0)


def stated_counts(auth: Authorization) -> tuple[int | None, int | None, int, int]:
    """(units authorized, visits authorized, units used, visits used) as ``auth`` states them
    (carried in, no services): :func:`stated_usage` as a plain tuple, for checking thousands."""
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


__all__ = ["Usage", "describe_count", "ran_out_on", "stated_counts", "stated_usage", "usage_of"]
