"""Synthetic demo data (no real patients), dated around "today" so reminders are live.

Deterministic for a given seed and today, so tests and screenshots can rely on it.
"""

from __future__ import annotations

import datetime as dt
import random

from priorauth import coverage
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    ClientInsurance,
    ClientStatus,
    Payer,
    Priority,
    ProcedureGroup,
    RequestStatus,
    Service,
    ServiceLine,
)
from priorauth.service_lines import with_lines
from priorauth.services import demo_schedule
from priorauth.services.names import FIRST, LAST
from priorauth.store.datafile import Store

PAYERS = (
    ("Aetna", True, 10),
    ("Blue Cross Blue Shield", True, 14),
    ("Cigna Behavioral Health", True, 7),
    ("Medicaid - State Plan", True, 21),
    ("Optum / UnitedHealthcare", True, 10),
    ("Tricare East", False, 14),
)
GROUPS = (
    ("Psychotherapy", ["90832", "90834", "90837"]),
    ("ABA treatment", ["97153", "97155", "97156"]),
    ("Assessment", ["90791", "96130", "96131"]),
    ("Community support", ["H2019-HN", "H0036"]),
)
CLINICIANS = ("mlopez", "jchen", "aokafor", "demo")
# the ABA clients (by index) whose authorization is one number with a line per code, as an ABA
# agency's payer issues it (97153 / 97155 / 97156); the others keep one line for all three codes
ABA_LINES_CLIENTS = frozenset({1, 9, 13, 21, 29, 33})
SCHEDULE_SEED = 20260901  # added to the seed: the schedule's own random draws


