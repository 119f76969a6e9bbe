"""Reading what people type into form fields: dates, counts, code lists.

The grammar is the domain's (:mod:`priorauth.grammar`), shared with the importer's cell parsing,
so the same text reads the same in a form and in a spreadsheet. Each parser returns the value or
raises :class:`ValueError` whose text is the sentence to show beside the field.
"""

from __future__ import annotations

import datetime as dt

from priorauth import grammar

_DATE_HINT = 'type it as MM/DD/YYYY (or "today", +30)'


def parse_date(
    text: str, today: dt.date, *, past: bool = False, order: grammar.DateOrder = "mdy"
) -> dt.date | None:
    """A date typed the way people type them; blank is None.

    Accepts 11/23/2026, 11/23/26, 11-23-2026, 2026-11-23, 11232026, Nov 23 2026, 23 Nov 2026,
    "today", "tomorrow", "yesterday" and offsets from today: +30 (days), +2w, +6m, -1y. Numeric
    dates are month first (US claims) unless ``order`` is "dmy". With ``past`` (a date of
    birth), a two-digit year is taken in the past century rather than the future.
    """
    return grammar.date(text, order=order, today=today, past=past, hint=_DATE_HINT)


def parse_count(
    text: str, *, blank: int | None = None, fractions: bool = False
) -> int | float | None:
    """A whole number ("24", "24 units", "1,200"), or with ``fractions`` (hours) "187.5"; blank
    gives ``blank``. Where blank means no cap (``blank`` None), "unlimited" and "no cap" mean
    it too."""
    value = grammar.count(text, no_cap=blank is None, fractions=fractions)
    return blank if value is None else value


def parse_codes(text: str) -> list[str]:
    """Codes separated by commas, semicolons, slashes or spaces between codes ("90837, 90834",
    "90837 90834", "97153:HN 97155"); each is checked by the domain's validation."""
    return grammar.split_codes(text)
