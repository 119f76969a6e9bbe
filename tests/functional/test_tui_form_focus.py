"""Forms as they open and as the focus moves: the focused field's label is drawn in reverse and
the mark follows the focus; the collector paused while a form is built runs again; a field's
problem line is made when it first has a problem.

Read from what the terminal is sent (the compositor's strips), not from ``has_focus``: the focus
always moved, it was the labels that were never restyled (see ``.field-line:focus-within`` in
tui/app.tcss).
"""

from __future__ import annotations

import gc
from pathlib import Path

from textual.app import App
from textual.widgets import Input, Label

from tests.helpers.pilot import screen_text, settle
from tui.app import make_app
from tui.forms.auth_form import AuthForm
from tui.forms.client_form import ClientForm

from .test_tui_flows import SIZE, TODAY


def reversed_labels(app: App) -> list[str]:
    """The form's field labels drawn in reverse on the screen, as the terminal gets them."""
    compositor = app.screen._compositor
    strips = compositor.render_strips()
    shown = compositor.visible_widgets
    found = []
    for label in app.screen.query(".field-label").results(Label):
        if label not in shown:  # scrolled out of view
            continue
        region, clip = shown[label]
        region = region.intersection(clip)
        segments = [s for s in strips[region.y].crop(region.x, region.right) if s.text.strip()]
        if segments and all(s.style is not None and s.style.reverse for s in segments):
            found.append("".join(s.text for s in segments).strip())
    return found


async def _open_auth_form(pilot) -> None:  # type: ignore[no-untyped-def]
    """From the app's start: the first client's tracker, then its authorization's form."""
    await settle(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)


async def test_the_reversed_label_follows_the_focus(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open_auth_form(pilot)
        assert isinstance(app.screen, AuthForm)
        assert reversed_labels(app) == ["Payer"]
        for label in ("Auth number", "Request", "Start"):  # a Select, Inputs, a Select again
            await pilot.press("tab")
            await settle(pilot)
            assert reversed_labels(app) == [label]
        await pilot.press("shift+tab")
        await settle(pilot)
        assert reversed_labels(app) == ["Request"]
        app.screen.query_one("#end_date").focus()  # a click or focus_first_problem
        await settle(pilot)
        assert reversed_labels(app) == ["End"]


async def test_every_form_marks_the_focused_label(demo_db: Path) -> None:
    """The client form too (its rows are the same ``field_row``)."""
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ClientForm)
        first = reversed_labels(app)
        assert len(first) == 1
        await pilot.press("tab")
        await settle(pilot)
        second = reversed_labels(app)
        assert len(second) == 1 and second != first


async def test_the_collector_runs_again_once_a_form_is_shown(demo_db: Path) -> None:
    """A form pauses the cyclic garbage collector while it is built (tui.gc_pause); the pause
    ends once it is shown."""
    assert gc.isenabled()
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open_auth_form(pilot)
        assert isinstance(app.screen, AuthForm)
        assert gc.isenabled()
        await pilot.press("escape")
        await settle(pilot)
        assert gc.isenabled()


async def test_a_problem_line_comes_and_goes(demo_db: Path) -> None:
    """A field's problem line is made with its first problem (a form opens without them) and
    is hidden again once the field is right."""
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open_auth_form(pilot)
        form = app.screen
        assert isinstance(form, AuthForm)
        assert not form.query(".field-error")
        row = form.query_one("#field-end_date")
        form.query_one("#end_date", Input).value = "31/31/2026"
        await settle(pilot)
        assert "is not a date" in screen_text(app)
        assert row.has_class("-invalid") and form.query_one("#error-end_date").display
        form.query_one("#end_date", Input).value = ""
        await settle(pilot)
        assert "is not a date" not in screen_text(app)
        assert not row.has_class("-invalid") and not form.query_one("#error-end_date").display
        assert len(form.query(".field-error")) == 1  # kept, empty and hidden, for next time


async def test_a_coverage_row_holds_its_problem_line(demo_db: Path) -> None:
    """A row of two lines (a coverage on the client form) shows its problem inside it."""
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ClientForm)
        form.query_one("#primary-start", Input).value = "31/31/2026"
        await settle(pilot)
        row = form.query_one("#field-primary")
        error = form.query_one("#error-primary")
        assert error.parent is row and error.display and row.has_class("-invalid")
        assert "not a date" in screen_text(app)


async def test_a_service_line_added_again_shows_its_problems(demo_db: Path) -> None:
    """A removed service line takes its problem lines with it; the line added in its place
    gets its own."""
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open_auth_form(pilot)
        form = app.screen
        assert isinstance(form, AuthForm)
        for _ in range(2):
            await pilot.press("ctrl+n")  # line 2, its codes focused
            await settle(pilot)
            await pilot.press("x", "backspace")  # touched, left blank
            await settle(pilot)
            error = form.query_one("#error-codes_l2")
            assert error.display and "needs each line's codes" in str(error.render())
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert not form.query("#error-codes_l2")
