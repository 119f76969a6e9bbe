"""Service lines in the TUI (issue 12): the authorization form adds and removes lines, names the
line a problem is on and saves nothing then; the tracker shows each line's bar and what is left;
the client list speaks of the least-remaining line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from priorauth import service_lines
from priorauth.model import Authorization, CapPeriod, LineMeasure, ProcedureGroup
from priorauth.services.tracker import Tracker
from tests.helpers.pilot import open_client, screen_text, settle, type_text, wait_until
from tests.helpers.service_lines import add_service_line_practice
from tui.app import make_app
from tui.forms.auth_form import AuthForm
from tui.screens.authorizations import AuthorizationsScreen
from tui.screens.box23 import Box23Dialog
from tui.screens.client import ClientScreen
from tui.screens.dialogs import ConfirmDialog

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
    return [(line.codes, line.units_authorized) for line in service_lines.lines_of(auth)]


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
        form.query_one("#cap_period_l2", Select).value = CapPeriod.WEEK
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
        assert service_lines.lines_of(auth)[1].cap_amount == 8
    assert not app.unexpected


async def test_the_trackers_show_each_line_and_the_client_list_the_least_left(
    db_path: Path, tracker: Tracker
) -> None:
    add_service_line_practice(tracker, TODAY)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # 97155: 36 of 40 used, the line with the least left, named in the client list
        row = next(line for line in screen_text(app).splitlines() if "Baker, Bo" in line)
        assert "97155 4/40" in row, row
        await open_client(pilot, "Baker")
        text = screen_text(app)
        assert "└ 97153" in text and "└ 97155" in text and "└ 97156" in text
        assert "97155  ███████░  90%  36 used · 0 sched. · 4 of 40 left" in text
        assert "Total  █████░░░  64%  238 used · 8 sched. · 134 of 372 left" in text
        # a line's row selects its authorization: e edits it, with its three lines
        await pilot.press("down", "down")
        await settle(pilot)
        assert app.screen.auths.current_key().endswith("/1")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, AuthForm))
        form = app.screen
        assert form.line_count == 3
        assert form.query_one("#procedure_codes_l2", Input).value == "97155"
        assert form.query_one("#units_authorized_l2", Input).value == "40"
        assert form.query_one("#visits_authorized_l3", Input).value == "12"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
        # the authorizations across clients: a row per line with what is left
        await pilot.press("escape", "2")
        await wait_until(pilot, lambda: isinstance(app.screen, AuthorizationsScreen))
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = "ABA-1"
        await wait_until(pilot, lambda: "└ 97156" in screen_text(app))
        lines = screen_text(app).splitlines()
        assert any("└ 97155" in line and "4/40" in line and "90%" in line for line in lines)
        assert any("ABA-1" in line and "134/372" in line for line in lines)
    assert not app.unexpected


async def test_box23_for_a_date_of_service(db_path: Path, tracker: Tracker) -> None:
    """OT and speech of one payer both active: box 23 by code, and a day with both services
    needs a split claim."""
    practice = add_service_line_practice(tracker, TODAY)
    day = TODAY - dt.timedelta(days=2)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        client = await open_client(pilot, "Diaz")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, Box23Dialog))
        # today: no service, two authorizations: which number depends on the code
        assert "box 23: depends on the code" in screen_text(app)
        assert "OT-200 for 97530, SLP-100 for 92507" in screen_text(app)
        date = app.screen.query_one("#box23-date", Input)
        date.value = f"{day:%m/%d/%Y}"
        await wait_until(pilot, lambda: "split the claim" in screen_text(app))
        assert "97530 under OT-200, 92507 under SLP-100" in screen_text(app)
        await pilot.press("tab")
        for code, number in (("92507", "SLP-100"), ("97530", "OT-200")):
            app.screen.query_one("#box23-code", Input).value = code
            await wait_until(pilot, lambda n=number: f"box 23: {n}" in screen_text(app))
        app.screen.query_one("#box23-code", Input).value = "9"
        await wait_until(pilot, lambda: "box 23:" not in screen_text(app))
        date.value = "13/45/2026"
        await wait_until(pilot, lambda: "13/45/2026" in screen_text(app))
        assert "box 23:" not in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is client)
        # from the services table: the selected service's date and code
        await pilot.press("tab")
        await settle(pilot)
        assert practice["dee"] is not None
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "Box 23")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, Box23Dialog))
        shown = screen_text(app)
        assert f"{day:%m/%d/%Y}" in shown and "box 23: " in shown
    assert not app.unexpected


@pytest.mark.parametrize("screen", ["client", "client_16_colours", "authorizations"])
def test_snapshot_of_a_three_line_authorization(
    screen: str, db_path: Path, tracker: Tracker, monkeypatch: pytest.MonkeyPatch, snap_compare
) -> None:
    """The ABA client's tracker and the authorizations screen at 80×24 on a fixed today: a row
    and a bar per line under the authorization's total."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no cursor blink
    add_service_line_practice(tracker, TODAY)
    app = make_app(db_path, today=TODAY, user="alice")
    keys = {"client": ["enter"], "client_16_colours": ["enter"], "authorizations": ["2"]}[screen]

    async def run_before(pilot) -> None:
        if screen == "client_16_colours":
            pilot.app.theme = "ansi-dark"  # the theme the app picks on a 16-colour terminal
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_line_given_as_a_procedure_group(db_path: Path, tracker: Tracker, practice) -> None:
    group = tracker.save_group(ProcedureGroup(name="Parent training", codes=["97156", "97157"]))
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_auth_form(pilot)
        await fill(pilot, "start_date", "11/1/2026")
        await fill(pilot, "procedure_codes", "97153")
        await fill(pilot, "units_authorized", "320")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: bool(form.query("#line-2")))
        form.query_one("#group_l2", Select).value = group.id
        await wait_until(
            pilot, lambda: form.query_one("#procedure_codes_l2", Input).value == "97156, 97157"
        )
        await fill(pilot, "units_authorized_l2", "7.5")  # not hours: whole units only
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert any(str(p).startswith("line 2 (Parent training): ") for p in form.shown_problems), (
            form.shown_problems
        )
        form.query_one("#measure_l2", Select).value = LineMeasure.HOURS
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
        (auth,) = app.data.authorizations.values()
        second = service_lines.lines_of(auth)[1]
        assert (second.group, second.codes, second.units_authorized, second.measure) == (
            "Parent training",
            ["97156", "97157"],
            7.5,
            "hours",
        )
    assert not app.unexpected


