"""The one table of an authorization log's columns (:data:`FIELDS`), and what is derived from it.

Each column's entry says its canonical header (DESIGN.md, "The canonical workbook": what
``export`` writes) and whether it is one of the design's or an extra one, the parser of its
cells, the authorization attribute a row's cell is copied into (and its value for a blank cell),
the attributes it holds in words (``--dry-run``, the import summary), the attributes whose
validation problems are said at it, and its style in a practice's own log (write-back). The rest
of ``sync`` asks the lookups below, built once at import: header lists, colparse's column sets,
drafts' copied fields, describe's words, the importer's error columns, styled's column styles.
Each entry also lists the column's headings as practices write them (:class:`Heading`), with a
rank placing each among every column's ("Units Used" before "Units"); header recognition
(:mod:`sync.recognising.headers`) tries :data:`HEADING_RULES` in that order.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from priorauth.model import LineMeasure


class Col(enum.StrEnum):
    """A field of an authorization log row."""

    CLIENT_ID = "client id"
    NAME = "client name"
    FIRST = "first name"
    LAST = "last name"
    DOB = "date of birth"
    PAYER = "payer"
    MEMBER_ID = "member id"
    PRIORITY = "priority"
    AUTH_NUMBER = "authorization number"
    CODES = "procedure codes"
    START = "start date"
    END = "end date"
    PERIOD = "authorization period"  # one cell holding "start - end"
    UNITS_AUTH = "units authorized"
    UNITS_USED = "units used"
    UNITS_LEFT = "units remaining"
    VISITS_AUTH = "visits authorized"
    VISITS_USED = "visits used"
    VISITS_LEFT = "visits remaining"
    ACTIVE = "active"
    CONFIRMED = "confirmed to billing"
    REMINDER = "reminder days"
    NOTES = "notes"
    STATUS = "request status"
    REQUESTED_ON = "requested on"
    PAYER_REF = "payer reference"
    CLINICIAN = "clinician"
    FOLLOW_UP = "follow-up date"
    CAP = "cap"
    CONFIRMED_BY = "confirmed by"
    CONFIRMED_AT = "confirmed at"
    MEASURE = "measure (units or hours)"
    GROUP = "service (procedure group)"


class Style(enum.Enum):
    """How a column's cell is compared and written back in a practice's own log."""

    DATE = "date"
    COUNT = "count"
    FLAG = "flag"


class Cell(enum.Enum):
    """Which :mod:`sync.parsing.cells` parser reads a column's cells (sync.parsing.colparse)."""

    TEXT = "text"
    ID = "identifier"
    BIRTH = "birth date"
    DATE = "date"
    PERIOD = "period"
    UNITS = "count of units (or hours)"
    VISITS = "count of visits"
    UNITS_LEFT = "units (or hours) remaining"
    VISITS_LEFT = "visits remaining"
    CAP = "cap"
    CODES = "codes"
    MEASURE = "measure"
    GROUP = "procedure group"
    TIMESTAMP = "timestamp"
    PRIORITY = "priority"
    YES_NO = "yes/no"
    CONFIRMATION = "confirmation"
    REMINDER = "reminder"
    STATUS = "status"


@dataclass(frozen=True, slots=True)
class Heading:
    """One way a log heads a column, in the normalised words of
    :func:`sync.recognising.header_words.words`: the words it ``needs``, those it ``forbids``,
    and with ``only`` no words beyond those (and "number"/"date"). ``rank`` places it among every
    column's headings: header recognition tries them in rank order, first match wins, so a
    heading that must win over another's words ranks before it ("Units Used" at 180 before
    "Units" at 250; "Billing notes" is notes, at 10). Ranks are unique; a new synonym takes a
    free number between the headings it must come after and before.
    """

    rank: int
    needs: frozenset[str]
    forbids: frozenset[str] = frozenset()
    only: bool = False

    def matches(self, ws: frozenset[str]) -> bool:
        """Whether a header of these normalised words is this heading."""
        if not self.needs <= ws or self.forbids & ws:
            return False
        return not self.only or (ws - self.needs) <= _FILLER


