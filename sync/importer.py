"""Import an authorization log: :func:`plan_import` reads and checks, :func:`apply_import` writes.

A plan says exactly what would be created, updated and left alone, and every row it cannot use
(by sheet, row and column). Applying is all-or-nothing unless ``skip_invalid``: a timestamped
backup of the data file first, then one transaction with one bulk insert per table; if someone
changed the data since the plan was made, the plan is made again under the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from priorauth.data import Data
from priorauth.grammar import DateOrder
from priorauth.model import Authorization, Client
from priorauth.practice import practice_date_order
from priorauth.services import bulk
from priorauth.services.tracker import Tracker
from priorauth.store.codec import to_doc
from priorauth.store.gcpause import gc_paused
from priorauth.store.identity import current_user
from sync.parsing.logsheet import LogTable, RowError, read_log
from sync.planning import canonical, canonical_lines, describe, lines
from sync.planning.applying import ImportBlocked, counts_json, write_planned
from sync.planning.drafts import Draft
from sync.planning.merge import Item, Merger
from sync.planning.merge_auths import merge_log
from sync.planning.service_groups import settle_groups
from sync.planning.settle import settle_activity, settle_usage
from sync.progress import Progress, no_progress
from sync.reading.workbook import open_workbook
from sync.recognising.columns import Col
from sync.recognising.fields import ERROR_COLUMNS
from sync.recognising.sheetreport import SheetReport
from sync.recognising.sheets import ALL_SHEETS, choose_log_sheet, choose_sheets
from sync.recognising.tabs import merge_tables

_MAX_PASSES = 4  # re-plans after validation removed rows (each pass removes at least one)


@dataclass
class ImportPlan:
    """What an import would do (see the module docstring). Nothing is written by planning."""

    path: Path
    sheet: str
    today: dt.date
    data: Data
    created: list[Item] = field(default_factory=list)
    updated: list[Item] = field(default_factory=list)
    unchanged: list[Item] = field(default_factory=list)
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    clients_created: list[Item] = field(default_factory=list)
    clients_updated: list[Item] = field(default_factory=list)
    payers_created: list[str] = field(default_factory=list)
    other_changes: list[Item] = field(default_factory=list)  # services, payers, groups
    changes: bulk.Changes = field(default_factory=bulk.Changes)
    inputs: canonical.Inputs | None = field(default=None, repr=False)
    sheets: list[SheetReport] = field(default_factory=list)  # how each sheet was read
    # every sheet that looks like a log, oldest first, when there are several to pick from
    log_sheets: list[str] = field(default_factory=list)
    # authorizations read from several rows of the log, a service line each (sync.planning.lines;
    # a plan's own: worked out when first read, lines.LinesReadLater)
    service_lines: Sequence[lines.LinesRead] = field(default_factory=list)

    @property
    def unread_columns(self) -> list[tuple[str, str, str]]:
        """(sheet, column letter, heading) of every column with values that was not read."""
        return [(r.sheet, c, h) for r in self.sheets for c, h in r.unread]

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def summary(self) -> str:
        """One paragraph for people: the counts, and what stops the import if anything."""
        parts = [
            f"{len(self.created)} to create",
            f"{len(self.updated)} to update",
            f"{len(self.unchanged)} unchanged",
        ]
        text = f'{self.path.name}, sheet "{self.sheet}": authorizations {", ".join(parts)}'
        extra = []
        if self.clients_created or self.clients_updated:
            extra.append(
                f"clients {len(self.clients_created)} new, {len(self.clients_updated)} changed"
            )
        if self.payers_created:
            extra.append(f"new payers: {', '.join(self.payers_created)}")
        if self.other_changes:
            extra.append(f"{len(self.other_changes)} other records")
        if extra:
            text += f" ({'; '.join(extra)})"
        text += "."
        if self.errors:
            rows = len({(e.sheet, e.row) for e in self.errors})
            text += (
                f" {rows} row{'s' if rows != 1 else ''} cannot be imported"
                f" ({len(self.errors)} problem{'s' if len(self.errors) != 1 else ''})."
            )
        if self.service_lines:
            n = len(self.service_lines)
            text += (
                f" {n} authorization{'s' if n != 1 else ''} read from several rows, a service "
                "line per row."
            )
        if self.warnings:
            text += f" {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}."
        return text

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's ``import --json`` object (counts are of authorizations)."""
        return counts_json(self) | {
            "clients_created": len(self.clients_created),
            "clients_updated": len(self.clients_updated),
            "payers_created": len(self.payers_created),
            "other_changes": len(self.other_changes),
            "sheets": [r.to_json() for r in self.sheets],
            "service_lines": [g.to_json() for g in self.service_lines],
        }


