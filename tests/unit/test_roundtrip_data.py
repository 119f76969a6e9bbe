"""Property: whatever a person can save through the app, export -> import into an empty data file
reproduces it exactly.

The data files are made the way people make them, through
:class:`priorauth.services.tracker.Tracker`
(each save validated), not written into the store behind the rules' back; and they are compared
as data (every field of every record, references followed to the records they name), not as
workbook cells. Both sides use only the public Tracker / export / import functions, so the test
holds however the records are stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
)
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
from sync.writing.exporter import export_workbook
from tests.helpers.sync_helpers import TODAY

CODES = ["90791", "90832", "90834", "90837", "97153", "H2019-HN"]
PAYERS = ["Aetna", "Cigna Behavioral Health", "Medicaid - State Plan"]
text = st.text(alphabet=st.sampled_from(list("abcXY019 =+-@#'\",;/é")), max_size=10).map(str.strip)
names = st.text(alphabet=st.sampled_from(list("abcdeKLMO'-")), min_size=1, max_size=8).map(
    lambda s: s.strip("-'") or "Ann"
)
dates = st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
caps = st.none() | st.integers(0, 2_500)  # None: no cap, stated as such


@st.composite
def authorizations(draw: st.DrawFn, numbers: Any) -> dict[str, Any]:
    status = draw(st.sampled_from([RequestStatus.APPROVED] * 3 + list(RequestStatus)))
    start = draw(dates if status == RequestStatus.APPROVED else st.none() | dates)
    end = draw(st.none() | (st.dates(start, dt.date(2028, 12, 31)) if start else dates))
    cap = draw(
        st.none()
        | st.tuples(st.integers(1, 40), st.sampled_from(CapPeriod), st.sampled_from(CapMeasure))
    )
    return {
        "auth_number": f"N{next(numbers)}" if draw(st.booleans()) else "",  # blank: no number
        "procedure_codes": draw(st.lists(st.sampled_from(CODES), max_size=2, unique=True)),
        "units_authorized": draw(caps),
        "visits_authorized": draw(caps),
        "cap_amount": cap[0] if cap else None,
        "cap_period": cap[1] if cap else None,
        "cap_measure": cap[2] if cap else CapMeasure.UNITS,
        "start_date": start,
        "end_date": end,
        "active": status == RequestStatus.APPROVED and draw(st.booleans()),
        "reminder_days": draw(st.none() | st.integers(0, 90)),
        "notes": draw(text),
        "carried_units_used": draw(st.integers(0, 40)),
        "carried_visits_used": draw(st.integers(0, 40)),
        "status": status,
        "requested_on": draw(st.none() | dates),
        "payer_reference": draw(text),
        "follow_up_on": draw(st.none() | dates),
        "confirm": status == RequestStatus.APPROVED and draw(st.booleans()),
    }


@st.composite
def practices(draw: st.DrawFn) -> dict[str, Any]:
    """A practice as plain values: payers, clients with 1-3 insurances (one payer may be two of
    them: two plans of one insurer), their authorizations and services."""
    numbers = iter(range(1000, 100_000))
    payers = [
        {
            "name": name,
            "prior_auth_required": draw(st.booleans()),
            "turnaround_days": draw(st.integers(0, 30)),
            "notes": draw(text),
        }
        for name in draw(st.lists(st.sampled_from(PAYERS), min_size=1, max_size=3, unique=True))
    ]
    clients = []
    for c in range(draw(st.integers(1, 3))):
        insured = draw(
            st.lists(st.sampled_from([p["name"] for p in payers]), min_size=1, max_size=3)
        )
        if draw(st.booleans()):  # the case the demo's export failed on: one payer twice
            insured[1:2] = [insured[0]]
        insurances = [
            {
                "payer": payer,
                "priority": priority,
                # two plans of one payer are two cards: their member ids differ
                "member_id": draw(st.sampled_from(["", "W123", "00012", "+1555"])) + f"-{k}",
                "prior_auth_required": draw(st.booleans()),
            }
            for k, (payer, priority) in enumerate(zip(insured, Priority, strict=False))
        ]
        auths = [
            (payer, draw(authorizations(numbers)))
            for payer in draw(st.lists(st.sampled_from(insured), max_size=3))
        ]
        # two authorizations with no number, one payer, one start and the same codes cannot be
        # told apart in any workbook (nor on screen): which of them a service counted against
        # is not written down, so they are not generated (a known limit, not a round-trip bug)
        seen = set()
        for k, (payer, a) in reversed(list(enumerate(auths))):
            key = (payer, a["auth_number"], a["start_date"], tuple(sorted(a["procedure_codes"])))
            if key in seen:
                del auths[k]
            seen.add(key)
        services = [
            {
                "payer": draw(st.sampled_from(insured)),
                "date": draw(dates),
                "procedure_code": draw(st.sampled_from(["", *CODES])),
                "units": draw(st.integers(1, 4)),
                "recorded_by": draw(st.sampled_from(["", "jchen"])),
                "note": draw(text),
                "pin": draw(st.booleans()),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        clients.append(
            {
                "client_id": f"K{c:03d}",
                "first_name": draw(names),
                "last_name": draw(names),
                "dob": draw(st.none() | st.dates(dt.date(1930, 1, 1), TODAY)),
                "clinician": draw(st.sampled_from(["", "mlopez", "jchen"])),
                "status": draw(st.sampled_from(ClientStatus)),
                "notes": draw(text),
                "insurances": insurances,
                "auths": auths,
                "services": services,
            }
        )
    return {"payers": payers, "clients": clients}


def save(tracker: Tracker, practice: dict[str, Any]) -> None:
    """Enter the practice as a person would, one validated save at a time."""
    payer_ids = {}
    for p in practice["payers"]:
        payer_ids[p["name"]] = tracker.save_payer(Payer(**p)).id
    for c in practice["clients"]:
        fields = {k: v for k, v in c.items() if k not in ("insurances", "auths", "services")}
        insurances = [
            ClientInsurance(
                payer_id=payer_ids[ins["payer"]],
                priority=ins["priority"],
                member_id=ins["member_id"],
                prior_auth_required=ins["prior_auth_required"],
            )
            for ins in c["insurances"]
        ]
        client = tracker.save_client(Client(**fields, insurances=insurances))
        numbered: dict[int, list[Authorization]] = {}
        for payer, a in c["auths"]:
            fields = {k: v for k, v in a.items() if k != "confirm"}
            saved = tracker.save_authorization(
                Authorization(client=client.id, payer=payer_ids[payer], **fields)
            ).authorization
            if a["confirm"]:
                saved = tracker.confirm_to_billing(saved)
            if saved.auth_number:
                numbered.setdefault(saved.payer, []).append(saved)
        for s in c["services"]:
            payer = payer_ids[s["payer"]]
            pinnable = numbered.get(payer, [])
            fields = {k: v for k, v in s.items() if k not in ("payer", "pin")}
            tracker.record_service(
                Service(
                    client=client.id,
                    payer=payer,
                    authorization=pinnable[0].id if s["pin"] and pinnable else None,
                    **fields,
                )
            )


_BOOKKEEPING = {"id", "rev", "updated_by", "updated_at"}


def as_data(data: Data) -> dict[str, list[str]]:
    """Every record as its fields, with the records it refers to named by what a person would
    call them (payer name, client id, authorization number and dates), ids and revisions left
    out; each table sorted, so two files holding the same facts compare equal."""
    payers = {p.id: p.name for p in data.payers.values()}
    clients = {c.id: c.client_id for c in data.clients.values()}
    auths = {
        a.id: (clients.get(a.client), payers.get(a.payer), a.auth_number, str(a.start_date))
        for a in data.authorizations.values()
    }
    refs = {"payer": payers, "payer_id": payers, "client": clients, "authorization": auths}
    refs["renewal_of"] = auths

    def named(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: named(v, k) for k, v in sorted(value.items()) if k not in _BOOKKEEPING}
        if isinstance(value, list):
            return [named(v, key) for v in value]
        if key in refs and value is not None:
            return refs[key].get(value, f"missing #{value}")
        return value

    out = {}
    for table, records in (
        ("payers", data.payers),
        ("groups", data.groups),
        ("clients", data.clients),
        ("authorizations", data.authorizations),
        ("services", data.services),
    ):
        out[table] = sorted(repr(named(dataclasses.asdict(r))) for r in records.values())
    return out


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(practices())
def test_what_a_person_saves_comes_back_from_its_export(practice: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = Tracker(Store(folder / "source.json", user="alice"), today=TODAY)
        save(source, practice)
        exported = export_workbook(source.data(), folder / "export.xlsx", today=TODAY)

        fresh = Tracker(Store(folder / "fresh.json", user="alice"), today=TODAY)
        plan = plan_import(exported, fresh.data(), today=TODAY)
        assert plan.errors == []
        apply_import(fresh, plan)
        assert as_data(fresh.data()) == as_data(source.data())


def _unnumbered(start: dt.date, codes: list[str]) -> dict[str, Any]:
    return {
        "auth_number": "",
        "procedure_codes": codes,
        "units_authorized": None,
        "visits_authorized": None,
        "cap_amount": None,
        "cap_period": None,
        "start_date": start,
        "end_date": None,
        "active": False,
        "reminder_days": None,
        "notes": "",
        "carried_units_used": 0,
        "carried_visits_used": 0,
        "status": RequestStatus.APPROVED,
        "requested_on": None,
        "payer_reference": "",
        "follow_up_on": None,
        "confirm": False,
    }


def test_a_service_two_authorizations_cover_alike_counts_against_the_same_one_after_import(
    tmp_path: Path,
) -> None:
    """Found by the property above: two inactive authorizations starting on one day both cover a
    service with no code, and the later-made one counts it. The import planned its new records
    under ids -1, -2, ..., which ranked them the other way round: the plan counted the service
    against the other one, carried its use into the one that counts it, and after the save that
    one showed the service twice."""
    practice = {
        "payers": [
            {"name": "Aetna", "prior_auth_required": False, "turnaround_days": 0, "notes": ""}
        ],
        "clients": [
            {
                "client_id": "K002",
                "first_name": "K",
                "last_name": "K",
                "dob": None,
                "clinician": "",
                "status": ClientStatus.ACTIVE,
                "notes": "",
                "insurances": [
                    {
                        "payer": "Aetna",
                        "priority": Priority.PRIMARY,
                        "member_id": "M0",
                        "prior_auth_required": False,
                    }
                ],
                "auths": [
                    ("Aetna", _unnumbered(dt.date(2025, 1, 1), [])),
                    ("Aetna", _unnumbered(dt.date(2025, 3, 1), [])),
                    ("Aetna", _unnumbered(dt.date(2025, 3, 1), ["90791"])),
                ],
                "services": [
                    {
                        "payer": "Aetna",
                        "date": dt.date(2026, 1, 1),
                        "procedure_code": "",
                        "units": 1,
                        "recorded_by": "",
                        "note": "",
                        "pin": False,
                    }
                ],
            }
        ],
    }
    source = Tracker(Store(tmp_path / "source.json", user="alice"), today=TODAY)
    save(source, practice)
    exported = export_workbook(source.data(), tmp_path / "export.xlsx", today=TODAY)
    fresh = Tracker(Store(tmp_path / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(exported, fresh.data(), today=TODAY)
    assert plan.errors == []
    apply_import(fresh, plan)
    assert as_data(fresh.data()) == as_data(source.data())
    carried = sorted(a.carried_units_used for a in fresh.data().authorizations.values())
    assert carried == [0, 0, 0]


def test_two_plans_of_one_payer_come_back(tmp_path: Path) -> None:
    """The demo's case, by name: one payer as the primary and the secondary insurance."""
    source = Tracker(Store(tmp_path / "source.json", user="alice"), today=TODAY)
    cigna = source.save_payer(Payer(name="Cigna Behavioral Health"))
    source.save_client(
        Client(
            client_id="C1013",
            first_name="Parker",
            last_name="Yamamoto",
            insurances=[
                ClientInsurance(payer_id=cigna.id, member_id="CI111"),
                ClientInsurance(payer_id=cigna.id, priority=Priority.SECONDARY, member_id="CI222"),
            ],
        )
    )
    exported = export_workbook(source.data(), tmp_path / "export.xlsx", today=TODAY)
    fresh = Tracker(Store(tmp_path / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(exported, fresh.data(), today=TODAY)
    assert [e.message for e in plan.errors] == []
    apply_import(fresh, plan)
    assert as_data(fresh.data()) == as_data(source.data())
    (client,) = fresh.data().clients.values()
    assert [(i.priority, i.member_id) for i in client.insurances] == [
        (Priority.PRIMARY, "CI111"),
        (Priority.SECONDARY, "CI222"),
    ]


def test_the_demos_export_comes_back_whole(tmp_path: Path) -> None:
    """The demo has clients insured twice by one payer; its export once stopped at "Cigna
    Behavioral Health is listed twice for this client"."""
    store = Store(tmp_path / "demo.json", user="alice")
    build_demo(store, TODAY)
    source = Tracker(store, today=TODAY)
    twice = [
        c
        for c in source.data().clients.values()
        if len({i.payer_id for i in c.insurances}) < len(c.insurances)
    ]
    assert twice  # the case is in the demo
    exported = export_workbook(source.data(), tmp_path / "export.xlsx", today=TODAY)
    fresh = Tracker(Store(tmp_path / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(exported, fresh.data(), today=TODAY)
    assert (plan.errors, plan.warnings) == ([], [])
    apply_import(fresh, plan)
    assert as_data(fresh.data()) == as_data(source.data())
