"""Bright Steps ABA's tracker: an autism-services agency with units in the hundreds.

An instructions sheet first; then MRN, Last Name / First Name, Birth Date, Funder, Subscriber
ID, Priority, Prior Auth Number, several Service Codes in one cell (", ", "/", "; "), Start and
End typed as text in whatever format the person typing liked, Units Approved and Units Used
typed as text (some with a trailing space), Max/Week caps, the BCBA, case notes and a "Fax Sent"
column authtrack does not read. Each client: an assessment (97151), then six-month treatment
authorizations; a few have a secondary funder; one Medicaid waiver has no unit cap.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

from .common import (
    BOLD,
    UPDATED,
    Auth,
    D,
    Names,
    Numbers,
    Person,
    codes_text,
    iso,
    mdy,
    mdy_short,
    named,
    period_end,
    save,
    settle_latest_active,
    used_so_far,
)

SEED = 20260202
CLIENTS = 17  # besides the four written out below: about 60 authorizations
MEDICAID = "Medicaid - State Plan"
# funder -> (weight as primary, auth number pattern, subscriber id pattern)
FUNDERS = {
    MEDICAID: (45, "", "MCD#######"),  # Medicaid numbers run PA-<case>-01, -02...
    "Aetna": (15, "AET-ABA-####", "W#########"),
    "Cigna Behavioral Health": (12, "CG-ABA-####", "U########"),
    "Blue Cross Blue Shield": (13, "BCB-ABA-#####", "XBC########"),
    "Optum / UnitedHealthcare": (10, "OPT-ABA-#####", "OP#######"),
}
TREATMENT = [["97153", "97155", "97156"], ["97153", "97155"], ["97153", "97155", "97156", "97158"]]
UNITS = [320, 400, 480, 520, 600, 720, 800, 960]
BCBAS = ["jchen", "aokafor", "mlopez", "tnguyen"]
DATE_STYLES = [mdy, mdy, iso, named, mdy_short]
SEPARATORS = [", ", ", ", "/", "; "]
HEADER = ["MRN", "Last Name", "First Name", "Birth Date", "Funder", "Subscriber ID", "Priority"]
HEADER += ["Prior Auth Number", "Service Codes", "Start", "End", "Units Approved", "Units Used"]
HEADER += ["Max/Week", "BCBA", "Case Notes", "Fax Sent"]


def _anchors() -> list[Auth]:
    """The clients the tests name, written out (their cells' exact text is in ``extra``)."""
    nakamura = Person("Avery", "Nakamura", D(2017, 4, 12), "MRN-1001", "jchen")
    okafor = Person("Jordan", "Okafor", D(2015, 9, 30), "MRN-1002", "aokafor")
    petrov = Person("Riley", "Petrov", D(2019, 1, 5), "MRN-1003", "mlopez")
    quintero = Person("Skyler", "Quintero", D(2016, 7, 3), "MRN-1004", "jchen")
    medicaid = {"payer": MEDICAID, "member_id": "MCD7700112"}
    three = ["97153", "97155", "97156"]
    aetna = {"payer": "Aetna", "member_id": "W998877665"}
    tricare = {"payer": "Tricare East", "member_id": "TR12345678", "priority": "secondary"}
    # fmt: off
    return [
        Auth(nakamura, number="PA-88120-01", codes=three, start=D(2026, 5, 1), end=D(2026, 10, 31),
             units=480, units_used=455, cap=(40, "week"), notes="Reassessment due 10/15",
             extra={"units_text": "480 ", "cap_text": "40 units per week", "fax": "Y"},
             **medicaid),
        Auth(nakamura, number="PA-88120-02", codes=three, start=D(2026, 11, 1), end=D(2027, 4, 30),
             units=520, units_used=36, cap=(40, "week"), extra={"cap_text": "40 units per week",
             "fax": "Y"}, **medicaid),
        Auth(okafor, number="AET-ABA-4410", codes=["97151", "97153"], start=D(2026, 1, 1),
             end=D(2026, 6, 30), units=320, units_used=301, cap=(32, "week"),
             extra={"cap_text": "32 units/week", "fax": "Y", "dates": iso}, **aetna),
        Auth(okafor, number="AET-ABA-5521", codes=["97153", "97155"], start=D(2026, 7, 1),
             end=D(2026, 12, 31), units=320, units_used=188, cap=(32, "week"),
             extra={"cap_text": "32 units/week", "fax": "N", "dates": iso, "codes_sep": "/",
                    "last_as_typed": "Okafor "}, **aetna),
        Auth(okafor, number="TRI-0098455", codes=["97153"], start=D(2026, 1, 1),
             end=D(2026, 6, 30), units=320, units_used=0, notes="Secondary pays copay only",
             extra={"fax": "N", "dates": iso}, **tricare),
        Auth(okafor, number="TRI-0099812", codes=["97153"], start=D(2026, 7, 1),
             end=D(2026, 12, 31), units=320, units_used=0, notes="Secondary pays copay only",
             extra={"fax": "N", "dates": iso}, **tricare),
        Auth(petrov, "Cigna Behavioral Health", "CG-ABA-7781", ["97151"], D(2026, 11, 15),
             D(2026, 12, 15), units=16, units_used=4, member_id="U12312312",
             notes="Initial assessment"),
        Auth(quintero, MEDICAID, "PA-90211-01", ["97153", "97155"], D(2026, 8, 1),
             D(2027, 1, 31), units=None, units_used=210, member_id="MCD7700950",
             notes="Medicaid waiver: no unit cap",
             extra={"units_text": "unlimited", "dates": named, "dob_text": "Jul 3, 2016",
                    "fax": "Y"}),
    ]
    # fmt: on


def _cap(units: int) -> int:
    """A weekly cap a little above the average pace, in whole hours (4 units)."""
    return 4 * -(-units * 5 // (26 * 4 * 4))


class _Client:
    """One generated client's authorizations, funder by funder."""

    def __init__(self, rng: random.Random, numbers: Numbers, person: Person) -> None:
        self.rng, self.numbers, self.person = rng, numbers, person
        self.case = numbers.make("PA-#####")  # Medicaid's case number for this client
        self.medicaid_issued = 0

    def number(self, funder: str) -> str:
        if funder == MEDICAID:  # PA-<case>-01, -02...
            self.medicaid_issued += 1
            return f"{self.case}-{self.medicaid_issued:02d}"
        return self.numbers.make(FUNDERS[funder][1])

    def authorizations(self) -> list[Auth]:
        rng = self.rng
        funder = rng.choices(list(FUNDERS), [f[0] for f in FUNDERS.values()])[0]
        base = {"payer": funder, "member_id": self.numbers.make(FUNDERS[funder][2])}
        start = D(2025, 1, 6) + dt.timedelta(days=rng.randrange(640))
        end = start + dt.timedelta(days=rng.choice([30, 45, 60]))
        units = rng.choice([16, 24, 32])
        assessment = Auth(
            self.person,
            number=self.number(funder),
            codes=["97151"],
            start=start,
            end=end,
            units=units,
            notes="Initial assessment",
            **base,
        )
        assessment.units_used = min(units, used_so_far(rng, start, end, units) + 4)
        out = [assessment]
        codes = rng.choice(TREATMENT)
        stays = rng.randint(1, 2) if rng.random() < 0.15 else 99
        start = end + dt.timedelta(days=rng.randint(7, 21))
        step = rng.randrange(len(UNITS))
        while start <= UPDATED and len(out) <= stays:
            end = period_end(start, 6)
            if len(out) > 1:  # a renewal: about as many hours as before
                step = min(max(step + rng.choice([-1, 0, 0, 1]), 0), len(UNITS) - 1)
            units = UNITS[step]
            auth = Auth(
                self.person,
                number=self.number(funder),
                codes=list(codes),
                start=start,
                end=end,
                units=units,
                cap=(_cap(units), "week"),
                **base,
            )
            auth.units_used = used_so_far(rng, start, end, units)
            if len(out) > 1 and rng.random() < 0.4:
                auth.codes = ["97151", *codes]  # the six-monthly reassessment, on the renewal
            out.append(auth)
            start = end + dt.timedelta(days=1)
        if len(out) > stays and out[-1].end < UPDATED:
            out[-1].notes = f"Discharged {out[-1].end:%m/%d/%y}: goals met"
        if funder != MEDICAID and rng.random() < 0.3:  # Medicaid as secondary for the latest
            latest = out[-1]
            out.append(
                Auth(
                    self.person,
                    MEDICAID,
                    self.number(MEDICAID),
                    latest.codes,
                    latest.start,
                    latest.end,
                    units=latest.units,
                    units_used=0,
                    priority="secondary",
                    member_id=self.numbers.make(FUNDERS[MEDICAID][2]),
                    notes="Medicaid secondary",
                )
            )
        return out


def plan() -> list[Auth]:
    """The tracker's authorizations in sheet order (by last name), each with its row."""
    rng = random.Random(SEED)
    numbers = Numbers(rng)
    anchors = _anchors()
    numbers.reserve(a.number for a in anchors)
    names = Names("aba_agency", rng, reserved=[a.person.last for a in anchors])
    auths = list(anchors)
    for n in range(CLIENTS):
        clinician = rng.choice(BCBAS)
        person = names.person((2014, 2022), client_id=f"MRN-{1005 + n}", clinician=clinician)
        auths += _Client(rng, numbers, person).authorizations()
    settle_latest_active(auths)
    near_end = [
        a
        for a in auths
        if a.state() in ("current", "expiring")
        and a.units
        and (a.end - UPDATED).days < 40
        and a not in anchors
    ]
    for auth in rng.sample(near_end, 2):  # at the weekly cap, the units run out a bit early
        auth.units_used = auth.units
        auth.notes = "Units exhausted: request an increase"
    auths.sort(key=lambda a: (a.person.last, a.person.first, a.priority, a.start))
    for row, auth in enumerate(auths, start=2):
        auth.row = row
        auth.extra.setdefault("dates", rng.choice(DATE_STYLES))
        auth.extra.setdefault("codes_sep", rng.choice(SEPARATORS))
        auth.extra.setdefault("fax", rng.choice(["Y", "Y", "N", ""]))
        if auth.units is not None and "units_text" not in auth.extra:
            auth.extra["units_text"] = str(auth.units) + rng.choice(["", "", " "])
        if auth.cap and "cap_text" not in auth.extra:
            amount = auth.cap[0]
            auth.extra["cap_text"] = rng.choice(
                [f"{amount} units per week", f"{amount} units/week", f"{amount}/wk"]
            )
    return auths


def write(path: Path) -> None:
    auths = plan()
    wb = Workbook()
    info = wb.active
    info.title = "Instructions"
    for line in (
        "How to use this tracker",
        "1. One row per authorization. Units are 15-minute units.",
        "2. Update Units Used every Friday from the billing report.",
        "3. Do not sort the sheet by anything but Last Name.",
        "4. Request the renewal 30 days before End; attach the updated treatment plan.",
    ):
        info.append([line])
    ws = wb.create_sheet("Authorizations")
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = BOLD
    for auth in auths:
        p, x = auth.person, auth.extra
        used = str(auth.units_used) if auth.row % 3 else auth.units_used  # some typed as numbers
        ws.append(
            [
                p.client_id,
                x.get("last_as_typed", p.last),
                p.first,
                x.get("dob_text", mdy(p.dob)),
                auth.payer,
                auth.member_id,
                auth.priority.title(),
                auth.number,
                codes_text(auth.codes, x["codes_sep"]),
                x["dates"](auth.start),
                x["dates"](auth.end),
                x.get("units_text", ""),
                used,
                x.get("cap_text", ""),
                p.clinician,
                auth.notes,
                x["fax"],
            ]
        )
    for col, width in (("B", 14), ("E", 24), ("H", 18), ("I", 22), ("N", 18), ("P", 34)):
        ws.column_dimensions[col].width = width
    save(wb, path)
