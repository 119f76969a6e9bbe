"""The derived cache beside the data file (priorauth.store.derived, priorauth.services.launch):
what a new process takes from it is exactly what a fresh computation works out, and it is used
only for the very content and day it was worked out from, never through a link, never when
garbled; a cache that cannot be written is not written, and nothing fails."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authtrack.cmd_notifications import Names, as_json
from priorauth import notify
from priorauth.data import Data
from priorauth.services import launch
from priorauth.services.live import LiveView
from priorauth.store import derived, tables
from priorauth.store.datafile import Store
from priorauth.store.identity import current_user
from tests.conftest import TODAY
from tests.unit.test_live import KINDS, _base, _change, _shown
from tui import kept_rows
from tui.rows import client_rows


@pytest.fixture
def small_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few documents to a line (as in test_live), so that a save rewrites some lines only."""
    monkeypatch.setattr(tables, "CHUNK_DOCS", 4)
    monkeypatch.setattr(tables, "LINE_BYTES", 600)


def _seen(data: Data, today: dt.date = TODAY) -> dict[str, Any]:
    """What a new process shows first: the notifications (as the CLI prints them) and the
    client list's counted rows."""
    found = notify.compute(data, today)
    names = Names.of(data, found)
    return {
        "notifications": found,
        "json": [as_json(data, n, today, None, names) for n in found],
        "rows": client_rows(data, today),
    }


def _from_cache(path: Path, today: dt.date = TODAY) -> tuple[Data, launch.Launch | None]:
    store = Store(path, user="next")
    data = store.snapshot()
    return data, launch.load(store, data, today)


def _cached_view(data: Data, cached: launch.Launch, today: dt.date = TODAY) -> dict[str, Any]:
    """What the next process shows from the cache (as the app and the CLI take it)."""
    live = LiveView()
    live.apply(data, today)
    launch.use(data, today, cached)
    names = Names(cached.people, cached.numbers)
    return {
        "notifications": cached.notifications,
        "json": [as_json(data, n, today, None, names) for n in cached.notifications],
        "rows": client_rows(data, today),
    }


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    steps=st.lists(st.sampled_from(KINDS), max_size=4),
    days=st.integers(-40, 40),
)
def test_what_the_cache_gives_is_what_a_fresh_computation_gives(
    tmp_path_factory: pytest.TempPathFactory,
    small_lines: None,
    seed: int,
    steps: list[str],
    days: int,
) -> None:
    path = tmp_path_factory.mktemp("cache") / "data.json"
    _base(path, seed)
    rnd = random.Random(seed)
    for kind in steps:
        _change(Store(path, user="other"), rnd, kind)
    today = TODAY + dt.timedelta(days=days)
    writer = Store(path, user="first")
    assert launch.save(writer, writer.snapshot(), today)
    data, cached = _from_cache(path, today)
    assert cached is not None
    fresh = Store(path, user="fresh").snapshot()
    assert _cached_view(data, cached, today) == _seen(fresh, today)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    steps=st.lists(st.tuples(st.sampled_from(KINDS), st.booleans()), min_size=1, max_size=6),
)
def test_an_app_started_from_the_cache_stays_exact_through_later_saves(
    tmp_path_factory: pytest.TempPathFactory, small_lines: None, seed: int, steps: list[Any]
) -> None:
    """The live view's property (tests/unit/test_live.py) from an app whose first values came
    from the cache (its per-client notifications seeded, its counts taken as they were)."""
    path = tmp_path_factory.mktemp("cache") / "data.json"
    _base(path, seed)
    first = Store(path, user="first")
    data = first.snapshot()
    found = launch.body(data, TODAY, kept_rows.keep(data, TODAY))  # (as an app keeps them)
    assert launch.write(first, data, TODAY, found)
    app_store, other = Store(path, user="app"), Store(path, user="other")
    data = app_store.snapshot()
    cached = launch.load(app_store, data, TODAY)
    assert cached is not None
    live = LiveView()
    live.apply(data, TODAY)
    launch.use(data, TODAY, cached)
    assert kept_rows.use(live, data, TODAY, cached.screens)
    client_rows(data, TODAY)
    notify.compute(data, TODAY)
    rnd = random.Random(seed)
    for kind, own in steps:
        _change(app_store if own else other, rnd, kind)
        data = app_store.snapshot()
        live.apply(data, TODAY)
        fresh = Store(path, user="fresh").snapshot()
        assert _shown(data) == _shown(fresh), kind
        assert launch.load(app_store, data, TODAY) is None  # (of the content before the save)


