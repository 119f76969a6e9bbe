"""Turn raw cell values (as calamine gives them) into typed values, or say plainly what is wrong.

Every parser takes one raw value and returns the typed value (None for blank) or raises
:class:`CellError` whose message describes the problem in words a receptionist understands; the
caller adds the sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from priorauth import grammar
from priorauth.grammar import GrammarError, UnknownValue
from priorauth.model import CapMeasure, CapPeriod, LineMeasure, Priority, RequestStatus
from priorauth.safetext import cleaned
from sync.parsing.dates import (
    BLANK_WORDS,
    DATE_HINT,
    CellError,
    NeedsYear,
    ReadWithNote,
    birth_date,
    date,
    from_serial,
    is_blank,
    period,
    quoted,
)

# the date parsers live in sync.parsing.dates; they are part of this module's interface too
__all__ = ["BLANK_WORDS", "DATE_HINT", "CellError", "date", "from_serial", "is_blank", "period"]
__all__ += ["NeedsYear", "ReadWithNote", "birth_date", "quoted"]

_BLANKS = BLANK_WORDS

_CAP = re.compile(
    r"^(\d+(?:\.\d+)?)\s*(units?|visits?|sessions?|hrs?|hours?)?\s*(?:per|/|a|an|each|every|x)?"
    r"\s*(week|wk|w|weekly|month|mo|m|monthly)$"
)


# --- text ---------------------------------------------------------------------------------------


def text(value: Any) -> str:
    """Text as typed, trimmed, without control characters (a workbook's ``_x001B_`` is a real ESC
    by now: see :mod:`priorauth.safetext`); numbers without a needless ".0" (member ids typed as
    numbers)."""
    if type(value) is str:
        return cleaned(value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return f"{value:%m/%d/%Y}" if not (value.hour or value.minute) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return f"{value:%m/%d/%Y}"
    return str(value).strip()


def identifier(value: Any) -> str:
    """An id or number column: text, blank for "n/a"-style placeholders."""
    out = text(value)
    return "" if out.lower() in _BLANKS else out


def identifiers(values: Collection[Any]) -> dict[Any, str]:
    """:func:`identifier` of each of ``values`` (distinct), as {value: id}: a column of printable
    texts (an appointment list's 100,000 appointment ids) at C speed, the others one by one."""
    if set(map(type, values)) != {str} or not "".join(values).isprintable():
        return {value: identifier(value) for value in values}
    found = dict(zip(values, map(str.strip, values), strict=True))  # (cleaned(): as they are)
    if not _BLANKS.isdisjoint(map(str.lower, found.values())):  # a placeholder among them
        return {value: "" if out.lower() in _BLANKS else out for value, out in found.items()}
    return found


def timestamp(value: Any, epoch_1904: bool = False) -> str:
    """A recorded moment (Confirmed At): a date-time cell is UTC, as authtrack writes it, and
    comes back as the ISO text authtrack stores; other text is kept as recorded."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif type(value) in (int, float) and not isinstance(value, bool):
        base = dt.datetime(1904, 1, 1) if epoch_1904 else dt.datetime(1899, 12, 30)
        moment = base + dt.timedelta(days=float(value))
    else:
        return text(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    whole = moment.replace(microsecond=0)
    if moment.microsecond >= 500_000:  # a spreadsheet keeps time as a fraction of a day
        whole += dt.timedelta(seconds=1)
    return whole.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


# an authorization number not issued yet: what the log writes instead, and the request's status
NUMBER_PLACEHOLDERS = {
    "pending": RequestStatus.PENDING,
    "in review": RequestStatus.PENDING,
    "requested": RequestStatus.REQUESTED,
    "applied": RequestStatus.REQUESTED,
    "applied for": RequestStatus.REQUESTED,
    "submitted": RequestStatus.REQUESTED,
    "tbd": RequestStatus.REQUESTED,
    "tba": RequestStatus.REQUESTED,
    "n/a": RequestStatus.REQUESTED,
    "na": RequestStatus.REQUESTED,
    "?": RequestStatus.REQUESTED,
    "none yet": RequestStatus.REQUESTED,
}


def number_placeholder(value: Any) -> RequestStatus | None:
    """The request status an auth-number placeholder ("pending", "TBD", "?") stands for."""
    if type(value) is not str:
        return None
    return NUMBER_PLACEHOLDERS.get(" ".join(value.strip().lower().split()))


# --- numbers ------------------------------------------------------------------------------------


def remaining(value: Any, what: str = "units", fractions: bool = False) -> float | None:
    """A Remaining count: below zero is over-utilization, which logs do show."""
    t = type(value)
    if (t is float or t is int) and value < 0:
        return -count(-value, what, fractions)  # type: ignore[operator]
    if t is str and value.strip().startswith("-") and value.strip() not in _BLANKS:
        inner = count(value.strip()[1:], what, fractions)
        return None if inner is None else -inner
    return count(value, what, fractions)


class UnknownCount(CellError):
    """A placeholder ("TBD", "see notes") in a count column: the count is not known yet."""


_ONE_NUMBER = re.compile(r"^[^\d-]*?(\d[\d,]*)(?![\d.,]*\d)[^\d]*$")


def count(value: Any, what: str = "units", fractions: bool = False) -> Any:
    """A whole, non-negative count (:func:`priorauth.grammar.count`); blank (and "unlimited")
    is None; a number held as a float must be whole, unless ``fractions`` (hours: 187.5). A
    number with words around it ("20 (renewed)") is read with a note (:class:`ReadWithNote`);
    a placeholder ("TBD") raises :class:`UnknownCount`."""
    t = type(value)
    try:
        if t is float or t is int:
            return grammar.whole(value, what, fractions=fractions)
        if t is str:
            return grammar.count(value, what, fractions=fractions)
    except UnknownValue:
        raise UnknownCount(
            f"{quoted(value)} is not a number of {what} yet: the authorization is kept as "
            f"pending, its {what} unknown (not unlimited)."
        ) from None
    except GrammarError as e:
        m = _ONE_NUMBER.match(value) if t is str else None
        if m is not None and any(c.isalpha() for c in value):
            number = int(m.group(1).replace(",", ""))
            raise ReadWithNote(
                f"{quoted(value)} was read as {number} {what}; the words around it were not "
                "imported.",
                number,
            ) from None
        raise CellError(str(e)) from None
    if value is None:
        return None
    raise CellError(f"{quoted(value)} is not a number of {what}; write a whole number like 24.")


# --- yes / no and choices -----------------------------------------------------------------------

_YES = frozenset({"yes", "y", "true", "t", "x", "1", "✓", "✔", "active", "current", "confirmed"})
_NO = frozenset({"no", "n", "false", "f", "0", "inactive", "not active", "expired", "closed"})


# a Confirmed cell authtrack's own export writes for a confirmation that came from a log
IMPORTED = "Yes (imported)"
_IMPORTED = frozenset({"yes (imported)", "confirmed (imported)", "imported"})


def confirmation(value: Any) -> bool | str | None:
    """A Confirmed cell: True / False / None as :func:`yes_no`, or :data:`IMPORTED` where
    authtrack's export said the confirmation came from a practice's log."""
    if isinstance(value, str) and value.strip().lower() in _IMPORTED:
        return IMPORTED
    return yes_no(value)


def yes_no(value: Any) -> bool | None:
    if value is True or value is False:
        return value
    if type(value) is float or type(value) is int:
        if value in (0, 1):
            return bool(value)
    elif isinstance(value, str):
        s = value.strip().lower()
        if s in _YES:
            return True
        if s in _NO:
            return False
        if s in _BLANKS:
            return None
    elif value is None:
        return None
    raise CellError(f"{quoted(value)} is not Yes or No.")


_PRIORITIES = {
    "primary": Priority.PRIMARY,
    "1": Priority.PRIMARY,
    "1st": Priority.PRIMARY,
    "first": Priority.PRIMARY,
    "p": Priority.PRIMARY,
    "pri": Priority.PRIMARY,
    "secondary": Priority.SECONDARY,
    "2": Priority.SECONDARY,
    "2nd": Priority.SECONDARY,
    "second": Priority.SECONDARY,
    "s": Priority.SECONDARY,
    "sec": Priority.SECONDARY,
    "tertiary": Priority.TERTIARY,
    "3": Priority.TERTIARY,
    "3rd": Priority.TERTIARY,
    "third": Priority.TERTIARY,
    "t": Priority.TERTIARY,
    "ter": Priority.TERTIARY,
}


def priority(value: Any) -> Priority | None:
    s = text(value).lower().rstrip(".")
    if s in _BLANKS:
        return None
    found = _PRIORITIES.get(s)
    if found is None:
        raise CellError(
            f"{quoted(value)} is not an insurance priority; write Primary, Secondary or Tertiary."
        )
    return found


_STATUSES = {
    "approved": RequestStatus.APPROVED,
    "authorized": RequestStatus.APPROVED,
    "auth'd": RequestStatus.APPROVED,
    "granted": RequestStatus.APPROVED,
    "pending": RequestStatus.PENDING,
    "in review": RequestStatus.PENDING,
    "under review": RequestStatus.PENDING,
    "submitted": RequestStatus.PENDING,
    "requested": RequestStatus.REQUESTED,
    "request sent": RequestStatus.REQUESTED,
    "to request": RequestStatus.REQUESTED,
    "denied": RequestStatus.DENIED,
    "rejected": RequestStatus.DENIED,
    "declined": RequestStatus.DENIED,
}
_ACTIVITY = {
    "active": True,
    "current": True,
    "open": True,
    "inactive": False,
    "expired": False,
    "closed": False,
    "ended": False,
    "exhausted": False,
    "discharged": False,
}


def status(value: Any) -> tuple[RequestStatus | None, bool | None]:
    """A Status cell: the request status, or (in many logs) whether the authorization is active."""
    s = text(value).lower()
    if s in _BLANKS:
        return None, None
    if s in _STATUSES:
        return _STATUSES[s], None
    if s in _ACTIVITY:
        return None, _ACTIVITY[s]
    raise CellError(
        f"{quoted(value)} is not a status authtrack knows; use approved, pending, requested or "
        "denied (or active / inactive)."
    )


def reminder(value: Any) -> int | None:
    """Reminder days: a number, "1 month", Yes (30 days) or No / blank (no reminder)."""
    if isinstance(value, str):
        s = value.strip().lower()
        if s in ("yes", "y", "true", "x", "✓"):
            return 30
        if s in ("no", "n", "false") or s in _BLANKS:
            return None
        m = re.match(r"^(\d+)\s*(days?|d|weeks?|wks?|w|months?|mos?|m)$", s)
        if m:
            n, unit = int(m.group(1)), m.group(2)[0]
            return n * {"d": 1, "w": 7, "m": 30}[unit]
    if value is True:
        return 30
    if value is False:
        return None
    return count(value, "reminder days")


def cap(value: Any, period: CapPeriod | None = None) -> tuple[float, CapPeriod, CapMeasure] | None:
    """ "40 units per week", "8 visits/month", "25 hrs/wk" -> (amount, period, measure); a bare
    number (25) in a column whose heading states the ``period`` ("Hrs/Wk", "per week") is that
    many units (or, on an authorization counted in hours, hours) a period."""
    s = text(value).lower()
    if s in _BLANKS:
        return None
    m = _CAP.match(s)
    if m is None and period is not None:
        amount = _bare_cap(value, s)
        if amount is not None:
            return amount, period, CapMeasure.UNITS
    if not m:
        raise CellError(f'{quoted(value)} is not a cap; write it like "40 units per week".')
    measure = CapMeasure.VISITS if (m.group(2) or "u")[0] in "vs" else CapMeasure.UNITS
    per = CapPeriod.WEEK if m.group(3)[0] == "w" else CapPeriod.MONTH
    amount = float(m.group(1))
    amount = int(amount) if amount.is_integer() else amount
    if amount <= 0:
        raise CellError(f"{quoted(value)}: a cap must be above zero.")
    return amount, per, measure


def _bare_cap(value: Any, s: str) -> float | None:
    """The amount of a bare number in a cap column (None when the cell is not one)."""
    try:
        amount = count(value, "units", fractions=True)
    except CellError:
        return None
    if amount is None or amount <= 0:
        return None
    return amount  # type: ignore[no-any-return]


_MEASURES = {
    "units": LineMeasure.UNITS,
    "unit": LineMeasure.UNITS,
    "u": LineMeasure.UNITS,
    "hours": LineMeasure.HOURS,
    "hour": LineMeasure.HOURS,
    "hrs": LineMeasure.HOURS,
    "hr": LineMeasure.HOURS,
    "h": LineMeasure.HOURS,
}


def measure(value: Any) -> LineMeasure | None:
    """A Measure cell: what the Units columns count, Units or Hours (blank: units)."""
    s = text(value).lower().rstrip(".")
    if s in _BLANKS:
        return None
    found = _MEASURES.get(s)
    if found is None:
        raise CellError(f"{quoted(value)} is not a measure; write Units or Hours.")
    return found


def describe_cap(
    amount: float | None, per: CapPeriod | None, measure: CapMeasure, hours: bool = False
) -> str:
    """ "40 units per week"; "25 hours per week" for a cap in units of an authorization counted
    in hours."""
    if amount is None or per is None:
        return ""
    shown = int(amount) if float(amount).is_integer() else amount
    what = "hours" if hours and measure == CapMeasure.UNITS else measure.value
    return f"{shown} {what} per {per.value}"


# --- codes and names ----------------------------------------------------------------------------


def codes(value: Any) -> list[str]:
    """Procedure codes from one cell (:func:`priorauth.grammar.codes`); a number is a code."""
    if type(value) is float and value.is_integer():
        value = str(int(value))
    try:
        return grammar.codes(text(value))
    except GrammarError as e:
        raise CellError(str(e)) from None


def split_name(value: Any) -> tuple[str, str]:
    """(first, last) from "Last, First" or "First Last"."""
    s = " ".join(text(value).split())
    if "," in s:
        last, _, first = s.partition(",")
        return first.strip(), last.strip()
    if " " in s:
        first, _, last = s.rpartition(" ")
        return first.strip(), last.strip()
    return "", s
