"""Riverside Behavioral Health: a group practice's 2026 sheet, and last year's sheet, hidden.

The 2026 sheet: a title row, two header rows ("Sessions" merged over Approved / Used / Left),
"Patient" as First Last, Birthdate as a bare serial number, Ins. Co. with Ins. Priority (Primary,
1, Pri, Secondary, 2, Sec), PA #, Procedure, Left as a formula whose values Excel cached (one of
them stale), an "Auth Period" range in one cell, a Status word, the Therapist; one block of rows
per therapist with a blank row between blocks. Renewals for 2027 are Pending, Requested (no PA #
yet), Approved in advance (the current one stays the Active one), or Denied. The hidden "2025"
sheet has last year's authorizations with fewer columns (Sessions, Used).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

from .common import (
    BOLD,
    UPDATED,
    Auth,
    D,
    Names,
    Numbers,
    Person,
    codes_text,
    mdy,
    mdy_short,
    period_end,
    save,
    serial_1900,
    settle_latest_active,
    used_so_far,
)

SEED = 20260303
CLIENTS = 41  # besides the four written out below: about 80 rows on 2026 and 40 on 2025
THERAPISTS = ["mlopez", "jchen", "demo", "kpatel", "rsantos"]
FIRST_ROW = 4  # title, group header, header
MEDICARE = "Medicare Part B"
DROPPED = {3, 11, 24}  # clients who stopped coming this year (one of them still marked Active)


@dataclasses.dataclass(frozen=True)
class PayerStyle:
    number: str  # "" = issues none; "{y}" the year's last two digits
    months: int
    visits: int | None  # sessions approved (None: no cap)
    weight: int


PAYERS = {
    "Aetna": PayerStyle("A-20{y}-####", 12, 20, 22),
    "Blue Cross Blue Shield": PayerStyle("BC20{y}-####", 6, 24, 22),
    "Cigna Behavioral Health": PayerStyle("CG-{y}-#####", 6, 12, 16),
    "Optum / UnitedHealthcare": PayerStyle("OP-20{y}-###", 6, 24, 12),
    "Medicaid - State Plan": PayerStyle("MCD-{y}-#####", 6, 12, 12),
    "Humana": PayerStyle("HUM########", 12, 30, 8),
    MEDICARE: PayerStyle("", 6, None, 8),
}
SECONDARIES = ["Optum / UnitedHealthcare", "Cigna Behavioral Health", "Medicaid - State Plan"]
CODES = [["90837"], ["90834"], ["90834", "90837"], ["90837", "90846"], ["90847"], ["90853"]]
PERIOD_STYLES = [
    lambda s, e: f"{mdy_short(s)} - {mdy_short(e)}",
    lambda s, e: f"{mdy_short(s)} - {mdy_short(e)}",
    lambda s, e: f"{mdy(s)} - {mdy(e)}",
    lambda s, e: f"{mdy_short(s)}-{mdy_short(e)}",
    lambda s, e: f"{mdy_short(s)} to {mdy_short(e)}",
    lambda s, e: f"{mdy_short(s)} – {mdy_short(e)}",
]
PRIORITY_WORDS = {"primary": ["Primary", "Primary", "Primary", "1", "Pri"]}
PRIORITY_WORDS["secondary"] = ["Secondary", "Secondary", "2", "Sec"]


def _anchors() -> list[Auth]:
    """The clients the tests name, written out."""
    harper = Person("Harper", "Lindqvist", D(1991, 2, 17), clinician="mlopez")
    logan = Person("Logan", "Whitfield", D(1983, 12, 1), clinician="mlopez")
    nadia = Person("Nadia", "Xiong", D(2004, 5, 9), clinician="jchen")
    rafael = Person("Rafael", "Yamamoto", D(1958, 10, 23), clinician="demo")
    aetna = {"payer": "Aetna", "codes": ["90837"], "visits": 20}
    nadia_period = {"start": D(2026, 6, 15), "end": D(2026, 12, 14), "visits": 24}
    # fmt: off
    return [
        Auth(harper, number="A-2025-0042", start=D(2025, 1, 1), end=D(2025, 12, 31),
             visits_used=20, **aetna),
        Auth(harper, number="A-2026-0042", start=D(2026, 1, 1), end=D(2026, 12, 31),
             visits_used=14, **aetna, extra={"status": "Active"}),
        Auth(harper, number="A-2027-0003", start=D(2027, 1, 1), end=D(2027, 12, 31),
             visits_used=0, status="pending", **aetna, extra={"status": "Pending"}),
        Auth(logan, "Cigna Behavioral Health", "CG-26-88812", ["90834"], D(2026, 3, 1),
             D(2026, 8, 31), visits=12, visits_used=12,
             extra={"status": "Expired", "priority_text": "1"}),
        Auth(nadia, "Blue Cross Blue Shield", "BC2026-4410", ["90837", "90846"], visits_used=11,
             **nadia_period, extra={"status": "Active"}),
        Auth(nadia, "Optum / UnitedHealthcare", "OP-2026-7", ["90837"], visits_used=9,
             priority="secondary", **nadia_period,
             extra={"status": "Active", "left": 10}),  # stale: 24 - 9 is 15
        Auth(rafael, MEDICARE, "", ["90832"], D(2026, 9, 1), D(2027, 2, 28), visits_used=5,
             extra={"status": "Active"}),
    ]
    # fmt: on


class _History:
    """One generated client's authorizations, intake to discharge or into 2027."""

    def __init__(
        self, rng: random.Random, numbers: Numbers, person: Person, renewals: Iterator[str]
    ) -> None:
        self.rng, self.numbers, self.person = rng, numbers, person
        self.renewals = renewals  # the status of the next 2027 renewal logged

    def number(self, payer: str, start: dt.date) -> str:
        pattern = PAYERS[payer].number
        return self.numbers.make(pattern, start.year % 100) if pattern else ""

    def chain(self, dropped: bool = False) -> list[Auth]:
        """From intake on; ``dropped``: the client stopped coming this year."""
        rng = self.rng
        older = self.person.dob.year < 1961
        payers = [p for p in PAYERS if (p == MEDICARE) == older] if rng.random() < 0.9 else []
        payer = rng.choices(payers or list(PAYERS), [PAYERS[p].weight for p in payers or PAYERS])[0]
        style = PAYERS[payer]
        if rng.random() < 0.3:
            start = D(2025, 1, 1)  # a client since before last year
        else:
            start = D(2025, 6, 1) + dt.timedelta(days=rng.randrange(500))
        codes = rng.choice(CODES)
        stays = rng.randint(1, 2) if rng.random() < 0.2 else 99
        out: list[Auth] = []
        while start <= UPDATED and len(out) < stays:
            end = period_end(start, style.months)
            if dropped and end >= UPDATED and out:
                break
            used = used_so_far(rng, start, end, style.visits or 40)
            auth = Auth(self.person, payer, self.number(payer, start), list(codes), start, end)
            auth.visits, auth.visits_used = style.visits, used
            out.append(auth)
            start = end + dt.timedelta(days=1)
        if stays == 99 and not dropped and (start - UPDATED).days < 60 and rng.random() < 0.55:
            status = next(self.renewals)
            end = period_end(start, style.months)
            renewal = Auth(self.person, payer, self.number(payer, start), list(codes), start, end)
            renewal.visits, renewal.visits_used, renewal.status = style.visits, 0, status
            if status == "requested":
                renewal.number = ""  # the payer has not issued one yet
            if status == "denied":
                renewal.visits = None  # (the Approved cell is left blank)
            out.append(renewal)
        if rng.random() < 0.2 and not older:
            out += self.secondaries(out)
        return out

    def secondaries(self, primaries: list[Auth]) -> list[Auth]:
        payer = self.rng.choice([p for p in SECONDARIES if p != primaries[0].payer])
        out = []
        for p in primaries:
            if p.status != "approved":
                continue
            used = max(0, (p.visits_used or 0) - self.rng.randint(0, 2))
            out.append(
                dataclasses.replace(
                    p,
                    payer=payer,
                    number=self.number(payer, p.start),
                    visits_used=used,
                    priority="secondary",
                    extra={},
                )
            )
        return out


