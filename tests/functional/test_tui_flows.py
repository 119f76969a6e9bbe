"""The TUI end to end with Pilot on a temporary data file: each flow as a receptionist does it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Select

from priorauth.services.tracker import Tracker
from tests.helpers.pilot import screen_text, settle, type_text
from tui.app import make_app
from tui.screens.client import ClientScreen
from tui.screens.notifications import NotificationsScreen

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


async def choose(pilot, select_id: str, label: str) -> None:
    """Pick ``label`` in the Select ``select_id`` with the keyboard."""
    select = pilot.app.screen.query_one(f"#{select_id}", Select)
    select.focus()
    await pilot.press("enter")
    await type_text(pilot, label)
    await pilot.press("enter")
    await pilot.pause()


async def fill(pilot, field_id: str, text: str) -> None:
    """Put ``text`` in a field at once (typing key by key is tested where it matters)."""
    box = pilot.app.screen.query_one(f"#{field_id}", Input)
    box.focus()
    box.value = text
    await pilot.pause()


async def test_client_to_dismissed_notification(db_path: Path) -> None:
    """Add a payer and a client, an authorization, record services; remaining and visits update,
    the running-low notification appears, and dismissing it clears the badge."""
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No clients yet" in screen_text(app)

        # a new client, with a new payer added from the form
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "Lee")
        await fill(pilot, "first_name", "Ann")
        await fill(pilot, "dob", "4/2/90")
        await pilot.pause()
        assert "Mon 04/02/1990" in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_text(pilot, "Aetna")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one("#primary-payer", Select).value is not Select.NULL
        await fill(pilot, "primary-member", "W123")
        await pilot.press("ctrl+s")
        await settle(pilot)
        data = app.data
        (client,) = data.clients.values()
        assert (client.name, client.client_id, client.dob) == (
            "Lee, Ann",
            "C0001",
            dt.date(1990, 4, 2),
        )
        assert client.insurances[0].member_id == "W123"
        assert client.insurances[0].prior_auth_required  # from the payer's default
        assert "Lee, Ann" in screen_text(app)

        # open the client: no authorization yet, box 23 blank
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        text = screen_text(app)
        assert "No authorizations yet" in text
        assert "box 23 today: blank" in text

        # add an authorization: 5 units, 5 visits, 90837
        await pilot.press("n")
        await settle(pilot)
        await fill(pilot, "auth_number", "A-77")
        await fill(pilot, "start_date", "11/1/2026")
        await fill(pilot, "end_date", "+60")
        await fill(pilot, "units_authorized", "5")
        await fill(pilot, "visits_authorized", "5")
        await fill(pilot, "procedure_codes", "90837")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (auth,) = app.data.authorizations.values()
        assert (auth.auth_number, auth.units_authorized, auth.end_date) == (
            "A-77",
            5,
            TODAY + dt.timedelta(days=60),
        )
        assert "box 23 today: A-77" in screen_text(app)
        assert "0 used" in screen_text(app)

        # record three services: two on one day (one visit), one today
        for day, units in (("11/10/2026", "1"), ("11/10/2026", "1"), ("today", "2")):
            await pilot.press("s")
            await settle(pilot)
            await fill(pilot, "date", day)
            await fill(pilot, "units", units)
            await pilot.press("ctrl+s")
            await settle(pilot)
        text = screen_text(app)
        assert "4 used" in text and "1 of 5 left" in text  # units
        assert "2 used" in text and "3 of 5 left" in text  # visits = distinct days
        assert len(app.data.services) == 3

        # the notification appears; its badge counts it
        assert app.notification_count >= 1
        assert "running low" in " ".join(n.message for n in app.notifications)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        assert "Running low (1)" in screen_text(app)
        before = app.notification_count
        for _ in range(5):
            if app.screen.selected().kind == "low_remaining":
                break
            await pilot.press("down")
        await pilot.press("d")
        await settle(pilot)
        assert app.notification_count == before - 1
        assert "Running low" not in screen_text(app)
    assert not app.unexpected


async def test_validation_shows_beside_the_field(db_path: Path, tracker: Tracker, practice) -> None:
    """Problems appear under the field as you type; ctrl+s with problems saves nothing."""
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Lee, Ann
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill(pilot, "start_date", "12/01/2026")
        await fill(pilot, "end_date", "11/01/2026")
        await pilot.pause()
        assert "is before the start date" in screen_text(app)
        await fill(pilot, "units_authorized", "ten")
        await pilot.pause()
        assert '"ten" is not a whole number' in screen_text(app)
        await fill(pilot, "start_date", "31/31/2026")
        await pilot.pause()
        assert "is not a date" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.data.authorizations
        assert "New authorization" in screen_text(app)  # still in the form
        await pilot.press("escape")  # something was typed: asks first
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
    assert not app.unexpected
