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
from dataclasses import dataclass

from priorauth import rules
from priorauth.data import Data
from priorauth.model import Authorization, Service

MIN_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Projection:
    """When one count (units or visits) of an authorization runs out at the recent pace."""

    measure: str  # "units" or "visits"
    remaining: int
    used_in_window: int
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
    last to the end date.
    """
    use = use or rules.usage(data, auth, today)
    remaining = [
        (measure, left)
        for measure, left in (("units", use.units_remaining), ("visits", use.visits_remaining))
        if left is not None and left > 0
    ]
    if not remaining:
        return None
    start = today - dt.timedelta(days=weeks * 7 - 1)
    if auth.start_date is not None and auth.start_date > start:
        start = auth.start_date
    days = max((today - start).days + 1, MIN_WINDOW_DAYS)
    recent = window(rules.services_for(data, auth), start, today)
    if not recent:
        return None
    used = {
        "units": sum(s.units for s in recent),
        "visits": len({s.date for s in recent}),
    }
    best: Projection | None = None
    for measure, left in remaining:
        amount = used[measure]
        if amount <= 0:
            continue
        run_out = today + dt.timedelta(days=-(-left * days // amount))  # ceil, exact
        candidate = Projection(measure, left, amount, days, run_out, auth.end_date)
        if best is None or candidate.run_out < best.run_out:
            best = candidate
    if best is None or not best.runs_out_early:
        return None
    return best
