"""Benchmark: every notification for 10,000 authorizations and 100,000 services (goal: < 200 ms).

Builds a deterministic synthetic practice in memory (5,000 clients, each with a current and a
previous authorization, 20 services each over the past months and the weeks ahead), then times
``notify.compute`` on a fresh snapshot (cold: includes assigning every service to its
authorization, which the rules cache per snapshot) and again on a snapshot whose assignment is
already cached (warm: what the app pays after the first screen). Prints the best of several runs.
Then the same practice with three service lines per authorization (97153, 97155, 97156, each its
own units, visits and cap; the same services, spread over the three codes), beside the one-line
figures (issue 12's target: no more than 1.3 times slower).

    .venv/bin/python bench/bench_notify.py [--clients N] [--runs N] [--lines 1,3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections import Counter
from pathlib import Path

from priorauth import service_lines

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
    ServiceLine,
)

TODAY = dt.date(2026, 11, 23)
CODES = ("90832", "90834", "90837", "97153", "H2019-HN")
ABA_CODES = ("97153", "97155", "97156")
# of every 10 services, the line each is on (interleaved, so an authorization's half of a client's
# services is spread as its units are: half, three tenths, a fifth)
ABA_SHARE = (0, 1, 0, 2, 0, 1, 0, 0, 1, 2)


def build(clients: int = 5_000, seed: int = 42, lines: int = 1) -> Data:
    """``clients`` clients, 2 authorizations and 20 services each, deterministic for ``seed``;
    ``lines`` 3: each authorization a line per ABA code, its services spread over them."""
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
            if lines != 1:
                data.authorizations[auth_id] = _with_aba_lines(data.authorizations[auth_id])
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
                procedure_code="90899"
                if service_id % 97 == 0
                else CODES[service_id % 5]
                if lines == 1
                else ABA_CODES[ABA_SHARE[service_id % 10]],
                units=1 + service_id % 2,
            )
            day += dt.timedelta(days=step)
    return data


def _with_aba_lines(auth: Authorization) -> Authorization:
    """``auth`` as three lines (one per ABA code), its counts and cap shared out among them."""

    def share(value: int | None, part: float) -> int | None:
        return None if value is None else max(1, round(value * part))

    lines = [
        ServiceLine(
            codes=[code],
            units_authorized=share(auth.units_authorized, part),
            visits_authorized=share(auth.visits_authorized, part),
            carried_units_used=auth.carried_units_used if k == 0 else 0,
            cap_amount=auth.cap_amount if k == 0 else None,
            cap_period=auth.cap_period if k == 0 else None,
            cap_measure=auth.cap_measure,
        )
        for k, (code, part) in enumerate(zip(ABA_CODES, (0.5, 0.3, 0.2), strict=True))
    ]
    return service_lines.with_lines(auth, lines)


def best_ms(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def measure(clients: int, runs: int, lines: int) -> tuple[float, float]:
    base = build(clients, lines=lines)
    print(
        f"{lines} line{'s' if lines > 1 else ''} per authorization: "
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
        data.derived[rules.ASSIGNED] = rules.services_by_authorization(warm_data[0])
        notify.compute(data, TODAY)

    found = notify.compute(fresh(), TODAY)
    print("kinds:", dict(sorted(Counter(n.kind for n in found).items())))
    cold_ms = best_ms(cold, runs)
    warm_ms = best_ms(warm, runs)
    print(f"notify.compute, fresh snapshot (assigning every service first): {cold_ms:7.1f} ms")
    print(f"notify.compute, service assignment already cached:             {warm_ms:7.1f} ms")
    return cold_ms, warm_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", default="1,3", help="service lines per authorization to time")
    args = parser.parse_args()
    found = {n: measure(args.clients, args.runs, n) for n in map(int, args.lines.split(","))}
    print("goal: 200 ms")
    one = found.get(1)
    for n, (cold_ms, warm_ms) in found.items():
        if n != 1 and one is not None:
            print(
                f"{n} lines per authorization vs one: fresh {cold_ms / one[0]:.2f}x, "
                f"cached {warm_ms / one[1]:.2f}x (target: 1.3x at most)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