_FILLER = frozenset({"number", "date"})  # words an ``only`` heading may still carry


def _h(rank: int, needs: str, forbids: str = "", only: bool = False) -> Heading:
    return Heading(rank, frozenset(needs.split()), frozenset(forbids.split()), only)


@dataclass(frozen=True, slots=True)
class Field:
    """One column of an authorization log: the one place its header, attributes and words live.

    ``header`` is the canonical workbook's (None: a column only a practice's log has), ``extra``
    whether it comes after DESIGN.md's columns; ``copied`` the authorization attribute a row's
    cell is copied into as it is (``blank`` for an empty cell); ``words`` the attributes the
    column holds and how a change to them is said; ``errors`` the attributes (the
    authorization's, or its client's) whose validation problems are said at this column;
    ``cell`` the parser of its cells; ``headings`` the ways practices' logs head it (the
    canonical ``header`` is read as one of them); ``style`` how a practice's log's cell is
    compared and written back.
    """

    col: Col
    header: str | None
    cell: Cell
    headings: tuple[Heading, ...] = ()
    extra: bool = False
    copied: str | None = None
    blank: Any = None
    words: tuple[tuple[str, str], ...] = ()
    errors: tuple[str, ...] = ()
    style: Style | None = None
    about_auth: bool = False  # a value here says the row is about an authorization


