"""The shared data file: revisions, audit, modes, unreadable files, schema version."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import pwd
import stat
from pathlib import Path

import pytest

from priorauth.errors import ConflictError, DataFileError, NotFoundError
from priorauth.model import Client, Payer, Service
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from priorauth.store.layout import SCHEMA_VERSION
from priorauth.store.storage import LockedJSONStorage
from tests.conftest import TODAY


def test_stale_revision_is_refused_with_who_and_when(db_path: Path) -> None:
    alice = Tracker(Store(db_path, user="alice"), today=TODAY)
    bob = Tracker(Store(db_path, user="bob"), today=TODAY)
    client = alice.save_client(Client(first_name="Ann", last_name="Lee"))
    bobs_copy = bob.data().clients[client.id]
    alice.save_client(dataclasses.replace(client, notes="alice was here"))
    with pytest.raises(ConflictError) as info:
        bob.save_client(dataclasses.replace(bobs_copy, notes="bob's edit"))
    assert "changed by alice at" in str(info.value)
    assert info.value.changed_by == "alice"
    assert bob.data().clients[client.id].notes == "alice was here"  # nothing overwritten


def test_edit_of_deleted_record_is_refused(db_path: Path) -> None:
    alice = Tracker(Store(db_path, user="alice"), today=TODAY)
    bob = Tracker(Store(db_path, user="bob"), today=TODAY)
    client = alice.save_client(Client(first_name="Ann", last_name="Lee"))
    bobs = bob.data().clients[client.id]
    alice.delete(client)
    with pytest.raises(NotFoundError, match="was deleted by alice"):
        bob.save_client(dataclasses.replace(bobs, notes="x"))


def test_revision_and_stamp_on_each_save(tracker: Tracker) -> None:
    client = tracker.save_client(Client(first_name="Ann", last_name="Lee"))
    assert (client.rev, client.updated_by) == (1, "alice")
    again = tracker.save_client(dataclasses.replace(client, notes="n"))
    assert again.rev == 2
    same = tracker.save_client(dataclasses.replace(again))
    assert same.rev == 2  # no change, no new revision
    assert len(tracker.store.audit()) == 2


def test_audit_names_real_os_user_not_environment(db_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    tracker = Tracker(Store(db_path), today=TODAY)
    tracker.save_payer(Payer(name="Aetna"))
    (entry,) = tracker.store.audit()
    assert entry.user == pwd.getpwuid(os.getuid()).pw_name != "mallory"
    assert entry.action == "create" and entry.table == "payers"
    assert entry.changes["name"] == [None, "Aetna"]
    assert dt.datetime.fromisoformat(entry.at).tzinfo is not None


def test_audit_records_before_and_after(tracker: Tracker) -> None:
    client = tracker.save_client(Client(first_name="Ann", last_name="Lee"))
    tracker.save_client(dataclasses.replace(client, last_name="Lee-Park"))
    entry = tracker.store.audit()[-1]
    assert entry.action == "update" and entry.user == "alice"
    assert entry.changes == {"last_name": ["Lee", "Lee-Park"]}


@pytest.mark.parametrize("shared", [True, False])
def test_new_file_is_not_world_readable(
    db_path: Path, tracker: Tracker, shared: bool, tmp_path: Path
) -> None:
    """Group read/write in a folder shared through its set-group-ID bit (``init --shared``);
    elsewhere the group is the account's primary one, which may hold every account: 0600."""
    if shared:
        os.chmod(tmp_path, 0o2770)
    old = os.umask(0)  # even with a permissive umask
    try:
        tracker.save_payer(Payer(name="Aetna"))
        tracker.store.backup("import")
    finally:
        os.umask(old)
    (backup,) = (tmp_path / "backups").iterdir()
    lock = db_path.with_name(db_path.name + ".lock")
    for path in (db_path, lock, Path(f"{lock}.who"), backup):
        assert stat.S_IMODE(path.stat().st_mode) == (0o660 if shared else 0o600), path
    assert stat.S_IMODE(backup.parent.stat().st_mode) & 0o777 == (0o770 if shared else 0o700)


