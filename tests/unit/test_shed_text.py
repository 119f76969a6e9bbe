"""An open app keeps its records, not the file's text (Store.shed_text): each parsed line is
held as its checksum. A display read still reads only the changed lines and shows what a fresh
read shows; a transaction reads the text again and writes every unchanged line as it was."""

from __future__ import annotations

import dataclasses
import os
import random
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from priorauth.services.live import LiveView
from priorauth.store import tables
from priorauth.store.datafile import Store
from priorauth.store.lineref import LineRef
from tests.unit.test_live import KINDS, TODAY, _base, _change, _read, _shown
from tests.unit.test_live import small_lines as small_lines  # (the fixture)


def _held_as_refs(store: Store, name: str) -> bool:
    table = store.storage.tables()[name]
    return not table.holds_text and all(type(x) is LineRef for x in table._lines)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    steps=st.lists(st.tuples(st.sampled_from(KINDS), st.booleans()), min_size=1, max_size=6),
)
def test_a_store_without_the_text_shows_what_a_fresh_read_shows(
    tmp_path_factory: pytest.TempPathFactory, small_lines: None, seed: int, steps: list[Any]
) -> None:
    path = tmp_path_factory.mktemp("shed") / "data.json"
    _base(path, seed)
    rnd = random.Random(seed)
    app_store, other = Store(path, user="app"), Store(path, user="other")
    live = LiveView()
    data = app_store.snapshot()
    live.apply(data, TODAY)
    _shown(data)
    app_store.shed_text()
    assert _held_as_refs(app_store, "services")
    for kind, own in steps:
        _change(app_store if own else other, rnd, kind)  # the app's own saves too
        data = app_store.snapshot()
        live.apply(data, TODAY)
        assert _shown(data) == _shown(Store(path, user="fresh").snapshot()), (kind, own)
        app_store.shed_text()


def test_a_display_read_without_the_text_reads_only_the_changed_lines(
    tmp_path: Path, small_lines: None
) -> None:
    path = tmp_path / "data.json"
    _base(path, 5)
    app_store, other = Store(path, user="app"), Store(path, user="other")
    first = app_store.snapshot()
    client = next(iter(first.clients.values()))
    len(first.services.values())
    app_store.shed_text()
    with other.transaction() as tx:
        tx.update(dataclasses.replace(client, notes="changed"))
    reads: list[int] = []
    real = os.pread

    def pread(fd: int, n: int, offset: int) -> bytes:
        reads.append(n)
        return real(fd, n, offset)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "pread", pread)
        data = app_store.snapshot()
    assert data.clients[client.id].notes == "changed"
    assert data.services is first.services  # not one of its lines read again, nor parsed
    assert 0 < sum(reads) < path.stat().st_size // 4
    assert _read(app_store) == _read(Store(path, user="fresh"))


def test_a_transaction_after_shedding_writes_unchanged_lines_as_they_were(
    tmp_path: Path, small_lines: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.json"
    _base(path, 9)
    raw = path.read_bytes()
    app_store = Store(path, user="app")
    data = app_store.snapshot()
    service = next(iter(data.services.values()))
    len(data.clients.values())
    app_store.shed_text()
    made: list[int] = []
    real = tables.dump_docs

    def dump_docs(values: Any) -> bytes:
        made.append(len(values))
        return real(values)

    monkeypatch.setattr(tables, "dump_docs", dump_docs)
    with app_store.transaction() as tx:  # (the text is read again first)
        assert tx.data.services[service.id] == service
        tx.update(dataclasses.replace(service, note="edited"))
    shed_result = path.read_bytes()
    lines = sum(len(t._lines) for t in app_store.storage.tables().values() if t._lines)
    assert 0 < len(made) <= 3 < lines  # the changed line and the audit's new one: no others
    assert b'"note":"edited"' in shed_result and _held_as_refs(app_store, "clients") is False
    path.write_bytes(raw)
    fresh = Store(path, user="app")
    with fresh.transaction() as tx:
        tx.update(dataclasses.replace(tx.data.services[service.id], note="edited"))
    kept = path.read_bytes()
    # the same file but for the audit's time stamps: every unchanged line written as read
    differing = [
        (a, b) for a, b in zip(shed_result.split(b"\n"), kept.split(b"\n"), strict=True) if a != b
    ]
    assert all(b'"updated_at"' in a or b'"at"' in a or b"crc32" in a for a, _ in differing)
    assert len(differing) <= 4


def test_a_hand_edit_after_shedding_is_seen_by_the_recheck(
    tmp_path: Path, small_lines: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.json"
    _base(path, 8)
    app_store = Store(path, user="app")
    len(app_store.snapshot().clients.values())
    app_store.shed_text()
    raw = path.read_bytes()
    edited = raw.replace(b'"first_name":"First3"', b'"first_name":"Fyrst3"', 1)
    assert edited != raw and len(edited) == len(raw)
    stat = path.stat()
    path.write_bytes(edited)  # by hand, keeping its size and time
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    monkeypatch.setattr(app_store.storage, "_recheck_after", 0.0)
    app_store.recheck()
    assert any(c.first_name == "Fyrst3" for c in app_store.snapshot().clients.values())


def test_a_line_ref_stands_for_its_text() -> None:
    line = b'"7":{"id":7}'
    ref = LineRef(7, len(line), zlib.crc32(line))
    assert ref == line and line == ref and ref == LineRef(7, len(line), ref.crc)
    assert ref != line + b" " and ref != LineRef(8, len(line), ref.crc)
