"""The one table of an authorization log's columns (:data:`FIELDS`), and what is derived from it.

Each column's entry says its canonical header (DESIGN.md, "The canonical workbook": what
``export`` writes) and whether it is one of the design's or an extra one, the parser of its
cells, the authorization attribute a row's cell is copied into (and its value for a blank cell),
the attributes it holds in words (``--dry-run``, the import summary), the attributes whose
validation problems are said at it, and its style in a practice's own log (write-back). The rest
of ``sync`` asks the lookups below, built once at import: header lists, colparse's column sets,
drafts' copied fields, describe's words, the importer's error columns, styled's column styles.
The header recognition (:mod:`sync.recognising.headers`) keeps its own rules: one list in order
of precedence across columns ("Units Used" before "Units"), which a per-column table cannot say.
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
class Field:
    """One column of an authorization log: the one place its header, attributes and words live.

    ``header`` is the canonical workbook's (None: a column only a practice's log has), ``extra``
    whether it comes after DESIGN.md's columns; ``copied`` the authorization attribute a row's
    cell is copied into as it is (``blank`` for an empty cell); ``words`` the attributes the
    column holds and how a change to them is said; ``errors`` the attributes (the
    authorization's, or its client's) whose validation problems are said at this column;
    ``cell`` the parser of its cells; ``style`` how a practice's log's cell is compared and
    written back.
    """

    col: Col
    header: str | None
    cell: Cell
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
        words=(("client_id", "client id"),),
        errors=("client_id",),
    ),
    _F(Col.NAME, "Client Name", Cell.TEXT, errors=("client", "last_name", "first_name")),
    _F(Col.FIRST, None, Cell.TEXT, words=(("first_name", "first name"),)),
    _F(Col.LAST, None, Cell.TEXT, words=(("last_name", "last name"),)),
    _F(
        Col.DOB,
        "Date of Birth",
        Cell.BIRTH,
        words=(("dob", "date of birth"),),
        errors=("dob",),
        style=Style.DATE,
    ),
    _F(
        Col.PAYER,
        "Payer",
        Cell.TEXT,
        words=(("insurances", "insurances"),),
        errors=("payer", "insurances"),
    ),
    _F(Col.MEMBER_ID, "Member ID", Cell.ID),
    _F(Col.PRIORITY, "Priority", Cell.PRIORITY),
    _F(
        Col.AUTH_NUMBER,
        "Auth Number",
        Cell.ID,
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
        words=(("procedure_codes", "codes"),),
        errors=("procedure_codes",),
        about_auth=True,
    ),
    _F(
        Col.START,
        "Start Date",
        Cell.DATE,
        words=(("start_date", "start"),),
        errors=("start_date",),
        style=Style.DATE,
        about_auth=True,
    ),
    _F(
        Col.END,
        "End Date",
        Cell.DATE,
        words=(("end_date", "end"),),
        errors=("end_date",),
        style=Style.DATE,
        about_auth=True,
    ),
    _F(Col.PERIOD, None, Cell.PERIOD, about_auth=True),  # one cell holding "start - end"
    _F(
        Col.UNITS_AUTH,
        "Units Authorized",
        Cell.UNITS,
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
        words=(("carried_units_used", "units used (from the log)"),),
        errors=("carried_units_used",),
        style=Style.COUNT,
        about_auth=True,
    ),
    _F(Col.UNITS_LEFT, "Units Remaining", Cell.UNITS_LEFT, style=Style.COUNT),
    _F(
        Col.VISITS_AUTH,
        "Visits Authorized",
        Cell.VISITS,
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
        words=(("carried_visits_used", "visits used (from the log)"),),
        errors=("carried_visits_used",),
        style=Style.COUNT,
        about_auth=True,
    ),
    _F(Col.VISITS_LEFT, "Visits Remaining", Cell.VISITS_LEFT, style=Style.COUNT),
    _F(
        Col.ACTIVE,
        "Active",
        Cell.YES_NO,
        words=(("active", "active"),),
        errors=("active",),
        style=Style.FLAG,
    ),
    _F(Col.CONFIRMED, "Confirmed", Cell.CONFIRMATION, style=Style.FLAG),
    _F(
        Col.REMINDER,
        "Reminder Days",
        Cell.REMINDER,
        copied="reminder_days",
        words=(("reminder_days", "reminder days"),),
        errors=("reminder_days",),
        style=Style.COUNT,
    ),
    _F(Col.NOTES, "Notes", Cell.TEXT, copied="notes", blank=""),
    _F(
        Col.STATUS,
        "Status",
        Cell.STATUS,
        words=(("status", "status"),),
        errors=("status",),
        about_auth=True,
    ),
    _F(
        Col.REQUESTED_ON,
        "Requested On",
        Cell.DATE,
        copied="requested_on",
        words=(("requested_on", "requested on"),),
        style=Style.DATE,
        about_auth=True,
    ),
    _F(
        Col.PAYER_REF,
        "Payer Reference",
        Cell.TEXT,
        copied="payer_reference",
        blank="",
        words=(("payer_reference", "payer reference"),),
    ),
    _F(Col.CLINICIAN, "Clinician", Cell.TEXT),
    _F(
        Col.FOLLOW_UP,
        "Follow-up On",
        Cell.DATE,
        extra=True,
        copied="follow_up_on",
        words=(("follow_up_on", "follow-up"),),
        style=Style.DATE,
    ),
    _F(
        Col.CAP,
        "Cap",
        Cell.CAP,
        extra=True,
        words=(("cap_amount", "cap"), ("cap_period", "cap per"), ("cap_measure", "cap measures")),
        errors=("cap_amount", "cap_period"),
    ),
    _F(
        Col.CONFIRMED_BY,
        "Confirmed By",
        Cell.TEXT,
        extra=True,
        words=(("confirmed_by", "confirmed by"),),
    ),
    _F(
        Col.CONFIRMED_AT,
        "Confirmed At",
        Cell.TIMESTAMP,
        extra=True,
        words=(("confirmed_at", "confirmed at"),),
    ),
    # what the Units columns count: Units, or Hours (which keep their fractions)
    _F(Col.MEASURE, "Measure", Cell.MEASURE, extra=True, copied="measure", blank=LineMeasure.UNITS),
    # the service named in words the codes were given as ("Personal Care"), if any
    _F(
        Col.GROUP,
        "Procedure Group",
        Cell.GROUP,
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
ERROR_COLUMNS: dict[str, Col] = {a: f.col for f in FIELDS for a in f.errors}
WORDS: dict[str, str] = {a: w for f in FIELDS for a, w in f.words}
