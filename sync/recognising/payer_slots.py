"""Two payers on one row: ``Primary Ins``, ``Primary ID``, ``Primary Auth #``, ``Primary Visits
Auth``, then the same for ``Secondary`` (and perhaps ``Tertiary``), beside the codes, dates and
used counts the payers share.

A heading that starts with a priority word and names, after it, a field one payer has of its own
(payer, member id, auth number, counts, status, reference, codes, cap) is that payer's column. A
sheet has payer slots when at least two priorities name a payer column; then each row stands for
one row per payer (:mod:`sync.parsing.payers_on_row`), each a coverage of the client at its
priority.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from priorauth.coverage import rank
from priorauth.model import Priority
from sync.recognising.columns import Col

# the fields each payer on a row may have of its own; the others (client, codes when not
# prefixed, dates, used counts, notes) the payers share
SLOT_FIELDS = frozenset(
    {Col.PAYER, Col.MEMBER_ID, Col.AUTH_NUMBER, Col.UNITS_AUTH, Col.VISITS_AUTH}
    | {Col.UNITS_USED, Col.VISITS_USED, Col.UNITS_LEFT, Col.VISITS_LEFT, Col.STATUS}
    | {Col.PAYER_REF, Col.CODES, Col.CAP}
)
# a payer with one of these filled in has an authorization of its own on the row
AUTHORIZING = (Col.AUTH_NUMBER, Col.UNITS_AUTH, Col.VISITS_AUTH)

_PRIORITY_WORDS = {
    "primary": Priority.PRIMARY,
    "prim": Priority.PRIMARY,
    "pri": Priority.PRIMARY,
    "1st": Priority.PRIMARY,
    "secondary": Priority.SECONDARY,
    "sec": Priority.SECONDARY,
    "2nd": Priority.SECONDARY,
    "tertiary": Priority.TERTIARY,
    "tert": Priority.TERTIARY,
    "ter": Priority.TERTIARY,
    "3rd": Priority.TERTIARY,
}
_PREFIX = re.compile(
    r"^\s*(" + "|".join(sorted(_PRIORITY_WORDS, key=len, reverse=True)) + r")\b\.?[\s:/_-]*(.+)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class PayerSlot:
    """One payer's columns on a row of several payers."""

    priority: Priority
    columns: dict[Col, int]  # field -> column index, for the fields this payer has its own

    @property
    def label(self) -> str:
        return f"{self.priority.value} payer"


def prefixed(text: str) -> tuple[Priority, str] | None:
    """(priority, the rest) of a heading that starts with a priority word ("Secondary ID")."""
    m = _PREFIX.match(text)
    if m is None:
        return None
    return _PRIORITY_WORDS[m.group(1).lower()], m.group(2).strip()


def _field(rest: str) -> Col | None:
    from sync.recognising.headers import recognise  # (headers calls this module)

    col = recognise(rest)
    if col in SLOT_FIELDS:
        return col
    # "ID", "ID #", "Plan": read as the insurance's ("Primary ID" is the primary's member id)
    col = recognise(f"insurance {rest}")
    return col if col in SLOT_FIELDS else None


def find_slots(names: dict[int, str]) -> list[PayerSlot]:
    """The payer slots of a header row (column index -> heading), primary first; empty unless
    at least two priorities each name a payer column."""
    per: dict[Priority, dict[Col, int]] = {}
    for j in sorted(names):
        found = prefixed(names[j])
        if found is None:
            continue
        priority, rest = found
        col = _field(rest)
        if col is None:
            continue
        per.setdefault(priority, {}).setdefault(col, j)
    slots = [PayerSlot(p, cols) for p, cols in sorted(per.items(), key=lambda kv: rank(kv[0]))]
    slots = [s for s in slots if Col.PAYER in s.columns]
    return slots if len(slots) >= 2 else []


def slot_columns(slots: list[PayerSlot]) -> set[int]:
    return {j for s in slots for j in s.columns.values()}
