"""Service lines in the TUI (issue 12): the authorization form adds and removes lines, names the
line a problem is on and saves nothing then; the tracker shows each line's bar and what is left;
the client list speaks of the least-remaining line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Select

from priorauth import usage
from priorauth.model import Authorization
from tests.helpers.pilot import screen_text, settle, wait_until
from tui.app import make_app
from tui.forms.auth_form import AuthForm
from tui.screens.client import ClientScreen

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


async def fill(pilot, field_id: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#{field_id}", Input)
    box.focus()
    box.value = text
    await pilot.pause()


async def open_new_auth_form(pilot) -> AuthForm:
    app = pilot.app
    await settle(pilot)
    await pilot.press("enter")  # Lee, Ann
    await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, AuthForm))
    return app.screen  # type: ignore[return-value]


async def fill_aba(pilot) -> None:
    """An ABA authorization: 97153 320 units, 97155 40, 97156 12 (line 1 is the form's own)."""
    await fill(pilot, "auth_number", "ABA-1")
    await fill(pilot, "start_date", "11/1/2026")
    await fill(pilot, "end_date", "4/30/2027")
    await fill(pilot, "procedure_codes", "97153")
    await fill(pilot, "units_authorized", "320")
    for number, (code, units) in enumerate((("97155", "40"), ("97156", "12")), start=2):
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda n=number: bool(pilot.app.screen.query(f"#line-{n}")))
        assert pilot.app.focused.id == f"procedure_codes_l{number}"
        await fill(pilot, f"procedure_codes_l{number}", code)
        await fill(pilot, f"units_authorized_l{number}", units)


def _lines(auth: Authorization) -> list[tuple[list[str], float | None]]:
    return [(line.codes, line.units_authorized) for line in usage.lines_of(auth)]


async def test_saving_a_three_line_aba_authorization(db_path: Path, practice) -> None:
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_auth_form(pilot)
        await fill_aba(pilot)
        assert form.line_count == 3
        assert "Line 1" in screen_text(app) or form.query_one("#line-1-title").display
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
        (auth,) = app.data.authorizations.values()
        assert auth.auth_number == "ABA-1"
        assert _lines(auth) == [(["97153"], 320), (["97155"], 40), (["97156"], 12)]
        text = screen_text(app)
        for label, left in (("97153", "320 of 320 left"), ("97155", "40 of 40 left")):
            line = next(row for row in text.splitlines() if label in row and "left" in row)
            assert "░" in line and left in line, line
        assert "372 of 372 left" in text  # the total of the lines
    assert not app.unexpected


async def test_removing_a_line_keeps_the_others(db_path: Path, practice) -> None:
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_auth_form(pilot)
        await fill_aba(pilot)
        pilot.app.screen.query_one("#units_authorized_l2", Input).focus()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not form.query("#line-3"))
        assert form.line_count == 2
        assert form.query_one("#procedure_codes_l2", Input).value == "97156"
        assert form.query_one("#units_authorized_l2", Input).value == "12"
        # back to one line: the line title goes, the form is as it always was
        pilot.app.screen.query_one("#procedure_codes", Input).focus()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not form.query("#line-2"))
        assert form.query_one("#procedure_codes", Input).value == "97156"
        assert not form.query_one("#line-1-title").display
        await pilot.press("ctrl+r")  # the last line stays
        await settle(pilot)
        assert form.line_count == 1
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
        (auth,) = app.data.authorizations.values()
        assert auth.lines == [] and _lines(auth) == [(["97156"], 12)]
    assert not app.unexpected


async def test_a_problem_names_its_line_and_nothing_is_saved(db_path: Path, practice) -> None:
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_auth_form(pilot)
        await fill_aba(pilot)
        await fill(pilot, "procedure_codes_l3", "97155")  # a code line 2 holds
        await fill(pilot, "units_authorized_l2", "-4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        shown = [str(p) for p in form.shown_problems]
        assert any(p.startswith("line 3 (97155): 97155 is already on line 2") for p in shown)
        assert any(p.startswith("line 2 (97155): ") and "negative" in p for p in shown)
        form.query_one("#field-counts_l2").scroll_visible(animate=False)
        await settle(pilot)
        assert "line 2 (97155)" in screen_text(app)
        # a cap on a line without counts
        await fill(pilot, "procedure_codes_l3", "97156")
        await fill(pilot, "units_authorized_l2", "")
        await fill(pilot, "cap_amount_l2", "8")
        form.query_one("#cap_period_l2", Select).value = "week"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert [str(p) for p in form.shown_problems] == [
            "line 2 (97155): a weekly or monthly cap needs units or visits authorized; type "
            "them or clear the cap."
        ]
        await fill(pilot, "units_authorized_l2", "40")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
        (auth,) = app.data.authorizations.values()
        assert usage.lines_of(auth)[1].cap_amount == 8
    assert not app.unexpected
