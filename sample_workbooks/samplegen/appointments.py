"""The demo practice's appointment list, as its scheduler exports it (for ``import-services``).

Three months (September to November 2026) of the schedule ``authtrack demo`` records as of
TODAY (:mod:`priorauth.services.demo_schedule`): every row is one of the demo's services, with
its appointment id, start time, provider and status (Checked Out, Completed or Kept when past,
Scheduled after TODAY, Cancelled, No Show, Late Cancel or Rescheduled on other days) — so
importing this list into a fresh demo changes nothing. One client is written two ways ("Last,
First" on most rows, "First Last" on others) with the same date of birth. A title row above the
header, dates as real dates, times as real times.

``write_csv`` writes the same rows as a scheduler's CSV export (text dates and times, UTF-8 with
a byte-order mark, as Excel saves "CSV UTF-8").
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from priorauth.model import ServiceStatus
from priorauth.services.demo import build_demo
from priorauth.store.datafile import Store

from .common import BOLD, TODAY, save

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
TWO_WAYS = "C1002"  # the client written both "Last, First" and "First Last"
LABELS = {
    ServiceStatus.KEPT: "Kept",
    ServiceStatus.COMPLETED: "Completed",
    ServiceStatus.CHECKED_OUT: "Checked Out",
    ServiceStatus.SCHEDULED: "Scheduled",
    ServiceStatus.CANCELLED: "Cancelled",
    ServiceStatus.NO_SHOW: "No Show",
    ServiceStatus.LATE_CANCEL: "Late Cancel",
    ServiceStatus.RESCHEDULED: "Rescheduled",
}


def rows() -> list[list[Any]]:
    """The list's data rows: the demo's services from FIRST_DAY to LAST_DAY, in date and time
    order."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "demo.json", user="demo")
        build_demo(store, today=TODAY)
        data = store.snapshot()
    services = sorted(
        (s for s in data.services.values() if FIRST_DAY <= s.date <= LAST_DAY),
        key=lambda s: s.appointment_id,
    )
    out: list[list[Any]] = []
    for s in services:
        client = data.clients[s.client]
        name = f"{client.last_name}, {client.first_name}"
        if client.client_id == TWO_WAYS and int(s.appointment_id[4:]) % 2:
            name = f"{client.first_name} {client.last_name}"
        hour, minute = (int(part) for part in s.time.split(":"))
        out.append(
            [
                s.appointment_id,
                name,
                client.dob,
                s.date,
                dt.time(hour, minute),
                s.procedure_code,
                s.units,
                s.provider,
                LABELS[s.status],
            ]
        )
    return out


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
