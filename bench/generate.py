"""Deterministic synthetic data at a practice's and an agency's scale, for the benchmarks.

| scale    | clients | authorizations | services |
|----------|---------|----------------|----------|
| practice |     500 |          2,000 |   20,000 |
| agency   |   5,000 |         20,000 |  200,000 |
| large    |  10,000 |         40,000 |  400,000 |

``build_records`` makes the records (same seed -> same data); ``write_data_file`` stores them
through the real store (one transaction, audited like an import). ``lines=3`` gives every
authorization three service lines, as an ABA agency's payer issues them (97153, 97155, 97156,
each its own units and visits), its services spread over the three codes; the counts of clients,
authorizations and services stay the same, so the figures compare with one line's.

    .venv/bin/python bench/generate.py agency [PATH] [--lines 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

from priorauth import service_lines

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
from priorauth.services.names import FIRST, LAST
from priorauth.store.datafile import Store

TODAY = dt.date(2026, 11, 23)
SCALES = {
    "practice": (500, 4, 10),  # clients, authorizations per client, services per authorization
    "agency": (5_000, 4, 10),
    "large": (10_000, 4, 10),
}
CODES = (["90832", "90834", "90837"], ["97153", "97155"], ["H2019-HN"], ["90791"])
ABA_CODES = ["97153", "97155", "97156"]
LINE_SHARES = (0.5, 0.3, 0.2)  # of an authorization's units, per ABA line
ABA_SHARE = (0, 1, 0, 2, 0, 1, 0, 0, 1, 2)  # of 10 services, the line each is on (as its units)


def build_records(
    scale: str, seed: int = 1, lines: int = 1
) -> tuple[list[Payer], list[Client], list[Authorization], list[Service]]:
    """Records with ids already assigned (payers 1..12, clients 1..N, ...); ``lines`` 3: every
    authorization has a line per ABA code (the same random draws, so the same dates and counts)."""
    clients_n, auths_per, services_per = SCALES[scale]
    rnd = random.Random(seed)
    payers = [Payer(id=i, name=f"Payer {i:02d}", turnaround_days=7 + i) for i in range(1, 13)]
    clients, auths, services = [], [], []
    for c in range(1, clients_n + 1):
        primary = payers[c % 12]
        secondary = payers[(c + 5) % 12]
        clients.append(
            Client(
                id=c,
                client_id=f"C{c:06d}",
                first_name=FIRST[c % len(FIRST)],
                last_name=f"{LAST[(c * 7) % len(LAST)]}-{c}",
                dob=dt.date(1950 + c % 60, 1 + c % 12, 1 + c % 28),
                clinician=f"clin{c % 25:02d}",
                status=ClientStatus.ACTIVE if c % 19 else ClientStatus.DISCHARGED,
                insurances=[
                    ClientInsurance(payer_id=primary.id, member_id=f"M{c:08d}"),
                    ClientInsurance(
                        payer_id=secondary.id, priority=Priority.SECONDARY, member_id=f"S{c:08d}"
                    ),
                ],
            )
        )
        for k in range(auths_per):
            payer = primary if k < auths_per - 1 else secondary
            start = TODAY - dt.timedelta(days=90 * (auths_per - 1 - k) + rnd.randrange(0, 60))
            end = start + dt.timedelta(days=rnd.choice((90, 120, 180)))
            codes = CODES[(c + k) % len(CODES)] if lines == 1 else ABA_CODES
            auth = Authorization(
                id=len(auths) + 1,
                client=c,
                payer=payer.id,
                auth_number=f"{payer.id:02d}{c:06d}{k}",
                procedure_codes=list(codes),
                units_authorized=rnd.choice((12, 24, 30, 48, None)),
                visits_authorized=rnd.choice((12, 24, None)),
                start_date=start,
                end_date=end,
                active=k >= auths_per - 2,
                carried_units_used=rnd.randrange(0, 3),
                status=RequestStatus.APPROVED,
                notes="Renewal faxed" if k == 0 else "",
            )
            if c % 7 == 0:
                auth.cap_amount, auth.cap_period, auth.cap_measure = (
                    2,
                    CapPeriod.WEEK,
                    CapMeasure.VISITS,
                )
            if lines != 1:
                auth = _with_aba_lines(auth)
            auths.append(auth)
            for s in range(services_per):
                services.append(
                    Service(
                        id=len(services) + 1,
                        client=c,
                        payer=payer.id,
                        date=start + dt.timedelta(days=7 * s + rnd.randrange(0, 3)),
                        procedure_code=codes[s % len(codes)]
                        if lines == 1
                        else ABA_CODES[ABA_SHARE[s % len(ABA_SHARE)]],
                        units=1 + (s % 3 == 0),
                        recorded_by=f"clin{c % 25:02d}",
                    )
                )
    return payers, clients, auths, services


def _with_aba_lines(auth: Authorization) -> Authorization:
    """``auth`` as three lines, one per ABA code, sharing its units (and visits) out."""
    units, visits = auth.units_authorized, auth.visits_authorized
    lines = [
        ServiceLine(
            codes=[code],
            units_authorized=None if units is None else max(1, round(units * share)),
            visits_authorized=None if visits is None else max(1, round(visits * share)),
            carried_units_used=auth.carried_units_used if k == 0 else 0,
        )
        for k, (code, share) in enumerate(zip(ABA_CODES, LINE_SHARES, strict=True))
    ]
    if auth.cap_amount is not None:  # the cap goes on the first line, which has counts
        lines[0].units_authorized = lines[0].units_authorized or 100
        lines[0].cap_amount, lines[0].cap_period = auth.cap_amount, auth.cap_period
        lines[0].cap_measure = auth.cap_measure
    return service_lines.with_lines(auth, lines)


def write_data_file(path: Path, scale: str, seed: int = 1, lines: int = 1) -> Path:
    """A data file holding ``scale``'s records, written through the store in one transaction."""
    if path.exists():
        path.unlink()
    payers, clients, auths, services = build_records(scale, seed, lines)
    for group in (payers, clients, auths, services):
        for record in group:
            record.id = 0
    store = Store(path, user="bench")
    with store.transaction() as tx:
        tx.insert_many(payers, "benchmark data", hand_over=True)
        tx.insert_many(clients, "benchmark data", hand_over=True)
        tx.insert_many(auths, "benchmark data", hand_over=True)
        tx.insert_many(services, "benchmark data", hand_over=True)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", choices=SCALES)
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--lines", type=int, choices=(1, 3), default=1)
    args = parser.parse_args()
    target = args.path or Path(f"/tmp/authtrack-{args.scale}.json")
    write_data_file(target, args.scale, lines=args.lines)
    print(target, f"{target.stat().st_size / 1e6:.1f} MB")
