"""A client's coverage history from the rows of a log.

Each row names a payer (and maybe a member id and a priority) for an authorization with dates.
After every row is drafted, :func:`merge_coverages` works out each client's coverages:

- **Rows that fit** a coverage the client already has (same payer; the same member id, or
  either blank; the authorization's start date within the coverage's dates) change nothing but
  a blank member id (filled in) and a priority the log states (when no other coverage holds it
  then). Re-importing a log, or an export with its Coverages sheet, changes nothing.
- The other rows are grouped into **cards** (payer + member id) and taken in order of their
  first start date:
  - a card of a payer whose coverage in force on that day has another member id is a **new
    card**: the old coverage ends the day before the new one starts, which keeps its priority;
  - any other card is a coverage of its own, at the log's priority or else the first priority
    free on its start date. A priority held only by coverages whose authorizations have all
    ended before that day is free: those become **past coverages, ending on their last
    authorization's end date** (rather than the day before the next one starts: the log says
    when authorizations ended, not when the insurance did).
  - a coverage starts on its first authorization's start date, except the first one at its
    priority, whose start is left open (nothing before it says when it began);
  - a coverage made from the log whose authorizations all ended before another coverage of
    the client began (an older log imported after a newer one, or a payer the log gives a
    priority explicitly) is a past one too, ending on its last authorization's end date.
- Every authorization keeps the member id its row gives; a row without one takes the member id
  of its payer's coverage on the authorization's start date (an existing authorization keeps
  its own).

A new client whose rows make a plain history (one payer after another, a new card) gets the
coverages this works out straight from its cards (:mod:`sync.planning.coverage_chain`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from priorauth import coverage
from priorauth.model import Client, ClientInsurance, Priority
from sync.planning.coverage_chain import PRIMARY, chain, new_coverage, required_of, set_chain
from sync.planning.drafts import Draft
from sync.planning.merge import Merger

_DAY = dt.timedelta(days=1)


class Seen(NamedTuple):
    """What one row says about a client's coverage (a tuple: one is made for every row)."""

    client: int
    payer: int
    member: str
    priority: Priority | None
    start: dt.date | None  # the authorization's start (None: none given, or no authorization)
    end: dt.date | None
    draft: Draft | None
    index: int  # the row's index in its table


@dataclass
class _Card:
    """The rows of one payer and member id that fit no coverage: a coverage to add."""

    payer: int
    member: str
    seen: list[Seen]
    start: dt.date | None  # its first authorization's start (worked out once, when made)
    priority: Priority | None  # the first priority its rows state


def _start(s: Seen | _Card) -> dt.date:
    return s.start or dt.date.min


def merge_coverages(merger: Merger, seen: list[Seen]) -> dict[int, str]:
    """Work out the coverages of every client the rows name (see the module docstring); returns
    problems by client id (a fourth payer in force at once)."""
    by_client: dict[int, list[Seen]] = {}
    for s in seen:  # (s[0]: its client; a tuple's item is quicker than the named field)
        rows = by_client.get(s[0])
        if rows is None:
            by_client[s[0]] = [s]
        else:
            rows.append(s)
    problems: dict[int, str] = {}
    required: dict[int, bool] = {}  # payer id -> whether it requires prior authorization
    for client_id, rows in by_client.items():
        client = merger.client(client_id)
        if client is None:
            continue
        if not coverage.has_coverages(client):
            card = _one_card(rows)
            if card is not None:  # (most new clients: one payer, one card, nothing to work out)
                payer_id, member, priority = card
                required_now = required_of(merger, payer_id, required)
                coverage.set_coverages(
                    merger.editable(client),
                    [
                        new_coverage(
                            payer_id, priority or PRIMARY, member, required_now, None, None, 0
                        )
                    ],
                )
                _member_ids(merger.current(client), rows)
                continue
            links = chain(rows) if client.id < 0 else None  # (a new client's plain history)
            if links is not None:
                set_chain(merger, client, links, required)
                _member_ids(client, rows)
                continue
            covs: list[ClientInsurance] = []  # (changed when the rows make any)
            before: list[dict[str, object]] | None = None
        elif _all_fit(coverage.all_coverages(client), rows):  # (a log imported again)
            _member_ids(client, rows)
            continue
        else:
            covs = coverage.copied(client)
            before = [c.__dict__.copy() for c in covs]
        problem = _plan(merger, client, covs, rows, required)
        if problem:
            problems[client_id] = problem
        if bool(covs) if before is None else [c.__dict__ for c in covs] != before:
            client = merger.editable(client)
            coverage.sort_by_priority(covs)
            coverage.set_coverages(client, covs)
        _member_ids(client, rows)
    return problems