_F = Field
# DESIGN.md's Authorizations sheet, in this order, then the columns that keep the rest of an
# authorization so that export -> import reproduces it.
FIELDS: tuple[Field, ...] = (
    _F(
        Col.CLIENT_ID,
        "Client ID",
        Cell.ID,
        headings=(
            _h(360, "client id"),
            _h(370, "client number"),
            _h(380, "chart"),
            _h(390, "account"),
            _h(400, "record number"),
            _h(410, "id", only=True),
        ),
        words=(("client_id", "client id"),),
        errors=("client_id",),
    ),
    _F(
        Col.NAME,
        "Client Name",
        Cell.TEXT,
        headings=(
            _h(420, "client", "payer insurance clinician status"),
            _h(430, "name", "payer insurance clinician member procedure code service"),
        ),
        errors=("client", "last_name", "first_name"),
    ),
    _F(
        Col.FIRST,
        None,
        Cell.TEXT,
        headings=(_h(330, "first", "visit date"),),
        words=(("first_name", "first name"),),
    ),
    _F(
        Col.LAST,
        None,
        Cell.TEXT,
        headings=(_h(340, "last name"), _h(350, "last", only=True)),
        words=(("last_name", "last name"),),
    ),
    _F(
        Col.DOB,
        "Date of Birth",
        Cell.BIRTH,
        headings=(_h(290, "birth"),),
        words=(("dob", "date of birth"),),
        errors=("dob",),
        style=Style.DATE,
    ),
    _F(
        Col.PAYER,
        "Payer",
        Cell.TEXT,
        headings=(_h(560, "payer"), _h(570, "insurance")),
        words=(("insurances", "insurances"),),
        errors=("payer", "insurances"),
    ),
    _F(
        Col.MEMBER_ID,
        "Member ID",
        Cell.ID,
        headings=(_h(440, "member"), _h(450, "insurance id"), _h(460, "insurance number")),
    ),
    _F(
        Col.PRIORITY,
        "Priority",
        Cell.PRIORITY,
        headings=(_h(510, "priority"), _h(520, "primary secondary"), _h(530, "coverage order")),
    ),
    _F(
        Col.AUTH_NUMBER,
        "Auth Number",
        Cell.ID,
        headings=(
            _h(470, "authorization number"),
            _h(480, "authorization id"),
            _h(490, "authorization code"),
            _h(500, "authorization", "status date", only=True),
        ),
        copied="auth_number",
        blank="",
        words=(("auth_number", "auth number"),),
        errors=("auth_number",),
        about_auth=True,
    ),
    _F(
        Col.CODES,
        "Procedure Codes",
        Cell.CODES,
        headings=(_h(580, "code"), _h(590, "procedure"), _h(600, "service", "date")),
        words=(("procedure_codes", "codes"),),
        errors=("procedure_codes",),
        about_auth=True,
    ),
    _F(
        Col.START,
        "Start Date",
        Cell.DATE,
        headings=(_h(310, "start", "requested"),),
        words=(("start_date", "start"),),
        errors=("start_date",),
        style=Style.DATE,
        about_auth=True,
    ),
    _F(
        Col.END,
        "End Date",
        Cell.DATE,
        headings=(_h(320, "end"),),
        words=(("end_date", "end"),),
        errors=("end_date",),
        style=Style.DATE,
        about_auth=True,
    ),
    _F(
        Col.PERIOD, None, Cell.PERIOD, headings=(_h(300, "period"),), about_auth=True
    ),  # one cell holding "start - end"
    _F(
        Col.UNITS_AUTH,
        "Units Authorized",
        Cell.UNITS,
        headings=(
            _h(250, "unit", "date start end"),
            _h(260, "hour", "date start end"),
            _h(660, "authorized", only=True),
        ),
        copied="units_authorized",
        words=(("units_authorized", "units authorized"),),
        errors=("units_authorized",),
        style=Style.COUNT,
        about_auth=True,
    ),
    _F(
        Col.UNITS_USED,
        "Units Used",
        Cell.UNITS,
        headings=(_h(180, "unit used"), _h(220, "hour used"), _h(270, "used")),
        words=(("carried_units_used", "units used (from the log)"),),
        errors=("carried_units_used",),
        style=Style.COUNT,
        about_auth=True,
    ),
    _F(
        Col.UNITS_LEFT,
        "Units Remaining",
        Cell.UNITS_LEFT,
        headings=(_h(200, "unit remaining"), _h(230, "hour remaining"), _h(280, "remaining")),
        style=Style.COUNT,
    ),
    _F(
        Col.VISITS_AUTH,
        "Visits Authorized",
        Cell.VISITS,
        headings=(_h(240, "visit", "last next first date start end"),),
        copied="visits_authorized",
        words=(("visits_authorized", "visits authorized"),),
        errors=("visits_authorized",),
        style=Style.COUNT,
        about_auth=True,
    ),
    _F(
        Col.VISITS_USED,
        "Visits Used",
        Cell.VISITS,
        headings=(_h(190, "visit used"),),
        words=(("carried_visits_used", "visits used (from the log)"),),
        errors=("carried_visits_used",),
        style=Style.COUNT,
        about_auth=True,
    ),
    _F(
        Col.VISITS_LEFT,
        "Visits Remaining",
        Cell.VISITS_LEFT,
        headings=(_h(210, "visit remaining"),),
        style=Style.COUNT,
    ),
    _F(
        Col.ACTIVE,
        "Active",
        Cell.YES_NO,
        headings=(_h(620, "active"),),
        words=(("active", "active"),),
        errors=("active",),
        style=Style.FLAG,
    ),
    _F(
        Col.CONFIRMED,
        "Confirmed",
        Cell.CONFIRMATION,
        headings=(_h(140, "billing"), _h(630, "confirmed")),
        style=Style.FLAG,
    ),
    _F(
        Col.REMINDER,
        "Reminder Days",
        Cell.REMINDER,
        headings=(_h(640, "reminder"),),
        copied="reminder_days",
        words=(("reminder_days", "reminder days"),),
        errors=("reminder_days",),
        style=Style.COUNT,
    ),
    _F(Col.NOTES, "Notes", Cell.TEXT, headings=(_h(10, "note"),), copied="notes", blank=""),
    _F(
        Col.STATUS,
        "Status",
        Cell.STATUS,
        headings=(_h(610, "status", "client"),),
        words=(("status", "status"),),
        errors=("status",),
        about_auth=True,
    ),
    _F(
        Col.REQUESTED_ON,
        "Requested On",
        Cell.DATE,
        headings=(_h(130, "requested", "status"),),
        copied="requested_on",
        words=(("requested_on", "requested on"),),
        style=Style.DATE,
        about_auth=True,
    ),
    _F(
        Col.PAYER_REF,
        "Payer Reference",
        Cell.TEXT,
        headings=(_h(540, "reference"), _h(550, "call")),
        copied="payer_reference",
        blank="",
        words=(("payer_reference", "payer reference"),),
    ),
    _F(Col.CLINICIAN, "Clinician", Cell.TEXT, headings=(_h(650, "clinician"),)),
    _F(
        Col.FOLLOW_UP,
        "Follow-up On",
        Cell.DATE,
        headings=(_h(120, "follow"),),
        extra=True,
        copied="follow_up_on",
        words=(("follow_up_on", "follow-up"),),
        style=Style.DATE,
    ),
    _F(
        Col.CAP,
        "Cap",
        Cell.CAP,
        headings=(_h(150, "cap"), _h(160, "week"), _h(170, "month")),
        extra=True,
        words=(("cap_amount", "cap"), ("cap_period", "cap per"), ("cap_measure", "cap measures")),
        errors=("cap_amount", "cap_period"),
    ),
    _F(
        Col.CONFIRMED_BY,
        "Confirmed By",
        Cell.TEXT,
        headings=(_h(90, "confirmed by"),),
        extra=True,
        words=(("confirmed_by", "confirmed by"),),
    ),
    _F(
        Col.CONFIRMED_AT,
        "Confirmed At",
        Cell.TIMESTAMP,
        headings=(_h(100, "confirmed at"), _h(110, "confirmed on")),
        extra=True,
        words=(("confirmed_at", "confirmed at"),),
    ),
    # what the Units columns count: Units, or Hours (which keep their fractions)
    _F(
        Col.MEASURE,
        "Measure",
        Cell.MEASURE,
        headings=(_h(20, "measure"),),
        extra=True,
        copied="measure",
        blank=LineMeasure.UNITS,
    ),
    # the service named in words the codes were given as ("Personal Care"), if any
    _F(
        Col.GROUP,
        "Procedure Group",
        Cell.GROUP,
        headings=(
            _h(30, "procedure group", "number"),
            _h(40, "service group", "number"),
            _h(50, "authorization group", "number"),
            _h(60, "service type", "code"),
            _h(70, "service name", "code"),
            _h(80, "service description", "code"),
        ),
        extra=True,
        copied="group",
        blank="",
        about_auth=True,
    ),
)
assert {f.col for f in FIELDS} == set(Col), "every column has its entry"

