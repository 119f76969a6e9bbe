"""Issue 14, the import and export screens at 80×24: a likely second record of a client named
in the preview, the sheet picked in the preview, and ``export --into`` from the export screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from priorauth.model import Client, ClientInsurance, Payer, Priority
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.workbooks import EXCEL
from tests.helpers.pilot import screen_text, settle
from tests.helpers.sync_helpers import LOG_HEADER, log_row, workbook
from tui.app import make_app
from tui.screens.import_screen import ImportScreen

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


def _ann(db_path: Path) -> Client:
    tracker = Tracker(Store(db_path, user="alice"), today=TODAY)
    aetna = tracker.save_payer(Payer(name="Aetna"))
    return tracker.save_client(
        Client(
            first_name="Ann",
            last_name="Lee",
            dob=dt.date(1990, 4, 2),
            clinician="jdoe",
            insurances=[ClientInsurance(payer_id=aetna.id, priority=Priority.PRIMARY)],
        )
    )


async def _preview(pilot, app, path: Path) -> str:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    assert isinstance(app.screen, ImportScreen)
    app.screen.query_one("#path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return " ".join(screen_text(app).split())


async def test_the_preview_names_the_client_a_new_one_may_duplicate(
    tmp_path: Path, db_path: Path
) -> None:
    ann = _ann(db_path)
    rows = [[*log_row("Lee, Ann", "A-1"), "X-9"]]
    path = workbook(tmp_path / "log.xlsx", rows, header=[*LOG_HEADER, "Client ID"])
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await _preview(pilot, app, path)
        assert isinstance(app.screen, ImportScreen)
        warning = next(w for w in app.screen.plan.warnings if "same name" in w)
        assert f"Lee, Ann ({ann.client_id}, clinician jdoe, Aetna)" in warning
        result = " ".join(str(app.screen.query_one("#result").render()).split())
        assert "new client Lee, Ann (born 04/02/1990) has the same name" in result
        assert len(app.data.clients) == 1  # a preview writes nothing
    assert not app.unexpected
