"""Notifications, grouped by kind with counts: open, dismiss, snooze for a week; the ones the user
dismissed or snoozed are listed too (h) and can be brought back (b)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from priorauth import notify
from priorauth.notify import Notification
from tui import fmt
from tui.rows import no_clients_of
from tui.screens.base import BaseScreen
from tui.table import SPAN, Cell, Col, RecordTable

COLUMNS = [
    Col("date", "Date", 8),
    Col("client", "Client", 14, flex=1),
    Col("payer", "Payer", 9, flex=1),
    Col("message", "What", 20, flex=5),
]
SNOOZE_DAYS = notify.DEFAULT_SNOOZE_DAYS
GROUP = "group:"


class NotificationsScreen(BaseScreen):
    WHERE = "Notifications"
    BINDINGS: ClassVar = [
        Binding(
            "enter",
            "open",
            "Open",
            id="notifications_open",
            show=False,
            tooltip="Open the client at this authorization",
        ),
        Binding(
            "d",
            "dismiss_note",
            "Dismiss",
            id="notifications_dismiss",
            tooltip="Dismiss (until its facts change)",
        ),
        Binding(
            "z",
            "snooze",
            f"Snooze {SNOOZE_DAYS} d",
            id="notifications_snooze",
            tooltip=f"Snooze for {SNOOZE_DAYS} days",
        ),
        Binding(
            "b",
            "restore",
            "Bring back",
            id="notifications_restore",
            tooltip="Bring a dismissed or snoozed notification back",
        ),
        Binding(
            "m",
            "mine",
            "Mine/all",
            id="notifications_mine",
            tooltip="Only my clients' notifications, or all",
        ),
        Binding(
            "h",
            "hidden",
            "Hidden",
            id="notifications_hidden",
            tooltip="List the notifications you dismissed or snoozed (or back to the others)",
        ),
    ]
    PERMISSIONS: ClassVar = {"dismiss_note": "dismiss", "snooze": "dismiss", "restore": "dismiss"}

    def __init__(self) -> None:
        super().__init__()
        self.mine = False
        self.hidden = False  # listing the dismissed and snoozed ones instead
        self._by_key: dict[str, Notification] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore" and not self.hidden:
            return False
        if action in ("dismiss_note", "snooze") and self.hidden:
            return False
        return super().check_action(action, parameters)

    def compose_body(self) -> ComposeResult:
        yield Static(id="summary", classes="state-line")
        yield RecordTable(COLUMNS, id="notifications")
        yield Static(id="detail", classes="detail-line")

    def on_mount(self) -> None:
        self.table.focus()
        super().on_mount()

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    def shown(self) -> list[Notification]:
        data = self.at.data
        if data is None:
            return []
        if self.hidden:
            user, today = self.at.user, self.at.today
            found = [
                n
                for n in notify.compute(data, today)
                if notify.hiding(data, n, user, today) is not None
            ]
        else:
            found = self.at.notifications
        if self.mine:
            found = notify.for_clinician(data, found, self.at.user)
        return found

    def refresh_data(self, keep: str | None = None) -> None:
        data = self.at.data
        if data is None:
            return
        shown = self.shown()
        groups: dict[str, list[Notification]] = {}
        for n in shown:
            groups.setdefault(n.kind, []).append(n)
        rows: list[tuple[str, list[Cell]]] = []
        for kind in notify.KINDS:
            items = groups.get(kind)
            if not items:
                continue
            rows.append((GROUP + kind, [(f"{notify.KIND_LABELS[kind]} ({len(items)})", SPAN)]))
            for n in items:
                client = data.clients.get(n.client)
                rows.append(
                    (
                        n.key,
                        [
                            (fmt.date(n.date, short=True), ""),
                            (client.name if client else "?", ""),
                            (n.payer, ""),
                            (self._why_hidden(n) + n.message, ""),
                        ],
                    )
                )
        self._by_key = {n.key: n for n in shown}
        current = self.table.current_key()
        if keep is None and (current is None or current.startswith(GROUP)):
            keep = next((k for k, _ in rows if not k.startswith(GROUP)), None)
        self.table.set_rows(rows, keep_key=keep)
        whose = "your clients" if self.mine else "all clients"
        plural = "s" if len(shown) != 1 else ""
        if self.hidden:
            summary = (
                f"{len(shown)} notification{plural} you dismissed or snoozed, for {whose} · "
                "b brings one back · h: the others"
            )
        else:
            summary = (
                f"{len(shown)} notification{plural} for {whose} "
                f"in {len(groups)} group{'s' if len(groups) != 1 else ''} · m: "
                + ("all clients" if self.mine else "only my clients")
                + " · h: hidden"
            )
        self.query_one("#summary", Static).update(Text(summary))
        self._show_selected()

    def _why_hidden(self, n: Notification) -> str:
        """ "dismissed · " or "snoozed to 11/30 · " in the hidden list (words, not colour)."""
        data = self.at.data
        if not self.hidden or data is None:
            return ""
        d = notify.hiding(data, n, self.at.user, self.at.today)
        if d is None:
            return ""
        return f"snoozed to {d.until:%m/%d} · " if d.until else "dismissed · "

    def selected(self) -> Notification | None:
        key = self.table.current_key()
        return self._by_key.get(key) if key else None

    def _show_selected(self) -> None:
        detail = self.query_one("#detail", Static)
        n = self.selected()
        data = self.at.data
        if n is None or data is None:
            empty = not self._by_key
            none_mine = no_clients_of(data, self.at.user) if self.mine and data else ""
            if empty and none_mine:
                words = none_mine
            elif empty:
                words = (
                    "You have dismissed or snoozed nothing."
                    if self.hidden
                    else "Nothing needs your attention."
                )
            else:
                words = "Choose a notification below a heading."
            detail.update(Text(words))
            return
        client = data.clients.get(n.client)
        who = f"{client.name} ({client.client_id})" if client else ""
        detail.update(Text(f"{who} · {n.message}"))

    @on(RecordTable.Highlighted)
    def _highlighted(self) -> None:
        self._show_selected()

    @on(RecordTable.Selected)
    def _selected(self) -> None:
        self.action_open()

    # --- actions ------------------------------------------------------------------------------

    def action_open(self) -> None:
        from tui.screens.client import ClientScreen

        n = self.selected()
        if n is not None:
            self.app.push_screen(ClientScreen(n.client, n.authorization))

    def _next_key(self, n: Notification) -> str | None:
        keys = self.table.keys
        i = keys.index(n.key)
        for k in keys[i + 1 :] + list(reversed(keys[:i])):
            if not k.startswith(GROUP):
                return k
        return None

    def action_dismiss_note(self) -> None:
        n = self.selected()
        if n is None:
            return
        keep = self._next_key(n)
        self.at.store_call(
            lambda t: t.dismiss(n),
            done=lambda _: self._after(keep, "Dismissed: it comes back if its facts change."),
        )

    def action_snooze(self) -> None:
        n = self.selected()
        if n is None:
            return
        keep = self._next_key(n)
        self.at.store_call(
            lambda t: t.snooze(n, days=SNOOZE_DAYS),
            done=lambda _: self._after(keep, f"Snoozed for {SNOOZE_DAYS} days."),
        )

    def action_restore(self) -> None:
        n = self.selected()
        if n is None or not self.hidden:
            return
        keep = self._next_key(n)
        self.at.store_call(
            lambda t: t.restore(n),
            done=lambda _: self._after(keep, "Brought back: it is in the list again."),
        )

    def action_hidden(self) -> None:
        self.hidden = not self.hidden
        self.refresh_bindings()
        self.refresh_data()

    def _after(self, keep: str | None, message: str) -> None:
        self.refresh_data(keep=keep)
        self.notify(message)

    def action_mine(self) -> None:
        self.mine = not self.mine
        self.refresh_data()
