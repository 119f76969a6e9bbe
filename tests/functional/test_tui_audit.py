"""The audit trail screen: a change made in the app shows with its user and before/after; opened
from a client's tracker it shows that client's changes, deleted services included."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.pilot import open_client, screen_text, settle, type_text, wait_until
from tui.app import make_app
from tui.screens.audit import AuditScreen
from tui.screens.audit_entry import AuditEntryDialog
from tui.screens.dialogs import PickDialog

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)
# each entry's time is shown in words and takes its width: the saves' wall clock is fixed
pytestmark = pytest.mark.usefixtures("wall_clock")


def flat(text: str) -> str:
    """The screen's words on one line, without a dialog's border."""
    return " ".join(text.translate({ord(c): " " for c in "█▀▄"}).split())


async def test_a_change_made_in_the_app_shows_who_and_before_after(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="mlopez")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        auth = screen.selected_auth()
        assert auth is not None and auth.units_authorized == 24
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#units_authorized", Input).value = "30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.data.authorizations[auth.id].units_authorized == 30

        await pilot.press("6")  # the audit trail, from any screen
        await settle(pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        newest = audit.selected()
        assert newest is not None and newest.entry.user == "mlopez"
        assert newest.entry.changes["units_authorized"] == [24, 30]
        # nothing else: its codes are a group's, shown chosen in the form, but nobody chose it
        assert set(newest.entry.changes) == {"units_authorized"}, newest.entry.changes
        text = flat(screen_text(app))
        assert f"mlopez Alvarez, Avery changed authorization {auth.auth_number}" in text
        assert "units authorized 24 → 30" in text  # the selected change, below the table

        await pilot.press("enter")  # in full
        await settle(pilot)
        assert isinstance(app.screen, AuditEntryDialog)
        text = flat(screen_text(app))
        assert "by mlopez" in text and "client Alvarez, Avery" in text
        assert "Field Before After" in text and "units authorized 24 30" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is audit

        # the text filter: only the changes that mention what is typed
        await pilot.press("slash")
        await pilot.press(*"units")
        await settle(pilot)
        assert all("units" in row.search for row in audit._by_key.values())
        await pilot.press("escape")
        assert audit.table.has_focus and audit.query_one("#filter", Input).value == ""

        # read only: the keys that change things elsewhere do nothing here
        before = len(app.tracker.store.audit())
        await pilot.press("d", "e", "n", "r")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        assert len(app.tracker.store.audit()) == before
    assert not app.unexpected


async def test_client_audit_includes_a_deleted_service(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="jchen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        client = screen.client
        assert client is not None
        await pilot.press("tab")  # the services table
        service = screen.selected_service()
        assert service is not None
        await pilot.press("d", "y")
        await settle(pilot)
        assert service.id not in app.data.services

        await pilot.press("a")  # this client's audit trail
        await settle(pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen) and audit.client == client.id
        rows = list(audit._by_key.values())
        assert all(client.id in row.clients for row in rows)
        deleted = rows[0].entry
        assert (deleted.action, deleted.table, deleted.record_id, deleted.user) == (
            "delete",
            "services",
            service.id,
            "jchen",
        )
        text = flat(screen_text(app))
        assert f"Audit · {client.name}" in text and f"service #{service.id}" not in text
        # the service as people know it: its code and day (the client is in its column)
        assert f"deleted service {service.procedure_code}, {service.date:%m/%d/%y}" in text
        await pilot.press("enter")  # in full: the day as every screen writes it
        await settle(pilot)
        assert isinstance(app.screen, AuditEntryDialog)
        text = flat(screen_text(app))
        day = f"{service.date:%m/%d/%Y}"
        assert f"Deleted the {service.procedure_code} service of {day}" in text
        assert f"date {day}" in text and f"{service.date:%Y-%m-%d}" not in text
        await pilot.press("escape")
        await settle(pilot)

        # c widens to every client, and again narrows to the selected change's client
        shown = audit.table.row_count
        await pilot.press("c")
        assert audit.client is None and audit.table.row_count > shown
        await pilot.press("c")
        assert audit.client == client.id and audit.table.row_count == shown

        # u: only one user's changes
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down", "down")  # Everyone, demo, jchen
        await pilot.press("enter")
        await settle(pilot)
        assert audit.user == "jchen"
        assert [row.entry for row in audit._by_key.values()] == [deleted]

        await pilot.press("escape")  # back to the tracker it was opened from
        await settle(pilot)
        assert app.screen is screen
    assert not app.unexpected


async def test_audit_is_reachable_from_every_screen_and_the_palette(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in "12345786":
            await pilot.press(key)
            if key in "45":  # out of the file name field first
                await pilot.press("escape")
            await pilot.press("6")
            await settle(pilot)
            assert isinstance(app.screen, AuditScreen), key
        await pilot.press("1", "ctrl+p")
        await settle(pilot)
        await type_text(pilot, "audit trail")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        assert audit.trail is not None and audit.table.row_count == 5  # the demo's bulk rows

        # another user's change appears at the top within a second or two
        bob = Tracker(Store(demo_db, user="bob"), today=TODAY)
        aetna = bob.data().payer_named("Aetna")
        assert aetna is not None
        bob.save_payer(dataclasses.replace(aetna, notes="New fax"))
        await wait_until(pilot, lambda: audit.table.row_count == 6)
        assert audit._by_key[audit.table.keys[0]].entry.user == "bob"
        assert audit.selected().entry.user == "demo"  # the cursor stayed where it was
        assert "changed payer Aetna" in screen_text(app)
    assert not app.unexpected
