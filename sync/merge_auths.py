"""Match the rows of an authorization log to authorizations: new, changed or unchanged.

Matching on re-import: payer + authorization number; else client + payer + start date + codes
(also used to give a number to an authorization first logged without one). "Used" columns become
carried-in usage once everything else is known (see :func:`settle_usage`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from priorauth.model import DEFAULT_REMINDER_DAYS, Authorization, Client, Record, RequestStatus
from sync import cells
from sync.columns import Col
from sync.logsheet import LogTable
from sync.merge import Merger
from sync.progress import STEP, Progress, no_progress

R = TypeVar("R", bound=Record)

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
    row: int  # the spreadsheet's row number (``table.rows[index]``)
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


class AuthMatcher:
    """Existing authorizations, indexed for matching, each matched at most once."""

    def __init__(self, merger: Merger) -> None:
        auths = merger.data.authorizations
        ids = list(auths)
        self._auths = (
            list(auths.values())
            if all(map(operator.lt, ids, ids[1:]))
            else sorted(auths.values(), key=lambda a: a.id)
        )
        self.by_number: dict[tuple[int, str], Authorization] = {
            (a.payer, a.auth_number.casefold()): a for a in self._auths if a.auth_number
        }
        self._by_start: dict[tuple[int, int, dt.date | None], list[Authorization]] | None = None
        self.taken: dict[int, int] = {}  # existing auth id -> spreadsheet row that matched it
        self.numbers_in_file: dict[tuple[int, str], int] = {}  # (payer, number) -> row

    def __bool__(self) -> bool:
        """Whether there is anything to match (not for a first import)."""
        return bool(self._auths)

    @property
    def by_start(self) -> dict[tuple[int, int, dt.date | None], list[Authorization]]:
        """(client, payer, start) -> authorizations, by id (built when first needed: rows that
        match by number never need it)."""
        if self._by_start is None:
            index: dict[tuple[int, int, dt.date | None], list[Authorization]] = defaultdict(list)
            for auth in self._auths:
                index[(auth.client, auth.payer, auth.start_date)].append(auth)
            self._by_start = index
        return self._by_start

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
        for auth in self.by_start.get((client_id, payer_id, start), ()):
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


def _record_maker(
    cls: type[R],
    given: tuple[str, ...] | None = None,
    defaults: dict[str, Any] | None = None,
    columns: dict[str, Sequence[Any]] | None = None,
) -> Callable[..., R]:
    """A function building a ``cls`` as ``__init__`` does: one attribute at a time, in field
    order, so that the record keeps its values inline (every later look at its fields is
    quicker than through an assigned ``__dict__``), and without ``__init__``'s cost.

    Without ``given``, the function takes one dictionary holding every field. With it, it
    takes those fields' values as arguments, in that order, then a row index ``i``: the fields
    in ``columns`` are ``columns[field][i]``, the others come from ``defaults``.
    """
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    bound: dict[str, Any] = {"new": object.__new__, "cls": cls}  # the function's closure
    if given is None:
        lines = ["    def make(values):", "        record = new(cls)"]
        lines += [f"        record.{name} = values[{name!r}]" for name in names]
    else:
        columns = columns or {}
        assert set(given) | set(columns) <= set(names), (given, columns)
        lines = [f"    def make({', '.join((*given, 'i'))}):", "        record = new(cls)"]
        for name in names:
            if name in given:
                lines.append(f"        record.{name} = {name}")
            elif name in columns:
                bound[f"column_{name}"] = columns[name]
                lines.append(f"        record.{name} = column_{name}[i]")
            else:
                bound[f"default_{name}"] = (defaults or {})[name]
                lines.append(f"        record.{name} = default_{name}")
    lines.append("        return record")
    lines.append("    return make")
    # the values are bound in a closure, not in the function's globals: a function in its
    # own globals is a reference cycle, which would keep the columns until the cyclic GC ran
    namespace: dict[str, Any] = {}
    exec("\n".join([f"def factory({', '.join(bound)}):", *lines]), namespace)
    factory = namespace.pop("factory")
    return factory(**bound)  # type: ignore[no-any-return]


_make_authorization = _record_maker(Authorization)


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
    # rows with nothing about an authorization (a client and insurance alone)
    bare: Sequence[int] = range(n)
    for column in cols.auth_data:
        bare = [i for i in bare if not column[i]]
    without_auth = set(bare)
    # what a row says about its client and insurance: a row saying exactly what the row before
    # it said (most rows of a log) finds that row's client and payer, without looking again
    told = (ids, names, firsts, lasts, dobs, payer_names, clinicians, priorities, members)
    present = [column for column in told if column is not None and column is not none]
    said = list(zip(*present, strict=True)) if present else [()] * n
    previous: tuple[Any, ...] | None = None
    found: tuple[Client, Any] | None = None  # client and payer of the row that said it
    draft = _drafter(merger, matcher, table, cols, user)
    for i in range(n):
        if i % STEP == 0:
            progress(i, n, "matching rows")
        if i in bad:
            continue
        if found is not None and said[i] == previous:
            client, payer = found
        else:
            previous, found = said[i], None
            warnings = len(merger.warnings)
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
                known = merger.find_client(client_id, first, last, dob)
                if known is None:
                    client = merger.new_client(
                        client_id, first, last, dob, (table.sheet, table.rows[i])
                    )
                else:
                    client = _update_client(merger, table, i, known, first, last, dob)
            clinician = clinicians[i]
            if clinician and clinician != client.clinician:
                client = merger.editable(client)
                client.clinician = clinician
            payer = payers.get(payer_name)
            if payer is None:
                payer = payers[payer_name] = merger.payer(payer_name)
            client, problem = merger.ensure_insurance(
                client, payer, priorities[i], members[i] or ""
            )
            last_key, last_client = key, client
            if problem:
                table.error(i, Col.PAYER, problem)
                continue
            if len(merger.warnings) == warnings:  # (a row that warned is looked at again)
                found = (client, payer)
        if i in without_auth:
            continue  # a client and insurance, no authorization on this row
        made = draft(i, client, payer.id)
        if made is not None:
            drafts.append(made)
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


def _drafter(
    merger: Merger, matcher: AuthMatcher, table: LogTable, cols: _Columns, user: str
) -> Callable[[int, Client, int], Draft | None]:
    """A function (row index, client, payer id) -> the row's draft (None when the row cannot be
    used; the reason is reported on ``table``). What can be worked out for a whole column
    (blanks, a period split into start and end) is worked out here, once."""
    n = len(table.rows)
    rows = table.rows
    none: list[Any] = [None] * n
    codes_col = [[] if v is None else v for v in cols.codes] if cols.codes is not None else none
    has_start = cols.start is not None or cols.period is not None
    has_end = cols.end is not None
    starts, ends = cols.start or none, cols.end or none
    if cols.period is not None:
        starts, ends = list(starts), list(ends)
        for i, p in enumerate(cols.period):
            if p is not None:
                if cols.start is None:
                    starts[i] = p[0]
                if cols.end is None:
                    ends[i] = p[1]
    # fields copied as they are, blank where the cell is
    copied = {
        name: [blank if v is None else v for v in column] for name, column, blank in cols.copied
    }
    numbers: Sequence[str] = copied.get("auth_number") or [""] * n
    units_used, visits_used = cols.units_used or none, cols.visits_used or none
    units_left, visits_left = cols.units_left or none, cols.visits_left or none
    caps, statuses, actives = cols.cap, cols.status, cols.active
    confirmed = Col.CONFIRMED in cols.present or Col.CONFIRMED_BY in cols.present
    in_file, taken, match = matcher.numbers_in_file, matcher.taken, matcher.match
    existing = bool(matcher)
    new_auth, make, approved = merger.id_maker("auths"), _make_authorization, RequestStatus.APPROVED
    # a new authorization: the row's values, and the defaults for the fields it does not have
    given: tuple[str, ...] = ("id", "client", "payer")
    columns: dict[str, Sequence[Any]] = dict(copied)
    if cols.codes is not None:
        columns["procedure_codes"] = codes_col
    else:
        given += ("procedure_codes",)  # (a list of its own each)
    if has_start:
        columns["start_date"], columns["end_date"] = starts, ends
    elif has_end:
        columns["end_date"] = ends
    make_new = _record_maker(Authorization, given, _TEMPLATE, columns)
    with_codes = cols.codes is not None

    def draft(i: int, client: Client, payer_id: int) -> Draft | None:
        number = numbers[i]
        if number:
            key = (payer_id, number.casefold())
            earlier = in_file.get(key)
            if earlier is not None:
                table.error(
                    i,
                    Col.AUTH_NUMBER,
                    f"authorization {number} with this payer is already on row {earlier}; "
                    "each authorization should appear once.",
                )
                return None
            in_file[key] = rows[i]
        before = None
        if existing:  # (not for a first import)
            codes, start, end = codes_col[i], starts[i], ends[i]
            before = match(client.id, payer_id, number, start if has_start else None, codes)
        if before is not None:
            if before.client != client.id:
                owner = merger.client(before.client)
                table.error(
                    i,
                    Col.AUTH_NUMBER,
                    f"authorization {number} with this payer already belongs to "
                    f"{owner.name if owner else 'another client'}; check the client or the "
                    "number.",
                )
                return None
            taken[before.id] = rows[i]
            values = dict(vars(before))
            values["procedure_codes"] = list(before.procedure_codes) if codes is None else codes
            for name, column in copied.items():
                values[name] = column[i]
            if has_start:
                values["start_date"], values["end_date"] = start, end
            elif has_end:
                values["end_date"] = end
            auth = make(values)
        elif with_codes:
            auth = make_new(new_auth(), client.id, payer_id, i)
        else:
            auth = make_new(new_auth(), client.id, payer_id, [], i)
        if caps is not None:
            cap = caps[i]
            auth.cap_amount, auth.cap_period = (cap[0], cap[1]) if cap else (None, None)
            if cap:
                auth.cap_measure = cap[2]
        explicit_active = False
        if statuses is not None:
            status = statuses[i]
            if status is not None:
                req, activity = status
                if req is not None:
                    auth.status = req
                if activity is not None:
                    auth.active, explicit_active = activity, True
            elif before is None:
                auth.status = approved
        if actives is not None:
            auth.active, explicit_active = bool(actives[i]), True
        if confirmed:
            _confirmation(auth, before, cols, i, user)
        if auth.status != approved and not explicit_active:
            auth.active = False
        return Draft(
            table,
            i,
            rows[i],
            auth,
            before,
            explicit_active or before is not None,
            units_used[i],
            visits_used[i],
            units_left[i],
            visits_left[i],
            explicit_active and auth.active,
        )

    return draft


def _confirmation(
    auth: Authorization, before: Authorization | None, cols: _Columns, i: int, user: str
) -> None:
    by = (cols.confirmed_by[i] if cols.confirmed_by is not None else None) or ""
    at = (cols.confirmed_at[i] if cols.confirmed_at is not None else None) or ""
    flag = cols.confirmed[i] if cols.confirmed is not None else bool(by)
    if not flag:
        auth.confirmed_by, auth.confirmed_at = "", ""
        return
    if before is not None and before.confirmed and not by:
        return  # still confirmed, as recorded
    auth.confirmed_by = by or (before.confirmed_by if before else "") or user
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    auth.confirmed_at = at or (before.confirmed_at if before else "") or now
