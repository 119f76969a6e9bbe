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


async def test_a_new_client_like_an_existing_one_is_named_before_saving(demo_db: Path) -> None:
    from tui.forms.client_form import ClientForm
    from tui.screens.dialogs import ConfirmDialog

    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        existing = next(c for c in app.data.clients.values() if c.name == "Alvarez, Avery")
        before = len(app.data.clients)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ClientForm)
        form.query_one("#last_name", Input).value = "alvarez"
        form.query_one("#first_name", Input).value = "Avery "
        form.query_one("#dob", Input).value = f"{existing.dob:%m/%d/%Y}"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert f"Alvarez, Avery ({existing.client_id}, clinician {existing.clinician}" in (
            dialog.question
        )
        assert "Save another client anyway?" in _flat(screen_text(app))
        await pilot.press("n")  # back to the form, nothing saved
        await settle(pilot)
        assert app.screen is form and len(app.data.clients) == before
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")  # saved when the user says so
        await settle(pilot)
        assert len(app.data.clients) == before + 1
    assert not app.unexpected


async def test_changing_counts_of_a_confirmed_authorization_asks_first(demo_db: Path) -> None:
    from tui.screens.dialogs import ConfirmDialog

    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        auth = screen.selected_auth()
        assert auth is not None
        await pilot.press("c")
        await settle(pilot)
        assert app.data.authorizations[auth.id].confirmed
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        form.query_one("#units_authorized", Input).value = "1234"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Billing must confirm again" in screen_text(app)
        question = app.screen.question
        assert "Changing its units authorized clears the confirmation (C)" in question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and app.data.authorizations[auth.id].confirmed
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        saved = app.data.authorizations[auth.id]
        assert saved.units_authorized == 1234 and not saved.confirmed
        # a change billing did not confirm (the notes) saves without a question
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#notes", Input).value = "faxed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and app.data.authorizations[auth.id].confirmed
    assert not app.unexpected


async def test_a_service_no_authorization_covers_is_listed_edited_and_deleted(
    demo_db: Path,
) -> None:
    from tui.screens.client import ClientScreen
    from tui.screens.dialogs import ConfirmDialog

    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        client_services = len(app.data.services_by_client[screen.client_id])
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#date", Input).value = "01/05/2020"
        app.screen.query_one("#note", Input).value = "before any auth"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        new = max(app.data.services.values(), key=lambda s: s.id)
        assert new.note == "before any auth"
        # listed with every other service of the client, marked in words
        assert len(screen.services.keys) == client_services + 1
        assert str(new.id) in screen.services.keys
        text = screen_text(app)
        assert "1 against nothing" in text
        # at 80x24 the services pane shows few rows: go to it and find the uncovered one
        await pilot.press("tab")
        assert screen.services.has_focus
        screen.services.move_cursor(screen.services.keys.index(str(new.id)))
        await settle(pilot)
        assert "⚠ nothing" in screen_text(app)
        # edit it
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#units", Input).value = "3"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.data.services[new.id].units == 3
        # delete it (asks first)
        assert screen.services.current_key() == str(new.id)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert new.id not in app.data.services
        assert "against nothing" not in screen_text(app)
    assert not app.unexpected


async def test_a_key_the_role_does_not_allow_says_which_role_it_needs(demo_db: Path) -> None:
    from priorauth.roles import Access, Role
    from tui.screens.client import ClientScreen

    staff = Access("alice", Role.STAFF, "user alice in staff")
    app = make_app(demo_db, today=TODAY, user="alice", policy=staff)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("c")  # confirm to billing: billing's
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("needs the billing role; you (alice) are staff" in m for m in notes), notes
        assert not any(a.confirmed_by == "alice" for a in app.data.authorizations.values())
    assert not app.unexpected


