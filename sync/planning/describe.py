"""Records and their changes in words, for ``--dry-run`` and the import summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from priorauth import coverage, service_lines, usage
from priorauth.model import Authorization, Client, Record, field_values
from sync.recognising.fields import WORDS

# the log's columns' words (sync.recognising.fields.FIELDS), then the other records'
_LABELS = {
    **WORDS,
    "prior_auth_required": "prior auth required",
    "turnaround_days": "turnaround days",
    "procedure_code": "code",
    "authorization": "counted against",
    "recorded_by": "recorded by",
}
_SKIP = {"id", "rev", "updated_by", "updated_at", "client", "payer", "renewal_of"}


def value(v: Any) -> str:
    if v is None or v == "" or v == []:
        return "blank"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, dt.date):
        return f"{v:%m/%d/%Y}"
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return str(v)


# what an authorization keeps per service line (compared line by line when either has several)
_LINE_FIELDS = {
    "procedure_codes",
    "units_authorized",
    "visits_authorized",
    "carried_units_used",
    "carried_visits_used",
    "cap_amount",
    "cap_period",
    "cap_measure",
    "measure",
    "group",
    "lines",
}


def lines_words(auth: Authorization) -> str:
    """ "97153 320 units (100 used); 97155 40 units (10 used)" — each service line."""
    out = []
    for line in service_lines.lines_of(auth):
        counts = [
            f"{n:g} {what}" + (f" ({used:g} used)" if used else "")
            for n, used, what in (
                (line.units_authorized, line.carried_units_used, line.measure.value),
                (line.visits_authorized, line.carried_visits_used, "visits"),
            )
            if n is not None
        ]
        out.append(
            f"{line.group or ', '.join(line.codes) or 'any code'} {', '.join(counts) or 'no cap'}"
        )
    return "; ".join(out)


def changes(before: Record, after: Record, names: dict[int, str] | None = None) -> list[str]:
    """ "units authorized 24 → 30" for each field that differs (service lines as a whole, when
    either authorization has several)."""
    out = []
    by_line = isinstance(before, Authorization) and bool(before.lines or after.lines)  # type: ignore[attr-defined]
    if by_line and service_lines.lines_of(before) != service_lines.lines_of(after):  # type: ignore[arg-type]
        out.append(f"service lines {lines_words(before)} → {lines_words(after)}")  # type: ignore[arg-type]
    for name, old in field_values(before).items():
        if name in _SKIP or (by_line and name in _LINE_FIELDS):
            continue
        new = getattr(after, name)
        if old == new:
            continue
        if name == "insurances":
            out.append(
                f"insurances {insurances(old, names or {})} → {insurances(new, names or {})}"
            )
            continue
        out.append(f"{_LABELS.get(name, name.replace('_', ' '))} {value(old)} → {value(new)}")
    return out


def insurances(items: list[Any], names: dict[int, str]) -> str:
    if not items:
        return "none"
    return ", ".join(
        f"{i.priority} {names.get(i.payer_id, '?')}"
        + (f" ({i.member_id})" if i.member_id else "")
        + (f" {coverage.describe_period(i)}" if coverage.describe_period(i) else "")
        for i in items
    )


def authorization(auth: Authorization, client: Client | None, payer: str) -> str:
    dates = f"{value(auth.start_date)}–{value(auth.end_date) if auth.end_date else 'open'}"
    counts = []
    stated = usage.stated_usage(auth)
    lines = service_lines.lines_of(auth)
    # hours stay hours, and a service named in words keeps its name (issue 18)
    measures = {line.measure for line in lines}
    unit = measures.pop().value if len(measures) == 1 else "units"
    if stated.units_authorized is not None:
        counts.append(f"{stated.units_authorized:g} {unit}")
    if stated.visits_authorized is not None:
        counts.append(f"{stated.visits_authorized} visits")
    services = service_lines.all_codes(auth) or [line.group for line in lines if line.group]
    detail = "; ".join(
        p
        for p in (
            ", ".join(services) or "any code",
            dates,
            ", ".join(counts) or ("no cap" if auth.status == "approved" else "counts not known"),
            "" if auth.status == "approved" else str(auth.status),
        )
        if p
    )
    number = auth.auth_number or "(no number)"
    who = client.name if client else "?"
    return f"authorization {number} for {who} with {payer} ({detail})"