def test_the_cache_seeds_the_keeper_so_nothing_is_worked_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.json"
    _base(path, 2)
    first = Store(path, user="first")
    assert launch.save(first, first.snapshot(), TODAY)
    data, cached = _from_cache(path)
    assert cached is not None and cached.notifications
    live = LiveView()
    live.apply(data, TODAY)
    launch.use(data, TODAY, cached)

    def not_again(*args: Any) -> Any:
        raise AssertionError("worked out again")

    monkeypatch.setattr(notify, "for_client", not_again)
    monkeypatch.setattr(launch.usage, "least_remaining", not_again)
    monkeypatch.setattr(launch.rules, "usage", not_again)
    assert notify.compute(data, TODAY) == cached.notifications
    client_rows(data, TODAY)


def test_a_cache_of_another_day_or_content_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    _base(path, 4)
    first = Store(path, user="first")
    assert launch.save(first, first.snapshot(), TODAY)
    assert _from_cache(path, TODAY)[1] is not None
    assert _from_cache(path, TODAY + dt.timedelta(days=1))[1] is None
    # another process's save: the key (meta record and stamp) is another
    _change(Store(path, user="other"), random.Random(1), "add service")
    assert _from_cache(path)[1] is None
    assert launch.load(first, first.snapshot(), TODAY) is None


def test_a_save_between_working_out_and_writing_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    _base(path, 4)
    first = Store(path, user="first")
    data = first.snapshot()
    _change(Store(path, user="other"), random.Random(1), "add service")
    assert not launch.save(first, data, TODAY)  # (the storage's stamp is not the file's now)
    assert not derived.cache_path(path).exists()


