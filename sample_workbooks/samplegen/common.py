"""What every sample log is made of: synthetic people, authorizations, dates and counts.

An :class:`Auth` is what a row *means* (in authtrack's terms: codes normalised, counts as numbers,
``active`` as an import must settle it); each style module decides how its log *says* it. All
randomness comes from ``random.Random(seed)``: the same files on every run.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

D = dt.date
TODAY = D(2026, 11, 23)  # the day the tests look at the samples on (a Monday)
UPDATED = D(2026, 11, 20)  # the logs were last brought up to date the Friday before
SAVED = dt.datetime(2026, 11, 20, 17, 30)  # when the files say they were saved
BOLD = Font(bold=True)
GREY = PatternFill("solid", fgColor="DDDDDD")


def _words(text: str) -> list[str]:
    return text.split()


# Common given names and surnames, combined at random: nobody real is meant.
FIRST_NAMES = _words("""
Aaliyah Abel Ada Adrian Ahmed Aisha Alana Alden Amara Amir Anders Anika Ansel Ari Asha Astrid
Bastian Bea Benedikt Bianca Bodhi Bram Calla Camille Cassius Celeste Cyrus Dalia Dante Darius
Delphine Desmond Eamon Edie Elio Elodie Emeka Enzo Esme Ezra Fatima Felix Fern Fiona Gemma Gideon
Greta Hamza Hazel Hollis Idris Ilse Imani Ines Isaac Ivo Jada Jalen Jonah Juno Kai Kamala Keanu
Kenji Kiran Lachlan Lars Leona Levi Lina Lorenzo Lucia Mabel Malik Mara Mateo Maya Milo Mina Nadia
Nico Nina Noor Oren Otis Paloma Pilar Priya Rafferty Ravi Reza Rhea Rosalind Rowan Sami Selim Siena
Silas Soren Stellan Tamsin Teo Thea Tobias Umar Valentina Vera Wesley Willa Wren Yara Yusuf Zara
Zeke Zoran
""")
SURNAMES = _words("""
Abara Acheson Adeyemi Aguilar Ahlberg Akerman Albrecht Amundsen Anand Arce Ashdown Auclair Babic
Baptiste Barros Beaulieu Bergstrom Bhatt Blakely Bolanos Brandt Bressler Brodeur Calloway Camacho
Carrow Cavanagh Chandra Chenoweth Cisneros Colborn Corrigan Crane Dahlgren Dalca Delacroix
Demir Devlin Dobrev Draper Duarte Dunleavy Ebner Edmondson Ekwueme Elston Espinoza Falk Farrow
Fenwick Ferreira Fitzroy Fonseca Forsberg Galloway Gantt Garza Gellar Gibbs Goswami Granger
Gruber Gutierrez Hadley Halvorsen Hargrove Hassan Haverford Hedlund Herrera Hoffmann Holmqvist
Hughes Ivanova Jablonski Jardine Jaramillo Jensen Joshi Kaczmarek Kapoor Kearney Keller Kiplagat
Kowalczyk Krause Kurtz Lachance Landry Larkin Leclerc Lennox Leon Lindahl Lombardi Lucero Lundgren
Macaulay Madsen Magnusson Maldonado Marchetti Mbeki Medina Mercer Mireles Moreau Mulcahy Navarro
Nesbitt Nguyen Nilsen Novak Oduya Ogilvie Olmstead Orozco Osei Pacheco Palmer Pankhurst Paredes
Pellegrini Pham Pickering Quinlan Radcliffe Ramires Rasmussen Redfern Reinholt Renner Rocha
Rosales Rowntree Sadowski Salazar Sandoval Saxena Schaefer Serrano Shah Silva Sinclair Sokolov
Solberg Stavros Strand Sutherland Takahashi Tanaka Tavares Thackeray Thorne Toivonen Torres
Trujillo Underhill Urquhart Valdez Vance Varga Vasquez Vickery Villanueva Voss Wakefield Walsh
Warrick Weber Wexler Whitcombe Winslow Wojcik Yilmaz Yoder Zamora Zeller Zielinski Zubiri
Achebe Barlowe Cardenas Dimitrov Ellery Fairbanks Gaskell Honda Iwasaki Jovanovic Kaminski
Lockhart Mendez Norgaard Okonkwo Prentice Rahman Santana Trevino Ueda Vidal Yamada
""")
# each sample draws its surnames from its own slice of them shuffled, so no two samples share a
# client
_SHUFFLED = random.Random(7).sample(SURNAMES, len(SURNAMES))
_SLICES = {
    "front_desk": (0, 60),
    "aba_agency": (60, 88),
    "group_practice": (88, 152),
    "mac_1904": (152, 180),
    "solo_therapist": (180, 202),
}


@dataclass
class Person:
    first: str
    last: str
    dob: dt.date | None
    client_id: str = ""  # the practice's own id, when its log has one
    clinician: str = ""

    @property
    def last_first(self) -> str:
        return f"{self.last}, {self.first}"

    @property
    def first_last(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Auth:
    """One authorization as a log row means it (and as authtrack must import it)."""

    person: Person
    payer: str
    number: str  # "" = none issued: tracking sessions only
    codes: list[str]
    start: dt.date | None
    end: dt.date | None  # None = open-ended
    units: int | None = None  # authorized; None = no cap
    units_used: int | None = None
    visits: int | None = None
    visits_used: int | None = None
    member_id: str = ""
    priority: str = "primary"
    status: str = "approved"  # requested / pending / approved / denied
    active: bool = False
    cap: tuple[int, str] | None = None  # (amount, "week" or "month")
    reminder_days: int | None = 30
    notes: str = ""
    requested_on: dt.date | None = None
    reference: str = ""
    confirmed: bool = False
    row: int = 0  # the spreadsheet row the log writes it on
    extra: dict[str, object] = field(default_factory=dict)  # style-only details

    def state(self, today: dt.date = TODAY) -> str:
        """What the day ``today`` makes of it: inactive, expired, exhausted, expiring, current or
        future (the samples aim for a mix)."""
        if not self.active:
            return "inactive"
        if self.end is not None and self.end < today:
            return "expired"
        if self.start is not None and self.start > today:
            return "future"
        for total, used in ((self.units, self.units_used), (self.visits, self.visits_used)):
            if total is not None and (used or 0) >= total:
                return "exhausted"
        if (
            self.end is not None
            and self.reminder_days is not None
            and (self.end - today).days <= self.reminder_days
        ):
            return "expiring"
        return "current"


class Names:
    """Distinct synthetic people for one sample (its own surnames, given names at random)."""

    def __init__(self, sample: str, rng: random.Random, reserved: Iterable[str] = ()) -> None:
        lo, hi = _SLICES[sample]
        self._surnames = [s for s in _SHUFFLED[lo:hi] if s not in set(reserved)]
        rng.shuffle(self._surnames)
        self._rng = rng

    def person(self, born: tuple[int, int], **kwargs: str) -> Person:
        last = self._surnames.pop()
        first = self._rng.choice(FIRST_NAMES)
        return Person(first, last, birthday(self._rng, *born), **kwargs)


def birthday(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    return D(first_year, 1, 1) + dt.timedelta(
        days=rng.randrange((D(last_year, 12, 31) - D(first_year, 1, 1)).days)
    )


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return D(year, month, d)
        except ValueError:
            continue
    raise AssertionError(day)


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a ``months``-long authorization starting on ``start``."""
    return add_months(start, months) - dt.timedelta(days=1)


