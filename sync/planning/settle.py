"""What is settled once every row is matched: which authorization is the active one for each
client and payer, and the usage carried in from the log's Used (or Remaining) columns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from priorauth import rules, service_lines, usage
from priorauth.model import Authorization, RequestStatus
from priorauth.services.bulk import overlay
from sync.planning.drafts import Draft
from sync.planning.merge import Merger

# (tests turn this off to compare the lone row's shortcut with the general way)
LONE_ROWS_AT_ONCE = True


def settle_activity(merger: Merger, drafts: list[Draft]) -> None:
    """One active authorization per client and payer for the same procedure codes (rows whose
    codes never overlap are settled apart: speech and occupational therapy from one plan).

    Rows that do not say whether they are active: the latest (by start date) approved one of a
    client and payer in the log is active, unless another row of theirs says it is the active one
    (a renewal "Approved" in advance while the current one is "Active"). Where several end up
    active, the latest start wins; existing authorizations the log does not mention are made
    inactive when a log row is active.
    """
    groups: dict[tuple[int, int], list[Draft]] = {}
    last: tuple[int, int] | None = None
    group: list[Draft] = []
    for d in drafts:
        key = (d.auth.client, d.auth.payer)
        if key != last:  # (a client's rows are usually together)
            group = groups.setdefault(key, [])
            last = key
        group.append(d)
    approved, earliest = RequestStatus.APPROVED, dt.date.min
    codes: dict[tuple[str, ...], _Codes] = {}  # a log lists a few dozen code lists: sets once
    apart: dict[tuple[tuple[str, ...], ...], bool] = {}  # (and a few hundred groups of them)
    overlaps: dict[tuple[tuple[str, ...], tuple[str, ...]], bool] = {}  # (and pairs of them)
    all_codes = service_lines.all_codes
    for (client_id, payer_id), whole in groups.items():
        if client_id < 0 and len(whole) == 1 and LONE_ROWS_AT_ONCE:
            # a new client's lone row with the payer (most rows of a log with coverage history,
            # a payer after another): _by_overlapping_codes makes it one part of one row, which
            # the loop below settles so, and one part has no history to look at
            d = whole[0]
            if not d.explicit_active:
                d.auth.active = d.auth.status == approved
            continue
        if client_id < 0 and len(whole) > 1 and _all_apart(whole, all_codes, codes, apart):
            # a new client's rows with the payer, no two sharing a code (each its own therapy):
            # _by_overlapping_codes would make each row a part of its own (the contenders among
            # them are apart too), and a new client's lone row is settled on its own, whatever
            # the order of the parts
            for d in whole:
                if not d.explicit_active:
                    d.auth.active = d.auth.status == approved
            _history(merger, whole)
            continue
        parts = _by_overlapping_codes(whole, codes, apart)
        held = None  # (the client's authorizations with the payer in authtrack: looked up once)
        for group in parts:
            if client_id < 0 and len(group) == 1:  # (_settle_group's answer for a lone row)
                d = group[0]
                if not d.explicit_active:
                    d.auth.active = d.auth.status == approved
                continue
            if held is None:
                held = merger.data.authorizations_for(client_id, payer_id) if client_id > 0 else []
            _settle_group(merger, client_id, held, group, approved, earliest, overlaps)
        if len(parts) > 1:
            _history(merger, whole)


def _history(merger: Merger, rows: list[Draft]) -> None:
    """Codes authorized once and not renewed: a row that does not say it is active, whose
    authorization ended before today while a later one of the client and payer started, is
    history, not a second active authorization."""
    latest_start = max([d.auth.start_date or dt.date.min for d in rows], default=dt.date.min)
    for d in rows:
        end = d.auth.end_date
        if (
            d.auth.active
            and not d.explicit_active
            and end is not None
            and end < merger.today
            and (d.auth.start_date or dt.date.min) < latest_start
        ):
            d.auth.active = False


def _by_overlapping_codes(
    group: list[Draft],
    known: dict[tuple[str, ...], _Codes] | None = None,
    apart: dict[tuple[tuple[str, ...], ...], bool] | None = None,
) -> list[list[Draft]]:
    """A client's rows with one payer, split where their codes never overlap (speech and
    occupational therapy from one plan are each active at once); rows listing no codes overlap
    everything, so then the group stays whole. Row order is kept within each part.
    ``known``: the code sets of code lists seen before; ``apart``: :func:`_apart`'s answers
    for the contenders' code lists seen before (both filled as they go: a log's clients repeat
    a few combinations of code lists)."""
    if len(group) == 1:
        return [group]
    all_codes = service_lines.all_codes
    held = [all_codes(d.auth) for d in group]  # (every line's, when several)
    first = held[0]
    if held.count(first) == len(held):  # (all equal to the first: list.count compares in C)
        return [group]  # (the common case: one code list, its renewals; no pairwise checks)
    # a row that cannot be active (not approved, or said inactive) competes with nobody
    idle, contenders = [], []
    if known is None:
        known = {}
    if apart is None:
        apart = {}
    keys = []  # the contenders' code lists
    approved = RequestStatus.APPROVED
    for d, codes in zip(group, held, strict=True):
        auth = d.auth  # (approved, and active or not said inactive)
        if auth.status == approved and (auth.active or not d.explicit_active):
            if not codes:
                return [group]  # (a row listing no codes overlaps everything)
            contenders.append(d)
            keys.append(tuple(codes))
        else:
            idle.append(d)
    parts: list[list[Draft]] = [[d] for d in idle]
    together = tuple(keys)
    separate = apart.get(together)
    if separate is None:
        separate = apart[together] = _apart(_sets(keys, known))
    if separate:  # (no two rows share a base code: no pair can overlap, each its own part)
        return parts + [[d] for d in contenders]
    sets = _sets(keys, known)  # the contenders' codes
    groups: list[tuple[_Codes, list[Draft]]] = []  # each part of contenders, with its codes
    for d, mine in zip(contenders, sets, strict=True):
        merged, codes = [d], mine
        for other in [g for g in groups if g[0].overlaps(mine)]:
            groups.remove(other)
            merged = other[1] + merged
            codes = codes.union(other[0])
        groups.append((codes, merged))
    parts += [sorted(members, key=lambda x: x.row) for _, members in groups]
    return parts


def _all_apart(
    group: list[Draft],
    all_codes: Callable[[Authorization], list[str]],
    known: dict[tuple[str, ...], _Codes],
    apart: dict[tuple[tuple[str, ...], ...], bool],
) -> bool:
    """Whether every row of ``group`` lists codes and no two share a base code (``known`` and
    ``apart``: as :func:`_by_overlapping_codes` keeps them; the key of a group whose rows all
    list codes is the key of its contenders when all are)."""
    keys = []
    for d in group:
        listed = all_codes(d.auth)
        if not listed:
            return False
        keys.append(tuple(listed))
    together = tuple(keys)
    separate = apart.get(together)
    if separate is None:
        separate = apart[together] = _apart(_sets(keys, known))
    return separate


def _sets(keys: list[tuple[str, ...]], known: dict[tuple[str, ...], _Codes]) -> list[_Codes]:
    """The code sets of the code lists ``keys`` (``known``: those made before, filled here)."""
    sets = []
    for key in keys:
        mine = known.get(key)
        if mine is None:
            mine = known[key] = _Codes(list(key))
        sets.append(mine)
    return sets


def _apart(sets: list[_Codes]) -> bool:
    """Whether no two of ``sets`` share a base code (then none overlaps another: equal codes and
    a code with and without a modifier share their base)."""
    seen: set[str] = set()
    for codes in sets:
        if not seen.isdisjoint(codes.based):
            return False
        seen |= codes.based
    return True


class _Codes:
    """A part's codes as sets, so that whether two parts overlap is a few set intersections
    (:func:`priorauth.rules.codes_overlap`'s rule: equal codes, or a code without a modifier
    and the same code with one)."""

    __slots__ = ("based", "exact", "plain")

    def __init__(self, codes: list[str] | None = None) -> None:
        self.exact = set(codes or ())
        self.plain = {c for c in self.exact if "-" not in c}
        self.based = {c.split("-")[0] for c in self.exact}

    def overlaps(self, other: _Codes) -> bool:
        return bool(
            self.exact & other.exact or self.based & other.plain or other.based & self.plain
        )

    def union(self, other: _Codes) -> _Codes:
        both = _Codes()
        both.exact = self.exact | other.exact
        both.plain = self.plain | other.plain
        both.based = self.based | other.based
        return both


def _settle_group(
    merger: Merger,
    client_id: int,
    held: list[Authorization],
    group: list[Draft],
    approved: RequestStatus,
    earliest: dt.date,
    overlaps: dict[tuple[tuple[str, ...], tuple[str, ...]], bool],
) -> None:
    """One active authorization among ``group`` (rows whose codes overlap); ``held``: the
    client's authorizations with the group's payer in authtrack; ``overlaps``:
    :func:`_codes_overlap`'s answers so far."""
    if client_id < 0:
        # a new client, and the log does not say: the latest approved one is active
        # (latest by _start_key: start date, then row)
        latest, latest_start = None, earliest
        for d in group:
            if d.explicit_active:
                break
            auth = d.auth
            if auth.status == approved:
                start = auth.start_date or earliest
                if (
                    latest is None
                    or start > latest_start
                    or (start == latest_start and d.row > latest.row)
                ):
                    latest, latest_start = d, start
        else:
            for d in group:
                d.auth.active = d is latest
            return
    in_log = {d.before.id for d in group if d.before is not None}
    others = [
        a
        for a in held
        if a.active
        and a.id not in in_log
        and any(
            _codes_overlap(service_lines.all_codes(a), service_lines.all_codes(d.auth), overlaps)
            for d in group
        )
    ]
    undecided = [d for d in group if not d.explicit_active]
    if undecided:
        candidates = [d for d in undecided if d.auth.status == approved]
        latest = max(candidates, key=_start_key, default=None)
        newest_other = max((a.start_date or dt.date.min for a in others), default=None)
        if (
            latest is not None
            and newest_other is not None
            and (latest.auth.start_date or dt.date.min) < newest_other
        ):
            latest = None  # authtrack already has a later active one: leave it so
        if any(d.said_active for d in group):
            latest = None  # the log names the active one itself
        for d in undecided:
            d.auth.active = d is latest
    active = [d for d in group if d.auth.active]
    if len(active) > 1:
        keep = max(active, key=_start_key)
        for d in active:
            if d is not keep:
                d.auth.active = False
                merger.warnings.append(
                    f'Sheet "{d.table.sheet_at(d.index)}", row {d.row}: marked active, but row '
                    f"{keep.row} is a later active authorization for the same client and "
                    "payer; only that one stays active."
                )
    if active:
        for other in others:
            merger.deactivated.append(dataclasses.replace(other, active=False))


