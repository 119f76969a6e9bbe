"""The live view (priorauth.services.live): after another process's save, an open app works out
only what the change touched, and what it shows is exactly what a fresh read works out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from priorauth import notify, rules
from priorauth.data import Data
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    ClientInsurance,
    ClientStatus,
    Payer,
    Priority,
    RequestStatus,
    Service,
    ServiceStatus,
)
from priorauth.services.live import LiveView
from priorauth.store import tables
from priorauth.store.datafile import Store
from tests.conftest import TODAY
from tui.rows import ClientRow, auth_rows, client_row, client_rows

CODES = ("90834", "90837", "97153", "97155", "H2019-HN")


def _base(path: Path, seed: int) -> None:
    """A small practice: 3 payers, 7 clients, their authorizations and a few dozen services."""
    rnd = random.Random(seed)
    store = Store(path, user="setup")
    with store.transaction() as tx:
        payers = tx.insert_many([Payer(name=f"Payer {i}") for i in range(3)])
        clients = tx.insert_many(
            [
                Client(
                    first_name=f"First{i}",
                    last_name=f"Last{i}",
                    client_id=f"C{i}",
                    status=ClientStatus.ACTIVE if i % 5 else ClientStatus.DISCHARGED,
                    insurances=[
                        ClientInsurance(payer_id=payers[i % 3].id, prior_auth_required=i % 4 != 1),
                        ClientInsurance(
                            payer_id=payers[(i + 1) % 3].id, priority=Priority.SECONDARY
                        ),
                    ],
                )
                for i in range(7)
            ]
        )
        auths = tx.insert_many([_auth(rnd, clients, payers) for _ in range(12)])
        tx.insert_many([_service(rnd, clients, payers, auths) for _ in range(40)])


def _auth(rnd: random.Random, clients: list[Client], payers: list[Payer]) -> Authorization:
    start = TODAY - dt.timedelta(days=rnd.randrange(-20, 200))
    capped = rnd.random() < 0.3
    return Authorization(
        client=rnd.choice(clients).id,
        payer=rnd.choice(payers).id,
        auth_number=f"A{rnd.randrange(1000)}",
        procedure_codes=rnd.sample(CODES, rnd.randrange(0, 3)),
        units_authorized=rnd.choice((None, 4, 10, 30)),
        visits_authorized=rnd.choice((None, 3, 12)),
        start_date=start if rnd.random() < 0.9 else None,
        end_date=start + dt.timedelta(days=rnd.choice((30, 90, 180)))
        if rnd.random() < 0.8
        else None,
        active=rnd.random() < 0.7,
        status=rnd.choice(
            (RequestStatus.APPROVED,) * 4 + (RequestStatus.PENDING, RequestStatus.DENIED)
        ),
        follow_up_on=TODAY - dt.timedelta(days=rnd.randrange(-5, 5)),
        carried_units_used=rnd.randrange(0, 3),
        cap_amount=2 if capped else None,
        cap_period=rnd.choice((CapPeriod.WEEK, CapPeriod.MONTH)) if capped else None,
        cap_measure=rnd.choice((CapMeasure.UNITS, CapMeasure.VISITS)),
    )


def _service(
    rnd: random.Random, clients: list[Client], payers: list[Payer], auths: list[Authorization]
) -> Service:
    client = rnd.choice(clients)
    return Service(
        client=client.id,
        payer=rnd.choice([i.payer_id for i in client.insurances] + [payers[0].id]),
        date=TODAY + dt.timedelta(days=rnd.randrange(-120, 20)),
        procedure_code=rnd.choice(CODES),
        units=rnd.randrange(1, 4),
        status=rnd.choice((ServiceStatus.KEPT,) * 4 + (ServiceStatus.CANCELLED,)),
        authorization=rnd.choice(auths).id if rnd.random() < 0.1 else None,
    )


def _change(store: Store, rnd: random.Random, kind: str) -> None:
    """One save of ``kind`` through ``store``, chosen by ``rnd``."""
    with store.transaction() as tx:
        data = tx.data
        clients, payers = list(data.clients.values()), list(data.payers.values())
        auths, services = list(data.authorizations.values()), list(data.services.values())
        if kind == "add service" or not services or not auths or not clients:
            tx.insert(_service(rnd, clients, payers, auths or [Authorization(client=0, payer=0)]))
        elif kind == "change service":
            s = rnd.choice(services)
            tx.update(
                dataclasses.replace(
                    s,
                    units=rnd.randrange(1, 5),
                    date=s.date + dt.timedelta(days=rnd.randrange(-40, 40)),
                    procedure_code=rnd.choice(CODES),
                    status=rnd.choice((ServiceStatus.KEPT, ServiceStatus.NO_SHOW)),
                    authorization=rnd.choice(auths).id if rnd.random() < 0.2 else None,
                    client=rnd.choice(clients).id if rnd.random() < 0.2 else s.client,
                )
            )
        elif kind == "delete service":
            tx.delete(rnd.choice(services))
        elif kind == "change authorization":
            a = rnd.choice(auths)
            new = _auth(rnd, clients, payers)
            keep = rnd.sample(["client", "payer", "procedure_codes", "start_date", "status"], 3)
            changes = {f.name: getattr(new, f.name) for f in dataclasses.fields(Authorization)}
            for name in ("id", "rev", "updated_by", "updated_at", *keep):
                changes.pop(name)
            tx.update(dataclasses.replace(a, **changes))
        elif kind == "add authorization":
            tx.insert(_auth(rnd, clients, payers))
        elif kind == "delete authorization":
            tx.delete(rnd.choice(auths))
        elif kind == "change client":
            c = rnd.choice(clients)
            tx.update(
                dataclasses.replace(
                    c,
                    last_name=rnd.choice(("Adams", "Zed", c.last_name)),
                    status=rnd.choice(list(ClientStatus)),
                    insurances=[
                        dataclasses.replace(c.insurances[0], payer_id=rnd.choice(payers).id)
                    ],
                )
            )
        elif kind == "add client":
            tx.insert(
                Client(
                    first_name="New",
                    last_name=f"Client{rnd.randrange(99)}",
                    insurances=[ClientInsurance(payer_id=rnd.choice(payers).id)],
                )
            )
        elif kind == "delete client":
            tx.delete(rnd.choice(clients))
        elif kind == "rename payer":
            p = rnd.choice(payers)
            tx.update(dataclasses.replace(p, name=p.name + "x"))


KINDS = [
    "add service",
    "change service",
    "delete service",
    "change authorization",
    "add authorization",
    "delete authorization",
    "change client",
    "add client",
    "delete client",
    "rename payer",
]


def _shown(data: Data) -> dict[str, Any]:
    """What an open app shows and counts from ``data``."""
    by_auth = rules.services_by_authorization(data)
    return {
        "client rows": client_rows(data, TODAY),
        "auth rows": auth_rows(data, TODAY),
        "notifications": notify.compute(data, TODAY),
        "services by authorization": {k: [s.id for s in v] for k, v in by_auth.items() if v},
        "services by client": {
            k: [s.id for s in v] for k, v in data.services_by_client.items() if v
        },
        "authorizations by client": {
            k: [a.id for a in v] for k, v in data.auths_by_client.items() if v
        },
    }


@pytest.fixture
def small_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few documents to a line, so that a save rewrites some lines and keeps others."""
    monkeypatch.setattr(tables, "CHUNK_DOCS", 4)
    monkeypatch.setattr(tables, "LINE_BYTES", 600)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    steps=st.lists(st.tuples(st.sampled_from(KINDS), st.booleans()), min_size=1, max_size=8),
)
def test_live_view_shows_what_a_fresh_read_works_out(
    tmp_path_factory: pytest.TempPathFactory, small_lines: None, seed: int, steps: list[Any]
) -> None:
    path = tmp_path_factory.mktemp("live") / "data.json"
    _base(path, seed)
    rnd = random.Random(seed)
    app_store = Store(path, user="app")  # the open app's
    other = Store(path, user="other")  # another process's (its own file reads and writes)
    live = LiveView()
    data = app_store.snapshot()
    live.apply(data, TODAY)
    _shown(data)  # worked out once, then kept
    for kind, own in steps:
        _change(app_store if own else other, rnd, kind)
        data = app_store.snapshot()
        changes = live.apply(data, TODAY)
        fresh = Store(path, user="fresh").snapshot()
        assert _shown(data) == _shown(fresh), (kind, own, changes)
        if kind != "rename payer":
            assert not changes.everything, kind  # worked out for the touched clients only


