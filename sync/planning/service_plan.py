"""Import an appointment list: :func:`plan_services` reads and checks, :func:`apply_services`
writes — the authorization import's way (sync/importer.py): a timestamped backup of the data file,
then one transaction with one bulk insert (:mod:`priorauth.services.bulk`), all or nothing unless
``skip_invalid``; re-planned under the lock when the data changed since planning.

- **Idempotent:** each row is matched to the service recorded before
  (:mod:`sync.planning.service_match`); an equal one is unchanged, one whose status, units, time,
  provider... changed is updated.
- **Missing:** an imported service dated within the list's dates that no row names any more is
  reported, never deleted.
- **Authorizations:** every counting service of the list is matched to its authorization; those no
  authorization covers, past an authorization's units or visits, or after its end are listed
  (:mod:`priorauth.outofauth`). A new or changed one whose payer's policy is *block* is an error
  row; *warn* gives a warning.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from priorauth import outofauth
from priorauth.data import Data
from priorauth.grammar import DateOrder
from priorauth.model import OutOfAuthPolicy, Service, ServiceStatus, field_values
from priorauth.practice import practice_date_order
from priorauth.services import bulk
from priorauth.services.tracker import Tracker
from priorauth.store.gcpause import gc_paused
from priorauth.store.identity import current_user
from sync.parsing.logsheet import RowError
from sync.planning.applying import counts_json, write_planned
from sync.planning.record_maker import record_maker
from sync.planning.service_match import ClientFinder, PayerChooser, ServiceIndex
from sync.recognising.appointment_sheets import is_appointment_list, open_lists
from sync.recognising.appointments import A, AppointmentList, read_list
from sync.recognising.tabs import merge_lists

_COMPARED = ("client", "payer", "date", "time", "procedure_code", "units", "status")
_COMPARED += ("provider", "appointment_id")
_ID, _ROW, _SHEET = (operator.attrgetter(name) for name in ("id", "row", "sheet"))


@dataclass
class Listed:
    """One row of the list with the service it is (new, changed or as it was)."""

    row: int
    service: Service
    kind: str  # "created", "updated", "unchanged"
    changes: list[str] = field(default_factory=list)
    words: Callable[[Service], str] | None = field(default=None, repr=False)
    sheet: str = ""  # the row's tab, when several were merged (``--sheet all``)

    @property
    def description(self) -> str:
        return self.words(self.service) if self.words else f"service {self.service.date}"

    @property
    def where(self) -> str:
        """ "row 12", or 'sheet "Nov 2026", row 12' when tabs were merged."""
        return f'sheet "{self.sheet}", row {self.row}' if self.sheet else f"row {self.row}"

    def __str__(self) -> str:
        text = f"{self.where}: {self.description}"
        return f"{text}: {'; '.join(self.changes)}" if self.changes else text


@dataclass
class ServicePlan:
    RECORDS: ClassVar[str] = "services"  # what the counts count (the app's preview says so)

    path: Path
    sheet: str
    today: dt.date
    data: Data
    table: AppointmentList
    user: str
    created: list[Listed] = field(default_factory=list)
    updated: list[Listed] = field(default_factory=list)
    unchanged: list[Listed] = field(default_factory=list)
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    findings: list[tuple[int, outofauth.Finding]] = field(default_factory=list)  # (row, finding)
    # the tab of each finding's row, when several were merged (``--sheet all``; else "")
    finding_sheets: list[str] = field(default_factory=list, repr=False)
    missing: list[Service] = field(default_factory=list)
    changes: bulk.Changes = field(default_factory=bulk.Changes)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def found(self, kind: str) -> list[dict[str, Any]]:
        return [
            self._finding_json(n, row, f)
            for n, (row, f) in enumerate(self.findings)
            if f.kind == kind
        ]

    def finding_sheet(self, n: int) -> str:
        """The tab of the ``n``-th finding's row ("" unless tabs were merged)."""
        return self.finding_sheets[n] if n < len(self.finding_sheets) else ""

    def _finding_json(self, n: int, row: int, f: outofauth.Finding) -> dict[str, Any]:
        s = f.service
        client = self.data.clients.get(s.client)
        return {
            "row": row,
            "client_id": client.client_id if client else "",
            "client_name": client.name if client else "",
            "date": s.date.isoformat(),
            "code": s.procedure_code,
            "units": s.units,
            "payer": self.data.payer_name(s.payer),
            "auth_number": f.authorization.auth_number if f.authorization else "",
            "message": f.message,
        } | ({"sheet": sheet} if (sheet := self.finding_sheet(n)) else {})  # (tabs merged)

    def to_json(self) -> dict[str, Any]:
        """``import --json``'s object, the counts being of services, and the lists to act on."""
        return counts_json(self) | {
            "uncovered": self.found(outofauth.UNCOVERED),
            "over_units": self.found(outofauth.OVER_UNITS),
            "after_end": self.found(outofauth.AFTER_END),
            "missing": [self.describe(s) for s in self.missing],
        }

    def describe(self, s: Service) -> str:
        client = self.data.clients.get(s.client)
        name = client.name if client else "?"
        when = f"{s.date:%m/%d/%Y}" + (f" {s.time}" if s.time else "")
        code = f" {s.procedure_code}" if s.procedure_code else ""
        appt = f" (appointment {s.appointment_id})" if s.appointment_id else ""
        return f"{name} {when}{code}, {s.units} unit{'s' if s.units != 1 else ''}, {s.status}{appt}"

    def summary(self) -> str:
        text = (
            f'{self.path.name}, sheet "{self.sheet}": services {len(self.created)} to create, '
            f"{len(self.updated)} to update, {len(self.unchanged)} unchanged."
        )
        if self.errors:
            rows = len({(e.sheet, e.row) for e in self.errors})
            text += f" {rows} row{'s' if rows != 1 else ''} cannot be imported."
        counts = [
            (len(self.found(outofauth.UNCOVERED)), "outside any authorization"),
            (len(self.found(outofauth.OVER_UNITS)), "past an authorization's units"),
            (len(self.found(outofauth.AFTER_END)), "after an authorization's end"),
        ]
        said = [f"{n} {words}" for n, words in counts if n]
        if said:
            text += f" To act on: {', '.join(said)}."
        if self.missing:
            text += f" {len(self.missing)} imported before are no longer in the list."
        return text


