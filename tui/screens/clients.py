"""Clients (home): who is authorized, what is left, what ends next. Type-to-filter with ``/``."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from priorauth.model import Client, ClientStatus
from tui import fmt
from tui.rows import ClientRow, client_rows, matches, worst
from tui.screens.base import BaseScreen
from tui.screens.dialogs import ConfirmDialog
from tui.table import Cell, Col, Formatted, RecordTable

# Auth numbers and counts are never cut (fit); names give way first.
COLUMNS = [
    Col("name", "Client", 12, flex=4),
    Col("cid", "ID", 5, fit=True),
    Col("dob", "Born", 10),
    Col("payer", "Payer", 7, flex=2),
    Col("auth", "Auth #", 8, fit=True),
    Col("units", "Units left", 6, align="right", short="U left", fit=True),
    Col("visits", "Visits left", 6, align="right", short="V left", fit=True),
    Col("ends", "Ends", 8),
]

SORTS: dict[str, str] = {
    "name": "name",
    "id": "client id",
    "left": "least left",
    "ends": "ending first",
}
VIEWS: dict[str, str] = {"active": "active", "discharged": "discharged", "all": "all clients"}


def _left_key(row: ClientRow) -> tuple[int, int]:
    lefts = [r for r in (row.units_remaining, row.visits_remaining) if r is not None]
    return (0, min(lefts)) if lefts else (1, 0)


SORT_KEYS = {
    "name": lambda r: (r.name.casefold(), r.id),
    "id": lambda r: (r.client_id.casefold(), r.id),
    "left": lambda r: (*_left_key(r), r.name.casefold()),
    "ends": lambda r: (r.next_end or dt.date.max, r.name.casefold()),
}


def count(remaining: int | None, authorized: int | None, row: ClientRow) -> str:
    if not row.auth_number:  # no active authorization: nothing is left, and nothing is capped
        return "—"
    if not row.counted:
        return "…"
    counted = fmt.count(remaining, authorized)
    if row.line and authorized is not None:  # several lines: the least-remaining one, named
        return f"{fmt.truncate(row.line, 6)} {counted}"
    return counted


def client_cells(row: ClientRow) -> list[Cell]:
    muted = "muted" if row.status == ClientStatus.DISCHARGED else ""
    level = worst(row.units_level, row.visits_level)
    return [
        (row.name, muted or ("" if level in ("ok", "none") else level)),
        (row.client_id, muted),
        (fmt.date(row.dob), muted),
        (row.payer, muted),
        (row.auth_number or "—", muted or ("muted" if not row.auth_number else "")),
        (count(row.units_remaining, row.units_authorized, row), muted or row.units_level),
        (count(row.visits_remaining, row.visits_authorized, row), muted or row.visits_level),
        (
            fmt.date(row.next_end, short=True, blank="open" if row.open_ended else ""),
            muted or row.end_level,
        ),
    ]


def _row_id(row: ClientRow) -> int:
    return row.id


class ClientsScreen(BaseScreen):
    WHERE = "Clients"
    PARTIAL_OK = True
    BINDINGS: ClassVar = [
        Binding(
            "slash", "filter", "Filter", id="clients_filter", tooltip="Filter clients by typing"
        ),
        Binding(
            "enter",
            "open",
            "Open",
            id="clients_open",
            show=False,
            tooltip="Open the client's authorizations",
        ),
        Binding("n", "new", "New client", id="clients_new"),
        Binding("e", "edit", "Edit", id="clients_edit", tooltip="Edit the client and insurances"),
        Binding(
            "s",
            "sort",
            "Sort",
            id="clients_sort",
            tooltip="Sort: name, id, least left, ending first",
        ),
        Binding(
            "a",
            "view",
            "Active/all",
            id="clients_view",
            tooltip="Show active, discharged or all clients",
        ),
        Binding(
            "d", "delete", "Delete", id="clients_delete", show=False, tooltip="Delete the client"
        ),
    ]
    PERMISSIONS: ClassVar = {"new": "edit", "edit": "edit", "delete": "delete"}

    def __init__(self) -> None:
        super().__init__()
        self.sort = "name"
        self.view = "active"
        self._formatted = Formatted()

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filter-bar"):
            yield Input(placeholder="/ filter: name, id, payer, auth #", id="filter", compact=True)
            yield Static(id="summary")
        yield RecordTable(COLUMNS, id="clients")
        yield Static(id="empty", classes="empty")

    def on_mount(self) -> None:
        self.query_one(RecordTable).focus()
        self._summary("Reading the data file…")
        super().on_mount()

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    # --- data ---------------------------------------------------------------------------------

    def refresh_data(self, keep: str | None = None) -> None:
        data = self.at.data
        if data is None:
            return
        rows = client_rows(data, self.at.today, counts=not self.at.partial)
        counts = {s: 0 for s in ClientStatus}
        for row in rows:
            counts[row.status] += 1
        query = self.query_one("#filter", Input).value
        shown = [
            r
            for r in rows
            if (self.view == "all" or r.status == self.view)
            and (not query or matches(r.search, query))
        ]
        shown.sort(key=SORT_KEYS[self.sort])
        self.table.set_rows(self._formatted.rows(shown, _row_id, client_cells), keep_key=keep)
        self._summary(
            f"{len(shown)} shown · {counts[ClientStatus.ACTIVE]} active · "
            f"{counts[ClientStatus.DISCHARGED]} discharged · {VIEWS[self.view]}, "
            f"by {SORTS[self.sort]}"
        )
        empty = self.query_one("#empty", Static)
        if not rows:
            empty.update(
                Text("No clients yet. Press n to add one, or 4 to import your authorization log.")
            )
        elif not shown:
            empty.update(Text("No client matches. Press escape in the filter to clear it."))
        empty.display = not shown

    def data_failed(self, message: str) -> None:
        if self.at.data is None:
            self._summary("The data file cannot be read.")
            empty = self.query_one("#empty", Static)
            empty.update(Text(message))
            empty.display = True

    def _summary(self, text: str) -> None:
        self.query_one("#summary", Static).update(Text(text))

    def selected(self) -> Client | None:
        key = self.table.current_key()
        data = self.at.data
        if key is None or data is None:
            return None
        return data.clients.get(int(key))

    # --- filter -------------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.refresh_data()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.set_focus(self.table)

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        box = self.query_one("#filter", Input)
        if box.has_focus and event.key in ("escape", "down"):
            if event.key == "escape":
                box.value = ""
            self.set_focus(self.table)  # now, not later: keys typed ahead go to the table
            event.stop()

    @on(RecordTable.Selected)
    def _row_selected(self) -> None:
        self.action_open()

    # --- actions ------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))  # now: typed-ahead keys filter

    def action_open(self) -> None:
        from tui.screens.client import ClientScreen

        client = self.selected()
        if client is not None:
            self.app.push_screen(ClientScreen(client.id))

    def action_new(self) -> None:
        from tui.forms.client_form import ClientForm

        self.app.push_screen(ClientForm(None), self._saved)

    def action_edit(self) -> None:
        from tui.forms.client_form import ClientForm

        client = self.selected()
        if client is not None:
            self.app.push_screen(ClientForm(client), self._saved)

    def _saved(self, client: Client | None) -> None:
        if client is not None:
            self.refresh_data(keep=str(client.id))

    def action_sort(self) -> None:
        keys = list(SORTS)
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self.refresh_data()

    def action_view(self) -> None:
        keys = list(VIEWS)
        self.view = keys[(keys.index(self.view) + 1) % len(keys)]
        self.refresh_data()

    def action_delete(self) -> None:
        client = self.selected()
        data = self.at.data
        if client is None or data is None:
            return
        auths = len(data.authorizations_for(client.id))
        services = len(data.services_by_client.get(client.id, []))
        question = (
            f"Delete {client.name} ({client.client_id}) with {auths} authorization"
            f"{'s' if auths != 1 else ''} and {services} service{'s' if services != 1 else ''}? "
            "The audit keeps a record of them. To keep the history, edit the client and set "
            "the status to discharged instead."
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self.at.store_call(
                    lambda t: t.delete_client(client),
                    done=lambda _: self.notify(f"Deleted {client.name}."),
                )

        self.app.push_screen(ConfirmDialog("Delete client", question, "Delete"), answer)
