"""What the tables show, computed from a snapshot through the domain rules.

Each row is a plain frozen value, so a refresh can compare the new rows with the old and leave the
screen alone when nothing visible changed (no flicker on every poll).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from priorauth import coverage, notify, pace, rules, service_lines, usage
from priorauth.data import Data
from priorauth.model import (
    Authorization,
    Client,
    ClientStatus,
    PracticeSettings,
    RequestStatus,
    ServiceLine,
)
from priorauth.services import launch
from tui import fmt

# How full a count is: "ok", "low" (at or below the practice's threshold), "out" (nothing left
# or over), "none" (no cap / nothing to say).
Level = str


def settings(data: Data) -> PracticeSettings:
    """The practice's thresholds, read once per snapshot."""
    found = data.derived.get("tui.settings")
    if found is None:
        found = data.derived["tui.settings"] = notify.practice_settings(data)
    return found


def count_level(remaining: int | None, authorized: int | None, data: Data) -> Level:
    if remaining is None or authorized is None:
        return "none"
    if remaining <= 0:
        return "out"
    if notify.is_low(remaining, authorized, settings(data)):
        return "low"
    return "ok"


def worst(*levels: Level) -> Level:
    order = ("out", "low", "ok", "none")
    return min(levels, key=order.index)


def end_level(auth: Authorization | None, today: dt.date) -> Level:
    """ "out" once ended, "low" inside the reminder window."""
    if auth is None or auth.end_date is None:
        return "none"
    if auth.end_date < today:
        return "out"
    if auth.reminder_days is not None and (auth.end_date - today).days <= auth.reminder_days:
        return "low"
    return "ok"


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    client_id: str
    dob: dt.date | None
    payer: str
    auth_number: str  # display number of the primary's standing authorization ("" = none)
    units_remaining: int | None
    units_authorized: int | None
    visits_remaining: int | None
    visits_authorized: int | None
    units_level: Level
    visits_level: Level
    next_end: dt.date | None  # the end of that same authorization
    end_level: Level
    status: ClientStatus
    clinician: str
    search: str  # what type-to-filter matches against (case-folded)
    open_ended: bool = False  # an active authorization without an end date
    counted: bool = True  # False: usage not worked out yet (first paint of a large file)
    line: str = ""  # an authorization of several lines: the counts are its least-remaining line's


def client_row(data: Data, client: Client, today: dt.date, counts: bool = True) -> ClientRow:
    ins = coverage.main_coverage(client, today)
    # One authorization speaks for the row: its number, counts and end ("one story", rules);
    # of several lines, the one with the least left (launch.shown_usage, kept between processes)
    auth = launch.standing(data, client, today)
    use, line = launch.shown_usage(data, auth, today) if auth and counts else (None, "")
    payer = data.payer_name(ins.payer_id) if ins else ""
    number = auth.display_number if auth else ""
    if auth is not None and not auth.active:
        number += " off"  # only an inactive one covers today: flagged in words, as in box 23
    dob = f"{client.dob:%m/%d/%Y}" if client.dob else ""
    return ClientRow(
        id=client.id,
        name=client.name,
        client_id=client.client_id,
        dob=client.dob,
        payer=payer,
        auth_number=number,
        units_remaining=use.units_remaining if use else None,
        units_authorized=use.units_authorized if use else None,
        visits_remaining=use.visits_remaining if use else None,
        visits_authorized=use.visits_authorized if use else None,
        units_level=count_level(use.units_remaining, use.units_authorized, data) if use else "none",
        visits_level=(
            count_level(use.visits_remaining, use.visits_authorized, data) if use else "none"
        ),
        next_end=auth.end_date if auth else None,
        end_level=end_level(auth, today),
        status=client.status,
        clinician=client.clinician,
        search=" ".join((client.name, client.first_name, client.client_id, payer, number, dob))
        .casefold()
        .replace(",", ""),
        open_ended=auth is not None and auth.end_date is None,
        counted=counts or auth is None,
        line=line,
    )


def client_rows(data: Data, today: dt.date, *, counts: bool = True) -> list[ClientRow]:
    """Every client's row (cached per snapshot and day). Without ``counts`` the usage is not
    worked out (no services are read): the first paint of a large file."""
    key = ("tui.client_rows", today, counts)
    rows = data.derived.get(key)
    if rows is None:
        clients = data.clients
        by_client = data.per_client(
            key, lambda i: client_row(data, clients[i], today, counts), clients.keys()
        )
        rows = data.derived[key] = list(by_client.values())
    return rows


@dataclass(frozen=True)
class LineRow:
    """One service line of an authorization of several: its label and usage, and its cap in
    words ("" when it has none)."""

    index: int
    label: str
    usage: rules.Usage
    units_level: Level
    visits_level: Level
    cap: str = ""


def cap_words(line: ServiceLine) -> str:
    """A service line's weekly or monthly cap in words ("cap 20 units/week"); "" for none."""
    if not (line.cap_amount and line.cap_period):
        return ""
    return f"cap {fmt.number(line.cap_amount)} {line.cap_measure.value}/{line.cap_period.value}"


