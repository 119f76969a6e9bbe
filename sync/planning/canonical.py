"""The other sheets of authtrack's own export: Payers, Procedure Groups, Clients, Services.

A practice's log has one sheet of authorizations. A workbook that authtrack exported also carries
the payers, procedure groups, clients and services, so that importing it into an empty data file
reproduces the data and importing it into the data it came from changes nothing. Those sheets are
read only when the log sheet is authtrack's canonical Authorizations sheet.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from priorauth import coverage
from priorauth.model import (
    MANUAL_SOURCE,
    Authorization,
    ClientInsurance,
    ClientStatus,
    OutOfAuthPolicy,
    Priority,
    ProcedureGroup,
    Service,
    ServiceStatus,
)
from priorauth.store.codec import to_doc
from sync.parsing import appointment_cells, cells
from sync.parsing.logsheet import LogTable, RowError
from sync.planning import describe
from sync.planning.drafts import Draft
from sync.planning.merge import Item, Merger
from sync.reading.workbook import Workbook
from sync.recognising.columns import (
    AUTH_HEADERS,
    CLIENT_HEADERS,
    CLIENTS_SHEET,
    COVERAGE_HEADERS,
    COVERAGES_SHEET,
    GROUP_HEADERS,
    GROUPS_SHEET,
    PAYER_HEADERS,
    PAYERS_SHEET,
    PRIORITIES,
    SERVICE_HEADERS,
    SERVICE_LINE_HEADERS,
    SERVICE_LINES_SHEET,
    SERVICES_SHEET,
    Col,
    column_letter,
)


@dataclass
class SheetRows:
    """A canonical sheet: header in row 1, one record per row."""

    sheet: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bad: set[int] = field(default_factory=set)

    def error(self, row: int, header: str, message: str) -> None:
        self.bad.add(row)
        j = self.headers.index(header) + 1 if header in self.headers else 0
        cell = f"{column_letter(j)}{row}" if j else ""
        self.errors.append(RowError(self.sheet, row, header, message, cell))

    def parsed(self, row: int, values: dict[str, Any], header: str, parse: Callable) -> Any:
        raw = values.get(header, "")
        if raw == "" or raw is None:
            return None
        try:
            return parse(raw)
        except cells.CellError as e:
            self.error(row, header, str(e))
            return None


@dataclass
class Inputs:
    """Everything parsed from the workbook, ready to be planned (and re-planned)."""

    log: LogTable
    payers: SheetRows | None = None
    groups: SheetRows | None = None
    clients: SheetRows | None = None
    coverages: SheetRows | None = None
    services: SheetRows | None = None
    lines: SheetRows | None = None  # Service Lines (sync.planning.canonical_lines)
    # log rows whose unit totals (an hours line's fractions) are read from Service Lines instead
    forgiven: set[int] = field(default_factory=set)
    epoch_1904: bool = False
    user: str = ""
    canonical: bool = False  # authtrack's own export (its Confirmed column tells whose)
    # set while planning: the records each canonical row became (for error reports)
    _records: dict[tuple[str, int], tuple[SheetRows, int]] = field(default_factory=dict)

    def tables(self) -> Iterator[LogTable | SheetRows]:
        yield self.log
        for t in (
            self.payers,
            self.groups,
            self.clients,
            self.coverages,
            self.services,
            self.lines,
        ):
            if t is not None:
                yield t

    def fresh(self) -> Inputs:
        self._records = {}
        return self


def _header_texts(rows: list[list[Any]]) -> list[str]:
    return [cells.text(v) for v in rows[0]] if rows else []


def is_canonical(log: LogTable) -> bool:
    """Whether ``log`` is the Authorizations sheet of authtrack's own export (its headers)."""
    names = [log.header.names.get(j, "") for j in range(len(AUTH_HEADERS))]
    return log.header.index == 0 and [n.casefold() for n in names] == [
        h.casefold() for h, _ in AUTH_HEADERS
    ]


