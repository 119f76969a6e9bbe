"""Small things found by using the app as a front desk, a biller and an admin would: each test
holds one of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from priorauth.model import Client, OutOfAuthPolicy, Payer
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.pilot import open_client, screen_text, settle
from tui.app import make_app
from tui.table import RecordTable

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


async def test_a_long_client_name_in_the_top_bar_ends_in_an_ellipsis(
    tracker: Tracker, db_path: Path
) -> None:
    # it was wrapped at a space and its second line cut away: "Van der" and nothing to say more
    tracker.save_client(
        Client(
            first_name="Maximiliana Guadalupe",
            last_name="Van der Westhuizen-Oyelaran",
            dob=dt.date(2010, 3, 4),
        )
    )
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Westhuizen")
        top = screen_text(app).splitlines()[0]
        assert top.startswith(" Van der Westhuizen-Oyel") and "… " in top, top
        assert "notifications" in top
    assert not app.unexpected


async def test_active_and_remind_are_above_line_1_of_the_authorization_form(
    db_path: Path,
) -> None:
    # With several service lines they sat under "Line 1", between its codes and its cap, as if
    # they were the line's; they are the whole authorization's.
    build_demo(Store(db_path, user="demo"), today=TODAY, service_lines=True)
    data = Store(db_path, user="alice").snapshot()
    aba = next(a for a in data.authorizations.values() if len(a.lines) > 1 and a.active)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, data.clients[aba.client].name)
        table = screen.query_one("#auths", RecordTable)
        table.move_cursor(table.keys.index(str(aba.id)))
        await settle(pilot)
        assert screen.selected_auth() == aba
        await pilot.press("r")  # the renewal form: a copy of its lines
        await settle(pilot)
        rows = [line.strip("▶▷│ ") for line in screen_text(app).splitlines()]
        at = {
            word: next(i for i, row in enumerate(rows) if row.startswith(word))
            for word in ("End", "Active", "Remind", "Line 1", "Codes", "Cap", "Line 2")
        }
        assert at["End"] < at["Active"] < at["Remind"] < at["Line 1"], at
        assert at["Line 1"] < at["Codes"] < at["Cap"] < at["Line 2"], at
    assert not app.unexpected


async def test_the_payers_list_says_what_each_payer_does_with_a_service_outside_an_auth(
    tracker: Tracker, db_path: Path
) -> None:
    # allow / warn / block was only in each payer's form: a biller could not see which payers
    # refuse a service without opening them one by one
    tracker.save_payer(Payer(name="Strict Health", out_of_auth_policy=OutOfAuthPolicy.BLOCK))
    tracker.save_payer(Payer(name="Easy Care", out_of_auth_policy=OutOfAuthPolicy.ALLOW))
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        lines = screen_text(app).splitlines()
        assert "Outside" in next(line for line in lines if "Prior auth" in line)
        assert "block" in next(line for line in lines if "Strict Health" in line)
        assert "allow" in next(line for line in lines if "Easy Care" in line)
        await pilot.press("down")  # (by name: Easy Care, then Strict Health)
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "Strict Health: prior auth required" in text
        assert "past its units: refused (billing may override with a reason)" in text
    assert not app.unexpected


async def test_a_screens_digit_goes_back_to_it_from_a_client_opened_over_it(
    demo_db: Path,
) -> None:
    # 1 on a client's tracker (opened from Clients) did nothing: the app was in the Clients
    # mode already; so did 2 on a tracker opened from Authorizations, and 1 on its audit
    from textual.widgets import Input

    from tui.forms.auth_form import AuthForm
    from tui.screens.audit import AuditScreen
    from tui.screens.authorizations import AuthorizationsScreen
    from tui.screens.client import ClientScreen
    from tui.screens.clients import ClientsScreen

    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Alvarez, Avery")
        await pilot.press("a")  # the client's audit, over the tracker
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)

        await pilot.press("2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, AuthorizationsScreen)

        # a form on top keeps what is typed in it: the digit does not close it
        await pilot.press("enter", "e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuthForm) and not isinstance(form.focused, Input)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen is form and isinstance(app.screen_stack[-2], ClientScreen)
    assert not app.unexpected


def test_help_puts_each_screens_own_keys_first() -> None:
    # on Reports (9), ? opened on the Clients keys and Reports' own (e, u, r, x, w) were in no
    # section of the help: every full screen's section comes first on its own help (worked out
    # here for each; the Pilot test below opens the help on two screens through the app)
    from tui.navigation import SCREENS
    from tui.screens.help import help_sections
    from tui.screens.reports import ReportsScreen

    assert len(SCREENS) == 9
    for screen in {type(s) for s in _screens_of_the_digits()} | {ReportsScreen}:
        sections = help_sections(screen, [])
        assert sections[0][0] == screen.WHERE, screen
        assert [t for t, _, _ in sections].count(screen.WHERE) == 1, screen
    reports = dict((t, b) for t, b, _ in help_sections(ReportsScreen, []))[ReportsScreen.WHERE]
    assert {b.key for b in reports} >= {"e", "u", "r", "x", "w"}


def _screens_of_the_digits() -> list[object]:
    """A screen of each digit's kind, made as the app makes them (outside an app)."""
    from tui.navigation import SCREENS

    return [entry[2]() for entry in SCREENS]


async def test_help_opens_on_the_keys_of_the_screen_it_is_asked_on(demo_db: Path) -> None:
    from tui.screens.help import HelpScreen

    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in "49":  # Import (its file name field has the focus) and Reports
            await pilot.press(key)
            if key == "4":  # out of the file name field first
                await pilot.press("escape")
            await settle(pilot)
            where = app.screen.WHERE
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen), key
            text = str(app.screen.query_one("#help-body").query_one("Static").render())
            first = text.split("\n\n", 3)[2].split("\n")[0]  # (after the intro and the role)
            assert first == where, (key, first)
            await pilot.press("escape")
            if key == "4":  # (the help closed, the file name field has the focus again)
                await pilot.press("escape")
            await settle(pilot)
        assert "Write this report to a workbook" in text
        assert "Expiring: the authorizations that end within the days (x)" in text
    assert not app.unexpected


async def test_the_import_screen_completes_and_browses_to_a_csv(
    tmp_path: Path, db_path: Path
) -> None:
    # the screen imports a scheduler's .csv (and a log saved as one), but its path completion
    # and its file browser offered workbooks only, so the .csv could only be typed in full
    from textual.widgets import Input

    from sync.workbooks import EXCEL
    from tui.screens.transfer import FilePickDialog, WorkbookTree

    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("appointments.csv", "log.xlsx", "notes.txt"):
        (folder / name).write_text("")
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        path = app.screen.query_one("#path", Input)
        assert ".csv" in path.placeholder
        assert path.suggester is not None
        typed = str(folder / "app")
        assert await path.suggester.get_suggestion(typed) == str(folder / "appointments.csv")
        path.value = str(folder / "log.xlsx")
        await pilot.press("ctrl+o")
        await pilot.pause()  # (not settle: the folder tree's loader is a worker that waits on)
        assert isinstance(app.screen, FilePickDialog)
        tree = app.screen.query_one(WorkbookTree)
        shown = {p.name for p in tree.filter_paths(list(folder.iterdir()))}
        assert shown == {"appointments.csv", "log.xlsx"}
        await pilot.press("escape")
    assert not app.unexpected