def line_rows(data: Data, auth: Authorization, use_today: dt.date) -> tuple[LineRow, ...]:
    """Each line's row for an authorization of several lines; () for one line (shown as its
    authorization's row alone, as always)."""
    if not auth.lines:
        return ()
    services = rules.services_for(data, auth)
    return tuple(
        LineRow(
            index=lu.index,
            label=lu.label,
            usage=lu.usage,
            units_level=count_level(lu.usage.units_remaining, lu.usage.units_authorized, data),
            visits_level=count_level(lu.usage.visits_remaining, lu.usage.visits_authorized, data),
            cap=cap_words(lu.line),
        )
        for lu in usage.line_usages(auth, services, use_today)
    )


def line_key(auth_id: int, index: int) -> str:
    """The table key of a line's row: its authorization's id and the line ("12/1")."""
    return f"{auth_id}/{index}"


def auth_id_of(key: str) -> int:
    """The authorization a table key stands for (an authorization's row or one of its lines)."""
    return int(key.partition("/")[0])


@dataclass(frozen=True)
class AuthRow:
    id: int
    client: int
    client_name: str
    clinician: str
    number: str  # display number, with " C" when confirmed to billing
    payer: str
    codes: tuple[str, ...]
    start: dt.date | None
    end: dt.date | None
    active: bool
    status: RequestStatus
    reminder_days: int | None
    follow_up: dt.date | None
    usage: rules.Usage
    units_level: Level
    visits_level: Level
    end_level: Level
    run_out: dt.date | None  # projected run-out at the recent pace (None: lasts / no pace)
    ended: bool  # the end date has passed
    folded: bool  # ended and inactive, or denied: hidden in the client's tracker unless asked
    search: str
    lines: tuple[LineRow, ...] = ()  # an authorization of several lines: each one (else empty)


def auth_row(data: Data, auth: Authorization, today: dt.date) -> AuthRow:
    client = data.clients.get(auth.client)
    use = rules.usage(data, auth, today)
    projected = None
    if auth.active and auth.status == RequestStatus.APPROVED:
        projected = pace.projection(data, auth, today, weeks=settings(data).pace_weeks, use=use)
    ended = auth.end_date is not None and auth.end_date < today
    payer = data.payer_name(auth.payer)
    name = client.name if client else f"(client #{auth.client})"
    return AuthRow(
        id=auth.id,
        client=auth.client,
        client_name=name,
        clinician=client.clinician if client else "",
        number=auth.display_number,
        payer=payer,
        codes=tuple(service_lines.all_codes(auth)),
        start=auth.start_date,
        end=auth.end_date,
        active=auth.active,
        status=auth.status,
        reminder_days=auth.reminder_days,
        follow_up=auth.follow_up_on,
        usage=use,
        units_level=count_level(use.units_remaining, use.units_authorized, data),
        visits_level=count_level(use.visits_remaining, use.visits_authorized, data),
        end_level=end_level(auth, today) if auth.active else "none",
        run_out=projected.run_out if projected else None,
        ended=ended,
        folded=(ended and not auth.active) or auth.status == RequestStatus.DENIED,
        search=" ".join(
            (
                name,
                client.client_id if client else "",
                auth.auth_number,
                payer,
                *service_lines.all_codes(auth),
            )
        )
        .casefold()
        .replace(",", ""),
        lines=line_rows(data, auth, today),
    )


def auth_rows(data: Data, today: dt.date) -> list[AuthRow]:
    """Every authorization's row (cached per snapshot and day)."""
    key = ("tui.auth_rows", today)
    rows = data.derived.get(key)
    if rows is None:
        by_client = data.per_client(
            key,
            lambda i: tuple(auth_row(data, a, today) for a in data.authorizations_for(i)),
            data.auths_by_client.keys(),
        )
        rows = [row for found in by_client.values() for row in found]
        rows.sort(key=lambda r: r.id)
        data.derived[key] = rows
    return rows


def auth_rows_ready(data: Data, today: dt.date) -> bool:
    """Whether :func:`auth_rows` of this snapshot and day are worked out (no waiting)."""
    return ("tui.auth_rows", today) in data.derived


def client_auth_rows(data: Data, client_id: int, today: dt.date) -> list[AuthRow]:
    """The client's authorizations, newest first (active ones on top)."""
    rows = [auth_row(data, a, today) for a in data.authorizations_for(client_id)]
    rows.sort(key=lambda r: (not r.active, -(r.start or dt.date.min).toordinal(), -r.id))
    return rows


def matches(search: str, query: str) -> bool:
    """Every word of ``query`` appears in ``search`` (both case-folded)."""
    return all(word in search for word in query.casefold().replace(",", " ").split())


def no_clients_of(data: Data, user: str) -> str:
    """For "m" (my clients) when nothing shows: a sentence when no client at all has ``user``
    as clinician (and how to see everyone again), else "" (other narrowings hid the rows)."""
    if any(c.clinician == user for c in data.clients.values()):
        return ""
    return f"No client has {user} as clinician: m shows all clients again."
