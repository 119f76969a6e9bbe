"""Report chrome: the rows an EHR's report export puts among the data that are not data.

The report's own heading (practice, title, date range, "Printed on") repeated after each page
break, the column headings repeated, page footers ("Page 2 of 3"), confidentiality notices and
total rows ("Grand Total"). Each is skipped, and each kind is said once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REPEATED_HEADER = "repeated header rows"
REPORT_HEADING = "report heading lines"
PAGE_FOOTER = "page footers"
CONFIDENTIAL = "confidentiality notices"
TOTAL = "total rows"

_PAGE = re.compile(r"\bpage\s*\d+(?:\s*(?:of|/)\s*\d+)?\b", re.IGNORECASE)
_CONFIDENTIAL = re.compile(r"\bconfidential(?:ity)?\b|\bphi\b|\bhipaa\b", re.IGNORECASE)
_PRINTED = re.compile(
    r"^(?:printed|run|report(?:ed)?|generated|created)\s*(?:on|at|date|by)?\s*[:\-]?\s|"
    r"^(?:date\s+range|report\s+period|period)\s*:",
    re.IGNORECASE,
)
TOTAL_TEXT = re.compile(r"^\s*(?:grand\s+)?(?:sub)?totals?\b", re.IGNORECASE)


def suspicious(text: object) -> bool:
    """Whether a value in the client column looks like chrome rather than a name."""
    return type(text) is str and bool(
        TOTAL_TEXT.match(text) or _PAGE.search(text) or _CONFIDENTIAL.search(text)
    )


def classify(texts: list[str], titles: set[str], headings: set[str]) -> str | None:
    """The kind of chrome a row holding ``texts`` is (None: not chrome). ``titles`` are the
    texts above the header row, ``headings`` the header row's (both lower case)."""
    if not texts:
        return None
    lowered = [t.lower() for t in texts]
    if all(t in headings for t in lowered):
        return REPEATED_HEADER
    if any(_PAGE.search(t) for t in texts) and len(texts) <= 3:
        return PAGE_FOOTER
    if any(_CONFIDENTIAL.search(t) for t in texts) and len(texts) <= 3:
        return CONFIDENTIAL
    if all(t in titles for t in lowered) or any(_PRINTED.match(t) for t in texts):
        return REPORT_HEADING
    if any(TOTAL_TEXT.match(t) for t in texts):
        return TOTAL
    return None


def texts_of(rows: Iterable[list[object]]) -> set[str]:
    return {v.strip().lower() for row in rows for v in row if type(v) is str and v.strip()}


def warning(sheet: str, kind: str, rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:5])) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
    many = len(rows) > 1
    return (
        f'Sheet "{sheet}": skipped {len(rows)} {kind if many else kind.rstrip("s")} '
        f"(row{'s' if many else ''} {shown}): report layout, not authorizations."
    )


def client_headings(
    columns: list[tuple[Any, ...]],
    mapped: list[int],
    identity: list[int],
    doubt: list[int],
    skip: set[int],
) -> set[int]:
    """Rows holding only a client (name, birth date) whose next rows leave the client blank:
    a heading over that client's block of authorizations, filled down into them."""
    others = [columns[j] for j in mapped if j not in identity]
    who = [columns[j] for j in identity]
    doubtful = set(doubt)
    heads = set()
    n = len(who[0])
    for k in doubt:
        if k in skip or any(c[k] != "" for c in others) or all(c[k] == "" for c in who):
            continue
        nxt = k + 1
        while (
            nxt < n
            and nxt in doubtful
            and (nxt in skip or all(c[nxt] == "" for c in (*who, *others)))
        ):
            nxt += 1
        if nxt < n and all(c[nxt] == "" for c in who) and any(c[nxt] != "" for c in others):
            heads.add(k)
    # a lone line of text over blank-named rows may be a note: a heading shows it is a client
    # (a birth date, or "Last, First"), or the sheet is laid out in blocks (several headings)
    if len(heads) < 2:
        heads = {k for k in heads if sum(c[k] != "" for c in who) > 1 or "," in str(who[0][k])}
    return heads
