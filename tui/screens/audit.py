"""The audit trail: who changed what, when, before and after; newest first. Read only.

The trail is read and worked into rows in a worker (an agency's trail has a row for every
service ever recorded); filtering by client, user and text then picks among those rows.
Opened from a client's tracker it shows that client's changes: its record, its authorizations
and services, deleted ones included (:func:`priorauth.audit.clients_of`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from priorauth import audit
from priorauth.data import Data
from priorauth.errors import AuthTrackError
from priorauth.model import AuditEntry
from priorauth.services.tracker import Tracker
from tui import fmt
from tui.rows import matches
from tui.screens.base import FilteredListScreen
from tui.screens.dialogs import PickDialog
from tui.table import Cell, Col, RecordTable, Row
from tui.widgets import TopBar

COLUMNS = [
    Col("when", "When", 13, fit=True),
    Col("user", "User", 8, flex=1),
    Col("client", "Client", 12, flex=2),
    Col("what", "What", 18, flex=4),
    Col("changes", "Changes", 20, flex=4, hide_below=110),
]
CHANGES_SHOWN = 4  # in the Changes column; the detail and enter show every one


@dataclass(frozen=True, eq=False)
class AuditRow:
    """One entry as the screen shows and filters it."""

    entry: AuditEntry
    title: str  # what changed, its record named as people know it ("deleted the 90832 ...")
    record: str  # "the 90832 service of 12/04/2026", "authorization #12"
    line: Row  # (key, cells): the same tuple each time, so refills compare cheaply
    clients: frozenset[int]
    search: str


@dataclass(frozen=True, eq=False)
class Trail:
    """The whole trail, worked out in the worker: rows newest first."""

    data: Data
    rows: list[AuditRow]
    names: dict[int, str]  # Client.id -> name, deleted clients included
    users: list[str]


def read_trail(tracker: Tracker) -> tuple[Data, list[AuditEntry]]:
    """Under the store lock: the records and the trail, as of the same moment."""
    return tracker.data(), tracker.store.audit()


def build_trail(read: tuple[Data, list[AuditEntry]], now: dt.datetime) -> Trail:
    data, entries = read
    owners = audit.client_of_records(entries, data)
    names = audit.client_names(entries, data)
    named = audit.RecordNames(entries, data, names)
    rows = []
    times: dict[str, str] = {}  # one transaction's entries share their time
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        clients = frozenset(audit.clients_of(entry, owners))
        who = client_text(clients, names)
        when = times.get(entry.at)
        if when is None:
            when = times[entry.at] = fmt.when(audit.entry_time(entry), now)
        title = named.summary(entry)
        short = named.summary(entry, short=True)
        rows.append(
            AuditRow(
                entry,
                title,
                named.record(entry),
                (str(index), cells(entry, when, who, short, data)),
                clients,
                f"{audit.search_text(entry)} {who.casefold()}",
            )
        )
    return Trail(data, rows, names, audit.users(entries))


def client_text(clients: frozenset[int], names: dict[int, str]) -> str:
    if len(clients) == 1:
        (client,) = clients
        return names.get(client, f"client #{client}")
    return f"{len(clients)} clients" if clients else ""


def change_text(change: audit.Change, action: str) -> str:
    if action == "create":
        return f"{change.label} {change.after}"
    if action == "delete":
        return f"{change.label} was {change.before}"
    return f"{change.label} {change.before} → {change.after}"


def changes_line(entry: AuditEntry, data: Data | None, limit: int | None = None) -> str:
    found = audit.changes(entry, data, limit)
    if not found and entry.record_ids:
        return f"{len(entry.record_ids)} {audit.record_word(entry)} records in one change"
    texts = [change_text(c, entry.action) for c in found]
    if limit is not None and len(entry.changes) > limit:
        texts.append(f"+{len(entry.changes) - limit} more")
    return " · ".join(texts)


def cells(entry: AuditEntry, when: str, who: str, title: str, data: Data) -> list[Cell]:
    return [
        (when, ""),
        (entry.user, ""),
        (who, ""),
        (title, ""),
        (changes_line(entry, data, CHANGES_SHOWN), "muted"),
    ]


class AuditScreen(FilteredListScreen):
    WHERE = "Audit trail"
    PARTIAL_OK = True  # needs no usage counts
    BINDINGS: ClassVar = [
        Binding("escape,backspace", "back", "Back", id="audit_back", key_display="esc", show=False),
        Binding("slash", "filter", "Filter", id="audit_filter", tooltip="Filter changes by text"),
        Binding(
            "enter",
            "open",
            "Open",
            id="audit_open",
            show=False,
            tooltip="Show the change in full: every field before and after",
        ),
        Binding(
            "c",
            "client",
            "Client",
            id="audit_client",
            tooltip="Only the selected change's client (deleted records too), or all clients",
        ),
        Binding("u", "user", "User", id="audit_user", tooltip="Only one user's changes"),
    ]

    def __init__(self, client: int | None = None, *, pushed: bool = False) -> None:
        super().__init__()
        self.client = client
        self.user: str | None = None
        self.pushed = pushed  # opened over another screen (a client's tracker): esc goes back
        self.trail: Trail | None = None
        self._reading = False
        self._again = False
        self._by_key: dict[str, AuditRow] = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filter-bar"):
            yield Input(
                placeholder="/ filter: user, client, field, value", id="filter", compact=True
            )
            yield Static(id="summary")
        yield Static(id="state", classes="state-line")
        yield RecordTable(COLUMNS, id="audit")
        yield Static(id="empty", classes="empty")
        yield Static(id="detail", classes="detail-line")

    def on_mount(self) -> None:
        self.table.focus()
        self.query_one("#state", Static).update(Text("Reading the audit trail…"))
        super().on_mount()

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    # --- reading ------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """New data: read the trail again (in the worker) unless it is of this data."""
        if self.trail is not None and self.trail.data is self.at.data:
            self.show()
            return
        if self._reading:
            self._again = True
            return
        self._reading = True
        now = self.at.now()
        self.at.read_call(
            read_trail,
            then=lambda read: build_trail(read, now),
            done=self._read,
            failed=self._failed,
            group="audit",
        )

    def _read(self, trail: Trail) -> None:
        self._reading = False
        self.trail = trail
        self.show()
        if self._again:
            self._again = False
            self.refresh_data()

    def _failed(self, error: AuthTrackError) -> bool:
        self._reading = self._again = False
        self.query_one("#state", Static).update(Text(f"The audit trail cannot be read: {error}"))
        return False  # also shown as a message

    # --- showing ------------------------------------------------------------------------------

    def client_name(self) -> str:
        if self.client is None:
            return ""
        names = self.trail.names if self.trail else {}
        data = self.at.data
        client = data.clients.get(self.client) if data else None
        name = names.get(self.client, f"client #{self.client}")
        return f"{name} ({client.client_id})" if client else f"{name} (deleted)"

    def show(self) -> None:
        trail = self.trail
        if trail is None:
            return
        query = self.query_one("#filter", Input).value
        chosen = [
            row
            for row in trail.rows
            if (self.client is None or self.client in row.clients)
            and (self.user is None or row.entry.user == self.user)
            and (not query or matches(row.search, query))
        ]
        self._by_key = {row.line[0]: row for row in chosen}
        self.table.set_rows([row.line for row in chosen])
        self.query_one("#summary", Static).update(Text(f"{len(chosen)} of {len(trail.rows)}"))
        name = self.client_name()
        self.query_one(TopBar).set_where(f"Audit · {name}" if name else self.WHERE)
        self.query_one("#state", Static).update(
            Text.assemble(
                ("c ", "bold"),
                f"{name or 'all clients'} · ",
                ("u ", "bold"),
                f"{self.user or 'everyone'} · newest first · read only",
            )
        )
        empty = self.query_one("#empty", Static)
        if not trail.rows:
            empty.update(Text("Nothing has been changed yet."))
        elif not chosen:
            empty.update(Text("No change matches: c and u widen the choice, / the filter."))
        empty.display = not chosen
        self._show_selected()

    def selected(self) -> AuditRow | None:
        key = self.table.current_key()
        return self._by_key.get(key) if key is not None else None

    def _show_selected(self) -> None:
        row = self.selected()
        detail = self.query_one("#detail", Static)
        if row is None:
            detail.update("")
            return
        entry = row.entry
        detail.update(
            Text.assemble(
                (
                    f"{fmt.when(audit.entry_time(entry), self.at.now(), long=True)} {entry.user}: ",
                    "bold",
                ),
                changes_line(entry, self.trail.data if self.trail else None) or row.title,
            )
        )

    def filter_changed(self) -> None:
        self.show()

    # --- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.pushed
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))  # now: typed-ahead keys filter

    def action_open(self) -> None:
        from tui.screens.audit_entry import AuditEntryDialog

        row = self.selected()
        if row is not None and self.trail is not None:
            who = client_text(row.clients, self.trail.names)
            if len(row.clients) == 1:
                who = f"client {who}"
            self.app.push_screen(
                AuditEntryDialog(row.entry, who, self.trail.data, row.title, row.record)
            )

    def action_client(self) -> None:
        if self.client is not None:
            self.client = None
            self.show()
            return
        row = self.selected()
        trail = self.trail
        if row is None or trail is None:
            return
        if not row.clients:
            self.notify("This change is not about a client.")
            return
        if len(row.clients) == 1:
            (self.client,) = row.clients
            self.show()
            return
        options = sorted(
            ((trail.names.get(c, f"client #{c}"), c) for c in row.clients),
            key=lambda o: o[0].casefold(),
        )

        def chosen(value: object) -> None:
            if value is not PickDialog.CANCELLED:
                self.client = value  # type: ignore[assignment]
                self.show()

        self.app.push_screen(PickDialog("Show the changes of", options), chosen)

    def action_user(self) -> None:
        trail = self.trail
        if trail is None:
            return
        options: list[tuple[str, str | None]] = [("Everyone", None)]
        options += [(user, user) for user in trail.users]

        def chosen(value: object) -> None:
            if value is not PickDialog.CANCELLED:
                self.user = value  # type: ignore[assignment]
                self.show()

        self.app.push_screen(PickDialog("Show the changes made by", options, self.user), chosen)
