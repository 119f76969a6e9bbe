"""The canonical workbook's rows: one list of cell values per record, in the columns' order.

Shared by the export (whole sheets) and the write-back (one row at a time into a practice's own
log, column by column). Values are what a spreadsheet should hold: real dates, whole numbers,
"Yes"/"No", blanks as None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from priorauth import coverage, rules, service_lines
from priorauth.data import Data
from priorauth.model import Authorization, Client, LineMeasure, Priority, Service
from sync.parsing import cells
from sync.parsing.cells import describe_cap
from sync.recognising.columns import AUTH_EXTRA_HEADERS, AUTH_HEADERS, PRIORITIES, Col

AUTH_COLUMNS: list[Col] = [c for _, c in AUTH_HEADERS + AUTH_EXTRA_HEADERS]
AUTH_INDEX: dict[Col, int] = {c: i for i, c in enumerate(AUTH_COLUMNS)}


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def confirmed_time(text: str) -> dt.datetime | str | None:
    """When billing confirmed, as a real date-time in UTC (a spreadsheet holds no time zone: the
    column's number format says "UTC"); text that is not a recorded time stays as it was."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def sorted_authorizations(data: Data) -> list[Authorization]:
    """Authorizations by client name, client id, payer, start date (then as entered)."""
    clients = data.clients

    def key(a: Authorization) -> tuple[Any, ...]:
        c = clients.get(a.client)
        return (
            c.name.casefold() if c else "",
            c.client_id if c else "",
            data.payer_name(a.payer).casefold(),
            a.start_date or dt.date.min,
            a.id,
        )

    return sorted(data.authorizations.values(), key=key)


def authorization_rows(
    data: Data, today: dt.date, auths: list[Authorization] | None = None
) -> Iterator[list[Any]]:
    """Rows of the Authorizations sheet (canonical columns, then the extra ones), for ``auths``
    (default: every authorization, :func:`sorted_authorizations`)."""
    payer_names = {p.id: p.name for p in data.payers.values()}
    by_auth = rules.services_by_authorization(data) if data.services else {}
    clients = data.clients
    for auth in sorted_authorizations(data) if auths is None else auths:
        client = clients.get(auth.client)
        yield authorization_row(auth, client, payer_names, by_auth.get(auth.id, ()), today)


def authorization_row(
    auth: Authorization,
    client: Client | None,
    payer_names: dict[int, str],
    services: Any,
    today: dt.date,
) -> list[Any]:
    use = rules.usage_of(auth, services, today)
    hours = auth.measure == LineMeasure.HOURS
    ins = (
        coverage.coverage_for(client, auth.payer, auth.start_date)
        or coverage.coverage_for(client, auth.payer, None)
        if client
        else None
    )
    return [
        client.client_id if client else "",
        client.name if client else "",
        client.dob if client else None,
        payer_names.get(auth.payer, ""),
        auth.member_id,
        ins.priority.value.title() if ins else "",
        auth.auth_number,
        ", ".join(service_lines.all_codes(auth)),  # (every line's)
        auth.start_date,
        auth.end_date,
        use.units_authorized,
        use.units_used,
        use.units_remaining,
        use.visits_authorized,
        use.visits_used,
        use.visits_remaining,
        _yes(auth.active),
        cells.IMPORTED if auth.confirmed_imported else _yes(auth.confirmed),
        auth.reminder_days,
        auth.notes,
        auth.status.value.title(),
        auth.requested_on,
        auth.payer_reference,
        client.clinician if client else "",
        auth.follow_up_on,
        describe_cap(auth.cap_amount, auth.cap_period, auth.cap_measure, hours),
        auth.confirmed_by,
        confirmed_time(auth.confirmed_at),
        auth.measure.value.title(),  # the Units columns count units, or hours
        auth.group,
    ]


def client_rows(data: Data) -> Iterator[list[Any]]:
    payer_names = {p.id: p.name for p in data.payers.values()}
    for client in sorted(data.clients.values(), key=lambda c: (c.client_id.casefold(), c.id)):
        row: list[Any] = [
            client.client_id,
            client.last_name,
            client.first_name,
            client.dob,
            client.clinician,
            client.status.value.title(),
            client.notes,
        ]
        for priority in Priority:
            ins = coverage.coverage_with(client, priority, None)
            if ins is None:
                row += [None, None, None]
            else:
                row += [payer_names.get(ins.payer_id, ""), ins.member_id]
                row.append(_yes(ins.prior_auth_required))
        yield row


assert len(PRIORITIES) == len(Priority)


def coverage_rows(data: Data) -> Iterator[list[Any]]:
    """The Coverages sheet: every coverage of every client, past ones too, by client id, then
    priority, then start date."""
    payer_names = {p.id: p.name for p in data.payers.values()}
    for client in sorted(data.clients.values(), key=lambda c: (c.client_id.casefold(), c.id)):
        covs = coverage.all_coverages(client)
        covs.sort(key=lambda c: (coverage.rank(c.priority), c.start_date or dt.date.min))
        for c in covs:
            yield [
                client.client_id,
                payer_names.get(c.payer_id, ""),
                c.priority.value.title(),
                c.member_id,
                c.group_number,
                _yes(c.prior_auth_required),
                c.start_date,
                c.end_date,
                c.subscriber_name,
                c.subscriber_relationship,
            ]


def service_rows(data: Data) -> Iterator[list[Any]]:
    payer_names = {p.id: p.name for p in data.payers.values()}
    clients = data.clients
    by_auth = rules.services_by_authorization(data) if data.services else {}
    counted: dict[int, Authorization | None] = {}
    for auth_id, services in by_auth.items():
        auth = data.authorizations.get(auth_id) if auth_id is not None else None
        for s in services:
            counted[s.id] = auth

    def key(s: Service) -> tuple[Any, ...]:
        c = clients.get(s.client)
        return (s.date, c.client_id if c else "", s.id)

    for s in sorted(data.services.values(), key=key):
        client = clients.get(s.client)
        auth = counted.get(s.id)
        if auth is None and s.authorization is not None:  # pinned, but counting nothing
            auth = data.authorizations.get(s.authorization)
        yield [
            client.client_id if client else "",
            client.name if client else "",
            s.date,
            payer_names.get(s.payer, ""),
            s.procedure_code,
            s.units,
            auth.auth_number if auth else "",
            "pinned" if s.authorization is not None else "automatic",
            s.recorded_by,
            s.note,
            s.status.value,
            s.time,
            s.provider,
            s.appointment_id,
            s.source,
            s.override_reason,
        ]


def payer_rows(data: Data) -> Iterator[list[Any]]:
    for p in sorted(data.payers.values(), key=lambda p: p.name.casefold()):
        yield [
            p.name,
            _yes(p.prior_auth_required),
            p.turnaround_days,
            p.notes,
            p.out_of_auth_policy.value,
        ]


def group_rows(data: Data) -> Iterator[list[Any]]:
    for g in sorted(data.groups.values(), key=lambda g: g.name.casefold()):
        yield [g.name, ", ".join(g.codes)]
