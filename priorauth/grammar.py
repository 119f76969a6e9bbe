"""What people type, read one way everywhere: counts, procedure-code lists and dates.

The forms (``tui/parse.py``) and the importer's cell parsing (``sync/parsing/cells.py``) both call
these functions, so the same text typed in the app and in the spreadsheet gives the same value (or
the same refusal). Only what is particular to each stays with it: relative dates ("today", "+30")
are read only when a ``today`` is given (the forms); serial numbers, numbers stored as floats and
the 1904 date system belong to the spreadsheet.

Each function returns the value or raises :class:`GrammarError` (a ``ValueError``) whose text is
one plain sentence; callers may add where the value was.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

DateOrder = Literal["mdy", "dmy"]
DATE_ORDERS: tuple[DateOrder, ...] = ("mdy", "dmy")

# what people write in a field to mean "nothing here"
BLANK_WORDS = frozenset({"", "-", "--", "—", "–", "n/a", "na", "none", "null", "#n/a"})
# ... and in a count, to mean "no cap" (stated as such, never faked with a big number)
NO_CAP_WORDS = frozenset({"unlimited", "no cap", "no limit", "uncapped", "any", "open"})
# placeholders for a value not known yet: never a value, never "no cap"
UNKNOWN_WORDS = frozenset({"tbd", "tba", "unknown", "see notes", "see note", "pending", "?"})

MIN_YEAR, MAX_YEAR = 1900, 2199


class GrammarError(ValueError):
    """A typed value cannot be read; ``str()`` says why in plain words."""


class UnknownValue(GrammarError):
    """A placeholder ("TBD", "see notes") where a value belongs: not known yet, not blank."""


def shown(text: str) -> str:
    return f'"{text.strip()}"'


# --- counts -------------------------------------------------------------------------------------

_MEASURES = r"units?|visits?|sessions?|hrs?|hours?|days?|u|v"
_COUNT = re.compile(rf"^([+-]?)\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:{_MEASURES})?\.?$")


def count(
    text: str, what: str = "", *, no_cap: bool = True, fractions: bool = False
) -> int | float | None:
    """A count as typed: "24", "1,200", "24 units", "6 sessions", "24.0".

    Blank is None, and so are "unlimited", "no cap" and the like when ``no_cap`` (a count where
    blank means no cap); otherwise those words are refused. Below zero is refused. A fraction is
    refused unless ``fractions`` (hours keep their quarter hours), when it is a float.
    """
    of = f" of {what}" if what else ""
    s = " ".join(text.strip().lower().replace(",", "").split())
    if s in BLANK_WORDS:
        return None
    if s in UNKNOWN_WORDS:
        raise UnknownValue(
            f"{shown(text)} is not a number{of} yet; type the number, or leave it blank for no cap."
        )
    if s in NO_CAP_WORDS:
        if no_cap:
            return None
        raise GrammarError(f"{shown(text)} is not a whole number{of}; write it like 24.")
    m = _COUNT.match(s)
    if not m:
        raise GrammarError(f"{shown(text)} is not a whole number{of}; write it like 24.")
    number = float(m.group(2))
    if m.group(1) == "-" and number:
        raise GrammarError(f"{shown(text)} is below zero; a number{of} cannot be negative.")
    if number.is_integer():
        return int(number)
    if fractions:
        return number
    raise GrammarError(f"{shown(text)} is not a whole number{of}; write it like 24.")


def whole(number: float, what: str = "", *, fractions: bool = False) -> int | float:
    """A count held as a number (a spreadsheet's float): whole and not below zero."""
    of = f" of {what}" if what else ""
    shown_n = str(int(number)) if float(number).is_integer() else repr(number)
    if number < 0:
        raise GrammarError(f"{shown_n} is below zero; a number{of} cannot be negative.")
    if float(number).is_integer():
        return int(number)
    if fractions and number == number and number != float("inf"):
        return float(number)
    raise GrammarError(f"{shown_n} is not a whole number{of}; write it like 24.")


# --- procedure codes ----------------------------------------------------------------------------

CODE_RE = re.compile(r"^(?:\d{5}|\d{4}[FTU]|[A-Z]\d{4})(?:-[A-Z0-9]{2}){0,4}$")
_BASE = re.compile(r"^(?:\d{5}|\d{4}[FTU]|[A-Z]\d{4})$")
_CODE_SPLIT = re.compile(r"\s*(?:[,;/|\n&+]|\band\b)\s*", re.IGNORECASE)
ALL_CODES_WORDS = frozenset({"any", "all"})


def normalize_code(code: str) -> str:
    """Upper-case, spaces removed, modifiers joined with "-" ("h2019 hn", "97153:HN" ->
    "H2019-HN", "97153-HN")."""
    parts = [p for p in re.split(r"[\s:\-]+", code.strip().upper()) if p]
    return "-".join(parts)


def split_codes(text: str) -> list[str]:
    """The codes in a list as typed, normalised but not checked, each once, in order.

    Separated by commas, semicolons, slashes, bars, "&", "and", new lines, or plain spaces
    between codes ("90837 90834"); a modifier after a space or colon stays with its code
    ("H2019 HN", "97153:HN", "97153 (HO)"). Blank, "any" and "all" are no codes.
    """
    s = text.strip()
    if s.lower() in BLANK_WORDS or s.lower() in ALL_CODES_WORDS:
        return []
    out: list[str] = []
    for piece in _CODE_SPLIT.split(s.upper()):
        if not piece:
            continue
        current: list[str] = []
        for word in piece.replace("(", " ").replace(")", " ").split():
            if _BASE.match(re.split(r"[-:]", word)[0]) and current:
                out.append(normalize_code(" ".join(current)))
                current = []
            current.append(word)
        if current:
            out.append(normalize_code(" ".join(current)))
    return list(dict.fromkeys(out))


def codes(text: str) -> list[str]:
    """:func:`split_codes`, each code checked (CPT or HCPCS, up to four modifiers)."""
    out = split_codes(text)
    for code in out:
        if not CODE_RE.match(code):
            raise GrammarError(
                f'"{code}" is not a procedure code; use CPT or HCPCS codes such as 90837 or '
                "H2019-HN, separated by commas."
            )
    return out


# --- dates --------------------------------------------------------------------------------------

MONTHS = {  # month names and abbreviations -> month number (dates, monthly tabs)
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
OPEN_ENDED_WORDS = frozenset({"open", "open-ended", "ongoing", "no end", "indefinite"})
OPEN_ENDED_WORDS |= {"continuous"}
_TIME = r"(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?)?"
_ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
_NUMERIC = re.compile(rf"^(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{2}}|\d{{4}}){_TIME}$")
_NO_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$")
_YEAR_TAIL = r"(?:,?[-\s]+(\d{2}|\d{4}))?$"
_NAMED_MDY = re.compile(r"^([a-z]{3,9})\.?[-\s]+(\d{1,2})(?:st|nd|rd|th)?" + _YEAR_TAIL)
_NAMED_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[-\s]+([a-z]{3,9})\.?" + _YEAR_TAIL)
_RELATIVE = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwmy]?)$")
_WORDS = {"today": 0, "t": 0, "tomorrow": 1, "yesterday": -1}


