"""Issue 14, the import and export screens at 80×24: a likely second record of a client named
in the preview, the sheet picked in the preview, and ``export --into`` from the export screen."""

from __future__ import annotations

import datetime as dt
import zipfile
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


def _monthly_tabs(path: Path, template: bool = False) -> Path:
    """Two monthly tabs with the same header; with ``template``, an empty "Template" tab too
    (then the tab with rows wins over the template, but both look like logs)."""
    tabs = {
        "Oct 2026": [log_row("Lee, Ann", "A-1", used=3)],
        "Nov 2026": [log_row("Lee, Ann", "A-1", used=7), log_row("Kim, Bo", "B-1")],
    }
    if template:
        return workbook(
            path, tabs["Nov 2026"], title="Nov 2026", extra_sheets={"Template": [LOG_HEADER]}
        )
    return workbook(
        path,
        tabs["Oct 2026"],
        title="Oct 2026",
        extra_sheets={"Nov 2026": [LOG_HEADER, *tabs["Nov 2026"]]},
    )


async def test_a_workbook_with_several_log_sheets_is_said_and_picked_in_the_preview(
    tmp_path: Path, db_path: Path
) -> None:
    from tui.screens.dialogs import PickDialog

    path = _monthly_tabs(tmp_path / "tabs.xlsx")
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        text = await _preview(pilot, app, path)
        assert "2 sheets that look equally like authorization logs" in text
        assert "ctrl+t picks the sheet" in text
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        listed = " ".join(screen_text(app).split())
        assert "Oct 2026" in listed and "Nov 2026" in listed and "all of them" in listed
        await pilot.press("down", "enter")  # Nov 2026 (oldest first)
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert app.screen.query_one("#sheet", Input).value == "Nov 2026"
        text = " ".join(screen_text(app).split())
        assert 'sheet "Nov 2026": authorizations 2 to create' in text
        assert '2 sheets look like logs ("Oct 2026", "Nov 2026"); read: "Nov 2026"' in text

        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("down", "enter")  # all of them
        await settle(pilot)
        assert app.screen.query_one("#sheet", Input).value == "all"
        text = " ".join(screen_text(app).split())
        assert "read: all of them, merged oldest to newest" in text
        assert app.screen.plan.log_sheets == ["Oct 2026", "Nov 2026"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        (a1,) = [a for a in app.data.authorizations.values() if a.auth_number == "A-1"]
        assert a1.carried_units_used == 7  # the newest tab's count
    assert not app.unexpected


async def test_the_preview_says_when_it_chose_among_several_log_sheets(
    tmp_path: Path, db_path: Path
) -> None:
    path = _monthly_tabs(tmp_path / "tabs.xlsx", template=True)
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        text = await _preview(pilot, app, path)
        assert "Preview, nothing saved yet" in text
        assert '2 sheets look like logs ("Nov 2026", "Template"); read: "Nov 2026"' in text
    assert not app.unexpected


async def test_ctrl_t_before_a_preview_says_what_it_is_for(db_path: Path) -> None:
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert "ctrl+t lists them" in " ".join(screen_text(app).split())


def test_snapshot_of_a_preview_among_several_log_sheets(
    tmp_path: Path, monkeypatch, snap_compare
) -> None:
    """The preview at 80×24 saying which of several log sheets it read (a relative path: the
    picture holds no temporary folder)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no cursor blink
    monkeypatch.chdir(tmp_path)
    _monthly_tabs(tmp_path / "tabs.xlsx", template=True)
    app = make_app(tmp_path / "practice.json", today=TODAY, user="alice", workbooks=EXCEL)

    async def run_before(pilot) -> None:
        await _preview(pilot, app, Path("tabs.xlsx"))

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# --- export --into from the export screen ------------------------------------------------------


def _practice_with_a1(db_path: Path) -> None:
    from priorauth.model import Authorization

    ann = _ann(db_path)
    tracker = Tracker(Store(db_path, user="alice"), today=TODAY)
    tracker.save_authorization(
        Authorization(
            client=ann.id,
            payer=ann.insurances[0].payer_id,
            auth_number="A-1",
            procedure_codes=["90837"],
            units_authorized=30,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2027, 2, 28),
        )
    )


def _their_log(path: Path, chart: bool) -> Path:
    """The practice's log: A-1 with 24 units (authtrack says 30); with ``chart``, a chart that
    openpyxl cannot keep."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    workbook(path, [log_row("Lee, Ann", "A-1")])
    if chart:
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        bars = BarChart()
        bars.add_data(Reference(ws, min_col=9, min_row=1, max_row=2), titles_from_data=True)
        ws.add_chart(bars, "L2")
        wb.save(path)
    return path


async def _export_into(pilot, app, log: Path) -> None:
    from tui.screens.export_screen import ExportScreen

    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    assert isinstance(app.screen, ExportScreen)
    app.screen.query_one("#into", Input).value = str(log)
    await settle(pilot)
    assert app.screen.query_one("#path", Input).value == str(log.with_name("log.authtrack.xlsx"))
    app.screen.query_one("#into", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_export_into_the_practices_log_asks_before_losing_its_macros(
    tmp_path: Path, db_path: Path
) -> None:
    import openpyxl

    from tui.screens.dialogs import ConfirmDialog

    _practice_with_a1(db_path)
    log = _their_log(tmp_path / "log.xlsx", chart=True)  # (a chart survives write-back)
    with zipfile.ZipFile(log, "a") as zf:  # macros in a log not named .xlsm do not
        zf.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real project")
    before = log.read_bytes()
    out = tmp_path / "log.authtrack.xlsx"
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await _export_into(pilot, app, log)
        assert isinstance(app.screen, ConfirmDialog)
        question = " ".join(screen_text(app).split())
        assert "macros (save the log as .xlsm to keep them)" in question
        assert not out.exists()  # nothing written while it asks
        await pilot.press("n")
        await settle(pilot)
        assert "nothing was written" in " ".join(screen_text(app).split())
        assert not out.exists()

        app.screen.query_one("#into", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert 'sheet "Log", 1 row updated' in text
    assert log.read_bytes() == before  # their own file is never changed
    ws = openpyxl.load_workbook(out).active
    assert ws["I2"].value == 30  # units authorized, as authtrack has them
    assert not app.unexpected


async def test_export_into_a_log_with_nothing_to_lose_writes_without_asking(
    tmp_path: Path, db_path: Path
) -> None:
    _practice_with_a1(db_path)
    log = _their_log(tmp_path / "log.xlsx", chart=False)
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await _export_into(pilot, app, log)
        result = str(app.screen.query_one("#result").render())  # (no dialog came between)
        assert result.startswith(f'Wrote {tmp_path / "log.authtrack.xlsx"}: sheet "Log"')
        # the log itself as the target is refused before anything is read
        app.screen.query_one("#path", Input).value = str(log)
        app.screen.query_one("#into", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "is the log itself" in " ".join(screen_text(app).split())
    assert (tmp_path / "log.authtrack.xlsx").exists()
    assert not app.unexpected


async def test_an_export_holding_a_shared_number_imports_into_an_empty_file(
    tmp_path: Path, db_path: Path
) -> None:
    """An older file's two authorizations under one number: the export imports, both kept, the
    preview naming the repeated number."""
    import dataclasses

    from sync.writing.exporter import export_workbook

    source = tmp_path / "old.json"
    _practice_with_a1(source)
    tracker = Tracker(Store(source, user="alice"), today=TODAY)
    (a1,) = tracker.data().authorizations.values()
    twin = dataclasses.replace(
        a1, id=0, rev=0, auth_number="B-2", start_date=dt.date(2027, 3, 1), end_date=None
    )
    b = tracker.save_authorization(twin).authorization
    with tracker.store.transaction() as tx:  # (past validation: a file from before the rule)
        tx.update(dataclasses.replace(b, auth_number="A-1"))
    book = export_workbook(tracker.data(), tmp_path / "export.xlsx", today=TODAY)
    app = make_app(db_path, today=TODAY, user="alice", workbooks=EXCEL)
    async with app.run_test(size=SIZE) as pilot:
        await _preview(pilot, app, book)
        assert isinstance(app.screen, ImportScreen)
        assert not app.screen.plan.errors
        result = " ".join(str(app.screen.query_one("#result").render()).split())
        assert "authorization A-1 with this payer is also on row 2" in result
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        starts = sorted(a.start_date for a in app.data.authorizations.values())
        assert starts == [dt.date(2026, 9, 1), dt.date(2027, 3, 1)]
        assert {a.auth_number for a in app.data.authorizations.values()} == {"A-1"}
    assert not app.unexpected
