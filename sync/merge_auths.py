"""Match the rows of an authorization log to authorizations: new, changed or unchanged.

Matching on re-import: payer + authorization number; else client + payer + start date + codes
(also used to give a number to an authorization first logged without one). "Used" columns become
carried-in usage once everything else is known (see :func:`settle_usage`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

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


@dataclass(slots=True)
class Draft:
    """An authorization as a row describes it, and where it came from."""

    table: LogTable
    index: int  # data row index in ``table``
    auth: Authorization
    before: Authorization | None  # the existing one it updates (None: new)
    # the row said Yes/No (an Active column or an active/inactive status), or it updates an
    # authorization authtrack already has (whose activity stands)
    explicit_active: bool
    units_used: int | None = None
    visits_used: int | None = None
    units_left: int | None = None
    visits_left: int | None = None
    said_active: bool = False  # the row itself says the authorization is active

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


class _Columns:
    """The parsed columns of a log, each a list by row (None where the log has no such
    column), bound once so that the per-row work is list indexing."""

    def __init__(self, table: LogTable) -> None:
        v = table.values
        self.present = set(v)
        get = v.get
        self.client_id, self.name, self.first, self.last = (
            get(Col.CLIENT_ID),
            get(Col.NAME),
            get(Col.FIRST),
            get(Col.LAST),
        )
        self.dob, self.payer, self.member_id, self.priority = (
            get(Col.DOB),
            get(Col.PAYER),
            get(Col.MEMBER_ID),
            get(Col.PRIORITY),
        )
        self.clinician, self.auth_number, self.codes = (
            get(Col.CLINICIAN),
            get(Col.AUTH_NUMBER),
            get(Col.CODES),
        )
        self.start, self.end, self.period = get(Col.START), get(Col.END), get(Col.PERIOD)
        self.units_used, self.units_left = get(Col.UNITS_USED), get(Col.UNITS_LEFT)
        self.visits_used, self.visits_left = get(Col.VISITS_USED), get(Col.VISITS_LEFT)
        self.cap, self.status, self.active = get(Col.CAP), get(Col.STATUS), get(Col.ACTIVE)
        self.confirmed, self.confirmed_by, self.confirmed_at = (
            get(Col.CONFIRMED),
            get(Col.CONFIRMED_BY),
            get(Col.CONFIRMED_AT),
        )
        # fields copied as they are, (attribute, column, blank value)
        self.copied = [
            (name, v[c], blank)
            for c, name, blank in (
                (Col.AUTH_NUMBER, "auth_number", ""),
                (Col.UNITS_AUTH, "units_authorized", None),
                (Col.VISITS_AUTH, "visits_authorized", None),
                (Col.REMINDER, "reminder_days", None),
                (Col.NOTES, "notes", ""),
                (Col.PAYER_REF, "payer_reference", ""),
                (Col.REQUESTED_ON, "requested_on", None),
                (Col.FOLLOW_UP, "follow_up_on", None),
            )
            if c in v
        ]
        self.auth_data = [v[c] for c in _AUTH_FIELDS if c in v]


_TEMPLATE = vars(Authorization(client=0, payer=0, reminder_days=DEFAULT_REMINDER_DAYS))


def merge_log(
    merger: Merger, table: LogTable, progress: Progress = no_progress, user: str = ""
) -> list[Draft]:
    """Drafts for the rows of ``table``; rows that cannot be used are reported on ``table``."""
    cols = _Columns(table)
    n = len(table.rows)
    matcher = AuthMatcher(merger)
    drafts: list[Draft] = []
    name_col = (
        Col.NAME
        if cols.name is not None
        else (Col.LAST if cols.last is not None else Col.CLIENT_ID)
    )
    payers: dict[str, Any] = {}  # the log's spelling -> payer
    split: dict[Any, tuple[str, str]] = {}  # a name as written -> (first, last)
    last_key: tuple[Any, ...] | None = None  # consecutive rows are often the same client
    last_client: Client | None = None
    bad = table.bad
    none: list[Any] = [None] * n  # the column of a field the log does not have
    ids, names, firsts, lasts = (
        cols.client_id or none,
        cols.name,
        cols.first or none,
        cols.last or none,
    )
    dobs, payer_names, clinicians = cols.dob or none, cols.payer or none, cols.clinician or none
    priorities, members = cols.priority or none, cols.member_id or none
    with_auth = [any(t) for t in zip(*cols.auth_data, strict=True)] if cols.auth_data else none
    for i in range(n):
        if i % STEP == 0:
            progress(i, n, "matching rows")
        if i in bad:
            continue
        client_id = ids[i] or ""
        if names is not None:
            name = names[i]
            parts = split.get(name)
            if parts is None:
                parts = split[name] = cells.split_name(name) if name else ("", "")
            first, last = parts
        else:
            first, last = firsts[i] or "", lasts[i] or ""
        dob = dobs[i]
        payer_name = payer_names[i] or ""
        if not client_id and not (first or last):
            table.error(i, name_col, "the client's name is missing.")
            continue
        if not payer_name:
            if cols.payer is not None:
                table.error(i, Col.PAYER, "the payer (insurance) is missing.")
            else:
                table.error(i, None, "the log has no payer (insurance) column.")
            continue
        key = (client_id, first, last, dob)
        if key == last_key and last_client is not None:
            client = merger.current(last_client)
        else:
            found = merger.find_client(client_id, first, last, dob)
            if found is None:
                client = merger.new_client(
                    client_id, first, last, dob, (table.sheet, table.rows[i])
                )
            else:
                client = _update_client(merger, table, i, found, first, last, dob)
        clinician = clinicians[i]
        if clinician and clinician != client.clinician:
            client = merger.editable(client)
            client.clinician = clinician
        payer = payers.get(payer_name)
        if payer is None:
            payer = payers[payer_name] = merger.payer(payer_name)
        client, problem = merger.ensure_insurance(client, payer, priorities[i], members[i] or "")
        last_key, last_client = key, client
        if problem:
            table.error(i, Col.PAYER, problem)
            continue
        if not with_auth[i]:
            continue  # a client and insurance, no authorization on this row
        draft = _draft(merger, matcher, table, cols, i, client, payer.id, user)
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
    cols: _Columns,
    i: int,
    client: Client,
    payer_id: int,
    user: str,
) -> Draft | None:
    present = cols.present
    number = (cols.auth_number[i] if cols.auth_number is not None else "") or ""
    codes = cols.codes[i] if cols.codes is not None else None
    if cols.codes is not None and codes is None:
        codes = []
    start = cols.start[i] if cols.start is not None else None
    end = cols.end[i] if cols.end is not None else None
    if cols.period is not None and cols.period[i] is not None:
        p_start, p_end = cols.period[i]
        start = start if cols.start is not None else p_start
        end = end if cols.end is not None else p_end
    has_start = cols.start is not None or cols.period is not None
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
        values = dict(vars(before))
        values["procedure_codes"] = list(before.procedure_codes)
    else:
        values = dict(_TEMPLATE)
        values["id"], values["client"], values["payer"] = (
            merger.new_id("auths"),
            client.id,
            payer_id,
        )
        values["procedure_codes"] = []
    for name, column, blank in cols.copied:
        value = column[i]
        values[name] = blank if value is None else value
    if codes is not None:
        values["procedure_codes"] = codes
    if has_start:
        values["start_date"], values["end_date"] = start, end
    elif cols.end is not None:
        values["end_date"] = end
    if cols.cap is not None:
        cap = cols.cap[i]
        values["cap_amount"], values["cap_period"] = (cap[0], cap[1]) if cap else (None, None)
        if cap:
            values["cap_measure"] = cap[2]
    explicit_active = False
    status = cols.status[i] if cols.status is not None else None
    if status is not None:
        req, activity = status
        if req is not None:
            values["status"] = req
        if activity is not None:
            values["active"], explicit_active = activity, True
    elif cols.status is not None and before is None:
        values["status"] = RequestStatus.APPROVED
    if cols.active is not None:
        values["active"], explicit_active = bool(cols.active[i]), True
    if Col.CONFIRMED in present or Col.CONFIRMED_BY in present:
        _confirmation(values, before, cols, i, user)
    if values["status"] != RequestStatus.APPROVED and not explicit_active:
        values["active"] = False
    auth = object.__new__(Authorization)  # every field is in ``values``: no __init__ needed
    auth.__dict__ = values
    return Draft(
        table,
        i,
        auth,
        before,
        explicit_active or before is not None,
        units_used=cols.units_used[i] if cols.units_used is not None else None,
        visits_used=cols.visits_used[i] if cols.visits_used is not None else None,
        units_left=cols.units_left[i] if cols.units_left is not None else None,
        visits_left=cols.visits_left[i] if cols.visits_left is not None else None,
        said_active=explicit_active and values["active"],
    )


def _confirmation(
    values: dict[str, Any], before: Authorization | None, cols: _Columns, i: int, user: str
) -> None:
    by = (cols.confirmed_by[i] if cols.confirmed_by is not None else None) or ""
    at = (cols.confirmed_at[i] if cols.confirmed_at is not None else None) or ""
    flag = cols.confirmed[i] if cols.confirmed is not None else bool(by)
    if not flag:
        values["confirmed_by"], values["confirmed_at"] = "", ""
        return
    if before is not None and before.confirmed and not by:
        return  # still confirmed, as recorded
    values["confirmed_by"] = by or (before.confirmed_by if before else "") or user
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    values["confirmed_at"] = at or (before.confirmed_at if before else "") or now
