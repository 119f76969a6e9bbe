"""The Service Lines sheet of authtrack's own export: each authorization's lines, given to the
authorization of its Authorizations row.

A row names its authorization by client ID, auth number, payer and start date (and, where several
share those, by codes). An authorization with two or more rows gets exactly those lines, their
used counts becoming each line's carried-in usage (:func:`sync.planning.lines.settle_line_usage`).
One with a single row keeps what its Authorizations row says (where people edit it), taking from
this sheet only what that row cannot say: the line's procedure group and measure, and an hours
line's fractions of units. Lines of one authorization whose
codes overlap, counts that cannot be read, or a measure that is neither units nor hours are
errors naming the row and column, and the authorization is not imported.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from priorauth import rules, service_lines, usage
from priorauth.grammar import GrammarError, count, whole
from priorauth.model import LineMeasure, ServiceLine
from sync.parsing import cells
from sync.planning.canonical import Inputs, SheetRows
from sync.planning.drafts import Draft
from sync.planning.lines import LineRow
from sync.planning.merge import Merger
from sync.recognising.columns import Col

__all__ = ["apply_sheet", "forgive_totals"]

_Key = tuple[str, str, str, Any]  # client id, payer, number (folded), start date


def _amount(value: Any, what: str, fractions: bool) -> float | int | None:
    """A count as the sheet holds it; hours keep their fractions."""
    try:
        if isinstance(value, bool):
            raise GrammarError(f"{value} is not a number of {what}.")
        if isinstance(value, int | float):
            return whole(value, what, fractions=fractions)
        return count(cells.text(value), what, fractions=fractions)
    except GrammarError as e:
        raise cells.CellError(str(e)) from None


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _read(
    table: SheetRows, row: int, values: dict[str, Any], epoch_1904: bool
) -> tuple[_Key, LineRow] | None:
    client_id = cells.identifier(values.get("Client ID"))
    number = cells.identifier(values.get("Auth Number"))
    payer = cells.text(values.get("Payer"))
    start = table.parsed(row, values, "Start Date", lambda v: cells.date(v, epoch_1904))
    codes = table.parsed(row, values, "Procedure Codes", cells.codes) or []
    measure_text = cells.text(values.get("Measure")).lower() or LineMeasure.UNITS.value
    if measure_text not in {m.value for m in LineMeasure}:
        table.error(row, "Measure", f'"{measure_text}" is not a measure: units or hours.')
        return None
    hours = measure_text == LineMeasure.HOURS.value
    got = {
        h: table.parsed(row, values, h, lambda v, w=w, f=f: _amount(v, w, f))
        for h, w, f in (
            ("Units Authorized", "units", hours),
            ("Units Used", "units", hours),
            ("Visits Authorized", "visits", False),
            ("Visits Used", "visits", False),
        )
    }
    cap = table.parsed(row, values, "Cap", cells.cap)
    if not client_id:
        table.error(row, "Client ID", "the client ID is missing.")
    if not payer:
        table.error(row, "Payer", "the payer is missing.")
    if row in table.bad:
        return None
    line = ServiceLine(
        codes=codes,
        group=cells.text(values.get("Procedure Group")),
        units_authorized=got["Units Authorized"],
        visits_authorized=got["Visits Authorized"],
        cap_amount=cap[0] if cap else None,
        cap_period=cap[1] if cap else None,
        cap_measure=cap[2] if cap else ServiceLine().cap_measure,
        measure=LineMeasure(measure_text),
    )
    key = (client_id.casefold(), _fold(payer), number.casefold(), start)
    return key, LineRow(table.sheet, row, line, got["Units Used"], got["Visits Used"])


def _overlap(rows: list[LineRow], table: SheetRows) -> bool:
    """Report a line whose codes another line of the authorization already holds."""
    found = False
    for k, r in enumerate(rows):
        if len(rows) > 1 and not r.line.codes:
            table.error(
                r.row,
                "Procedure Codes",
                "a line of an authorization with several lines needs its procedure codes.",
            )
            found = True
            continue
        for earlier in rows[:k]:
            if earlier.line.codes and rules.codes_overlap(r.line.codes, earlier.line.codes):
                code = next(
                    (c for c in r.line.codes if service_lines.code_matches(c, earlier.line.codes)),
                    r.line.codes[0],
                )
                table.error(
                    r.row,
                    "Procedure Codes",
                    f"code {code} is already on row {earlier.row}'s line of this authorization; "
                    "each code belongs to one line.",
                )
                found = True
                break
    return found


def apply_sheet(merger: Merger, inputs: Inputs, drafts: list[Draft]) -> None:
    """Give each authorization of ``drafts`` the lines the Service Lines sheet lists for it
    (``drafts`` loses an authorization whose lines cannot be read)."""
    table = inputs.lines
    if table is None:
        return
    names = {p.id: p.name for p in (*merger.data.payers.values(), *merger.changes.payers)}
    by_key: dict[_Key, list[Draft]] = defaultdict(list)
    for d in drafts:
        client = merger.client(d.auth.client)
        key = (
            (client.client_id if client else "").casefold(),
            _fold(names.get(d.auth.payer, "")),
            d.auth.auth_number.casefold(),
            d.auth.start_date,
        )
        by_key[key].append(d)
    found: dict[int, list[LineRow]] = defaultdict(list)
    for row, values in table.rows:
        if row in table.bad:
            continue
        read = _read(table, row, values, inputs.epoch_1904)
        if read is None:
            continue
        key, line_row = read
        d = _owner(by_key.get(key, []), line_row.line.codes, found)
        if d is None:
            table.warnings.append(
                f'Sheet "{table.sheet}", row {row}: no authorization {key[2] or "(no number)"} '
                f"of client {key[0]} on the Authorizations sheet starts that day with that "
                "payer; the line was not imported."
            )
            continue
        found[id(d)].append(line_row)
    for d in list(drafts):
        rows = found.get(id(d), [])
        if not rows:
            continue  # (an older export: its Authorizations row says it all)
        if len(rows) == 1:
            _one_line(d, rows[0], d.index in inputs.forgiven)
            continue
        if _overlap(rows, table):
            bad = ", ".join(str(r.row) for r in rows if r.row in table.bad)
            d.table.error(
                d.index,
                Col.CODES,
                f'its service lines on sheet "{table.sheet}" cannot be read (row {bad}).',
            )
            drafts.remove(d)
            continue
        _give(merger, d, rows)


def _owner(
    candidates: list[Draft], codes: list[str], given: dict[int, list[LineRow]]
) -> Draft | None:
    """Of the authorizations a line's row names (several when they share a client, payer,
    number and start), the first holding its codes that has no line overlapping it yet (the
    sheet lists each authorization's lines together, in the Authorizations sheet's order)."""
    fitting = [d for d in candidates if _holds(d, codes)] or candidates
    for d in fitting:
        if not any(rules.codes_overlap(codes, r.line.codes) for r in given.get(id(d), ())):
            return d
    return fitting[0] if fitting else None


def _holds(d: Draft, codes: list[str]) -> bool:
    held = service_lines.all_codes(d.auth)
    return not held or all(service_lines.code_matches(c, held) for c in codes)


def _one_line(d: Draft, r: LineRow, forgiven: bool) -> None:
    """An authorization of one line: its Authorizations row, with the group and measure (and,
    when that row's unit totals had fractions, the units) of its Service Lines row."""
    own = service_lines.lines_of(d.auth)[0]
    line = dataclasses.replace(own, group=r.line.group, measure=r.line.measure)
    if not forgiven:
        d.auth = service_lines.with_lines(d.auth, [line])
        return
    line.units_authorized = r.line.units_authorized
    d.auth = service_lines.with_lines(d.auth, [line])
    d.lines = [dataclasses.replace(r, line=line, visits_used=d.visits_used)]
    d.units_used = d.visits_used = d.units_left = d.visits_left = None


def _give(merger: Merger, d: Draft, rows: list[LineRow]) -> None:
    auth = service_lines.with_lines(d.auth, [r.line for r in rows])
    totals = usage.stated_usage(auth)
    for col, total, what in (
        (Col.UNITS_AUTH, totals.units_authorized, "units"),
        (Col.VISITS_AUTH, totals.visits_authorized, "visits"),
    ):
        column = d.table.values.get(col)
        said = column[d.index] if column is not None else None
        if said is not None and said != total:  # (blank: not said, or hours' fractions)
            merger.warnings.append(
                f'Sheet "{d.table.sheet_at(d.index)}", row {d.row}: '
                f"{said} {what} authorized, but its service "
                f"lines add up to {'no cap' if total is None else f'{total:g}'}; the lines were "
                "kept."
            )
    d.auth = auth
    d.lines = rows
    d.units_used = d.visits_used = d.units_left = d.visits_left = None


_TOTALS = (Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT)


def forgive_totals(inputs: Inputs) -> None:
    """An authorization whose lines are in hours has unit totals with fractions on its
    Authorizations row, which a count column does not read; when the Service Lines sheet gives
    its lines, those totals are not needed: their errors are taken back and the
    row is read without them."""
    table, log = inputs.lines, inputs.log
    if table is None or not log.bad:
        return
    wanted = [log.column_name(c) for c in _TOTALS if log.has(c)]
    listed: dict[_Key, int] = defaultdict(int)
    for _, values in table.rows:
        try:
            start = cells.date(values.get("Start Date"), inputs.epoch_1904)
        except cells.CellError:
            continue
        listed[
            (
                cells.identifier(values.get("Client ID")).casefold(),
                _fold(cells.text(values.get("Payer"))),
                cells.identifier(values.get("Auth Number")).casefold(),
                start,
            )
        ] += 1
    v = log.values
    for i in sorted(log.bad):
        mine = [e for e in log.errors if e.row == log.rows[i] and e.sheet == log.sheet_at(i)]
        if not mine or any(e.column not in wanted for e in mine):
            continue
        key = (
            (_at(v, Col.CLIENT_ID, i) or "").casefold(),
            _fold(_at(v, Col.PAYER, i) or ""),
            (_at(v, Col.AUTH_NUMBER, i) or "").casefold(),
            _at(v, Col.START, i),
        )
        if not listed.get(key):
            continue
        log.errors = [e for e in log.errors if e not in mine]
        log.bad.discard(i)
        inputs.forgiven.add(i)
        for c in _TOTALS:
            if log.has(c):
                v[c][i] = None


def _at(values: dict[Col, list[Any]], col: Col, i: int) -> Any:
    column = values.get(col)
    return column[i] if column is not None else None
