"""How values are written on screen: dates, counts, bars. Presentation only, no rules."""

from __future__ import annotations

import datetime as dt

BAR_FULL = "█"
BAR_EMPTY = "░"


def date(day: dt.date | None, *, short: bool = False, blank: str = "") -> str:
    """US practice style: 11/23/2026 (or 11/23/26 when ``short``)."""
    if day is None:
        return blank
    return f"{day:%m/%d/%y}" if short else f"{day:%m/%d/%Y}"


def long_date(day: dt.date) -> str:
    """ "Mon 11/23/2026", for feedback beside a date field."""
    return f"{day:%a} {day:%m/%d/%Y}"


def count(remaining: int | None, authorized: int | None) -> str:
    """ "12/24" left of authorized; "-3/24" when over; "no cap" when there is none."""
    if authorized is None or remaining is None:
        return "no cap"
    return f"{remaining}/{authorized}"


def bar(fraction: float | None, width: int = 8) -> str:
    """A bar of used/authorized: ``██████░░``; over 100 % fills it."""
    if fraction is None:
        return ""
    filled = max(0, min(width, round(fraction * width)))
    if fraction > 0 and filled == 0:
        filled = 1
    return BAR_FULL * filled + BAR_EMPTY * (width - filled)


def percent(fraction: float | None) -> str:
    return "" if fraction is None else f"{round(fraction * 100)}%"


def days_until(day: dt.date | None, today: dt.date) -> str:
    """ "in 12 d", "today", "3 d ago"."""
    if day is None:
        return ""
    delta = (day - today).days
    if delta == 0:
        return "today"
    return f"in {delta} d" if delta > 0 else f"{-delta} d ago"


def codes(values: list[str], limit: int | None = None) -> str:
    """Procedure codes, comma separated ("any" when the authorization lists none)."""
    if not values:
        return "any code"
    text = ", ".join(values)
    if limit is not None and len(text) > limit:
        return text[: max(0, limit - 1)] + "…"
    return text


def truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def when(moment: dt.datetime, *, long: bool = False) -> str:
    """A moment in local time: "11/23/26 14:05" (or "Mon 11/23/2026 14:05" when ``long``)."""
    local = moment.astimezone()
    return f"{local:%a %m/%d/%Y %H:%M}" if long else f"{local:%m/%d/%y %H:%M}"
