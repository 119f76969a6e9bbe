"""A lock held by another process is named: the timeout says who holds it and with what
command, and `authtrack doctor` shows it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth.errors import LockTimeout
from priorauth.model import Payer
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from priorauth.store.identity import current_user
from priorauth.store.lockinfo import note_path

HOLDER = """
import sys
from priorauth.store.datafile import Store
store = Store(sys.argv[1])
sys.argv = ["/usr/bin/authtrack", "import", "log.xlsx"]  # as the command line would be
with store.storage.transaction():
    print("held", flush=True)
    sys.stdin.readline()
"""


def _pythonpath() -> str:
    """The checkout first, and whatever the run had (make test-clock's moved clock)."""
    return os.pathsep.join(
        p for p in (str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")) if p
    )


def test_the_lock_holder_is_named(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Tracker(Store(db_path, user="alice")).save_payer(Payer(name="Aetna"))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), "import", "log.xlsx"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": _pythonpath()},
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "held\n"  # (waits for the lock to be taken)
        with pytest.raises(LockTimeout) as info:
            Tracker(Store(db_path, user="bob", lock_timeout=0.05)).save_payer(Payer(name="X"))
        message = str(info.value)
        assert f"is busy: {current_user()} (authtrack import log.xlsx, process {holder.pid}" in (
            message
        )
        assert main(["--db", str(db_path), "doctor"]) in (0, 1)
        out = capsys.readouterr().out
        assert f"lock is held right now by {current_user()} (authtrack import log.xlsx" in out
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=60) == 0
    finally:
        holder.kill()
    assert note_path(Path(f"{db_path}.lock")).read_bytes() == b""  # emptied on release
    main(["--db", str(db_path), "doctor"])
    assert "nobody holds the data file's lock" in capsys.readouterr().out


def test_a_symlinked_note_is_not_followed(db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    note_path(Path(f"{db_path}.lock")).symlink_to(target)
    Tracker(Store(db_path, user="alice")).save_payer(Payer(name="Aetna"))  # still saves
    assert target.read_text() == "keep me"


def test_a_hard_linked_note_is_not_truncated(db_path: Path, tmp_path: Path) -> None:
    """Where fs.protected_hardlinks is off, a staff account can make the note a second name of
    another's file that the next lock holder may write: that file is never emptied."""
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    os.link(target, note_path(Path(f"{db_path}.lock")))
    Tracker(Store(db_path, user="alice")).save_payer(Payer(name="Aetna"))  # still saves
    assert target.read_text() == "keep me"
