"""A payer that blocks services outside an authorization: staff are refused in the service form;
a billing user overrides with a reason, which the audit keeps. A session that counts nothing
(a no-show) is listed as such on the client screen."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from textual.widgets import Input, Static

from priorauth import rules
from priorauth.model import OutOfAuthPolicy, Service, ServiceStatus
from priorauth.roles import Access, Role
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.pilot import open_client, screen_text, settle
from tui.app import make_app
from tui.forms.service_form import ServiceForm
from tui.screens.client import ClientScreen
from tui.screens.dialogs import PromptDialog

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


def _block_aetna(db: Path) -> None:
    tracker = Tracker(Store(db, user="admin"), today=TODAY)
    aetna = tracker.data().payer_named("Aetna")
    assert aetna is not None
    tracker.save_payer(dataclasses.replace(aetna, out_of_auth_policy=OutOfAuthPolicy.BLOCK))


async def _try_outside(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await open_client(pilot, "Alvarez, Avery")  # insured primary with Aetna
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(app.screen, ServiceForm)
    app.screen.query_one("#date", Input).value = "01/05/2020"
    await pilot.pause()
    assert "blocks it" in " ".join(screen_text(app).split())  # said before saving
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_staff_cannot_record_a_blocked_service(demo_db: Path) -> None:
    _block_aetna(demo_db)
    app = make_app(demo_db, today=TODAY, user="sam", policy=Access("sam", Role.STAFF, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.data.services)
        await _try_outside(pilot, app)
        assert isinstance(app.screen, ServiceForm)  # still open, saying why
        text = " ".join(screen_text(app).split())
        assert "blocks services outside" in text
        assert len(app.data.services) == before
    assert not app.unexpected


async def test_billing_overrides_with_a_reason_kept_in_the_audit(demo_db: Path) -> None:
    _block_aetna(demo_db)
    app = make_app(demo_db, today=TODAY, user="bea", policy=Access("bea", Role.BILLING, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.data.services)
        await _try_outside(pilot, app)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("enter")  # no reason: the dialog stays and says so
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        assert "Give a reason: the audit keeps it." in " ".join(screen_text(app).split())
        app.screen.query_one("#prompt-input", Input).value = "retro auth promised, ref 77"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        assert len(app.data.services) == before + 1
        (saved,) = [s for s in app.data.services.values() if s.date == dt.date(2020, 1, 5)]
        assert saved.override_reason == "retro auth promised, ref 77"
    entry = Store(demo_db).audit()[-1]
    assert entry.user == "bea" and "retro auth promised, ref 77" in entry.summary
    assert not app.unexpected


async def _try_past_units(pilot, app) -> str:  # type: ignore[no-untyped-def]
    """Avery's Aetna authorization 13891590 (24 units, 90832/90834/90837): 30 units today."""
    await open_client(pilot, "Alvarez, Avery")
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(app.screen, ServiceForm)
    app.screen.query_one("#procedure_code", Input).value = "90837"
    app.screen.query_one("#units", Input).value = "30"
    await settle(pilot)
    return _note(app)


def _note(app) -> str:  # type: ignore[no-untyped-def]
    """The form's note (what it says before saving), unwrapped."""
    return str(app.screen.query_one("#form-note", Static).render())


async def test_the_form_says_before_saving_when_a_service_goes_past_the_units(
    demo_db: Path,
) -> None:
    app = make_app(demo_db, today=TODAY, user="alice")  # Aetna's policy: warn (the default)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = await _try_past_units(pilot, app)
        assert "is past the 24 units of authorization 13891590" in text
        assert "the claim may be denied for the extra units" in text
        app.screen.query_one("#units", Input).value = "1"
        await settle(pilot)
        text = _note(app)
        assert "Counts (used) against 13891590" in text and "past the" not in text
    assert not app.unexpected


async def test_staff_cannot_go_past_a_blocking_payers_units(demo_db: Path) -> None:
    _block_aetna(demo_db)
    app = make_app(demo_db, today=TODAY, user="sam", policy=Access("sam", Role.STAFF, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.data.services)
        text = await _try_past_units(pilot, app)
        assert "past the 24 units" in text and "the payer blocks it" in text  # before saving
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ServiceForm)
        assert "blocks services outside" in " ".join(screen_text(app).split())
        assert len(app.data.services) == before
    assert not app.unexpected


async def test_billing_goes_past_a_blocking_payers_units_with_a_reason(demo_db: Path) -> None:
    _block_aetna(demo_db)
    app = make_app(demo_db, today=TODAY, user="bea", policy=Access("bea", Role.BILLING, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = await _try_past_units(pilot, app)
        assert "billing may override with a reason" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one("#prompt-input", Input).value = "extension requested"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        (saved,) = [s for s in app.data.services.values() if s.units == 30]
        assert saved.override_reason == "extension requested"
    assert "extension requested" in Store(demo_db).audit()[-1].summary
    assert not app.unexpected


async def test_a_cancelled_session_is_listed_as_such_and_counts_nothing(demo_db: Path) -> None:
    tracker = Tracker(Store(demo_db, user="admin"), today=TODAY)
    data = tracker.data()
    avery = next(c for c in data.clients.values() if c.name == "Alvarez, Avery")
    auth = rules.active_authorization(data, avery.id, avery.insurances[0].payer_id)
    assert auth is not None and auth.start_date is not None
    before = rules.usage(data, auth, TODAY)
    day = TODAY - dt.timedelta(days=3)
    code = auth.procedure_codes[0] if auth.procedure_codes else ""
    tracker.record_service(
        Service(
            client=avery.id,
            payer=auth.payer,
            date=day,
            procedure_code=code,
            units=7,
            status=ServiceStatus.NO_SHOW,
            note="no call",
        )
    )
    assert rules.usage(tracker.data(), auth, TODAY) == before
    app = make_app(demo_db, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Alvarez, Avery")
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "no call" in line)
        assert "noshow" in row and " 7 " in row
    assert not app.unexpected
