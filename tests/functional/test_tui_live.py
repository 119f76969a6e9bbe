"""An open app after another process's save: the change on screen, worked out for the clients it
touched alone, and the Authorizations screen's rows worked out only once it is shown."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from tests.functional.test_tui_shared import SIZE, TODAY, seed
from tests.helpers.pilot import screen_text, settle, wait_until
from tui.app import make_app
from tui.screens.authorizations import AuthorizationsScreen

WRITER = """
import datetime as dt, sys
from priorauth.model import Service
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store

tracker = Tracker(Store(sys.argv[1], user="bob"), today=dt.date(2026, 11, 23))
data = tracker.data()
lee = next(c for c in data.clients.values() if c.last_name == "Lee")
tracker.record_service(
    Service(client=lee.id, payer=lee.insurances[0].payer_id, date=dt.date(2026, 11, 20),
            units=int(sys.argv[2]))
)
"""


def save_elsewhere(db_path: Path, units: int) -> None:
    """Another process records a service of ``units`` for Lee, Ann."""
    subprocess.run([sys.executable, "-c", WRITER, str(db_path), str(units)], check=True)


async def test_another_process_save_is_shown_for_the_touched_client_alone(db_path: Path) -> None:
    seed(db_path)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "10/10" in screen_text(app)
        save_elsewhere(db_path, 3)
        await wait_until(pilot, lambda: "7/10" in screen_text(app))
        data = app.data
        assert data is not None
        lee = next(c for c in data.clients.values() if c.last_name == "Lee")
        changes = app.snapshots.live.last
        assert changes.ids.get("services") and not changes.everything
        assert changes.clients == {lee.id}  # Park's row and notifications were kept as they were
        # the Authorizations screen was never shown: its rows were never worked out
        assert ("tui.auth_rows", TODAY) not in data.derived
    assert not app.unexpected


async def test_the_authorizations_screen_follows_saves_once_shown(db_path: Path) -> None:
    seed(db_path)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, AuthorizationsScreen)
        assert "10/10" in screen_text(app)
        save_elsewhere(db_path, 4)
        await wait_until(pilot, lambda: "6/10" in screen_text(app))
        save_elsewhere(db_path, 1)
        await wait_until(pilot, lambda: "5/10" in screen_text(app))
        assert not app.snapshots.live.last.everything
    assert not app.unexpected


def test_a_fresh_app_counts_what_the_live_one_shows(db_path: Path) -> None:
    """(The property test in tests/unit/test_live.py checks this for random changes.)"""
    seed(db_path)
    save_elsewhere(db_path, 2)
    from priorauth import notify
    from priorauth.services.live import LiveView
    from priorauth.store.datafile import Store
    from tui.rows import client_rows

    live, store = LiveView(), Store(db_path, user="alice")
    live.apply(store.snapshot(), TODAY)
    client_rows(store.snapshot(), TODAY)
    notify.compute(store.snapshot(), TODAY)
    save_elsewhere(db_path, 1)
    data = store.snapshot()
    live.apply(data, TODAY)
    fresh = Store(db_path, user="fresh").snapshot()
    assert client_rows(data, TODAY) == client_rows(fresh, TODAY)
    assert notify.compute(data, TODAY) == notify.compute(fresh, TODAY)
    assert dt.date(2026, 11, 20) in {s.date for s in data.services.values()}
