"""A solo therapist's list of clients, kept in LibreOffice (.ods) and sent around as old .xls.

One row per authorization, sessions only; a renewal goes on the row under the client's previous
one, name written again. The EAP issues no numbers. Reminders in words ("1 month", "2 weeks",
"Yes", "No", blank). Most names First Last, one typed Last, First; two birth dates typed as
text. Current clients first, then a blank row, a "Past clients" line and the clients who
finished; a note at the bottom.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

from .common import (
    UPDATED,
    Auth,
    D,
    Names,
    Numbers,
    Person,
    mdy_short,
    period_end,
    save,
    settle_latest_active,
    used_so_far,
)

SEED = 20260505
CLIENTS = 15  # besides the three written out below: about 25 rows
EAP = "Employee Assistance Program"
PAYERS = {  # payer -> (auth number pattern, months, sessions)
    "Aetna": ("AE#####", 6, 12),
    "Blue Cross Blue Shield": ("BCB-####-##", 6, 10),
    "Cigna Behavioral Health": ("CIG######", 4, 8),
    "Optum / UnitedHealthcare": ("OPT####", 6, 12),
    EAP: ("", 3, 6),
}
REMINDERS = {"1 month": 30, "Yes": 30, "No": None, "2 weeks": 14, "14 days": 14, "": None}
PAST = "Past clients"
NOTE = "Self-pay clients are on the other list."


def _anchors() -> list[Auth]:
    """The clients the tests name, written out."""
    # fmt: off
    return [
        Auth(Person("Quinn", "Abernathy", D(1992, 7, 19)), "Aetna", "AE55120", [], D(2026, 9, 1),
             D(2027, 2, 28), visits=12, visits_used=7, reminder_days=30,
             extra={"reminder": "1 month"}),
        Auth(Person("Sawyer", "McAllister", D(1979, 3, 3)), EAP, "", [], D(2026, 10, 20),
             D(2027, 1, 20), visits=6, visits_used=2, reminder_days=None,
             extra={"reminder": "No"}),
        Auth(Person("Finley", "O'Connor", D(2001, 12, 12)), "Blue Cross Blue Shield",
             "BCB-2209-77", [], D(2026, 6, 1), D(2026, 11, 30), visits=10, visits_used=10,
             reminder_days=30, extra={"reminder": "Yes"}),
    ]
    # fmt: on


def _client(rng: random.Random, numbers: Numbers, person: Person) -> list[Auth]:
    payer = rng.choice(list(PAYERS))
    pattern, months, sessions = PAYERS[payer]
    if rng.random() < 0.2:  # came for one authorization's worth and finished
        start, most = D(2025, 3, 1) + dt.timedelta(days=rng.randrange(300)), 1
    else:
        start, most = D(2025, 11, 1) + dt.timedelta(days=rng.randrange(380)), 2
    out: list[Auth] = []
    while start <= UPDATED and len(out) < (1 if payer == EAP else most):
        end = period_end(start, months)
        auth = Auth(person, payer, numbers.make(pattern) if pattern else "", [], start, end)
        auth.visits, auth.visits_used = sessions, used_so_far(rng, start, end, sessions)
        word = rng.choice(list(REMINDERS))
        auth.extra["reminder"], auth.reminder_days = word, REMINDERS[word]
        out.append(auth)
        start = end + dt.timedelta(days=1)
    return out


def plan() -> list[Auth]:
    """The list's authorizations in sheet order, each with its row (``extra["past"]``: in the
    past clients' part)."""
    rng = random.Random(SEED)
    numbers = Numbers(rng)
    auths = _anchors()
    numbers.reserve(a.number for a in auths)
    names = Names("solo_therapist", rng, reserved=[a.person.last for a in auths])
    for _ in range(CLIENTS):
        auths += _client(rng, numbers, names.person((1955, 2006)))
    settle_latest_active(auths)
    finished = {id(a.person) for a in auths if a.active and a.end < UPDATED - dt.timedelta(30)}
    current = [a for a in auths if id(a.person) not in finished]
    past = [a for a in auths if id(a.person) in finished]
    for a in past:
        a.extra["past"] = True
    row = 2
    for a in current:
        a.row, row = row, row + 1
    row += 2  # a blank row, then "Past clients"
    for a in past:
        a.row, row = row, row + 1
    generated = auths[3:]
    rng.choice(generated).extra["name"] = "last_first"
    for a in rng.sample(generated, 2):
        a.extra["dob_text"] = True
    return auths


def lines(auths: list[Auth]) -> dict[int, str]:
    """The sheet's lines that are not authorizations (one cell each), by row."""
    first_past = min(a.row for a in auths if a.extra.get("past"))
    return {first_past - 1: PAST, max(a.row for a in auths) + 2: NOTE}


def write(path: Path) -> None:
    auths = plan()
    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Name", "Date of Birth", "Insurance", "Auth Number", "Sessions Authorized"])
    for c, text in enumerate(["Sessions Used", "Start Date", "End Date", "Reminder"], start=6):
        ws.cell(1, c, text)
    for a in auths:
        p, x = a.person, a.extra
        name = p.last_first if x.get("name") == "last_first" else p.first_last
        dob = mdy_short(p.dob) if x.get("dob_text") else p.dob
        values = [name, dob, a.payer, a.number, a.visits, a.visits_used, a.start, a.end]
        for c, value in enumerate([*values, x["reminder"]], start=1):
            ws.cell(a.row, c, value)
        for c in (2, 7, 8):
            ws.cell(a.row, c).number_format = "mm/dd/yyyy"
    for row, text in lines(auths).items():
        ws.cell(row, 1, text)
    for col, width in (("A", 22), ("C", 28), ("D", 14)):
        ws.column_dimensions[col].width = width
    save(wb, path)