def test_existing_mode_kept_and_world_bits_dropped(db_path: Path, tracker: Tracker) -> None:
    tracker.save_payer(Payer(name="Aetna"))
    os.chmod(db_path, 0o644)
    tracker.save_payer(Payer(name="Cigna"))
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "content",
    [
        b'{"clients": {"1": {"first_name": "Ann"',
        b"not json at all",
        b"[1, 2, 3]",
        b'{"clients": 5}',
    ],
)
def test_unreadable_file_is_never_overwritten(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    tracker = Tracker(Store(db_path, user="alice"), today=TODAY)
    with pytest.raises(DataFileError) as info:
        tracker.save_payer(Payer(name="Aetna"))
    assert str(db_path) in str(info.value) and "left untouched" in str(info.value)
    with pytest.raises(DataFileError):
        tracker.data()
    assert db_path.read_bytes() == content


def test_newer_schema_is_refused(db_path: Path) -> None:
    content = json.dumps({"meta": {"1": {"schema_version": SCHEMA_VERSION + 1}}}).encode()
    db_path.write_bytes(content)
    with pytest.raises(DataFileError, match="newer authtrack"):
        Store(db_path).snapshot()
    assert db_path.read_bytes() == content


def test_schema_version_is_written(db_path: Path, tracker: Tracker) -> None:
    tracker.save_payer(Payer(name="Aetna"))
    raw = json.loads(db_path.read_bytes())
    assert raw["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert raw["payers"]["1"]["name"] == "Aetna"  # TinyDB's own layout: table -> id -> document


def test_an_empty_file_is_not_an_empty_database(db_path: Path) -> None:
    db_path.touch()  # a data file truncated to nothing holds no tables: it is refused, not reset
    tracker = Tracker(Store(db_path, user="alice"), today=TODAY)
    with pytest.raises(DataFileError, match=r"is empty \(0 bytes\)"):
        tracker.data()
    with pytest.raises(DataFileError):
        tracker.save_payer(Payer(name="Aetna"))
    assert db_path.read_bytes() == b""


def test_failed_transaction_writes_nothing(db_path: Path, tracker: Tracker) -> None:
    tracker.save_payer(Payer(name="Aetna"))
    before = db_path.read_bytes()
    with pytest.raises(RuntimeError), tracker.store.transaction() as tx:
        tx.insert(Payer(name="Cigna"))
        raise RuntimeError("boom")
    assert db_path.read_bytes() == before
    assert [p.name for p in tracker.data().payers.values()] == ["Aetna"]


def test_other_process_change_is_seen(db_path: Path) -> None:
    first = Store(db_path, user="alice")
    second = Store(db_path, user="bob")
    Tracker(first).save_payer(Payer(name="Aetna"))
    assert second.snapshot().payer_named("aetna") is not None
    assert not second.changed_on_disk()
    Tracker(first).save_payer(Payer(name="Cigna"))
    assert second.changed_on_disk()
    assert len(second.snapshot().payers) == 2


def test_snapshot_is_cached_until_the_file_changes(db_path: Path, tracker: Tracker) -> None:
    tracker.save_payer(Payer(name="Aetna"))
    first = tracker.store.snapshot()
    assert tracker.store.snapshot() is first
    tracker.save_payer(Payer(name="Cigna"))
    assert tracker.store.snapshot() is not first


def test_writes_outside_a_transaction_are_refused(db_path: Path) -> None:
    storage = LockedJSONStorage(db_path)
    with pytest.raises(RuntimeError, match="inside"):
        storage.write({})
    assert not db_path.exists()


def test_backup_is_a_copy_beside_the_file(db_path: Path, tracker: Tracker) -> None:
    tracker.save_payer(Payer(name="Aetna"))
    backup = tracker.store.backup("import")
    assert backup is not None and backup.read_bytes() == db_path.read_bytes()
    assert backup.parent == db_path.parent / "backups" and "import" in backup.name
    assert stat.S_IMODE(backup.stat().st_mode) & 0o007 == 0


def test_no_temporary_files_left_behind(db_path: Path, tracker: Tracker) -> None:
    for name in ("A", "B", "C"):
        tracker.save_payer(Payer(name=name))
    leftovers = [p.name for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_transaction_data_follows_changes_and_matches_the_file(
    db_path: Path, tracker: Tracker
) -> None:
    aetna = tracker.save_payer(Payer(name="Aetna"))
    with tracker.store.transaction() as tx:
        client = tx.insert(Client(first_name="Ann", last_name="Lee"))
        assert tx.data.clients[client.id].last_name == "Lee"
        tx.update(dataclasses.replace(client, last_name="Lee-Park"))
        assert tx.data.clients[client.id].last_name == "Lee-Park"
        tx.delete(tx.data.payers[aetna.id])
        assert aetna.id not in tx.data.payers
    kept = tracker.store.snapshot()  # adopted from the transaction, not re-read
    fresh = Store(db_path).snapshot()
    assert kept.clients == fresh.clients and kept.payers == fresh.payers == {}


def test_bulk_insert_has_one_audit_row_per_table(tracker: Tracker) -> None:
    payers = [Payer(name=f"P{i}") for i in range(3)]
    with tracker.store.transaction() as tx:
        tx.insert_many(payers, "imported log.xlsx")
    (entry,) = tracker.store.audit()
    assert entry.summary == "imported log.xlsx: 3 payers"
    assert entry.record_ids == [p.id for p in payers] == [1, 2, 3]
    assert entry.user == "alice" and entry.action == "create"


def test_records_read_back_equal_what_was_saved(tracker: Tracker, practice) -> None:
    data = Store(tracker.store.path).snapshot()
    assert data.clients[practice["client"].id] == practice["client"]
    assert data.payers[practice["aetna"].id] == practice["aetna"]
    # documents from an older version (a missing field) still load, with the default
    raw = json.loads(tracker.store.path.read_bytes())
    del raw["clients"]["1"]["notes"]
    raw["clients"]["1"]["from_the_future"] = 1
    tracker.store.path.write_text(json.dumps(raw))
    assert Store(tracker.store.path).snapshot().clients[1].notes == ""


def test_a_snapshot_keeps_its_moment_while_records_are_built_lazily(
    tracker: Tracker, practice
) -> None:
    before = Store(tracker.store.path).snapshot()  # services not built yet
    assert len(before.services) == 0
    tracker.record_service(
        Service(client=practice["client"].id, payer=practice["aetna"].id, date=TODAY)
    )
    assert list(before.services.values()) == []  # built now, still as of its moment
    after = Store(tracker.store.path).snapshot()
    assert len(after.services) == 1 and next(iter(after.services.values())).date == TODAY


def test_audit_of_a_new_record_leaves_out_blank_values(tracker: Tracker) -> None:
    tracker.save_payer(Payer(name="Aetna", notes=""))
    (entry,) = tracker.store.audit()
    assert entry.changes == {
        "name": [None, "Aetna"],
        "prior_auth_required": [None, True],
        "turnaround_days": [None, 14],
        "out_of_auth_policy": [None, "warn"],
    }


def test_large_and_small_files_parse_alike(
    db_path: Path, tracker: Tracker, practice, monkeypatch
) -> None:
    import priorauth.store.storage

    db_path.write_bytes(json.dumps(json.loads(db_path.read_bytes())).encode())  # another layout
    small = Store(db_path).snapshot()
    monkeypatch.setattr(
        priorauth.store.storage, "LEAN_PARSE_BYTES", 1
    )  # every file counts as large
    large = Store(db_path).snapshot()
    assert large.clients == small.clients and large.payers == small.payers
    db_path.write_bytes(b'{"clients": {"1": ')
    with pytest.raises(DataFileError, match="not a readable authtrack data file"):
        Store(db_path).snapshot()