def test_a_hand_edited_or_garbled_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    _base(path, 5)
    first = Store(path, user="first")
    assert launch.save(first, first.snapshot(), TODAY)
    cache = derived.cache_path(path)
    good = cache.read_bytes()
    header, digest, body = good.split(b"\n", 2)
    garbled = [
        good.replace(b'"notifications":[[', b'"notifications":[[1', 1),  # edited by hand
        header + b"\n" + digest + b"\n" + body[: len(body) // 2],  # cut short
        header + b"\n" + digest + b"\n" + body.replace(b"3", b"4"),  # numbers changed
        b"\n".join([header, derived._digest(b"[1,2]").rstrip(b"\n"), b"[1,2]"]),  # other shape
        b"\n".join([header, derived._digest(b'{"x":1}').rstrip(b"\n"), b'{"x":1}']),
        b"not json at all",
        b"",
    ]
    for text in garbled:
        cache.write_bytes(text)
        assert _from_cache(path)[1] is None, text[:80]
    cache.write_bytes(good)
    assert _from_cache(path)[1] is not None


def test_a_body_of_the_right_checksum_but_wrong_values_is_ignored(tmp_path: Path) -> None:
    """(What an account that can write the folder could make: every field of the wrong type is
    refused, not shown.)"""
    path = tmp_path / "data.json"
    _base(path, 5)
    first = Store(path, user="first")
    data = first.snapshot()
    key = launch.key_of(data)
    bodies: list[Any] = [
        {"notifications": [["k", "not an int", None, "", "2026-01-01", "", "", "", 1, ""]]},
        {"notifications": [], "shown": [[1, "", "x", None, 0, 0, 0, 0]], "people": {}},
        {"notifications": [], "shown": [], "people": {"1": [1, 2]}, "numbers": {}},
    ]
    for body in bodies:
        body.setdefault("shown", [])
        body.setdefault("people", {})
        body.setdefault("numbers", {})
        assert derived.write(first.storage, key, TODAY.isoformat(), body)
        assert _from_cache(path)[1] is None, body


def test_a_link_planted_at_the_cache_is_never_followed(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    _base(path, 6)
    first = Store(path, user="first")
    data = first.snapshot()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(b"someone else's file")
    cache = derived.cache_path(path)
    cache.symlink_to(elsewhere)
    assert not launch.save(first, data, TODAY)  # refused: never written through a link
    assert elsewhere.read_bytes() == b"someone else's file" and cache.is_symlink()
    # a link to a cache that fits is not read either
    other_path = tmp_path / "other" / "data.json"
    other_path.parent.mkdir()
    _base(other_path, 6)
    cache.unlink()
    assert launch.save(first, data, TODAY)
    real = tmp_path / "real.derived"
    cache.rename(real)
    cache.symlink_to(real)
    assert _from_cache(path)[1] is None


def test_a_cache_that_cannot_be_written_is_not_and_nothing_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from authtrack.cli import main

    path = tmp_path / "data.json"
    _base(path, 7)
    derived.cache_path(path).mkdir()  # (a folder in its place: refused like a link)
    assert main(["--db", str(path), "notifications", "--json", "--today", "2026-11-23"]) == 0
    without = capsys.readouterr().out
    derived.cache_path(path).rmdir()
    assert main(["--db", str(path), "notifications", "--json", "--today", "2026-11-23"]) == 0
    assert capsys.readouterr().out == without
    assert derived.cache_path(path).is_file()
    assert main(["--db", str(path), "notifications", "--json", "--today", "2026-11-23"]) == 0
    assert capsys.readouterr().out == without  # (from the cache: the same, to the character)


def test_the_cli_prints_the_same_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from authtrack.cli import main

    path = tmp_path / "data.json"
    _base(path, 8)
    store = Store(path, user="setup")
    with store.transaction() as tx:  # a clinician for --mine
        for client in list(tx.data.clients.values())[:3]:
            tx.update(dataclasses.replace(client, clinician=current_user()))
    for options in ([], ["--json"], ["--all"], ["--mine"], ["--json", "--mine"]):
        args = ["--db", str(path), "notifications", "--today", "2026-11-23", *options]
        derived.remove(path)
        assert main(args) == 0
        computed = capsys.readouterr().out
        assert derived.cache_path(path).is_file()
        assert main(args) == 0
        assert capsys.readouterr().out == computed, options


def test_the_cache_has_the_data_files_mode_and_group_never_world_bits(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    _base(path, 9)
    for mode, expected in ((0o640, 0o640), (0o664, 0o660), (0o600, 0o600)):
        os.chmod(path, mode)
        first = Store(path, user="first")
        derived.remove(path)
        assert launch.save(first, first.snapshot(), TODAY)
        st_cache = os.stat(derived.cache_path(path))
        assert stat.S_IMODE(st_cache.st_mode) == expected
        assert st_cache.st_gid == os.stat(path).st_gid


def test_a_busy_lock_writes_no_cache(tmp_path: Path) -> None:
    from filelock import FileLock

    path = tmp_path / "data.json"
    _base(path, 10)
    first = Store(path, user="first")
    data = first.snapshot()
    holder = FileLock(path.with_name(path.name + ".lock"), thread_local=False)
    with holder:
        import threading

        result: list[bool] = []
        worker = threading.Thread(target=lambda: result.append(launch.save(first, data, TODAY)))
        worker.start()
        worker.join()
    assert result == [False] and not derived.cache_path(path).exists()
    assert launch.save(first, data, TODAY)


def test_a_file_read_whole_has_no_key(tmp_path: Path) -> None:
    """A file whose checksums fail (edited by hand) is read whole: no key, no cache."""
    path = tmp_path / "data.json"
    _base(path, 11)
    first = Store(path, user="first")
    assert launch.save(first, first.snapshot(), TODAY)
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"first_name":"First3"', b'"first_name":"Fyrst3"', 1))
    data, cached = _from_cache(path)
    assert launch.key_of(data) is None and cached is None


def test_doctor_names_a_cache_that_differs_from_a_fresh_computation(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    _base(path, 12)
    first = Store(path, user="first")
    data = first.snapshot()
    assert launch.save(first, data, TODAY)
    [finding] = launch.cache_findings(path, "doc")
    assert finding.ok and "fresh computation gives" in finding.message
    # forged: values changed and the checksum made to fit (by an account of the file's group)
    cache = derived.cache_path(path)
    header, _, body = cache.read_bytes().split(b"\n", 2)
    forged = body.replace(b"is used up", b"is fine!!!", 1)
    assert forged != body
    cache.write_bytes(header + b"\n" + derived._digest(forged) + forged)
    assert _from_cache(path)[1] is not None  # (a reader cannot tell: the doctor can)
    [finding] = launch.cache_findings(path, "doc")
    assert not finding.ok and "rm " in finding.fix
    # a link planted there
    cache.unlink()
    cache.symlink_to(tmp_path / "nowhere")
    [finding] = launch.cache_findings(path, "doc")
    assert not finding.ok and "not a regular file" in finding.message
    # of an earlier content: harmless
    cache.unlink()
    assert launch.save(first, data, TODAY)
    _change(Store(path, user="other"), random.Random(2), "add service")
    [finding] = launch.cache_findings(path, "doc")
    assert finding.ok and "earlier content" in finding.message


def test_the_saver_keeps_the_cache_of_what_it_saved(tmp_path: Path, small_lines: None) -> None:
    """An app's own save: its snapshot is the transaction's (not read back), named by the
    content committed, so the cache it keeps fits the next process's read."""
    path = tmp_path / "data.json"
    _base(path, 13)
    app_store = Store(path, user="app")
    live = LiveView()
    data = app_store.snapshot()
    live.apply(data, TODAY)
    _seen(data)
    for kind in ("add service", "change authorization", "change service"):
        _change(app_store, random.Random(kind), kind)
        data = app_store.snapshot()
        live.apply(data, TODAY)
        _seen(data)
        assert launch.save(app_store, data, TODAY), kind
        after, cached = _from_cache(path)
        assert cached is not None, kind
        assert _cached_view(after, cached) == _seen(Store(path, user="fresh").snapshot()), kind


def test_kept_says_when_the_cache_already_holds_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    _base(path, 14)
    first = Store(path, user="first")
    data = first.snapshot()
    assert not launch.kept(first, data, TODAY)
    assert launch.save(first, data, TODAY)
    assert launch.kept(first, data, TODAY)
    assert not launch.kept(first, data, TODAY + dt.timedelta(days=1))


def test_the_client_lists_rows_kept_by_an_app_come_back_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui import rows

    path = tmp_path / "data.json"
    _base(path, 15)
    first = Store(path, user="first")
    data = first.snapshot()
    assert launch.write(first, data, TODAY, launch.body(data, TODAY, kept_rows.keep(data, TODAY)))
    after, cached = _from_cache(path)
    assert cached is not None
    live = LiveView()
    live.apply(after, TODAY)
    launch.use(after, TODAY, cached)

    def not_again(*args: Any) -> Any:
        raise AssertionError("worked out again")

    assert kept_rows.use(live, after, TODAY, cached.screens)
    with monkeypatch.context() as mp:
        mp.setattr(rows, "client_row", not_again)
        got = client_rows(after, TODAY)
    assert got == client_rows(Store(path, user="fresh").snapshot(), TODAY)
    # rows that do not fit are not used (the app works them out instead)
    good = kept_rows.encode(got)
    for bad in (
        [[*good[0][:-1]]],  # a field short
        [[*good[0][:3], 19900402, *good[0][4:]], *good[1:]],  # a date of birth as a number
        [[*good[0][:6], "12", *good[0][7:]], *good[1:]],  # a count as text
        good[1:],  # a client missing
        "rows",
    ):
        screens = {kept_rows.KEY: bad, kept_rows.CODE: kept_rows.code()}
        assert not kept_rows.use(LiveView(), after, TODAY, screens)
    other_code = {kept_rows.KEY: good, kept_rows.CODE: "another version"}
    assert not kept_rows.use(LiveView(), after, TODAY, other_code)
    # ... and an app keeps its own version's rows in their place (held: what the app asks)
    assert kept_rows.held(cached.screens) and not kept_rows.held(other_code)
    assert not kept_rows.held({kept_rows.CODE: kept_rows.code()})  # (kept by `notifications`)
    assert kept_rows.decode(good) == {row.id: row for row in got}


def test_a_cache_worked_out_by_another_program_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.json"
    _base(path, 16)
    first = Store(path, user="first")
    with monkeypatch.context() as mp:
        mp.setattr(derived, "program", lambda: "another version's rules")
        assert launch.save(first, first.snapshot(), TODAY)
        assert _from_cache(path)[1] is not None  # (by that program)
    assert _from_cache(path)[1] is None
    [finding] = launch.cache_findings(path, "doc")
    assert finding.ok and "another version" in finding.message
    assert derived.program() == derived.program() and len(derived.program()) == 32


def test_the_first_paint_from_the_cache_builds_no_client(tmp_path: Path) -> None:
    """An app's first paint: the counts, notifications and rows by client id, the clients not
    built (their rows checked against them afterwards, tui.snapshots.SnapshotMaker.launch_holds);
    the same values as a fresh computation."""
    path = tmp_path / "data.json"
    _base(path, 15)
    first = Store(path, user="first")
    data = first.snapshot()
    assert launch.write(first, data, TODAY, launch.body(data, TODAY, kept_rows.keep(data, TODAY)))
    after, cached = _from_cache(path)
    assert cached is not None
    rows = kept_rows.rows_of(cached.screens)
    assert rows is not None
    live = LiveView()
    live.apply(after, TODAY)
    launch.use(after, TODAY, cached, clients=rows.keys())
    kept_rows.seed(live, after, TODAY, rows)
    shown = client_rows(after, TODAY)
    found = notify.compute(after, TODAY)
    assert isinstance(after.clients, tables.Table) and not after.clients.parsed
    assert kept_rows.fits(after, rows)
    fresh = Store(path, user="fresh").snapshot()
    assert shown == client_rows(fresh, TODAY)
    assert found == notify.compute(fresh, TODAY)
    assert kept_rows.rows_of({**cached.screens, kept_rows.CODE: "another"}) is None
    assert not kept_rows.fits(after, dict(list(rows.items())[1:]))


def test_a_read_that_checks_its_lines_later(tmp_path: Path) -> None:
    """``Store.snapshot(check_later=True)``: the tables of a first read, their lines' checksums
    left for ``check_lines``; until then no content key (a cache is never written for them),
    only the key the meta record claims; once checked, as a checked read."""
    path = tmp_path / "data.json"
    _base(path, 15)
    checked = Store(path, user="checked")
    data = checked.snapshot()
    key = checked.storage.content_key
    assert key is not None
    later = Store(path, user="later")
    early = later.snapshot(check_later=True)
    assert later.storage.unchecked and later.storage.content_key is None
    assert launch.key_of(early) == later.storage.claimed_key == key
    found = launch.body(early, TODAY)
    assert not launch.write(later, early, TODAY, found)  # (not for unchecked lines)
    assert later.check_lines()
    assert not later.storage.unchecked and later.storage.content_key == key
    assert later.snapshot() is early  # (the same read: nothing read again)
    assert launch.write(later, early, TODAY, found)
    assert client_rows(early, TODAY) == client_rows(data, TODAY)
    read, whole = later.storage.tables(), checked.storage.tables()
    assert list(read) == list(whole)
    assert all(read[n].stored_lines() == whole[n].stored_lines() for n in read if n != "meta")


@pytest.mark.parametrize("change", ["no index", "older version"])
def test_a_file_without_a_line_index_is_checked_at_once(tmp_path: Path, change: str) -> None:
    """A file whose meta record has no line index (or whose lines do not add up to it), or
    of an older version (its records brought up to this one's), is not read line by line:
    ``check_later`` reads and checks it as usual."""
    import orjson

    path = tmp_path / "data.json"
    _base(path, 15)
    rest = path.read_bytes().split(b"\n", 3)
    meta = orjson.loads(b"{" + rest[2] + b"}")
    if change == "no index":
        del meta["1"]["index"]
    else:
        meta["1"]["schema_version"] -= 1
    path.write_bytes(b"\n".join([*rest[:2], orjson.dumps(meta)[1:-1], rest[3]]))
    store = Store(path, user="later")
    data = store.snapshot(check_later=True)
    assert not store.storage.unchecked and store.storage.content_key is not None
    assert client_rows(data, TODAY) == client_rows(Store(path, user="x").snapshot(), TODAY)


def test_a_line_changed_under_the_same_stamp_fails_the_later_check(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    _base(path, 15)
    st = os.stat(path)
    raw = path.read_bytes()
    at = raw.index(b'"first_name":"') + len(b'"first_name":"')
    end = raw.index(b'"', at)
    name = ("Q" if raw[at : at + 1] != b"Q" else "Z") + raw[at + 1 : end].decode()
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(name[:1].encode())
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    later = Store(path, user="later")
    early = later.snapshot(check_later=True)
    assert launch.key_of(early) is not None  # (the meta record and stamp are as they were)
    assert not later.check_lines()
    again = later.snapshot()  # read again, whole: its checksum fails, so parsed whole
    assert again is not early and later.storage.content_key is None
    assert later.storage.claimed_key is None and not later.storage.unchecked
    assert any(c.first_name == name for c in again.clients.values())
    assert launch.key_of(again) is None