def read_inputs(wb: Workbook, log: LogTable) -> Inputs:
    inputs = Inputs(log, epoch_1904=wb.epoch_1904)
    if not is_canonical(log):
        return inputs
    inputs.canonical = True
    for attr, name, expected in (
        ("payers", PAYERS_SHEET, PAYER_HEADERS),
        ("groups", GROUPS_SHEET, GROUP_HEADERS),
        ("clients", CLIENTS_SHEET, CLIENT_HEADERS),
        ("coverages", COVERAGES_SHEET, COVERAGE_HEADERS),
        ("services", SERVICES_SHEET, SERVICE_HEADERS),
        ("lines", SERVICE_LINES_SHEET, SERVICE_LINE_HEADERS),
    ):
        if name not in wb.sheet_names:
            continue
        raw = wb.read(name)
        headers = _header_texts(raw.rows)
        if raw.first_row != 1 or raw.first_col != 1 or headers[: len(expected)] != expected:
            log.warnings.append(
                f'Sheet "{name}" is not laid out as authtrack exports it; it was not read.'
            )
            continue
        table = SheetRows(name, headers)
        for i, row in enumerate(raw.rows[1:], start=2):
            if all(cells.is_blank(v) for v in row):
                continue
            table.rows.append((i, dict(zip(headers, row, strict=False))))
        setattr(inputs, attr, table)
    return inputs


def _yes(table: SheetRows, row: int, values: dict[str, Any], header: str) -> bool | None:
    return table.parsed(row, values, header, cells.yes_no)


def merge_before(merger: Merger, inputs: Inputs) -> None:
    """Payers, procedure groups and clients, before the authorization rows refer to them."""
    if inputs.payers is not None:
        _merge_payers(merger, inputs, inputs.payers)
    if inputs.groups is not None:
        _merge_groups(merger, inputs, inputs.groups)
    if inputs.clients is not None:
        _merge_clients(merger, inputs, inputs.clients)
    if inputs.coverages is not None:
        _merge_coverages(merger, inputs, inputs.coverages)


def _merge_payers(merger: Merger, inputs: Inputs, table: SheetRows) -> None:
    for row, values in table.rows:
        name = cells.text(values.get("Payer"))
        if not name:
            table.error(row, "Payer", "the payer's name is missing.")
            continue
        required = _yes(table, row, values, "Prior Auth Required")
        turnaround = table.parsed(row, values, "Turnaround Days", lambda v: cells.count(v, "days"))
        if row in table.bad:
            continue
        payer = merger.payer(name)
        edited = payer if payer.id < 0 else dataclasses.replace(payer)
        edited.prior_auth_required = True if required is None else required
        edited.turnaround_days = 14 if turnaround is None else turnaround
        edited.notes = cells.text(values.get("Notes"))
        policy = cells.text(values.get("Outside Authorization")).lower()
        if policy in {p.value for p in OutOfAuthPolicy}:
            edited.out_of_auth_policy = OutOfAuthPolicy(policy)
        if payer.id < 0:
            continue
        if to_doc(edited) != to_doc(payer):
            merger.changes.payers.append(edited)
            merger.replace_payer(edited)
            inputs._records[("payers", edited.id)] = (table, row)


def _merge_groups(merger: Merger, inputs: Inputs, table: SheetRows) -> None:
    existing = {g.name.casefold(): g for g in merger.data.groups.values()}
    for row, values in table.rows:
        name = cells.text(values.get("Procedure Group"))
        codes = table.parsed(row, values, "Codes", cells.codes) or []
        if not name:
            table.error(row, "Procedure Group", "the group's name is missing.")
        if row in table.bad:
            continue
        group = existing.get(name.casefold())
        if group is None:
            group = ProcedureGroup(id=merger.new_id("groups"), name=name, codes=codes)
            existing[name.casefold()] = group
        elif group.codes != codes:
            group = dataclasses.replace(group, codes=codes)
        else:
            continue
        merger.changes.groups.append(group)
        inputs._records[("procedure_groups", group.id)] = (table, row)


