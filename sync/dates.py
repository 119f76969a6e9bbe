"""Dates as logs hold them: real date cells, Excel serial numbers (1900 or 1904 system), and text
in the common US formats, ISO and with month names; a "start - end" range in one cell.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
_MIN_YEAR, _MAX_YEAR = 1900, 2199
BLANK_WORDS = frozenset({"", "-", "--", "—", "–", "n/a", "na", "none", "null", "tbd", "?", "#n/a"})
_BLANKS = BLANK_WORDS  # what people write in a cell to mean "nothing here"
_OPEN_ENDED = frozenset({"open", "open-ended", "ongoing", "no end", "indefinite", "continuous"})
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_US = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}.*)?$")
_COMPACT = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})$")
_NAMED_MDY = re.compile(r"^([a-z]{3,9})\.?[-\s]+(\d{1,2})(?:st|nd|rd|th)?,?[-\s]+(\d{2}|\d{4})$")
_NAMED_DMY = re.compile(r"^(\d{1,2})[-\s]+([a-z]{3,9})\.?,?[-\s]+(\d{2}|\d{4})$")
_RANGE_SPLIT = re.compile(r"\s+(?:-|–|—|to|thru|through|until)\s+|\s*[–—]\s*")

DATE_HINT = "write dates like 03/31/2025"


class CellError(ValueError):
    """A cell's value cannot be used; ``str()`` says why in plain words."""


def quoted(value: Any) -> str:
    """The value as shown in messages: "abc" for text, 12.5 for numbers."""
    if isinstance(value, str):
        return f'"{value.strip()}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.timedelta):
        return "a duration"
    if isinstance(value, dt.time):
        return f"the time {value:%H:%M}"
    return str(value)


def is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def _year(y: str) -> int:
    year = int(y)
    if len(y) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make(year: int, month: int, day: int, raw: Any) -> dt.date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise CellError(f"{quoted(raw)} is not a date; {DATE_HINT}.")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{quoted(raw)} is not a real date; {DATE_HINT}.") from None


def from_serial(serial: float, epoch_1904: bool, raw: Any = None) -> dt.date:
    """An Excel date serial number as a date (1900 or 1904 date system)."""
    days = int(serial)
    if epoch_1904:
        base = _EPOCH_1904
    else:
        if days < 1:
            raise CellError(f"{quoted(raw if raw is not None else serial)} is not a date.")
        base = _EPOCH_1900 if days >= 61 else dt.date(1899, 12, 31)  # Excel's 1900 leap bug
    try:
        day = base + dt.timedelta(days=days)
    except OverflowError:
        day = dt.date.max
    if not _MIN_YEAR <= day.year <= _MAX_YEAR:
        raise CellError(
            f"{quoted(raw if raw is not None else serial)} is not a date (as a date serial "
            f"number it would be the year {day.year}); {DATE_HINT}."
        )
    return day


def date(value: Any, epoch_1904: bool = False) -> dt.date | None:
    """A date from a real date cell, a serial number, or text (US formats and ISO)."""
    t = type(value)
    if t is dt.date:
        return value
    if t is dt.datetime:
        return value.date()
    if t is str:
        return _date_text(value, epoch_1904)
    if value is None:
        return None
    if t is float or t is int:
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"{quoted(value)} is not a date; {DATE_HINT}.")
        return from_serial(value, epoch_1904, value)
    if isinstance(value, dt.timedelta | dt.time):
        raise CellError(f"{quoted(value)} is not a date; {DATE_HINT}.")
    if isinstance(value, bool):
        raise CellError(f"{quoted(value)} is not a date; {DATE_HINT}.")
    raise CellError(f"{quoted(value)} is not a date; {DATE_HINT}.")


def birth_date(value: Any, epoch_1904: bool = False) -> dt.date | None:
    """A date of birth: as :func:`date`, but a two-digit year is never in the future ("6/25/58"
    is 1958, where a start date "6/25/58" would be 2058)."""
    day = date(value, epoch_1904)
    if (
        day is not None
        and type(value) is str
        and day.year > dt.date.today().year
        and str(day.year) not in value
    ):
        try:
            return day.replace(year=day.year - 100)
        except ValueError:  # 29 February in a year 100 earlier that is not a leap year
            return day.replace(year=day.year - 100, day=28)
    return day


def _date_text(value: str, epoch_1904: bool) -> dt.date | None:
    s = value.strip().lower()
    if s in _BLANKS or s in _OPEN_ENDED:
        return None
    m = _US.match(s)
    if m:
        return _make(_year(m.group(3)), int(m.group(1)), int(m.group(2)), value)
    m = _ISO.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    m = _COMPACT.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    m = _NAMED_MDY.match(s)
    if m and m.group(1) in _MONTHS:
        return _make(_year(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)), value)
    m = _NAMED_DMY.match(s)
    if m and m.group(2) in _MONTHS:
        return _make(_year(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)), value)
    if s.isdigit() and 4 <= len(s) <= 6:  # a serial number stored as text
        return from_serial(int(s), epoch_1904, value)
    raise CellError(f"{quoted(value)} is not a date; {DATE_HINT}.")


def period(value: Any, epoch_1904: bool = False) -> tuple[dt.date | None, dt.date | None]:
    """ "01/01/2025 - 06/30/2025" (or "to", "thru") as (start, end)."""
    if is_blank(value):
        return None, None
    if not isinstance(value, str):
        return date(value, epoch_1904), None
    parts = [p for p in _RANGE_SPLIT.split(value.strip()) if p.strip()]
    if len(parts) == 1 and value.count("-") in (1, 5):  # "1/1/25-6/30/25", ISO "2025-01-01-..."
        head, _, tail = value.strip().rpartition("-") if value.count("-") == 1 else ("", "", "")
        if head and "/" in head:
            parts = [head, tail]
        elif value.count("-") == 5:
            pieces = value.strip().split("-")
            parts = ["-".join(pieces[:3]), "-".join(pieces[3:])]
    if len(parts) != 2:
        raise CellError(
            f'{quoted(value)} is not a date range; write it like "01/01/2025 - 06/30/2025".'
        )
    return date(parts[0], epoch_1904), date(parts[1], epoch_1904)