@dataclass
class ImportResult:
    plan: ImportPlan
    backup: Path | None
    written: bool

    @property
    def created(self) -> int:
        return len(self.plan.created)

    @property
    def updated(self) -> int:
        return len(self.plan.updated)

    @property
    def unchanged(self) -> int:
        return len(self.plan.unchanged)

    @property
    def skipped(self) -> int:
        return self.plan.skipped

    def summary(self) -> str:
        plan = self.plan
        if not self.written:
            n = len(plan.unchanged)
            text = (
                f"Nothing to change: {n} authorization{'s' if n != 1 else ''} already "
                f"match{'es' if n == 1 else ''}."
            )
        else:
            text = (
                f"Created {len(plan.created)} and updated {len(plan.updated)} authorizations "
                f"({len(plan.unchanged)} unchanged"
            )
            if plan.clients_created or plan.clients_updated:
                text += (
                    f"; clients: {len(plan.clients_created)} new, "
                    f"{len(plan.clients_updated)} changed"
                )
            text += ")."
        if plan.skipped:
            text += f" {plan.skipped} row{'s' if plan.skipped != 1 else ''} with errors skipped."
        if self.backup is not None:
            text += f" Backup of the data file before the import: {self.backup}."
        return text


def plan_import(
    path: str | Path,
    data: Data,
    *,
    sheet: str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    user: str = "",
    date_order: DateOrder | None = None,
) -> ImportPlan:
    """Read ``path`` and work out what importing it into ``data`` would do. Writes nothing.

    Text dates are read in the order each column shows; where a column shows none, in
    ``date_order`` (default: the practice's setting, month first).
    Raises :class:`~sync.errors.WorkbookError` when the file cannot be used at all.
    """
    progress = progress or no_progress
    path = Path(path)
    today = today or dt.date.today()
    if date_order is None:
        order, reason = practice_date_order(data), "the practice's date order"
    else:
        order, reason = date_order, f"--date-order {date_order}"
    progress(0, 1, "reading")
    with gc_paused():
        return _plan_import(path, data, sheet, today, progress, user, (order, reason))


def _plan_import(
    path: Path,
    data: Data,
    sheet: str | None,
    today: dt.date,
    progress: Progress,
    user: str,
    order: tuple[DateOrder, str],
) -> ImportPlan:
    with open_workbook(path) as wb:
        if (
            sheet is not None
            and sheet.casefold() == ALL_SHEETS
            and ALL_SHEETS not in {n.casefold() for n in wb.sheet_names}
        ):
            chosen = choose_sheets(wb)
            logs = [raw.name for raw, _ in chosen]
        else:
            raw, header, logs = choose_log_sheet(wb, sheet)
            chosen = [(raw, header)]
        progress(1, 1, "reading")
        tables = []
        for raw, header in chosen:
            read = read_log(
                raw,
                header,
                epoch_1904=wb.epoch_1904,
                progress=progress,
                order=order[0],
                order_reason=order[1],
                today=today,
            )
            assert read is not None
            tables.append(read)
        del chosen
        table = tables[0] if len(tables) == 1 else merge_tables(tables)
        inputs = canonical.read_inputs(wb, table)
        canonical_lines.forgive_totals(inputs)  # (an hours line's totals have fractions)
    inputs.user = user or current_user()
    plan = make_plan(path, data, inputs, today, progress)
    plan.log_sheets = logs if len(logs) > 1 else []
    return plan


