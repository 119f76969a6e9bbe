"""Sunrise Counseling's front-desk log: two years of a small counseling practice.

Title rows above the header; "Client" as Last, First and the date of birth written once per
client and merged down over the client's rows; Insurance, Member ID, Auth #, CPT, Eff / Exp,
Approved / Used, and Remaining as a formula with no cached value (as openpyxl and many generators
save it). Each client's authorizations follow one another (renewals: only the latest is active);
a few Medicaid and EAP rows have no auth # ("tracking sessions only"). Blank rows between some
clients, a total row at the end, a few dates typed as text and payers with a trailing space.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from .common import (
    BOLD,
    GREY,
    UPDATED,
    Auth,
    D,
    Names,
    Numbers,
    Person,
    codes_text,
    mdy_short,
    period_end,
    save,
    settle_latest_active,
    used_so_far,
)

SEED = 20260101
CLIENTS = 42  # besides the five written out below: about 120 authorizations in all
FIRST_ROW = 5  # title, note, blank, header


@dataclasses.dataclass(frozen=True)
class PayerStyle:
    member: str  # member id pattern (see Numbers)
    number: str  # auth number pattern; "" = the payer issues none
    months: int  # length of an authorization
    visits: tuple[int, ...]  # sessions approved
    weight: int  # how many of the clients it insures


PAYERS = {
    "Aetna": PayerStyle("W#########", "A-{y}-####", 6, (20, 24), 30),
    "Blue Cross Blue Shield": PayerStyle("XBC########", "BC#######", 6, (20, 24), 25),
    "Cigna Behavioral Health": PayerStyle("U########", "CG-##-####", 6, (12, 16), 15),
    "Optum / UnitedHealthcare": PayerStyle("OP#######", "OPT-######", 5, (16,), 14),
    "Medicaid - State Plan": PayerStyle("MCD########", "MCD-PA-######", 3, (12,), 10),
    "Employee Assistance Program": PayerStyle("EAP-#####", "", 3, (6,), 6),
}
CODES = [["90837"], ["90834"], ["90834", "90837"], ["90832"], ["90847"]]
CODE_WEIGHTS = [45, 20, 20, 8, 7]
TRACKING_NOTE = "No auth # issued; tracking sessions"


def _anchors() -> list[Auth]:
    """The clients the tests name (and the README's examples), written out."""
    alvarez = Person("Marisol", "Alvarez", D(1988, 3, 14))
    aetna = {"payer": "Aetna", "member_id": "W123456789", "codes": ["90837"]}
    brennan = Person("Tomasz", "Brennan", D(1975, 11, 2))
    castillo = Person("Aiko", "Castillo", D(2011, 6, 21))
    cigna = {"payer": "Cigna Behavioral Health", "member_id": "U55512345", "codes": ["90832"]}
    # fmt: off
    return [
        Auth(alvarez, number="A-2025-0391", start=D(2025, 7, 7), end=D(2026, 1, 4), units=24,
             units_used=22, **aetna),
        Auth(alvarez, number="A-2026-0117", start=D(2026, 1, 5), end=D(2026, 6, 30), units=24,
             units_used=24, notes="Renewed, see next row", **aetna),
        Auth(alvarez, number="A-2026-0733", start=D(2026, 7, 1), end=D(2026, 12, 31), units=24,
             units_used=17, **aetna),
        Auth(brennan, "Blue Cross Blue Shield", "BC7781234", ["90834", "90837"], D(2026, 9, 1),
             D(2027, 2, 28), units=20, units_used=6, member_id="XBC99887766"),
        Auth(castillo, number="CG-55-0846", start=D(2025, 6, 1), end=D(2026, 2, 28), units=12,
             units_used=12, notes="Parent: Hana", **cigna),
        Auth(castillo, number="CG-55-1290", start=D(2026, 3, 1), end=D(2026, 12, 5), units=12,
             units_used=11, notes="Parent: Hana", **cigna),
        Auth(Person("Kwame", "Dubois", D(1969, 1, 30)), "Medicaid - State Plan", "", ["H2019-HN"],
             D(2026, 10, 1), None, units_used=3, member_id="MCD00431122", reminder_days=30,
             notes=TRACKING_NOTE),
        Auth(Person("Leila", "Eriksen", D(1999, 8, 8)), "Optum / UnitedHealthcare", "OPT-443120",
             ["90837"], D(2026, 8, 15), D(2027, 1, 15), units=16, units_used=16,
             member_id="OP7712309", notes="Exhausted: request more"),
    ]
    # fmt: on


def _history(rng: random.Random, numbers: Numbers, person: Person) -> list[Auth]:
    """One client's authorizations with one payer, from intake to discharge or to today."""
    payer = rng.choices(list(PAYERS), [p.weight for p in PAYERS.values()])[0]
    style = PAYERS[payer]
    member = numbers.make(style.member)
    intake = D(2025, 1, 6) + dt.timedelta(days=rng.randrange(660))
    base = {"payer": payer, "member_id": member}
    if payer == "Medicaid - State Plan" and rng.random() < 0.4:  # no number, no cap, no end
        codes = rng.choice([["H2019-HN"], ["H0004"]])
        used = used_so_far(rng, intake, UPDATED, 40)
        auth = Auth(person, number="", codes=codes, start=intake, end=None, units_used=used, **base)
        auth.notes = TRACKING_NOTE
        return [auth]
    codes = rng.choices(CODES, CODE_WEIGHTS)[0]
    if rng.random() < 0.3:
        codes = ["90791", *codes]  # the intake assessment on the first authorization
    stays = 2 if payer == "Employee Assistance Program" else 99
    if rng.random() < 0.15:
        stays = rng.randint(1, 3)  # discharged after a few authorizations
    out: list[Auth] = []
    start = intake
    units = rng.choice(style.visits)
    while len(out) < stays and start <= UPDATED:
        end = period_end(start, style.months)
        if out and rng.random() < 0.2:
            units = rng.choice(style.visits)  # the payer approved a different number this time
        number = numbers.make(style.number, start.year) if style.number else ""
        used = used_so_far(rng, start, end, units)
        auth = Auth(person, number=number, codes=codes, start=start, end=end, **base)
        auth.units, auth.units_used = units, used
        if not number:
            auth.notes = "EAP: no auth # issued; tracking sessions"
        out.append(auth)
        codes = [c for c in codes if c != "90791"]
        start = end + dt.timedelta(days=1 if rng.random() < 0.8 else rng.randint(3, 20))
    if stays == 99 and (start - UPDATED).days < 45 and rng.random() < 0.4:
        # the renewal is approved and logged already
        number = numbers.make(style.number, start.year) if style.number else ""
        end = period_end(start, style.months)
        out.append(
            dataclasses.replace(
                out[-1], number=number, start=start, end=end, units_used=0, extra={}
            )
        )
    if len(out) == stays < 99 and out[-1].end and out[-1].end < UPDATED:
        out[-1].notes = f"Discharged {out[-1].end:%m/%Y}"
    return out


def plan() -> list[Auth]:
    """The log's authorizations in sheet order, each with its row."""
    rng = random.Random(SEED)
    numbers = Numbers(rng)
    anchors = _anchors()
    numbers.reserve(a.number for a in anchors)
    names = Names("front_desk", rng, reserved=[a.person.last for a in anchors])
    auths = list(anchors)
    for _ in range(CLIENTS):
        auths += _history(rng, numbers, names.person((1950, 2010)))
    settle_latest_active(auths)
    current = [
        a
        for a in auths
        if a.state() == "current" and a.units and (UPDATED - a.start).days > 60 and a not in anchors
    ]
    for auth in rng.sample(current, 3):  # used up before the end date
        auth.units_used = auth.units
        auth.notes = "Exhausted: request more"
    over = rng.choice([a for a in current if a.units_used != a.units])
    over.units_used = over.units + 2  # over-utilised: the log shows Remaining -2
    over.notes = "Over by 2, billing told"
    for auth in auths:
        if auth.state() == "expiring" and not auth.notes and rng.random() < 0.5:
            auth.notes = f"Renewal requested {UPDATED:%m/%d}"
        elif auth.state() == "expired" and not auth.notes:
            auth.notes = "Renewal pending with payer"
    auths.sort(key=lambda a: (a.person.last, a.person.first, a.start))
    _place(rng, auths)
    return auths


def _place(rng: random.Random, auths: list[Auth]) -> None:
    """Give each authorization its row; a few blank rows between clients; some dates typed as
    text, some payers with a trailing space."""
    firsts = [i for i, a in enumerate(auths) if i == 0 or a.person is not auths[i - 1].person]
    blank_before = set(rng.sample(firsts[5:], 3))
    row = FIRST_ROW
    for i, auth in enumerate(auths):
        if i in blank_before:
            row += 1
        auth.row = row
        row += 1
    for auth in rng.sample(auths, 6):
        auth.extra["text_dates"] = True
    for auth in rng.sample(auths, 5):
        auth.extra["payer_as_typed"] = auth.payer + " "


def write(path: Path) -> None:
    auths = plan()
    wb = Workbook()
    ws = wb.active
    ws.title = "Auth Log"
    ws["A1"] = "Sunrise Counseling — Prior Authorization Log"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Updated 11/20/2026 by front desk. Call payer 2 weeks before Exp!"
    header = ["Client", "DOB", "Insurance", "Member ID", "Auth #", "CPT", "Eff", "Exp"]
    ws.append([])
    ws.append([*header, "Approved", "Used", "Remaining", "Notes"])
    for cell in ws[FIRST_ROW - 1]:
        cell.font, cell.fill = BOLD, GREY
    block_start = {}
    for i, auth in enumerate(auths):
        r = auth.row
        first_of_client = i == 0 or auth.person is not auths[i - 1].person
        if first_of_client:
            block_start[id(auth.person)] = r
            ws.cell(r, 1, auth.person.last_first)
            ws.cell(r, 2, auth.person.dob)
        start, end = auth.start, auth.end
        if auth.extra.get("text_dates"):
            start = mdy_short(start) if start else None
            end = mdy_short(end) if end else None
        values = [auth.extra.get("payer_as_typed", auth.payer), auth.member_id, auth.number]
        values += [codes_text(auth.codes), start, end, auth.units, auth.units_used]
        for c, value in enumerate(values, start=3):
            ws.cell(r, c, value)
        ws.cell(r, 11, f'=IF(I{r}="","",I{r}-J{r})')
        ws.cell(r, 12, auth.notes or None)
        for c in (2, 7, 8):
            ws.cell(r, c).number_format = "mm/dd/yyyy"
        last_of_client = i == len(auths) - 1 or auths[i + 1].person is not auth.person
        top = block_start[id(auth.person)]
        if last_of_client and r > top:
            ws.merge_cells(f"A{top}:A{r}")
            ws.merge_cells(f"B{top}:B{r}")
    last = auths[-1].row
    total = last + 1
    ws.cell(total, 1, "Total").font = BOLD
    ws.cell(total, 9, f"=SUM(I{FIRST_ROW}:I{last})")
    ws.cell(total, 10, f"=SUM(J{FIRST_ROW}:J{last})")
    ws.freeze_panes = f"A{FIRST_ROW}"
    for col, width in (("A", 22), ("C", 26), ("D", 14), ("E", 14), ("F", 14), ("L", 36)):
        ws.column_dimensions[col].width = width
    save(wb, path)