def used_so_far(
    rng: random.Random,
    start: dt.date | None,
    end: dt.date | None,
    authorized: int,
    on: dt.date = UPDATED,
) -> int:
    """A plausible count used by ``on``: the elapsed share of the period at 60-100 % pace."""
    if start is None or on < start:
        return 0
    end = end or add_months(start, 12)
    share = min(1.0, ((on - start).days + 1) / ((end - start).days + 1))
    return min(authorized, round(authorized * share * rng.uniform(0.6, 1.0)))


def settle_latest_active(auths: Iterable[Auth]) -> None:
    """The rule an import applies when a log does not say: for each client and payer, the
    approved authorization with the latest start is the active one."""
    groups: dict[tuple[int, str], list[Auth]] = defaultdict(list)
    for a in auths:
        groups[(id(a.person), a.payer)].append(a)
    for group in groups.values():
        approved = [a for a in group if a.status == "approved"]
        latest = max(approved, key=lambda a: a.start or D.min, default=None)
        for a in group:
            a.active = a is latest


class Numbers:
    """Authorization and member numbers in a payer's own pattern, never issued twice: ``#`` is a
    digit, ``{y}`` the year."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: set[str] = set()

    def reserve(self, numbers: Iterable[str]) -> None:
        """Numbers written out by hand, which must not be issued again."""
        self._taken.update(numbers)

    def make(self, pattern: str, year: int = 0) -> str:
        while True:
            out = "".join(
                str(self._rng.randrange(10)) if ch == "#" else ch
                for ch in pattern.replace("{y}", str(year))
            )
            if out not in self._taken:
                self._taken.add(out)
                return out


# --- how people write dates ---------------------------------------------------------------------


def mdy(day: dt.date) -> str:
    return f"{day:%m/%d/%Y}"


def mdy_short(day: dt.date) -> str:
    return f"{day.month}/{day.day}/{day:%y}"


def iso(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def named(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def serial_1900(day: dt.date) -> int:
    return (day - D(1899, 12, 30)).days


def serial_1904(day: dt.date) -> int:
    return (day - D(1904, 1, 1)).days


def codes_text(codes: list[str], sep: str = ", ") -> str:
    """Codes as a person types them: modifiers after a space ("H2019 HN")."""
    return sep.join(c.replace("-", " ") for c in codes)


# --- saving -------------------------------------------------------------------------------------


def save(wb: Workbook, path: Path, edits: dict[str, Callable[[str], str]] | None = None) -> None:
    """Save ``wb`` so that the same workbook always gives the same bytes (fixed document and zip
    entry times); ``edits`` change parts of the file first (part name -> function of its XML)."""
    wb.properties.created = SAVED
    wb.save(path)
    stamp = f"{SAVED:%Y-%m-%dT%H:%M:%SZ}"
    core = {
        "docProps/core.xml": lambda xml: re.sub(
            r"(<dcterms:modified[^>]*>)[^<]*", rf"\g<1>{stamp}", xml
        )
    }
    restamp(path, {**(edits or {}), **core})


def restamp(path: Path, edits: dict[str, Callable[[str], str]] | None = None) -> None:
    """Rewrite the zip file ``path`` (.xlsx, .ods) with fixed entry times, each entry stored as
    before, ``edits`` applied (part name -> function of its XML)."""
    edits = edits or {}
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w") as zout:
        for old, data in items:
            if old.filename in edits:
                data = edits[old.filename](data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(old.filename, date_time=SAVED.timetuple()[:6])
            info.compress_type, info.external_attr = old.compress_type, old.external_attr
            zout.writestr(info, data)
