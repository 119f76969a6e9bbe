"""Several users on one data file: live refresh in place, and conflicts that never overwrite."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from textual.widgets import Input

from priorauth.model import Authorization, Client, ClientInsurance, Priority
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.pilot import screen_text, settle, wait_until
from tui.app import make_app
from tui.screens.client import ClientScreen
from tui.screens.clients import ClientsScreen
from tui.screens.dialogs import ConflictDialog

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


def seed(db_path: Path) -> Tracker:
    """Aetna; Lee, Ann with authorization A-1 (10 units); a second client, Park, Jo."""
    bob = Tracker(Store(db_path, user="bob"), today=TODAY)
    from priorauth.model import Payer

    aetna = bob.save_payer(Payer(name="Aetna"))
    for first, last in (("Ann", "Lee"), ("Jo", "Park")):
        client = bob.save_client(
            Client(
                first_name=first,
                last_name=last,
                insurances=[ClientInsurance(payer_id=aetna.id, priority=Priority.PRIMARY)],
            )
        )
        if last == "Lee":
            bob.save_authorization(
                Authorization(
                    client=client.id,
                    payer=aetna.id,
                    auth_number="A-1",
                    units_authorized=10,
                    start_date=dt.date(2026, 11, 1),
                    end_date=dt.date(2027, 1, 31),
                )
            )
    return bob


async def test_live_refresh_keeps_the_cursor(db_path: Path) -> None:
    bob = seed(db_path)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        await pilot.press("down")  # Park, Jo
        park = screen.selected()
        assert park is not None and park.last_name == "Park"

        # bob adds a client that sorts first, and renames Park
        bob.save_client(Client(first_name="Al", last_name="Adams"))
        renamed = dataclasses.replace(bob.data().clients[park.id], first_name="Joanna")
        bob.save_client(renamed)
        await wait_until(pilot, lambda: "Adams, Al" in screen_text(app))
        text = screen_text(app)
        assert "Park, Joanna" in text
        assert screen.selected().id == park.id  # the cursor stayed on the same record
        assert screen.table.cursor_row == 2
    assert not app.unexpected


async def test_client_screen_refreshes_usage(db_path: Path) -> None:
    bob = seed(db_path)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        assert "10 of 10 left" in screen_text(app)
        from priorauth.model import Service

        data = bob.data()
        lee = next(c for c in data.clients.values() if c.last_name == "Lee")
        bob.record_service(
            Service(
                client=lee.id, payer=lee.insurances[0].payer_id, date=dt.date(2026, 11, 20), units=3
            )
        )
        await wait_until(pilot, lambda: "7 of 10 left" in screen_text(app))
    assert not app.unexpected


async def test_conflict_between_two_apps(db_path: Path) -> None:
    """Bob and Alice edit the same authorization; Alice saves second: she is told who changed it
    and when, and offered a reload; nothing of Bob's is overwritten."""
    seed(db_path)
    alice = make_app(db_path, today=TODAY, user="alice")
    bob = make_app(db_path, today=TODAY, user="bob")
    async with alice.run_test(size=SIZE) as pa, bob.run_test(size=SIZE) as pb:
        for pilot in (pa, pb):
            await settle(pilot)
            await pilot.press("enter")  # Lee, Ann
            await settle(pilot)
            await pilot.press("e")  # edit A-1
            await settle(pilot)
        # bob changes the units and saves first
        box = bob.screen.query_one("#units_authorized", Input)
        box.value = "12"
        await pb.press("ctrl+s")
        await settle(pb)
        # alice changes the number and saves second
        box = alice.screen.query_one("#auth_number", Input)
        box.value = "A-2"
        await pa.press("ctrl+s")
        await settle(pa)
        assert isinstance(alice.screen, ConflictDialog)
        text = screen_text(alice)
        assert "changed by bob at" in text
        # back to her form first (to copy what she typed), then reload
        await pa.press("escape")
        await settle(pa)
        assert alice.screen.query_one("#auth_number", Input).value == "A-2"
        await pa.press("ctrl+s")
        await settle(pa)
        assert isinstance(alice.screen, ConflictDialog)
        await pa.press("r")
        await settle(pa)
        assert isinstance(alice.screen, ClientScreen)
        (auth,) = alice.data.authorizations.values()
        assert (auth.auth_number, auth.units_authorized, auth.updated_by) == ("A-1", 12, "bob")
        assert "A-1" in screen_text(alice)
    assert not alice.unexpected and not bob.unexpected


async def test_unreadable_data_file_is_a_message_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    app = make_app(path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "not a readable authtrack data file" in app.load_error
        assert "not a readable authtrack data file" in screen_text(app)
    assert path.read_text() == "{not json"  # left untouched
