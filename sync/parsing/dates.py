"""Dates as logs hold them: real date cells, Excel serial numbers (1900 or 1904 system), and text
in the common US formats, ISO and with month names; a "start - end" range in one cell.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from priorauth import grammar
from priorauth.grammar import DateOrder, GrammarError

_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
_MIN_YEAR, _MAX_YEAR = grammar.MIN_YEAR, grammar.MAX_YEAR
# what people write in a cell to mean "nothing here" (an id's placeholders too)
BLANK_WORDS = grammar.BLANK_WORDS | {"tbd", "?"}
RANGE_SPLIT = re.compile(r"\s+(?:-|–|—|to|thru|through|until)\s+|\s*[–—]\s*")
_SERIAL_TEXT = re.compile(r"^\d{4,5}$")  # a serial number stored as text ("46082")

DATE_HINT = "write dates like 03/31/2025"


class CellError(ValueError):
    """A cell's value cannot be used; ``str()`` says why in plain words."""


class ReadWithNote(CellError):
    """A value read from a cell that says more than the value ("20 (renewed)"): ``value`` is
    used, and ``str()`` is the warning that says so."""

    def __init__(self, message: str, value: Any) -> None:
        super().__init__(message)
        self.value = value


class NeedsYear(CellError):
    """A date written without its year ("3/31", "exp 3/31"): the row's other dates give it
    (:mod:`sync.parsing.undated`); ``str()`` is the error when they cannot."""

    def __init__(self, value: Any, month: int, day: int, words: str) -> None:
        super().__init__(
            f"{quoted(value)} is not a date (it has no year), and the row has no other date to "
            f"take the year from; {DATE_HINT}."
        )
        self.raw, self.month, self.day, self.words = value, month, day, words


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


def date(
    value: Any,
    epoch_1904: bool = False,
    order: DateOrder = "mdy",
    lenient: bool = False,
) -> dt.date | None:
    """A date from a real date cell, a serial number, or text (:func:`priorauth.grammar.date`;
    numeric text read in ``order``). A log's date columns are ``lenient``: a date among words
    is read with a note (:class:`ReadWithNote`), one without its year asks the row for it
    (:class:`NeedsYear`)."""
    t = type(value)
    if t is dt.date:
        return value
    if t is dt.datetime:
        return value.date()
    if t is str:
        return _date_text(value, epoch_1904, order, lenient)
    if value is None:
        return None
    if t is float or t is int:
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"{quoted(value)} is not a date; {DATE_HINT}.")
        return from_serial(value, epoch_1904, value)
    raise CellError(f"{quoted(value)} is not a date; {DATE_HINT}.")


def birth_date(
    value: Any,
    epoch_1904: bool = False,
    order: DateOrder = "mdy",
    today: dt.date | None = None,
) -> dt.date | None:
    """A date of birth: as :func:`date`, but a two-digit year is never after ``today`` ("6/25/58"
    is 1958, where a start date "6/25/58" would be 2058)."""
    if type(value) is not str or _SERIAL_TEXT.match(value.strip()):
        return date(value, epoch_1904, order)
    try:
        return grammar.date(
            value, order=order, today=today, past=True, relative=False, hint=DATE_HINT
        )
    except GrammarError as e:
        raise CellError(str(e)) from None


def _date_text(
    value: str, epoch_1904: bool, order: DateOrder, lenient: bool = False
) -> dt.date | None:
    s = value.strip()
    if _SERIAL_TEXT.match(s):  # a serial number stored as text
        return from_serial(int(s), epoch_1904, value)
    try:
        return grammar.date(s, order=order, relative=False, hint=DATE_HINT)
    except GrammarError as e:
        if not lenient:
            raise CellError(str(e)) from None
        problem = e
    # "3/31", "exp 3/31", "3/31/2026 (extended)": the date among the words, its year from the
    # row when it has none
    core, words = grammar.dated_words(s) or (s, "")
    found = grammar.month_day(core, order)
    if found is not None:
        raise NeedsYear(value, found[0], found[1], words)
    if words:
        try:
            day = grammar.date(core, order=order, relative=False, hint=DATE_HINT)
        except GrammarError:
            day = None
        if day is not None:
            raise ReadWithNote(
                f"{quoted(value)} was read as {day:%m/%d/%Y}; the words around it were not "
                "imported.",
                day,
            )
    raise CellError(str(problem)) from None


def period(
    value: Any, epoch_1904: bool = False, order: DateOrder = "mdy"
) -> tuple[dt.date | None, dt.date | None]:
    """ "01/01/2025 - 06/30/2025" (or "to", "thru") as (start, end)."""
    if is_blank(value):
        return None, None
    if not isinstance(value, str):
        return date(value, epoch_1904, order), None
    parts = [p for p in RANGE_SPLIT.split(value.strip()) if p.strip()]
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
    return date(parts[0], epoch_1904, order), date(parts[1], epoch_1904, order)