def two_digit_year(yy: int) -> int:
    """26 -> 2026, 85 -> 1985 (a fixed pivot at 70, as spreadsheets read them)."""
    return yy + (2000 if yy < 70 else 1900)


def _make(year: int, month: int, day: int, text: str, hint: str) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise GrammarError(
            f"{shown(text)} is not a date (the year {year} is out of range); {hint}."
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise GrammarError(f"{shown(text)} is not a date (there is no such day); {hint}.") from None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, kept in the month (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def numeric_readings(text: str) -> tuple[dt.date | None, dt.date | None] | None:
    """A numeric date "a/b/y" read month-first and day-first (None where that reading is not a
    real date); None when ``text`` is not of that shape. Used to decide a column's order."""
    s = text.strip().lower()
    m = _NUMERIC.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
    elif s.isdigit() and len(s) in (6, 8) and not _compact_iso(s):
        a, b, y = int(s[:2]), int(s[2:4]), s[4:]
    else:
        return None
    year = int(y) if len(y) == 4 else two_digit_year(int(y))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None

    def real(month: int, day: int) -> dt.date | None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None

    return real(a, b), real(b, a)


def _compact_iso(s: str) -> dt.date | None:
    if len(s) != 8 or s[:2] not in ("19", "20", "21"):
        return None
    try:
        return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return None


def date(
    text: str,
    *,
    order: DateOrder = "mdy",
    today: dt.date | None = None,
    past: bool = False,
    relative: bool = True,
    hint: str = "write dates like 03/31/2025",
) -> dt.date | None:
    """A date as people type it; blank (and "open", "ongoing") is None.

    03/31/2025, 3/31/25, 3-31-2025, 3.31.2025 (day first with ``order="dmy"``), 2025-03-31
    (ISO, with or without a time), 20250331, 03312025 and 033125, Mar 31 2025, March 31st, 2025,
    31 Mar 2025, 31-Mar-25. With a ``today`` (the forms): "today", "tomorrow", "yesterday", "+30"
    (days), "+2w", "+6m", "-1y", and a date without its year (this year), unless not
    ``relative`` (a spreadsheet, which must read the same whatever the day). A two-digit year
    is 20yy below 70, else 19yy; with ``past`` (a date of birth) never after ``today``.
    """
    s = " ".join(text.strip().lower().split())
    if s in BLANK_WORDS or s in OPEN_ENDED_WORDS or s in UNKNOWN_WORDS:
        return None
    if today is not None and relative:
        if s in _WORDS:
            return today + dt.timedelta(days=_WORDS[s])
        rel = _RELATIVE.match(s)
        if rel:
            n = int(rel.group(2)) * (1 if rel.group(1) == "+" else -1)
            unit = rel.group(3) or "d"
            if unit in "dw":
                return today + dt.timedelta(days=n * (7 if unit == "w" else 1))
            return add_months(today, n * (12 if unit == "y" else 1))
    value, short_year = _absolute(s, text, order, today if relative else None, hint)
    if past and short_year:
        limit = today or dt.date.today()
        if value > limit:
            value = _century_back(value)
    return value


def _century_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 100)
    except ValueError:  # 29 February in a year 100 earlier that is not a leap year
        return day.replace(year=day.year - 100, day=28)


def _absolute(
    s: str, text: str, order: DateOrder, today: dt.date | None, hint: str
) -> tuple[dt.date, bool]:
    """(the date, whether its year was written with two digits)."""
    m = _NUMERIC.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
        month, day = (a, b) if order == "mdy" else (b, a)
        return _with_year(y, month, day, text, hint)
    m = _ISO.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), text, hint), False
    if s.isdigit() and len(s) in (6, 8):  # 20250331, 03312025, 033125
        iso = _compact_iso(s)
        if iso is not None:
            return iso, False
        a, b = int(s[:2]), int(s[2:4])
        month, day = (a, b) if order == "mdy" else (b, a)
        return _with_year(s[4:], month, day, text, hint)
    m = _NAMED_MDY.match(s)
    if m and m.group(1) in MONTHS:
        return _with_year(m.group(3), MONTHS[m.group(1)], int(m.group(2)), text, hint, today)
    m = _NAMED_DMY.match(s)
    if m and m.group(2) in MONTHS:
        return _with_year(m.group(3), MONTHS[m.group(2)], int(m.group(1)), text, hint, today)
    m = _NO_YEAR.match(s)
    if m and today is not None:
        a, b = int(m.group(1)), int(m.group(2))
        month, day = (a, b) if order == "mdy" else (b, a)
        return _make(today.year, month, day, text, hint), False
    raise GrammarError(f"{shown(text)} is not a date; {hint}.")


