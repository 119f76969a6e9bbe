"""Import (preview with the errors by row, then confirm) and export, from the TUI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from textual.widgets import Input

from priorauth.model import Payer
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.workbooks import EXCEL
from tests.helpers.pilot import screen_text, settle
from tui.app import make_app
from tui.screens.dialogs import ConfirmDialog
from tui.screens.export_screen import ExportScreen
from tui.screens.import_screen import ImportScreen

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


def authorization_log(path: Path) -> Path:
    """A practice's log: one good row, one with the end before the start, one full of mistakes."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Auth log"
    ws.append(
        [
            "Client Name",
            "Date of Birth",
            "Payer",
            "Member ID",
            "Auth Number",
            "Procedure Codes",
            "Start Date",
            "End Date",
            "Units Authorized",
            "Visits Authorized",
        ]
    )
    ws.append(
        [
            "Lee, Ann",
            dt.date(1990, 4, 2),
            "Aetna",
            "W123",
            "A-100",
            "90837",
            dt.date(2026, 11, 1),
            dt.date(2027, 1, 31),
            12,
            12,
        ]
    )
    ws.append(
        [
            "Park, Jo",
            dt.date(1985, 1, 5),
            "Cigna",
            "C9",
            "C-200",
            "90834",
            dt.date(2026, 12, 1),
            dt.date(2026, 11, 1),
            10,
            10,
        ]
    )
    ws.append(
        [
            "Diaz, Sam",
            "not a date",
            "Aetna",
            "W9",
            "A-300",
            "9O837",
            "13/45/2026",
            dt.date(2027, 1, 31),
            -4,
            8,
        ]
    )
    wb.save(path)
    return path


async def test_import_preview_shows_errors_by_row_then_imports_the_rest(
    tmp_path: Path, db_path: Path
) -> None:
    book = authorization_log(tmp_path / "log.xlsx")
    Tracker(Store(db_path, user="alice"), today=TODAY).save_payer(Payer(name="Aetna"))
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        app.screen.query_one("#path", Input).value = str(book)
        await pilot.press("enter")  # preview
        await settle(pilot)
        text = " ".join(screen_text(app).split())  # as one line: long sentences wrap
        assert "Preview, nothing saved yet" in text
        assert "authorizations 1 to create" in text
        assert "Rows that cannot be imported (5)" in text
        assert "not a date" in text  # row 4's date of birth, by row and column
        assert not app.data.authorizations  # a preview writes nothing

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "2 rows have problems" in " ".join(screen_text(app).split())
        await pilot.press("y")
        await settle(pilot)
        assert "Imported. Created 1" in " ".join(screen_text(app).split())
        (auth,) = app.data.authorizations.values()
        assert auth.auth_number == "A-100"
        assert list(db_path.parent.glob("backups/*import*"))  # a backup was kept first

        # the new client is on the Clients screen
        await pilot.press("1")
        await settle(pilot)
        assert "Lee, Ann" in screen_text(app)
    assert not app.unexpected


async def test_import_of_an_unusable_file_is_one_sentence(tmp_path: Path, db_path: Path) -> None:
    junk = tmp_path / "notes.xlsx"
    junk.write_text("this is not a workbook")
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(junk)
        await pilot.press("enter")
        await settle(pilot)
        result = str(app.screen.query_one("#result").render())
        assert "notes.xlsx" in result and "\n" not in result.strip()  # one sentence
        assert isinstance(app.screen, ImportScreen)
    assert not app.unexpected


async def test_export_writes_the_workbook(tmp_path: Path, db_path: Path) -> None:
    from priorauth.services.demo import build_demo

    build_demo(Store(db_path, user="demo"), today=TODAY)
    target = tmp_path / "out.xlsx"
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        said = " ".join(str(app.screen.query_one("#result").render()).split())
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert "Exported 44 authorizations" in screen_text(app)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == "Authorizations"
    assert wb["Authorizations"].max_row == 45
    assert not app.unexpected
    # the screen names every sheet the workbook has (it named three of eight)
    assert [name for name in wb.sheetnames if name not in said] == [], said


async def test_import_preview_names_the_columns_it_will_not_import(
    tmp_path: Path, db_path: Path
) -> None:
    """Issue 11 §3: a column the log keeps and authtrack does not read is shown in the preview."""
    path = tmp_path / "log.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Client", "D.O.B.", "Payer", "Auth #", "Start", "End", "Referral Source"])
    ws.append(["Lee, Ann", dt.date(1990, 4, 2), "Aetna", "A-1", TODAY, TODAY, "Dr. Hill"])
    wb.save(path)
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")  # preview
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "Columns not imported (1)" in text
        assert '"Referral Source" on sheet "Sheet" was not imported' in text
        assert not app.data.authorizations
        # then a file that cannot be read: its sentence alone, nothing of the last preview
        assert app.screen.query_one("#preview-row").display
        junk = tmp_path / "notes.xlsx"
        junk.write_text("this is not a workbook")
        app.screen.query_one("#path", Input).value = str(junk)
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "notes.xlsx" in str(app.screen.query_one("#result").render())
        assert not app.screen.query_one("#preview").display
        assert not app.screen.query_one("#preview-row").display


async def test_import_screen_takes_an_appointment_list(typed_demo_db: Path) -> None:
    from tests.helpers.sync_helpers import SAMPLES
    from tui.screens.import_screen import SPAN, preview_rows

    app = make_app(typed_demo_db, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.data.services)
        await pilot.press("4")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(SAMPLES / "appointments_export.csv")
        await pilot.press("enter")  # preview
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "services 72 to create, 326 to update" in text  # it says what kind it saw
        rows, _ = preview_rows(app.screen.plan)  # (below the warnings, past the screen's end)
        assert ("created", [("New services (72)", SPAN)]) in rows
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("Import: services: 72 new, 326 changed?")
        await pilot.press("y")
        await settle(pilot)
        assert "Imported. Created 72 and updated 326 services" in " ".join(screen_text(app).split())
        assert len(app.data.services) == before + 72
    assert not app.unexpected


async def test_import_confirm_counts_the_new_clients(tmp_path: Path, db_path: Path) -> None:
    """The confirm question says the clients the import creates, as the CLI's summary does."""
    book = tmp_path / "log.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        ["Client Name", "Payer", "Auth Number", "Start Date", "End Date", "Visits Authorized"]
    )
    for name, number in (("Lee, Ann", "A-100"), ("Park, Jo", "A-200")):
        ws.append([name, "Aetna", number, dt.date(2026, 11, 1), dt.date(2027, 1, 31), 12])
    wb.save(book)
    Tracker(Store(db_path, user="alice"), today=TODAY).save_payer(Payer(name="Aetna"))
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(book)
        await pilot.press("enter")  # preview
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        # (it said "create 2 and update 0": of what, it did not say)
        assert app.screen.question.startswith(
            "Import: authorizations: 2 new, 0 changed; clients: 2 new, 0 changed?"
        )
        await pilot.press("n")
        await settle(pilot)
    assert not app.unexpected
