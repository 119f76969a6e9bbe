"""Practice settings: the thresholds every user's notifications and reports use. Everyone sees
them; an admin changes them (``e``)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from priorauth import practice
from priorauth.model import PracticeSettings
from tui import fmt
from tui.screens.base import BaseScreen


def settings_table(s: PracticeSettings) -> Table:
    """Each setting, its value, and what it does, in words."""
    table = Table(box=None, expand=True, padding=(0, 1), show_header=False)
    table.add_column("Setting", no_wrap=True, style="bold")
    table.add_column("Value", no_wrap=True, justify="right")
    table.add_column("What it does", ratio=1)
    table.add_row(
        "Running low",
        f"{s.low_percent} %",
        "An authorization is running low at or below this share of its units or visits…",
    )
    table.add_row(
        "Low floor",
        f"{s.low_floor} left",
        "…or at or below this many left, whichever is more.",
    )
    table.add_row(
        "Renewal margin",
        f"{s.renewal_margin_days} days",
        "Ask for a renewal this many days before the payer's usual turnaround runs out.",
    )
    table.add_row(
        "Pace",
        f"{s.pace_weeks} weeks",
        "A client's pace of use (for run-out projections) is measured over this many weeks.",
    )
    return table


def changed_line(s: PracticeSettings, now: dt.datetime) -> str:
    if not s.rev:
        return "These are the defaults: nobody has changed them yet."
    try:
        when = fmt.when(dt.datetime.fromisoformat(s.updated_at), now, long=True)
    except ValueError:
        when = "an unknown time"
    return f"Last changed by {s.updated_by} on {when}."


class SettingsScreen(BaseScreen):
    WHERE = "Practice settings"
    PARTIAL_OK = True
    BINDINGS: ClassVar = [
        Binding(
            "e,enter", "edit", "Edit", id="settings_edit", tooltip="Change the practice settings"
        ),
    ]
    PERMISSIONS: ClassVar = {"edit": "admin"}

    def compose_body(self) -> ComposeResult:
        yield Label(Text("Notification thresholds · shared by every user"), classes="section-title")
        with VerticalScroll(id="settings-body"):
            yield Static(id="settings-values")
        yield Static(id="settings-changed", classes="state-line")
        yield Static(id="settings-who", classes="detail-line")

    def on_mount(self) -> None:
        self.query_one("#settings-body").focus()
        super().on_mount()

    def refresh_data(self) -> None:
        data = self.at.data
        if data is None:
            return
        current = practice.practice_settings(data)
        self.query_one("#settings-values", Static).update(settings_table(current))
        changed = changed_line(current, self.at.now())
        self.query_one("#settings-changed", Static).update(Text(changed))
        if self.at.may("admin"):
            who = "e changes them for everyone."
        else:
            who = f"Read only: only an admin changes them ({self.at.user} is {self.at.role})."
        self.query_one("#settings-who", Static).update(Text(who))

    def action_edit(self) -> None:
        from tui.forms.settings_form import SettingsForm

        data = self.at.data
        if data is not None:
            self.app.push_screen(SettingsForm(practice.practice_settings(data)), self._saved)

    def _saved(self, saved: PracticeSettings | None) -> None:
        if saved is not None:
            self.refresh_data()
            self.notify("Practice settings saved: every user's notifications follow them.")