def build_demo(
    store: Store,
    today: dt.date | None = None,
    clients: int = 36,
    seed: int = 7,
    from_schedule: bool = True,
    service_lines: bool = False,
) -> None:
    """Fill an empty data file with a realistic practice.

    Its sessions come from the scheduler (:mod:`priorauth.services.demo_schedule`: appointment
    ids, times, providers, statuses, and the appointments that did not happen), as
    ``sample_workbooks/appointments_export.xlsx`` lists them; ``from_schedule=False`` records
    the same sessions as typed in by hand instead (a practice before its first import).
    ``service_lines``: a few ABA clients' authorizations hold a line per code (97153, 97155,
    97156), as an ABA agency's payer issues them (``authtrack demo`` does; the tests' demo
    keeps one line each until the screens and the workbooks show lines).
    """
    today = today or dt.date.today()
    rnd = random.Random(seed)
    with store.transaction() as tx:
        payers = tx.insert_many(
            [Payer(name=n, prior_auth_required=r, turnaround_days=t) for n, r, t in PAYERS],
            summary="demo data",
        )
        groups = tx.insert_many(
            [ProcedureGroup(name=n, codes=c) for n, c in GROUPS], summary="demo data"
        )
        client_records = []
        for i in range(clients):
            primary = payers[i % 5]
            insurances = [
                ClientInsurance(
                    payer_id=primary.id,
                    priority=Priority.PRIMARY,
                    member_id=f"{primary.name[:2].upper()}{rnd.randrange(10**8):08d}",
                    prior_auth_required=primary.prior_auth_required,
                )
            ]
            if i % 4 == 0:
                secondary = payers[(i + 2) % len(payers)]
                insurances.append(
                    ClientInsurance(
                        payer_id=secondary.id,
                        priority=Priority.SECONDARY,
                        member_id=f"{secondary.name[:2].upper()}{rnd.randrange(10**8):08d}",
                        prior_auth_required=secondary.prior_auth_required,
                    )
                )
            client_records.append(
                Client(
                    client_id=f"C{1001 + i}",
                    first_name=FIRST[i % len(FIRST)],
                    last_name=LAST[(i * 7) % len(LAST)],
                    dob=dt.date(
                        1950 + rnd.randrange(65), rnd.randrange(1, 13), rnd.randrange(1, 29)
                    ),
                    clinician=CLINICIANS[i % len(CLINICIANS)],
                    status=ClientStatus.DISCHARGED if i % 17 == 16 else ClientStatus.ACTIVE,
                    insurances=insurances,
                )
            )
        tx.insert_many(client_records, summary="demo data")

        auths: list[Authorization] = []
        services: list[Service] = []
        for i, client in enumerate(client_records):
            group = groups[i % len(groups)]
            aba = group.name == "ABA treatment"
            for ins in coverage.coverages_in_force(client, today):
                if ins.priority == Priority.SECONDARY and i % 8:
                    continue
                # a scenario per client, so every kind of notification shows up:
                # 0 expiring soon, 1 expired but still active, 2 running low, 3 used up
                # (over by one), 4 will run out before the end date, 7 no auth number,
                # 8 open-ended, others healthy
                scenario = i % 9
                length = rnd.choice((90, 120, 180))
                start = today - dt.timedelta(days=rnd.randrange(20, length - 5))
                if scenario == 0:
                    start = today - dt.timedelta(days=length - rnd.randrange(5, 25))
                elif scenario == 1:
                    start = today - dt.timedelta(days=length + rnd.randrange(3, 20))
                elif scenario in (2, 3):
                    start = today - dt.timedelta(days=rnd.randrange(63, 80))
                elif scenario == 4:
                    start = today - dt.timedelta(days=rnd.randrange(28, 40))
                end = start + dt.timedelta(days=length)
                pace = 7 if scenario in (2, 3, 4) else rnd.choice((7, 14))
                per_visit = 8 if aba else 1
                visits = []
                day = start + dt.timedelta(days=rnd.randrange(1, 5))
                while day <= min(end, today + dt.timedelta(days=21)):
                    visits.append(day)
                    day += dt.timedelta(days=pace)
                past = sum(1 for d in visits if d <= today)
                units = rnd.choice((24, 30, 48)) if not aba else rnd.choice((320, 480))
                if scenario == 2:
                    units = (past + 2) * per_visit  # two visits left: running low
                elif scenario == 3:
                    units = (past - 1) * per_visit  # one visit too many: used up, over by one
                elif scenario == 4:
                    units = (past + 6) * per_visit  # weekly pace runs out before the end
                if scenario == 3:
                    visits = [d for d in visits if d <= today]
                auth = Authorization(
                    client=client.id,
                    payer=ins.payer_id,
                    member_id=ins.member_id,
                    auth_number=""
                    if scenario == 7
                    else f"{ins.payer_id}{rnd.randrange(10**7):07d}",
                    procedure_codes=list(group.codes),
                    units_authorized=units,
                    visits_authorized=None if aba else units,
                    start_date=start,
                    end_date=None if scenario == 8 else end,
                    active=True,
                    notes="Tracking sessions only; payer issues no number."
                    if scenario == 7
                    else "",
                )
                if aba:
                    auth.cap_amount, auth.cap_period = 40, CapPeriod.WEEK
                    auth.cap_measure = CapMeasure.UNITS
                if service_lines and aba and i in ABA_LINES_CLIENTS:
                    auth = with_lines(
                        auth, _aba_lines(group.codes, visits, today, per_visit, scenario)
                    )
                auths.append(auth)
                for n, visit in enumerate(visits):
                    services.append(
                        Service(
                            client=client.id,
                            payer=ins.payer_id,
                            date=visit,
                            procedure_code=group.codes[n % len(group.codes)],
                            units=per_visit,
                            recorded_by=client.clinician,
                        )
                    )
                if scenario == 1:  # still being seen after the authorization ended
                    services.append(
                        Service(
                            client=client.id,
                            payer=ins.payer_id,
                            date=today - dt.timedelta(days=2),
                            procedure_code=group.codes[0],
                            units=per_visit,
                            recorded_by=client.clinician,
                        )
                    )
                if aba and visits and scenario not in (3,):  # a make-up session: over the cap
                    extra = max(d for d in visits if d <= today) if past else visits[0]
                    services.append(
                        Service(
                            client=client.id,
                            payer=ins.payer_id,
                            date=extra + dt.timedelta(days=1),
                            procedure_code=group.codes[0],
                            units=36,
                            recorded_by=client.clinician,
                            note="make-up session",
                        )
                    )
            if i % 11 == 5:  # a renewal waiting on the payer
                auths.append(
                    Authorization(
                        client=client.id,
                        payer=coverage.payers_in_force(client, today)[0],
                        member_id=coverage.main_coverage(client, today).member_id,  # type: ignore[union-attr]
                        procedure_codes=list(group.codes),
                        units_authorized=24,
                        visits_authorized=24,
                        start_date=today + dt.timedelta(days=10),
                        end_date=today + dt.timedelta(days=190),
                        active=False,
                        status=RequestStatus.PENDING,
                        requested_on=today - dt.timedelta(days=9),
                        payer_reference=f"REF-{rnd.randrange(10**6):06d}",
                        follow_up_on=today - dt.timedelta(days=1),
                    )
                )
        tx.insert_many(auths, summary="demo data")
        if from_schedule:
            by_id = {c.id: c for c in client_records}
            services = demo_schedule.schedule(services, by_id, today, seed=seed + SCHEDULE_SEED)
        tx.insert_many(services, summary="demo data")


def _aba_lines(
    codes: list[str], visits: list[dt.date], today: dt.date, per_visit: int, scenario: int
) -> list[ServiceLine]:
    """A line per ABA code, its units from the sessions the demo records on that code (each
    visit's code in turn, the first code's make-up session of 36 units), so the client's
    scenario shows on a line: 2 one line running low, 3 one line used up (over by one), 4 every
    line running out before the end. The first line holds the weekly cap of 40 units. (No random
    draw: the rest of the demo stays as it was.)"""
    lines = []
    for k, code in enumerate(codes):
        past = sum(1 for n, d in enumerate(visits) if n % len(codes) == k and d <= today)
        used = past * per_visit + (36 if k == 0 and scenario != 3 else 0)
        units = used + (24, 12, 8)[k % 3] * (4 if k == 0 else 2)
        if scenario == 2 and k == 1:
            units = used + per_visit  # one session left
        elif scenario == 3 and k == 1:
            units = max(used - per_visit, per_visit)  # one session too many
        elif scenario == 4:
            units = used + per_visit * 2
        line = ServiceLine(codes=[code], units_authorized=units)
        if k == 0:
            line.cap_amount, line.cap_period = 40, CapPeriod.WEEK
        lines.append(line)
    return lines
