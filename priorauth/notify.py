"""Notifications: what staff must act on, computed from a snapshot for a given day.

Kinds (DESIGN.md "Notifications"), most urgent first:

- ``exhausted``: units or visits remaining at or below zero (active, current authorization).
- ``expired``: still marked active, end date passed.
- ``service_outside_auth``: a recorded (or scheduled) service no authorization covers, unless the
  client's insurance with that payer does not require prior authorization.
- ``over_cap``: a week's (Monday to Sunday) or calendar month's use above the authorization's cap,
  in ``cap_measure`` units or visits (distinct days); periods ending in the last
  :data:`OVER_CAP_LOOKBACK_DAYS` days, the current one and scheduled ones.
- ``no_active_auth``: active client, an insurance requiring prior authorization, and no active
  authorization for that payer covering the day (not raised when the active one has expired:
  ``expired`` says so already). When an inactive one covers the day it says so and asks to make
  it active (one story with box 23: see "one story" in :mod:`priorauth.rules`).
- ``follow_up_due``: a requested / pending authorization whose follow-up date has come.
- ``expiring``: active, reminder set, end date within its reminder days (the end date itself
  included; reminder days None = no reminder).
- ``low_remaining``: remaining above zero and at or below the practice's threshold: the larger of
  ``low_percent`` % of authorized and ``low_floor``.
- ``projected_exhaustion``: at the recent pace (:mod:`priorauth.pace`) the units or visits run out
  before the end date (or, open-ended, at all), within :data:`PROJECTION_HORIZON_DAYS`.

An authorization of several service lines is used up, runs low, runs out and goes over its cap
line by line (:mod:`priorauth.notify_lines`: "97155 has 3 of 40 units left", a key per line); a
one-line authorization is told about as a whole, with the keys it always had.

Discharged clients get only the kinds about recorded services (``service_outside_auth``,
``over_cap``). Each user may dismiss or snooze a notification (:class:`~priorauth.model.Dismissal`);
:func:`visible` hides those until the notification's ``fingerprint`` (its facts) changes or the
snooze ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from priorauth import coverage, notify_lines, pace, rules
from priorauth.data import Data
from priorauth.model import (
    Authorization,
    Client,
    ClientStatus,
    PracticeSettings,
    RequestStatus,
)
from priorauth.practice import is_low, practice_settings  # the app uses notify.is_low
from priorauth.seen import (  # re-exported: notify.visible etc.
    dismissals_of,
    for_clinician,
    hiding,
    visible,
)
from priorauth.usage import ran_out_on

KIND_LABELS: dict[str, str] = {
    "exhausted": "Used up",
    "expired": "Expired but still active",
    "service_outside_auth": "Services no authorization covers",
    "over_cap": "Over the weekly or monthly cap",
    "no_active_auth": "No active authorization",
    "follow_up_due": "Follow up with the payer",
    "expiring": "Expiring soon",
    "low_remaining": "Running low",
    "projected_exhaustion": "Will run out before the end date",
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)  # in order of urgency
_RANK = {kind: i for i, kind in enumerate(KINDS)}

OVER_CAP_LOOKBACK_DAYS = notify_lines.OVER_CAP_LOOKBACK_DAYS
PROJECTION_HORIZON_DAYS = notify_lines.PROJECTION_HORIZON_DAYS
DEFAULT_SNOOZE_DAYS = 7
_WAITING = (RequestStatus.REQUESTED, RequestStatus.PENDING)


@dataclass(frozen=True)
class Notification:
    kind: str
    client: int  # Client.id
    authorization: int | None  # Authorization.id (None: about a client or a service)
    payer: str  # payer name
    date: dt.date  # the relevant date: end date, run-out date, service date, follow-up date...
    message: str  # one sentence
    key: str  # stable identity across days and snapshots
    fingerprint: str  # the facts; a dismissal holds while they are unchanged
    urgency: int  # lower = more urgent
    line: str = ""  # the service line it is about ("97155"), of an authorization of several

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


# --- computing ----------------------------------------------------------------------------------


def compute(
    data: Data, today: dt.date, *, settings: PracticeSettings | None = None
) -> list[Notification]:
    """Every notification for ``today``, most urgent first (cached per snapshot and day)."""
    settings = settings or practice_settings(data)
    cache_key = (
        "notifications",
        today,
        settings.low_percent,
        settings.low_floor,
        settings.pace_weeks,
    )
    cached = data.derived.get(cache_key)
    if cached is None:
        by_client = data.per_client(
            cache_key,
            lambda client_id: tuple(for_client(data, client_id, today, settings)),
            data.clients.keys(),
        )
        found = [n for notes in by_client.values() for n in notes]
        names = {c.id: c.name.casefold() for c in data.clients.values()}
        found.sort(key=lambda n: (n.urgency, names.get(n.client, ""), n.key))
        cached = data.derived[cache_key] = tuple(found)
    return list(cached)


def for_client(
    data: Data, client_id: int, today: dt.date, settings: PracticeSettings
) -> list[Notification]:
    """The notifications about one client (in no particular order): :func:`compute` is these
    for every client, sorted. They depend only on the client, its authorizations, the services
    counting against those, its services no authorization covers, the payers and the settings."""
    client = data.clients.get(client_id)
    if client is None:
        return []
    found: list[Notification] = []
    for auth in data.authorizations_for(client_id):
        if (
            (auth.cap_amount and auth.cap_period is not None)
            or (client.status == ClientStatus.ACTIVE and (auth.active or auth.status in _WAITING))
            or (auth.lines and notify_lines.capped(auth))
        ):
            found.extend(_for_authorization(data, client, auth, today, settings))
    found.extend(_no_active_auth(data, client, today))
    found.extend(_outside_auth(data, client, today))
    return found


def _notification(
    kind: str,
    data: Data,
    today: dt.date,
    *,
    client: int,
    auth: Authorization | None,
    payer: int,
    date: dt.date,
    message: str,
    key: str,
    fingerprint: str,
    order: int | None = None,
    line: str = "",
) -> Notification:
    """``order`` places it within its kind (default: days from today to ``date``)."""
    offset = (date - today).days if order is None else order
    urgency = _RANK[kind] * 100_000 + min(max(offset + 50_000, 0), 99_999)
    return Notification(
        kind=kind,
        client=client,
        authorization=auth.id if auth else None,
        payer=data.payer_name(payer),
        date=date,
        message=message,
        key=key,
        fingerprint=fingerprint,
        urgency=urgency,
        line=line,
    )


def _for_authorization(
    data: Data, client: Client, auth: Authorization, today: dt.date, settings: PracticeSettings
) -> Iterable[Notification]:
    payer = data.payer_name(auth.payer)
    name = _auth_name(auth, payer)
    common = {"client": client.id, "auth": auth, "payer": auth.payer}
    if auth.cap_amount and auth.cap_period is not None:
        make = partial(_notification, data=data, today=today, **common)
        yield from notify_lines.auth_over_cap(data, auth, name, today, make)
    in_use = False
    if client.status == ClientStatus.ACTIVE:
        in_use = yield from _request_and_dates(data, auth, name, payer, today, common)
    if auth.lines:  # over cap, used up, running low, running out: line by line
        make = partial(_notification, data=data, today=today, **common)
        yield from notify_lines.for_lines(data, auth, name, today, settings, make, in_use)
        return
    if not in_use:
        return
    end = auth.end_date
    use = rules.usage(data, auth, today)
    counts = f"{use.units_used}/{use.units_authorized}|{use.visits_used}/{use.visits_authorized}"
    measures = [
        (what, left, authorized, used)
        for what, left, authorized, used in (
            ("units", use.units_remaining, use.units_authorized, use.units_used),
            ("visits", use.visits_remaining, use.visits_authorized, use.visits_used),
        )
        if left is not None and authorized is not None
    ]
    gone = [m for m in measures if m[1] <= 0]
    if gone:
        run_out = _ran_out_on(data, auth, today, gone[0][0], gone[0][2])
        parts = " and ".join(
            f"{used} of {authorized} {what} used" + (f" ({-left} over)" if left < 0 else "")
            for what, left, authorized, used in gone
        )
        yield _notification(
            "exhausted",
            data,
            today,
            **common,
            date=run_out,
            message=f"{name} is used up: {parts}.",
            key=f"exhausted:{auth.id}",
            fingerprint=counts,
        )
    low = [m for m in measures if is_low(m[1], m[2], settings)]
    if low:
        parts = " and ".join(
            f"{left} of {authorized} {what} left" for what, left, authorized, _ in low
        )
        scheduled = use.units_scheduled if low[0][0] == "units" else use.visits_scheduled
        tail = f", {scheduled} more already scheduled" if scheduled else ""
        worst = min(left * 100 // authorized for _, left, authorized, _ in low)
        yield _notification(
            "low_remaining",
            data,
            today,
            **common,
            date=today,
            message=f"{name} is running low: {parts}{tail}.",
            key=f"low_remaining:{auth.id}",
            fingerprint=f"{counts}|{use.units_scheduled}/{use.visits_scheduled}",
            order=worst,
        )
    if gone:
        return
    projected = pace.projection(data, auth, today, weeks=settings.pace_weeks, use=use)
    if projected is not None and (projected.run_out - today).days <= PROJECTION_HORIZON_DAYS:
        rate = f"{projected.per_week:.1f} {projected.measure} a week"
        early = (
            f", {projected.days_before_end} days before it ends on {end:%m/%d/%Y}"
            if end is not None
            else " (it has no end date)"
        )
        yield _notification(
            "projected_exhaustion",
            data,
            today,
            **common,
            date=projected.run_out,
            message=f"At {rate}, the {projected.remaining} {projected.measure} left on {name} "
            f"run out around {projected.run_out:%m/%d/%Y}{early}.",
            key=f"projected_exhaustion:{auth.id}",
            fingerprint=f"{counts}|{end}",
        )


def _request_and_dates(
    data: Data,
    auth: Authorization,
    name: str,
    payer: str,
    today: dt.date,
    common: dict[str, Any],
) -> Generator[Notification, None, bool]:
    """Follow-up due, expired, expiring; returns whether ``auth`` is in use today (active,
    approved, started and not ended), so that its usage is worth telling."""
    if auth.status in _WAITING:
        if auth.follow_up_on is not None and auth.follow_up_on <= today:
            ref = f" (reference {auth.payer_reference})" if auth.payer_reference else ""
            yield _notification(
                "follow_up_due",
                data,
                today,
                **common,
                date=auth.follow_up_on,
                message=f"Follow up with {payer} on the {auth.status} request{ref}: due "
                f"{_day(auth.follow_up_on, today)}.",
                key=f"follow_up_due:{auth.id}",
                fingerprint=f"{auth.follow_up_on}|{auth.status}",
            )
        return False
    if not auth.active or auth.status == RequestStatus.DENIED:
        return False
    end = auth.end_date
    if end is not None and end < today:
        yield _notification(
            "expired",
            data,
            today,
            **common,
            date=end,
            message=f"{name} ended {_day(end, today)} but is still marked active.",
            key=f"expired:{auth.id}",
            fingerprint=f"{end}",
        )
        return False
    if (
        end is not None
        and auth.reminder_days is not None
        and (end - today).days <= (auth.reminder_days)
    ):
        left = (end - today).days
        when = "today" if left == 0 else "tomorrow" if left == 1 else f"in {left} days"
        yield _notification(
            "expiring",
            data,
            today,
            **common,
            date=end,
            message=f"{name} expires {when}, on {end:%m/%d/%Y}.",
            key=f"expiring:{auth.id}",
            fingerprint=f"{end}",
        )
    return auth.start_date is None or auth.start_date <= today  # (not started: nothing used)


def _ran_out_on(
    data: Data, auth: Authorization, today: dt.date, measure: str, authorized: int
) -> dt.date:
    """The date of service that used the last unit or visit (the start when carried in)."""
    day = ran_out_on(auth, rules.services_for(data, auth), today, measure)
    return day or auth.start_date or today


def _no_active_auth(data: Data, client: Client, today: dt.date) -> Iterable[Notification]:
    if client.status == ClientStatus.ACTIVE:
        for ins in coverage.coverages_in_force(client, today):
            if not ins.prior_auth_required:
                continue
            auths = data.authorizations_for(client.id, ins.payer_id)
            if any(a.active and rules.covers(a, today) for a in auths):
                continue
            if any(a.active and a.end_date is not None and a.end_date < today for a in auths):
                continue  # reported as expired
            # no active one covers today: an inactive one may (box 23 shows it, flagged)
            covering = rules.covering_authorization(data, client.id, ins.payer_id, today)
            payer = data.payer_name(ins.payer_id)
            facts = ",".join(
                f"{a.id}/{a.start_date}/{a.end_date}/{a.status}/{a.active}"
                for a in sorted(auths, key=lambda a: a.id)
            )
            if covering is not None:  # rules: "one story", rule 2
                yield _notification(
                    "no_active_auth",
                    data,
                    today,
                    client=client.id,
                    auth=covering,
                    payer=ins.payer_id,
                    date=today,
                    message=f"{today:%m/%d/%Y} is covered only by inactive {payer} authorization "
                    f"{covering.auth_number or '(no number)'} "
                    f"({_span(covering)}) — make it active?",
                    key=f"no_active_auth:{client.id}:{ins.payer_id}",
                    fingerprint=facts,
                )
                continue
            ended = [a.end_date for a in auths if a.end_date is not None and a.end_date < today]
            upcoming = [
                a.start_date
                for a in auths
                if a.active and a.start_date is not None and a.start_date > today
            ]
            waiting = [a for a in auths if a.status in _WAITING]
            since = max(ended) + dt.timedelta(days=1) if ended else today
            detail = ""  # (nothing covers today, so every one that ended did so before it)
            if ended:
                detail += f"; the last one ended {max(ended):%m/%d/%Y}"
            if upcoming:
                detail += f"; the next one starts {min(upcoming):%m/%d/%Y}"
            if waiting:
                detail += f"; a request is {waiting[0].status}"
            yield _notification(
                "no_active_auth",
                data,
                today,
                client=client.id,
                auth=None,
                payer=ins.payer_id,
                date=since,
                message=f"No active {payer} authorization covers {today:%m/%d/%Y}, and "
                f"{payer} requires one{detail}.",
                key=f"no_active_auth:{client.id}:{ins.payer_id}",
                fingerprint=facts,
            )


def _span(auth: Authorization) -> str:
    start = f"{auth.start_date:%m/%d/%Y}" if auth.start_date else "no start"
    return f"{start}–{auth.end_date:%m/%d/%Y}" if auth.end_date else f"from {start}"


def _outside_auth(data: Data, client: Client, today: dt.date) -> Iterable[Notification]:
    for service in rules.uncovered_services_of(data, client.id):
        if not coverage.requires_prior_auth(client, service.payer, service.date):
            continue
        payer = data.payer_name(service.payer)
        what = f"{service.procedure_code} session" if service.procedure_code else "session"
        when = (
            f"scheduled for {service.date:%m/%d/%Y}"
            if service.date > today
            else f"on {service.date:%m/%d/%Y}"
        )
        yield _notification(
            "service_outside_auth",
            data,
            today,
            client=client.id,
            auth=None,
            payer=service.payer,
            date=service.date,
            message=f"The {what} {when} ({service.units} unit"
            f"{'s' if service.units != 1 else ''}, {payer}) is not covered by any "
            "authorization.",
            key=f"service_outside_auth:{service.id}",
            fingerprint=f"{service.date}|{service.procedure_code}|{service.units}|{service.payer}",
        )


def _auth_name(auth: Authorization, payer: str) -> str:
    if auth.auth_number:
        return f"{payer} authorization {auth.auth_number}"
    return f"The {payer} authorization without a number"


def _day(day: dt.date, today: dt.date) -> str:
    """ "11/20/2026 (3 days ago)", "11/22/2026 (yesterday)": a past or present date."""
    ago = (today - day).days
    when = "today" if ago == 0 else "yesterday" if ago == 1 else f"{ago} days ago"
    return f"{day:%m/%d/%Y} ({when})"


__all__ = [
    "KINDS",
    "KIND_LABELS",
    "Notification",
    "compute",
    "dismissals_of",
    "for_client",
    "for_clinician",
    "hiding",
    "is_low",
    "practice_settings",
    "visible",
]