def _one_card(rows: list[Seen]) -> tuple[int, str, Priority | None] | None:
    """(payer, member id, priority) when every row says the same (or leaves them blank)."""
    _, payer, member, priority, *_ = rows[0]
    for s in rows:  # (s[1], s[2], s[3]: its payer, member id and priority; items, per row)
        if s[1] != payer:
            return None
        row_member = s[2]
        if row_member and row_member != member:
            if member:
                return None
            member = row_member
        row_priority = s[3]
        if row_priority is not None and row_priority != priority:
            if priority is not None:
                return None
            priority = row_priority
    return payer, member, priority


def _all_fit(covs: list[ClientInsurance], rows: list[Seen]) -> bool:
    """Whether every row fits a coverage as it is (nothing to fill in or move)."""
    for s in rows:
        fit = next((c for c in covs if _fits(c, s) and c.member_id == s.member), None)
        fit = fit or next((c for c in covs if _fits(c, s)), None)
        if fit is None or (s.member and not fit.member_id):
            return False
        if s.priority is not None and s.priority != fit.priority:
            return False
    return True


def _member_ids(client: Client, rows: list[Seen]) -> None:
    for s in rows:
        draft, member = s[6], s[2]  # (s.draft, s.member: a tuple's items, read per row)
        if draft is None:
            continue
        auth = draft.auth
        if member:
            if auth.member_id != member:
                auth.member_id = member
        elif not auth.member_id:
            auth.member_id = coverage.member_id_on(
                client, s.payer, s.start
            ) or coverage.member_id_on(client, s.payer, None)


def _fits(c: ClientInsurance, s: Seen) -> bool:
    return (
        c.payer_id == s.payer
        and (not s.member or not c.member_id or c.member_id == s.member)
        and coverage.in_force(c, s.start)
    )


def _fit(covs: list[ClientInsurance], s: Seen) -> ClientInsurance | None:
    """The first coverage the row fits with its own member id, else the first it fits."""
    first = None
    for c in covs:
        if _fits(c, s):
            if c.member_id == s.member:
                return c
            if first is None:
                first = c
    return first


def _plan(
    merger: Merger,
    client: Client,
    covs: list[ClientInsurance],
    rows: list[Seen],
    required: dict[int, bool],
) -> str:
    rows = sorted(rows, key=_start)
    if covs:
        unfit: list[Seen] = []
        for s in rows:
            fit = _fit(covs, s)
            if fit is None:
                unfit.append(s)
                continue
            if s.member and not fit.member_id:
                fit.member_id = s.member
            if s.priority is not None and s.priority != fit.priority:
                _move(merger, client, covs, fit, s.priority)
    else:  # (a new client: no row fits anything)
        unfit = rows
    if not unfit:
        return ""
    payers = _Payers(merger, client, rows, required)
    made = len(covs)
    for card in _cards(unfit):
        problem = _place(merger, client, covs, card, payers)
        if problem:
            return problem
    for c in covs[made:]:  # a payer the client's history has moved on from is a past one
        last = payers.last_end(c) if c.end_date is None else None
        if last is not None and any(o.start_date and o.start_date > last for o in covs):
            c.end_date = max(last, c.start_date) if c.start_date else last
    return ""


def _cards(unfit: list[Seen]) -> list[_Card]:
    """The unfit rows by payer and member id (a blank member id joins its payer's first card
    with one), in order of their first start date."""
    by_key: dict[tuple[int, str], list[Seen]] = {}
    blank = False  # (a row without a member id)
    for s in unfit:
        key = (s.payer, s.member)
        found = by_key.get(key)
        if found is None:
            by_key[key] = [s]
            blank = blank or not s.member
        else:
            found.append(s)
    for payer, member in [key for key in by_key if not key[1]] if blank else ():
        named = next((key for key in by_key if key[0] == payer and key[1]), None)
        if named is not None:
            by_key[named].extend(by_key.pop((payer, member)))
    cards = []
    for (payer, member), seen in by_key.items():
        start = priority = None
        for s in seen:  # (a loop: most cards have a row or two)
            if s.start is not None and (start is None or s.start < start):
                start = s.start
            if priority is None:
                priority = s.priority
        cards.append(_Card(payer, member, seen, start, priority))
    cards.sort(key=_start)
    return cards


def _move(
    merger: Merger,
    client: Client,
    covs: list[ClientInsurance],
    fit: ClientInsurance,
    priority: Priority,
) -> None:
    """Give ``fit`` the priority the log states, when no other coverage holds it meanwhile."""
    if any(c is not fit and c.priority == priority and coverage.overlap(c, fit) for c in covs):
        merger.warnings.append(
            f"{client.name}: the log makes {_payer(merger, fit.payer_id)} the {priority} "
            "insurance, but another payer already is; the priorities were left as they are."
        )
    else:
        fit.priority = priority


