"""validate_many checks many clients at once and says exactly what validate.client_problems
says of each (same sentences, fields, order): generated batches of clients (names blank or not,
dates of birth past and future, client ids repeated, trimmed or not, and coverages of known and
unknown priorities and payers, in order, overlapping, touching, open, one payer at two
priorities) are compared with the per-client checks."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import validate, validate_many
from priorauth.data import Data
from priorauth.model import Client, ClientInsurance, Payer, Priority

TODAY = dt.date(2025, 6, 1)
_DAY0 = dt.date(2025, 1, 1)
_DAY = st.one_of(st.none(), st.integers(0, 12).map(lambda n: _DAY0 + dt.timedelta(days=10 * n)))
_PRIORITY = st.sampled_from([Priority.PRIMARY, Priority.PRIMARY, Priority.SECONDARY, "primary"])
_ANY_PRIORITY = st.one_of(_PRIORITY, st.sampled_from(["tertiary", "Primary", "fourth"]))


@st.composite
def _coverage(draw: st.DrawFn) -> ClientInsurance:
    odd = draw(st.integers(0, 9)) == 0
    return ClientInsurance(
        payer_id=draw(st.sampled_from([1, 2, 3, 9] if odd else [1, 2, 3])),
        priority=draw(_ANY_PRIORITY if odd else _PRIORITY),
        member_id=draw(st.sampled_from(["", "M1", "m1 ", "M2"])),
        start_date=draw(_DAY),
        end_date=draw(_DAY),
    )


@st.composite
def _chain(draw: st.DrawFn) -> list[ClientInsurance]:
    """Coverages one after the other (a history as an import makes it), touching or not."""
    covs, day = [], _DAY0
    for k in range(draw(st.integers(1, 4))):
        end = day + dt.timedelta(days=draw(st.integers(0, 40)))
        covs.append(
            ClientInsurance(
                payer_id=draw(st.sampled_from([1, 2])),
                member_id=f"M{k}",
                start_date=day if k else None,
                end_date=end,
            )
        )
        day = end + dt.timedelta(days=draw(st.integers(0, 3)))  # (0: the next starts that day)
    covs[-1].end_date = draw(st.sampled_from([None, covs[-1].end_date]))
    if draw(st.integers(0, 4)) == 0:
        covs = draw(st.permutations(covs))
    return list(covs)


@st.composite
def _client(draw: st.DrawFn) -> Client:
    odd = draw(st.integers(0, 5)) == 0
    return Client(
        id=0,
        client_id=draw(st.sampled_from(["", "C1", "c1", " C2", "C3"] if odd else ["", "C3", "C4"])),
        first_name=draw(st.sampled_from(["Ann", "", " "])),
        last_name=draw(st.sampled_from(["Lee", "", " "] if odd else ["Lee"])),
        dob=draw(st.sampled_from([None, dt.date(1990, 1, 1), TODAY, TODAY + dt.timedelta(1)])),
        insurances=draw(st.lists(_coverage(), max_size=4) if odd else _chain()),
    )


@st.composite
def _batch(draw: st.DrawFn) -> tuple[Data, list[Client]]:
    payers = {i: Payer(id=i, name=name) for i, name in enumerate(["Aetna", "Cigna", "Optum"], 1)}
    stored = {1: Client(id=1, client_id="C1", first_name="Bo", last_name="Ng")}
    batch = draw(st.lists(_client(), max_size=10))
    for i, client in enumerate(batch, start=1):
        client.id = -i
    if batch and draw(st.booleans()):  # (an edited copy of a stored client)
        batch[0].id = 1
    view = Data(payers=payers, clients={**stored, **{c.id: c for c in batch}})
    return view, batch


def _texts(problems: list) -> list[tuple[str, str | None]]:
    return [(str(p), p.field) for p in problems]


def _per_client(view: Data, clients: list[Client]) -> dict:
    found = {}
    for i, client in enumerate(clients):
        if problems := validate.client_problems(view, client, TODAY):
            found[i] = _texts(problems)
    return found


@settings(max_examples=400, deadline=None)
@given(batch=_batch())
def test_the_batch_says_what_each_client_says(batch: tuple) -> None:
    view, clients = batch
    found = validate_many.clients_problems(view, clients, TODAY)
    assert list(found) == sorted(found)
    assert {i: _texts(p) for i, p in found.items()} == _per_client(view, clients)


def _history(i: int, payers: int) -> Client:
    """A client with coverages one payer after another (all primary), as an import makes them."""
    day = dt.date(2019, 1, 1)
    covs = []
    for k in range(payers):
        start, end = day + dt.timedelta(days=182 * k), day + dt.timedelta(days=182 * k + 179)
        covs.append(
            ClientInsurance(
                payer_id=1 + k % 2,
                member_id=f"M{i}-{k}",
                start_date=start if k else None,
                end_date=end if k < payers - 1 else None,
            )
        )
    return Client(id=-i, client_id=f"H{i}", first_name="A", last_name=f"L{i}", insurances=covs)


def test_a_clean_batch_is_proven_without_the_per_client_checks() -> None:
    payers = {1: Payer(id=1, name="Aetna"), 2: Payer(id=2, name="Cigna")}
    clients = [_history(i, 1 + i % 4) for i in range(1, 40)]
    view = Data(payers=payers, clients={c.id: c for c in clients})
    assert validate_many._doubtful_clients(view, clients, TODAY) == set()
    assert validate_many.clients_problems(view, clients, TODAY) == {}
    # two primaries at once, a coverage ending before it starts, a client id twice (the client
    # the data's index finds under it is not told), a secondary of the same payer (the
    # per-client check compares member ids): those four only, three with problems
    clients[2].insurances[1].start_date = clients[2].insurances[0].end_date
    clients[5].insurances[1].end_date = dt.date(2018, 1, 1)
    clients[9].client_id = "h1"
    clients[13].insurances[1].priority = Priority.SECONDARY
    clients[13].insurances[1].payer_id = clients[13].insurances[0].payer_id
    view = Data(payers=payers, clients={c.id: c for c in clients})
    assert validate_many._doubtful_clients(view, clients, TODAY) == {0, 2, 5, 13}
    found = validate_many.clients_problems(view, clients, TODAY)
    assert {i: _texts(p) for i, p in found.items()} == _per_client(view, clients)
    assert set(found) == {0, 2, 5}


def test_coverages_of_one_priority_stored_apart_are_compared() -> None:
    """Two primaries stored with a secondary between them (of another payer) that overlap: the
    bulk check compares only neighbours, so such a client is left to the per-client check."""
    payers = {i: Payer(id=i, name=name) for i, name in enumerate(["Aetna", "Cigna", "Optum"], 1)}
    day = dt.date(2020, 1, 1)
    covs = [
        ClientInsurance(payer_id=1, end_date=day + dt.timedelta(days=100)),
        ClientInsurance(payer_id=2, priority=Priority.SECONDARY),
        ClientInsurance(payer_id=3, start_date=day + dt.timedelta(days=50)),
    ]
    client = Client(id=-1, first_name="A", last_name="L", insurances=covs)
    view = Data(payers=payers, clients={-1: client})
    found = validate_many.clients_problems(view, [client], TODAY)
    assert {i: _texts(p) for i, p in found.items()} == _per_client(view, [client]) != {}
    covs[2].start_date = day + dt.timedelta(days=101)  # (the first has ended: nothing wrong)
    assert validate_many._doubtful_clients(view, [client], TODAY) == {0}
    assert validate_many.clients_problems(view, [client], TODAY) == {}


def test_the_bulk_check_reads_every_field_the_per_client_check_reads() -> None:
    """A rule added to validate.client_problems on a field validate_many does not read would let
    the bulk check clear a client the rule refuses."""
    read: set[str] = set()

    class WatchedClient(Client):
        __slots__ = ()

        def __getattribute__(self, name: str) -> object:
            read.add(name)
            return object.__getattribute__(self, name)

    class WatchedCoverage(ClientInsurance):
        def __getattribute__(self, name: str) -> object:
            read.add("coverage." + name)
            return object.__getattribute__(self, name)

    payers = {1: Payer(id=1, name="Aetna"), 2: Payer(id=2, name="Cigna")}
    covs = [
        WatchedCoverage(payer_id=p, priority=priority, member_id="M", start_date=start)
        for p, priority, start in [
            (1, Priority.PRIMARY, None),
            (2, Priority.PRIMARY, dt.date(2025, 1, 1)),
            (1, Priority.SECONDARY, dt.date(2025, 2, 1)),
        ]
    ]
    client = WatchedClient(
        id=-1, client_id="C1", first_name="A", last_name="L", dob=dt.date(1990, 1, 1)
    )
    client.insurances = covs
    validate.client_problems(Data(payers=payers, clients={-1: client}), client, TODAY)
    fields = {f for f in read if not f.split(".")[-1].startswith("_")}
    allowed = {*validate_many._CLIENT_FIELD_NAMES, "insurances", "name"}
    # (a coverage's member id is compared only between one payer's coverages at two
    # priorities, which the bulk check leaves to the per-client one)
    allowed |= {f"coverage.{f}" for f in (*validate_many._COVERAGE_FIELD_NAMES, "member_id")}
    assert fields <= allowed, fields - allowed
