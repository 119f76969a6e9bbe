"""The tracker's actions, the Authorizations filters, the palette, help and permissions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from priorauth.errors import PermissionDenied
from priorauth.model import RequestStatus
from tests.helpers.pilot import open_client, screen_text, settle
from tui.app import make_app
from tui.forms.auth_form import AuthForm
from tui.screens.authorizations import AuthorizationsScreen
from tui.screens.client import ClientScreen
from tui.screens.dialogs import ConfirmDialog, NotesDialog, PromptDialog
from tui.screens.help import HelpScreen

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


async def test_renew_make_active_confirm_notes_delete(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        first = screen.selected_auth()
        assert first is not None and first.active

        # renew: a requested copy with the dates moved on, opened for editing
        await pilot.press("r")
        await settle(pilot)
        renewal = next(a for a in app.data.authorizations.values() if a.renewal_of == first.id)
        assert renewal.status == RequestStatus.REQUESTED and not renewal.active
        assert renewal.start_date == first.end_date + dt.timedelta(days=1)
        assert "Renewal request of" in screen_text(app)
        app.screen.query_one("#payer_reference", Input).value = "REF-9"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.data.authorizations[renewal.id].payer_reference == "REF-9"

        # the payer approves it: marking it approved makes it the active one, and the form
        # says which one that deactivates (only an approved authorization can be active)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#auth_number", Input).value = "NEW-77"
        app.screen.query_one("#status", Select).value = RequestStatus.APPROVED
        await settle(pilot)
        assert f"authorization: {first.auth_number} will become" in " ".join(
            screen_text(app).split()
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.data.authorizations[renewal.id].active
        assert not app.data.authorizations[first.id].active

        # making the old one active again asks first, naming the one it deactivates
        keys = screen.auths.keys
        screen.auths.move_cursor(keys.index(str(first.id)))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "NEW-77 will become inactive" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert app.data.authorizations[renewal.id].active  # "n" changed nothing
        screen.auths.move_cursor(screen.auths.keys.index(str(renewal.id)))
        await settle(pilot)

        # confirm to billing: the number gets its C
        await pilot.press("c")
        await settle(pilot)
        assert app.data.authorizations[renewal.id].confirmed_by == "alice"

        # notes
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, NotesDialog)
        app.screen.query_one("#notes-text").text = "Faxed the request."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.data.authorizations[renewal.id].notes == "Faxed the request."
        assert "Notes: Faxed the request." in str(screen.query_one("#auth-detail").render())

        # delete (asks first; n keeps it, y deletes)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert renewal.id in app.data.authorizations
        await pilot.press("d", "y")
        await settle(pilot)
        assert renewal.id not in app.data.authorizations
    assert not app.unexpected


async def test_expiring_within_a_huge_number_of_days_is_no_crash(demo_db: Path) -> None:
    """x on the Authorizations screen, 100000000000000000000 days ahead: every current
    authorization with an end date, instead of an OverflowError that closed the app."""
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, AuthorizationsScreen)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one("#prompt-input", Input).value = "100000000000000000000"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuthorizationsScreen)
        assert "expiring ≤ 100000000000000000000 d" in screen_text(app)
        assert app.screen.query_one("#authorizations").row_count > 0
    assert not app.unexpected


async def test_a_requested_renewal_is_not_offered_to_be_made_active(demo_db: Path) -> None:
    """m on a renewal still requested says at once why it cannot be active: it does not first
    ask whether to deactivate the current one, only to refuse after the yes."""
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        first = screen.selected_auth()
        assert first is not None and first.active
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+s")  # the renewal request, kept as it is
        await settle(pilot)
        renewal = next(a for a in app.data.authorizations.values() if a.renewal_of == first.id)
        screen.auths.move_cursor(screen.auths.keys.index(str(renewal.id)))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert app.screen is screen  # no "make it active?" question
        notes = [str(n.message) for n in app._notifications]
        assert any("A requested authorization cannot be active" in n for n in notes), notes
        assert app.data.authorizations[first.id].active
    assert not app.unexpected


async def test_record_service_warns_when_nothing_covers_it(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        before = len(app.data.services)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#date", Input).value = "01/05/2020"
        await pilot.pause()
        assert "covers 01/05/2020" in " ".join(screen_text(app).split())  # said before saving
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(app.data.services) == before + 1
        assert isinstance(app.screen, ClientScreen)
        notes = [n.message for n in app._notifications]
        assert any("may be denied" in m for m in notes)
        # the service can be edited and deleted from the services table
        await pilot.press("tab")
        assert screen.services.has_focus
    assert not app.unexpected


async def test_client_form_takes_prior_auth_default_from_the_payer(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#last_name", Input).value = "Nguyen"
        tricare = next(p for p in app.data.payers.values() if p.name == "Tricare East")
        aetna = next(p for p in app.data.payers.values() if p.name == "Aetna")
        form.query_one("#primary-payer", Select).value = tricare.id
        await pilot.pause()
        assert form.checked("primary-auth") is False  # Tricare needs no prior auth
        form.query_one("#primary-payer", Select).value = aetna.id
        await pilot.pause()
        assert form.checked("primary-auth") is True
        await pilot.press("ctrl+s")
        await settle(pilot)
        client = next(c for c in app.data.clients.values() if c.last_name == "Nguyen")
        assert client.insurances[0].prior_auth_required
    assert not app.unexpected


async def test_authorizations_views_and_open(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="mlopez")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuthorizationsScreen)
        all_active = screen.table.row_count
        await pilot.press("v")  # expiring within 30 days
        ends = [app.data.authorizations[int(k)].end_date for k in screen.table.keys]
        assert ends and all(TODAY <= e <= TODAY + dt.timedelta(days=30) for e in ends)
        assert ends == sorted(ends)
        await pilot.press("v", "v")  # requested / pending
        statuses = {app.data.authorizations[int(k)].status for k in screen.table.keys}
        assert statuses <= {RequestStatus.REQUESTED, RequestStatus.PENDING}
        assert "f/u" in screen_text(app)
        await pilot.press("v", "v", "v")  # back to active
        await pilot.press("m")  # only mlopez's clients
        assert 0 < screen.table.row_count < all_active
        mine = {
            app.data.clients[app.data.authorizations[int(k)].client].clinician
            for k in screen.table.keys
        }
        assert mine == {"mlopez"}
        await pilot.press("m", "p")  # payer picker
        await settle(pilot)
        await pilot.press("down", "enter")  # Aetna
        await settle(pilot)
        payers = {app.data.authorizations[int(k)].payer for k in screen.table.keys}
        assert len(payers) == 1
        key = screen.table.current_key()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        assert app.screen.selected_auth().id == int(key)
    assert not app.unexpected


async def test_palette_runs_the_screen_actions(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        for ch in "new client":
            await pilot.press("space" if ch == " " else ch)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "New client" in screen_text(app)
    assert not app.unexpected


async def test_help_lists_every_key(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-body").query_one("Static").render()
        for words in (
            "Record a service",
            "Confirm to billing",
            "Renew",
            "Snooze",
            "Preview the import",
            "Go to Authorizations",
            "Command palette",
        ):
            assert words in str(text)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_what_the_user_may_not_do_is_greyed_and_refused(demo_db: Path) -> None:
    def viewer(action: str) -> None:
        if action not in ("view", "dismiss"):
            raise PermissionDenied(f"Your role does not allow {action}.")

    app = make_app(demo_db, today=TODAY, user="alice", policy=viewer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.data.clients)
        await pilot.press("n")  # new client: not allowed
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ClientsScreen"
        assert app.screen.check_action("new", ()) is None  # shown greyed in the footer
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c", "m", "r")  # confirm, make active, renew: none allowed
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        assert len(app.data.clients) == before
        assert not any(a.confirmed_by == "alice" for a in app.data.authorizations.values())
        commands = [c.title for c in app.screen.palette_commands()]
        assert "Record a service" not in commands and "Notes on the authorization" not in commands
    assert not app.unexpected


async def test_authorizations_of_my_clients_when_i_have_none_says_m_shows_all(
    demo_db: Path,
) -> None:
    # A user who is no client's clinician pressed m and saw "Nothing matches: v changes the
    # view, / the filter." (neither brings a row back; m does).
    app = make_app(demo_db, today=TODAY, user="frontdesk")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuthorizationsScreen)
        assert screen.table.row_count > 0
        await pilot.press("m")
        await settle(pilot)
        assert screen.table.row_count == 0
        # said once, where the table was: not a second time on the line below it
        text = screen_text(app)
        assert "No client has frontdesk as clinician: m shows all clients again." in text
        assert "Nothing matches" not in text
        await pilot.press("m")
        await settle(pilot)
        assert screen.table.row_count > 0
    assert not app.unexpected


async def test_my_clients_when_i_have_none_says_so_and_which_key_shows_all(
    demo_db: Path,
) -> None:
    # m (my clients) for a user who is no client's clinician left an empty table: the table's
    # place now says why and that m shows everyone again; so does the Notifications screen.
    from tui.screens.notifications import NotificationsScreen

    none_mine = "No client has frontdesk as clinician: m shows all clients again."
    app = make_app(demo_db, today=TODAY, user="frontdesk")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, AuthorizationsScreen)
        assert none_mine not in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert none_mine in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert none_mine not in screen_text(app)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        await pilot.press("m")
        await settle(pilot)
        assert none_mine in screen_text(app)
        assert "Nothing needs your attention." not in screen_text(app)
    assert not app.unexpected


async def test_my_clients_with_clients_of_mine_hidden_otherwise_keeps_the_usual_line(
    demo_db: Path,
) -> None:
    clinician = next(c.clinician for c in _clients(demo_db) if c.clinician)
    app = make_app(demo_db, today=TODAY, user=clinician)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuthorizationsScreen)
        await pilot.press("m")
        await settle(pilot)
        screen.query_one("#filter", Input).value = "no such client anywhere"
        await settle(pilot)
        assert screen.table.row_count == 0
        text = screen_text(app)
        assert "as clinician" not in text  # the user has clients: the filter hid them
        assert "Nothing matches:" in text
    assert not app.unexpected


def _clients(db_path: Path) -> list:
    from priorauth.store.datafile import Store

    return list(Store(db_path, user="alice").snapshot().clients.values())


async def test_a_form_opens_with_its_first_field_focused_and_nothing_before_it(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first field takes the focus as a form opens. (Textual's default auto focus gave it
    first to the scrolling body, whose focus and blur each restyled every widget of the form: a
    tenth of a second of opening the authorization form, twice the body's focus here.)"""
    from textual.widget import Widget

    focused: list[Widget] = []
    watch = Widget.watch_has_focus

    def noted(self: Widget, has_focus: bool) -> None:
        if has_focus:
            focused.append(self)
        watch(self, has_focus)

    monkeypatch.setattr(Widget, "watch_has_focus", noted)
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Alvarez, Avery")
        focused.clear()
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, AuthForm)
        assert [w.id for w in focused] == ["payer"]
        assert app.focused is not None and app.focused.id == "payer"
    assert not app.unexpected
