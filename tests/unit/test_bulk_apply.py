"""bulk.apply: an import's changes written in one transaction, new records under real ids (and
every reference to their temporary ids made real), edited ones saved as updates."""

from __future__ import annotations

import dataclasses
import datetime as dt

from priorauth.model import Authorization, Client, ClientInsurance, Payer
from priorauth.services import bulk
from priorauth.store.datafile import Store

DAY = dt.date(2026, 11, 2)


def test_new_records_get_real_ids_and_edited_ones_are_updated(store: Store) -> None:
    with store.transaction() as tx:
        (aetna,) = tx.insert_many([Payer(name="Aetna")])
        (kept,) = tx.insert_many([Client(first_name="Kim", last_name="Old")])
    edited = dataclasses.replace(kept, notes="seen")
    changes = bulk.Changes(
        payers=[Payer(id=-1, name="Cigna")],
        clients=[
            Client(
                id=-1, first_name="Ann", insurances=[ClientInsurance(payer_id=-1, member_id="C1")]
            ),
            edited,
            Client(id=-2, first_name="Bo", insurances=[ClientInsurance(payer_id=aetna.id)]),
        ],
        authorizations=[
            Authorization(id=-1, client=-2, payer=aetna.id, auth_number="A1", start_date=DAY),
            Authorization(id=-2, client=-1, payer=-1, auth_number="A2", start_date=DAY),
            Authorization(id=-3, client=kept.id, payer=aetna.id, auth_number="A3", member_id="M"),
        ],
    )
    with store.transaction() as tx:
        applied = bulk.apply(tx, changes, summary="imported")
    assert applied.ids == {
        ("payers", -1): 2,
        ("clients", -1): 2,
        ("clients", -2): 3,
        ("authorizations", -1): 1,
        ("authorizations", -2): 2,
        ("authorizations", -3): 3,
    }
    assert applied.created == {"payers": 1, "clients": 2, "authorizations": 3}
    assert applied.updated == {"clients": 1}
    data = store.snapshot()
    assert [(c.id, c.first_name, c.rev) for c in data.clients.values()] == [
        (1, "Kim", 2),
        (2, "Ann", 1),
        (3, "Bo", 1),
    ]
    assert data.clients[1].notes == "seen"
    assert [(i.payer_id, i.member_id) for i in data.clients[2].insurances] == [(2, "C1")]
    assert [(a.id, a.client, a.payer, a.member_id) for a in data.authorizations.values()] == [
        (1, 3, 1, ""),
        (2, 2, 2, "C1"),  # (the member id of the card it was issued under)
        (3, 1, 1, "M"),
    ]
