"""Service lines in a practice's log: an ABA-style log writes one authorization number on several
rows, one per procedure code, each with its own units (97153 320, 97155 40, 97156 12).

:func:`sync.planning.line_groups.line_groups` finds such rows before any row is drafted (and
refuses the rows of one number that cannot be one authorization's lines). :func:`attach` gives
the head's draft the lines of its rows, :func:`keep_lines` keeps the lines of an authorization a
log writes on one row (its codes and totals), and :func:`settle_line_usage` turns each line's
Used (or Remaining) into its carried-in usage, as :func:`sync.planning.settle.settle_usage` does
for a whole authorization. Lines are read and written only through :mod:`priorauth.usage`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from priorauth import rules, service_lines, usage
from priorauth.model import ServiceLine, field_values
from priorauth.services.bulk import overlay
from sync.planning import describe
from sync.planning.drafts import Columns, Draft
from sync.planning.line_counts import settled_counts, used_of
from sync.planning.line_rows import LineRow, LinesRead, LinesReadLater, TableRows, described
from sync.planning.merge import Merger
from sync.planning.record_maker import record_maker
from sync.recognising.columns import Col

__all__ = [
    "LineMaker",
    "LineRow",
    "LinesRead",
    "LinesReadLater",
    "attach",
    "described",
    "keep_lines",
    "report_rows",
    "settle_line_usage",
]


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
        # (made when first asked for: settle=False, settle=True)
        self._new: dict[bool, _NewLines] = {}

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
        return self._new_lines(settle=False).made

    def settled(self) -> Callable[[int], LineRow]:
        """:meth:`fresh`, each line's carried-in usage already what :func:`settle_line_usage`
        makes of its row's counts when nothing tracked counts against the line (a new
        authorization's), and its row marked ``settled``; a row whose counts that function
        warns about (below zero) or cannot read is left to it, as :meth:`fresh` makes it.

        Exact because a new line's carried-in usage is its row's alone: settle_line_usage
        subtracts only what authtrack tracks on the line (nothing, for an authorization this
        import makes, unless a sheet of services is pinned to it: then it puts the line back as
        :meth:`fresh` makes it first), and nothing between the drafting and it reads or changes
        a log line's counts (a Service Lines sheet's rows replace the rows, unsettled). It
        saves a second pass over 20,000 lines, each line written once."""
        return self._new_lines(settle=True).made

    def _new_lines(self, settle: bool) -> _NewLines:
        """What :meth:`fresh` (or :meth:`settled`) makes a row's line and LineRow with: the
        values :meth:`line` gives a line without an old one (``_NO_LINE``'s where the log is
        blank or has no column), a column each."""
        made = self._new.get(settle)
        if made is not None:
            return made
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
        units_used, visits_used, units_left, visits_left = self._counts
        settled: Sequence[bool] = [False] * n
        if settle:
            none: list[Any] = [None] * n
            carried = settled_counts(
                n,
                (units_used, units_left, self._units or none, blank["carried_units_used"]),
                (visits_used, visits_left, self._visits or none, blank["carried_visits_used"]),
            )
            if carried is not None:
                settled, columns["carried_units_used"], columns["carried_visits_used"] = carried
        make_line = record_maker(ServiceLine, ("codes",), blank, columns)
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
                "settled": settled,
            },
        )
        codes = self._codes

        def lines_of(rows: Sequence[int]) -> list[ServiceLine]:
            if codes is None:
                return [make_line([], i) for i in rows]
            return [make_line(list(codes[i] or ()), i) for i in rows]

        def made_row(i: int) -> LineRow:
            return make_row(lines_of((i,))[0], i)

        made = self._new[settle] = _NewLines(
            lines_of, make_row, made_row, settled, False not in settled, sheets
        )
        return made

    def attach(self, d: Draft, indices: list[int]) -> None:
        """Give the head row's draft ``d`` the service lines of rows ``indices``: their codes,
        counts and caps; carried-in usage as the authorization had it where a line keeps its
        codes (the rows' Used columns settle it later). Their distinct notes are joined."""
        rows: Sequence[LineRow]
        if d.before is None:
            # (a new authorization: its lines as LineMaker.settled makes them, their LineRows
            # made only if asked for, see TableRows)
            new = self._new_lines(settle=True)
            held = new.lines(indices)
            settled = (
                [True] * len(indices)
                if new.every_row_settled
                else [new.settled[i] for i in indices]
            )
            rows = TableRows(
                new.row, indices, held, settled, new.sheets[indices[0]], self._table.rows
            )
        else:
            before = {frozenset(x.codes): x for x in service_lines.lines_of(d.before)}
            codes = self._codes
            made = []
            for i in indices:  # (rows in row order; sorted stably below)
                mine = frozenset(codes[i] or ()) if codes is not None else frozenset()
                made.append(self.row(i, self.line(i, before.get(mine))))
            # the lines in the order authtrack keeps them (a log's rows may be in another)
            order = {codes: k for k, codes in enumerate(before)}
            made.sort(key=lambda r: order.get(frozenset(r.line.codes), len(order)))
            rows, held = made, [r.line for r in made]
        # (each line was made above for this authorization alone, and the authorization for
        # this draft alone, by sync.planning.drafts: it takes them in place, not as a copy)
        auth = d.auth
        service_lines.hold_lines(auth, held)
        notes = self._notes
        if notes is not None:
            written = [n for i in indices if (n := notes[i])]  # (most rows: none, or one)
            auth.notes = "; ".join(dict.fromkeys(written)) if written[1:] else "".join(written)
        d.lines = rows
        d.units_used = d.visits_used = d.units_left = d.visits_left = None


class _NewLines(NamedTuple):
    """How :class:`LineMaker` makes the lines of rows for a new authorization (settled or not)."""

    lines: Callable[[Sequence[int]], list[ServiceLine]]  # the lines of these data rows
    row: Callable[[ServiceLine, int], LineRow]  # row i's LineRow holding its line
    made: Callable[[int], LineRow]  # row i's LineRow and line
    settled: Sequence[bool]  # each data row's LineRow.settled
    every_row_settled: bool
    sheets: list[str]  # each data row's sheet


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
        # (rows settled as their lines were made: only a new authorization's, LineMaker.attach;
        # its TableRows hold their flags without a LineRow made a row)
        rows = d.lines
        if d.before is None:
            settled = rows.settled if type(rows) is TableRows else list(map(_SETTLED, rows))
            if True in settled:
                if not services and False not in settled:
                    continue
                if services:  # (what is tracked is subtracted below: put back as made unsettled)
                    _unsettle(d, settled)
        tracked = usage.line_usages(d.auth, services, today) if services else None
        # (the lines are the draft's own, made by with_lines for it: set in place; one line is
        # held in the authorization's own fields, of the same names)
        held = service_lines.lines_of(d.auth)
        one = len(held) == 1
        for k, (r, line) in enumerate(zip(d.lines, held, strict=True)):
            target: Any = d.auth if one else line
            # (used_of asked only where the row gives no Used; a loop of the two counts written
            # out: an ABA log has a line on each of 20,000 rows)
            units_used, visits_used = r.units_used, r.visits_used
            if units_used is None:
                units_used = used_of(None, r.units_left, line.units_authorized)
            if visits_used is None:
                visits_used = used_of(None, r.visits_left, line.visits_authorized)
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


_SETTLED = attrgetter("settled")


def _unsettle(d: Draft, settled: list[bool]) -> None:
    """The settled lines of ``d`` put back as LineMaker.fresh makes them: without carried-in
    usage (settle_line_usage then settles them against what authtrack tracks)."""
    held = service_lines.lines_of(d.auth)
    one = len(held) == 1
    for line, was in zip(held, settled, strict=True):
        if was:
            target: Any = d.auth if one else line
            target.carried_units_used = _NO_LINE.carried_units_used
            target.carried_visits_used = _NO_LINE.carried_visits_used


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
    # (line_counts.whole, written out: a call less on each of 20,000 lines)
    return int(carried) if float(carried).is_integer() else carried


def report_rows(d: Draft, message: str) -> None:
    """An error on the head row of ``d``'s authorization said on its other rows too (none of its
    lines is imported without the others)."""
    for r in d.lines or ():
        if r.index is not None and r.index != d.index:
            d.table.error(r.index, None, message)
