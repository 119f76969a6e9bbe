"""Old data files brought up to this program's records, document by document, on open.

Each step takes the documents of the tables (``{"clients": {"1": {...}}, ...}``) written by one
schema version and changes them in place to the next; nothing is dropped. The storage runs the
steps when it reads a file whose ``schema_version`` is older, and the next save writes the file
in the current version.

- 1 → 2, coverage history: every client insurance gets its dates (both open: in force as
  before), group number and subscriber; every authorization gets the member id it was issued
  under — the member id of the client's insurance with its payer (the only one version 1 knew).
- 2 → 3, service lines: an authorization's counts may now be in its ``lines``; a version 2
  authorization is a one-line authorization, its line in its own fields, measured in units.
  Nothing in the documents changes but the new fields; the version is raised so that a program
  that knows nothing of lines refuses the file instead of reading only part of an authorization.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from priorauth.store.tables import Build, Table

Docs = dict[str, dict[str, dict[str, Any]]]  # table -> id -> document

_COVERAGE_DEFAULTS = {
    "group_number": "",
    "subscriber_name": "",
    "subscriber_relationship": "",
    "start_date": None,
    "end_date": None,
}


def _to_2(docs: Docs) -> None:
    members: dict[tuple[int, int], str] = {}
    for key, client in docs.get("clients", {}).items():
        for ins in client.get("insurances") or []:
            if isinstance(ins, dict):
                for name, blank in _COVERAGE_DEFAULTS.items():
                    ins.setdefault(name, blank)
                members.setdefault((int(key), ins.get("payer_id")), ins.get("member_id") or "")
    for auth in docs.get("authorizations", {}).values():
        if not auth.get("member_id"):
            auth["member_id"] = members.get((auth.get("client"), auth.get("payer")), "")


def _to_3(docs: Docs) -> None:
    for auth in docs.get("authorizations", {}).values():
        auth.setdefault("lines", [])
        auth.setdefault("measure", "units")
        auth.setdefault("group", "")


STEPS: dict[int, Callable[[Docs], None]] = {
    1: _to_2,
    2: _to_3,
}  # from version -> the step to the next
TABLES = ("clients", "authorizations")  # the tables a step may change


def upgrade(docs: Docs, version: int, target: int) -> None:
    """Apply the steps from ``version`` up to ``target``."""
    for v in range(version, target):
        STEPS[v](docs)


def upgraded(
    tables: dict[str, Table], meta_table: str, current: int, builders: Mapping[str, Build]
) -> dict[str, Table]:
    """``tables`` as read from a file, with the steps applied when an older version wrote it
    (its meta record's ``schema_version``; a file without one is of version 1)."""
    meta = tables.get(meta_table)
    doc = meta.get(1) if meta is not None else None
    version = doc.get("schema_version", 1) if isinstance(doc, dict) else 1
    if version >= current or not any(name in tables for name in TABLES):
        return tables
    docs = {name: tables[name].documents() for name in TABLES if name in tables}
    upgrade(docs, version, current)
    for name, table_docs in docs.items():
        tables[name] = Table.from_docs(builders.get(name), table_docs)
    return tables


__all__ = ["STEPS", "TABLES", "upgrade", "upgraded"]
