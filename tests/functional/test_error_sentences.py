"""What the disk or the system refuses is said in one sentence, never "unexpected error (...)":
a full disk (a real, small tmpfs), a symlinked lock, a permission refused to a real account,
a character a workbook cannot hold."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth.model import Payer
from priorauth.oserrors import sentence
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.accounts import account, python_env_for_others
from tests.helpers.sync_helpers import log_row, workbook

TODAY = dt.date(2026, 11, 23)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    _, err = capsys.readouterr()
    assert "unexpected error" not in err and "Traceback" not in err
    return code, err


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A real 512 KB disk (tmpfs), mounted for the test."""
    if os.geteuid() != 0:
        pytest.skip("needs root: mounts a small tmpfs to fill it")
    folder = Path(tempfile.mkdtemp(prefix="authtrack-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)
        folder.rmdir()


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)


# openpyxl leaves its zip writer open when the disk fills mid-save; it complains when collected
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_full_disk_is_one_sentence_and_nothing_changes(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = small_disk / "authtrack.json"
    tracker = Tracker(Store(db, user="alice"), today=TODAY)
    tracker.save_payer(Payer(name="Aetna"))
    log = workbook(tmp_path / "log.xlsx", [log_row(f"Lee{i}, Ann", f"A-{i}") for i in range(40)])
    _fill(small_disk)
    before = db.read_bytes()
    code, err = _run(capsys, "--db", str(db), "import", str(log))
    assert code == 2
    assert f"the disk holding {small_disk}" in err, err  # (the backup before the import)
    assert "is full; nothing was changed" in err
    assert err.count("\n") == 1
    assert db.read_bytes() == before
    assert not list(small_disk.glob(".authtrack.json.*.tmp"))  # no temporary file left either
    code, err = _run(
        capsys, "--db", str(db), "--today", TODAY.isoformat(), "export", str(small_disk / "e.xlsx")
    )
    assert code == 2 and f"the disk holding {small_disk} is full" in err, err
    assert not (small_disk / "e.xlsx").exists()


def test_a_symlinked_lock_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "authtrack.json"
    build_demo(Store(db, user="alice"), today=TODAY)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    lock = tmp_path / "authtrack.json.lock"
    lock.unlink()
    lock.symlink_to(victim)
    log = workbook(tmp_path / "log.xlsx", [log_row()])
    code, err = _run(capsys, "--db", str(db), "import", str(log))
    assert code == 2
    assert f"{lock} is a symbolic link; authtrack never writes through one" in err, err
    assert victim.read_text() == "keep me\n"


def test_a_permission_refused_to_a_real_account_is_one_sentence(tmp_path: Path) -> None:
    with account("ater") as staff:
        base = Path(tempfile.mkdtemp(prefix="authtrack-perm-"))
        try:
            os.chmod(base, 0o755)
            db = base / "authtrack.json"
            build_demo(Store(db, user="root"), today=TODAY)
            os.chmod(db, 0o644)  # readable by the account, in a folder it cannot write
            python, env = python_env_for_others()
            result = subprocess.run(
                [python, "-m", "authtrack", "--db", str(db), "export", str(base / "e.xlsx")],
                env={"PATH": "/usr/bin:/bin", "HOME": str(base), **env},
                cwd=base,
                capture_output=True,
                text=True,
                timeout=60,
                **staff.popen_kwargs(),  # type: ignore[arg-type]
            )
        finally:
            subprocess.run(["rm", "-rf", str(base)], check=True)
    assert result.returncode == 2
    assert f"permission denied writing the export {base / 'e.xlsx'}; nothing was changed" in (
        result.stderr
    )
    assert "unexpected error" not in result.stderr and result.stderr.count("\n") == 1


def test_a_character_no_workbook_can_hold_is_no_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "authtrack.json"
    build_demo(Store(db, user="alice"), today=TODAY)
    Tracker(Store(db, user="alice"), today=TODAY).save_payer(Payer(name="Ctl\x01\x0b Co"))
    code, _ = _run(
        capsys, "--db", str(db), "--today", TODAY.isoformat(), "export", str(tmp_path / "e.xlsx")
    )
    assert code == 0
    code, _ = _run(
        capsys,
        "--db",
        str(db),
        "--today",
        TODAY.isoformat(),
        "report",
        "utilization",
        "--xlsx",
        str(tmp_path / "r.xlsx"),
    )
    assert code == 0


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk holding /srv/a is full; nothing was changed"),
        (errno.EDQUOT, "your disk quota on /srv/a is used up"),
        (errno.EACCES, "permission denied saving /srv/a/f.json; nothing was changed"),
        (errno.EROFS, "/srv/a is on a read-only disk"),
        (errno.ELOOP, "/srv/a/f.json is a symbolic link"),
        (errno.EIO, "input/output error"),
        (errno.EBUSY, "saving /srv/a/f.json failed (Device or resource busy)"),
    ],
)
def test_each_os_error_has_its_sentence(code: int, words: str) -> None:
    error = OSError(code, os.strerror(code), "/srv/a/f.json")
    assert words in sentence(error, doing="saving")
