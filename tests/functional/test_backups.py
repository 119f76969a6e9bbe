"""Backups that can be trusted: atomic and verified, in a folder of ours, bounded, restorable."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth.model import Payer
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store import backups
from priorauth.store.backups import Retention
from priorauth.store.datafile import Store
from tests.helpers.accounts import account
from tests.helpers.sync_helpers import log_row, workbook

TODAY = dt.date(2026, 11, 23)

# Run in a child process: start a backup, and kill the process (SIGKILL) halfway through the copy.
KILLED_MID_COPY = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from priorauth.store import backups
    from priorauth.store.datafile import Store

    def half_then_die(src, out):
        out.write(src.read(os.fstat(src.fileno()).st_size // 2))
        out.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    backups.shutil.copyfileobj = half_then_die
    Store(Path(sys.argv[1])).backup("import")
    """
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "authtrack.json"
    build_demo(Store(path, user="alice"), today=TODAY)
    return path


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err
    return code, out, err


def test_a_backup_killed_mid_copy_is_never_listed(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = Store(db).backup("import")
    assert good is not None
    for _ in range(3):
        child = subprocess.run(
            [sys.executable, "-c", KILLED_MID_COPY, str(db)], capture_output=True, text=True
        )
        assert child.returncode == -signal.SIGKILL, child.stderr
    folder = backups.folder_of(db)
    leftovers = list(folder.glob(".*.tmp"))
    assert len(leftovers) == 1  # the last cut-short copy, under a temporary name only (each
    # attempt cleared the one before, under the lock)
    assert leftovers[0].stat().st_size < db.stat().st_size
    assert [b.path for b in backups.list_backups(db)] == [good]
    code, out, _ = _cli(capsys, "--db", str(db), "restore", "--list")
    assert code == 0 and "verified" in out and "unusable" not in out and good.name in out
    assert ".tmp" not in out
    Store(db).backup("import")  # the next backup clears the stale copies
    assert not list(folder.glob(".*.tmp")) and len(backups.list_backups(db)) == 2


def test_restore_puts_a_backup_back_and_audits_it(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = Store(db).snapshot()
    saved = Store(db).backup("import")
    assert saved is not None
    Tracker(Store(db, user="alice"), today=TODAY).save_payer(Payer(name="Added Later"))
    audit_before = len(Store(db).audit())
    code, out, _ = _cli(capsys, "--db", str(db), "restore", saved.name)
    assert code == 0, out
    assert f"Restored {db} from {saved}." in out
    after = Store(db)
    data = after.snapshot()
    assert {p.name for p in data.payers.values()} == {p.name for p in before.payers.values()}
    assert len(data.authorizations) == len(before.authorizations)
    audit = after.audit()
    assert len(audit) == audit_before + 1  # the history stays; the restore is one more row
    assert audit[-1].action == "restore" and saved.name in audit[-1].summary
    listed = backups.list_backups(db)
    assert [b.reason for b in listed] == ["import", "before-restore"]
    assert all(b.verified for b in listed) and listed[-1].account
    # the file as it was can itself be restored: "Added Later" comes back
    assert _cli(capsys, "--db", str(db), "restore", str(listed[-1].path))[0] == 0
    assert "Added Later" in {p.name for p in Store(db).snapshot().payers.values()}


def test_restore_over_a_damaged_data_file_keeps_it_and_puts_the_backup_back(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The message for a data file that cannot be read says to restore it from a backup:
    `restore` does, keeping the damaged file byte for byte beside the backups (it refused
    before, reading the file first)."""
    saved = Store(db).backup("import")
    assert saved is not None
    wanted = Store(db).snapshot()
    damaged = db.read_bytes()[:5000]  # cut short, as a full disk or a bad hand edit leaves it
    db.write_bytes(damaged)
    code, _, err = _cli(capsys, "--db", str(db), "notifications")
    assert code == 2 and "restore it from a backup" in err
    code, out, err = _cli(capsys, "--db", str(db), "restore", saved.name)
    assert code == 0, err
    kept = [b for b in backups.list_backups(db) if b.reason == "unreadable"]
    assert len(kept) == 1 and kept[0].path.read_bytes() == damaged and not kept[0].verified
    assert f"The file as it was is kept as {kept[0].path}." in out
    data = Store(db).snapshot()
    assert len(data.authorizations) == len(wanted.authorizations)
    assert {c.name for c in data.clients.values()} == {c.name for c in wanted.clients.values()}
    last = Store(db).audit()[-1]
    assert last.action == "restore" and kept[0].path.name in last.summary
    # a file that reads is never set aside: the next restore keeps a before-restore copy only
    assert _cli(capsys, "--db", str(db), "restore", saved.name)[0] == 0
    reasons = [b.reason for b in backups.list_backups(db)]
    assert reasons.count("unreadable") == 1 and reasons.count("before-restore") == 2


def test_an_unusable_backup_is_refused_with_exit_2(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = backups.folder_of(db)
    folder.mkdir()
    cut = folder / "authtrack.20261123-101010-000000.import.json"
    cut.write_bytes(db.read_bytes()[:5000])  # what an old, non-atomic copy left after a kill
    original = db.read_bytes()
    code, out, _ = _cli(capsys, "--db", str(db), "restore", "--list")
    assert code == 0 and "unusable: it does not read back as an authtrack data file" in out
    code, _, err = _cli(capsys, "--db", str(db), "restore", cut.name)
    assert code == 2 and f"{cut} cannot be restored" in err and err.count("\n") == 1
    code, _, err = _cli(capsys, "--db", str(db), "restore", "no-such-backup.json")
    assert code == 2 and "there is no such file" in err
    assert db.read_bytes() == original


def test_a_symlinked_backups_folder_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "outsider"
    elsewhere.mkdir()
    backups.folder_of(db).symlink_to(elsewhere)
    log = workbook(tmp_path / "log.xlsx", [log_row("Zed, Ann", "Z-1")])
    original = db.read_bytes()
    code, _, err = _cli(capsys, "--db", str(db), "import", str(log))
    assert code == 2 and "backups is a symbolic link" in err
    assert list(elsewhere.iterdir()) == [] and db.read_bytes() == original


def test_a_backups_folder_of_another_account_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with account("atbk") as staff:
        folder = backups.folder_of(db)
        folder.mkdir()
        os.chown(folder, staff.uid, staff.gid)
        code, _, err = _cli(
            capsys, "--db", str(db), "import", str(workbook(tmp_path / "l.xlsx", [log_row()]))
        )
    assert code == 2 and f"belongs to {staff.name}, not to you, root or the owner" in err
    assert list(folder.iterdir()) == []


def test_backups_are_bounded(db: Path) -> None:
    folder = backups.folder_of(db)
    folder.mkdir()
    start = dt.datetime(2026, 11, 23, 9, 0)
    for day in range(50):  # two a day for 50 days
        for hour in (9, 17):
            taken = start - dt.timedelta(days=day) + dt.timedelta(hours=hour - 9)
            (folder / f"authtrack.{taken:%Y%m%d-%H%M%S-%f}.import.json").write_bytes(b"{}")
    (folder / "notes.txt").write_text("not ours")
    removed = backups.prune(db, Retention(keep_last=20, keep_days=30))
    left = sorted(p.name for p in folder.glob("authtrack.*.json"))
    assert len(left) == 20 + 20 and len(removed) == 100 - 40  # 10 days whole, 20 more days' last
    assert (folder / "notes.txt").exists()
    days = {name.split(".")[1][:8] for name in left}
    assert len(days) == 30


def test_each_import_prunes_to_the_configured_bound(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    system = tmp_path / "system.toml"
    system.write_text("[backups]\nkeep_last = 3\nkeep_days = 1\n")
    monkeypatch.setenv("AUTHTRACK_SYSTEM_CONFIG", str(system))
    monkeypatch.setattr("priorauth.store.config.TRUSTED_OWNER", os.getuid())
    for i in range(6):
        log = workbook(tmp_path / f"log{i}.xlsx", [log_row(f"Zed{i}, Ann", f"Z-{i}")])
        assert _cli(capsys, "--db", str(db), "import", str(log))[0] == 0
    assert len(backups.list_backups(db)) == 3
    system.write_text("[backups]\nkeep_last = 0\n")
    code, _, err = _cli(capsys, "--db", str(db), "restore", "--list")
    assert code == 0  # listing needs no retention
    log = workbook(tmp_path / "log9.xlsx", [log_row("Zed9, Ann", "Z-9")])
    code, _, err = _cli(capsys, "--db", str(db), "import", str(log))
    assert code == 2 and "backups.keep_last must be a whole number of at least 1" in err