def plan_services(
    path: str | Path,
    data: Data,
    *,
    sheet: str | None = None,
    today: dt.date | None = None,
    user: str = "",
    date_order: DateOrder | None = None,
) -> ServicePlan:
    """Read ``path`` and work out what importing it into ``data`` would do. Writes nothing.

    Text dates are read in the order each column shows; where a column shows none, in
    ``date_order`` (default: the practice's setting, month first), as ``import`` reads them.
    """
    path = Path(path)
    if date_order is None:
        order, reason = practice_date_order(data), "the practice's date order"
    else:
        order, reason = date_order, f"--date-order {date_order}"
    with gc_paused():
        wb, found = open_lists(path, sheet)
        with wb:
            tables = [
                read_list(
                    raw, header, epoch_1904=wb.epoch_1904, date_order=order, order_reason=reason
                )
                for raw, header in found
            ]
        del found
        table = tables[0] if len(tables) == 1 else merge_lists(tables)
        return make_plan(path, data, table, today or dt.date.today(), user or current_user())


def make_plan(
    path: Path, data: Data, table: AppointmentList, today: dt.date, user: str
) -> ServicePlan:
    plan = ServicePlan(path, table.sheet, today, data, table, user)
    plan.errors = list(table.errors)
    plan.warnings = list(table.warnings)
    listed = _match_rows(plan)
    blocked, view = _judge(plan, listed)
    if blocked:  # judged again without the blocked rows, for the lists
        listed = [item for item in listed if (item.sheet, item.row) not in blocked]
        _, view = _judge(plan, listed)
    for item in listed:
        getattr(plan, item.kind).append(item)
    plan.changes = bulk.Changes(
        services=[item.service for item in listed if item.kind != "unchanged"]
    )
    _validate(plan, listed, view)  # (the services judged are those changed: the same view)
    tabs = {t.sheet: n for n, t in enumerate(table.parts)}  # (merged tabs: oldest first)
    plan.errors.sort(key=lambda e: (tabs.get(e.sheet, 0), e.row, e.column))
    plan.skipped = len({(e.sheet, e.row) for e in plan.errors if e.row})
    return plan


def _shown(data: Data, name: str, value: Any) -> str:
    """A compared value as the list of changes writes it: a day as 09/01/2026, the payer and
    the client by name (not their record ids), a blank as "(blank)"."""
    if name == "payer" and isinstance(value, int):
        return data.payer_name(value)
    if name == "client" and isinstance(value, int):
        client = data.clients.get(value)
        return client.name if client is not None else f"client #{value}"
    if isinstance(value, dt.date):
        return f"{value:%m/%d/%Y}"
    return str(value) if value or value == 0 else "(blank)"


