"""Report rows: the typed rows of each report, worked out from a snapshot for a day — expiring
authorizations, utilization by payer, clinician and service line, renewals to request.

Only active clients and their active, approved authorizations are counted. Usage is counted per
service line: utilization sums the lines that cap units (or visits); renewals give a row per line
that runs out. :mod:`priorauth.reports` lays these rows out as the tables the CLI, the app and
the workbook show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from priorauth import pace, rules, usage
from priorauth.data import Data
from priorauth.model import (
    Authorization,
    Client,
    ClientStatus,
    LineMeasure,
    PracticeSettings,
    RequestStatus,
)
from priorauth.practice import practice_settings
from priorauth.report_tables import Names, clinician_name
from priorauth.usage import LineUsage

DEFAULT_EXPIRING_DAYS = 30


# --- expiring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiringRow:
    client: Client
    auth: Authorization
    payer: str
    days_left: int
    use: rules.Usage
    renewal: Authorization | None  # the request or authorization already following it


def _current_auths(data: Data) -> list[tuple[Client, Authorization]]:
    found = []
    for auth in data.authorizations.values():
        client = data.clients.get(auth.client)
        if (
            client is not None
            and client.status == ClientStatus.ACTIVE
            and auth.active
            and auth.status == RequestStatus.APPROVED
        ):
            found.append((client, auth))
    return found


def following(data: Data, auth: Authorization) -> Authorization | None:
    """The renewal of ``auth`` already entered: marked as its renewal, or a later authorization
    (not denied) for the same client and payer."""
    later = [
        other
        for other in data.authorizations_for(auth.client, auth.payer)
        if other.id != auth.id
        and other.status != RequestStatus.DENIED
        and (
            other.renewal_of == auth.id
            or (
                other.start_date is not None
                and auth.start_date is not None
                and other.start_date > auth.start_date
            )
        )
    ]
    return min(later, key=lambda a: (a.start_date or dt.date.max, a.id), default=None)


def expiring(data: Data, today: dt.date, days: int = DEFAULT_EXPIRING_DAYS) -> list[ExpiringRow]:
    """Active authorizations ending from today through ``days`` days from now, soonest first."""
    rows = []
    for client, auth in _current_auths(data):
        end = auth.end_date
        if end is None or not 0 <= (end - today).days <= days:
            continue
        rows.append(
            ExpiringRow(
                client=client,
                auth=auth,
                payer=data.payer_name(auth.payer),
                days_left=(end - today).days,
                use=rules.usage(data, auth, today),
                renewal=following(data, auth),
            )
        )
    rows.sort(key=lambda r: (r.days_left, r.client.name.casefold(), r.auth.id))
    return rows


# --- utilization --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UtilizationRow:
    group: str  # the payer or clinician; "All" for the total
    authorizations: int
    units_authorized: int
    units_used: int
    visits_authorized: int
    visits_used: int

    @property
    def units_percent(self) -> float | None:
        return _percent(self.units_used, self.units_authorized)

    @property
    def visits_percent(self) -> float | None:
        return _percent(self.visits_used, self.visits_authorized)


def _percent(used: int, authorized: int) -> float | None:
    return round(used * 100 / authorized, 1) if authorized else None


def utilization(
    data: Data, today: dt.date, by: str = "payer", names: Names | None = None
) -> list[UtilizationRow]:
    """Authorized vs used, for the authorizations in force today, by payer or by clinician.

    Units (and visits) are summed only over the service lines that cap them, so the percent is of
    what was authorized; the last row is the total.
    """
    if by not in ("payer", "clinician"):
        raise ValueError(f"utilization by {by!r}: use 'payer' or 'clinician'")
    sums: dict[str, list[int]] = {}
    for client, auth in _current_auths(data):
        if not _in_force(auth, today):
            continue
        group = (
            data.payer_name(auth.payer)
            if by == "payer"
            else clinician_name(client.clinician, names) or "(none)"
        )
        row = sums.setdefault(group, [0, 0, 0, 0, 0])
        row[0] += 1
        # per service line: a line that caps units adds its units, whatever its other lines do
        uses = [lu.usage for lu in rules.lines_usage(data, auth, today)] if auth.lines else []
        for use in uses or [rules.usage(data, auth, today)]:
            _add_usage(row, use)
    rows = [UtilizationRow(g, *v) for g, v in sorted(sums.items(), key=lambda kv: kv[0].lower())]
    total = [sum(column) for column in zip(*sums.values(), strict=True)] or [0] * 5
    rows.append(UtilizationRow("All", *total))
    return rows


def _in_force(auth: Authorization, today: dt.date) -> bool:
    if auth.start_date is None or auth.start_date > today:
        return False
    return auth.end_date is None or auth.end_date >= today


def utilization_by_line(data: Data, today: dt.date) -> list[UtilizationRow]:
    """Authorized vs used per service line of the authorizations of several lines in force
    today, by the line's label (its procedure group or codes: "97155"); the last row is the
    total. Empty when no authorization has several lines."""
    sums: dict[str, list[float]] = {}
    for _, auth in _current_auths(data):
        if not auth.lines or not _in_force(auth, today):
            continue
        for lu in rules.lines_usage(data, auth, today):
            row = sums.setdefault(lu.label, [0, 0, 0, 0, 0])
            row[0] += 1
            _add_usage(row, lu.usage)
    if not sums:
        return []
    rows = [UtilizationRow(g, *v) for g, v in sorted(sums.items())]  # type: ignore[arg-type]
    total = [sum(column) for column in zip(*sums.values(), strict=True)]
    rows.append(UtilizationRow("All", *total))  # type: ignore[arg-type]
    return rows


# --- renewals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalRow:
    client: Client
    auth: Authorization
    payer: str
    reason: str  # "ends 12/05/2026", "runs out around 12/01/2026", "used up"
    needed_by: dt.date  # when the new authorization must be in place
    request_by: dt.date  # needed_by less the payer's turnaround (may be past: overdue)
    turnaround_days: int
    line: str = ""  # the service line it is about ("97155"), of an authorization of several


def _shifted(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, held within the calendar: a turnaround or margin typed as
    99999999 days must not break the report (nor the app) for everyone."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def renewals(
    data: Data, today: dt.date, settings: PracticeSettings | None = None
) -> list[RenewalRow]:
    """Authorizations whose renewal should be requested now: they end, are used up, or run out at
    the recent pace within the payer's turnaround plus the practice's margin, and no renewal is
    entered yet. The most pressing first."""
    settings = settings or practice_settings(data)
    rows = []
    for client, auth in _current_auths(data):
        payer = data.payers.get(auth.payer)
        turnaround = payer.turnaround_days if payer else 14
        horizon = _shifted(today, turnaround + settings.renewal_margin_days)
        ends: list[tuple[dt.date, str]] = []
        if auth.end_date is not None and auth.end_date <= horizon:
            verb = "ended" if auth.end_date < today else "ends"
            ends.append((auth.end_date, f"{verb} {auth.end_date:%m/%d/%Y}"))
        if auth.lines:  # a row per line: each line runs out on its own
            since, _ = pace.window_start(auth, today, settings.pace_weeks)
            tallies, recents = usage.line_tallies(
                auth, rules.services_for(data, auth), today, since
            )
            per_line = [
                (lu.label, _run_outs(auth, lu.usage, today, horizon, settings, lu, recent))
                for lu, recent in zip(tallies, recents, strict=True)
            ]
        else:
            use = rules.usage(data, auth, today)
            per_line = [("", _run_outs(auth, use, today, horizon, settings, data=data))]
        if not any(ends or reasons for _, reasons in per_line):
            continue
        if following(data, auth) is not None:
            continue
        rows += _renewal_rows(data, client, auth, turnaround, ends, per_line)
    rows.sort(key=lambda r: (r.request_by, r.client.name.casefold(), r.auth.id))
    return rows


def _renewal_rows(
    data: Data,
    client: Client,
    auth: Authorization,
    turnaround: int,
    ends: list[tuple[dt.date, str]],
    per_line: list[tuple[str, list[tuple[dt.date, str]]]],
) -> list[RenewalRow]:
    """A row per line whose own reason (used up, runs out) comes first, and one row for the
    authorization when its end comes first for any line (not a row per line, each saying the
    same end date)."""

    def row(needed_by: dt.date, reason: str, label: str = "") -> RenewalRow:
        return RenewalRow(
            client=client,
            auth=auth,
            payer=data.payer_name(auth.payer),
            reason=f"{label}: {reason}" if label else reason,
            needed_by=needed_by,
            request_by=_shifted(needed_by, -turnaround),
            turnaround_days=turnaround,
            line=label,
        )

    rows = []
    whole = False
    for label, reasons in per_line:
        if not ends + reasons:
            continue  # (another line of it runs out)
        first = min(ends + reasons)
        if label and ends and first == min(ends):
            whole = True
        else:
            rows.append(row(*first, label))
    if whole:
        rows.append(row(*min(ends)))
    return rows


def _run_outs(
    auth: Authorization,
    use: rules.Usage,
    today: dt.date,
    horizon: dt.date,
    settings: PracticeSettings,
    line: LineUsage | None = None,
    recent: tuple[float, int] = (0, 0),
    *,
    data: Data | None = None,
) -> list[tuple[dt.date, str]]:
    """Why the counts ``use`` (of ``auth``, or of its ``line``, which used ``recent`` units and
    visits lately) need a renewal by ``horizon``: used up, or run out at the recent pace."""
    if use.exhausted:
        return [(today, "used up")]
    weeks = settings.pace_weeks
    if line is not None:
        projected = pace.line_projection(auth, use, recent, today, weeks=weeks)
    else:
        projected = pace.projection(data, auth, today, weeks=weeks, use=use)  # type: ignore[arg-type]
    if projected is None or projected.run_out > horizon:
        return []
    what = projected.measure
    if line is not None and line.line.measure == LineMeasure.HOURS and what == "units":
        what = "hours"
    return [(projected.run_out, f"{what} run out around {projected.run_out:%m/%d/%Y}")]


def _add_usage(row: list[float], use: rules.Usage) -> None:
    """Add ``use`` to a utilization sum (count, units authorized and used, visits authorized and
    used): only the counts it caps."""
    if use.units_authorized is not None:
        row[1] += use.units_authorized
        row[2] += use.units_used
    if use.visits_authorized is not None:
        row[3] += use.visits_authorized
        row[4] += use.visits_used
