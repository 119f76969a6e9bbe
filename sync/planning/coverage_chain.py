"""A new client's coverage history worked out directly, when its rows make a plain one.

Most clients of a log with coverage history (a first import's thousands) have one payer after
another, each card's authorizations ending before the next card's begin, or a new card with the
same payer. For such a client :func:`sync.planning.merge_coverage.merge_coverages`'s general
way (sorting the rows, grouping them into cards, placing each card by looking at every coverage
in force and at the authorizations under it) always comes to the same coverages, which
:func:`chain` says straight from the cards' first start and last end: every coverage primary,
the first one with an open start, each later one starting on its card's first start; the one
before it ends on its card's last authorization's end (another payer follows) or the day before
(a new card of the same payer follows); the last one is open-ended.

Why that is what the general way does, card by card in order of their first start (what
:func:`chain` checks is marked "checked"; its other conditions are in the last paragraph):

- the first card finds no coverage: primary, its start left open;
- a later card of another payer than the card before's is no new card, and the only coverage
  in force on its first start is the one before (every earlier one ended before the card before
  began, its own payer's too), whose authorizations are its card's rows alone (its payer's other
  cards have other member ids, and the client, new, has no stored authorization): all ended by
  its card's last end, before this card's start (checked), so it becomes a past one ending then
  (not before its start: every row ends on or after its start) and this card takes the primary
  place after it;
- a later card of the same payer (another member id: a card is a payer and member id, and
  every row names one) is a new card of the coverage before, in force and started earlier
  (cards' starts strictly increase: checked): that one ends the day before, the new one keeps
  its priority;
- the last coverage is not a past one: no coverage starts after its card's last end.

Every row has an authorization with a start and an end, on or after its start; no row states
a priority (no coverage is moved, nobody warns) and no row leaves the member id blank (a blank
one joins another card, and takes the member id of the coverage it fits); the client is new (no
coverage, no stored authorization: the caller checks). Anything else goes the general way; a
test (tests/unit/test_coverage_chain.py) compares the two.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import TYPE_CHECKING

from priorauth import coverage
from priorauth.model import ClientInsurance, Priority
from sync.planning.record_maker import record_maker

if TYPE_CHECKING:
    from priorauth.model import Client
    from sync.planning.merge import Merger
    from sync.planning.merge_coverage import Seen

_DAY = dt.timedelta(days=1)
_FIRST_START = itemgetter(2)
PRIMARY = Priority.PRIMARY  # (looked up once: an enum member's look-up costs a call)
# a coverage as ClientInsurance(payer_id=..., priority=..., member_id=...,
# prior_auth_required=..., start_date=..., end_date=...) makes it, the other fields at their
# defaults, without __init__'s keyword handling (a first import makes thousands); the
# arguments in that order, then 0
new_coverage = record_maker(
    ClientInsurance,  # type: ignore[type-var]
    ("payer_id", "priority", "member_id", "prior_auth_required", "start_date", "end_date"),
    vars(ClientInsurance(payer_id=0)),
)

# (payer, member id, start, end) of each coverage
Link = tuple[int, str, dt.date | None, dt.date | None]


def chain(rows: list[Seen]) -> list[Link] | None:
    """The coverages a new client's ``rows`` make when they are a plain history (see the
    module docstring), in the order the general way stores them; None when they are not."""
    cards: dict[tuple[int, str], list] = {}  # (payer, member id) -> [payer, member, start, end]
    for _, payer, member, priority, start, end, draft, _ in rows:  # (unpacked: per row)
        if (
            draft is None
            or priority is not None
            or not member
            or start is None
            or end is None
            or end < start
        ):
            return None
        key = (payer, member)
        card = cards.get(key)
        if card is None:
            cards[key] = [payer, member, start, end]
        else:
            if start < card[2]:
                card[2] = start
            if end > card[3]:
                card[3] = end
    ordered = sorted(cards.values(), key=_FIRST_START)
    payer, member, start, end = ordered[0]
    links: list[Link] = []
    opens: dt.date | None = None  # (the first coverage's start is left open)
    for next_payer, next_member, next_start, next_end in ordered[1:]:
        if next_start <= start:
            return None  # (two cards from one day: the general way decides)
        if next_payer == payer:  # a new card: the coverage before ends the day before
            ends = next_start - _DAY
        elif end >= next_start:
            return None
        else:  # another payer, after this card's authorizations all ended
            ends = end
        links.append((payer, member, opens, ends))
        payer, member, start, end, opens = next_payer, next_member, next_start, next_end, next_start
    links.append((payer, member, opens, None))
    return links


def set_chain(merger: Merger, client: Client, links: list[Link], required: dict[int, bool]) -> None:
    """Give a new client the coverages :func:`chain` worked out (``required``: see
    :func:`required_of`)."""
    covs = []  # (in the order the general way sorts them to: by start)
    known = required.get
    for payer, member, start, end in links:
        needed = known(payer)  # (required_of's look-up, without a call per coverage)
        if needed is None:
            needed = required_of(merger, payer, required)
        covs.append(new_coverage(payer, PRIMARY, member, needed, start, end, 0))
    coverage.set_coverages(client, covs)


def required_of(merger: Merger, payer_id: int, known: dict[int, bool]) -> bool:
    """Whether the payer requires prior authorization (True when unknown), kept in ``known``
    (a merge asks for each of its clients)."""
    required = known.get(payer_id)
    if required is None:
        payer = merger.payer_by_id(payer_id)
        required = known[payer_id] = payer.prior_auth_required if payer is not None else True
    return required


__all__ = ["PRIMARY", "Link", "chain", "new_coverage", "required_of", "set_chain"]