async def test_least_left_sorts_an_authorization_by_its_shortest_line(
    db_path: Path, tracker: Tracker
) -> None:
    """ABA-1 has 134 of 372 units left in all but only 4 of 40 on 97155: sorted by least left it
    comes before OT-200 and SLP-100 (about 20 left each), as the client list ranks it."""
    add_service_line_practice(tracker, TODAY)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, AuthorizationsScreen))
        await pilot.press("o")
        await wait_until(pilot, lambda: "by least left" in screen_text(app))
        numbers = [
            number
            for line in screen_text(app).splitlines()
            for number in ("ABA-1", "OT-200", "SLP-100")
            if number in line
        ]
        assert numbers[0] == "ABA-1", numbers
        assert set(numbers) == {"ABA-1", "OT-200", "SLP-100"}
    assert not app.unexpected


async def test_box23_does_not_list_a_typed_code_as_a_service_of_the_day(
    db_path: Path, tracker: Tracker
) -> None:
    """On a day with only a 97153 service, asking for 97155 says the code was asked, not that a
    97155 service was recorded."""
    add_service_line_practice(tracker, TODAY)
    day = TODAY - dt.timedelta(days=30)  # Baker's 97153 service
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Baker")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, Box23Dialog))
        app.screen.query_one("#box23-date", Input).value = f"{day:%m/%d/%Y}"
        app.screen.query_one("#box23-code", Input).value = "97155"
        await wait_until(pilot, lambda: "code asked: 97155" in screen_text(app))
        assert "services that day: 97153 · code asked: 97155" in screen_text(app)
        assert "box 23: ABA-1" in screen_text(app)
    assert not app.unexpected


