"""Reading the audit trail: which changes touched a client, since when, in words.

The audit table is written only by :class:`~priorauth.store.Transaction`; nothing in authtrack
edits or deletes its rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from priorauth.data import Data
from priorauth.model import AuditEntry

_TABLE_WORDS = {
    "clients": "client",
    "authorizations": "authorization",
    "services": "service",
    "payers": "payer",
    "procedure_groups": "procedure group",
    "dismissals": "dismissal",
    "settings": "settings",
}


def entry_time(entry: AuditEntry) -> dt.datetime:
    return dt.datetime.fromisoformat(entry.at)


def client_of_records(entries: Iterable[AuditEntry], data: Data) -> dict[tuple[str, int], int]:
    """(table, record id) -> Client.id, for current records and deleted ones (from the audit)."""
    owner: dict[tuple[str, int], int] = {}
    for entry in entries:
        if entry.table == "clients":
            for record_id in entry.record_ids or [entry.record_id]:
                owner[(entry.table, record_id)] = record_id
            continue
        client = entry.changes.get("client")
        if client is not None:
            value = client[0] if client[1] is None else client[1]
            if isinstance(value, int):
                owner[(entry.table, entry.record_id)] = value
    for auth in data.authorizations.values():
        owner[("authorizations", auth.id)] = auth.client
    for service in data.services.values():
        owner[("services", service.id)] = service.client
    return owner


def select(
    entries: list[AuditEntry],
    data: Data,
    *,
    client: int | None = None,
    since: dt.date | None = None,
    user: str | None = None,
) -> list[AuditEntry]:
    """The entries about ``client`` (its own record, its authorizations and services), made on
    or after ``since`` (local date), by ``user``; oldest first."""
    owners = client_of_records(entries, data) if client is not None else {}
    chosen = []
    for entry in entries:
        if since is not None and entry_time(entry).astimezone().date() < since:
            continue
        if user is not None and entry.user != user:
            continue
        if client is not None and not any(
            owners.get((entry.table, record_id)) == client
            for record_id in entry.record_ids or [entry.record_id]
        ):
            continue
        chosen.append(entry)
    return chosen


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def describe_changes(entry: AuditEntry) -> list[str]:
    """One line per changed field: "units_authorized: 10 → 12"."""
    lines = []
    for field in sorted(entry.changes):
        before, after = entry.changes[field]
        if entry.action == "create":
            lines.append(f"{field}: {_value(after)}")
        elif entry.action == "delete":
            lines.append(f"{field}: was {_value(before)}")
        else:
            lines.append(f"{field}: {_value(before)} → {_value(after)}")
    return lines


def as_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "user": entry.user,
        "action": entry.action,
        "record": _TABLE_WORDS.get(entry.table, entry.table),
        "record_id": entry.record_id,
        "record_ids": entry.record_ids or [entry.record_id],
        "summary": entry.summary,
        "changes": {k: {"before": v[0], "after": v[1]} for k, v in entry.changes.items()},
    }