def _status_words(rng: random.Random, auths: list[Auth]) -> None:
    """The 2026 sheet's Status column, and what an import makes of it: Active / Expired say so
    (two ended ones left on Active by mistake); Pending / Requested / Denied renewals are not
    active; a renewal Approved in advance is active only when no row of that client and payer
    says Active."""
    forgotten = 0
    for a in auths:
        if "status" in a.extra:
            pass
        elif a.status != "approved":
            a.extra["status"] = a.status.title()
        elif a.start > UPDATED:
            a.extra["status"] = "Approved"
        elif a.end < UPDATED and (forgotten == 2 or _renewed(a, auths)):
            a.extra["status"] = rng.choice(["Expired", "Expired", "expired"])
        else:  # current, or (twice) ended without a renewal and still marked Active
            forgotten += a.end < UPDATED
            a.extra["status"] = rng.choice(["Active"] * 5 + ["active"])
        a.active = a.extra["status"].lower() == "active"
    for a in auths:
        if a.extra["status"] == "Approved":
            group = [b for b in auths if b.person is a.person and b.payer == a.payer]
            said = any(b.active for b in group)
            ahead = [b for b in group if b.extra["status"] == "Approved"]
            a.active = not said and a is max(ahead, key=lambda b: b.start)


def _renewed(auth: Auth, auths: list[Auth]) -> bool:
    """Whether a later authorization of the same client and payer follows ``auth``."""
    return any(
        b.person is auth.person and b.payer == auth.payer and b.start > auth.start for b in auths
    )


