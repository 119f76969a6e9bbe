"""The canonical workbook's sheets and column headers.

The Authorizations sheet's columns, and the Service Lines sheet's, come from the field table
(:mod:`sync.recognising.fields`); :class:`Col` is re-exported here for the many readers that
name a column. The header recognition in :mod:`sync.recognising.headers` reads the headers back,
along with the many names practices use.
"""

from __future__ import annotations

from sync.recognising.fields import AUTH_EXTRA_HEADERS as AUTH_EXTRA_HEADERS
from sync.recognising.fields import AUTH_HEADERS as AUTH_HEADERS
from sync.recognising.fields import HEADERS
from sync.recognising.fields import Col as Col

# Columns authtrack's own export works out from the data (the notifications' words) and never
# reads back: an import of the export passes them over without a warning.
ATTENTION_HEADER = "Attention"
DERIVED_HEADERS = frozenset({ATTENTION_HEADER})

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
SERVICE_LINE_COLUMNS: tuple[Col, ...] = (
    Col.CLIENT_ID,
    Col.AUTH_NUMBER,
    Col.PAYER,
    Col.START,
    Col.CODES,
    Col.UNITS_AUTH,
    Col.UNITS_USED,
    Col.UNITS_LEFT,
    Col.VISITS_AUTH,
    Col.VISITS_USED,
    Col.VISITS_LEFT,
    Col.CAP,
)
SERVICE_LINE_HEADERS: list[str] = [HEADERS[c] for c in SERVICE_LINE_COLUMNS]
SERVICE_LINE_EXTRA_HEADERS: list[str] = [HEADERS[Col.GROUP], HEADERS[Col.MEASURE]]
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
