"""Use per cap period: how much of an authorization's weekly or monthly cap each period takes.

Weeks run Monday to Sunday; months are calendar months. Use is counted in the authorization's
``cap_measure``: units (sum of service units) or visits (distinct days of service). Services after
``today`` are scheduled and count too: a cap broken by the schedule is worth knowing in advance.
An authorization of several service lines has a cap per line, counted on the services that line
holds (:func:`lines_over_cap`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from priorauth import pace, rules, service_lines, usage
from priorauth.data import Data
from priorauth.model import Authorization, CapMeasure, CapPeriod, LineMeasure, Service, ServiceLine


@dataclass(frozen=True)
class PeriodUse:
    start: dt.date
    end: dt.date
    amount: float  # units (hours, on a line of hours) or visits in the period
    cap: float
    scheduled: bool  # some of it is still scheduled (after today)

    @property
    def over(self) -> float:
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
    """The periods ending on or after ``since`` whose use is above the cap (oldest first), for a
    one-line authorization (for several lines: :func:`lines_over_cap`)."""
    cap, period = auth.cap_amount, auth.cap_period
    if not cap or period is None:
        return []
    services = rules.services_for(data, auth)
    # a cap in units of an authorization counted in hours is in hours (a unit a quarter hour)
    per_unit = 1 / usage.UNITS_PER_HOUR if auth.measure == LineMeasure.HOURS else 1
    return _over(services, cap, period, auth.cap_measure, per_unit, since, today)


def lines_over_cap(
    data: Data,
    auth: Authorization,
    since: dt.date,
    today: dt.date,
    split: list[list[Service]] | None = None,
) -> list[tuple[int, ServiceLine, list[PeriodUse]]]:
    """:func:`over_cap` per service line: (index in ``lines_of``, line, its periods over its
    own cap) for each line over its cap; a line's use is that of the services it holds
    (``split``: :func:`priorauth.usage.services_by_line` of them, when already known)."""
    found: list[tuple[int, ServiceLine, list[PeriodUse]]] = []
    lines = service_lines.lines_of(auth)
    if not any(line.cap_amount and line.cap_period is not None for line in lines):
        return found
    if split is None:
        split, _ = usage.services_by_line(auth, rules.services_for(data, auth))
    for index, (line, services) in enumerate(zip(lines, split, strict=True)):
        cap, period = line.cap_amount, line.cap_period
        if not cap or period is None:
            continue
        per_unit = usage.per_unit(line)
        periods = _over(services, cap, period, line.cap_measure, per_unit, since, today)
        if periods:
            found.append((index, line, periods))
    return found


def _over(
    services: list[Service],
    cap: float,
    period: CapPeriod,
    measure: CapMeasure,
    per_unit: float,
    since: dt.date,
    today: dt.date,
) -> list[PeriodUse]:
    """The periods ending on or after ``since`` whose use of ``services`` (in date order) is
    above ``cap``; a unit of service counts ``per_unit`` (a quarter, on a line of hours)."""
    services = pace.window(services, period_start(since, period), dt.date.max)
    buckets: dict[dt.date, list[Service]] = {}
    for service in services:
        buckets.setdefault(period_start(service.date, period), []).append(service)
    found = []
    for start, in_period in buckets.items():
        end = period_end(start, period)
        if end < since:
            continue
        if measure == CapMeasure.VISITS:
            amount: float = len({s.date for s in in_period})
        else:
            amount = sum(s.units for s in in_period)
            if per_unit != 1:
                amount *= per_unit
        if amount > cap:
            found.append(PeriodUse(start, end, amount, cap, in_period[-1].date > today))
    return found
