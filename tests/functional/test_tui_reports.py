"""The reports screen: the CLI's three reports in the app, each written to a workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from textual.widgets import Input

from priorauth import reports
from sync.workbooks import EXCEL
from tests.helpers.pilot import screen_text, settle, wait_until
from tui.app import make_app
from tui.screens.dialogs import PromptDialog
from tui.screens.reports import ReportsScreen

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


async def test_reports_screen_shows_each_report_and_writes_it(
    demo_db: Path, tmp_path: Path
) -> None:
    app = make_app(demo_db, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        expiring = reports.build("expiring", app.data, TODAY)
        assert len(screen.table.keys) == len(expiring.tables[0].rows)
        text = screen_text(app)
        assert "Expiring in the next 30 days" in text
        first = expiring.tables[0].rows[0]
        assert first[4] in text  # the full auth number, never cut at 80 columns
        await pilot.press("u")
        await settle(pilot)
        assert "Utilization by payer" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert "Renewals to request now" in screen_text(app)
        # w asks where, refuses what is not .xlsx, then writes
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PromptDialog)
        assert dialog.query_one(Input).value.endswith("authtrack-renewals-2026-11-23.xlsx")
        dialog.query_one(Input).value = str(tmp_path / "renewals.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        target = tmp_path / "renewals.xlsx"
        dialog.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not screen.busy and target.exists())
        workbook = load_workbook(target)
        assert workbook.sheetnames == ["Renewals"]
        renewals = reports.build("renewals", app.data, TODAY)
        # a title, the "as of" line and the header above the rows (sync.writing.report_export)
        assert workbook["Renewals"].max_row == len(renewals.tables[0].rows) + 3
        assert any("Wrote" in n.message for n in app._notifications)
    assert not app.unexpected
