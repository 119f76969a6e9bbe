"""Values written into a practice's own log in the way that log already writes them.

The write-back changes a cell only when its meaning differs from authtrack's, and then keeps the
log's habits: dates stay text if they were typed as text, "Y"/"N" stay "Y"/"N", "Last, First"
stays "Last, First", codes keep their separator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from priorauth.model import RequestStatus
from sync.parsing import cells
from sync.recognising.columns import Col
from sync.recognising.fields import FIELDS, Style

# (from the field table: each column's style)
DATE_COLUMNS = frozenset(f.col for f in FIELDS if f.style is Style.DATE)
COUNT_COLUMNS = frozenset(f.col for f in FIELDS if f.style is Style.COUNT)
FLAG_COLUMNS = frozenset(f.col for f in FIELDS if f.style is Style.FLAG)
_YES = ("Yes", cells.IMPORTED)  # a log's own confirmation goes back as its own Yes word
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def same(
    col: Col, old: Any, new: Any, epoch_1904: bool, context: dict[str, Any] | None = None
) -> bool:
    """Whether the cell already says what authtrack would write (compared by meaning;
    ``context`` as for :func:`styled`, for a Status column that says Active / Closed)."""
    try:
        if col in DATE_COLUMNS:
            return cells.date(old, epoch_1904) == new
        if col in COUNT_COLUMNS:
            if col is Col.REMINDER:
                return cells.reminder(old) == new
            if col in (Col.UNITS_USED, Col.VISITS_USED):  # a blank Used cell: none used
                return (cells.count(old) or 0) == (new or 0)
            return cells.count(old) == new
        if col in FLAG_COLUMNS:
            return bool(cells.yes_no(old)) == (new in _YES)
        if col is Col.CODES:
            return cells.codes(old) == cells.codes(new)
        if col is Col.PRIORITY:
            return cells.priority(old) == cells.priority(new)
        if col is Col.STATUS:
            return _status_text(old, new, context) is None
        if col is Col.NAME:
            return cells.split_name(old) == cells.split_name(new)
        if col is Col.CAP:
            return cells.cap(old) == cells.cap(new)
        if col is Col.PERIOD:
            return cells.period(old, epoch_1904) == new
        if col is Col.CONFIRMED_AT:
            return cells.timestamp(old, epoch_1904) == (cells.timestamp(new) if new else "")
    except cells.CellError:
        return False
    return cells.text(old) == cells.text(new)


def styled(col: Col, old: Any, new: Any, epoch_1904: bool, context: dict[str, Any]) -> Any:
    """``new`` written the way the log wrote ``old`` (or, for an empty cell, the column's
    other cells: ``old`` is then a sample from the column)."""
    if new is None or new == "":
        return None
    if col in DATE_COLUMNS:
        return _date(old, new, epoch_1904)
    if col is Col.PERIOD:
        start, end = new
        text = f"{_text_date(old, start)} - {_text_date(old, end) if end else 'open'}"
        return text if start else None
    if col in COUNT_COLUMNS:
        return str(new) if isinstance(old, str) and old.strip() else new
    if col in FLAG_COLUMNS:
        words = context.get("vocabulary")
        if words:
            return in_words(words, new in _YES)
        return _flag(old, new in _YES)
    if col is Col.CODES:
        sep = next((s for s in (";", "/", "\n") if isinstance(old, str) and s in old), ",")
        return f"{sep} ".join(cells.codes(new)) if sep != "\n" else "\n".join(cells.codes(new))
    if col is Col.NAME:
        first, last = cells.split_name(new)
        if isinstance(old, str) and old.strip() and "," not in old:
            return f"{first} {last}".strip()
        return new
    if col is Col.STATUS:
        text = _status_text(old, new, context) or new
        return status_in_words(context.get("vocabulary"), text)
    if col is Col.CONFIRMED_AT and isinstance(old, str) and old.strip():
        return cells.timestamp(new)  # their log keeps it as text
    return new


def _date(old: Any, new: dt.date, epoch_1904: bool) -> Any:
    if isinstance(old, str) and old.strip():
        return _text_date(old, new)
    if type(old) in (int, float):
        base = _EPOCH_1904 if epoch_1904 else _EPOCH_1900
        return (dt.datetime.combine(new, dt.time()) - base).days
    return new


def _text_date(sample: Any, day: dt.date | None) -> str:
    if day is None:
        return ""
    s = sample.strip() if isinstance(sample, str) else ""
    if s[:4].isdigit() and len(s) >= 8 and s[4] in "-/.":
        return day.isoformat()
    short = len(s.split(" ")[0].split("/")[-1]) == 2 if "/" in s else False
    return f"{day.month}/{day.day}/{day:%y}" if short else f"{day:%m/%d/%Y}"


def _flag(old: Any, yes: bool) -> Any:
    if isinstance(old, bool):
        return yes
    s = old.strip() if isinstance(old, str) else ""
    if s.upper() in ("Y", "N"):
        return ("Y" if yes else "N") if s.isupper() else ("y" if yes else "n")
    if s.upper() == "X" or s == "✓":
        return s if yes else None
    if s.upper() in ("TRUE", "FALSE"):
        return "TRUE" if yes else "FALSE"
    return "Yes" if yes else "No"


def _status_text(old: Any, new: Any, context: dict[str, Any] | None = None) -> str | None:
    """The Status text to write, or None when the cell already agrees. ``new`` is the canonical
    status ("Approved"); ``context`` has ``active`` and ``end`` for logs that write Active /
    Expired in their Status column."""
    try:
        request, activity = cells.status(old)
    except cells.CellError:
        request, activity = None, None
    wanted = RequestStatus(str(new).lower())
    context = context or {}
    by_activity = context.get("activity_words") and (
        request is None or _has_activity(context.get("vocabulary"))
    )
    if activity is not None or by_activity:
        active = context.get("active")
        if wanted != RequestStatus.APPROVED:
            text = wanted.value.title()
            return None if request == wanted else text
        if active is None or activity == active:
            return None
        end = context.get("end")
        if active:
            return "Active"
        today = context.get("today") or dt.date.today()
        return "Expired" if end is not None and end < today else "Inactive"
    if request == wanted:
        return None
    return wanted.value.title()


# --- the log's own words (its drop-down lists) ---------------------------------------------------


def _meaning(word: str) -> tuple[RequestStatus | None, bool | None] | None:
    try:
        return cells.status(word)
    except cells.CellError:
        return None


def _has_activity(words: list[str] | None) -> bool:
    return any((m := _meaning(w)) is not None and m[1] is not None for w in words or ())


# what a status may be written as when the log's list lacks its own word, in order of preference
_STAND_INS: dict[tuple[RequestStatus | None, bool | None], list[tuple[Any, Any]]] = {
    (RequestStatus.APPROVED, None): [(None, True)],
    (None, True): [(RequestStatus.APPROVED, None)],
    (RequestStatus.PENDING, None): [(RequestStatus.REQUESTED, None)],
    (RequestStatus.REQUESTED, None): [(RequestStatus.PENDING, None)],
    (RequestStatus.DENIED, None): [(None, False)],
}


def status_in_words(words: list[str] | None, text: str) -> str:
    """``text`` (authtrack's Status word) as the log's drop-down list says it: "Closed" for
    Expired in a log whose list is Active / Pending / Closed. Unchanged without a list, or when
    nothing in the list means it."""
    if not words:
        return text
    wanted = _meaning(text)
    if wanted is None:
        return text
    for meaning in [wanted, *_STAND_INS.get(wanted, [])]:
        for word in words:
            if _meaning(word) == meaning:
                return word
    return text


def in_words(words: list[str], yes: bool) -> Any:
    """Yes or No as the log's drop-down list says it (Y / N, Yes / No, ✓ and blank)."""
    for word in words:
        try:
            if cells.yes_no(word) is yes:
                return word
        except cells.CellError:
            continue
    return None if not yes else "Yes"
