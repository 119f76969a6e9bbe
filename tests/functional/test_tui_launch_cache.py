"""An app that starts on the content and day another process worked its values out for (the
derived cache, priorauth.services.launch) shows its counts and badge at once, the same as an app
that works everything out; after a save it stays the same as a fresh read."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from priorauth import notify
from priorauth.services import launch
from priorauth.store import derived
from priorauth.store.datafile import Store
from tests.helpers.pilot import settle
from tui.app import Loaded, make_app
from tui.rows import client_rows

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _no_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests count the snapshots an app's first read posts. The once-a-second poll would
    add a whole-file check's snapshot to them whenever an app outlives its first second (its
    first poll on a file read line by line: Store.recheck_due), as on a busy machine."""
    monkeypatch.setattr("tui.app.POLL_SECONDS", 3600.0)


async def _shown(db: Path) -> tuple[list[Any], list[Any], list[bool]]:
    """(client rows, notifications) an app shows once settled, and whether each snapshot it
    was given was the partial one (clients before counts)."""
    partial: list[bool] = []

    def hook(message: Message) -> None:
        if isinstance(message, Loaded) and message.snapshot is not None:
            partial.append(message.snapshot.notifications is None)

    app = make_app(db, today=TODAY, user="mlopez")
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        assert app.data is not None
        rows = client_rows(app.data, TODAY)
        return rows, list(app.notifications), partial


async def test_an_app_started_from_the_cache_shows_what_a_fresh_one_works_out(
    demo_db: Path,
) -> None:
    assert not derived.cache_path(demo_db).exists()
    rows, notes, partial = await _shown(demo_db)
    assert partial[0] is True  # (no cache: the clients first, their counts a moment later)
    assert derived.cache_path(demo_db).is_file()  # kept by the first app of the day
    again_rows, again_notes, again_partial = await _shown(demo_db)
    assert again_partial == [False]  # counts and badge with the first rows
    assert again_rows == rows and again_notes == notes
    store = Store(demo_db, user="mlopez")
    data = store.snapshot()
    assert again_notes == notify.visible(data, notify.compute(data, TODAY), "mlopez", TODAY)


async def test_a_save_by_another_process_is_never_shown_from_the_old_cache(
    demo_db: Path,
) -> None:
    await _shown(demo_db)  # keeps the cache
    other = Store(demo_db, user="other")
    service = next(iter(other.snapshot().services.values()))
    with other.transaction() as tx:
        tx.update(dataclasses.replace(service, units=service.units + 3))
    data = Store(demo_db, user="fresh").snapshot()
    assert launch.load(Store(demo_db, user="x"), data, TODAY) is None
    rows, notes, partial = await _shown(demo_db)
    assert partial[0] is True  # worked out again
    fresh = Store(demo_db, user="fresh").snapshot()
    assert rows == client_rows(fresh, TODAY)
    assert notes == notify.visible(fresh, notify.compute(fresh, TODAY), "mlopez", TODAY)


def _rewrite_rows(db: Path, change: Any) -> None:
    """Change the client rows the cache holds and seal it again as a writer would (its first
    line, and its body's SHA-256): a cache that fits the content's key but not its clients."""
    import hashlib

    import orjson

    from tui import kept_rows

    path = derived.cache_path(db)
    header, _, raw = path.read_bytes().split(b"\n", 2)
    body = orjson.loads(raw)
    body["screens"][kept_rows.KEY] = change(body["screens"][kept_rows.KEY])
    raw = orjson.dumps(body)
    path.write_bytes(header + b"\n" + hashlib.sha256(raw).hexdigest().encode() + b"\n" + raw)


async def test_rows_of_other_clients_in_the_cache_leave_the_screen_once_checked(
    demo_db: Path,
) -> None:
    """The first paint takes the cache's rows by client id without building a client; once
    drawn, they are checked against the clients, and rows of other clients (one missing, one
    that is not in the file) are replaced by what a fresh app works out, and kept right."""
    rows, notes, _ = await _shown(demo_db)

    def other_clients(kept: list[Any]) -> list[Any]:
        stranger = list(kept[1])  # (a row of the right shape; its id is its first field)
        stranger[0], stranger[1] = 424242, "Stranger, Not A"
        return [stranger, *kept[2:]]

    _rewrite_rows(demo_db, other_clients)
    data = Store(demo_db, user="x").snapshot()
    assert launch.load(Store(demo_db, user="x"), data, TODAY) is not None  # (it fits the key)
    again_rows, again_notes, partial = await _shown(demo_db)
    assert partial == [False, False]  # from the cache, then worked out afresh
    assert again_rows == rows and again_notes == notes
    assert all(row.id != 424242 for row in again_rows)
    # the app kept the right rows for the next one
    third_rows, third_notes, third_partial = await _shown(demo_db)
    assert third_partial == [False] and third_rows == rows and third_notes == notes


def _edit_keeping_stamp(db: Path) -> str:
    """Change the first client's first name's first letter in the file, in place, its size,
    inode and time kept (what the file's stamp and meta record cannot tell, only its lines'
    checksums); the new first name."""
    import os

    st = os.stat(db)
    raw = db.read_bytes()
    at = raw.index(b'"first_name":"') + len(b'"first_name":"')
    end = raw.index(b'"', at)
    name = ("Q" if raw[at : at + 1] != b"Q" else "Z") + raw[at + 1 : end].decode()
    with open(db, "r+b") as f:
        f.seek(at)
        f.write(name[:1].encode())
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(db).st_mtime_ns == st.st_mtime_ns and os.stat(db).st_ino == st.st_ino
    return name


async def test_a_line_changed_under_the_same_stamp_leaves_the_screen_once_checked(
    demo_db: Path,
) -> None:
    """The first paint from the cache trusts the file's meta record and stamp, its lines'
    checksums checked once drawn; a line changed by hand (size and time kept) fails them, and
    the app shows what the file now holds, worked out afresh, and keeps no cache for it."""
    await _shown(demo_db)
    header = derived.header(demo_db)
    name = _edit_keeping_stamp(demo_db)
    rows, notes, partial = await _shown(demo_db)
    assert partial == [False, False]  # from the cache, then worked out afresh
    whole = Store(demo_db, user="fresh")
    fresh = whole.snapshot()  # (its checksum fails: parsed whole, no content key)
    assert whole.storage.content_key is None
    assert rows == client_rows(fresh, TODAY)
    assert any(name in row.name for row in rows)
    assert notes == notify.visible(fresh, notify.compute(fresh, TODAY), "mlopez", TODAY)
    assert derived.header(demo_db) == header  # nothing kept for content never checked
