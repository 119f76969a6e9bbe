"""A line whose documents were only edited is patched (the edited documents serialised and put
in place of their old text), and comes out exactly as the line serialised whole would."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth.model import Service
from priorauth.store import tables
from priorauth.store.codec import record_builder
from priorauth.store.tables import Table, dump_docs

DAY = dt.date(2026, 11, 2)
BUILD = record_builder(Service)
# notes that look like the line's own text: a document's start, quotes, a backslash, accents
NOTES = ['","5":{"client":1', '\\"7\\":{', "plain", "é ü \u202e", ',"12":', ""]


def _table(count: int = 30, per_line: int = 10) -> Table:
    """A table of ``count`` services read from its text, ``per_line`` documents to a line."""
    values = {
        i: Service(id=i, client=1, payer=1, date=DAY, note=NOTES[i % len(NOTES)])
        for i in range(1, count + 1)
    }
    ids = list(values)
    lines = [
        dump_docs({i: values[i] for i in ids[at : at + per_line]})
        for at in range(0, len(ids), per_line)
    ]
    table = Table.from_lines(BUILD, lines, count, count)
    assert len(table.values()) == count  # parsed, as a transaction's table is
    return table.copy()


def _whole(table: Table) -> list[bytes]:
    """What :meth:`Table.lines` gives with every changed line serialised whole."""
    real, tables.patched = tables.patched, lambda *_: None
    try:
        return table.copy().lines()
    finally:
        tables.patched = real


def _edited(service: Service, note: str) -> Service:
    return dataclasses.replace(service, note=note, rev=service.rev + 1)


def test_an_edited_line_is_patched_not_serialised_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table()
    before = table.lines()[:]
    table.change({12: _edited(table[12], "new"), 15: _edited(table[15], 'a "quote"')})
    table.change({12: _edited(table[12], "newer")})  # the same document edited twice
    expected = _whole(table)
    made: list[int] = []
    monkeypatch.setattr(tables, "dump_docs", lambda values: made.append(len(values)) or b"")
    lines = table.lines()
    assert lines == expected and made == []  # no line serialised whole
    assert lines[0] is before[0] and lines[2] is before[2]  # the others as they were
    assert b'"note":"newer"' in lines[1] and b'"note":"a \\"quote\\""' in lines[1]


ops = st.lists(
    st.tuples(st.sampled_from(["edit", "edit", "edit", "remove", "append"]), st.integers(0, 60)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(ops=ops, shed=st.booleans())
def test_any_changes_give_the_lines_serialising_them_whole_gives(
    ops: list[tuple[str, int]], shed: bool
) -> None:
    table = _table()
    if shed:  # some lines held by their checksum only: those are made whole
        table.shed_text()
        table = table.copy()
    for n, (op, arg) in enumerate(ops):
        ids = list(table)
        change: dict[int, Any]
        if op == "append":
            new = table.last_id + 1
            change = {new: Service(id=new, client=1, payer=1, date=DAY, note=f"{n}")}
        elif not ids:
            continue
        elif op == "remove":
            change = {ids[arg % len(ids)]: None}
        else:
            key = ids[arg % len(ids)]
            change = {key: _edited(table[key], NOTES[(arg + n) % len(NOTES)] + str(n))}
        table.change(change)
    expected = _whole(table)
    lines = table.lines()
    assert lines == expected
    assert Table.from_lines(BUILD, lines, len(table), table.last_id).items() == table.items()
