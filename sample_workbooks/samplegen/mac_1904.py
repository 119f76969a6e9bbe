"""A practice whose log was saved on a Mac with the 1904 date system.

Real date cells (counted from 1904) and, in the "Requested" column, bare serial numbers that only
make sense in 1904 days; Client #, Client Name as Last, First on every row, units and visits
each with their own Authorized / Used columns, the payer's reference number, Confirmed Yes / No
and reminder days (blank: none). Row 4 is deliberately wrong (a date that does not exist and a
negative count) to show what the import reports; ``ERRORS`` lists what it must say.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from .common import (
    UPDATED,
    Auth,
    D,
    Names,
    Numbers,
    Person,
    period_end,
    save,
    serial_1904,
    settle_latest_active,
    used_so_far,
)

SEED = 20260404
CLIENTS = 16  # besides the three written out below: about 30 rows
HEADER = ["Client #", "Client Name", "Payer", "Authorization Number", "CPT Code(s)"]
HEADER += ["Effective Date", "Expiration Date", "Units Authorized", "Units Used"]
HEADER += ["Visits Authorized", "Visits Used", "Requested", "Reference #", "Confirmed"]
HEADER += ["Remind (days)"]
# (sheet, row, column, cell, words the message holds) of what the import must report
ERRORS = [
    ("Auths", 4, "Effective Date", "F4", '"13/45/2026" is not a date (there is no such day)'),
    ("Auths", 4, "Units Used", "I4", "-2 is below zero"),
]
PAYERS = {
    "Aetna": "AET-###-###",
    "Cigna Behavioral Health": "CG-####-##",
    "Blue Cross Blue Shield": "BCB######",
    "Optum / UnitedHealthcare": "OPT-#######",
    "Magellan Health": "MAG-##-#####",
}
CODES = [["90791", "90837"], ["90834"], ["90837"], ["90834", "90837"], ["90846", "90847"]]


def _anchors() -> list[Auth]:
    """The rows the tests (and the README) name, written out; the third one is the bad row."""
    garrido = Person("Beatriz", "Garrido", None, client_id="C2001")
    holloway = Person("Dmitri", "Holloway", None, client_id="C2002")
    ibarra = Person("Olu", "Ibarra", None, client_id="C2003")
    # fmt: off
    return [
        Auth(garrido, "Aetna", "AET-771-002", ["90791", "90837"], D(2026, 4, 1), D(2026, 12, 31),
             units=26, units_used=19, visits=26, visits_used=18, requested_on=D(2026, 3, 20),
             reference="CALL-55821", confirmed=True, reminder_days=30),
        Auth(holloway, "Cigna Behavioral Health", "CG-0098-11", ["90834"], D(2026, 10, 1),
             D(2027, 3, 31), units=20, units_used=4, requested_on=D(2026, 9, 18),
             reminder_days=14),
        Auth(ibarra, "Aetna", "AET-771-310", ["90837"], None, D(2027, 1, 31), units=12,
             units_used=-2, reminder_days=30,
             extra={"error": True, "start_text": "13/45/2026", "confirmed_text": ""}),
    ]
    # fmt: on


def _client(rng: random.Random, numbers: Numbers, person: Person) -> list[Auth]:
    """Authorizations with one payer from the first visit on, renewed until today (or, for a
    few, until the client stopped coming)."""
    payer = rng.choice(list(PAYERS))
    start = D(2025, 9, 1) + dt.timedelta(days=rng.randrange(430))
    codes = rng.choice(CODES)
    out: list[Auth] = []
    most = rng.randint(1, 2) if rng.random() < 0.25 else 99
    while start <= UPDATED and len(out) < most:
        months = rng.choice([3, 6, 6, 12])
        end = period_end(start, months)
        units = 2 * months + rng.choice([0, 2, 4, 8])
        auth = Auth(person, payer, numbers.make(PAYERS[payer]), list(codes), start, end)
        auth.units, auth.units_used = units, used_so_far(rng, start, end, units)
        if rng.random() < 0.5:  # counted in visits too
            auth.visits = units
            auth.visits_used = max(0, auth.units_used - rng.randint(0, 2))
        if rng.random() < 0.85:
            auth.requested_on = start - dt.timedelta(days=rng.randint(5, 25))
        if rng.random() < 0.6:
            auth.reference = numbers.make("CALL-#####")
        auth.confirmed = rng.random() < 0.6
        auth.reminder_days = rng.choice([30, 30, 14, 60, None])
        out.append(auth)
        codes = [c for c in codes if c != "90791"]
        start = end + dt.timedelta(days=1)
    return out


def plan() -> list[Auth]:
    """Every row of the log, in order (the bad row too, with ``extra["error"]``)."""
    rng = random.Random(SEED)
    numbers = Numbers(rng)
    auths = _anchors()
    numbers.reserve(a.number for a in auths)
    names = Names("mac_1904", rng, reserved=[a.person.last for a in auths])
    for n in range(CLIENTS):
        person = names.person((1950, 2008), client_id=f"C{2004 + n}")
        person.dob = None  # this log has no birth dates
        auths += _client(rng, numbers, person)
    settle_latest_active([a for a in auths if not a.extra.get("error")])
    current = [
        a for a in auths[3:] if a.state() == "current" and a.start < UPDATED - dt.timedelta(60)
    ]
    for auth in rng.sample(current, 1):  # used up before the end date
        auth.units_used = auth.units
        auth.visits_used = auth.visits
    for row, auth in enumerate(auths, start=2):
        auth.row = row
    return auths


def imported() -> list[Auth]:
    """What an import with --skip-invalid gives: every row but the bad one."""
    return [a for a in plan() if not a.extra.get("error")]


def write(path: Path) -> None:
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Auths"
    ws.append(HEADER)
    for a in plan():
        x = a.extra
        confirmed = "Yes" if a.confirmed else _no_or_blank(a)
        values = [a.person.client_id, a.person.last_first, a.payer, a.number, ", ".join(a.codes)]
        values += [x.get("start_text", a.start), a.end, a.units, a.units_used, a.visits]
        values += [a.visits_used if a.visits is not None else None]
        values += [serial_1904(a.requested_on) if a.requested_on else None, a.reference]
        values += [x.get("confirmed_text", confirmed), a.reminder_days]
        ws.append(values)
        for c in (6, 7):
            ws.cell(a.row, c).number_format = "yyyy-mm-dd"
    for col, width in (("B", 20), ("C", 24), ("D", 20), ("E", 14), ("F", 14), ("G", 14)):
        ws.column_dimensions[col].width = width
    save(wb, path)


def _no_or_blank(auth: Auth) -> str:
    """ "No", or blank on some rows (left empty rather than typed), by row number."""
    return "" if auth.row % 4 == 0 else "No"
