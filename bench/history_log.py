"""A generated authorization log with coverage history, for the benchmark and the tests.

``clients`` clients with ``per_client`` authorizations each, one after the other in time (six
months apart). Most clients change payer along the way — three in five have a different payer
for every authorization (four or more payers over the years) — and one in five gets a new card
(member id) with the same payer halfway through. Deterministic for a given size.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from priorauth.services.names import FIRST, LAST

HEADER = [
    "Client ID",
    "Client Name",
    "DOB",
    "Insurance",
    "Member ID",
    "Auth #",
    "CPT",
    "Eff",
    "Exp",
    "Units Approved",
    "Units Used",
]
PAYERS = ["Aetna", "Blue Cross Blue Shield", "Cigna", "Medicaid - State Plan", "Optum", "Tricare"]
FIRST_START = dt.date(2019, 1, 1)


def history_rows(clients: int, per_client: int = 4) -> list[list[object]]:
    rows: list[list[object]] = []
    for c in range(clients):
        kind = c % 5  # 0-2: a new payer every time; 3: a new card halfway; 4: one payer
        for k in range(per_client):
            if kind <= 2:
                payer, member = PAYERS[(c + k) % len(PAYERS)], f"M{c:06d}{k}"
            elif kind == 3:
                payer, member = PAYERS[c % len(PAYERS)], f"M{c:06d}{k * 2 // per_client}"
            else:
                payer, member = PAYERS[c % len(PAYERS)], f"M{c:06d}"
            start = FIRST_START + dt.timedelta(days=182 * k + c % 30)
            units = (12, 20, 24, 30, 48)[(c + k) % 5]
            rows.append(
                [
                    f"H{c:05d}",
                    f"{LAST[c % len(LAST)]}{c}, {FIRST[c % len(FIRST)]}",
                    dt.date(1950, 1, 1) + dt.timedelta(days=(c * 97) % 25000),
                    payer,
                    member,
                    f"H{c:05d}-{k}",
                    "90837",
                    start,
                    start + dt.timedelta(days=179),
                    units,
                    (c * 7 + k) % (units + 1),
                ]
            )
    return rows


def write_history_log(path: Path, clients: int = 5_000, per_client: int = 4) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Auth Log")
    ws.append(HEADER)
    for row in history_rows(clients, per_client):
        ws.append(row)
    wb.save(path)
    return path
