"""What makes a front desk trust the app: duplicates refused or warned, every service reachable,
counts that clear a confirmation said before saving."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from tests.helpers.pilot import open_client, screen_text, settle
from tui.app import make_app
from tui.forms.auth_form import AuthForm

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_the_form_refuses_a_number_saved_twice_for_one_payer(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        taken = screen.selected_auth()
        assert taken is not None and taken.auth_number
        before = len(app.data.authorizations)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuthForm)
        form.query_one("#auth_number", Input).value = taken.auth_number
        form.query_one("#start_date", Input).value = "12/01/2026"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # refused: the form stays open
        assert f"Aetna authorization {taken.auth_number} is already saved" in screen_text(app)
        error = str(form.query_one("#error-auth_number").render())
        assert f"already saved for Alvarez, Avery ({taken.start_date:%m/%d/%Y}–" in error
        assert len(app.data.authorizations) == before
    assert not app.unexpected
