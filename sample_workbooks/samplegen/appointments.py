"""The demo practice's appointment list, as its scheduler exports it (for ``import-services``).

Three months (September to November 2026) for the clients of ``authtrack demo`` built as of
TODAY: every session the demo recorded in that window is a row (Checked Out, Completed or Kept,
with a start time and a provider), sessions after TODAY are Scheduled, and further rows are
Cancelled, No Show, Late Cancel and Rescheduled on other days. One client is written two ways
("Last, First" on most rows, "First Last" on others) with the same date of birth. A title row
above the header, dates as real dates, times as real times, an appointment id per row.

``write_csv`` writes the same rows as a scheduler's CSV export (text dates and times, UTF-8 with
a byte-order mark, as Excel saves "CSV UTF-8").
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from priorauth.model import Service
from priorauth.services.demo import build_demo
from priorauth.store.datafile import Store

from .common import BOLD, TODAY, save

SEED = 20260901
FIRST_DAY = dt.date(2026, 9, 1)
LAST_DAY = dt.date(2026, 11, 30)
HEADERS = [
    "Appt ID",
    "Patient",
    "DOB",
    "Appointment Date",
    "Start Time",
    "Service Code",
    "Units",
    "Rendering Provider",
    "Appt Status",
]
PROVIDERS = {"mlopez": "Lopez, Maria", "jchen": "Chen, James", "aokafor": "Okafor, Ada"}
TWO_WAYS = "C1002"  # the client written both "Last, First" and "First Last"
OTHER_STATUSES = ("Cancelled", "No Show", "Late Cancel", "Rescheduled")


def rows() -> list[list[Any]]:
    """The list's data rows, in date and time order."""
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "demo.json", user="demo")
        build_demo(store, today=TODAY)
        data = store.snapshot()
    out: list[list[Any]] = []
    services: list[Service] = sorted(
        (s for s in data.services.values() if FIRST_DAY <= s.date <= LAST_DAY),
        key=lambda s: (s.date, s.client, s.id),
    )
    taken: set[tuple[int, dt.date]] = {(s.client, s.date) for s in services}
    for service in services:
        client = data.clients[service.client]
        status = (
            "Scheduled"
            if service.date > TODAY
            else rng.choice(("Checked Out", "Checked Out", "Completed", "Kept"))
        )
        out.append(_row(rng, client, service.date, service.procedure_code, service.units, status))
        if rng.random() < 0.25:  # the week after, a session that did not happen
            day = service.date + dt.timedelta(days=rng.choice((1, 2, 3)))
            if (service.client, day) not in taken and day <= LAST_DAY:
                taken.add((service.client, day))
                status = rng.choice(OTHER_STATUSES)
                out.append(_row(rng, client, day, service.procedure_code, service.units, status))
    out.sort(key=lambda r: (r[3], r[4], r[1]))
    for n, row in enumerate(out, 1):
        row[0] = f"SCH-{n:05d}"
    return out


def _row(
    rng: random.Random, client: Any, day: dt.date, code: str, units: int, status: str
) -> list[Any]:
    name = f"{client.last_name}, {client.first_name}"
    if client.client_id == TWO_WAYS and rng.random() < 0.5:
        name = f"{client.first_name} {client.last_name}"
    hour = rng.choice((8, 9, 10, 11, 13, 14, 15, 16))
    minute = rng.choice((0, 0, 15, 30))
    provider = PROVIDERS.get(client.clinician, "Demo, Therapist")
    return ["", name, client.dob, day, dt.time(hour, minute), code, units, provider, status]


def write(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Appointments"
    ws.append(["Appointment List — Demo Practice — 09/01/2026 to 11/30/2026"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(HEADERS)
    for cell in ws[3]:
        cell.font = BOLD
    for row in rows():
        ws.append(row)
    for r in range(4, ws.max_row + 1):
        ws.cell(r, 3).number_format = "mm/dd/yyyy"
        ws.cell(r, 4).number_format = "mm/dd/yyyy"
        ws.cell(r, 5).number_format = "h:mm AM/PM"
    for col, width in zip("ABCDEFGHI", (11, 24, 12, 16, 11, 12, 7, 20, 13), strict=True):
        ws.column_dimensions[col].width = width
    save(wb, path)


def write_csv(path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADERS)
        for row in rows():
            appt, name, dob, day, time, code, units, provider, status = row
            hour = time.hour % 12 or 12
            out.writerow(
                [
                    appt,
                    name,
                    f"{dob:%m/%d/%Y}",
                    f"{day:%m/%d/%Y}",
                    f"{hour}:{time.minute:02d} {'PM' if time.hour >= 12 else 'AM'}",
                    code,
                    units,
                    provider,
                    status,
                ]
            )