AUTH_HEADERS: list[tuple[str, Col]] = [
    (f.header, f.col) for f in FIELDS if f.header is not None and not f.extra
]
AUTH_EXTRA_HEADERS: list[tuple[str, Col]] = [
    (f.header, f.col) for f in FIELDS if f.header is not None and f.extra
]
# the attributes a log's row gives as its cells are (attribute, column, value for a blank cell)
COPIED: tuple[tuple[str, Col, Any], ...] = tuple(
    (f.copied, f.col, f.blank) for f in FIELDS if f.copied is not None
)
# the columns whose values say a row is about an authorization
ABOUT_AUTH: tuple[Col, ...] = tuple(f.col for f in FIELDS if f.about_auth)
# each column's cell parser (sync.parsing.colparse)
CELLS: dict[Col, Cell] = {f.col: f.cell for f in FIELDS}
# each column's canonical header (the Authorizations and Service Lines sheets')
HEADERS: dict[Col, str] = {f.col: f.header for f in FIELDS if f.header is not None}
# the column a validation problem with an attribute is said at (importer), and an attribute's
# change in words (describe)
# every column's headings, in the order header recognition tries them (first match wins)
HEADING_RULES: tuple[tuple[Heading, Col], ...] = tuple(
    sorted(((h, f.col) for f in FIELDS for h in f.headings), key=lambda hc: hc[0].rank)
)
assert len({h.rank for h, _ in HEADING_RULES}) == len(HEADING_RULES), "heading ranks are unique"
ERROR_COLUMNS: dict[str, Col] = {a: f.col for f in FIELDS for a in f.errors}
WORDS: dict[str, str] = {a: w for f in FIELDS for a, w in f.words}
