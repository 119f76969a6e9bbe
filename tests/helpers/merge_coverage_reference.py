"""``sync.planning.merge_coverage`` as it was before its per-client work was restructured for
speed (a client's rows indexed by payer once, each card's start and priority worked out once):
the reference the restructured module must agree with (tests/unit/test_merge_coverage_same.py).
Not used by the program; see that module's docstring for what it does."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from priorauth import coverage
from priorauth.model import Client, ClientInsurance, Priority
from sync.planning.merge import Merger
from sync.planning.merge_coverage import Seen

_DAY = dt.timedelta(days=1)


@dataclass
class _Card:
    payer: int
    member: str
    seen: list[Seen] = field(default_factory=list)

    @property
    def start(self) -> dt.date | None:
        starts = [s.start for s in self.seen if s.start is not None]
        return min(starts) if starts else None

    @property
    def priority(self) -> Priority | None:
        return next((s.priority for s in self.seen if s.priority is not None), None)


def merge_coverages(merger: Merger, seen: list[Seen]) -> dict[int, str]:
    """Work out the coverages of every client the rows name (see the module docstring); returns
    problems by client id (a fourth payer in force at once)."""
    by_client: dict[int, list[Seen]] = defaultdict(list)
    for s in seen:
        by_client[s.client].append(s)
    problems: dict[int, str] = {}
    for client_id, rows in by_client.items():
        client = merger.client(client_id)
        if client is None:
            continue
        if not coverage.has_coverages(client):
            card = _one_card(rows)
            if card is not None:  # (most new clients: one payer, one card, nothing to work out)
                payer_id, member, priority = card
                payer = merger.payer_by_id(payer_id)
                coverage.set_coverages(
                    merger.editable(client),
                    [
                        ClientInsurance(
                            payer_id=payer_id,
                            priority=priority or Priority.PRIMARY,
                            member_id=member,
                            prior_auth_required=payer.prior_auth_required if payer else True,
                        )
                    ],
                )
                _member_ids(merger.current(client), rows)
                continue
        elif _all_fit(coverage.all_coverages(client), rows):  # (a log imported again)
            _member_ids(client, rows)
            continue
        covs = coverage.copied(client)
        before = [c.__dict__.copy() for c in covs]
        problem = _plan(merger, client, covs, rows)
        if problem:
            problems[client_id] = problem
        if [c.__dict__ for c in covs] != before:
            client = merger.editable(client)
            covs.sort(key=lambda c: (coverage.rank(c.priority), c.start_date or dt.date.min))
            coverage.set_coverages(client, covs)
        _member_ids(client, rows)
    return problems


def _one_card(rows: list[Seen]) -> tuple[int, str, Priority | None] | None:
    """(payer, member id, priority) when every row says the same (or leaves them blank)."""
    first = rows[0]
    payer, member, priority = first.payer, first.member, first.priority
    for s in rows:
        if s.payer != payer:
            return None
        if s.member and s.member != member:
            if member:
                return None
            member = s.member
        if s.priority is not None and s.priority != priority:
            if priority is not None:
                return None
            priority = s.priority
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
        if s.draft is None:
            continue
        auth = s.draft.auth
        if s.member:
            if auth.member_id != s.member:
                auth.member_id = s.member
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


def _plan(merger: Merger, client: Client, covs: list[ClientInsurance], rows: list[Seen]) -> str:
    rows = sorted(rows, key=lambda s: s.start or dt.date.min)
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
    if not unfit:
        return ""
    cards: dict[tuple[int, str], _Card] = {}
    for s in unfit:
        card = cards.get((s.payer, s.member))
        if card is None:
            card = cards[(s.payer, s.member)] = _Card(s.payer, s.member)
        card.seen.append(s)
    for (payer, member), card in list(cards.items()):  # a blank member id joins its payer's card
        if not member:
            named = [c for (p, m), c in cards.items() if p == payer and m]
            if named:
                named[0].seen.extend(card.seen)
                del cards[(payer, member)]
    made = len(covs)
    starts = [(card.start, card) for card in cards.values()]  # (each card's start worked out once)
    for day, card in sorted(starts, key=lambda s: s[0] or dt.date.min):
        problem = _place(merger, client, covs, card, day, rows)
        if problem:
            return problem
    for c in covs[made:]:  # a payer the client's history has moved on from is a past one
        last = _last_end(merger, client, c, rows) if c.end_date is None else None
        if last is not None and any(o.start_date and o.start_date > last for o in covs):
            c.end_date = max(last, c.start_date) if c.start_date else last
    return ""


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
    merger: Merger,
    client: Client,
    covs: list[ClientInsurance],
    card: _Card,
    day: dt.date | None,
    rows: list[Seen],
) -> str:
    """Add ``card``, starting on ``day`` (its start), to ``covs``; a problem, or ""."""
    payer = merger.payer_by_id(card.payer)
    required = payer.prior_auth_required if payer is not None else True
    old = None
    if day is not None and card.member:
        for c in covs:
            if (
                c.payer_id == card.payer
                and c.member_id
                and coverage.in_force(c, day)
                and (c.start_date is None or c.start_date < day)
            ):
                old = c
                break
    if old is not None and day is not None:  # a new card: a new period, never an overwrite
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
    running = [
        c for c in covs if (c.end_date is None if day is None else coverage.in_force(c, day))
    ]
    wanted = card.priority
    order = _ORDERS.get(wanted)  # (the wanted priority first, then the others in order)
    if order is None:
        order = ([wanted] if wanted is not None else []) + [
            p for p in coverage.PRIORITY_ORDER if p != wanted
        ]
    chosen: Priority | None = None
    for priority in order:
        holders = [c for c in running if c.priority == priority]
        if not holders:
            chosen = priority
            break
        ends = [_last_end(merger, client, c, rows) for c in holders]
        if day is not None and all(e is not None and e < day for e in ends):
            for c, end in zip(holders, ends, strict=True):
                c.end_date = max(end, c.start_date) if c.start_date and end else end
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
        holder = next((c for c in running if c.priority == wanted), None)
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
    follows = any(c.priority == chosen for c in covs)
    covs.append(
        ClientInsurance(
            payer_id=card.payer,
            priority=chosen,
            member_id=card.member,
            prior_auth_required=required,
            start_date=day if follows else None,
        )
    )
    return ""


_ORDERS: dict[Priority | None, list[Priority]] = {
    wanted: ([wanted] if wanted is not None else [])
    + [p for p in coverage.PRIORITY_ORDER if p != wanted]
    for wanted in (None, *coverage.PRIORITY_ORDER)
}


def _last_end(
    merger: Merger, client: Client, c: ClientInsurance, rows: list[Seen]
) -> dt.date | None:
    """The last end date of the authorizations under coverage ``c`` (None: one is open-ended,
    or it has none, so it is not known to have ended)."""
    ends: list[dt.date] = []
    payer_id = c.payer_id
    dated = (
        [
            (a.member_id, a.start_date, a.end_date)
            for a in merger.data.authorizations_for(client.id, payer_id)
        ]
        if client.id > 0
        else []
    )
    dated += [(s.member, s.start, s.end) for s in rows if s.payer == payer_id and s.draft]
    for member, start, end in dated:
        if member and c.member_id and member != c.member_id:
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


__all__ = ["merge_coverages"]