def _merge_clients(merger: Merger, inputs: Inputs, table: SheetRows) -> None:
    for row, values in table.rows:
        client_id = cells.identifier(values.get("Client ID"))
        first = cells.text(values.get("First Name"))
        last = cells.text(values.get("Last Name"))
        dob = table.parsed(
            row, values, "Date of Birth", lambda v: cells.birth_date(v, inputs.epoch_1904)
        )
        status = cells.text(values.get("Status")).lower() or "active"
        if status not in (s.value for s in ClientStatus):
            table.error(row, "Status", f'"{status}" is not a client status: active or discharged.')
        if not client_id and not (first or last):
            table.error(row, "Last Name", "the client's name is missing.")
        insurances = []
        for priority, label in zip(Priority, PRIORITIES, strict=True):
            payer_name = cells.text(values.get(f"{label} Payer"))
            if not payer_name:
                continue
            required = _yes(table, row, values, f"{label} Prior Auth Required")
            member = cells.identifier(values.get(f"{label} Member ID"))
            insurances.append((priority, payer_name, member, required))
        if row in table.bad:
            continue
        client = merger.find_client(client_id, first, last, dob)
        if client is None:
            client = merger.new_client(client_id, first, last, dob, (table.sheet, row))
        else:
            client = merger.editable(client)
            client.first_name, client.last_name, client.dob = first, last, dob
            merger.client_rows.setdefault(client.id, (table.sheet, row))
        client.clinician = cells.text(values.get("Clinician"))
        client.status = ClientStatus(status)
        client.notes = cells.text(values.get("Notes"))
        new_list = []
        if inputs.coverages is not None:  # (the Coverages sheet gives them, with their dates)
            insurances = []
        for priority, payer_name, member, required in insurances:
            payer = merger.payer(payer_name)
            new_list.append(
                ClientInsurance(
                    payer_id=payer.id,
                    priority=priority,
                    member_id=member,
                    prior_auth_required=payer.prior_auth_required if required is None else required,
                )
            )
        coverage.set_coverages(client, new_list)
        inputs._records[("clients", client.id)] = (table, row)


def _merge_coverages(merger: Merger, inputs: Inputs, table: SheetRows) -> None:
    """The Coverages sheet: each client's coverages exactly as listed, past ones too."""
    by_client: dict[int, list[ClientInsurance]] = {}
    clients = {}
    for row, values in table.rows:
        client_id = cells.identifier(values.get("Client ID"))
        payer_name = cells.text(values.get("Payer"))
        priority = table.parsed(row, values, "Priority", cells.priority) or Priority.PRIMARY
        required = _yes(table, row, values, "Prior Auth Required")
        start = table.parsed(row, values, "Start", lambda v: cells.date(v, inputs.epoch_1904))
        end = table.parsed(row, values, "End", lambda v: cells.date(v, inputs.epoch_1904))
        if not payer_name:
            table.error(row, "Payer", "the payer is missing.")
        if row in table.bad:
            continue
        client = merger.find_client(client_id, "", "", None) if client_id else None
        if client is None:
            table.error(row, "Client ID", f"no client {client_id} in this workbook.")
            continue
        client = merger.editable(client)
        clients[client.id] = client
        payer = merger.payer(payer_name)
        by_client.setdefault(client.id, []).append(
            ClientInsurance(
                payer_id=payer.id,
                priority=priority,
                member_id=cells.identifier(values.get("Member ID")),
                prior_auth_required=payer.prior_auth_required if required is None else required,
                group_number=cells.identifier(values.get("Group")),
                subscriber_name=cells.text(values.get("Subscriber")),
                subscriber_relationship=cells.text(values.get("Relationship")),
                start_date=start,
                end_date=end,
            )
        )
        inputs._records.setdefault(("clients", client.id), (table, row))
    for client_id, coverages in by_client.items():
        coverage.set_coverages(clients[client_id], coverages)


def own_confirmations(inputs: Inputs, drafts: list[Draft]) -> None:
    """In authtrack's own export a plain "Yes" in Confirmed is a confirmation made in authtrack
    (its who and when are authtrack's records): it stays so, where a practice's log's "Yes" is
    kept as imported (and the export's "Yes (imported)" stays imported)."""
    if not inputs.canonical:
        return
    for d in drafts:
        said = d.table.values.get(Col.CONFIRMED)
        if d.auth.confirmed_imported and d.auth.confirmed_by and said and said[d.index] is True:
            d.auth.confirmed_imported = False


