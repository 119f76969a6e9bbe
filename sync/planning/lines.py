"""Service lines in a practice's log: an ABA-style log writes one authorization number on several
rows, one per procedure code, each with its own units (97153 320, 97155 40, 97156 12).

:func:`line_groups` finds such rows before any row is drafted: rows of one payer and number with
the same client, dates, status and activity, whose codes never overlap, are one authorization
(:class:`LineGroups`, the first row its head). Rows of one number that cannot be lines of one
authorization (a code another row already holds, other dates, another client) are refused on
the later row, saying why, and never merged. :func:`attach` gives the head's draft the lines of
its rows, :func:`keep_lines` keeps the lines of an authorization a log writes on one row (its
codes and totals), and :func:`settle_line_usage` turns each line's Used (or Remaining) into its
carried-in usage, as :func:`sync.planning.settle.settle_usage` does for a whole authorization.
Lines are read and written only through :mod:`priorauth.usage`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from priorauth import rules, service_lines, usage
from priorauth.model import ServiceLine, field_values
from priorauth.services.bulk import overlay
from sync.planning import describe
from sync.planning.drafts import Columns, Draft, record_maker
from sync.planning.merge import Merger
from sync.recognising.columns import Col

__all__ = [
    "LineGroups",
    "LineMaker",
    "LineRow",
    "LinesRead",
    "attach",
    "described",
    "keep_lines",
    "line_groups",
    "report_rows",
    "settle_line_usage",
]


@dataclass(slots=True)
class LineRow:
    """One service line and the row it came from, with the counts the row says were used or
    are left (turned into the line's carried-in usage by :func:`settle_line_usage`)."""

    sheet: str
    row: int
    line: ServiceLine
    units_used: float | None = None
    visits_used: int | None = None
    units_left: float | None = None
    visits_left: int | None = None
    index: int | None = None  # the data row in the log table (None: another sheet's row)


@dataclass
class LineGroups:
    """Rows of a log read as one authorization's service lines: head index -> every index of the
    group (head first, in row order)."""

    heads: dict[int, list[int]] = field(default_factory=dict)
    members: set[int] = field(default_factory=set)  # the rows after the head
    # rows repeating a number that cannot be lines of its authorization: (column, why), to be
    # reported on the row when the rows are gone through (in row order with the other errors)
    refused: dict[int, tuple[Col, str]] = field(default_factory=dict)

    def described(self, table: Any) -> list[str]:
        """ "ABA-1: 3 rows read as one authorization with 3 service lines" for each group."""
        numbers = table.values.get(Col.AUTH_NUMBER) or []
        out = []
        for head, indices in self.heads.items():
            rows = ", ".join(str(table.rows[i]) for i in indices)
            out.append(
                f'Sheet "{table.sheet_at(head)}", rows {rows}: {numbers[head]}: {len(indices)} '
                f"rows read as one authorization with {len(indices)} service lines."
            )
        return out


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value else ""


# what must agree on every row of one authorization's lines: (column, words for a difference)
_SAME: tuple[tuple[Col, str], ...] = (
    (Col.CLIENT_ID, "another client"),
    (Col.NAME, "another client"),
    (Col.FIRST, "another client"),
    (Col.LAST, "another client"),
    (Col.DOB, "another date of birth"),
    (Col.MEMBER_ID, "another member ID"),
    (Col.START, "another start date"),
    (Col.END, "another end date"),
    (Col.PERIOD, "other dates"),
    (Col.STATUS, "another status"),
    (Col.ACTIVE, "another Active"),
)


def line_groups(table: Any, cols: Columns, canonical: bool = False) -> LineGroups:
    """The groups of rows of ``table`` that are one authorization's service lines (nothing for
    authtrack's own export, whose lines are on their own sheet). Rows of one number that cannot
    join its first row are in ``refused``, to be reported (and so never drafted)."""
    groups = LineGroups()
    numbers, payers, codes = cols.auth_number, cols.payer, cols.codes
    if canonical or numbers is None or codes is None:
        return groups
    numbered = [number.casefold() for number in numbers if number]
    if len(set(numbered)) == len(numbered):
        return groups  # (each number on one row, as in most logs: no row is another's line)
    folded = [number.casefold() if number else "" for number in numbers]
    bad = table.bad
    # (a log names a few payers on thousands of rows: each folded once)
    if payers is not None:
        payer_keys = {payer: _norm(payer) for payer in set(payers)}
        keys = list(zip(map(payer_keys.__getitem__, payers), folded, strict=True))
    else:
        keys = [("", number) for number in folded]
    numbered_rows = [i for i, number in enumerate(folded) if number and i not in bad]
    # the rows of each (payer, number), in row order: a number's rows are mostly together, so
    # they are taken a run at a time (groupby, in C) rather than a row at a time
    by_key: dict[tuple[str, str], list[int]] = {}
    for key, run in groupby(numbered_rows, keys.__getitem__):
        found = by_key.get(key)
        if found is None:
            by_key[key] = list(run)
        else:
            found.extend(run)
    same = [(table.values[c], words) for c, words in _SAME if c in table.values]
    # each row's values of those columns, to see at once whether two rows agree on all of them
    agreed = list(zip(*(column for column, _ in same), strict=True)) if same else None
    base_of: dict[str, str] = {}  # a code -> its base code (a log lists a few dozen codes)
    for indices in by_key.values():
        if len(indices) < 2:
            continue
        head = indices[0]
        if _plainly_lines(indices, codes, agreed, base_of):  # (most groups)
            groups.heads[head] = indices
            groups.members.update(indices[1:])
            continue
        taken: list[tuple[int, list[str]]] = [(head, codes[head] or [])]
        held = _CodeSets(codes[head] or [])
        kept = [head]
        for i in indices[1:]:
            mine = codes[i] or []
            differ = same if agreed is None or agreed[head] != agreed[i] else []
            why = _why_not_a_line(differ, head, i, mine, taken, held, table)
            if why:
                groups.refused[i] = (
                    Col.AUTH_NUMBER if "code" not in why else Col.CODES,
                    f"authorization {numbers[i]} with this payer is already on row "
                    f"{table.rows[head]}, {why}; rows of one number are read as one "
                    "authorization's service lines only when the client, dates and status "
                    "agree and each row has codes of its own.",
                )
                continue
            taken.append((i, mine))
            held.add(mine)
            kept.append(i)
        if len(kept) > 1 and codes[head]:
            groups.heads[head] = kept
            groups.members.update(kept[1:])
    return groups


def _plainly_lines(
    indices: list[int],
    codes: list[Any],
    agreed: list[tuple[Any, ...]] | None,
    base_of: dict[str, str],
) -> bool:
    """Whether the rows ``indices`` of one number are plainly one authorization's lines, as
    the row-by-row check in :func:`line_groups` would find them: each row with codes, agreeing
    with the first on every column of ``_SAME``, and no two codes sharing a base code (codes
    that overlap share their base: then none overlaps another). Otherwise that check decides."""
    if agreed is not None:
        first = agreed[indices[0]]
        for i in indices:
            if agreed[i] != first:
                return False
    bases = []
    for i in indices:
        mine = codes[i]
        if not mine:
            return False
        for code in mine:
            base = base_of.get(code)
            if base is None:
                base = base_of[code] = code.split("-")[0]
            bases.append(base)
    return len(set(bases)) == len(bases)


class _CodeSets:
    """The codes of a group's rows as sets, so that whether a row's codes overlap them is a few
    set intersections (:func:`priorauth.rules.codes_overlap`'s rule: equal codes, or a code
    without a modifier and the same code with one)."""

    __slots__ = ("based", "exact", "plain")

    def __init__(self, codes: list[str]) -> None:
        self.exact: set[str] = set()
        self.plain: set[str] = set()
        self.based: set[str] = set()
        self.add(codes)

    def add(self, codes: list[str]) -> None:
        for c in codes:
            self.exact.add(c)
            self.based.add(c.split("-")[0])
            if "-" not in c:
                self.plain.add(c)

    def overlaps(self, codes: list[str]) -> bool:
        """Whether ``codes`` overlap these: the set intersections of ``_CodeSets(codes)`` with
        them (exact & exact, based & plain, plain & based), taken code by code (a row has one
        or two codes: no sets to build)."""
        exact, based, plain = self.exact, self.based, self.plain
        for c in codes:
            if c in exact or c.split("-")[0] in plain or ("-" not in c and c in based):
                return True
        return False


def _why_not_a_line(
    same: list[tuple[list[Any], str]],
    head: int,
    i: int,
    mine: list[str],
    taken: list[tuple[int, list[str]]],
    held: _CodeSets,
    table: Any,
) -> str:
    """Why row ``i`` cannot be a line of the authorization on row ``head`` ("" when it can);
    ``same``: the columns they must agree on (those that may differ)."""
    for column, words in same:
        if column[head] != column[i]:
            return f"with {words}"
    if not mine or not taken[0][1]:
        return "and a row without procedure codes cannot be one of several service lines"
    if not held.overlaps(mine):
        return ""
    for j, theirs in taken:
        if rules.codes_overlap(mine, theirs):
            shared = next((c for c in mine if service_lines.code_matches(c, theirs)), mine[0])
            return f"whose row {table.rows[j]} already holds code {shared}"
    return ""


class LineMaker:
    """The service lines of a log's rows, the columns a line is made from bound once (an ABA
    log has a line on each of its 20,000 rows)."""

    def __init__(self, cols: Columns, table: Any) -> None:
        none: list[Any] = [None] * len(table.rows)
        copied = {name: column for name, column, _ in cols.copied}
        self._table = table
        self._codes = cols.codes
        self._units = copied.get("units_authorized")
        self._visits = copied.get("visits_authorized")
        # hours (a heading in hours) and a service named in words are the row's, as on one row
        self._measures = copied.get("measure") or none
        self._groups = copied.get("group") or none
        self._caps = cols.cap
        self._notes = copied.get("notes")
        self._counts = (
            cols.units_used or none,
            cols.visits_used or none,
            cols.units_left or none,
            cols.visits_left or none,
        )
        self._fresh: Callable[[int], LineRow] | None = None  # (made when first asked for)

    def line(self, i: int, old: ServiceLine | None = None) -> ServiceLine:
        """The line row ``i`` gives: its codes, counts and cap; what the log has no column for,
        and the usage carried in (settled from the row's Used later), as the line ``old`` had
        it."""
        old = old or _NO_LINE
        codes, units, visits = self._codes, self._units, self._visits
        line = ServiceLine(
            codes=list(codes[i] or []) if codes is not None else [],
            group=self._groups[i] or old.group,
            units_authorized=units[i] if units is not None else old.units_authorized,
            visits_authorized=visits[i] if visits is not None else old.visits_authorized,
            carried_units_used=old.carried_units_used,
            carried_visits_used=old.carried_visits_used,
            cap_amount=old.cap_amount,
            cap_period=old.cap_period,
            cap_measure=old.cap_measure,
            measure=self._measures[i] or old.measure,
        )
        if self._caps is not None:
            cap = self._caps[i]
            line.cap_amount, line.cap_period = (cap[0], cap[1]) if cap else (None, None)
            line.cap_measure = cap[2] if cap else _NO_LINE.cap_measure
        return line

    def row(self, i: int, line: ServiceLine) -> LineRow:
        """``line`` as row ``i`` gives it, with the counts the row says were used or are left."""
        units_used, visits_used, units_left, visits_left = self._counts
        table = self._table
        return LineRow(
            table.sheet_at(i),
            table.rows[i],
            line,
            units_used[i],
            visits_used[i],
            units_left[i],
            visits_left[i],
            i,
        )

    def fresh(self) -> Callable[[int], LineRow]:
        """A function giving ``self.row(i, self.line(i))``: row ``i``'s line for a new
        authorization, and its counts. Each is built from columns worked out once for the whole
        log (every row of an ABA log is a line, most of them new: 20,000 lines and their rows),
        when first asked for (a LineMaker made for one row never builds them)."""
        if self._fresh is None:
            self._fresh = self._fresh_maker()
        return self._fresh

    def _fresh_maker(self) -> Callable[[int], LineRow]:
        """The function :meth:`fresh` gives: the values :meth:`line` gives a line without an
        old one (``_NO_LINE``'s where the log is blank or has no column), a column each."""
        table, n = self._table, len(self._table.rows)
        blank = field_values(_NO_LINE)
        columns: dict[str, Sequence[Any]] = {}
        if self._units is not None:
            columns["units_authorized"] = self._units
        if self._visits is not None:
            columns["visits_authorized"] = self._visits
        for name, values in (("group", self._groups), ("measure", self._measures)):
            if any(values):
                columns[name] = [v or blank[name] for v in values]
        if self._caps is not None:
            caps = self._caps
            columns["cap_amount"] = [cap[0] if cap else None for cap in caps]
            columns["cap_period"] = [cap[1] if cap else None for cap in caps]
            columns["cap_measure"] = [cap[2] if cap else blank["cap_measure"] for cap in caps]
        make_line = record_maker(ServiceLine, ("codes",), blank, columns)
        units_used, visits_used, units_left, visits_left = self._counts
        sheets = [table.sheet_at(i) for i in range(n)] if table.parts else [table.sheet] * n
        make_row = record_maker(
            LineRow,
            ("line",),
            columns={
                "sheet": sheets,
                "row": table.rows,
                "units_used": units_used,
                "visits_used": visits_used,
                "units_left": units_left,
                "visits_left": visits_left,
                "index": range(n),
            },
        )
        codes = self._codes
        if codes is None:
            return lambda i: make_row(make_line([], i), i)
        return lambda i: make_row(make_line(list(codes[i] or ()), i), i)

    def attach(self, d: Draft, indices: list[int]) -> None:
        """Give the head row's draft ``d`` the service lines of rows ``indices``: their codes,
        counts and caps; carried-in usage as the authorization had it where a line keeps its
        codes (the rows' Used columns settle it later). Their distinct notes are joined."""
        if d.before is None:
            rows = list(map(self.fresh(), indices))
        else:
            before = {frozenset(x.codes): x for x in service_lines.lines_of(d.before)}
            codes = self._codes
            rows = []
            for i in indices:  # (rows in row order; sorted stably below)
                mine = frozenset(codes[i] or ()) if codes is not None else frozenset()
                rows.append(self.row(i, self.line(i, before.get(mine))))
            # the lines in the order authtrack keeps them (a log's rows may be in another)
            order = {codes: k for k, codes in enumerate(before)}
            rows.sort(key=lambda r: order.get(frozenset(r.line.codes), len(order)))
        # (each line was made above for this authorization alone, and the authorization for
        # this draft alone, by sync.planning.drafts: it takes them in place, not as a copy)
        auth = d.auth
        service_lines.hold_lines(auth, [r.line for r in rows])
        notes = self._notes
        if notes is not None:
            written = [n for i in indices if (n := notes[i])]  # (most rows: none, or one)
            auth.notes = "; ".join(dict.fromkeys(written)) if written[1:] else "".join(written)
        d.lines = rows
        d.units_used = d.visits_used = d.units_left = d.visits_left = None


_NO_LINE = ServiceLine()  # (what a line has by default: only read, never changed)


def attach(d: Draft, indices: list[int], cols: Columns, table: Any) -> None:
    """:meth:`LineMaker.attach` (for one authorization; a log's many: one LineMaker)."""
    LineMaker(cols, table).attach(d, indices)


def keep_lines(d: Draft, cols: Columns, table: Any, lenient: bool) -> tuple[Col, str] | None:
    """A single row for an authorization authtrack holds in several lines. Written with all its
    codes (as the export's Authorizations sheet and a one-row-per-authorization log write it),
    the lines are kept when its authorized counts are their totals (its Used counts are not
    spread over the lines). Written with one line's codes (a log with a row per code, whose
    other lines were added in authtrack), it updates that line and keeps the others. Otherwise
    the row cannot say which line it means: (column, why) to report, unless ``lenient`` (authtrack's
    own export, whose Service Lines sheet gives the lines), when the lines are kept."""
    before = d.before
    if before is None or not before.lines or d.lines is not None:
        return None
    auth, lines = d.auth, service_lines.lines_of(before)
    codes = set(auth.procedure_codes)
    mine = [k for k, line in enumerate(lines) if set(line.codes) == codes]
    if cols.codes is not None and len(mine) == 1 and not lenient:
        k = mine[0]
        i = d.index
        maker = LineMaker(cols, table)
        rows = [LineRow(table.sheet_at(i), d.row, line) for line in lines]
        rows[k] = maker.row(i, maker.line(i, lines[k]))
        d.auth = service_lines.with_lines(auth, [r.line for r in rows])
        d.lines = rows
        d.units_used = d.visits_used = d.units_left = d.visits_left = None
        return None
    total = usage.stated_usage(before)
    copied_names = {name for name, _, _ in cols.copied}
    same_codes = cols.codes is None or codes == set(service_lines.all_codes(before))
    same_counts = not (
        ("units_authorized" in copied_names and auth.units_authorized != total.units_authorized)
        or (
            "visits_authorized" in copied_names
            and auth.visits_authorized != total.visits_authorized
        )
    )
    if not lenient and not (same_codes and same_counts):
        number = before.auth_number or "(no number)"
        return (
            Col.CODES if not same_codes else Col.UNITS_AUTH,
            f"authorization {number} has {len(lines)} service lines in authtrack "
            f"({describe.lines_words(before)}), and this row gives "
            f"{'other codes' if not same_codes else 'other counts'} for all of them; write a "
            "row for each code, or change its lines in authtrack.",
        )
    d.auth = service_lines.with_lines(auth, lines)
    d.lines = []  # (kept as they were: nothing to settle line by line)
    d.units_used = d.visits_used = d.units_left = d.visits_left = None
    return None


def settle_line_usage(merger: Merger, drafts: list[Draft]) -> None:
    """Each line's carried-in usage from its row's Used (or Remaining) counts, less what
    authtrack already tracks on that line (so that an export imported back changes nothing)."""
    lined = [d for d in drafts if d.lines]
    if not lined:
        return
    today = merger.today
    by_auth: dict[int | None, list[Any]] = {}
    if merger.has_services():
        by_auth = rules.services_by_authorization(overlay(merger.data, merger.changes))
    for d in lined:
        assert d.lines is not None
        services = by_auth.get(d.auth.id) if by_auth else None
        tracked = usage.line_usages(d.auth, services, today) if services else None
        # (the lines are the draft's own, made by with_lines for it: set in place; one line is
        # held in the authorization's own fields, of the same names)
        held = service_lines.lines_of(d.auth)
        one = len(held) == 1
        for k, (r, line) in enumerate(zip(d.lines, held, strict=True)):
            target: Any = d.auth if one else line
            # (_used asked only where the row gives no Used; a loop of the two counts written
            # out: an ABA log has a line on each of 20,000 rows)
            units_used, visits_used = r.units_used, r.visits_used
            if units_used is None:
                units_used = _used(None, r.units_left, line.units_authorized)
            if visits_used is None:
                visits_used = _used(None, r.visits_left, line.visits_authorized)
            if units_used is not None:
                counted = 0.0
                if tracked is not None:
                    counted = tracked[k].usage.units_used - line.carried_units_used
                target.carried_units_used = _carried(merger, r, line, units_used, counted, "units")
            if visits_used is not None:
                counted = 0.0
                if tracked is not None:
                    counted = tracked[k].usage.visits_used - line.carried_visits_used
                target.carried_visits_used = _carried(
                    merger, r, line, visits_used, counted, "visits"
                )


def _carried(
    merger: Merger, r: LineRow, line: ServiceLine, used: Any, counted: float, what: str
) -> Any:
    """What a line carries in: the log's ``used`` less what authtrack already ``counted``
    there (never below zero: then authtrack's count is kept, with a warning)."""
    carried = used - counted
    if carried < 0:
        merger.warnings.append(
            f'Sheet "{r.sheet}", row {r.row}: the log says {used} {what} used on '
            f"{', '.join(line.codes)}, but authtrack already has {counted:g} recorded "
            "there; authtrack's count is kept."
        )
        carried = 0
    return int(carried) if float(carried).is_integer() else carried


def _used(used: Any, left: Any, authorized: Any) -> Any:
    if left is None or authorized is None or used is not None:
        return used
    return authorized - left


@dataclass(frozen=True)
class LinesRead:
    """An authorization read from several rows of a log, one service line each."""

    sheet: str
    rows: tuple[int, ...]
    auth_number: str
    codes: tuple[tuple[str, ...], ...]  # each line's codes

    def __str__(self) -> str:
        n = len(self.rows)
        rows = ", ".join(map(str, self.rows))
        return (
            f"{self.auth_number}: {n} rows read as one authorization with {n} service lines "
            f'(sheet "{self.sheet}", rows {rows}: '
            f"{'; '.join(', '.join(c) for c in self.codes)})."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "rows": list(self.rows),
            "auth_number": self.auth_number,
            "lines": [list(c) for c in self.codes],
            "message": str(self),
        }


def described(drafts: list[Draft]) -> list[LinesRead]:
    """The authorizations the log gave in several rows (not those of another sheet)."""
    found = []
    for d in drafts:  # (a loop of list displays: an ABA log has thousands)
        rows = d.lines
        if not rows or len(rows) < 2:
            continue
        indices = [r.index for r in rows]
        if len(indices) - indices.count(None) > 1:  # (rows of this sheet, not another's)
            found.append(
                LinesRead(
                    rows[0].sheet,
                    tuple([r.row for r in rows]),
                    d.auth.auth_number,
                    tuple([tuple(r.line.codes) for r in rows]),
                )
            )
    return found


def report_rows(d: Draft, message: str) -> None:
    """An error on the head row of ``d``'s authorization said on its other rows too (none of its
    lines is imported without the others)."""
    for r in d.lines or ():
        if r.index is not None and r.index != d.index:
            d.table.error(r.index, None, message)
