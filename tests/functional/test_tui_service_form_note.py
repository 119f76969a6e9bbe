"""What the service form says before saving about the authorization a service counts against:
for an authorization of several service lines, what is left on the service's own line (not the
total of every line); when editing a service, what is left besides that service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Static

from priorauth.services.tracker import Tracker
from tests.helpers.pilot import open_client, settle, wait_until
from tests.helpers.service_lines import add_service_line_practice
from tui.app import make_app
from tui.forms.service_form import ServiceForm

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


def _note(app) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(app.screen.query_one("#form-note", Static).render()).split())


async def test_the_note_speaks_of_the_services_line(db_path: Path, tracker: Tracker) -> None:
    """ABA-1: 97155 has 36 of its 40 units used (the total: 134 of 372 left)."""
    add_service_line_practice(tracker, TODAY)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Baker")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ServiceForm))
        app.screen.query_one("#procedure_code", Input).value = "97155"
        await wait_until(pilot, lambda: "line 97155" in _note(app))
        assert "Counts (used) against ABA-1, line 97155 — units 4 of 40 left" in _note(app)
    assert not app.unexpected


async def test_editing_a_service_does_not_count_it_against_itself(
    db_path: Path, tracker: Tracker
) -> None:
    practice = add_service_line_practice(tracker, TODAY)
    data = tracker.data()
    (service,) = [s for s in data.services.values() if s.procedure_code == "97155"]
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Baker")
        bo = app.data.clients[practice["bo"].id]  # type: ignore[attr-defined]
        aba = app.data.authorizations[practice["aba"].id]  # type: ignore[attr-defined]
        app.push_screen(ServiceForm(bo, aba, app.data.services[service.id]))
        await wait_until(pilot, lambda: "Counts" in _note(app))
        # its own 36 units are what it counts, not what was left before it
        assert "line 97155 — units 40 of 40 left" in _note(app)
    assert not app.unexpected