async def test_removing_a_line_with_services_asks_first(db_path: Path, tracker: Tracker) -> None:
    """Removing a line whose code has recorded services leaves them held by no line: the form
    says which before saving, and saves only when told to."""
    add_service_line_practice(tracker, TODAY)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Baker")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, AuthForm))
        form = app.screen
        form.query_one("#procedure_codes_l2", Input).focus()  # 97155: one service, 20 days ago
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: form.line_count == 2)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert "Services left out" in " ".join(screen_text(app).split())
        assert dialog.question.startswith(  # (the dialog's text, unwrapped)
            "1 recorded service (97155 on 11/03/2026) is held by no line of it any more: it will "
            "count against another authorization, or none. Save the change?"
        )
        await pilot.press("n")  # back to the form: nothing saved
        await wait_until(pilot, lambda: app.screen is form)
        (auth,) = (a for a in app.data.authorizations.values() if a.auth_number == "ABA-1")
        assert len(service_lines.lines_of(auth)) == 3
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
        (auth,) = (a for a in app.data.authorizations.values() if a.auth_number == "ABA-1")
        assert [line.codes for line in service_lines.lines_of(auth)] == [["97153"], ["97156"]]
    assert not app.unexpected


async def test_changing_dates_or_counts_asks_nothing(db_path: Path, tracker: Tracker) -> None:
    add_service_line_practice(tracker, TODAY)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Baker")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, AuthForm))
        await fill(pilot, "units_authorized_l2", "44")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
        (auth,) = (a for a in app.data.authorizations.values() if a.auth_number == "ABA-1")
        assert service_lines.lines_of(auth)[1].units_authorized == 44
    assert not app.unexpected


async def test_a_three_line_authorizations_dates_are_not_cut_off_at_80_columns(
    db_path: Path, tracker: Tracker
) -> None:
    # The detail under the table repeated every line's codes before the dates; with three
    # lines it wrapped past the panel's six rows: "ends in 120 d" lost its "d", and a longer
    # payer name or member id the dates themselves.
    add_service_line_practice(tracker, TODAY)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientScreen))
        await settle(pilot)
        rows = [row.strip() for row in screen_text(app).splitlines()]
        assert "Medicaid Kids MK1 · 09/24/2026–03/23/2027 · ends in 120 d" in rows
    assert not app.unexpected


async def test_caps_on_several_lines_are_on_their_rows_not_cut_from_the_detail(
    db_path: Path, tracker: Tracker
) -> None:
    # With a cap on two of three lines the detail's facts wrapped past the panel's six rows and
    # "cap 97153 20 units/week · cap 97155 8 units/month" was cut away: each line's cap is now
    # on its own row of the table (in the payer's column, empty on a line's row).
    add_service_line_practice(tracker, TODAY)
    data = tracker.data()
    (aba,) = [a for a in data.authorizations.values() if a.auth_number == "ABA-1"]
    lines = service_lines.lines_of(aba)
    lines = [
        dataclasses.replace(lines[0], cap_amount=20, cap_period=CapPeriod.WEEK),
        dataclasses.replace(lines[1], cap_amount=8, cap_period=CapPeriod.MONTH),
        lines[2],
    ]
    tracker.save_authorization(service_lines.with_lines(aba, lines))
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Baker")
        rows = [row.strip() for row in screen_text(app).splitlines()]
        assert any(r.startswith("└ 97153  cap 20 units/week") for r in rows), rows
        assert any(r.startswith("└ 97155  cap 8 units/month") for r in rows), rows
        assert any(r.startswith("└ 97156") and "cap" not in r for r in rows), rows
        assert "Medicaid Kids MK1 · 09/24/2026–03/23/2027 · ends in 120 d" in rows
    assert not app.unexpected