def _match_rows(plan: ServicePlan) -> list[Listed]:
    data, table = plan.data, plan.table
    appointments = table.appointments
    listed_days = [a.date for a in appointments]
    first = min(listed_days, default=dt.date.max)
    last = max(listed_days, default=dt.date.min)
    clients, index = ClientFinder(data), ServiceIndex(data, first, last)
    choose_payer = PayerChooser(data)
    source = plan.path.name
    make, update = _makers(plan.user, source)
    compared = operator.attrgetter(*_COMPARED)  # (a row's values, compared as one tuple)
    today, words, claimed = plan.today, plan.describe, index.claimed
    find, add = index.find, index.add
    kept, scheduled = ServiceStatus.KEPT, ServiceStatus.SCHEDULED
    listed: list[Listed] = []
    append = listed.append
    next_id = -1
    # (each distinct client of the list found once, its rows given it in C)
    for a, client in zip(appointments, clients.of_rows(appointments), strict=True):
        if client.__class__ is str:
            table.error(a.row, table.client_column(bool(a.client_id)), client, a.sheet)
            plan.errors.append(table.errors.pop())
            continue
        client_id = client.id
        current = find(client_id, a)
        if current is not None and current.id in claimed:
            plan.warnings.append(
                f'Sheet "{a.sheet or table.sheet}", row {a.row} repeats row '
                f"{claimed[current.id]} "
                "(the same appointment); it is counted once."
            )
            continue
        payer = choose_payer(client, a, current)
        if payer.__class__ is str:
            table.error(a.row, A.PAYER if a.payer else A.CLIENT_ID, payer, a.sheet)  # type: ignore[arg-type]
            plan.errors.append(table.errors.pop())
            continue
        day = a.date
        status = a.status or (kept if day <= today else scheduled)
        if current is None:
            service = make(
                next_id,
                client_id,
                payer,
                day,
                a.time,
                a.code,
                a.units,
                status,
                a.provider,
                a.appointment_id,
                0,
            )
            next_id -= 1
            add(service)
            claimed[service.id] = a.row
            append(Listed(a.row, service, "created", [], words, a.sheet))
            continue
        claimed[current.id] = a.row
        values = (client_id, payer, day, a.time, a.code, a.units, status, a.provider)
        values += (a.appointment_id,)  # (in _COMPARED's order)
        before = compared(current)
        if before == values:
            append(Listed(a.row, current, "unchanged", [], words, a.sheet))
            continue
        changes = [
            f"{name.replace('_', ' ')} {_shown(data, name, old)} → {_shown(data, name, value)}"
            for name, old, value in zip(_COMPARED, before, values, strict=True)
            if old != value
        ]
        service = update(current, *values, source, 0)
        append(Listed(a.row, service, "updated", changes, words, a.sheet))
    if appointments:
        claimed = index.claimed  # (the index holds every service dated within the list's days)
        plan.missing = [
            s
            for dated in index.by_key.values()
            for s in dated
            if s.id not in claimed and s.source != "manual"
        ]
        plan.missing.sort(key=lambda s: (s.date, s.time, s.id))
    return listed


def _makers(user: str, source: str) -> tuple[Callable[..., Service], Callable[..., Service]]:
    """``make(temporary id, *values in _COMPARED's order, 0)``: a new service recorded by
    ``user`` from ``source``; ``update(service, *values, source, 0)``: a copy of a recorded
    ``service`` with those values and that source. Generated
    (:mod:`sync.planning.record_maker`): a list makes a service per row, and
    ``Service(**values)`` takes five times as long (keyword arguments, defaults)."""
    blank = Service(client=0, payer=0, date=dt.date.min, recorded_by=user, source=source)
    make = record_maker(Service, ("id", *_COMPARED), field_values(blank))
    update = record_maker(Service, (*_COMPARED, "source"), from_record=True)
    return make, update