def merge_after(merger: Merger, inputs: Inputs, drafts: list[Draft]) -> None:
    """Services, once every authorization they may be pinned to is known (and an export's own
    confirmations told apart: :func:`own_confirmations`)."""
    own_confirmations(inputs, drafts)
    if inputs.services is None:
        return
    table = inputs.services
    by_number: dict[tuple[int, int, str], list[Authorization]] = defaultdict(list)
    for d in drafts:
        if d.auth.auth_number:
            by_number[(d.auth.client, d.auth.payer, d.auth.auth_number.casefold())].append(d.auth)
    existing: dict[tuple[int, int, Any, str], list[Service]] = defaultdict(list)
    for s in sorted(merger.data.services.values(), key=lambda s: s.id):
        existing[(s.client, s.payer, s.date, s.procedure_code)].append(s)
    for row, values in table.rows:
        client_id = cells.identifier(values.get("Client ID"))
        first, last = cells.split_name(values.get("Client Name"))
        day = table.parsed(
            row, values, "Date of Service", lambda v: cells.date(v, inputs.epoch_1904)
        )
        codes = table.parsed(row, values, "Procedure Code", cells.codes) or []
        units = table.parsed(row, values, "Units", lambda v: cells.count(v, "units"))
        payer_name = cells.text(values.get("Payer"))
        if day is None and row not in table.bad:
            table.error(row, "Date of Service", "the date of service is missing.")
        if not payer_name:
            table.error(row, "Payer", "the payer is missing.")
        if len(codes) > 1:
            table.error(row, "Procedure Code", "a service has one procedure code.")
        if row in table.bad:
            continue
        client = merger.find_client(client_id, first, last, None)
        if client is None:
            table.error(row, "Client ID", f"no client {client_id or last} in this workbook.")
            continue
        payer = merger.payer(payer_name)
        code = codes[0] if codes else ""
        pinned = cells.text(values.get("Counted Against")).lower() == "pinned"
        number = cells.identifier(values.get("Auth Number"))
        auth_id = _pinned_to(by_number.get((client.id, payer.id, number.casefold())), day)
        auth_id = auth_id if pinned else None
        if pinned and auth_id is None:
            table.warnings.append(
                f'Sheet "{table.sheet}", row {row}: the service is pinned to authorization '
                f'"{number}", which is not in the workbook; it counts against the covering one.'
            )
        fields = {
            "client": client.id,
            "payer": payer.id,
            "date": day,
            "procedure_code": code,
            "units": 1 if units is None else units,
            "authorization": auth_id,
            "recorded_by": cells.text(values.get("Recorded By")),
            "note": cells.text(values.get("Note")),
            "status": table.parsed(row, values, "Status", appointment_cells.status)
            or ServiceStatus.KEPT,
            "time": cells.text(values.get("Time")),
            "provider": cells.text(values.get("Provider")),
            "appointment_id": cells.identifier(values.get("Appointment ID")),
            "source": cells.text(values.get("Source")) or MANUAL_SOURCE,
            "override_reason": cells.text(values.get("Override Reason")),
        }
        if row in table.bad:
            continue
        matches = existing.get((client.id, payer.id, day, code))
        if matches:
            before = matches.pop(0)
            after = dataclasses.replace(before, **fields)
            if to_doc(after) == to_doc(before):
                continue
            service = after
        else:
            service = Service(id=merger.new_id("services"), **fields)
        merger.changes.services.append(service)
        inputs._records[("services", service.id)] = (table, row)


def described(merger: Merger, inputs: Inputs) -> list[Item]:
    """Items for the non-authorization records the plan writes."""
    out = []
    for kind, records in (
        ("payer", [p for p in merger.changes.payers if p.id > 0]),  # new ones: payers_created
        ("procedure group", merger.changes.groups),
        ("service", merger.changes.services),
    ):
        for record in records:
            where = inputs._records.get((record.TABLE, record.id))
            sheet, row = (where[0].sheet, where[1]) if where else (inputs.log.sheet, 0)
            verb = "new" if record.id < 0 else "changed"
            label = getattr(record, "name", "") or (
                f"{describe.value(getattr(record, 'date', None))} "
                f"{getattr(record, 'procedure_code', '')}"
            )
            out.append(Item(sheet, row, f"{verb} {kind} {label}".rstrip()))
    return out


def report(inputs: Inputs, table_name: str, record_id: int, errors: list[Any]) -> bool:
    """Put validation problems of a canonical-sheet record on its row; False if not ours."""
    where = inputs._records.get((table_name, record_id))
    if where is None:
        return False
    table, row = where
    table.error(row, "", " ".join(str(e) for e in errors))
    return True


__all__ = ["Inputs", "SheetRows", "merge_after", "merge_before", "read_inputs"]


def _pinned_to(auths: list[Authorization] | None, day: Any) -> int | None:
    """The authorization a pinned service names by number: of several sharing the number (an
    older file's), the one whose dates hold the service's day, else the last."""
    if not auths:
        return None
    for auth in auths:
        if (
            day is not None
            and (auth.start_date is None or auth.start_date <= day)
            and (auth.end_date is None or day <= auth.end_date)
        ):
            return auth.id
    return auths[-1].id
