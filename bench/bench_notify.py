"""Benchmark: every notification for 10,000 authorizations and 100,000 services (goal: < 200 ms).

Builds a deterministic synthetic practice in memory (5,000 clients, each with a current and a
previous authorization, 20 services each over the past months and the weeks ahead), then times
``notify.compute`` on a fresh snapshot (cold: includes assigning every service to its
authorization, which the rules cache per snapshot) and again on a snapshot whose assignment is
already cached (warm: what the app pays after the first screen). Prints the best of several runs.

    .venv/bin/python bench/bench_notify.py [--clients N] [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
)

TODAY = dt.date(2026, 11, 23)
CODES = ("90832", "90834", "90837", "97153", "H2019-HN")


def build(clients: int = 5_000, seed: int = 42) -> Data:
    """``clients`` clients, 2 authorizations and 20 services each, deterministic for ``seed``."""
    rnd = random.Random(seed)
    payers = {
        i: Payer(id=i, name=f"Payer {i}", prior_auth_required=i != 8, turnaround_days=7 + i)
        for i in range(1, 9)
    }
    data = Data(payers=payers)
    auth_id = service_id = 0
    for cid in range(1, clients + 1):
        payer = 1 + cid % len(payers)
        data.clients[cid] = Client(
            id=cid,
            client_id=f"C{cid:05d}",
            first_name="First",
            last_name=f"Last{cid}",
            clinician=f"clin{cid % 40}",
            status=ClientStatus.DISCHARGED if cid % 23 == 0 else ClientStatus.ACTIVE,
            insurances=[ClientInsurance(payer_id=payer, priority=Priority.PRIMARY)],
        )
        start = TODAY - dt.timedelta(days=rnd.randrange(10, 170))
        length = rnd.choice((90, 120, 180))
        previous_start = start - dt.timedelta(days=length)
        for begin, active in ((previous_start, False), (start, True)):
            auth_id += 1
            units = rnd.choice((12, 20, 24, 30, 48))
            capped = auth_id % 4 == 0
            data.authorizations[auth_id] = Authorization(
                id=auth_id,
                client=cid,
                payer=payer,
                auth_number=f"A{auth_id:07d}",
                procedure_codes=[] if auth_id % 3 else list(CODES),
                units_authorized=units,
                visits_authorized=units if auth_id % 2 else None,
                cap_amount=2 if capped else None,
                cap_period=(CapPeriod.WEEK if auth_id % 8 else CapPeriod.MONTH) if capped else None,
                cap_measure=CapMeasure.VISITS if auth_id % 16 == 0 else CapMeasure.UNITS,
                start_date=begin,
                end_date=begin + dt.timedelta(days=length - 1),
                active=active,
                reminder_days=None if auth_id % 10 == 0 else 30,
                carried_units_used=rnd.randrange(0, 3),
                status=RequestStatus.APPROVED,
            )
        if cid % 50 == 0:
            auth_id += 1
            data.authorizations[auth_id] = Authorization(
                id=auth_id,
                client=cid,
                payer=payer,
                start_date=TODAY + dt.timedelta(days=30),
                active=False,
                status=RequestStatus.PENDING,
                follow_up_on=TODAY - dt.timedelta(days=rnd.randrange(0, 5)),
            )
        day = previous_start + dt.timedelta(days=rnd.randrange(0, 10))
        step = max(1, (TODAY + dt.timedelta(days=14) - day).days // 20)
        for _ in range(20):
            service_id += 1
            data.services[service_id] = Service(
                id=service_id,
                client=cid,
                payer=payer,
                date=day,
                procedure_code="90899" if service_id % 97 == 0 else CODES[service_id % 5],
                units=1 + service_id % 2,
            )
            day += dt.timedelta(days=step)
    return data


def best_ms(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = build(args.clients)
    print(
        f"{len(base.authorizations):,} authorizations, {len(base.services):,} services, "
        f"{len(base.clients):,} clients"
    )

    def fresh() -> Data:
        return Data(
            payers=base.payers,
            clients=base.clients,
            authorizations=base.authorizations,
            services=base.services,
        )

    def cold() -> None:
        notify.compute(fresh(), TODAY)

    warm_data = [fresh()]

    def warm() -> None:
        data = fresh()
        data.derived["services_by_authorization"] = rules.services_by_authorization(warm_data[0])
        notify.compute(data, TODAY)

    found = notify.compute(fresh(), TODAY)
    print("kinds:", dict(sorted(Counter(n.kind for n in found).items())))
    cold_ms = best_ms(cold, args.runs)
    warm_ms = best_ms(warm, args.runs)
    print(f"notify.compute, fresh snapshot (assigning every service first): {cold_ms:7.1f} ms")
    print(f"notify.compute, service assignment already cached:             {warm_ms:7.1f} ms")
    print("goal: 200 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