def _codes_overlap(
    a: list[str], b: list[str], known: dict[tuple[tuple[str, ...], tuple[str, ...]], bool]
) -> bool:
    """:func:`priorauth.rules.codes_overlap`, each pair of code lists asked once (``known``: the
    answers so far; a log repeats a few code lists on thousands of rows)."""
    key = (tuple(a), tuple(b))
    found = known.get(key)
    if found is None:
        found = known[key] = rules.codes_overlap(a, b)
    return found


def _start_key(d: Draft) -> tuple[dt.date, int]:
    return (d.auth.start_date or dt.date.min, d.row)


def settle_usage(merger: Merger, drafts: list[Draft]) -> None:
    """Carried-in usage from the log's Used (or Remaining) columns.

    The log's "used" is everything used so far; services authtrack already tracks for the
    authorization are subtracted, so that totals match the log (and an export imported back
    changes nothing).
    """
    today = merger.today
    if any(d.units_used is not None or d.visits_used is not None for d in drafts) or any(
        d.units_left is not None or d.visits_left is not None for d in drafts
    ):
        view = overlay(merger.data, merger.changes) if merger.has_services() else None
    else:
        return
    by_auth = rules.services_by_authorization(view) if view is not None else {}
    for d in drafts:
        auth = d.auth
        # (as _used(), which is called only when the counts do not simply agree)
        units_used, left = d.units_used, d.units_left
        if left is not None:
            authorized = usage.stated_counts(auth)[0]
            if authorized is not None and (units_used is None or authorized - units_used != left):
                units_used = _used(d, units_used, left, authorized, "units")
        visits_used, left = d.visits_used, d.visits_left
        if left is not None:
            authorized = usage.stated_counts(auth)[1]
            if authorized is not None and (visits_used is None or authorized - visits_used != left):
                visits_used = _used(d, visits_used, left, authorized, "visits")
        if units_used is None and visits_used is None:
            continue
        services = by_auth.get(auth.id) if by_auth else None
        if not services:  # nothing tracked yet (a first import): the log's counts as they are
            if units_used is not None:
                auth.carried_units_used = units_used
            if visits_used is not None:
                auth.carried_visits_used = visits_used
            continue
        stated = usage.stated_usage(auth)
        counted = usage.usage_of(auth, services, today)  # tracked = counted - carried in
        for used, tracked_count, name, what in (
            (units_used, counted.units_used - stated.units_used, "carried_units_used", "units"),
            (
                visits_used,
                counted.visits_used - stated.visits_used,
                "carried_visits_used",
                "visits",
            ),
        ):
            if used is None:
                continue
            carried = used - tracked_count
            if carried < 0:
                merger.warnings.append(
                    f'Sheet "{d.table.sheet_at(d.index)}", row {d.row}: the log says {used} {what} '
                    "used, but "
                    f"authtrack already has {tracked_count} recorded; authtrack's count is kept."
                )
                carried = 0
            setattr(auth, name, carried)


def _used(
    d: Draft, used: int | None, left: int | None, authorized: int | None, what: str
) -> int | None:
    if left is None or authorized is None:
        return used
    if used is not None and authorized - used == left:
        return used
    if used is None:
        return authorized - left
    if authorized - used != left:
        d.table.warnings.append(
            f'Sheet "{d.table.sheet_at(d.index)}", row {d.row}: {what} remaining says {left}, but '
            f"{authorized} authorized - {used} used = {authorized - used}; the used count was kept."
        )
    return used
