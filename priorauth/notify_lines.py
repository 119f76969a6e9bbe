"""Notifications about counts and caps: an authorization of several service lines is used up,
runs low, runs out at the recent pace and goes over its cap line by line ("97155 has 3 of 40
units left"); a one-line authorization's cap (:func:`auth_over_cap`).

A one-line authorization is told about as a whole by :mod:`priorauth.notify`, with the keys it
always had (so its users' dismissals hold); a line's notification has a key of its own, the
authorization's key followed by the line's codes (``low_remaining:12:97155``), so dismissing one
line's leaves the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from priorauth import caps, pace, rules, usage
from priorauth.data import Data
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    PracticeSettings,
    Service,
    ServiceLine,
)
from priorauth.practice import is_low

Make = Callable[..., Any]  # notify._notification, with kind, data and today bound
PROJECTION_HORIZON_DAYS = 90  # a run-out further ahead is not worth a notification yet
OVER_CAP_LOOKBACK_DAYS = 31  # periods ending this many days ago or later are told about
# a cap's period (a week, a calendar month) begins less than this before any day it holds
_LONGEST_PERIOD = dt.timedelta(days=31)


def capped(auth: Authorization) -> bool:
    """Whether a line of ``auth`` (several lines) has a weekly or monthly cap."""
    for line in auth.lines:  # noqa: SIM110 (a loop, not any(): asked twice for every authorization)
        if line.cap_amount and line.cap_period is not None:
            return True
    return False


def line_key(index: int, line: ServiceLine) -> str:
    """A line's part of a notification key: its codes ("97155", "97153+97153-HN"), stable while
    they are (a line's codes are its own: no other line of the authorization holds them)."""
    return "+".join(line.codes) or f"line{index + 1}"


def number(value: float) -> str:
    """A count as people read it: 12, 7.5 (hours keep their fractions)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def for_lines(
    data: Data,
    auth: Authorization,
    name: str,
    today: dt.date,
    settings: PracticeSettings,
    make: Make,
    in_use: bool,
) -> Iterable[Any]:
    """Over cap, and (``in_use``: active and current) used up, running low and projected
    run-out, per line of ``auth`` (several lines)."""
    has_cap = capped(auth)
    if not (in_use or has_cap):
        return
    services = rules.services_for(data, auth)
    since = today - dt.timedelta(days=OVER_CAP_LOOKBACK_DAYS)
    if not in_use and (not services or services[-1].date < since - _LONGEST_PERIOD):
        return  # only its caps to tell, and no service (in date order) in a period told about
    # the services each line holds, split once for the caps, the counts and the run-out dates
    split, _ = usage.services_by_line(auth, services)
    if has_cap:
        yield from lines_over_cap(data, auth, name, today, since, make, split)
    if in_use:
        yield from _line_notifications(auth, name, today, settings, make, services, split)


def _line_notifications(
    auth: Authorization,
    name: str,
    today: dt.date,
    settings: PracticeSettings,
    make: Make,
    services: list[Service],
    split: list[list[Service]] | None = None,
) -> Iterable[Any]:
    """Used up, running low and projected run-out, per line of ``auth`` (``split``: its
    services as :func:`priorauth.usage.services_by_line` splits them, when already known)."""
    end = auth.end_date
    since, window_days = pace.window_start(auth, today, settings.pace_weeks)
    if split is None:
        split, _ = usage.services_by_line(auth, services)
    tallies, recents = usage.line_counts(auth, services, today, since, split)
    # A cheap bound, to leave out the projection of most lines: a count with ``left`` runs out
    # at the pace of ``amount`` over the window in ceil(left * window_days / amount) days, told
    # about when no more than ``horizon`` (before the end, within the horizon: as the projection
    # says). So one with left * window_days > (horizon + 1) * amount runs out later (by a whole
    # day more than any rounding of hours' fractions could make up): no projection to tell.
    horizon = PROJECTION_HORIZON_DAYS
    if end is not None and (end - today).days - 1 < horizon:
        horizon = (end - today).days - 1
    reach = horizon + 1
    for index, (line, tally, recent) in enumerate(zip(auth.lines, tallies, recents, strict=True)):
        # (a Usage's fields, ``ahead`` the scheduled: a Usage made only for a line projected)
        units_authorized, visits_authorized, units_used, visits_used, units_ahead, visits_ahead = (
            tally
        )
        if units_authorized is None and visits_authorized is None:
            continue  # a line with no cap: nothing runs out
        # (what, left, authorized, used) of each count the line caps, used up or running low
        # (what is left worked out from the plain counts: ten thousand lines a run)
        gone, low = [], []
        soon = False  # a count may run out within the horizon (the bound above)
        if units_authorized is not None:
            left = units_authorized - units_used
            if left <= 0 or is_low(left, units_authorized, settings):
                what = "hours" if line.measure == "hours" else "units"
                (gone if left <= 0 else low).append((what, left, units_authorized, units_used))
            soon = left * window_days <= reach * recent[0]
        if visits_authorized is not None:
            left = visits_authorized - visits_used
            if left <= 0 or is_low(left, visits_authorized, settings):
                (gone if left <= 0 else low).append(
                    ("visits", left, visits_authorized, visits_used)
                )
            soon = soon or left * window_days <= reach * recent[1]
        projected = (
            None
            if gone or not soon  # (used up; or not running out before the end or the horizon)
            else pace.line_projection(
                auth,
                usage.Usage(*tally),
                recent,
                today,
                days=window_days,
                within=PROJECTION_HORIZON_DAYS,
            )
        )
        if not (gone or low or projected):
            continue  # (most lines: nothing to say, no words built)
        label = usage.line_label(line)
        key = f"{auth.id}:{line_key(index, line)}"
        counts = f"{units_used}/{units_authorized}|{visits_used}/{visits_authorized}"
        if gone:
            what = "units" if gone[0][0] != "visits" else "visits"
            day = usage.line_ran_out_on(line, split[index], today, what)
            parts = " and ".join(
                f"{number(used)} of {number(authorized)} {what} used"
                + (f" ({number(-left)} over)" if left < 0 else "")
                for what, left, authorized, used in gone
            )
            yield make(
                "exhausted",
                date=day or auth.start_date or today,
                message=f"{name}: {label} is used up: {parts}.",
                key=f"exhausted:{key}",
                fingerprint=counts,
                line=label,
            )
        if low:
            parts = " and ".join(
                f"{number(left)} of {number(authorized)} {what}"
                for what, left, authorized, _ in low
            )
            scheduled = units_ahead if low[0][0] != "visits" else visits_ahead
            tail = f", {number(scheduled)} more already scheduled" if scheduled else ""
            worst = min(int(left * 100 // authorized) for _, left, authorized, _ in low)
            yield make(
                "low_remaining",
                date=today,
                message=f"{name}: {label} has {parts} left{tail}.",
                key=f"low_remaining:{key}",
                fingerprint=f"{counts}|{units_ahead}/{visits_ahead}",
                order=worst,
                line=label,
            )
        if projected is not None:
            what = _hours(projected.measure) if line.measure == "hours" else projected.measure
            rate = f"{projected.per_week:.1f} {what} a week"
            early = (
                f", {projected.days_before_end} days before it ends on {end:%m/%d/%Y}"
                if end is not None
                else " (it has no end date)"
            )
            yield make(
                "projected_exhaustion",
                date=projected.run_out,
                message=f"At {rate}, the {number(projected.remaining)} {what} of {label} left on "
                f"{name} run out around {projected.run_out:%m/%d/%Y}{early}.",
                key=f"projected_exhaustion:{key}",
                fingerprint=f"{counts}|{end}",
                line=label,
            )


def lines_over_cap(
    data: Data,
    auth: Authorization,
    name: str,
    today: dt.date,
    since: dt.date,
    make: Make,
    split: list[list[Service]] | None = None,
) -> Iterable[Any]:
    """A week's or month's use of a line above the line's own cap (several lines; ``split``:
    its services as :func:`priorauth.usage.services_by_line` splits them, when already known)."""
    for index, line, periods in caps.lines_over_cap(data, auth, since, today, split):
        label = usage.line_label(line)
        unit = "units" if line.cap_measure == CapMeasure.UNITS else "visits"
        if unit == "units" and line.measure == "hours":
            unit = "hours"
        for use in periods:
            if line.cap_period == CapPeriod.WEEK:
                span, per = f"the week of {use.start:%m/%d/%Y}", "a week"
            else:
                span, per = f"{use.start:%B %Y}", "a month"
            planned = " recorded or scheduled" if use.scheduled else ""
            yield make(
                "over_cap",
                date=use.start,
                message=f"{name}: {label} allows {number(use.cap)} {unit} {per}; {span} has "
                f"{number(use.amount)}{planned} ({number(use.over)} over).",
                key=f"over_cap:{auth.id}:{line_key(index, line)}:{use.start}",
                fingerprint=f"{use.cap}|{line.cap_period}|{line.cap_measure}|{use.amount}",
                line=label,
            )


def auth_over_cap(
    data: Data, auth: Authorization, name: str, today: dt.date, make: Make
) -> Iterable[Any]:
    """A week's or month's use of a one-line authorization above its cap."""
    since = today - dt.timedelta(days=OVER_CAP_LOOKBACK_DAYS)
    unit = "units" if auth.cap_measure == CapMeasure.UNITS else "visits"
    for use in caps.over_cap(data, auth, since, today):
        if auth.cap_period == CapPeriod.WEEK:
            span, per = f"the week of {use.start:%m/%d/%Y}", "a week"
        else:
            span, per = f"{use.start:%B %Y}", "a month"
        planned = " recorded or scheduled" if use.scheduled else ""
        yield make(
            "over_cap",
            date=use.start,
            message=f"{name} allows {use.cap} {unit} {per}; {span} has {use.amount}{planned} "
            f"({use.over} over).",
            key=f"over_cap:{auth.id}:{use.start}",
            fingerprint=f"{use.cap}|{auth.cap_period}|{auth.cap_measure}|{use.amount}",
        )


def _hours(what: str) -> str:
    return "hours" if what == "units" else what
