"""Transaction.update_many saves records exactly as one update() each does: the same records,
revisions, stamps and audit rows, the same refusals."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from priorauth.errors import ConflictError
from priorauth.model import Client, Payer
from priorauth.store.datafile import Store


def _filled(path: Path) -> Store:
    store = Store(path, user="alice")
    with store.transaction() as tx:
        tx.insert_many([Client(first_name=f"F{i}", last_name=f"L{i}") for i in range(6)])
        tx.insert_many([Payer(name=f"P{i}") for i in range(3)])
    return store


def _edits(store: Store) -> list[Any]:
    data = store.snapshot()
    clients, payers = list(data.clients.values()), list(data.payers.values())
    return [
        dataclasses.replace(clients[0], notes="moved"),
        dataclasses.replace(clients[1]),  # nothing changed: no new revision, no audit row
        dataclasses.replace(payers[2], turnaround_days=30),
        dataclasses.replace(clients[4], last_name="Lee-Park", dob=None),
    ]


def _saved(store: Store) -> tuple[object, ...]:
    data = Store(store.path, user="bob").snapshot()
    audit = [(e.action, e.table, e.record_id, e.summary, e.changes) for e in store.audit()]
    return data.clients, data.payers, audit


def test_update_many_saves_as_one_update_each(tmp_path: Path) -> None:
    one, many = _filled(tmp_path / "one.json"), _filled(tmp_path / "many.json")
    one_edits, many_edits = _edits(one), _edits(many)
    with one.transaction() as tx:
        for record in one_edits:
            tx.update(record, summary="imported log.xlsx")
    with many.transaction() as tx:
        tx.update_many(many_edits, summary="imported log.xlsx")
        assert tx.data.clients[many_edits[3].id].last_name == "Lee-Park"
    assert [r.rev for r in one_edits] == [r.rev for r in many_edits] == [2, 1, 2, 2]
    clients, payers, audit = _saved(many)
    assert (clients, payers) == _saved(one)[:2]
    assert [a[:4] for a in audit] == [a[:4] for a in _saved(one)[2]]
    assert [a[4] for a in audit] == [a[4] for a in _saved(one)[2]]


def test_update_many_refuses_a_stale_record_and_writes_nothing(tmp_path: Path) -> None:
    store = _filled(tmp_path / "data.json")
    edits = _edits(store)
    other = Store(store.path, user="bob")
    with other.transaction() as tx:
        tx.update(dataclasses.replace(other.snapshot().clients[edits[3].id], notes="bob"))
    before = _saved(store)
    with pytest.raises(ConflictError, match="changed by bob"), store.transaction() as tx:
        tx.update_many(edits)
    assert _saved(store) == before


def test_a_record_given_twice_is_saved_once(tmp_path: Path) -> None:
    store = _filled(tmp_path / "data.json")
    edit = _edits(store)[0]
    with store.transaction() as tx:
        tx.update_many([edit, edit])
    assert edit.rev == 2
    assert [e.action for e in store.audit()].count("update") == 1
