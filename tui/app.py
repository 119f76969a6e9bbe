"""A minimal first screen: the clients with their active authorization and what is left."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header

from priorauth import rules
from priorauth.model import Priority
from priorauth.store import Store
from priorauth.tracker import Tracker


class AuthTrackApp(App[int]):
    TITLE = "authtrack"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit")]

    def __init__(self, tracker: Tracker) -> None:
        super().__init__()
        self.tracker = tracker

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="clients", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Client", "ID", "Payer", "Auth #", "Units left", "Ends")
        data = self.tracker.data()
        today = self.tracker.today
        for client in sorted(data.clients.values(), key=lambda c: c.name.casefold()):
            ins = client.insurance(Priority.PRIMARY)
            auth = rules.active_authorization(data, client.id, ins.payer_id) if ins else None
            left = ""
            if auth:
                use = rules.usage(data, auth, today)
                left = rules.describe_count(use.units_remaining, use.units_authorized)
            table.add_row(
                Text(client.name),
                Text(client.client_id),
                Text(data.payer_name(ins.payer_id) if ins else ""),
                Text(auth.display_number if auth else ""),
                Text(left),
                Text(f"{auth.end_date:%m/%d/%Y}" if auth and auth.end_date else ""),
                key=str(client.id),
            )


def make_app(db_path: Path, today: dt.date | None = None, user: str | None = None) -> AuthTrackApp:
    """Build the app from explicit arguments, the same way for the CLI and the tests."""
    return AuthTrackApp(Tracker(Store(db_path, user=user), today=today))
