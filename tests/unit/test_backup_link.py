"""A large data file's backup is a second name of the file read and checked under the lock (a
hard link), never changed by the saves after it: its bytes stay the file's before the import.
A copy is made instead when linking is not safe or not possible."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth.model import Payer
from priorauth.services.demo import build_demo
from priorauth.store import backups
from priorauth.store.datafile import Store
from tests.helpers.sync_helpers import SAMPLES, TODAY

LIST = SAMPLES / "appointments_export.xlsx"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(backups, "LINK_BYTES", 0)  # every file is large enough to be linked
    path = tmp_path / "authtrack.json"
    build_demo(Store(path, user="alice"), today=TODAY, from_schedule=False)  # (sessions typed)
    return path


def test_the_backup_is_the_checked_file_and_keeps_its_bytes_after_the_import(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, inode = db.read_bytes(), db.stat().st_ino
    code = main(["--db", str(db), "--today", TODAY.isoformat(), "import-services", str(LIST)])
    assert code == 0, capsys.readouterr()
    (backup,) = backups.list_backups(db)
    assert backup.verified and backup.reason == "import"
    assert backup.path.stat().st_ino == inode  # the file as it was: linked, not copied
    assert db.stat().st_ino != inode and db.read_bytes() != before  # the import wrote a new one
    assert backup.path.read_bytes() == before and backup.path.stat().st_nlink == 1
    assert stat.S_IMODE(backup.path.stat().st_mode) & 0o007 == 0
    assert not list(backup.path.parent.glob(".*.tmp"))


def test_every_later_save_and_a_restore_leave_a_linked_backup_as_it_was(db: Path) -> None:
    store = Store(db, user="alice")
    before = db.read_bytes()
    saved = store.backup("import")
    assert saved is not None and saved.stat().st_ino == db.stat().st_ino
    with store.transaction() as tx:
        tx.insert(Payer(name="Added Later"))
    payer = next(p for p in store.snapshot().payers.values() if p.name == "Added Later")
    with store.transaction() as tx:
        tx.update(dataclasses.replace(payer, notes="edited"))
    assert saved.read_bytes() == before
    backups.restore(store, saved)
    assert saved.read_bytes() == before and backups.verify(saved) == ""
    names = {p.name for p in Store(db).snapshot().payers.values()}
    assert "Added Later" not in names
    assert [b.reason for b in backups.list_backups(db)] == ["import", "before-restore"]


def test_a_file_open_to_every_account_is_copied_not_linked(db: Path) -> None:
    os.chmod(db, 0o664)
    saved = Store(db).backup("import")
    assert saved is not None and saved.stat().st_ino != db.stat().st_ino
    # (0600: the folder is not shared through its setgid bit, so the copy is the account's alone)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600 and saved.read_bytes() == db.read_bytes()


@pytest.mark.parametrize("refusal", [errno.EXDEV, errno.EPERM, errno.ENOENT])
def test_a_refused_link_falls_back_to_a_verified_copy(
    db: Path, monkeypatch: pytest.MonkeyPatch, refusal: int
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(refusal, os.strerror(refusal))

    monkeypatch.setattr(os, "link", refuse)
    saved = Store(db).backup("import")
    assert saved is not None and saved.stat().st_ino != db.stat().st_ino
    assert saved.read_bytes() == db.read_bytes() and backups.list_backups(db)[0].verified
    assert not list(saved.parent.glob(".*.tmp"))


def test_a_file_whose_checksum_fails_is_copied_and_read_back(db: Path) -> None:
    raw = json.loads(db.read_bytes())  # the same records in another layout: read whole
    db.write_text(json.dumps(raw))
    saved = Store(db).backup("import")
    assert saved is not None and saved.stat().st_ino != db.stat().st_ino
    assert backups.verify(saved) == ""


def test_small_files_are_still_copied(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups, "LINK_BYTES", db.stat().st_size + 1)
    saved = Store(db).backup("import")
    assert saved is not None and saved.stat().st_ino != db.stat().st_ino


# Run in a child process: link the backup, and kill the process (SIGKILL) before its rename.
KILLED_BEFORE_RENAME = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from priorauth.store import backups
    from priorauth.store.datafile import Store

    backups.LINK_BYTES = 0
    rename = os.replace

    def die(src, dst, **kwargs):
        if str(src).endswith(".tmp") and kwargs.get("src_dir_fd") is not None:
            os.kill(os.getpid(), signal.SIGKILL)
        return rename(src, dst, **kwargs)

    os.replace = die
    Store(Path(sys.argv[1])).backup("import")
    """
)


def test_a_backup_killed_before_its_link_is_named_is_never_listed(db: Path) -> None:
    before = db.read_bytes()
    child = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_RENAME, str(db)], capture_output=True, text=True
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    folder = backups.folder_of(db)
    (leftover,) = folder.glob(".*.tmp")  # the link, under a temporary name only
    assert leftover.stat().st_ino == db.stat().st_ino and backups.list_backups(db) == []
    saved = Store(db).backup("import")  # the next backup clears it (the name, not the file)
    assert saved is not None and not list(folder.glob(".*.tmp"))
    assert db.read_bytes() == before and saved.read_bytes() == before
    assert [b.path for b in backups.list_backups(db)] == [saved]