def _judge(plan: ServicePlan, listed: list[Listed]) -> tuple[set[tuple[str, int]], Data]:
    """Fill ``plan.findings``; the rows a blocking payer refuses (as errors) are returned, as
    (tab, row): the tab is "" unless tabs were merged, with the data as the list's new and
    changed services would make it (:func:`bulk.overlay`)."""
    services = [item.service for item in listed]
    changed = [item.service for item in listed if item.kind != "unchanged"]
    view = bulk.overlay(plan.data, bulk.Changes(services=changed)) if changed else plan.data
    rows = dict(zip(map(_ID, services), listed, strict=True))
    found = outofauth.check_many(view, services)
    items = [rows[f.service.id] for f in found]
    order = sorted(range(len(found)), key=list(map(_ROW, items)).__getitem__)  # (stable: by row)
    findings = [found[i] for i in order]
    items = [items[i] for i in order]
    plan.findings = list(zip(map(_ROW, items), findings, strict=True))
    plan.finding_sheets = list(map(_SHEET, items))
    blocked: set[tuple[str, int]] = set()
    warned: list[str] = []
    policies: dict[int, OutOfAuthPolicy] = {}  # (by payer: looked up once each)
    for f, item in zip(findings, items, strict=True):
        if item.kind == "unchanged" or item.service.override_reason:
            continue
        policy = policies.get(f.service.payer)
        if policy is None:
            policy = policies[f.service.payer] = outofauth.policy_for(view, f.service.payer)
        if policy == OutOfAuthPolicy.BLOCK:
            payer = view.payer_name(f.service.payer)
            plan.table.error(
                item.row,
                A.CODE if f.service.procedure_code else A.DATE,
                f"{f.message} {payer} blocks services outside an authorization or beyond its "
                "units; record it in authtrack with the billing role's override, or fix the "
                "authorization first.",
                item.sheet,
            )
            plan.errors.append(plan.table.errors.pop())
            blocked.add((item.sheet, item.row))
        elif policy == OutOfAuthPolicy.WARN:
            warned.append(f'Sheet "{item.sheet or plan.sheet}", row {item.row}: {f.message}')
    plan.warnings = list(dict.fromkeys([*plan.warnings, *warned]))
    return blocked, view


def _validate(plan: ServicePlan, listed: list[Listed], view: Data) -> None:
    """``view``: the data as ``plan.changes`` would make it."""
    found = bulk.problems(plan.data, plan.changes, plan.today, view if plan.changes else None)
    if not found:
        return
    rows = {item.service.id: item for item in listed}
    bad = set()
    for (_, record_id), errors in found.items():
        item = rows.get(record_id)
        sheet, row = (item.sheet or plan.sheet, item.row) if item else (plan.sheet, 0)
        bad.add(record_id)
        for e in errors:
            plan.errors.append(RowError(sheet, row, "", str(e)))
    plan.changes.services = [s for s in plan.changes.services if s.id not in bad]
    for name in ("created", "updated"):
        setattr(plan, name, [i for i in getattr(plan, name) if i.service.id not in bad])


@dataclass
class ServiceImportResult:
    plan: ServicePlan
    backup: Path | None
    written: bool

    def summary(self) -> str:
        plan = self.plan
        if not self.written:
            n = len(plan.unchanged)
            text = (
                f"Nothing to change: {n} service{'s' if n != 1 else ''} already "
                f"match{'es' if n == 1 else ''}."
            )
        else:
            text = (
                f"Created {len(plan.created)} and updated {len(plan.updated)} services "
                f"({len(plan.unchanged)} unchanged)."
            )
        if plan.skipped:
            text += f" {plan.skipped} row{'s' if plan.skipped != 1 else ''} with errors skipped."
        if self.backup is not None:
            text += f" Backup of the data file before the import: {self.backup}."
        return text


def apply_services(
    tracker: Tracker, plan: ServicePlan, *, skip_invalid: bool = False
) -> ServiceImportResult:
    """Write ``plan``: backup first, then one transaction (see the module docstring)."""

    def replan(data: Data) -> ServicePlan:
        before = {(e.sheet, e.row, e.message) for e in plan.errors}
        table = plan.table
        table.errors = [e for e in table.errors if (e.sheet, e.row, e.message) in before]
        return make_plan(plan.path, data, table, plan.today, plan.user)

    final, backup, written = write_planned(
        tracker,
        plan,
        skip_invalid=skip_invalid,
        replan=replan,
        summary=f"services imported from {plan.path.name}",
    )
    return ServiceImportResult(final, backup, written=written)


__all__ = [
    "ServiceImportResult",
    "ServicePlan",
    "apply_services",
    "is_appointment_list",
    "plan_services",
]
