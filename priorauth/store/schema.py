"""The data file's schema: every stored document checked against its record's fields.

A file this program wrote passes its checksum and is trusted (its records are built lazily, and
a document the fast builder cannot take comes here to be named). A file that fails the checksum
was written by something else (an editor, a script) and is checked whole when it is read, before
anything uses it: every table an object of numbered documents, every field of the type its
record declares (dates real ``YYYY-MM-DD`` days), no required field missing, and every client
and payer a record refers to present. The first problem is named in one sentence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from priorauth.errors import DataFileError
from priorauth.model import (
    AuditEntry,
    Authorization,
    Client,
    ClientInsurance,
    Dismissal,
    Payer,
    PracticeSettings,
    ProcedureGroup,
    Service,
    ServiceLine,
)

SCHEMAS: dict[str, type] = {
    cls.TABLE: cls
    for cls in (Payer, ProcedureGroup, Client, Authorization, Service, Dismissal, PracticeSettings)
}
SCHEMAS["audit"] = AuditEntry

_WORDS = {
    "payers": "payer",
    "procedure_groups": "procedure group",
    "clients": "client",
    "authorizations": "authorization",
    "services": "service",
    "dismissals": "dismissal",
    "settings": "settings record",
    "audit": "audit entry",
}

Check = Callable[[Any], bool]


class RecordError(DataFileError):
    """A stored document does not fit its record; the message names it and the field."""


def _is_date(value: Any) -> bool:
    if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_for(hint: Any) -> tuple[Check, str]:
    """(test of a JSON value, what it should be in words) for a field's type hint."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner, words = _check_for(args[0]) if len(args) == 1 else ((lambda v: True), "a value")
        return (lambda v: v is None or inner(v)), f"{words} or null"
    if origin is list:
        (item,) = typing.get_args(hint)
        inner, words = _check_for(item)
        return (lambda v: type(v) is list and all(map(inner, v))), f"a list of {_plural(words)}"
    if origin is dict:
        return (lambda v: type(v) is dict and DUPLICATE not in v), "an object (each key once)"
    if hint is str:
        return (lambda v: type(v) is str), "text"
    if hint is bool:
        return (lambda v: type(v) is bool), "true or false"
    if hint is int:
        return (lambda v: type(v) is int), "a whole number"
    if hint is float:
        return (lambda v: type(v) in (int, float)), "a number"
    if hint is dt.date:
        return _is_date, "a real date as YYYY-MM-DD"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        allowed = {m.value for m in hint}
        names = ", ".join(sorted(map(str, allowed)))
        return (lambda v: type(v) is str and v in allowed), f"one of {names}"
    if hint is ClientInsurance:
        return (lambda v: type(v) is dict and not problems(ClientInsurance, v)), "an insurance"
    if hint is ServiceLine:
        return (lambda v: type(v) is dict and not problems(ServiceLine, v)), "a service line"
    return (lambda v: True), "a value"


def _plural(words: str) -> str:
    return {
        "text": "texts",
        "an insurance": "insurances",
        "a service line": "service lines",
        "a whole number": "whole numbers",
    }.get(words, words)


_FIELDS: dict[type, list[tuple[str, bool, Check, str]]] = {}


