"""Reports: expiring authorizations, utilization by payer and by clinician, renewals to request.

Each report is computed as typed rows (for the app) and as a :class:`Report` of plain :class:`Table`
s (columns + values) that the CLI prints, dumps as JSON, and ``sync.writing.report_export`` writes
to a workbook — so all three show the same figures.

Only active clients and their active, approved authorizations are counted. Usage is counted per
service line: utilization sums the lines that cap units (or visits), and sums the lines of the
authorizations of several lines by line (97153, 97155...) in a table of its own, shaped as the
others; renewals give a row per line that runs out.
"""

from __future__ import annotations

import dataclasses
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
from priorauth.report_tables import Column, Names, Report, Table, clinician_name
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
            if use.units_authorized is not None:
                row[1] += use.units_authorized
                row[2] += use.units_used
            if use.visits_authorized is not None:
                row[3] += use.visits_authorized
                row[4] += use.visits_used
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
            use = lu.usage
            if use.units_authorized is not None:
                row[1] += use.units_authorized
                row[2] += use.units_used
            if use.visits_authorized is not None:
                row[3] += use.visits_authorized
                row[4] += use.visits_used
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
        horizon = today + dt.timedelta(days=turnaround + settings.renewal_margin_days)
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
        for label, reasons in per_line:
            if not ends + reasons:
                continue  # (another line of it runs out)
            needed_by, reason = min(ends + reasons)
            rows.append(
                RenewalRow(
                    client=client,
                    auth=auth,
                    payer=data.payer_name(auth.payer),
                    reason=f"{label}: {reason}" if label else reason,
                    needed_by=needed_by,
                    request_by=needed_by - dt.timedelta(days=turnaround),
                    turnaround_days=turnaround,
                    line=label,
                )
            )
    rows.sort(key=lambda r: (r.request_by, r.client.name.casefold(), r.auth.id))
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


# --- as tables ----------------------------------------------------------------------------------

_CLIENT_COLUMNS = (
    Column("client_id", "Client ID"),
    Column("client_name", "Client Name"),
    Column("clinician", "Clinician"),
    Column("payer", "Payer"),
    Column("auth_number", "Auth Number"),
)


URGENT_DAYS = 7  # days left at or below which a report emphasizes the number


def expiring_report(
    data: Data, today: dt.date, days: int = DEFAULT_EXPIRING_DAYS, names: Names | None = None
) -> Report:
    columns = (
        *_CLIENT_COLUMNS,
        Column("end_date", "End Date", "date"),
        Column("days_left", "Days Left", "int", urgent_at_most=URGENT_DAYS),
        Column("units_remaining", "Units Remaining", "int"),
        Column("visits_remaining", "Visits Remaining", "int"),
        Column("renewal", "Renewal"),
    )
    rows = tuple(
        (
            r.client.client_id,
            r.client.name,
            clinician_name(r.client.clinician, names),
            r.payer,
            r.auth.auth_number,
            r.auth.end_date,
            r.days_left,
            r.use.units_remaining,
            r.use.visits_remaining,
            _renewal_state(r.renewal),
        )
        for r in expiring(data, today, days)
    )
    table = Table(
        "authorizations", f"Expiring in the next {days} days", columns, rows, sheet="Expiring"
    )
    return Report("expiring", table.title, today, (table,), {"days": days})


def _renewal_state(renewal: Authorization | None) -> str:
    if renewal is None:
        return ""
    if renewal.status == RequestStatus.APPROVED:
        return f"approved {renewal.auth_number}".strip()
    since = f" {renewal.requested_on:%m/%d/%Y}" if renewal.requested_on else ""
    return f"{renewal.status}{since}"


def utilization_report(data: Data, today: dt.date, names: Names | None = None) -> Report:
    tables = []
    for by, title in (("payer", "Payer"), ("clinician", "Clinician")):
        columns = (
            Column(by, title),
            Column("authorizations", "Authorizations", "int"),
            Column("units_authorized", "Units Authorized", "int"),
            Column("units_used", "Units Used", "int"),
            Column("units_percent", "Units Used %", "percent"),
            Column("visits_authorized", "Visits Authorized", "int"),
            Column("visits_used", "Visits Used", "int"),
            Column("visits_percent", "Visits Used %", "percent"),
        )
        rows = tuple(
            (
                r.group,
                r.authorizations,
                r.units_authorized,
                r.units_used,
                r.units_percent,
                r.visits_authorized,
                r.visits_used,
                r.visits_percent,
            )
            for r in utilization(data, today, by, names)
        )
        tables.append(
            Table(f"by_{by}", f"Utilization by {by}", columns, rows, sheet=f"By {title}", totals=1)
        )
    by_line = utilization_by_line(data, today)
    if by_line:  # the lines of authorizations of several lines (none: the report as before)
        columns = (Column("line", "Service Line"), *columns[1:])
        rows = tuple(
            (
                r.group,
                r.authorizations,
                r.units_authorized,
                r.units_used,
                r.units_percent,
                r.visits_authorized,
                r.visits_used,
                r.visits_percent,
            )
            for r in by_line
        )
        title = "Utilization by service line (authorizations of several lines)"
        tables.append(Table("by_line", title, columns, rows, sheet="By Service Line", totals=1))
    return Report("utilization", "Utilization: authorized vs used", today, tuple(tables))


def renewals_report(
    data: Data,
    today: dt.date,
    settings: PracticeSettings | None = None,
    names: Names | None = None,
) -> Report:
    settings = settings or practice_settings(data)
    columns = (
        *_CLIENT_COLUMNS,
        Column("reason", "Reason"),
        Column("needed_by", "Needed By", "date"),
        Column("request_by", "Request By", "date"),
        Column("turnaround_days", "Turnaround Days", "int"),
    )
    rows = tuple(
        (
            r.client.client_id,
            r.client.name,
            clinician_name(r.client.clinician, names),
            r.payer,
            r.auth.auth_number,
            r.reason,
            r.needed_by,
            r.request_by,
            r.turnaround_days,
        )
        for r in renewals(data, today, settings)
    )
    margin = settings.renewal_margin_days
    table = Table(
        "renewals",
        f"Renewals to request now (payer turnaround + {margin} days)",
        columns,
        rows,
        sheet="Renewals",
    )
    return Report("renewals", table.title, today, (table,), {"margin_days": margin})


REPORTS: dict[str, str] = {
    "expiring": "authorizations expiring in the next N days (default 30)",
    "utilization": "units and visits authorized vs used, by payer and by clinician",
    "renewals": "renewals to request now: the payer's turnaround plus a margin of N days",
}


def build(
    kind: str,
    data: Data,
    today: dt.date,
    *,
    days: int | None = None,
    clinicians: Names | None = None,
) -> Report:
    """The report ``kind`` (a key of :data:`REPORTS`). ``days`` is the look-ahead of
    ``expiring`` and the margin of ``renewals`` (default: the practice's setting);
    ``clinicians`` names clinicians by their accounts (where the practice gave a name)."""
    if kind == "expiring":
        days = DEFAULT_EXPIRING_DAYS if days is None else days
        return expiring_report(data, today, days, clinicians)
    if kind == "utilization":
        return utilization_report(data, today, clinicians)
    if kind == "renewals":
        settings = practice_settings(data)
        if days is not None:
            settings = dataclasses.replace(settings, renewal_margin_days=days)
        return renewals_report(data, today, settings, clinicians)
    raise ValueError(f"unknown report {kind!r}: use one of {', '.join(REPORTS)}")