async def test_notes_ask_before_discarding_and_a_dropped_renewal_goes(demo_db: Path) -> None:
    from textual.widgets import TextArea

    from tui.screens.dialogs import ConfirmDialog, NotesDialog

    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_client(pilot, "Alvarez, Avery")
        auth = screen.selected_auth()
        assert auth is not None
        # notes: typed text is not lost to a stray esc
        await pilot.press("o")
        await settle(pilot)
        notes = app.screen
        assert isinstance(notes, NotesDialog)
        notes.query_one(TextArea).text = "Called Aetna about the extension"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert app.screen is notes
        await pilot.press("escape", "y")  # discard
        await settle(pilot)
        assert app.screen is screen and app.data.authorizations[auth.id].notes == auth.notes
        # esc on a new renewal's form removes the renewal it made
        before = set(app.data.authorizations)
        await pilot.press("r")
        await settle(pilot)
        assert set(app.data.authorizations) != before
        assert "esc drops it" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert set(app.data.authorizations) == before
        assert any("Renewal request not kept" in n.message for n in app._notifications)
    assert not app.unexpected


async def test_x_refuses_a_negative_or_non_numeric_number_of_days(demo_db: Path) -> None:
    from tests.helpers.pilot import type_text
    from tui.screens.authorizations import AuthorizationsScreen
    from tui.screens.dialogs import PromptDialog

    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuthorizationsScreen)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PromptDialog)
        for typed, words in (("-5", "cannot be negative"), ("ten", '"ten" is not a number')):
            dialog.query_one(Input).value = ""
            await type_text(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog
            assert words in str(dialog.query_one("#prompt-error").render())
            assert screen.days == 30
        dialog.query_one(Input).value = ""
        await type_text(pilot, "45")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.days == 45
        assert "expiring ≤ 45 d" in screen_text(app)
    assert not app.unexpected


async def test_dismissed_and_snoozed_notifications_are_listed_and_brought_back(
    demo_db: Path,
) -> None:
    from tui.screens.notifications import NotificationsScreen

    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        first = screen.selected()
        assert first is not None
        count = len(app.notifications)
        await pilot.press("d")  # dismiss the first
        await settle(pilot)
        second = screen.selected()
        assert second is not None and second.key != first.key
        await pilot.press("z")  # snooze the next
        await settle(pilot)
        assert len(app.notifications) == count - 2
        assert first.key not in screen.table.keys
        # h lists what this user hid, saying how
        await pilot.press("h")
        await settle(pilot)
        assert set(screen._by_key) == {first.key, second.key}
        text = screen_text(app)
        assert "2 notifications you dismissed or snoozed" in text
        assert "dismissed ·" in text and "snoozed to 11/30 ·" in text
        # b brings the highlighted one back
        screen.table.move_cursor(screen.table.keys.index(first.key))
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert set(screen._by_key) == {second.key}
        await pilot.press("h")
        await settle(pilot)
        assert first.key in screen.table.keys and len(app.notifications) == count - 1
    assert not app.unexpected


async def test_at_80_columns_numbers_counts_box23_and_notes_are_never_cut(demo_db: Path) -> None:
    import dataclasses

    from priorauth.model import Authorization, Service
    from priorauth.services.tracker import Tracker
    from priorauth.store.datafile import Store

    tracker = Tracker(Store(demo_db, user="alice"), today=TODAY)
    data = tracker.data()
    client = next(c for c in data.clients.values() if c.name == "Alvarez, Avery")
    note = "Prefers Tuesday mornings; mother signs consent forms; interpreter (Portuguese)"
    client = tracker.save_client(dataclasses.replace(client, notes=note))
    payer = client.insurances[0].payer_id
    number = "AET-2026-0001234567"
    tracker.save_authorization(
        Authorization(
            client=client.id,
            payer=payer,
            auth_number=number,
            units_authorized=1300,
            visits_authorized=1200,
            carried_units_used=1234,
            carried_visits_used=1100,
            start_date=dt.date(2026, 11, 20),
            end_date=dt.date(2027, 5, 19),
        )
    )
    tracker.record_service(Service(client=client.id, payer=payer, date=TODAY))
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Alvarez, Avery")
        text = screen_text(app)
        assert number in text  # in the table and in box 23
        assert f"box 23 today: {number}" in text
        assert "1235/1300" in text and "1101/1200" in text
        assert _flat(note) in _flat(text.replace("│", ""))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one("#filter", Input).value = "Alvarez, Avery"
        await settle(pilot)
        row = next(line for line in screen_text(app).splitlines() if "C1001" in line)
        assert number in row and "65/1300" in row and "99/1200" in row and "05/19/27" in row
    assert not app.unexpected
