"""Coverages in the TUI: a new card from the same payer in the client form is a new period (the
old one ends the day before), and the client screen folds past coverages away like ended
authorizations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from priorauth import coverage
from priorauth.model import Client, ClientInsurance, Payer
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.pilot import open_client, screen_text, settle
from tui.app import make_app
from tui.forms.client_form import ClientForm

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


async def fill(pilot, field_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    box = pilot.app.screen.query_one(f"#{field_id}", Input)
    box.focus()
    box.value = text
    await pilot.pause()


async def test_a_new_member_id_in_the_form_starts_a_new_period(db_path: Path) -> None:
    tracker = Tracker(Store(db_path, user="alice"), today=TODAY)
    aetna = tracker.save_payer(Payer(name="Aetna"))
    cigna = tracker.save_payer(Payer(name="Cigna"))
    old_plan = ClientInsurance(payer_id=cigna.id, member_id="CI9", end_date=dt.date(2024, 6, 30))
    card = ClientInsurance(payer_id=aetna.id, member_id="W111", start_date=dt.date(2024, 7, 1))
    tracker.save_client(Client(first_name="Ann", last_name="Lee", insurances=[old_plan, card]))
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Lee")
        await settle(pilot)
        text = screen_text(app)
        assert "Aetna · W111" in text
        assert "1 other coverage (past or future) folded away: h shows them" in text
        assert "Cigna" not in text
        await pilot.press("h")
        await settle(pilot)
        assert "Past      Cigna · CI9 · primary · until 06/30/2024" in screen_text(app)

        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ClientForm)
        assert app.screen.query_one("#other0-member", Input).value == "CI9"
        await fill(pilot, "primary-member", "W222")
        await fill(pilot, "primary-start", "12/1/2026")
        assert "The Aetna card W111 ends 11/30/2026; the new one starts 12/01/2026." in (
            screen_text(app)
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        (client,) = app.data.clients.values()
        periods = sorted(
            (c.member_id, c.start_date, c.end_date)
            for c in client.insurances
            if c.payer_id == aetna.id
        )
        assert periods == [
            ("W111", dt.date(2024, 7, 1), dt.date(2026, 11, 30)),
            ("W222", dt.date(2026, 12, 1), None),
        ]
        assert coverage.member_id_on(client, aetna.id, TODAY) == "W111"
        assert coverage.member_id_on(client, aetna.id, dt.date(2027, 1, 1)) == "W222"
        assert len(client.insurances) == 3  # the past Cigna plan kept


async def test_the_subscriber_of_a_coverage_is_entered_in_the_client_form(db_path: Path) -> None:
    # seed 002's "Subscriber Information": the model, the export and the import held the
    # subscriber's name and relationship, but the form had no field for them
    tracker = Tracker(Store(db_path, user="alice"), today=TODAY)
    aetna = tracker.save_payer(Payer(name="Aetna"))
    card = ClientInsurance(
        payer_id=aetna.id,
        member_id="W111",
        subscriber_name="Lee, Mara",
        subscriber_relationship="mother",
    )
    tracker.save_client(Client(first_name="Ann", last_name="Lee", insurances=[card]))
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Lee")
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ClientForm)
        assert app.screen.query_one("#primary-subscriber", Input).value == "Lee, Mara"
        assert app.screen.query_one("#primary-relationship", Input).value == "mother"
        await fill(pilot, "primary-subscriber", "Lee, Tom")
        await fill(pilot, "primary-relationship", "father")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ClientForm)
    (client,) = Store(db_path).snapshot().clients.values()
    (saved,) = client.insurances
    assert (saved.member_id, saved.subscriber_name, saved.subscriber_relationship) == (
        "W111",
        "Lee, Tom",
        "father",
    )
    assert not app.unexpected
