"""The fields an authorization log can hold, and the canonical workbook's column headers.

The canonical headers (DESIGN.md, "The canonical workbook") are what ``export`` writes; the header
recognition in :mod:`sync.recognising.headers` reads them back, along with the many names practices
use.
"""

from __future__ import annotations

import enum


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


# DESIGN.md's Authorizations sheet, in this order, then the columns that keep the rest of an
# authorization so that export -> import reproduces it.
AUTH_HEADERS: list[tuple[str, Col]] = [
    ("Client ID", Col.CLIENT_ID),
    ("Client Name", Col.NAME),
    ("Date of Birth", Col.DOB),
    ("Payer", Col.PAYER),
    ("Member ID", Col.MEMBER_ID),
    ("Priority", Col.PRIORITY),
    ("Auth Number", Col.AUTH_NUMBER),
    ("Procedure Codes", Col.CODES),
    ("Start Date", Col.START),
    ("End Date", Col.END),
    ("Units Authorized", Col.UNITS_AUTH),
    ("Units Used", Col.UNITS_USED),
    ("Units Remaining", Col.UNITS_LEFT),
    ("Visits Authorized", Col.VISITS_AUTH),
    ("Visits Used", Col.VISITS_USED),
    ("Visits Remaining", Col.VISITS_LEFT),
    ("Active", Col.ACTIVE),
    ("Confirmed", Col.CONFIRMED),
    ("Reminder Days", Col.REMINDER),
    ("Notes", Col.NOTES),
    ("Status", Col.STATUS),
    ("Requested On", Col.REQUESTED_ON),
    ("Payer Reference", Col.PAYER_REF),
    ("Clinician", Col.CLINICIAN),
]
# Columns authtrack's own export works out from the data (the notifications' words) and never
# reads back: an import of the export passes them over without a warning.
ATTENTION_HEADER = "Attention"
DERIVED_HEADERS = frozenset({ATTENTION_HEADER})

AUTH_EXTRA_HEADERS: list[tuple[str, Col]] = [
    ("Follow-up On", Col.FOLLOW_UP),
    ("Cap", Col.CAP),
    ("Confirmed By", Col.CONFIRMED_BY),
    ("Confirmed At", Col.CONFIRMED_AT),
    # what the Units columns count: Units, or Hours (which keep their fractions)
    ("Measure", Col.MEASURE),
    # the service named in words the codes were given as ("Personal Care"), if any
    ("Procedure Group", Col.GROUP),
]

AUTH_SHEET = "Authorizations"
CLIENTS_SHEET = "Clients"
COVERAGES_SHEET = "Coverages"
SERVICES_SHEET = "Services"
PAYERS_SHEET = "Payers"
GROUPS_SHEET = "Procedure Groups"
SERVICE_LINES_SHEET = "Service Lines"

PRIORITIES = ("Primary", "Secondary", "Tertiary")

CLIENT_HEADERS: list[str] = [
    "Client ID",
    "Last Name",
    "First Name",
    "Date of Birth",
    "Clinician",
    "Status",
    "Notes",
    *(f"{p} {what}" for p in PRIORITIES for what in ("Payer", "Member ID", "Prior Auth Required")),
]
# one row per coverage (client insurance), past ones too; then the fields beyond the design's
COVERAGE_HEADERS: list[str] = [
    "Client ID",
    "Payer",
    "Priority",
    "Member ID",
    "Group",
    "Prior Auth Required",
    "Start",
    "End",
    "Subscriber",
    "Relationship",
]
SERVICE_HEADERS: list[str] = [
    "Client ID",
    "Client Name",
    "Date of Service",
    "Payer",
    "Procedure Code",
    "Units",
    "Auth Number",
    "Counted Against",  # "automatic" or "pinned" (chosen by hand)
    "Recorded By",
    "Note",
]
# after these, in this order (an older export without them still imports: kept, manual)
SERVICE_EXTRA_HEADERS: list[str] = [
    "Status",
    "Time",
    "Provider",
    "Appointment ID",
    "Source",
    "Override Reason",
]
# one row per service line of each authorization (DESIGN.md), found by client, number, payer
# and start; then the fields beyond the design's (a line's procedure group, units or hours)
SERVICE_LINE_HEADERS: list[str] = [
    "Client ID",
    "Auth Number",
    "Payer",
    "Start Date",
    "Procedure Codes",
    "Units Authorized",
    "Units Used",
    "Units Remaining",
    "Visits Authorized",
    "Visits Used",
    "Visits Remaining",
    "Cap",
]
SERVICE_LINE_EXTRA_HEADERS: list[str] = ["Procedure Group", "Measure"]
PAYER_HEADERS: list[str] = ["Payer", "Prior Auth Required", "Turnaround Days", "Notes"]
PAYER_EXTRA_HEADERS: list[str] = ["Outside Authorization"]  # allow / warn / block
GROUP_HEADERS: list[str] = ["Procedure Group", "Codes"]


def column_letter(number: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
