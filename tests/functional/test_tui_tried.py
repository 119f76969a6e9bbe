"""Small things found by using the app as a front desk, a biller and an admin would: each test
holds one of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from priorauth.model import Client
from priorauth.services.tracker import Tracker
from tests.helpers.pilot import open_client, screen_text, settle
from tui.app import make_app

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
