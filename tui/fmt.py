"""How values are written on screen: dates, counts, bars. Presentation only, no rules."""

from __future__ import annotations

import datetime as dt
import re

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


def number(value: float) -> str:
    """A count as written: 12, or 7.5 (a line in hours keeps its fractions)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def count(remaining: float | None, authorized: float | None) -> str:
    """ "12/24" left of authorized; "-3/24" when over; "no cap" when there is none."""
    if authorized is None or remaining is None:
        return "no cap"
    return f"{number(remaining)}/{number(authorized)}"


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


def clock_time(moment: dt.datetime) -> str:
    """ "2:39 pm", "12:05 am": the time of day as people say it."""
    return f"{moment.hour % 12 or 12}:{moment:%M} {'am' if moment.hour < 12 else 'pm'}"


def when(moment: dt.datetime, now: dt.datetime, *, long: bool = False) -> str:
    """A moment in the practice's local time and words, relative to ``now`` (the app's clock,
    fixed in tests): "today 2:39 pm", "yesterday 9:15 am", "Fri 2:02 pm" within the week,
    "11/02/26 2:39 pm" before (with ``long``: "Fri 11/20/2026 2:02 pm", "Mon 11/02/2026 ...")."""
    local = moment.astimezone()
    days = (now.astimezone().date() - local.date()).days
    clock = clock_time(local)
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"yesterday {clock}"
    if days == -1:
        return f"tomorrow {clock}"
    if long:
        return f"{local:%a %m/%d/%Y} {clock}"
    if 1 < days < 7:
        return f"{local:%a} {clock}"
    return f"{local:%m/%d/%y} {clock}"


_STAMP = re.compile(r"\b(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2})?([+-]\d{2}:\d{2}|Z)?")


def times_in_words(text: str, now: dt.datetime) -> str:
    """``text`` with its "2026-11-23 14:05" stamps (local, as the domain's messages write them;
    with an offset, as records store them) said as :func:`when` says them."""

    def said(match: re.Match[str]) -> str:
        try:
            offset = (match.group(3) or "").replace("Z", "+00:00")
            moment = dt.datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}{offset}")
        except ValueError:
            return match.group(0)
        return when(moment.astimezone(), now, long=True)

    return _STAMP.sub(said, text)
