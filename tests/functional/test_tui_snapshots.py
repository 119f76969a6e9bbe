"""Every screen at 80×24 and 120×40 on the demo practice with a fixed today and user.

Update after reading the report: ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from priorauth import rules
from priorauth.model import PracticeSettings, Service
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.workbooks import EXCEL
from tests.helpers.pilot import settle
from tui.app import AuthTrackApp, make_app

TODAY = dt.date(2026, 11, 23)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

# screen -> keys from the Clients screen (each key followed by waiting for the data file work)
SCREENS = {
    "clients": [],
    "clients_filtered": ["slash", "a", "l", "v", "enter"],
    "client": ["down", "enter"],
    "client_history": ["down"] * 13 + ["enter", "h"],
    "authorizations": ["2"],
    "notifications": ["3"],
    "import": ["4"],
    "export": ["5"],
    "help": ["question_mark"],
    "client_form": ["e"],
    "auth_form": ["down", "enter", "e"],
    "service_form": ["down", "enter", "s"],
    "palette": ["down", "enter", "ctrl+p"],
    "reports": ["9"],
    "auth_form_open_list": ["down", "enter", "e", "tab", "tab", "enter"],
}


@pytest.fixture
def demo_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", "/home/staff")  # the export screen's default path
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no cursor blink
    db = tmp_path / "practice.json"
    build_demo(Store(db, user="demo"), today=TODAY)
    return make_app(db, today=TODAY, user="alice", workbooks=EXCEL)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen: str, size: tuple[int, int], demo_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("screen", ["clients", "client", "auth_form"])
def test_screen_in_16_colours(screen: str, demo_app, snap_compare) -> None:
    """The theme the app picks on a 16-colour terminal (TERM=xterm, many SSH clients)."""

    async def run_before(pilot) -> None:
        pilot.app.theme = "ansi-dark"
        await settle(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("screen", ["client", "auth_form"])
def test_screen_without_colour(
    screen: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snap_compare
) -> None:
    """NO_COLOR: the selected row (a ▶ mark), the focused field (its label reversed) and a used
    up or ended row (underlined, and said in words) are told apart without colour."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    db = tmp_path / "practice.json"
    build_demo(Store(db, user="demo"), today=TODAY)
    monkeypatch.setenv("NO_COLOR", "1")  # read (and removed) when the app is made
    app = make_app(db, today=TODAY, user="alice", workbooks=EXCEL)
    assert app.no_color

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# The screens that show when things were changed: the demo practice, then a few changes by
# mlopez and jchen at fixed times (shown in UTC). Keys as above.
CHANGED_SCREENS = {
    "audit": ["6"],
    "audit_client": ["down", "enter", "a"],  # Alvarez, Avery's changes, the deleted service too
    "audit_entry": ["6", "down", "down", "down", "enter"],  # jchen's change, before and after
    "payers": ["7"],
    "settings": ["8"],
    "settings_form": ["8", "e"],
}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dt.datetime]]:
    """The store's clock, set by the test; local time is UTC."""
    now = [dt.datetime(2026, 11, 19, 17, 0, tzinfo=dt.UTC)]
    monkeypatch.setattr(
        "priorauth.store.transaction.utc_now", lambda: now[0].isoformat(timespec="seconds")
    )
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield now
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def changed_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: list[dt.datetime]
) -> AuthTrackApp:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    db = tmp_path / "practice.json"
    build_demo(Store(db, user="demo"), today=TODAY)
    mlopez = Tracker(Store(db, user="mlopez"), today=TODAY)
    jchen = Tracker(Store(db, user="jchen"), today=TODAY)

    def at(day: int, hour: int, minute: int) -> None:
        clock[0] = dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)

    at(20, 9, 15)
    mlopez.save_settings(PracticeSettings(low_percent=25))
    data = jchen.data()
    avery = next(c for c in data.clients.values() if c.name == "Alvarez, Avery")
    auth = rules.active_authorization(data, avery.id, avery.insurances[0].payer_id)
    assert auth is not None
    at(21, 14, 2)
    jchen.save_authorization(
        dataclasses.replace(auth, units_authorized=30, notes="Payer added 6 units (call ref 5521).")
    )
    at(22, 10, 30)
    day = TODAY - dt.timedelta(days=1)
    code = auth.procedure_codes[0]
    service = jchen.record_service(
        Service(client=avery.id, payer=auth.payer, date=day, procedure_code=code)
    ).service
    at(23, 8, 45)
    mlopez.delete_service(service)
    at(23, 9, 10)
    aetna = mlopez.data().payer_named("Aetna")
    assert aetna is not None
    mlopez.save_payer(dataclasses.replace(aetna, notes="Fax renewals to 555-0100"))
    return make_app(db, today=TODAY, user="alice", workbooks=EXCEL)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(CHANGED_SCREENS))
def test_changed_screen(screen: str, size: tuple[int, int], changed_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in CHANGED_SCREENS[screen]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(changed_app, terminal_size=size, run_before=run_before)
