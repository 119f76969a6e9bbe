"""Property: export -> import into an empty file -> export gives the same workbook, and the
export imported into its own source changes nothing."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import python_calamine as calamine
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
    OutOfAuthPolicy,
    Payer,
    Priority,
    ProcedureGroup,
    RequestStatus,
    Service,
    ServiceStatus,
)
from priorauth.services import bulk
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
from sync.writing.exporter import export_workbook
from tests.helpers.sync_helpers import TODAY

CODES = ["90791", "90832", "90834", "90837", "97153", "97155", "H2019-HN", "H0036"]
PAYERS = ["Aetna", "Cigna", "Blue Cross", "Medicaid - State Plan", "Tricare East"]
# Text as people type it in a form: trimmed, printable, including characters that spreadsheets
# treat specially at the start of a cell (= + - @) and quotes and commas.
words = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 =+-@#'\",;:/éñ")), min_size=0, max_size=12
).map(str.strip)
names = st.text(alphabet=st.sampled_from(list("abcdeKLMO'- ")), min_size=1, max_size=10).map(
    lambda s: s.strip(" -'") or "Ann"
)
dates = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))
counts = st.none() | st.integers(0, 500)


@st.composite
def practices(draw: st.DrawFn) -> bulk.Changes:
    ch = bulk.Changes()
    payer_names = draw(st.lists(st.sampled_from(PAYERS), min_size=1, max_size=3, unique=True))
    for i, name in enumerate(payer_names, start=1):
        ch.payers.append(
            Payer(
                id=-i,
                name=name,
                prior_auth_required=draw(st.booleans()),
                turnaround_days=draw(st.integers(0, 30)),
                notes=draw(words),
                out_of_auth_policy=draw(st.sampled_from(list(OutOfAuthPolicy))),
            )
        )
    if draw(st.booleans()):
        ch.groups.append(
            ProcedureGroup(
                id=-1,
                name="Therapy",
                codes=draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True)),
            )
        )
    numbers = iter(range(1000, 100000))
    for c in range(1, draw(st.integers(1, 4)) + 1):
        insured = draw(st.lists(st.sampled_from(ch.payers), max_size=3, unique_by=lambda p: p.id))
        client = Client(
            id=-c,
            client_id=f"K{c:03d}",
            first_name=draw(names),
            last_name=draw(names),
            dob=draw(st.none() | st.dates(dt.date(1930, 1, 1), TODAY)),
            clinician=draw(st.sampled_from(["", "mlopez", "jchen"])),
            status=draw(st.sampled_from(list(ClientStatus))),
            notes=draw(words),
            insurances=[
                ClientInsurance(
                    payer_id=p.id,
                    priority=priority,
                    member_id=draw(st.sampled_from(["", "W123", "00012", "+1555"])),
                    prior_auth_required=draw(st.booleans()),
                )
                for p, priority in zip(insured, Priority, strict=False)
            ],
        )
        ch.clients.append(client)
        for ins in client.insurances:
            active_given = False
            for _ in range(draw(st.integers(0, 2))):
                status = draw(st.sampled_from([RequestStatus.APPROVED] * 3 + list(RequestStatus)))
                start = draw(dates)
                end = draw(st.none() | st.dates(start, dt.date(2031, 12, 31)))
                active = (
                    status == RequestStatus.APPROVED and not active_given and draw(st.booleans())
                )
                active_given |= active
                cap = draw(
                    st.none()
                    | st.tuples(
                        st.integers(1, 40),
                        st.sampled_from(list(CapPeriod)),
                        st.sampled_from(list(CapMeasure)),
                    )
                )
                # not confirmed, confirmed in authtrack, or imported (with the log's who, or not)
                confirmed = draw(st.sampled_from(["", "own", "imported", "anonymous"]))
                auth = Authorization(
                    id=-(len(ch.authorizations) + 1),
                    client=client.id,
                    payer=ins.payer_id,
                    auth_number=f"N{next(numbers)}" if draw(st.booleans()) else "",
                    procedure_codes=draw(st.lists(st.sampled_from(CODES), max_size=3, unique=True)),
                    units_authorized=draw(counts),
                    visits_authorized=draw(counts),
                    start_date=start,
                    end_date=end,
                    active=active,
                    reminder_days=draw(st.none() | st.integers(0, 90)),
                    confirmed_by="bob" if confirmed in ("own", "imported") else "",
                    confirmed_at="2026-01-02T03:04:05+00:00"
                    if confirmed in ("own", "imported")
                    else "",
                    confirmed_imported=confirmed in ("imported", "anonymous"),
                    notes=draw(words),
                    carried_units_used=draw(st.integers(0, 50)),
                    carried_visits_used=draw(st.integers(0, 50)),
                    status=status,
                    requested_on=draw(st.none() | dates),
                    payer_reference=draw(words),
                    follow_up_on=draw(st.none() | dates),
                )
                if cap:
                    auth.cap_amount, auth.cap_period, auth.cap_measure = cap
                # two authorizations with no number, one payer, one start and the same codes
                # cannot be told apart in a workbook (nor which one a service counted against):
                # a known limit of the round trip, kept out as in test_roundtrip_data
                twin = (auth.client, auth.payer, auth.start_date, sorted(auth.procedure_codes))
                if not auth.auth_number and any(
                    not a.auth_number
                    and (a.client, a.payer, a.start_date, sorted(a.procedure_codes)) == twin
                    for a in ch.authorizations
                ):
                    continue
                ch.authorizations.append(auth)
            for _ in range(draw(st.integers(0, 3))):
                pinnable = [
                    a
                    for a in ch.authorizations
                    if a.client == client.id and a.payer == ins.payer_id and a.auth_number
                ]
                pinned = draw(st.none() | st.sampled_from(pinnable)) if pinnable else None
                ch.services.append(
                    Service(
                        id=-(len(ch.services) + 1),
                        client=client.id,
                        payer=ins.payer_id,
                        date=draw(dates),
                        procedure_code=draw(st.sampled_from(["", *CODES])),
                        units=draw(st.integers(1, 4)),
                        authorization=pinned.id if pinned else None,
                        recorded_by=draw(st.sampled_from(["", "jchen"])),
                        note=draw(words),
                        status=draw(st.sampled_from(list(ServiceStatus))),
                        time=draw(st.sampled_from(["", "09:00", "14:30"])),
                        provider=draw(words),
                        appointment_id=draw(st.sampled_from(["", "A1", "SCH-00017"])),
                        source=draw(st.sampled_from(["manual", "appointments.csv"])),
                        override_reason=draw(words),
                    )
                )
    return ch


def cells(path: Path) -> dict[str, list[list[object]]]:
    with calamine.CalamineWorkbook.from_path(str(path)) as wb:
        return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(practices())
def test_export_import_export_is_identical(changes: bulk.Changes) -> None:
    assert bulk.problems(Data(), changes, TODAY) == {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = Tracker(Store(folder / "source.json", user="alice"), today=TODAY)
        with source.store.transaction() as tx:
            bulk.apply(tx, changes, summary="generated")
        first = export_workbook(source.data(), folder / "first.xlsx", today=TODAY)

        fresh = Tracker(Store(folder / "fresh.json", user="alice"), today=TODAY)
        plan = plan_import(first, fresh.data(), today=TODAY)
        assert plan.errors == []
        apply_import(fresh, plan)
        second = export_workbook(fresh.data(), folder / "second.xlsx", today=TODAY)
        assert cells(second) == cells(first)
        assert len(fresh.data().services) == len(changes.services)

        again = plan_import(first, source.data(), today=TODAY)
        assert (len(again.created), len(again.updated)) == (0, 0)
        assert not again.clients_created and not again.clients_updated
        assert again.other_changes == []
