"""What the sample logs mean, from their generator (sample_workbooks/samplegen), and a check that
an import gave exactly that."""

from __future__ import annotations

import datetime as dt
from typing import Any

from priorauth import coverage, notify
from priorauth.data import Data
from priorauth.model import Authorization
from sample_workbooks.samplegen import (
    aba_agency,
    front_desk,
    group_practice,
    mac_1904,
    solo_therapist,
)
from sample_workbooks.samplegen.common import Auth

__all__ = ["Auth", "aba_agency", "front_desk", "group_practice", "mac_1904", "solo_therapist"]


def find(data: Data, planned: Auth) -> Authorization:
    """The imported authorization a planned one became: by payer and number, else by client,
    payer and start date."""
    payer = next(p.id for p in data.payers.values() if p.name == planned.payer)
    if planned.number:
        (found,) = [
            a
            for a in data.authorizations.values()
            if a.payer == payer and a.auth_number == planned.number
        ]
        return found
    (found,) = [
        a
        for a in data.authorizations.values()
        if a.payer == payer
        and a.start_date == planned.start
        and not a.auth_number
        and data.clients[a.client].last_name == planned.person.last
        and data.clients[a.client].first_name == planned.person.first
    ]
    return found


def as_imported(data: Data, auth: Authorization) -> dict[str, Any]:
    """An imported authorization in the terms of the generator's :class:`Auth`."""
    client = data.clients[auth.client]
    insurance = coverage.coverage_for(client, auth.payer, None)
    assert insurance is not None
    return {
        "client": (client.last_name, client.first_name, client.dob),
        "client_id": client.client_id,
        "clinician": client.clinician,
        "payer": data.payer_name(auth.payer),
        "member_id": insurance.member_id,
        "priority": str(insurance.priority),
        "number": auth.auth_number,
        "codes": auth.procedure_codes,
        "start": auth.start_date,
        "end": auth.end_date,
        "units": auth.units_authorized,
        "units_used": auth.carried_units_used,
        "visits": auth.visits_authorized,
        "visits_used": auth.carried_visits_used,
        "status": str(auth.status),
        "active": auth.active,
        "cap": (auth.cap_amount, str(auth.cap_period)) if auth.cap_amount else None,
        "reminder_days": auth.reminder_days,
        "notes": auth.notes,
        "requested_on": auth.requested_on,
        "reference": auth.payer_reference,
        "confirmed": auth.confirmed,
    }


def as_planned(planned: Auth, generated_id: str | None = None) -> dict[str, Any]:
    person = planned.person
    return {
        "client": (person.last, person.first, person.dob),
        "client_id": person.client_id or generated_id,
        "clinician": person.clinician,
        "payer": planned.payer,
        "member_id": planned.member_id,
        "priority": planned.priority,
        "number": planned.number,
        "codes": planned.codes,
        "start": planned.start,
        "end": planned.end,
        "units": planned.units,
        "units_used": planned.units_used or 0,
        "visits": planned.visits,
        "visits_used": planned.visits_used or 0,
        "status": planned.status,
        "active": planned.active,
        "cap": planned.cap,
        "reminder_days": planned.reminder_days,
        "notes": planned.notes,
        "requested_on": planned.requested_on,
        "reference": planned.reference,
        "confirmed": planned.confirmed,
    }


def assert_imported_as_planned(data: Data, planned: list[Auth]) -> None:
    """Every planned authorization is in ``data`` exactly as meant, and nothing else is."""
    assert len(data.authorizations) == len(planned)
    for p in planned:
        got = as_imported(data, find(data, p))
        want = as_planned(p, generated_id=got["client_id"])
        assert got == want, f"row {p.row}: " + ", ".join(
            f"{k}: {got[k]!r} (meant {want[k]!r})" for k in want if got[k] != want[k]
        )


def expected_flags(planned: list[Auth], today: dt.date) -> set[tuple[str, int]]:
    """(kind, row) of the notifications the generator means its rows to raise on ``today``, of
    the kinds that say an authorization needs attention: expired, expiring, exhausted."""
    out = set()
    for p in planned:
        if not p.active:
            continue
        if p.end is not None and p.end < today:
            out.add(("expired", p.row))
            continue
        if p.start is not None and p.start > today:
            continue
        for total, used in ((p.units, p.units_used), (p.visits, p.visits_used)):
            if total is not None and (used or 0) >= total:
                out.add(("exhausted", p.row))
        reminder = p.reminder_days
        if p.end is not None and reminder is not None and (p.end - today).days <= reminder:
            out.add(("expiring", p.row))
    return out


def flags(data: Data, planned: list[Auth], today: dt.date) -> set[tuple[str, int]]:
    """(kind, row) of the expired / expiring / exhausted notifications ``data`` raises."""
    rows = {find(data, p).id: p.row for p in planned}
    return {
        (n.kind, rows[n.authorization])
        for n in notify.compute(data, today)
        if n.kind in ("expired", "expiring", "exhausted") and n.authorization in rows
    }