def _place(
    merger: Merger, client: Client, covs: list[ClientInsurance], card: _Card, payers: _Payers
) -> str:
    """Add ``card``, starting on its start, to ``covs``; a problem, or ""."""
    day = card.start
    if day is not None and card.member:
        for old in covs:
            if (
                old.payer_id == card.payer
                and old.member_id
                and coverage.in_force(old, day)
                and (old.start_date is None or old.start_date < day)
            ):  # a new card: a new period, never an overwrite
                covs.append(
                    ClientInsurance(
                        payer_id=card.payer,
                        priority=old.priority,
                        member_id=card.member,
                        prior_auth_required=old.prior_auth_required,
                        start_date=day,
                        end_date=old.end_date,
                    )
                )
                old.end_date = day - _DAY
                return ""
    running: list[ClientInsurance] = []
    holding: dict[Priority, list[ClientInsurance]] = {}  # running ones by priority
    for c in covs:
        if c.end_date is None if day is None else coverage.in_force(c, day):
            running.append(c)
            holding.setdefault(c.priority, []).append(c)
    wanted = card.priority
    order = _ORDERS.get(wanted)  # (the wanted priority first, then the others in order)
    if order is None:
        order = ([wanted] if wanted is not None else []) + [
            p for p in coverage.PRIORITY_ORDER if p != wanted
        ]
    chosen: Priority | None = None
    for priority in order:
        holders = holding.get(priority)
        if not holders:
            chosen = priority
            break
        if day is None:
            continue
        ended: list[tuple[ClientInsurance, dt.date]] = []
        for c in holders:
            end = payers.last_end(c)
            if end is None or end >= day:
                break
            ended.append((c, end))
        else:  # all its holders' authorizations ended before the day: they are past ones
            for c, end in ended:
                c.end_date = max(end, c.start_date) if c.start_date else end
            chosen = priority
            break
    if chosen is None:
        names = ", ".join(_payer(merger, c.payer_id) for c in running)
        when = f" on {day:%m/%d/%Y}" if day else ""
        return (
            f"{client.name} has three insurances in force{when} ({names}); end one before "
            f"adding {_payer(merger, card.payer)}."
        )
    if wanted is not None and chosen != wanted:
        holder = holding.get(wanted, [None])[0]
        other = _payer(merger, holder.payer_id) if holder else "another payer"
        merger.warnings.append(
            f"{client.name} already has {other} as {wanted} insurance; "
            f"{_payer(merger, card.payer)} was added as {chosen}."
        )
        if sum(s.priority == wanted for s in card.seen) > 1:
            merger.warnings.append(
                f"{client.name}: the log makes {_payer(merger, card.payer)} the {wanted} "
                "insurance, but another payer already is; the priorities were left as they are."
            )
    follows = chosen in [c.priority for c in covs]
    covs.append(
        ClientInsurance(
            payer_id=card.payer,
            priority=chosen,
            member_id=card.member,
            prior_auth_required=payers.required(card.payer),
            start_date=day if follows else None,
        )
    )
    return ""


_ORDERS: dict[Priority | None, list[Priority]] = {
    wanted: ([wanted] if wanted is not None else [])
    + [p for p in coverage.PRIORITY_ORDER if p != wanted]
    for wanted in (None, *coverage.PRIORITY_ORDER)
}


class _Payers:
    """A client's payers as the merge asks about them: the authorizations under each (the
    client's existing ones and the rows', gathered once per client: each card asks about every
    coverage in force) and whether it requires prior authorization (``required``, shared by
    the merge's clients)."""

    def __init__(
        self, merger: Merger, client: Client, rows: list[Seen], required: dict[int, bool]
    ) -> None:
        by_payer: dict[int, list[tuple[str, dt.date | None, dt.date | None]]] = {}
        if client.id > 0:
            for a in merger.data.authorizations_for(client.id):
                by_payer.setdefault(a.payer, []).append((a.member_id, a.start_date, a.end_date))
        for s in rows:
            if s.draft:
                by_payer.setdefault(s.payer, []).append((s.member, s.start, s.end))
        self._by_payer = by_payer
        self._merger = merger
        self._required = required

    def required(self, payer_id: int) -> bool:
        """Whether the payer requires prior authorization (True when unknown)."""
        return required_of(self._merger, payer_id, self._required)

    def last_end(self, c: ClientInsurance) -> dt.date | None:
        """The last end date of the authorizations under coverage ``c`` (None: one is
        open-ended, or it has none, so it is not known to have ended)."""
        ends: list[dt.date] = []
        member_id = c.member_id
        for member, start, end in self._by_payer.get(c.payer_id, ()):
            if member and member_id and member != member_id:
                continue
            if start is not None and not coverage.in_force(c, start):
                continue
            if end is None:
                return None
            ends.append(end)
        return max(ends) if ends else None


def _payer(merger: Merger, payer_id: int) -> str:
    payer = merger.payer_by_id(payer_id)
    return payer.name if payer else "another payer"


__all__ = ["Seen", "merge_coverages"]
