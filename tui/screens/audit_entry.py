"""One change of the audit trail in full: who, when, which record, every field before and after."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from priorauth import audit
from priorauth.data import Data
from priorauth.model import AuditEntry
from tui import fmt

ACTION_WORDS = {"create": "created", "update": "changed", "delete": "deleted"}


def entry_facts(entry: AuditEntry, client: str, now: dt.datetime, record: str = "") -> str:
    """ "Mon 11/23/2026 14:05 · by mlopez · authorization #12 · client Lee, Ann"
    (``client`` says whose records they are, "" for none; ``record`` names the record, by
    default by its id)."""
    record = record or f"{audit.record_word(entry)} #{entry.record_id}"
    if entry.record_ids:
        record = f"{len(entry.record_ids)} {audit.record_word(entry)} records"
    facts = [fmt.when(audit.entry_time(entry), now, long=True), f"by {entry.user}", record]
    if client:
        facts.append(client)
    return " · ".join(facts)


def changes_table(entry: AuditEntry, data: Data | None) -> Table | Text:
    """Field, before, after (a new record: its values; a deleted one: what it was)."""
    found = audit.changes(entry, data)
    if not found:
        if entry.record_ids:
            ids = ", ".join(str(i) for i in entry.record_ids[:20])
            more = " …" if len(entry.record_ids) > 20 else ""
            return Text(
                f"{len(entry.record_ids)} {audit.record_word(entry)} records were created in "
                f"one change (ids {ids}{more}); the audit keeps their ids, not their values."
            )
        return Text("No field changed.")
    table = Table(box=None, expand=True, padding=(0, 1), pad_edge=False)
    width = min(24, max(len("Field"), *(len(c.label) for c in found)))
    table.add_column("Field", no_wrap=True, width=width)
    if entry.action != "delete":
        table.add_column("Before" if entry.action == "update" else "Value", ratio=2)
    if entry.action == "update":
        table.add_column("After", ratio=2)
    if entry.action == "delete":
        table.add_column("Value when deleted", ratio=2)
    for change in found:
        if entry.action == "create":
            table.add_row(change.label, Text(change.after))
        elif entry.action == "delete":
            table.add_row(change.label, Text(change.before))
        else:
            table.add_row(change.label, Text(change.before), Text(change.after))
    return table


class AuditEntryDialog(ModalScreen[None]):
    """Read only: escape (or enter) closes it."""

    BINDINGS: ClassVar = [
        Binding("escape,enter,q", "close", "Close", id="audit_entry_close"),
    ]

    def __init__(
        self,
        entry: AuditEntry,
        client: str,
        data: Data | None,
        title: str = "",
        record: str = "",
    ) -> None:
        """``title``: what changed (by default the entry's summary); ``record``: the record's
        name (by default its kind and id)."""
        super().__init__(classes="dialog")
        self.entry, self.client, self.data = entry, client, data
        self.title_text, self.record = title, record

    def compose(self) -> ComposeResult:
        entry = self.entry
        word = audit.record_word(entry)
        with Vertical(classes="dialog-box -entry"):
            title = (
                self.title_text
                or entry.summary
                or f"{ACTION_WORDS.get(entry.action, entry.action)} {word}"
            )
            yield Label(Text(title[:1].upper() + title[1:]), classes="dialog-title")
            now = self.app.now()  # type: ignore[attr-defined]
            yield Static(Text(entry_facts(entry, self.client, now, self.record)), id="entry-facts")
            with VerticalScroll(id="entry-body"):
                yield Static(changes_table(entry, self.data), id="entry-changes")
            yield Static(Text("↑↓ scroll · esc close · read only"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#entry-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
