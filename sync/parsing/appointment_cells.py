"""The cells of an appointment list: status, time of day, date of service (day-first when asked),
duration in minutes and the units it bills.

**Minutes to units**: 15-minute units by the CMS 8-minute rule — 8 to 22 minutes is 1 unit, 23 to
37 is 2, and so on; under 8 minutes bills no unit (:data:`UNIT_MINUTES`, :data:`MIN_MINUTES`).
The rule is for timed codes (97153, H2019...): a psychotherapy or evaluation code billed once per
session (:data:`SESSION_CODES`: 90837 is "60 minutes", one unit) bills one unit for its session,
however long — its length chose the code, not the units.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from priorauth.model import ServiceStatus
from sync.parsing import cells, dates

UNIT_MINUTES = 15  # one unit of a timed code
MIN_MINUTES = 8  # the CMS 8-minute rule: a unit needs at least 8 minutes
# CPT codes reported once per session (psychiatric evaluation, psychotherapy, family and group
# psychotherapy, crisis's first hour): a session is one unit whatever its minutes
SESSION_CODES = frozenset({
    "90791", "90792", "90832", "90833", "90834", "90836", "90837",
    "90838", "90839", "90845", "90846", "90847", "90849", "90853",
})  # fmt: skip


# --- cells --------------------------------------------------------------------------------------

_STATUS_WORDS: dict[str, ServiceStatus] = {}
for _status, _texts in {
    ServiceStatus.KEPT: "kept|show|showed|shown|arrived|attended|present|seen|done|billed",
    ServiceStatus.COMPLETED: "completed|complete|signed|note signed|closed|finished",
    ServiceStatus.CHECKED_OUT: "checked out|checkout|check out|checked-out",
    ServiceStatus.SCHEDULED: "scheduled|booked|confirmed|pending|upcoming|open|unconfirmed|"
    "checked in|in session|in progress|not yet|tentative",
    ServiceStatus.CANCELLED: "cancelled|canceled|cancel|cancellation|client cancelled|"
    "client canceled|provider cancelled|provider canceled|therapist cancelled|cx|void|deleted",
    ServiceStatus.NO_SHOW: "no show|noshow|no-show|dna|did not attend|missed|absent|ns",
    ServiceStatus.LATE_CANCEL: "late cancel|late cancelled|late canceled|late cancellation|lc|"
    "late cx|late-cancel",
    ServiceStatus.RESCHEDULED: "rescheduled|reschedule|moved",
}.items():
    for _text in _texts.split("|"):
        _STATUS_WORDS[_text] = _status
_STATUS_HINT = (
    "kept, completed, checked out, scheduled, cancelled, no-show, late cancel or rescheduled"
)


def status(value: Any) -> ServiceStatus | None:
    """A status cell; None when blank (kept if past, scheduled if future)."""
    s = " ".join(re.sub(r"[_/]+", " ", cells.text(value).lower()).split()).strip(" .")
    if s in dates.BLANK_WORDS:
        return None
    found = _STATUS_WORDS.get(s) or _STATUS_WORDS.get(s.replace("-", " "))
    if found is None:
        for text, candidate in _STATUS_WORDS.items():
            if len(text) > 3 and " " in text and text in s:  # "Late Cancel (24h)"
                return candidate
        raise dates.CellError(f"{dates.quoted(value)} is not a status; use {_STATUS_HINT}.")
    return found


_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*([ap])?\.?\s*m?\.?\b", re.I)
_HOUR = re.compile(r"\b(\d{1,2})()\s*([ap])\.?m\.?(?![a-z])", re.I)  # "9am", "2 p.m."
_DMY = re.compile(r"^\s*(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})\b(.*)$")


def time_of(value: Any) -> str:
    """ "HH:MM" from a time cell, a date-and-time cell, a fraction of a day or text; "" when
    the value holds no time."""
    t = type(value)
    if t is dt.datetime:
        return f"{value.hour:02d}:{value.minute:02d}" if (value.hour or value.minute) else ""
    if t is dt.time:
        return f"{value.hour:02d}:{value.minute:02d}"
    if t is dt.timedelta:
        minutes = int(value.total_seconds() // 60) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if t is float or t is int:
        fraction = value % 1
        if not fraction:
            return ""
        minutes = round(fraction * 24 * 60) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if t is str:
        m = _TIME.search(value) or _HOUR.search(value)
        if m is None:  # (a date's text, or no time at all)
            return ""
        hour, minute, half = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
        if half == "p" and hour < 12:
            hour += 12
        elif half == "a" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            raise dates.CellError(
                f"{dates.quoted(value)} is not a time of day; write it like 14:30."
            )
        return f"{hour:02d}:{minute:02d}"
    return ""


def service_date(value: Any, epoch_1904: bool, day_first: bool) -> dt.date | None:
    """A date of service (a date-and-time cell gives its date); ``day_first`` reads text like
    31/03/2026 day-first."""
    if type(value) is str:
        text = value.strip()
        m = _TIME.search(text)
        if m and m.start() > 0:  # "03/31/2026 9:00 AM": the date before the time
            text = text[: m.start()].strip().rstrip(",T").strip()
        if day_first:
            d = _DMY.match(text)
            if d:
                text = f"{d.group(3)}/{d.group(1)}/{d.group(4)}{d.group(5)}"
        return dates.date(text, epoch_1904)
    return dates.date(value, epoch_1904)


_MINUTES = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:m|min|mins|minutes?)?$")
_HOURS = re.compile(
    r"^(?:(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hours?))\s*(?:(\d+)\s*(?:m|min|mins|minutes?))?$"
)


def minutes(value: Any) -> int | None:
    """A duration in minutes: 53, "53 min", "1:00", "1h 30m", a time-formatted cell."""
    t = type(value)
    if t is dt.timedelta:
        return round(value.total_seconds() / 60)
    if t is dt.time:
        return value.hour * 60 + value.minute
    if t is float or t is int:
        if value < 0:
            raise dates.CellError(f"{dates.quoted(value)} minutes is below zero.")
        return round(value * 24 * 60) if 0 < value < 1 else round(value)
    s = cells.text(value).lower()
    if s in dates.BLANK_WORDS:
        return None
    m = _MINUTES.match(s)
    if m:
        return round(float(m.group(1)))
    m = re.match(r"^(\d{1,2}):(\d{2})(?::\d{2})?$", s)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2))
    m = _HOURS.match(s)
    if m:
        return round(float(m.group(1)) * 60) + int(m.group(2) or 0)
    raise dates.CellError(f"{dates.quoted(value)} is not a duration; write minutes like 53.")


def units_from_minutes(total: int, code: str = "") -> int:
    """The units ``total`` minutes of ``code`` bill: one for a session code's session, else
    15-minute units by the CMS 8-minute rule (see the module docstring); 0 under 8 minutes."""
    if code.split("-")[0] in SESSION_CODES:
        return 1 if total >= MIN_MINUTES else 0
    return (total + UNIT_MINUTES - MIN_MINUTES) // UNIT_MINUTES
