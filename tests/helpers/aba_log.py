"""An ABA agency's log for the service-line sync tests (issue 12): two clients, one authorization
number each, written on a row per code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from priorauth.model import Authorization, Service, ServiceLine
from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from tests.helpers.sync_helpers import LOG_HEADER, TODAY, log_row, workbook

D = dt.date
HEADER = [*LOG_HEADER, "Max/Week", "Notes"]


def aba_rows() -> list[list[Any]]:
    """Two clients of an ABA agency: one number each, a row per code."""
    return [
        [*log_row(number="ABA-1", codes="97153", units=320, used=100), "40 units/week", "BCBA"],
        [*log_row(number="ABA-1", codes="97155", units=40, used=10), "", ""],
        [*log_row(number="ABA-1", codes="97156", units=12, used=2), "", "Parent training"],
        [*log_row("Kim, Bo", "ABA-2", dob=D(2018, 3, 4), codes="97153", units=480, used=0), "", ""],
        [*log_row("Kim, Bo", "ABA-2", dob=D(2018, 3, 4), codes="97155", units=48, used=0), "", ""],
        [*log_row("Kim, Bo", "ABA-2", dob=D(2018, 3, 4), codes="97156", units=16, used=0), "", ""],
        [*log_row("Kim, Bo", "ABA-2", dob=D(2018, 3, 4), codes="97151", units=24, used=8), "", ""],
    ]


def aba_log(path: Path, rows: list[list[Any]] | None = None) -> Path:
    return workbook(path, aba_rows() if rows is None else rows, header=HEADER)


def imported(tracker: Tracker, path: Path) -> None:
    apply_import(tracker, plan_import(path, tracker.data(), today=TODAY))


def by_number(tracker: Tracker) -> dict[str, Authorization]:
    return {a.auth_number: a for a in tracker.data().authorizations.values()}


def line(codes: list[str], units: int, used: int = 0, **more: Any) -> ServiceLine:
    return ServiceLine(codes=codes, units_authorized=units, carried_units_used=used, **more)


def record(tracker: Tracker, auth: Authorization, code: str, day: dt.date, units: int) -> None:
    tracker.record_service(
        Service(client=auth.client, payer=auth.payer, date=day, procedure_code=code, units=units)
    )


def sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
