"""An authorization counted in hours (issue 18, hours): the form keeps its quarter hours when it
is edited, where an authorization in units keeps whole units."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from priorauth.model import LineMeasure
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
from tests.helpers import log_styles as styles
from tests.helpers.pilot import open_client, settle
from tui.app import make_app
from tui.forms.auth_form import AuthForm

TODAY = dt.date(2026, 11, 23)


async def test_editing_an_authorization_in_hours_keeps_its_quarter_hours(tmp_path: Path) -> None:
    db = tmp_path / "data.json"
    tracker = Tracker(Store(db, user="alice"), today=TODAY)
    plan = plan_import(styles.hours_log(tmp_path / "log.xlsx"), tracker.data(), today=TODAY)
    apply_import(tracker, plan)
    app = make_app(db, today=TODAY, user="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Lee, Ann")
        auth = screen.selected_auth()
        assert auth is not None and auth.measure == LineMeasure.HOURS
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuthForm)
        assert form.query_one("#units_authorized", Input).value == "187.5"
        form.query_one("#carried_units_used", Input).value = "100.25"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        saved = app.data.authorizations[auth.id]
        assert (saved.units_authorized, saved.carried_units_used) == (187.5, 100.25)
        assert (saved.measure, saved.group) == (LineMeasure.HOURS, "Personal Care")
    assert not app.unexpected
