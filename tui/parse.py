"""Reading what people type into form fields: dates in common formats, counts, code lists.

Each parser returns the value or raises :class:`ValueError` whose text is the sentence to show
beside the field.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta

_RELATIVE = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwmy]?)$")
_WORDS = {"today": 0, "t": 0, "tomorrow": 1, "yesterday": -1}


def parse_date(text: str, today: dt.date, *, past: bool = False) -> dt.date | None:
    """A date typed the way people type them; blank is None.

    Accepts 11/23/2026, 11/23/26, 11-23-2026, 2026-11-23, 11232026, Nov 23 2026, 23 Nov 2026,
    "today", "tomorrow", "yesterday" and offsets from today: +30 (days), +2w, +6m, -1y. Numeric
    dates are month first (US claims). With ``past`` (a date of birth), a two-digit year is
    taken in the past century rather than the future.
    """
    text = text.strip().lower()
    if not text:
        return None
    if text in _WORDS:
        return today + dt.timedelta(days=_WORDS[text])
    rel = _RELATIVE.match(text)
    if rel:
        sign = 1 if rel.group(1) == "+" else -1
        n = int(rel.group(2)) * sign
        unit = rel.group(3) or "d"
        delta = {
            "d": relativedelta(days=n),
            "w": relativedelta(weeks=n),
            "m": relativedelta(months=n),
            "y": relativedelta(years=n),
        }[unit]
        return today + delta
    if text.isdigit():
        if len(text) in (6, 8):  # 112326, 11232026
            text = f"{text[:2]}/{text[2:4]}/{text[4:]}"
        else:
            raise ValueError(f'"{text}" is not a date: type it as MM/DD/YYYY (or "today", +30).')
    try:
        default = dt.datetime(today.year, 1, 1)
        value = dateparser.parse(text, default=default, dayfirst=False, yearfirst=False).date()
    except (ValueError, OverflowError, dateparser.ParserError):
        raise ValueError(
            f'"{text}" is not a date: type it as MM/DD/YYYY (or "today", +30).'
        ) from None
    if past and value > today and _two_digit_year(text):
        value = value.replace(year=value.year - 100)
    if not 1900 <= value.year <= 2200:
        raise ValueError(f"{value:%m/%d/%Y} is out of range: check the year.")
    return value


def _two_digit_year(text: str) -> bool:
    return not re.search(r"\d{4}", text)


def parse_count(text: str, *, blank: int | None = None) -> int | None:
    """A whole number; blank gives ``blank`` (None = "no cap")."""
    text = text.strip().replace(",", "")
    if not text:
        return blank
    try:
        return int(text)
    except ValueError:
        raise ValueError(f'"{text}" is not a whole number.') from None


def parse_codes(text: str) -> list[str]:
    """Codes separated by commas, semicolons or spaces between codes ("90837, 90834")."""
    return [c.strip() for c in re.split(r"[,;/]+", text) if c.strip()]
