"""Reading the audit trail: which changes touched a client, since when, in words.

The audit table is written only by :class:`~priorauth.store.transaction.Transaction`; nothing in
authtrack edits or deletes its rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from priorauth.data import Data
from priorauth.model import AuditEntry, ServiceLine
from priorauth.service_lines import OWN_LINE_FIELDS

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


def clients_of(entry: AuditEntry, owners: dict[tuple[str, int], int]) -> set[int]:
    """The clients (``Client.id``) whose records ``entry`` touched (``owners`` from
    :func:`client_of_records`); empty for payers, groups, settings and dismissals."""
    found = set()
    for record_id in entry.record_ids or [entry.record_id]:
        client = owners.get((entry.table, record_id))
        if client is not None:
            found.add(client)
    return found


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
        if client is not None and client not in clients_of(entry, owners):
            continue
        chosen.append(entry)
    return chosen


def client_names(entries: Iterable[AuditEntry], data: Data) -> dict[int, str]:
    """Client.id -> "Last, First" for every client the trail mentions, deleted ones included
    (their name as it was when they were deleted)."""
    names: dict[int, str] = {}
    for entry in entries:
        if entry.table != "clients" or entry.action != "delete":
            continue
        first = (entry.changes.get("first_name") or [None, None])[0] or ""
        last = (entry.changes.get("last_name") or [None, None])[0] or ""
        name = f"{last}, {first}" if last and first else last or first
        names[entry.record_id] = name or f"client #{entry.record_id}"
    names.update((c.id, c.name) for c in data.clients.values())
    return names


def users(entries: Iterable[AuditEntry]) -> list[str]:
    """Everyone who changed something, by name."""
    return sorted({entry.user for entry in entries}, key=str.casefold)


def record_word(entry: AuditEntry) -> str:
    """What kind of record the entry is about: "authorization", "procedure group"..."""
    return _TABLE_WORDS.get(entry.table, entry.table)


_DATE_FIELDS = frozenset(
    {"date", "dob", "start_date", "end_date", "requested_on", "follow_up_on", "until"}
)


def _day(value: Any) -> str | None:
    """A stored date ("2026-11-02") as every screen writes it (11/02/2026); None when not one."""
    if not isinstance(value, str):
        return None
    try:
        return f"{dt.date.fromisoformat(value):%m/%d/%Y}"
    except ValueError:
        return None


# the fields that name a record of these tables as staff know it: (words, day, Client.id)
_NAMING = {
    "services": ("procedure_code", "date", "client"),
    "authorizations": ("auth_number", "start_date", "client"),
}


class RecordNames:
    """Names a service or an authorization as a person knows it — a service by its code, day and
    client ("the 90832 service of 12/04/2026"), an authorization without a number by its start
    ("authorization (no number) from 01/01/2027") — rather than by its record id, which staff
    see nowhere else. The audit's summaries keep the id ("deleted service #409"): the record's
    values are those it has now, else those it had when it was created or deleted (a bulk
    import's keep none)."""

    def __init__(
        self, entries: Iterable[AuditEntry], data: Data, names: dict[int, str] | None = None
    ) -> None:
        """``names``: Client.id -> name, deleted clients too (:func:`client_names`)."""
        self.data = data
        self.names = names if names is not None else {c.id: c.name for c in data.clients.values()}
        self.kept: dict[tuple[str, int], dict[str, Any]] = {}
        for entry in entries:
            if (
                entry.table in _NAMING
                and entry.action in ("create", "delete")
                and entry.changes
                and not entry.record_ids
            ):
                side = 0 if entry.action == "delete" else 1
                kept = {k: v[side] for k, v in entry.changes.items()}
                self.kept[entry.table, entry.record_id] = kept

    def _found(self, table: str, record_id: int) -> tuple[str, dt.date | None, int | None] | None:
        """(words, day, Client.id) naming a record of ``table``, or None when nothing says."""
        words, day, client = _NAMING[table]
        current = getattr(self.data, table).get(record_id)
        if current is not None:
            return getattr(current, words) or "", getattr(current, day), getattr(current, client)
        kept = self.kept.get((table, record_id))
        if kept is None:
            return None
        owner, when = kept.get(client), kept.get(day)
        try:
            date = dt.date.fromisoformat(when) if isinstance(when, str) else None
        except ValueError:
            date = None
        return str(kept.get(words) or ""), date, owner if isinstance(owner, int) else None

    def record(self, entry: AuditEntry, *, with_client: bool = False, short: bool = False) -> str:
        """The record an entry is about: "the 90832 service of 12/04/2026", "... (Lee, Ann)"
        ``with_client``, "service 90832, 12/04/26" ``short`` (a table's column); "authorization
        (no number) from 01/01/2027"; any other record as stored ("payer #3")."""
        word = f"{record_word(entry)} #{entry.record_id}"
        if entry.table not in _NAMING or entry.record_ids:
            return word
        found = self._found(entry.table, entry.record_id)
        if found is None:
            return word
        text, day, owner = found
        if entry.table == "authorizations":
            name = f"authorization {text or '(no number)'}"
            if not text and day:
                name += f" from {day:%m/%d/%y}" if short else f" from {day:%m/%d/%Y}"
        elif short:
            name = " ".join(p for p in ("service", text) if p)
            name += f", {day:%m/%d/%y}" if day else ""
        else:
            name = " ".join(p for p in ("the", text, "service") if p)
            name += f" of {day:%m/%d/%Y}" if day else ""
        person = self.names.get(owner) if with_client and owner is not None else None
        return f"{name} ({person})" if person else name

    def summary(self, entry: AuditEntry, *, with_client: bool = False, short: bool = False) -> str:
        """The entry's summary with its service or authorization named by :meth:`record`."""
        text = entry.summary or f"{entry.action} {record_word(entry)}"
        if entry.table not in _NAMING:
            return text
        word = re.compile(rf"\b{record_word(entry)} #{entry.record_id}\b")
        name = self.record(entry, with_client=with_client, short=short)
        return word.sub(lambda _: name, text, count=1)


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


@dataclass(frozen=True)
class Change:
    """One field of an entry in words: its label, and the value before and after ("" when the
    entry created or deleted the record)."""

    field: str
    label: str
    before: str
    after: str


# An authorization with one service line keeps it in its own fields; with several, in ``lines``,
# its own fields then holding a blank line's values (priorauth.service_lines.with_lines)
_BLANK_LINE = ServiceLine()


def _stored(value: Any) -> Any:
    """A value as an audit entry holds it (an enum by its value)."""
    return value.value if isinstance(value, Enum) else value


def _shown(entry: AuditEntry) -> dict[str, tuple[Any, Any]]:
    """The entry's changes as a person reads them. When an edit gave a one-line authorization
    a second line (or took it back to one), the one line moved between the authorization's own
    fields and ``lines``: its old fields are shown as line 1, so the change reads "line 1 units
    320 → 240, line 2 added", not as units, codes and group all going blank."""
    found = dict(entry.changes)
    if entry.table != "authorizations" or entry.action != "update" or "lines" not in found:
        return found
    before, after = found["lines"]
    if not before and _records(after) and len(after) > 1:
        side = 0  # the one line was in the own fields before
    elif _records(before) and len(before) > 1 and not after:
        side = 1  # ... and is there after
    else:
        return found
    line = {}
    for own, key in OWN_LINE_FIELDS.items():
        # a field the edit did not change held its blank (the several-line form) on both sides
        line[key] = found.pop(own)[side] if own in found else _stored(getattr(_BLANK_LINE, key))
    found["lines"] = ([line], after) if side == 0 else (before, [line])
    return found


def _parts(
    entry: AuditEntry, field: str, shown: dict[str, tuple[Any, Any]]
) -> list[tuple[str, Any, Any]]:
    """A changed field as (name, before, after), once or part by part: an update of a list of
    records (an authorization's service lines) gives only the lines' fields that changed,
    ("line 2 units_authorized", 40, 44), and a line added or removed whole, not both lists."""
    before, after = shown[field]
    if not (entry.action == "update" and _records(before) and _records(after)):
        return [(field, before, after)]
    word = field[:-1] if field.endswith("s") else field
    parts: list[tuple[str, Any, Any]] = []
    for i in range(max(len(before), len(after))):
        old = before[i] if i < len(before) else None
        new = after[i] if i < len(after) else None
        if old is None or new is None:
            parts.append((f"{word} {i + 1}", old, new))
            continue
        for key in [*new, *(k for k in old if k not in new)]:
            if old.get(key) != new.get(key):
                parts.append((f"{word} {i + 1} {key}", old.get(key), new.get(key)))
    return parts


def _records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def changes(entry: AuditEntry, data: Data | None = None, limit: int | None = None) -> list[Change]:
    """The entry's changed fields in words, in field order (the first ``limit`` of them; a
    changed list of lines gives one per line field that changed, see :func:`_parts`); with
    ``data``, payer and client ids are given with their names ("Aetna (#1)")."""
    found = []
    shown = _shown(entry)
    for field in sorted(shown)[:limit]:
        for name, before, after in _parts(entry, field, shown):
            found.append(
                Change(
                    name,
                    name.replace("_", " "),
                    "" if entry.action == "create" else _named(field, before, data),
                    "" if entry.action == "delete" else _named(field, after, data),
                )
            )
    return found


def _named(field: str, value: Any, data: Data | None) -> str:
    if type(value) is bool:
        return "yes" if value else "no"
    if field in _DATE_FIELDS:
        day = _day(value)
        if day is not None:
            return day
    if data is not None and field in _NAMED and type(value) is int:
        key = ("audit.names", field)
        names = data.derived.get(key)
        if names is None:
            records = getattr(data, _NAMED[field]).values()
            names = data.derived[key] = {r.id: r.name for r in records}
        name = names.get(value)
        if name is not None:
            return f"{name} (#{value})"
    if data is not None and _records(value):  # a client's insurances: each payer by name
        return ", ".join(
            "{"
            + ", ".join(
                f"{k}: {_named('payer' if k == 'payer_id' else k, v, data)}" for k, v in r.items()
            )
            + "}"
            for r in value
        )
    return _value(value)


_NAMED = {"payer": "payers", "client": "clients"}  # fields holding a record's id


def search_text(entry: AuditEntry) -> str:
    """What a text filter matches against: who, what, and the fields and values changed
    (case-folded)."""
    parts = [entry.user, entry.summary, record_word(entry)]
    for field, (before, after) in entry.changes.items():
        parts += [field.replace("_", " "), _value(before), _value(after)]
    return " ".join(parts).casefold()


def describe_changes(entry: AuditEntry, data: Data | None = None) -> list[str]:
    """One line per changed field: "units_authorized: 10 → 12" (a line's: "line 2
    units_authorized: 40 → 44"); with ``data``, payers and clients by name ("payer: Aetna
    (#1)", not "payer: 1")."""

    def value(field: str, v: Any) -> str:
        return _named(field, v, data)

    lines = []
    shown = _shown(entry)
    for field in sorted(shown):
        for name, before, after in _parts(entry, field, shown):
            if entry.action == "create":
                lines.append(f"{name}: {value(field, after)}")
            elif entry.action == "delete":
                lines.append(f"{name}: was {value(field, before)}")
            else:
                lines.append(f"{name}: {value(field, before)} → {value(field, after)}")
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
