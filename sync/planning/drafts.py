"""An authorization as one row of a log describes it.

The log's parsed columns are bound once (:class:`Columns`), and :func:`drafter` works out what
can be for a whole column before making a function that drafts one row: the authorization the
row describes (new, built straight from its cells, or an existing one with the row's values),
its confirmation and activity, and the counts it says were used or are left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from priorauth.model import (
    DEFAULT_REMINDER_DAYS,
    Authorization,
    Client,
    RequestStatus,
    field_values,
)
from sync.parsing.logsheet import LogTable
from sync.planning.merge import Merger
from sync.planning.record_maker import record_maker
from sync.recognising.columns import Col
from sync.recognising.fields import ABOUT_AUTH, COPIED

if TYPE_CHECKING:
    from sync.planning.line_rows import LineRow
    from sync.planning.merge_auths import AuthMatcher


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
    # its service lines and the rows they came from (sync.planning.lines), when rows or a sheet
    # give them one by one; [] when kept as authtrack had them; None: the row's own counts
    lines: Sequence[LineRow] | None = None


class Columns:
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
        self.copied = [(name, v[c], blank) for name, c, blank in COPIED if c in v]
        self.auth_data = [v[c] for c in ABOUT_AUTH if c in v]
        self._numbers_apart: bool | None = None
        self._folded: list[str] | None = None
        self._folded_known = False

    def folded_numbers(self) -> list[str] | None:
        """Each row's authorization number case-folded ("" where blank), as :meth:`numbers_apart`,
        the drafts and the service-line groups compare them (each folded them on its own: three
        passes over an ABA log's 20,000 numbers); None when a number is not text. Worked out
        once."""
        if not self._folded_known:
            numbers = self.auth_number or ()
            if _TEXT_OR_BLANK.issuperset(map(type, numbers)):
                self._folded = [number.casefold() if number else "" for number in numbers]
            self._folded_known = True
        return self._folded

    def numbers_apart(self) -> bool:
        """Whether no two rows give one authorization number (as compared, case-folded; blank
        ones aside), as in most logs: then no row repeats another's number, and neither the
        drafts nor the service-line groups need look at them one by one (False when a number
        is not text: those ways then go on as they would). Worked out once."""
        if self._numbers_apart is None:
            folded = self.folded_numbers()
            if folded is None:
                self._numbers_apart = False
            else:
                distinct = set(folded)
                distinct.discard("")  # (blank numbers aside)
                self._numbers_apart = len(distinct) == len(folded) - folded.count("")
        return self._numbers_apart


_TEXT_OR_BLANK = frozenset({str, type(None)})


_TEMPLATE = field_values(Authorization(client=0, payer=0, reminder_days=DEFAULT_REMINDER_DAYS))


def drafter(
    merger: Merger,
    matcher: AuthMatcher,
    table: LogTable,
    cols: Columns,
    user: str,
    *,
    quick: bool = True,
    not_drafted: Collection[int] = (),
) -> Callable[[int, Client, int], Draft | None]:
    """A function (row index, client, payer id) -> the row's draft (None when the row cannot be
    used; the reason is reported on ``table``). What can be worked out for a whole column
    (blanks, a period split into start and end) is worked out here, once (with ``quick``, for
    a first import, the status and activity too: :func:`_first_drafter`). ``not_drafted``:
    rows the caller never drafts (another row's service lines, rows refused as such)."""
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
    # numbers no other row of the log that is drafted has (as compared, case-folded): no later
    # row can repeat such a row's number, so it is not noted (a log lists most numbers once;
    # when it lists every number once, none is: ``alone`` would hold them all). An ABA log's
    # number is on its every line's row, but only the first of those rows is drafted
    folded: list[str] = []
    alone: set[str] | None = None
    if not cols.numbers_apart():
        folded = cols.folded_numbers() or []  # (a number column: else they would be apart)
        if len(folded) != n:  # (not all text: every number noted)
            folded, alone = [""] * n, set()
        else:
            drafted = (
                [f for i, f in enumerate(folded) if i not in not_drafted] if not_drafted else folded
            )
            numbered = list(filter(None, drafted))
            if len(set(numbered)) != len(numbered):  # (else every drafted number is alone)
                alone = {number for number, times in Counter(drafted).items() if times == 1}
    units_used, visits_used = cols.units_used or none, cols.visits_used or none
    units_left, visits_left = cols.units_left or none, cols.visits_left or none
    caps, statuses, actives = cols.cap, cols.status, cols.active
    confirmed = Col.CONFIRMED in cols.present or Col.CONFIRMED_BY in cols.present
    in_file, taken, match = matcher.numbers_in_file, matcher.taken, matcher.match
    existing = bool(matcher)
    new_auth, approved = merger.id_maker("auths"), RequestStatus.APPROVED
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
    make_new = record_maker(Authorization, given, _TEMPLATE, columns)
    # an existing authorization a row updates: the same values from the row, its own for the
    # rest (its codes copied, as given, when the log has no codes column)
    own_codes = tuple(name for name in given if name == "procedure_codes")
    update = record_maker(Authorization, own_codes, columns=columns, from_record=True)
    with_codes = cols.codes is not None
    placeholders, unknown_counts = table.requested, table.pending
    tell_apart = merger.tell_apart_numbers
    services = copied.get("group")  # a service named in words ("Respite"), where no codes are
    if quick and not existing and alone is None:
        # a first import of a log listing each number once: see _first_drafter
        return _first_drafter(table, cols, columns, given, new_auth)

    def draft(i: int, client: Client, payer_id: int) -> Draft | None:
        number = numbers[i]
        if number and alone is not None and folded[i] not in alone:
            key = (payer_id, number.casefold())
            earlier = in_file.get(key)
            # (the codes as listed: compared as sets only when a number comes again)
            here = (rows[i], starts[i] if has_start else None, codes_col[i])
            if earlier is None:
                in_file[key] = [here]
            elif not (tell_apart and _told_apart(earlier, here, has_start)):
                service = services[i] if services is not None and not with_codes else ""
                table.error(
                    i,
                    Col.AUTH_NUMBER,
                    f"authorization {number} with this payer is already on row {earlier[0][0]}; "
                    + (
                        f"a second service under one number ({service}) is read as a service "
                        "line of it only by its procedure codes: add a CPT or HCPCS column with "
                        "each row's codes, or give each service its own authorization number."
                        if service
                        else "each authorization should appear once."
                    ),
                )
                return None
            else:  # (an older file's export: two authorizations under one number)
                merger.warnings.append(
                    f'Sheet "{table.sheet_at(i)}", row {rows[i]}: authorization {number} with '
                    f"this payer is also on row {earlier[0][0]}, with another start date or "
                    "codes; both are kept, told apart by those (check the number with the "
                    "payer: authtrack refuses a second one when it is typed)."
                )
                merger.changes.shared_numbers.add(key)
                earlier.append(here)
        before = None
        if existing:  # (not for a first import)
            codes, start = codes_col[i], starts[i]
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
            if with_codes:
                auth = update(before, i)
            else:
                auth = update(before, list(before.procedure_codes), i)
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
                if activity and req is None and auth.status != approved:
                    # "Active" where the log said "Pending": the payer approved it (a waiting
                    # request cannot be in force)
                    auth.status = approved
            elif before is None:
                auth.status = approved
        if actives is not None:
            auth.active, explicit_active = bool(actives[i]), True
        if confirmed:
            _confirmation(auth, before, cols, i)
        if i in placeholders and (
            statuses is None or statuses[i] is None or statuses[i][0] is None
        ):
            auth.status = placeholders[i]  # "pending" / "TBD" where the number goes
        if i in unknown_counts and auth.status == approved:
            auth.status = RequestStatus.PENDING  # a count not known yet never looks unlimited
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


def _standing(
    status: Any, active: Any, placeholder: RequestStatus | None, unknown: bool
) -> tuple[RequestStatus, bool, bool]:
    """A new authorization's (status, active, explicit_active) as :func:`drafter`'s ``draft``
    works them out for a row of status cell ``status`` (None: blank), Active cell ``active``
    (_NO_COLUMN: the log has none), auth number placeholder and unknown count."""
    auth_status, auth_active, explicit = _TEMPLATE["status"], _TEMPLATE["active"], False
    if status is not _NO_COLUMN:
        if status is not None:
            req, activity = status
            if req is not None:
                auth_status = req
            if activity is not None:
                auth_active, explicit = activity, True
            if activity and req is None and auth_status != RequestStatus.APPROVED:
                auth_status = RequestStatus.APPROVED
        else:
            auth_status = RequestStatus.APPROVED
    if active is not _NO_COLUMN:
        auth_active, explicit = bool(active), True
    if placeholder is not None and (status is _NO_COLUMN or status is None or status[0] is None):
        auth_status = placeholder
    if unknown and auth_status == RequestStatus.APPROVED:
        auth_status = RequestStatus.PENDING
    if auth_status != RequestStatus.APPROVED and not explicit:
        auth_active = False
    return auth_status, auth_active, explicit


_NO_COLUMN = object()  # (_standing: the log has no such column)


def _first_drafter(
    table: LogTable,
    cols: Columns,
    columns: dict[str, Sequence[Any]],
    given: tuple[str, ...],
    new_auth: Callable[[], int],
) -> Callable[[int, Client, int], Draft | None]:
    """``draft`` of :func:`drafter` for a first import of a log whose numbers are apart.

    Exact because there every row's authorization is new (no existing one to match, so
    ``before`` is None) and no number is checked against another row's (``alone`` is None):
    what ``draft`` then does to a row depends on its own cells only. The cap, the status and
    the activity it works out after building the record are worked out here instead, for the
    whole column at once (each distinct (status, Active) pair once, the few rows with a
    placeholder number or an unknown count one by one), and built into the record with the
    row's other values. tests/unit/test_first_drafts.py compares the two."""
    n = len(table.rows)
    rows = table.rows
    none: list[Any] = [None] * n
    statuses = cols.status if cols.status is not None else [_NO_COLUMN] * n
    actives = cols.active if cols.active is not None else [_NO_COLUMN] * n
    placeholders, unknown_counts = table.requested, table.pending
    if cols.status is None and cols.active is None:  # (one standing for every row, in C)
        status_of, active_of, explicit_of = _standing(_NO_COLUMN, _NO_COLUMN, None, False)
        status, active = [status_of] * n, [active_of] * n
        explicit = [explicit_of] * n
    else:
        pairs = list(zip(statuses, actives, strict=True))
        each = {pair: _standing(*pair, None, False) for pair in dict.fromkeys(pairs)}
        standing = list(map(each.__getitem__, pairs))
        status, active, explicit = (
            (list(c) for c in zip(*standing, strict=True)) if n else ([], [], [])
        )
    for i in placeholders.keys() | unknown_counts:
        status[i], active[i], explicit[i] = _standing(
            statuses[i], actives[i], placeholders.get(i), i in unknown_counts
        )
    said_active = (
        [e and a for a, e in zip(active, explicit, strict=True)] if True in explicit else explicit
    )
    columns = {**columns, "status": status, "active": active}
    if cols.cap is not None:
        caps = cols.cap
        columns["cap_amount"] = [c[0] if c else None for c in caps]
        columns["cap_period"] = [c[1] if c else None for c in caps]
        columns["cap_measure"] = [c[2] if c else _TEMPLATE["cap_measure"] for c in caps]
    make = record_maker(Authorization, given, _TEMPLATE, columns)
    units_used, visits_used = cols.units_used or none, cols.visits_used or none
    units_left, visits_left = cols.units_left or none, cols.visits_left or none
    confirmed = Col.CONFIRMED in cols.present or Col.CONFIRMED_BY in cols.present
    with_codes = cols.codes is not None

    def draft(i: int, client: Client, payer_id: int) -> Draft:
        if with_codes:
            auth = make(new_auth(), client.id, payer_id, i)
        else:
            auth = make(new_auth(), client.id, payer_id, [], i)
        if confirmed:
            _confirmation(auth, None, cols, i)
        return Draft(
            table,
            i,
            rows[i],
            auth,
            None,
            explicit[i],
            units_used[i],
            visits_used[i],
            units_left[i],
            visits_left[i],
            said_active[i],
        )

    return draft


def _confirmation(auth: Authorization, before: Authorization | None, cols: Columns, i: int) -> None:
    """A log's "Confirmed = Yes" is kept as confirmed (imported), with the log's own who and when
    where it has them, never credited to whoever runs the import (an authtrack export's own
    confirmations are told apart afterwards: :func:`sync.planning.canonical.own_confirmations`)."""
    by = (cols.confirmed_by[i] if cols.confirmed_by is not None else None) or ""
    at = (cols.confirmed_at[i] if cols.confirmed_at is not None else None) or ""
    flag = cols.confirmed[i] if cols.confirmed is not None else bool(by)
    if not flag:
        auth.confirmed_by, auth.confirmed_at, auth.confirmed_imported = "", "", False
        return
    if before is not None and before.confirmed and (not by or by == before.confirmed_by):
        return  # still confirmed, as recorded
    auth.confirmed_by, auth.confirmed_at, auth.confirmed_imported = by, at, True


def _codes(codes: Any) -> frozenset[str] | None:
    return frozenset(codes) if codes is not None else None


def _told_apart(
    earlier: list[tuple[int, Any, Any]], here: tuple[int, Any, Any], dated: bool
) -> bool:
    """Whether a row repeating a number is another authorization: a start date (or codes) no
    earlier row with that number has. Without a start column, rows are one authorization."""
    if not dated:
        return False
    start, codes = here[1], _codes(here[2])
    return all((other, _codes(theirs)) != (start, codes) for _, other, theirs in earlier)