def plan() -> list[Auth]:
    """Every authorization of the workbook, both sheets, in sheet order, each with its row (and
    ``extra["sheet"]``)."""
    rng = random.Random(SEED)
    numbers = Numbers(rng)
    anchors = _anchors()
    numbers.reserve(a.number for a in anchors)
    names = Names("group_practice", rng, reserved=[a.person.last for a in anchors])
    renewals = itertools.cycle(["pending", "approved", "pending", "requested", "denied"])
    blocks: dict[str, list[Auth]] = {t: [] for t in THERAPISTS}
    for a in anchors:
        blocks[a.person.clinician].append(a)
    for n in range(CLIENTS):
        therapist = THERAPISTS[n % len(THERAPISTS)]
        person = names.person((1948, 2008), clinician=therapist)
        history = _History(rng, numbers, person, renewals).chain(dropped=n in DROPPED)
        blocks[therapist] += sorted(history, key=lambda a: (a.start, a.priority))
    auths = [a for t in THERAPISTS for a in blocks[t]]
    for a in auths:
        a.extra["sheet"] = "2025" if a.start.year == 2025 else "2026"
    this_year = [a for a in auths if a.extra["sheet"] == "2026"]
    _status_words(rng, this_year)
    current = [a for a in this_year if a.state() == "current" and a.visits and a not in anchors]
    for a in rng.sample([a for a in current if a.start < UPDATED - dt.timedelta(90)], 3):
        a.visits_used = a.visits  # used up before the end date
    rows = {"2025": 2, "2026": FIRST_ROW}
    previous = {"2025": "", "2026": ""}
    for a in auths:
        sheet = a.extra["sheet"]
        if sheet == "2026" and previous[sheet] and a.person.clinician != previous[sheet]:
            rows[sheet] += 1  # a blank row between therapists
        previous[sheet] = a.person.clinician
        a.row = rows[sheet]
        rows[sheet] += 1
        a.extra["period"] = rng.choice(PERIOD_STYLES)(a.start, a.end)
        a.extra.setdefault("priority_text", rng.choice(PRIORITY_WORDS[a.priority]))
    return auths


def sheet_2026() -> list[Auth]:
    """What the 2026 sheet (the one an import picks) means."""
    return [a for a in plan() if a.extra["sheet"] == "2026"]


def sheet_2025() -> list[Auth]:
    """What importing the hidden 2025 sheet alone gives: no birth dates, procedures, member ids
    or therapists on it; the latest authorization per payer is taken as the active one; the
    payer seen first is the primary."""
    archive = [a for a in plan() if a.extra["sheet"] == "2025"]
    people: dict[int, Person] = {}
    out = []
    for a in archive:
        person = people.setdefault(id(a.person), Person(a.person.first, a.person.last, None))
        out.append(dataclasses.replace(a, person=person, codes=[], notes=""))
    settle_latest_active(out)
    return out


def write(path: Path) -> None:
    auths = plan()
    wb = Workbook()
    archive = wb.active
    archive.title = "2025"
    archive.append(["Patient", "Ins. Co.", "PA #", "Auth Period", "Sessions", "Used"])
    archive.sheet_state = "hidden"
    ws = wb.create_sheet("2026")
    ws.append(["Riverside Behavioral Health — 2026 authorizations"])
    ws.append([None] * 6 + ["Sessions"])
    ws.append(["Patient", "Birthdate", "Ins. Co.", "Ins. Priority", "PA #", "Procedure"])
    for c, text in enumerate(["Approved", "Used", "Left", "Auth Period", "Status", "Therapist"]):
        ws.cell(3, 7 + c, text)
    ws.merge_cells("G2:I2")
    for row in (ws[2], ws[3]):
        for cell in row:
            cell.font = BOLD
    ws["G2"].alignment = Alignment(horizontal="center")
    cached: dict[str, int] = {}
    for a in auths:
        p, r = a.person, a.row
        if a.extra["sheet"] == "2025":
            values = [p.first_last, a.payer, a.number, a.extra["period"], a.visits, a.visits_used]
            for c, value in enumerate(values, start=1):
                archive.cell(r, c, value)
            continue
        values = [p.first_last, serial_1900(p.dob), a.payer, a.extra["priority_text"], a.number]
        values += [codes_text(a.codes), a.visits, a.visits_used if a.status != "denied" else None]
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)
        if a.visits is not None:
            ws.cell(r, 9, f"=G{r}-H{r}")
            cached[f"I{r}"] = a.extra.get("left", a.visits - (a.visits_used or 0))
        ws.cell(r, 10, a.extra["period"])
        ws.cell(r, 11, a.extra["status"])
        ws.cell(r, 12, p.clinician)
    for col, width in (("A", 20), ("C", 24), ("J", 22)):
        ws.column_dimensions[col].width = width
        archive.column_dimensions[col].width = width
    save(wb, path, {"xl/worksheets/sheet2.xml": _cached_values(cached)})


def _cached_values(values: dict[str, int]) -> Callable[[str], str]:
    """Excel stores the last calculated value of each formula; openpyxl cannot. Add them (to the
    sheet's XML) as Excel would have saved them."""

    def edit(xml: str) -> str:
        for ref, value in values.items():
            xml = re.sub(
                rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f>(<v\s*/>|<v></v>)?',
                rf"\1<f>\2</f><v>{value}</v>",
                xml,
            )
        return xml

    return edit
