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


async def test_reports_screen_says_no_number_for_a_blank_auth_number(db_path: Path) -> None:
    """A blank auth number reads "(no number)" on screen, as on every other screen; the
    report itself (its files, its JSON) keeps the blank."""
    from priorauth.model import Authorization, Client, ClientInsurance, Payer, Priority
    from priorauth.services.tracker import Tracker
    from priorauth.store.datafile import Store

    tracker = Tracker(Store(db_path, user="alice"), today=TODAY)
    aetna = tracker.save_payer(Payer(name="Aetna"))
    ann = tracker.save_client(
        Client(
            first_name="Ann",
            last_name="Lee",
            dob=dt.date(1990, 4, 2),
            insurances=[ClientInsurance(payer_id=aetna.id, priority=Priority.PRIMARY)],
        )
    )
    tracker.save_authorization(
        Authorization(
            client=ann.id,
            payer=aetna.id,
            auth_number="",
            procedure_codes=["90837"],
            visits_authorized=12,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 12, 1),  # expiring within the report's 30 days
        )
    )
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        (row,) = reports.build("expiring", app.data, TODAY).tables[0].rows
        assert row[4] == ""  # the report's value stays blank
        text = screen_text(app)
        assert "Lee, Ann" in text
        assert "(no number)" in text  # in the table
        assert "Auth Number: (no number)" in str(screen.query_one("#detail").render())
    assert not app.unexpected
