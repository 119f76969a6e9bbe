"""Match the rows of an authorization log to authorizations: new, changed or unchanged.

Matching on re-import: payer + authorization number; else client + payer + start date + codes
(also used to give a number to an authorization first logged without one). "Used" columns become
carried-in usage once everything else is known (see :func:`settle_usage`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from priorauth import rules
from priorauth.bulk import overlay
from priorauth.model import DEFAULT_REMINDER_DAYS, Authorization, Client, RequestStatus
from sync import cells
from sync.columns import Col
from sync.logsheet import LogTable
from sync.merge import Merger
from sync.progress import STEP, Progress, no_progress

_AUTH_FIELDS = (
    Col.AUTH_NUMBER,
    Col.CODES,
    Col.START,
    Col.END,
    Col.PERIOD,
    Col.UNITS_AUTH,
    Col.VISITS_AUTH,
    Col.UNITS_USED,
    Col.VISITS_USED,
    Col.STATUS,
    Col.REQUESTED_ON,
)


@dataclass
class Draft:
    """An authorization as a row describes it, and where it came from."""

    table: LogTable
    index: int  # data row index in ``table``
    auth: Authorization
    before: Authorization | None  # the existing one it updates (None: new)
    explicit_active: bool  # the row said Yes/No (an Active column or an active/inactive status)
    units_used: int | None = None
    visits_used: int | None = None
    units_left: int | None = None
    visits_left: int | None = None

    @property
    def row(self) -> int:
        return self.table.rows[self.index]


class AuthMatcher:
    """Existing authorizations, indexed for matching, each matched at most once."""

    def __init__(self, merger: Merger) -> None:
        self.by_number: dict[tuple[int, str], Authorization] = {}
        self.by_start: dict[tuple[int, int, dt.date | None], list[Authorization]] = defaultdict(
            list
        )
        for auth in sorted(merger.data.authorizations.values(), key=lambda a: a.id):
            if auth.auth_number:
                self.by_number[(auth.payer, auth.auth_number.casefold())] = auth
            self.by_start[(auth.client, auth.payer, auth.start_date)].append(auth)
        self.taken: dict[int, int] = {}  # existing auth id -> spreadsheet row that matched it
        self.numbers_in_file: dict[tuple[int, str], int] = {}  # (payer, number) -> row

    def match(
        self, client_id: int, payer_id: int, number: str, start: Any, codes: list[str] | None
    ) -> Authorization | None:
        if number:
            found = self.by_number.get((payer_id, number.casefold()))
            if found is not None and found.id not in self.taken:
                return found
        if client_id < 0:
            return None
        want = set(codes) if codes is not None else None
        for auth in self.by_start.get((client_id, payer_id, start), []):
            if auth.id in self.taken:
                continue
            if number and auth.auth_number and auth.auth_number.casefold() != number.casefold():
                continue
            if want is None or set(auth.procedure_codes) == want:
                return auth
        return None


def merge_log(
    merger: Merger, table: LogTable, progress: Progress = no_progress, user: str = ""
) -> list[Draft]:
    """Drafts for the rows of ``table``; rows that cannot be used are reported on ``table``."""
    v = table.values
    n = len(table.rows)
    matcher = AuthMatcher(merger)
    drafts: list[Draft] = []
    none = [None] * n
    col = {c: v.get(c, none) for c in Col}
    has_auth_data = [c for c in _AUTH_FIELDS if c in v]
    name_col = Col.NAME if Col.NAME in v else (Col.LAST if Col.LAST in v else Col.CLIENT_ID)
    for i in range(n):
        if i % STEP == 0:
            progress(i, n, "matching rows")
        if i in table.bad:
            continue
        client_id = col[Col.CLIENT_ID][i] or ""
        if Col.NAME in v:
            first, last = cells.split_name(col[Col.NAME][i]) if col[Col.NAME][i] else ("", "")
        else:
            first, last = col[Col.FIRST][i] or "", col[Col.LAST][i] or ""
        dob = col[Col.DOB][i]
        payer_name = col[Col.PAYER][i] or ""
        if not client_id and not (first or last):
            table.error(i, name_col, "the client's name is missing.")
            continue
        if not payer_name:
            if Col.PAYER in v:
                table.error(i, Col.PAYER, "the payer (insurance) is missing.")
            else:
                table.error(i, None, "the log has no payer (insurance) column.")
            continue
        client = merger.find_client(client_id, first, last, dob)
        if client is None:
            client = merger.new_client(client_id, first, last, dob, (table.sheet, table.rows[i]))
        else:
            client = _update_client(merger, table, i, client, first, last, dob)
        clinician = col[Col.CLINICIAN][i]
        if clinician and clinician != client.clinician:
            client = merger.editable(client)
            client.clinician = clinician
        payer = merger.payer(payer_name)
        client, problem = merger.ensure_insurance(
            client, payer, col[Col.PRIORITY][i], col[Col.MEMBER_ID][i] or ""
        )
        if problem:
            table.error(i, Col.PAYER, problem)
            continue
        if not any(col[c][i] not in (None, "", []) for c in has_auth_data):
            continue  # a client and insurance, no authorization on this row
        draft = _draft(merger, matcher, table, i, col, client, payer.id, user)
        if draft is not None:
            drafts.append(draft)
    progress(n, n, "matching rows")
    return drafts


def _update_client(
    merger: Merger,
    table: LogTable,
    i: int,
    client: Client,
    first: str,
    last: str,
    dob: dt.date | None,
) -> Client:
    """Rows name a client the same way; a later spelling does not overwrite the first."""
    where = merger.client_rows.setdefault(client.id, (table.sheet, table.rows[i]))
    first_seen_here = where == (table.sheet, table.rows[i])
    differs = (first or last) and (
        " ".join(first.split()).casefold() != client.first_name.casefold()
        or " ".join(last.split()).casefold() != client.last_name.casefold()
    )
    if differs:
        if first_seen_here and client.id > 0:
            client = merger.editable(client)
            client.first_name, client.last_name = first, last
        elif not first_seen_here:
            merger.warnings.append(
                f'Sheet "{table.sheet}", row {table.rows[i]}: client {client.client_id or ""} '
                f'is written "{last}, {first}" but row {where[1]} has "{client.name}"; '
                "the first spelling was kept."
            )
    if dob is not None and dob != client.dob:
        if first_seen_here:
            client = merger.editable(client)
            client.dob = dob
        else:
            merger.warnings.append(
                f'Sheet "{table.sheet}", row {table.rows[i]}: a different date of birth '
                f"({dob:%m/%d/%Y}) for {client.name} than row {where[1]}; the first was kept."
            )
    return client


def _draft(
    merger: Merger,
    matcher: AuthMatcher,
    table: LogTable,
    i: int,
    col: dict[Col, list[Any]],
    client: Client,
    payer_id: int,
    user: str,
) -> Draft | None:
    v = table.values
    number = col[Col.AUTH_NUMBER][i] or ""
    codes = col[Col.CODES][i] if Col.CODES in v else None
    start, end = col[Col.START][i], col[Col.END][i]
    if Col.PERIOD in v and col[Col.PERIOD][i] is not None:
        p_start, p_end = col[Col.PERIOD][i]
        start = start if Col.START in v else p_start
        end = end if Col.END in v else p_end
    has_start = Col.START in v or Col.PERIOD in v
    if number:
        key = (payer_id, number.casefold())
        earlier = matcher.numbers_in_file.get(key)
        if earlier is not None:
            table.error(
                i,
                Col.AUTH_NUMBER,
                f"authorization {number} with this payer is already on row {earlier}; "
                "each authorization should appear once.",
            )
            return None
        matcher.numbers_in_file[key] = table.rows[i]
    before = matcher.match(client.id, payer_id, number, start if has_start else None, codes)
    if before is not None and before.client != client.id:
        owner = merger.client(before.client)
        table.error(
            i,
            Col.AUTH_NUMBER,
            f"authorization {number} with this payer already belongs to "
            f"{owner.name if owner else 'another client'}; check the client or the number.",
        )
        return None
    if before is not None:
        matcher.taken[before.id] = table.rows[i]
        auth = dataclasses.replace(before, procedure_codes=list(before.procedure_codes))
    else:
        auth = Authorization(id=merger.new_id("auths"), client=client.id, payer=payer_id)
    values: dict[str, Any] = {}
    if Col.AUTH_NUMBER in v:
        values["auth_number"] = number
    if codes is not None:
        values["procedure_codes"] = codes
    if has_start:
        values["start_date"], values["end_date"] = start, end
    elif Col.END in v:
        values["end_date"] = end
    if Col.UNITS_AUTH in v:
        values["units_authorized"] = col[Col.UNITS_AUTH][i]
    if Col.VISITS_AUTH in v:
        values["visits_authorized"] = col[Col.VISITS_AUTH][i]
    if Col.REMINDER in v:
        values["reminder_days"] = col[Col.REMINDER][i]
    elif before is None:
        values["reminder_days"] = DEFAULT_REMINDER_DAYS
    for c, name in (
        (Col.NOTES, "notes"),
        (Col.PAYER_REF, "payer_reference"),
    ):
        if c in v:
            values[name] = col[c][i] or ""
    for c, name in ((Col.REQUESTED_ON, "requested_on"), (Col.FOLLOW_UP, "follow_up_on")):
        if c in v:
            values[name] = col[c][i]
    if Col.CAP in v:
        cap = col[Col.CAP][i]
        values["cap_amount"], values["cap_period"] = (cap[0], cap[1]) if cap else (None, None)
        if cap:
            values["cap_measure"] = cap[2]
    explicit_active = False
    if Col.STATUS in v and col[Col.STATUS][i] is not None:
        req, activity = col[Col.STATUS][i]
        if req is not None:
            values["status"] = req
        if activity is not None:
            values["active"], explicit_active = activity, True
    elif Col.STATUS in v and before is None:
        values["status"] = RequestStatus.APPROVED
    if Col.ACTIVE in v:
        values["active"], explicit_active = bool(col[Col.ACTIVE][i]), True
    if Col.CONFIRMED in v or Col.CONFIRMED_BY in v:
        _confirmation(values, before, col, i, user, Col.CONFIRMED in v)
    for name, value in values.items():
        setattr(auth, name, value)
    if auth.status != RequestStatus.APPROVED and not explicit_active:
        auth.active = False
    return Draft(
        table,
        i,
        auth,
        before,
        explicit_active or before is not None,
        units_used=col[Col.UNITS_USED][i],
        visits_used=col[Col.VISITS_USED][i],
        units_left=col[Col.UNITS_LEFT][i],
        visits_left=col[Col.VISITS_LEFT][i],
    )


def _confirmation(
    values: dict[str, Any],
    before: Authorization | None,
    col: dict[Col, list[Any]],
    i: int,
    user: str,
    has_flag: bool,
) -> None:
    by = col[Col.CONFIRMED_BY][i] or ""
    at = col[Col.CONFIRMED_AT][i] or ""
    flag = col[Col.CONFIRMED][i] if has_flag else bool(by)
    if not flag:
        values["confirmed_by"], values["confirmed_at"] = "", ""
        return
    if before is not None and before.confirmed and not by:
        return  # still confirmed, as recorded
    values["confirmed_by"] = by or (before.confirmed_by if before else "") or user
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    values["confirmed_at"] = at or (before.confirmed_at if before else "") or now


def settle_activity(merger: Merger, drafts: list[Draft]) -> None:
    """One active authorization per client and payer.

    Rows that do not say whether they are active: the latest (by start date) approved one of a
    client and payer in the log is active. Where several end up active, the latest start wins;
    existing authorizations the log does not mention are made inactive when a log row is active.
    """
    groups: dict[tuple[int, int], list[Draft]] = defaultdict(list)
    for d in drafts:
        groups[(d.auth.client, d.auth.payer)].append(d)
    for (client_id, payer_id), group in groups.items():
        in_log = {d.before.id for d in group if d.before is not None}
        others = [
            a
            for a in (merger.data.authorizations_for(client_id, payer_id) if client_id > 0 else [])
            if a.active and a.id not in in_log
        ]
        undecided = [d for d in group if not d.explicit_active]
        if undecided:
            approved = [d for d in undecided if d.auth.status == RequestStatus.APPROVED]
            latest = max(approved, key=_start_key, default=None)
            newest_other = max((a.start_date or dt.date.min for a in others), default=None)
            if (
                latest is not None
                and newest_other is not None
                and (latest.auth.start_date or dt.date.min) < newest_other
            ):
                latest = None  # authtrack already has a later active one: leave it so
            for d in undecided:
                d.auth.active = d is latest
        active = [d for d in group if d.auth.active]
        if len(active) > 1:
            keep = max(active, key=_start_key)
            for d in active:
                if d is not keep:
                    d.auth.active = False
                    merger.warnings.append(
                        f'Sheet "{d.table.sheet}", row {d.row}: marked active, but row '
                        f"{keep.row} is a later active authorization for the same client and "
                        "payer; only that one stays active."
                    )
        if active:
            for other in others:
                merger.deactivated.append(dataclasses.replace(other, active=False))


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
        units_used = _used(d, d.units_used, d.units_left, auth.units_authorized, "units")
        visits_used = _used(d, d.visits_used, d.visits_left, auth.visits_authorized, "visits")
        if units_used is None and visits_used is None:
            continue
        tracked = [s for s in by_auth.get(auth.id, []) if s.date <= today]
        for used, tracked_count, name, what in (
            (units_used, sum(s.units for s in tracked), "carried_units_used", "units"),
            (visits_used, len({s.date for s in tracked}), "carried_visits_used", "visits"),
        ):
            if used is None:
                continue
            carried = used - tracked_count
            if carried < 0:
                merger.warnings.append(
                    f'Sheet "{d.table.sheet}", row {d.row}: the log says {used} {what} used, but '
                    f"authtrack already has {tracked_count} recorded; authtrack's count is kept."
                )
                carried = 0
            setattr(auth, name, carried)


def _used(
    d: Draft, used: int | None, left: int | None, authorized: int | None, what: str
) -> int | None:
    if left is None or authorized is None:
        return used
    if used is None:
        return authorized - left
    if authorized - used != left:
        d.table.warnings.append(
            f'Sheet "{d.table.sheet}", row {d.row}: {what} remaining says {left}, but '
            f"{authorized} authorized - {used} used = {authorized - used}; the used count was kept."
        )
    return used
