"""The data file's layout: tables a line per chunk of documents, parsed only when asked for,
lines rewritten only when their documents changed; other layouts and damaged files read whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from priorauth.errors import DataFileError
from priorauth.model import Client, ClientInsurance, Payer, Service
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from priorauth.store.tables import CHUNK_DOCS
from tests.conftest import TODAY

DAY = dt.date(2026, 11, 2)


def _filled(db_path: Path, services: int = 2500) -> Store:
    store = Store(db_path, user="alice")
    with store.transaction() as tx:
        (payer,) = tx.insert_many([Payer(name="Aetna")])
        (client,) = tx.insert_many([Client(first_name="Ann", last_name="Lee")])
        tx.insert_many(
            [
                Service(client=client.id, payer=payer.id, date=DAY, note=f"s{i}")
                for i in range(services)
            ]
        )
    return store


def _lines_of(path: Path, table: str) -> list[bytes]:
    lines = path.read_bytes().split(b"\n")
    start = lines.index(orjson.dumps(table) + b":{") + 1
    end = next(i for i in range(start, len(lines)) if lines[i] in (b"}", b"},"))
    return lines[start:end]


def test_the_file_is_plain_tinydb_json_with_a_line_per_chunk(db_path: Path) -> None:
    _filled(db_path)
    raw = json.loads(db_path.read_bytes())
    assert raw["services"]["7"]["note"] == "s6" and raw["services"]["7"]["id"] == 7
    assert len(_lines_of(db_path, "services")) == 3  # 2,500 documents, 1,000 to a line
    assert raw["meta"]["1"]["tables"]["services"] == [2500, 2500]
    stock = TinyDB(db_path, storage=JSONStorage, access_mode="r")  # TinyDB's own storage reads it
    assert len(stock.table("services")) == 2500
    stock.close()


def test_opening_parses_nothing_and_an_edit_rewrites_only_its_line(db_path: Path) -> None:
    _filled(db_path)
    before = _lines_of(db_path, "services")
    store = Store(db_path, user="bob")
    data = store.snapshot()
    assert not data.services.parsed and len(data.services) == 2500  # counted, not parsed
    tracker = Tracker(store, today=TODAY)
    tracker.save_payer(dataclasses.replace(data.payers[1], notes="fax first"))
    assert not store.snapshot().services.parsed  # the services were written as they were read
    assert _lines_of(db_path, "services") == before
    service = store.snapshot().services[1500]
    tracker.record_service(dataclasses.replace(service, units=3))
    after = _lines_of(db_path, "services")
    assert [a == b for a, b in zip(before, after, strict=True)] == [True, False, True]
    assert Store(db_path).snapshot().services[1500].units == 3


def test_the_audit_grows_without_being_parsed(db_path: Path) -> None:
    store = _filled(db_path, services=10)
    tracker = Tracker(Store(db_path, user="bob"), today=TODAY)
    for n in range(3):
        tracker.save_payer(Payer(name=f"Payer {n}"))
    assert not tracker.store.storage.tables()["audit"].parsed
    assert [e.summary for e in store.audit()][-3:] == [
        "created payer Payer 0",
        "created payer Payer 1",
        "created payer Payer 2",
    ]


def test_ids_are_never_reused_and_emptied_lines_disappear(db_path: Path) -> None:
    store = _filled(db_path, services=CHUNK_DOCS + 5)
    with store.transaction() as tx:
        for service in list(tx.data.services.values())[CHUNK_DOCS:]:
            tx.delete(service)
    assert len(_lines_of(db_path, "services")) == 1
    with store.transaction() as tx:
        (new,) = tx.insert_many([Service(client=1, payer=1, date=DAY)])
    assert new.id == CHUNK_DOCS + 6
    assert sorted(Store(db_path).snapshot().services)[-2:] == [CHUNK_DOCS, CHUNK_DOCS + 6]


def test_a_file_in_another_layout_is_read_whole_and_rewritten(db_path: Path) -> None:
    _filled(db_path, services=5)
    docs = json.loads(db_path.read_bytes())
    for doc in docs["services"].values():
        del doc["id"]  # as earlier versions wrote them
    db_path.write_bytes(json.dumps(docs).encode())  # one line, spaces: not this layout
    store = Store(db_path, user="bob")
    assert store.snapshot().services[3].note == "s2"
    Tracker(store, today=TODAY).save_payer(Payer(name="Cigna"))
    assert db_path.read_bytes().startswith(b'{\n"meta":{\n')
    assert Store(db_path).snapshot().services[3].note == "s2"


def test_a_hand_edited_file_is_read_whole_so_the_edit_counts(db_path: Path) -> None:
    _filled(db_path, services=5)
    text = db_path.read_bytes().replace(b'"note":"s2"', b'"note":"edited by hand"')
    db_path.write_bytes(text)  # still valid JSON, but the checksum no longer matches
    assert Store(db_path).snapshot().services[3].note == "edited by hand"


def test_a_damaged_line_is_refused_and_left_as_it_is(db_path: Path) -> None:
    _filled(db_path, services=5)
    damaged = db_path.read_bytes().replace(b'"note":"s2"', b'"note":"s2')
    db_path.write_bytes(damaged)
    with pytest.raises(DataFileError, match="not a readable authtrack data file"):
        Tracker(Store(db_path, user="bob"), today=TODAY).save_payer(Payer(name="Cigna"))
    assert db_path.read_bytes() == damaged


def test_a_saved_record_stays_the_callers_own(tracker: Tracker) -> None:
    client = tracker.save_client(Client(first_name="Ann", last_name="Lee"))
    client.notes = "typed but not saved"
    client.insurances.append(ClientInsurance(payer_id=1))
    stored = tracker.data().clients[client.id]
    assert stored.notes == "" and stored.insurances == []


def test_changing_a_stored_record_in_place_is_caught(tracker: Tracker) -> None:
    client = tracker.save_client(Client(first_name="Ann", last_name="Lee"))
    stored = tracker.data().clients[client.id]
    stored.notes = "changed in place"  # a bug: the store could not tell what changed
    with pytest.raises(RuntimeError, match="change a copy"):
        tracker.save_client(stored)


operations = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(1, 2 * CHUNK_DOCS)),
        st.tuples(st.just("update"), st.integers(0, 10**6)),
        st.tuples(st.just("delete"), st.integers(0, 10**6)),
        st.tuples(st.just("reopen"), st.just(0)),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_any_sequence_of_changes_reads_back_as_made(tmp_path_factory, ops) -> None:
    path = tmp_path_factory.mktemp("tables") / "data.json"
    store = Store(path, user="alice")
    model: dict[int, str] = {}
    for n, (op, arg) in enumerate(ops):
        if op == "reopen":
            store = Store(path, user="alice")
            continue
        with store.transaction() as tx:
            services = tx.data.services
            if op == "insert":
                new = [Service(client=1, payer=1, date=DAY, note=f"{n}.{i}") for i in range(arg)]
                for service in tx.insert_many(new):
                    model[service.id] = service.note
            elif model:
                key = sorted(model)[arg % len(model)]
                if op == "update":
                    tx.update(dataclasses.replace(services[key], note=f"{n}"))
                    model[key] = f"{n}"
                else:
                    tx.delete(services[key])
                    del model[key]
    for reader in (store, Store(path)):
        assert {k: s.note for k, s in reader.snapshot().services.items()} == model
    on_disk = json.loads(path.read_bytes()).get("services", {}) if path.exists() else {}
    assert {int(k): d["note"] for k, d in on_disk.items()} == model


def test_counts_in_the_meta_record_are_checked_too(db_path: Path) -> None:
    _filled(db_path, services=5)
    text = db_path.read_bytes().replace(b'"services":[5,5]', b'"services":[9,5]')
    db_path.write_bytes(text)
    assert len(Store(db_path).snapshot().services) == 5  # read whole: the checksum failed


def test_tinydb_queries_still_work_on_the_store(db_path: Path) -> None:
    store = _filled(db_path, services=3)
    from tinydb import Query

    found = store.db.table("payers").search(Query().name == "Aetna")
    assert [doc["name"] for doc in found] == ["Aetna"]
    assert len(store.db.table("services")) == 3


def test_a_re_read_parses_only_the_lines_another_user_changed(db_path: Path) -> None:
    store = _filled(db_path)
    mine = Store(db_path, user="bob")
    before = mine.snapshot()
    records = dict(before.services)  # parsed, as the payers:
    assert [p.name for p in before.payers.values()] == ["Aetna"]
    other = Tracker(Store(db_path, user="carol"), today=TODAY)
    changed = other.data().services[1500]
    other.record_service(dataclasses.replace(changed, note="carol's"))
    after = mine.snapshot()
    assert after is not before and after.payers is before.payers  # an unchanged table is kept
    assert after.services is not before.services
    assert after.services[1500].note == "carol's"
    assert after.services[1].note == "s0" and after.services[1] is records[1]  # reused
    assert after.services[1500] is not records[1500]
    assert {k: s.note for k, s in after.services.items()} == {
        k: ("carol's" if k == 1500 else s.note) for k, s in records.items()
    }
    assert len(after.services) == 2500 and store.snapshot().services[2500].note == "s2499"


def test_texts_with_newlines_quotes_and_accents_keep_the_layout(db_path: Path) -> None:
    tricky = 'Zoë\n"},\n"9":{"x":1}\n},\n}\\'
    store = _filled(db_path, services=3)
    tracker = Tracker(store, today=TODAY)
    tracker.save_client(dataclasses.replace(store.snapshot().clients[1], notes=tricky))
    assert db_path.read_bytes().startswith(b'{\n"meta":{\n')
    again = Store(db_path)
    assert again.snapshot().clients[1].notes == tricky
    assert again.storage.tables()["services"].parsed is False  # read in this layout, lazily
    assert json.loads(db_path.read_bytes())["clients"]["1"]["notes"] == tricky


def test_appending_new_ids_is_what_changing_them_does() -> None:
    from priorauth.store.tables import Table

    first = {i: {"id": i, "note": f"n{i}"} for i in range(1, 2600)}
    more = {i: {"id": i, "note": f"m{i}"} for i in range(2600, 2700)}
    changed, appended = Table(None), Table(None)
    for values in (first, more):
        changed.change(dict(values))
        appended.append(dict(values))
        assert appended.lines() == changed.lines()
        assert dict(appended.items()) == dict(changed.items())
        assert (len(appended), appended.last_id) == (len(changed), changed.last_id)
    with pytest.raises(ValueError):
        appended.append({2699: {"id": 2699}})  # (an id given before: never appended)


def test_an_insert_gives_each_tables_records_consecutive_ids_in_order(db_path: Path) -> None:
    store = _filled(db_path, services=3)
    with store.transaction() as tx:
        made = tx.insert_many(
            [
                Service(client=1, payer=1, date=DAY, note="a"),
                Payer(name="Cigna"),
                Service(client=1, payer=1, date=DAY, note="b"),
            ]
        )
        alone = tx.insert_many(
            [Service(client=1, payer=1, date=DAY, note=f"c{i}") for i in range(3)]
        )
    assert [(type(r).__name__, r.id) for r in made] == [
        ("Service", 4),
        ("Payer", 2),
        ("Service", 5),
    ]
    assert [r.id for r in alone] == [6, 7, 8]
    assert [s.note for s in Store(db_path, user="bo").snapshot().services.values()][-5:] == [
        "a",
        "b",
        "c0",
        "c1",
        "c2",
    ]


def test_a_file_of_long_new_lines_passes_its_own_checksum(db_path: Path) -> None:
    from priorauth.store import crc, layout

    _filled(db_path, services=3000)  # (lines of 1,000 services: long enough to be combined)
    assert max(map(len, _lines_of(db_path, "services"))) >= crc.WORTH_BYTES
    with db_path.open("rb") as f:  # (None: the checksum failed, the file would be read whole)
        assert layout.read_lines(f, db_path, {}, {}) is not None
