"""Every screen at 80×24 and 120×40 on the demo practice with a fixed today and user.

Update after reading the report: ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from priorauth.demo import build_demo
from priorauth.store import Store
from tui.app import make_app
from tui.testing import settle

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
}


@pytest.fixture
def demo_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", "/home/staff")  # the export screen's default path
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no cursor blink
    db = tmp_path / "practice.json"
    build_demo(Store(db, user="demo"), today=TODAY)
    return make_app(db, today=TODAY, user="alice")


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
