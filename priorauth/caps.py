"""Use per cap period: how much of an authorization's weekly or monthly cap each period takes.

Weeks run Monday to Sunday; months are calendar months. Use is counted in the authorization's
``cap_measure``: units (sum of service units) or visits (distinct days of service). Services after
``today`` are scheduled and count too: a cap broken by the schedule is worth knowing in advance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from priorauth import pace, rules, usage
from priorauth.data import Data
from priorauth.model import Authorization, CapMeasure, CapPeriod, LineMeasure, Service


@dataclass(frozen=True)
class PeriodUse:
    start: dt.date
    end: dt.date
    amount: float  # units (hours, on an authorization counted in hours) or visits in the period
    cap: float
    scheduled: bool  # some of it is still scheduled (after today)

    @property
    def over(self) -> int:
        return self.amount - self.cap


def period_start(day: dt.date, period: CapPeriod) -> dt.date:
    if period == CapPeriod.WEEK:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end(start: dt.date, period: CapPeriod) -> dt.date:
    if period == CapPeriod.WEEK:
        return start + dt.timedelta(days=6)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def over_cap(data: Data, auth: Authorization, since: dt.date, today: dt.date) -> list[PeriodUse]:
    """The periods ending on or after ``since`` whose use is above the cap (oldest first)."""
    cap, period = auth.cap_amount, auth.cap_period
    if not cap or period is None:
        return []
    # a cap in units of an authorization counted in hours is in hours (a unit a quarter hour)
    per_unit = 1 / usage.UNITS_PER_HOUR if auth.measure == LineMeasure.HOURS else 1
    services = pace.window(rules.services_for(data, auth), period_start(since, period), dt.date.max)
    buckets: dict[dt.date, list[Service]] = {}
    for service in services:
        buckets.setdefault(period_start(service.date, period), []).append(service)
    found = []
    for start, in_period in buckets.items():
        end = period_end(start, period)
        if end < since:
            continue
        if auth.cap_measure == CapMeasure.VISITS:
            amount = len({s.date for s in in_period})
        else:
            amount = sum(s.units for s in in_period) * per_unit
        if amount > cap:
            found.append(PeriodUse(start, end, amount, cap, in_period[-1].date > today))
    return found