def test_a_save_works_out_only_the_clients_it_touched(tmp_path: Path, small_lines: None) -> None:
    path = tmp_path / "data.json"
    _base(path, 3)
    app_store, other = Store(path, user="app"), Store(path, user="other")
    live = LiveView()
    data = app_store.snapshot()
    live.apply(data, TODAY)
    before = _shown(data)
    service = next(iter(data.services.values()))
    with other.transaction() as tx:
        tx.update(dataclasses.replace(service, units=service.units + 1))
    data = app_store.snapshot()
    worked_out: list[int] = []
    changes = live.apply(data, TODAY)
    assert changes.ids == {"services": {service.id}}
    assert service.client in (changes.clients or ())

    def row(i: int) -> ClientRow:
        worked_out.append(i)
        return client_row(data, data.clients[i], TODAY)

    rows = data.per_client(("tui.client_rows", TODAY, True), row, data.clients.keys())
    assert set(worked_out) == changes.clients and len(rows) == len(data.clients)
    after = _shown(data)
    assert after == _shown(Store(path, user="fresh").snapshot())
    assert after["services by client"] == before["services by client"]


def _read(store: Store) -> dict[str, Any]:
    data = store.snapshot()
    return {
        name: dict(getattr(data, name))
        for name in ("payers", "clients", "authorizations", "services")
    }


