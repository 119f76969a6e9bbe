"""An open app keeps its records, not the data file's text: after each read is worked out the
parsed tables hold a checksum per line (Store.shed_text). Other users' saves still show, and the
app's own saves still write the file's unchanged lines as they were."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from priorauth.store.lineref import LineRef
from tests.functional.test_tui_live import save_elsewhere
from tests.functional.test_tui_shared import SIZE, TODAY, seed
from tests.helpers.pilot import screen_text, settle, wait_until
from tui.app import AuthTrackApp, make_app


def _text_held(app: AuthTrackApp, name: str) -> bool:
    table = app.tracker.store.storage.tables()[name]
    return not any(type(line) is LineRef for line in table._lines or ())


async def test_an_open_app_holds_no_text_and_still_follows_and_saves(db_path: Path) -> None:
    seed(db_path)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "10/10" in screen_text(app)
        assert not _text_held(app, "clients") and not _text_held(app, "authorizations")
        save_elsewhere(db_path, 3)
        await wait_until(pilot, lambda: "7/10" in screen_text(app))
        assert not _text_held(app, "services")
        data = app.data
        assert data is not None
        park = next(c for c in data.clients.values() if c.last_name == "Park")
        before = db_path.read_bytes()
        app.store_call(lambda t: t.save_client(dataclasses.replace(park, notes="moved")))
        await wait_until(pilot, lambda: app.data.clients[park.id].notes == "moved")  # type: ignore[union-attr]
        after = db_path.read_bytes()
        for mark in (b'"name":"Aetna"', b'"auth_number":"A-1"', b'"status":"kept"'):
            line = next(line for line in before.split(b"\n") if mark in line)
            assert line in after.split(b"\n")  # written as it was read
        assert not _text_held(app, "clients")
    assert not app.unexpected