def make_plan(
    path: Path, data: Data, inputs: canonical.Inputs, today: dt.date, progress: Progress
) -> ImportPlan:
    """The plan for already-parsed sheets against ``data`` (also used to re-plan under the
    lock)."""
    for attempt in range(_MAX_PASSES):
        plan, problems = _plan_once(path, data, inputs, today, progress)
        if not problems or attempt == _MAX_PASSES - 1:
            return plan
    raise AssertionError("unreachable")


def _plan_once(
    path: Path, data: Data, inputs: canonical.Inputs, today: dt.date, progress: Progress
) -> tuple[ImportPlan, bool]:
    log = inputs.log
    merger = Merger(data, today)
    merger.tell_apart_numbers = canonical.is_canonical(log)
    canonical.merge_before(merger, inputs)
    settle_groups(merger, log)
    drafts = merge_log(merger, log, progress, inputs.user)
    canonical_lines.apply_sheet(merger, inputs, drafts)
    settle_activity(merger, drafts)
    new_clients, changed_clients = merger.finish_clients()
    merger.changes.authorizations = [d.auth for d in drafts] + merger.deactivated
    canonical.merge_after(merger, inputs, drafts)
    settle_usage(merger, drafts)
    lines.settle_line_usage(merger, drafts)
    plan = ImportPlan(path=path, sheet=log.sheet, today=today, data=data, inputs=inputs)
    plan.sheets = [t.report for t in log.parts] if log.parts else [log.report]
    plan.service_lines = lines.LinesReadLater(drafts)  # (worked out when read)
    changed_auths = _classify(plan, merger, drafts)
    merger.changes.authorizations = changed_auths
    progress(0, 1, "checking")
    found = bulk.problems(data, merger.changes, today)
    progress(1, 1, "checking")
    if found:
        _report(found, merger, drafts, inputs)
        return plan, True
    names = {p.id: p.name for p in (*data.payers.values(), *merger.changes.payers)}
    rows, nowhere = merger.client_rows, (log.sheet, 0)
    plan.clients_created = [
        Item(*rows.get(c.id, nowhere), (_new_client_words, c)) for c in new_clients
    ]
    plan.clients_updated = [
        Item(
            *merger.client_rows.get(after.id, (log.sheet, 0)),
            f"client {after.name} ({after.client_id})",
            describe.changes(before, after, names),
        )
        for before, after in changed_clients
    ]
    plan.payers_created = [p.name for p in merger.changes.payers if p.id < 0]
    plan.other_changes = canonical.described(merger, inputs)
    plan.changes = merger.changes
    plan.errors = [e for t in inputs.tables() for e in t.errors]
    plan.skipped = len({(e.sheet, e.row) for e in log.errors if e.row})
    warnings = [w for t in inputs.tables() for w in t.warnings] + merger.warnings
    plan.warnings = list(dict.fromkeys(warnings))
    return plan, False