def _with_year(
    y: str | None, month: int, day: int, text: str, hint: str, today: dt.date | None = None
) -> tuple[dt.date, bool]:
    if y is None:
        if today is None:
            raise GrammarError(f"{shown(text)} is not a date (it has no year); {hint}.")
        return _make(today.year, month, day, text, hint), False
    year = int(y) if len(y) == 4 else two_digit_year(int(y))
    return _make(year, month, day, text, hint), len(y) == 2


# --- a date with words around it, a date without its year -------------------------------------

_DATE_TOKEN = re.compile(r"(?<![\w/.-])\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{2,4})?(?![\w/-]|\.\d)")


def dated_words(text: str) -> tuple[str, str] | None:
    """(the date, the words around it) of a text holding one numeric date among words ("exp
    3/31", "3/31/2026 (extended)"); None when it holds no such date, several, or other numbers
    (then it is not unambiguous which is meant)."""
    found = _DATE_TOKEN.findall(text)
    if len(found) != 1:
        return None
    rest = text.replace(found[0], " ", 1)
    if not any(c.isalpha() for c in rest) or any(c.isdigit() for c in rest):
        return None
    return found[0], " ".join(rest.split())


def month_day(text: str, order: DateOrder = "mdy") -> tuple[int, int] | None:
    """(month, day) of a date written without its year ("3/31", or "31/3" with ``order``
    "dmy"); None when ``text`` is not of that shape or names no real day in some year."""
    m = _NO_YEAR.match(text.strip())
    if m is None:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    month, day = (a, b) if order == "mdy" else (b, a)
    try:
        dt.date(2000, month, day)  # (a leap year: 29 February is a day)
    except ValueError:
        return None
    return month, day


def in_year(month: int, day: int, year: int) -> dt.date | None:
    """That day in ``year`` (None when there is no such day: 29 February of another year)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
