"""The audit as a hash chain: every entry names the chain's value before it, so that an entry
changed, removed or slipped in afterwards breaks the chain from there on.

The chain's value after entry *i* is ``link(value before, entry)``: a SHA-256 (128 bits kept)
of the value before and the entry's fields (its ``prev`` left out), keys sorted. The value before
the first entry is :data:`GENESIS`. Entries written before the chain existed carry no ``prev``;
they are folded into the chain in order all the same, and the first chained entry links to
them all (the chain starts on the first write after an upgrade; old files open as they were).

A staff account can rewrite the file it must be able to write, history included, and compute
the chain again. A *seal* (:mod:`priorauth.store.seal`) is what shows that: root's nightly copy of
the chain's value at the last entry, in a file staff cannot change.

Appending needs only the chain's value after the last entry: the data file's meta record keeps
it beside the id it belongs to (:data:`META_KEY`), so that an append parses none of the audit;
when that is missing or out of date, the last entry is read (its ``prev`` and fields give it),
and only an audit with no chained entry yet is read whole, once.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from priorauth.store.tables import Table

GENESIS = hashlib.sha256(b"authtrack audit chain").hexdigest()[:32]
META_KEY = "audit_chain"  # meta record: [id of the last entry, the chain's value after it]


def link(before: str, entry: dict[str, Any]) -> str:
    """The chain's value after ``entry``, given its value ``before`` it."""
    fields = {k: v for k, v in entry.items() if k != "prev"}
    body = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(before.encode() + b"\n" + body).hexdigest()[:32]


def head_for_append(table: Table | None, cached: Any) -> str:
    """The chain's value after the last entry of ``table`` (the audit), to link new ones to."""
    if table is None or len(table) == 0:
        return GENESIS
    if isinstance(cached, list) and len(cached) == 2 and cached[0] == table.last_id:
        return str(cached[1])
    last = _last_entry(table)
    if last is not None and isinstance(last.get("prev"), str) and last["prev"]:
        return link(last["prev"], last)
    value = GENESIS  # no chain yet: fold the unchained entries in, once
    for doc in table.values():
        value = link(value, doc)
    return value


def _last_entry(table: Table) -> dict[str, Any] | None:
    """The audit's last entry, parsing no more than its line."""
    if table.parsed:
        return table[max(table)] if len(table) else None
    lines = table.lines()
    if not lines:
        return None
    docs = orjson.loads(b"{" + lines[-1] + b"}")
    return docs[max(docs, key=int)] if docs else None


def chain(entries: list[dict[str, Any]], before: str) -> str:
    """Give each new entry its ``prev``; return the chain's value after the last."""
    value = before
    for entry in entries:
        entry["prev"] = value
        value = link(value, entry)
    return value


@dataclass(frozen=True)
class Break:
    """The first entry that does not fit."""

    entry_id: int
    entry: dict[str, Any]
    reason: str


@dataclass(frozen=True)
class Walk:
    """What walking the chain found: the entries' count, the last id and the chain's value
    there, the value after each id asked for, and the first break (None: intact)."""

    count: int
    last_id: int
    head: str
    at: dict[int, str]
    broken: Break | None


def walk(entries: Iterable[tuple[int, dict[str, Any]]], stops: Iterable[int] = ()) -> Walk:
    """Walk the chain in id order; note its value after each id in ``stops``."""
    wanted = set(stops)
    at: dict[int, str] = {}
    value, chained, count, last_id = GENESIS, False, 0, 0
    for entry_id, entry in entries:
        prev = entry.get("prev") if isinstance(entry, dict) else None
        if not isinstance(entry, dict):
            return Walk(count, last_id, value, at, Break(entry_id, {}, "is not an entry"))
        if prev:
            if prev != value:
                before = f" (#{last_id})" if last_id else ""
                why = (
                    f"it, or the entry before it{before}, was changed, removed or added after it "
                    "was written"
                )
                return Walk(count, last_id, value, at, Break(entry_id, entry, why))
            chained = True
        elif chained:
            why = "it has no link to the entry before it: it was added by hand"
            return Walk(count, last_id, value, at, Break(entry_id, entry, why))
        value = link(value, entry)
        count, last_id = count + 1, entry_id
        if entry_id in wanted:
            at[entry_id] = value
    return Walk(count, last_id, value, at, None)


def describe(entry_id: int, entry: dict[str, Any]) -> str:
    """ "audit entry #17 (2026-11-23T14:05:00+00:00, mlopez: changed authorization A-1)"."""
    who = _plain(entry.get("user", "?"))
    what = _plain(entry.get("summary", ""))[:80]
    return f"audit entry #{entry_id} ({_plain(entry.get('at', '?'))}, {who}: {what})"


def _plain(value: Any) -> str:
    """Text from the file with control and format characters left out (it reaches terminals)."""
    return "".join(ch for ch in str(value) if unicodedata.category(ch)[0] != "C")
