"""Only what is on screen is formatted: a 5,000-client list formats about a screen of rows, on
the first paint too, and the next ones as they scroll into view; sorting still covers every row.
The Authorizations screen works its rows out in a worker, not on the UI thread."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from priorauth.model import Authorization, Client, ClientInsurance, Payer, RequestStatus
from priorauth.store.datafile import Store
from tests.helpers.pilot import screen_text, settle, wait_until
from tui import rows as tui_rows
from tui.app import make_app
from tui.screens.authorizations import AuthorizationsScreen
from tui.screens.clients import ClientsScreen
from tui.table import Formatted

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)
CLIENTS = 5_000
PAGE = 24  # rows on an 80x24 screen, at most


def many_clients(path: Path, n: int = CLIENTS) -> None:
    """``n`` clients of one payer, each with one active authorization (ids in reverse of names)."""
    store = Store(path, user="test")
    with store.transaction() as tx:
        (payer,) = tx.insert_many([Payer(name="Aetna")], "test", hand_over=True)
    clients = [
        Client(
            client_id=f"C{n - i:05d}",
            first_name="Ann",
            last_name=f"Zed{i:05d}",
            insurances=[ClientInsurance(payer_id=payer.id, member_id=f"M{i}")],
        )
        for i in range(n)
    ]
    with store.transaction() as tx:
        made = tx.insert_many(clients, "test", hand_over=True)
        auths = [
            Authorization(
                client=c.id,
                payer=payer.id,
                auth_number=f"A{c.id:05d}",
                units_authorized=10,
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 12, 31),
                status=RequestStatus.APPROVED,
            )
            for c in made
        ]
        tx.insert_many(auths, "test", hand_over=True)


def test_lazy_rows_format_only_what_is_read_and_reuse_unchanged_rows() -> None:
    made: list[int] = []

    def cells(value: tuple[int, str]) -> list[tuple[str, str]]:
        made.append(value[0])
        return [(value[1], "")]

    formatted = Formatted()
    values = [(i, f"row {i}") for i in range(1_000)]
    rows = formatted.rows(values, lambda v: v[0], cells)
    assert len(rows) == 1_000 and rows.keys[:2] == ["0", "1"] and made == []
    assert rows[5] == ("5", [("row 5", "")]) and rows[-1][0] == "999"
    assert made == [5, 999] and rows.formatted_indexes == {5, 999}
    changed = list(values)
    changed[5] = (5, "row five")
    again = formatted.rows(changed, lambda v: v[0], cells)
    assert again != rows and formatted.rows(list(values), lambda v: v[0], cells) == rows
    assert again[5][1] == [("row five", "")] and again[999] is rows[999]  # kept, not made again
    assert made == [5, 999, 5]


async def test_a_5000_client_list_formats_about_a_screen_and_scrolling_formats_the_next(
    db_path: Path,
) -> None:
    many_clients(db_path)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: not app.partial and app.data is not None)
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        table = screen.table
        assert table.row_count == CLIENTS
        assert 0 < table.formatted_count <= 3 * PAGE  # the screen and a page below it
        assert "Zed00000" in screen_text(app) and "10/10" in screen_text(app)
        first = table.formatted_count
        await pilot.press("end")
        await settle(pilot)
        assert "Zed04999" in screen_text(app)
        assert table.formatted_count <= first + 3 * PAGE  # the last page and a page above
        for _ in range(3):
            await pilot.press("pageup")
        await settle(pilot)
        assert table.formatted_count <= first + 5 * PAGE
        # sorting still covers every row: by client id, the last-named client comes first
        await pilot.press("s")
        await settle(pilot)
        data = app.data
        assert data is not None
        ids = [data.clients[int(k)].client_id for k in table.keys]
        assert len(ids) == CLIENTS and ids == sorted(ids) and ids[0] == "C00001"
        assert table.row_text(0).lstrip("▶ ").startswith("Zed04999")
        assert table.formatted_count <= first + 8 * PAGE
    assert not app.unexpected


async def test_the_authorizations_screen_shows_its_rows_once_its_worker_is_done(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many_clients(db_path, 300)
    threads: set[threading.Thread] = set()  # where each authorization's row was worked out
    real = tui_rows.auth_row

    def watched(data, auth, today):  # type: ignore[no-untyped-def]
        threads.add(threading.current_thread())
        return real(data, auth, today)

    monkeypatch.setattr(tui_rows, "auth_row", watched)
    app = make_app(db_path, today=TODAY, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, AuthorizationsScreen)
        await wait_until(pilot, lambda: screen.table.row_count == 300)
        assert "A00001" in screen_text(app) and "300 of 300" in screen_text(app)
        assert threads and threading.main_thread() not in threads
        assert screen.table.formatted_count <= 3 * PAGE
    assert not app.unexpected
