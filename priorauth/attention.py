"""What needs attention on each authorization, in a word, from the notifications themselves.

The exports and reports colour a row and write a word beside it ("Running low", "Used up"); both
come from :func:`priorauth.notify.compute` for the same day with the practice's own thresholds,
so a workbook never tells a different story from the notifications list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from priorauth import notify, rules
from priorauth.data import Data
from priorauth.model import PracticeSettings
from priorauth.practice import practice_settings


@dataclass(frozen=True)
class Attention:
    word: str  # what the row says, readable without colour
    meaning: str  # for the legend
    colour: str  # RRGGBB fill for the row


# Most urgent first: a row with several shows them all, in this order, coloured by the first.
ATTENTION: dict[str, Attention] = {
    "over_used": Attention(
        "Over-used", "Active, and more units or visits used than were authorized.", "FF9B9B"
    ),
    "exhausted": Attention(
        "Used up", "Active, and every authorized unit or visit is used.", "FFC7CE"
    ),
    "expired": Attention(
        "Past end date", "Still marked active, but the end date has passed.", "F4B084"
    ),
    "over_cap": Attention(
        "Over cap", "A week's or month's use is above the authorization's cap.", "E2C6F2"
    ),
    "follow_up_due": Attention(
        "Follow up", "A requested or pending authorization whose follow-up date has come.", "DDEBF7"
    ),
    "expiring": Attention(
        "Expiring", "Active, and the end date is within its reminder days.", "FFEB9C"
    ),
    "low_remaining": Attention(
        "Running low",
        "Active, and the units or visits left are at or below the practice's low threshold.",
        "FFF2CC",
    ),
    "projected_exhaustion": Attention(
        "Will run out",
        "At the client's recent pace, the units or visits run out before the end date.",
        "E2EFDA",
    ),
}
_ORDER = {key: i for i, key in enumerate(ATTENTION)}


def attention(
    data: Data, today: dt.date, settings: PracticeSettings | None = None
) -> dict[int, list[str]]:
    """Authorization id -> the keys of :data:`ATTENTION` that apply today, most urgent first
    (authorizations that need nothing are left out)."""
    settings = settings or practice_settings(data)
    found: dict[int, set[str]] = {}
    for n in notify.compute(data, today, settings=settings):
        if n.authorization is None or n.kind not in ATTENTION:
            continue
        kind = n.kind
        auth = data.authorizations.get(n.authorization)
        if kind == "exhausted" and auth is not None:
            uses = [lu.usage for lu in rules.lines_usage(data, auth, today)] if auth.lines else []
            if any(
                left is not None and left < 0
                for use in uses or [rules.usage(data, auth, today)]
                for left in (use.units_remaining, use.visits_remaining)
            ):
                kind = "over_used"
        found.setdefault(n.authorization, set()).add(kind)
    return {auth_id: sorted(kinds, key=_ORDER.__getitem__) for auth_id, kinds in found.items()}


def words(keys: list[str]) -> str:
    """The words a row shows: "Used up, Expiring"."""
    return ", ".join(ATTENTION[k].word for k in keys)
