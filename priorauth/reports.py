"""Reports: expiring authorizations, utilization by payer and by clinician, renewals to request.

Each report's typed rows (:mod:`priorauth.report_rows`, what the app lists) laid out as a
:class:`Report` of plain :class:`Table` s (columns + values) that the CLI prints, dumps as JSON,
and ``sync.writing.report_export`` writes to a workbook — so all three show the same figures.
Utilization adds a table of its own for the authorizations of several lines, by line (97153,
97155...), shaped as the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from priorauth.data import Data
from priorauth.model import (
    Authorization,
    PracticeSettings,
    RequestStatus,
)
from priorauth.practice import practice_settings
from priorauth.report_rows import (
    DEFAULT_EXPIRING_DAYS,
    expiring,
    renewals,
    utilization,
    utilization_by_line,
)
from priorauth.report_tables import Column, Names, Report, Table, clinician_name

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