def _fields(cls: type) -> list[tuple[str, bool, Check, str]]:
    """(name, required, check, words) for each stored field of ``cls``."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = []
        for f in dataclasses.fields(cls):
            if f.name == "id":
                continue
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            check, words = _check_for(hints[f.name])
            found.append((f.name, required, check, words))
        _FIELDS[cls] = found
    return found


def problems(cls: type, doc: Any) -> str:
    """What is wrong with ``doc`` as a stored ``cls``, in words ("" when nothing)."""
    if type(doc) is not dict:
        return f"is {_shown(doc)} instead of an object of fields"
    if DUPLICATE in doc:
        return f"has the field {doc[DUPLICATE]} twice (which one holds?)"
    for name, required, check, words in _fields(cls):
        if name not in doc:
            if required:
                return f"has no {name} (it is required)"
            continue
        value = doc[name]
        if not check(value):
            if cls is ClientInsurance:
                return f"{name} {_shown(value)} is not {words}"
            return f"has {name} {_shown(value)}, which is not {words}"
    return ""


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    if isinstance(value, dict | list) and len(text) > 40:
        return "a list" if isinstance(value, list) else "an object"
    return text if len(text) <= 40 else text[:37] + "..."


def record_error(table: str, doc_id: Any, problem: str) -> RecordError:
    word = _WORDS.get(table, f"record of table {table}")
    return RecordError(f"{word} #{doc_id} {problem}")


def check_document(cls: type, table: str, doc_id: Any, doc: Any) -> None:
    """Raise :class:`RecordError` naming the record and field when ``doc`` does not fit."""
    problem = problems(cls, doc)
    if problem:
        if problem.startswith("has insurances ") and type(doc.get("insurances")) is list:
            problem = _insurance_problem(doc) or problem
        raise record_error(table, doc_id, problem)


def _insurance_problem(doc: dict[str, Any]) -> str:
    for i, ins in enumerate(doc.get("insurances") or [], 1):
        inner = problems(ClientInsurance, ins)
        if inner:
            return f"has an insurance (number {i}) whose {inner.removeprefix('has ')}"
    return ""


def check_file(data: Mapping[str, Any]) -> None:
    """Check every document of a whole parsed file; raise :class:`RecordError` on the first
    that does not fit (tables in file order, documents in id order), then on a record pointing
    at a client or payer the file does not hold."""
    if DUPLICATE in data:
        raise RecordError(f"the file has the table {data[DUPLICATE]} twice")
    for table, docs in data.items():
        if type(docs) is not dict:
            raise RecordError(f"table {table} is {_shown(docs)} instead of an object of records")
        if DUPLICATE in docs:
            raise record_error(table, docs[DUPLICATE], "appears twice in its table")
        cls = SCHEMAS.get(table)
        if cls is None:
            continue
        for key, doc in docs.items():
            if not key.isdigit():
                raise RecordError(f"table {table} has a record keyed {key!r}, not a number")
            check_document(cls, table, key, doc)
    payers = data.get("payers", {})
    clients = data.get("clients", {})
    for table in ("authorizations", "services"):
        for key, doc in data.get(table, {}).items():
            if str(doc["client"]) not in clients:
                raise record_error(
                    table, key, f"refers to client #{doc['client']}, not in the file"
                )
            if str(doc["payer"]) not in payers:
                raise record_error(table, key, f"refers to payer #{doc['payer']}, not in the file")
    for key, doc in clients.items():
        for ins in doc.get("insurances") or []:
            if str(ins["payer_id"]) not in payers:
                raise record_error(
                    "clients",
                    key,
                    f"has an insurance with payer #{ins['payer_id']}, not in the file",
                )


DUPLICATE = "\x00duplicate"  # set by no_duplicate_keys in an object that had a key twice


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for ``json.loads``: an object with a key twice is marked with
    :data:`DUPLICATE` (the key), for :func:`check_file` to name (orjson and json both keep the
    last silently: that moved 35 authorizations to another payer)."""
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                doc[DUPLICATE] = key
                break
            seen.add(key)
    return doc


def parse_whole(path: Path, raw: bytes, check_version: Callable[[Any], None]) -> dict[str, Any]:
    """A whole data file's tables of documents, each checked (:func:`check_file`); any problem
    is a :class:`DataFileError` naming ``path`` and saying the file was left as it is."""
    if not raw.strip():
        raise DataFileError(
            f"{path} is empty ({len(raw)} bytes) rather than an authtrack data file; it has "
            "been left untouched — restore it from a backup, or delete it to start anew."
        )
    try:
        data = json.loads(raw, object_pairs_hook=no_duplicate_keys)
    except (ValueError, RecursionError) as e:
        raise DataFileError(
            f"{path} is not a readable authtrack data file (JSON error: {e}); it has been left "
            "untouched — restore it from a backup (`authtrack restore` lists them) or move it "
            "aside."
        ) from None
    if not isinstance(data, dict):
        raise DataFileError(
            f"{path} is JSON but not an authtrack data file; it has been left untouched."
        )
    meta = data.get("meta", {})
    check_version(meta.get("1", {}) if isinstance(meta, dict) else None)
    try:
        check_file(data)
    except DataFileError as e:
        raise DataFileError(
            f"{path}: {e}; it has been left untouched — correct it, or restore it from a backup."
        ) from None
    for name, docs in data.items():  # (tables schema does not know: their keys must be ids)
        if any(not key.isdigit() for key in docs if key != DUPLICATE):
            raise DataFileError(
                f"{path}: table {name} has a record key that is not a number; it has been left "
                "untouched."
            )
    return data