def test_a_display_read_reads_only_the_changed_lines(tmp_path: Path, small_lines: None) -> None:
    path = tmp_path / "data.json"
    _base(path, 5)
    app_store, other = Store(path, user="app"), Store(path, user="other")
    first = app_store.snapshot()
    client = next(iter(first.clients.values()))
    len(first.services.values())  # (parsed, as an open app's are)
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
    assert data.services is first.services  # not one of its lines read again
    assert 0 < sum(reads) < path.stat().st_size // 4
    assert _read(app_store) == _read(Store(path, user="fresh"))


def test_a_hand_edit_that_keeps_every_length_is_read_by_the_next_save(
    tmp_path: Path, small_lines: None
) -> None:
    """A display read trusts the lines whose length and checksum it holds; a transaction
    reads the whole file and checks it, so it never writes an unchecked line back."""
    path = tmp_path / "data.json"
    _base(path, 6)
    app_store = Store(path, user="app")
    before = app_store.snapshot()
    raw = path.read_bytes()
    edited = raw.replace(b'"first_name":"First3"', b'"first_name":"Fyrst3"', 1)
    assert edited != raw and len(edited) == len(raw)
    path.write_bytes(edited)  # by hand: the meta record's checksums no longer fit
    reader = Store(path, user="reader")
    reader.snapshot()
    assert not reader.recheck_due()  # (read whole: nothing to check)
    with app_store.transaction() as tx:
        assert any(c.first_name == "Fyrst3" for c in tx.data.clients.values())
    assert any(c.first_name == "Fyrst3" for c in app_store.snapshot().clients.values())
    assert before.clients is not app_store.snapshot().clients


def test_an_open_app_rechecks_the_whole_file_while_nobody_saves(
    tmp_path: Path, small_lines: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.json"
    _base(path, 8)
    app_store, other = Store(path, user="app"), Store(path, user="other")
    first = app_store.snapshot()
    len(first.clients.values())
    client = next(iter(first.clients.values()))
    with other.transaction() as tx:
        tx.update(dataclasses.replace(client, notes="by other"))
    assert app_store.snapshot().clients[client.id].notes == "by other"  # changed lines only
    raw = path.read_bytes()
    edited = raw.replace(b'"first_name":"First3"', b'"first_name":"Fyrst3"', 1)
    assert edited != raw and len(edited) == len(raw)
    stat = path.stat()
    path.write_bytes(edited)  # by hand, keeping its size and time: the display read trusts it
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not any(c.first_name == "Fyrst3" for c in app_store.snapshot().clients.values())
    monkeypatch.setattr(app_store.storage, "_recheck_after", 0.0)
    assert app_store.recheck_due()
    app_store.recheck()
    assert any(c.first_name == "Fyrst3" for c in app_store.snapshot().clients.values())
    assert not app_store.recheck_due()


def test_a_changed_line_whose_checksum_fails_is_read_whole(
    tmp_path: Path, small_lines: None
) -> None:
    path = tmp_path / "data.json"
    _base(path, 7)
    app_store, other = Store(path, user="app"), Store(path, user="other")
    app_store.snapshot()
    service = next(iter(other.snapshot().services.values()))
    with other.transaction() as tx:
        tx.update(dataclasses.replace(service, note="abc"))
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"note":"abc"', b'"note":"abd"', 1))  # same length
    data = app_store.snapshot()
    assert data.services[service.id].note == "abd"  # read whole (and marked as edited outside)
