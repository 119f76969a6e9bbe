"""What an admin keeps for the whole practice: the settings, payers and procedure groups; and the
role each user sees they have (header, help, greyed keys)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from priorauth.model import PracticeSettings
from priorauth.practice import practice_settings
from priorauth.roles import Access, Role
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.pilot import screen_text, settle, type_text
from tui.app import make_app
from tui.forms.group_form import GroupForm
from tui.forms.payer_form import PayerForm
from tui.forms.settings_form import SettingsForm
from tui.screens.dialogs import ConflictDialog
from tui.screens.help import HelpScreen
from tui.screens.payers import PayersScreen
from tui.screens.settings import SettingsScreen

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


def as_role(user: str, role: Role) -> Access:
    return Access(user, role, f"user {user} is listed as {role.label}")


def flat(text: str) -> str:
    return " ".join(text.split())


async def fill(pilot, field_id: str, text: str) -> None:
    """Replace a field's text by typing, as a person would."""
    box = pilot.app.screen.query_one(f"#{field_id}", Input)
    box.focus()
    box.value = ""
    await type_text(pilot, text)
    await pilot.pause()


async def test_admin_saves_the_practice_settings(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="mlopez", policy=as_role("mlopez", Role.ADMIN))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert "nobody has changed them yet" in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, SettingsForm)
        await fill(pilot, "low_percent", "150")
        assert "percent from 0 to 100" in flat(screen_text(app))  # as you type
        await fill(pilot, "low_percent", "25")
        await fill(pilot, "pace_weeks", "6")
        assert "percent from 0 to 100" not in flat(screen_text(app))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        saved = practice_settings(app.data)
        assert (saved.low_percent, saved.pace_weeks, saved.updated_by) == (25, 6, "mlopez")
        text = flat(screen_text(app))
        assert "25 %" in text and "6 weeks" in text and "Last changed by mlopez" in text
    assert not app.unexpected


async def test_settings_changed_meanwhile_are_a_conflict(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="mlopez")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8", "e")
        await settle(pilot)
        await fill(pilot, "low_floor", "3")
        # bob saves the settings while the form is open
        Tracker(Store(demo_db, user="bob"), today=TODAY).save_settings(
            PracticeSettings(low_percent=30)
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "changed by bob at" in flat(screen_text(app))
        await pilot.press("r")  # reload theirs
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        saved = practice_settings(app.data)
        assert (saved.low_percent, saved.low_floor, saved.updated_by) == (30, 1, "bob")
    assert not app.unexpected


async def test_staff_see_the_settings_read_only(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="jchen", policy=as_role("jchen", Role.STAFF))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "jchen · staff" in screen_text(app)  # the role, in the header
        await pilot.press("8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert "Read only: only an admin changes them (jchen is staff)" in flat(screen_text(app))
        assert screen.check_action("edit", ()) is None  # greyed in the footer
        await pilot.press("e", "enter")
        await settle(pilot)
        assert app.screen is screen  # no form
        assert "Change the practice settings" not in [c.title for c in screen.palette_commands()]
        # and the domain refuses it anyway
        app.store_call(lambda t: t.save_settings(PracticeSettings(low_percent=50)))
        await settle(pilot)
        assert practice_settings(app.data).low_percent == 20
        assert any("needs the admin role" in str(n.message) for n in app._notifications)
    assert not app.unexpected


async def test_payer_add_and_edit_with_validation(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="mlopez")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PayersScreen)
        payers = len(app.data.payers)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PayerForm)
        # at 80 columns the policy and its hint are read whole, not cut mid-sentence
        lines = screen_text(app).splitlines()
        (policy,) = [line for line in lines if "Outside auth" in line]
        assert "warn: record it with a warning" in policy, policy
        assert "no auth, or past its units" in policy, policy
        await type_text(pilot, "aetna")
        assert 'There is already a payer named "Aetna"' in flat(screen_text(app))
        await fill(pilot, "name", "Beacon Health")
        await fill(pilot, "turnaround_days", "ten")
        assert '"ten" is not a whole number' in flat(screen_text(app))
        await pilot.press("ctrl+s")  # refused while a field is wrong
        await settle(pilot)
        assert isinstance(app.screen, PayerForm) and len(app.data.payers) == payers
        await fill(pilot, "turnaround_days", "5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        beacon = app.data.payer_named("Beacon Health")
        assert beacon is not None and beacon.turnaround_days == 5
        assert screen.selected() == beacon  # the cursor is on the new payer

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, PayerForm)
        assert "Edit payer Beacon Health" in screen_text(app)
        await fill(pilot, "turnaround_days", "-1")
        assert "cannot be negative" in flat(screen_text(app))
        await fill(pilot, "turnaround_days", "7")
        await fill(pilot, "notes", "Fax 555-0100")
        app.screen.query_one("#prior_auth_required").value = False
        assert beacon.out_of_auth_policy == "warn"  # the default
        app.screen.query_one("#out_of_auth_policy").value = "block"
        await pilot.press("ctrl+s")
        await settle(pilot)
        edited = app.data.payers[beacon.id]
        assert (edited.turnaround_days, edited.notes, edited.prior_auth_required) == (
            7,
            "Fax 555-0100",
            False,
        )
        assert edited.out_of_auth_policy == "block"
        assert len(app.data.payers) == payers + 1
        assert "not required" in screen_text(app)
    assert not app.unexpected


async def test_group_with_a_bad_code_is_refused(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="mlopez")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7", "g")
        await settle(pilot)
        assert isinstance(app.screen, GroupForm)
        groups = len(app.data.groups)
        await type_text(pilot, "Speech")
        await fill(pilot, "codes", "92507, 9250")
        text = flat(screen_text(app))
        assert '"9250" is not a procedure code' in text  # under the codes, as you type
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, GroupForm) and len(app.data.groups) == groups
        await fill(pilot, "codes", "92507, 92526")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PayersScreen)
        speech = next(g for g in app.data.groups.values() if g.name == "Speech")
        assert speech.codes == ["92507", "92526"]
        assert app.screen.groups.has_focus and app.screen.selected() == speech
        await pilot.press("e")  # edit it: the codes are there
        await settle(pilot)
        assert app.screen.query_one("#codes", Input).value == "92507, 92526"
    assert not app.unexpected


async def test_staff_may_add_a_payer_but_not_change_the_lists(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY, user="jchen", policy=as_role("jchen", Role.STAFF))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PayersScreen)
        assert screen.check_action("new_payer", ()) is True
        assert screen.check_action("edit", ()) is None
        assert screen.check_action("new_group", ()) is None
        await pilot.press("e", "g")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("enter")  # says why instead of opening the payer
        await settle(pilot)
        assert app.screen is screen
        assert any("Only an admin changes" in str(n.message) for n in app._notifications)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PayerForm)
    assert not app.unexpected


async def test_help_says_what_the_role_cannot_do(demo_db: Path) -> None:
    policy = as_role("mlopez", Role.BILLING)
    app = make_app(demo_db, today=TODAY, user="mlopez", policy=policy)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert "mlopez · billing" in screen_text(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body").query_one("Static").render())
        assert "You are mlopez, role billing (user mlopez is listed as billing)" in text
        assert "Importing a workbook (needs admin)" in text
        assert "Changing payers, procedure groups and practice settings (needs admin)" in text
        assert "Confirming authorizations to billing" not in text.split("Ask your")[0]
        assert "Change the practice settings (not for your role)" in text
        assert "Go to the Audit trail" in text