def _classify(plan: ImportPlan, merger: Merger, drafts: list[Draft]) -> list[Any]:
    """Fill the plan's created / updated / unchanged lists; return the authorizations to write."""
    names = {p.id: p.name for p in (*merger.data.payers.values(), *merger.changes.payers)}
    out = []
    # the client and payer are looked up now: applying the plan gives new records their real
    # ids, and the words may be asked for after that (each client once: rows share them)
    clients: dict[int, Client | None] = {}
    created, updated, unchanged = plan.created, plan.updated, plan.unchanged
    for d in drafts:
        auth, before = d.auth, d.before
        client = clients.get(auth.client, _MISSING)
        if client is _MISSING:
            client = clients[auth.client] = merger.client(auth.client)
        payer = names.get(auth.payer, "?")
        if before is None:
            table = d.table  # (a table of one sheet: its name, without a call a row)
            sheet = table.sheet if not table.parts else table.sheet_at(d.index)
            created.append(Item(sheet, d.row, (_words, "new ", auth, client, payer)))
            out.append(auth)
        elif auth == before or to_doc(auth) == to_doc(before):
            # (every field equal: the documents are too; the documents may be equal when the
            # values are not, an enum and its text)
            unchanged.append(
                Item(d.table.sheet_at(d.index), d.row, (_words, "", auth, client, payer))
            )
        else:
            changes = describe.changes(before, auth)
            words = (_words, "", auth, client, payer)
            updated.append(Item(d.table.sheet_at(d.index), d.row, words, changes))
            out.append(auth)
    for auth in merger.deactivated:
        client = merger.client(auth.client)
        text = describe.authorization(auth, client, names.get(auth.payer, "?"))
        updated.append(Item(plan.sheet, 0, text, ["active yes → no (a log row is active)"]))
        out.append(auth)
    return out


_MISSING: Any = object()


def _words(prefix: str, auth: Authorization, client: Client | None, payer: str) -> str:
    return prefix + describe.authorization(auth, client, payer)


def _new_client_words(client: Client) -> str:
    return f"new client {client.name} ({client.client_id})"


def _report(
    found: dict[tuple[str, int], list[Any]],
    merger: Merger,
    drafts: list[Draft],
    inputs: canonical.Inputs,
) -> None:
    """Turn validation problems into row errors, marking the rows bad for the next pass."""
    log = inputs.log
    by_auth = {d.auth.id: d for d in drafts}
    for (table_name, record_id), errors in found.items():
        if table_name == "authorizations" and record_id in by_auth:
            d = by_auth[record_id]
            for e in errors:
                col = ERROR_COLUMNS.get(e.field or "")
                if col is not None and not d.table.has(col):
                    col = Col.START if col is Col.END and d.table.has(Col.PERIOD) else None
                d.table.error(d.index, col, _lower_first(str(e)))
            lines.report_rows(d, f"row {d.row} of its authorization cannot be imported.")
            continue
        if canonical.report(inputs, table_name, record_id, errors):
            continue
        if table_name == "clients":
            _, row = merger.client_rows.get(record_id, (log.sheet, 0))
            rows = [d for d in drafts if d.auth.client == record_id] or []
            for d in rows or []:
                d.table.error(d.index, None, " ".join(_lower_first(str(e)) for e in errors))
            if not rows:
                for i, r in enumerate(log.rows):
                    if r == row:
                        log.error(i, None, " ".join(_lower_first(str(e)) for e in errors))
            continue
        # a payer (or an existing record) we cannot place on a row: report on the whole sheet
        log.errors.append(
            RowError(log.sheet, 0, "", " ".join(_lower_first(str(e)) for e in errors))
        )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def apply_import(tracker: Tracker, plan: ImportPlan, *, skip_invalid: bool = False) -> ImportResult:
    """Write ``plan``: backup first, then one transaction. Re-plans under the lock when the data
    changed since planning; refuses (nothing written) when rows have errors, unless
    ``skip_invalid`` (:func:`sync.planning.applying.write_planned`)."""
    inputs = plan.inputs

    def replan(data: Data) -> ImportPlan:
        assert inputs is not None
        return make_plan(plan.path, data, inputs.fresh(), plan.today, no_progress)

    final, backup, written = write_planned(
        tracker,
        plan,
        skip_invalid=skip_invalid,
        replan=replan if inputs is not None else None,
        summary=f"imported from {plan.path.name}",
    )
    return ImportResult(final, backup, written=written)


__all__ = [
    "ImportBlocked",
    "ImportPlan",
    "ImportResult",
    "LogTable",
    "RowError",
    "apply_import",
    "plan_import",
]
