"""A client's recent pace of use, and the day an authorization runs out at that pace.

The pace is measured on the services that count against the authorization (see
:func:`priorauth.rules.services_by_authorization`) over the last ``weeks`` weeks up to ``today``
— no earlier than the authorization's start, and never over less than one week so that two
sessions in the first days do not read as a flood. Units count units; visits count distinct days
of service (seed 002). Scheduled (future) services do not set the pace.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass

from priorauth import rules
from priorauth.data import Data
from priorauth.model import Authorization, Service

MIN_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Projection:
    """When one count (units or visits) of an authorization runs out at the recent pace."""

    measure: str  # "units" or "visits"
    remaining: float  # (hours keep their fractions)
    used_in_window: float
    window_days: int
    run_out: dt.date  # the day the last one is used, at the pace
    end_date: dt.date | None

    @property
    def per_week(self) -> float:
        return self.used_in_window * 7 / self.window_days

    @property
    def days_before_end(self) -> int | None:
        """How many days of the authorization are left uncovered (None: open-ended)."""
        return None if self.end_date is None else (self.end_date - self.run_out).days

    @property
    def runs_out_early(self) -> bool:
        """Runs out before the end date (always, for an open-ended authorization)."""
        return self.end_date is None or self.run_out < self.end_date


def window(services: list[Service], start: dt.date, today: dt.date) -> list[Service]:
    """The services dated ``start``..``today`` from a list sorted by date (as the rules keep it)."""
    lo = bisect.bisect_left(services, start, key=lambda s: s.date)
    hi = bisect.bisect_right(services, today, key=lambda s: s.date)
    return services[lo:hi]


def projection(
    data: Data,
    auth: Authorization,
    today: dt.date,
    *,
    weeks: int = 4,
    use: rules.Usage | None = None,
) -> Projection | None:
    """The earliest run-out of units or visits at the recent pace, when it comes before the end.

    None when nothing is capped, nothing is left, there was no use in the window, or the counts
    last to the end date. (The authorization's totals; per line: :func:`line_projection`.)
    """
    use = use or rules.usage(data, auth, today)
    return _project(auth, rules.services_for(data, auth), use, today, weeks, 1)


def line_projection(
    auth: Authorization,
    use: rules.Usage,
    recent: tuple[float, int],
    today: dt.date,
    *,
    weeks: int = 4,
    days: int | None = None,
    within: int | None = None,
) -> Projection | None:
    """:func:`projection` of one service line of ``auth``: ``use`` its usage, ``recent`` the
    units (hours, on a line of hours) and visits it used since :func:`window_start` (as
    :func:`priorauth.usage.line_tallies` counts them); ``days``: the window's length, when
    already known; ``within``: only a run-out no more than this many days ahead (else None)."""
    if not recent[1]:
        return None  # (no use lately: no pace)
    if days is None:
        _, days = window_start(auth, today, weeks)
    return _earliest(auth, use, recent[0], recent[1], days, today, within)


def window_start(auth: Authorization, today: dt.date, weeks: int) -> tuple[dt.date, int]:
    """The first day of the window that sets the pace, and its length in days (at least a
    week)."""
    start = today - dt.timedelta(days=weeks * 7 - 1)
    if auth.start_date is not None and auth.start_date > start:
        start = auth.start_date
    return start, max((today - start).days + 1, MIN_WINDOW_DAYS)


def _project(
    auth: Authorization,
    services: list[Service],
    use: rules.Usage,
    today: dt.date,
    weeks: int,
    per_unit: float,
) -> Projection | None:
    if not any(
        left is not None and left > 0 for left in (use.units_remaining, use.visits_remaining)
    ):
        return None
    start, days = window_start(auth, today, weeks)
    recent = window(services, start, today)
    if not recent:
        return None
    units = sum(s.units for s in recent)
    visits = len({s.date for s in recent})
    return _earliest(auth, use, units if per_unit == 1 else units * per_unit, visits, days, today)


def _earliest(
    auth: Authorization,
    use: rules.Usage,
    units: float,
    visits: float,
    days: int,
    today: dt.date,
    within: int | None = None,
) -> Projection | None:
    """The earliest run-out at ``units`` and ``visits`` used over ``days``, if before the end (and
    no more than ``within`` days after ``today``, when given); the days worked out first and a
    :class:`Projection` made only for the one told about (a notification run asks thousands)."""
    end = auth.end_date
    # the furthest run-out told about, in days from today: before the end, and within ``within``
    # (a run-out further off is no earlier than the others: leaving it out leaves the earliest)
    limit = math.inf if end is None else (end - today).days - 1
    if within is not None and within < limit:
        limit = within
    if limit < 1:
        return None  # (a count lasts at least a day)
    best: tuple[int, str, float, float] | None = None  # (days to the run-out, ...)
    for measure, authorized, used, amount in (  # (what is left worked out, not Usage's property)
        ("units", use.units_authorized, use.units_used, units),
        ("visits", use.visits_authorized, use.visits_used, visits),
    ):
        if authorized is None or amount <= 0:
            continue
        left = authorized - used
        if left <= 0:
            continue
        if isinstance(left, int) and isinstance(amount, int):
            ahead = -(-left * days // amount)  # ceil, exact
        else:  # hours
            ahead = math.ceil(left * days / amount)
        if ahead <= limit and (best is None or ahead < best[0]):  # (a tie: the first, units)
            best = (ahead, measure, left, amount)
    if best is None:
        return None
    ahead, measure, left, amount = best
    return Projection(measure, left, amount, days, today + dt.timedelta(days=ahead), end)
