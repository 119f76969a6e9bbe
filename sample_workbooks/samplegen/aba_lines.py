"""Little Steps Autism Services' log: one authorization number per client and period, written on a
row per procedure code, each with its own units (the payer approves 97153 320 units, 97155 40,
97156 12 under one number).

Client ID, Client (Last, First), DOB, Funder, Member ID, Auth #, CPT, Start, End, Units
Approved, Units Used, Units Left, BCBA and Notes; the client's name and funder on every row, dates
as real dates. Each client: the current six-month authorization with 3 or 4 lines (97153 direct
therapy, 97155 supervision, 97156 parent training, sometimes 97158 group), and for some the
authorization before it, expired, with its own rows. Notes are on a line's row where a person
wrote one.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from .common import BOLD, FIRST_NAMES, UPDATED, Person, birthday, period_end, save, used_so_far

SEED = 20261207
CLIENTS = 14
# surnames of this sample's own (the shared list is shared out among the older samples)
SURNAMES = [
    "Abernathy",
    "Bancroft",
    "Castellano",
    "Dunmore",
    "Eastwood",
    "Fairweather",
    "Gallardo",
    "Hollis",
    "Ingram",
    "Jessup",
    "Kilbride",
    "Lowther",
    "Merriman",
    "Northcott",
    "Oyelaran",
    "Penhallow",
    "Quartermaine",
    "Rutherford",
]
FUNDERS = {  # funder -> (auth number pattern prefix, member id prefix)
    "Medicaid - State Plan": ("PA", "MCD"),
    "Aetna": ("AET-ABA", "W"),
    "Blue Cross Blue Shield": ("BCB-ABA", "XBC"),
}
BCBAS = ["jchen", "aokafor", "mlopez"]
DIRECT = [320, 400, 480, 560, 640, 720]
HEADER = ["Client ID", "Client", "DOB", "Funder", "Member ID", "Auth #", "CPT", "Start", "End"]
HEADER += ["Units Approved", "Units Used", "Units Left", "BCBA", "Notes"]


@dataclass
class Line:
    code: str
    units: int
    used: int
    note: str = ""


@dataclass
class LineAuth:
    """One authorization of the log: a number and its lines, a row each."""

    person: Person
    payer: str
    member_id: str
    number: str
    start: dt.date
    end: dt.date
    lines: list[Line] = field(default_factory=list)


def _lines(rng: random.Random, start: dt.date, end: dt.date, on: dt.date) -> list[Line]:
    direct = rng.choice(DIRECT)
    wanted = [("97153", direct), ("97155", direct // 8), ("97156", rng.choice([12, 16, 24]))]
    if rng.random() < 0.35:
        wanted.append(("97158", rng.choice([12, 24])))
    out = []
    for code, units in wanted:
        used = used_so_far(rng, start, end, units, on)
        out.append(Line(code, units, used))
    if rng.random() < 0.3:  # supervision ran out early: the BCBA asked for more
        out[1].used = out[1].units
        out[1].note = "Supervision units used up; increase requested"
    return out


def plan() -> list[LineAuth]:
    """The log's authorizations in sheet order (by client, then start)."""
    rng = random.Random(SEED)
    surnames = list(SURNAMES)
    rng.shuffle(surnames)
    auths: list[LineAuth] = []
    for n in range(CLIENTS):
        person = Person(
            rng.choice(FIRST_NAMES),
            surnames.pop(),
            birthday(rng, 2015, 2022),
            client_id=f"LS-{201 + n}",
            clinician=rng.choice(BCBAS),
        )
        payer = rng.choice(list(FUNDERS))
        prefix, member = FUNDERS[payer]
        member_id = f"{member}{rng.randrange(10**7, 10**8)}"
        start = UPDATED - dt.timedelta(days=rng.randrange(10, 170))
        case = rng.randrange(10000, 99999)  # the funder's case number: -01, -02 by period
        periods = [start]
        if rng.random() < 0.5:  # the authorization before it, expired
            periods.insert(0, period_end(start, -6) + dt.timedelta(days=1))
        for k, begin in enumerate(periods, start=1):
            end = period_end(begin, 6)
            number = f"{prefix}-{case}-{k:02d}"
            lines = _lines(rng, begin, end, min(UPDATED, end))
            auths.append(LineAuth(person, payer, member_id, number, begin, end, lines))
    auths.sort(key=lambda a: (a.person.last, a.start))
    return auths


def write(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Auths"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = BOLD
    for auth in plan():
        p = auth.person
        for line in auth.lines:
            ws.append(
                [
                    p.client_id,
                    p.last_first,
                    p.dob,
                    auth.payer,
                    auth.member_id,
                    auth.number,
                    line.code,
                    auth.start,
                    auth.end,
                    line.units,
                    line.used,
                    line.units - line.used,
                    p.clinician,
                    line.note or None,
                ]
            )
    for row in ws.iter_rows(min_row=2):
        for cell in (row[2], row[7], row[8]):
            cell.number_format = "mm/dd/yyyy"
    for col, width in (("B", 22), ("C", 12), ("D", 24), ("E", 14), ("F", 18), ("H", 12), ("I", 12)):
        ws.column_dimensions[col].width = width
    ws.column_dimensions["N"].width = 44
    ws.freeze_panes = "A2"
    save(wb, path)
