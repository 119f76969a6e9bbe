"""Real Linux accounts for tests where accounts matter (another staff member, an outsider).

Creating one needs root; a test that needs one is skipped, saying so, when not run as root or when
the machine has no ``useradd``. Each account has a unique name and is removed afterwards.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int

    def popen_kwargs(self) -> dict[str, object]:
        """Keyword arguments making a subprocess run as this account (and none of root's groups)."""
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def need_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: this test creates a real Linux account (useradd) to act as")
    if shutil.which("useradd") is None or shutil.which("userdel") is None:
        pytest.skip("needs useradd and userdel to create a real Linux account")


def _run_locked(cmd: list[str]) -> None:
    """Run a user-database command, retrying while another one holds /etc/passwd's lock."""
    for attempt in range(50):
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode == 0:
            return
        if "lock" not in result.stderr.lower() or attempt == 49:
            raise RuntimeError(f"{' '.join(cmd)} failed: {result.stderr.strip()}")
        time.sleep(0.1)  # the database lock is busy: a bounded retry, not a wait for timing


@contextmanager
def account(prefix: str = "at") -> Iterator[Account]:
    """A fresh account with no home and no login shell; removed afterwards."""
    need_root()
    name = f"{prefix}{os.getpid()}{secrets.token_hex(3)}"[:30]
    _run_locked(["useradd", "-M", "-U", "-s", "/usr/sbin/nologin", name])
    try:
        pw = pwd.getpwnam(name)
        yield Account(name, pw.pw_uid, pw.pw_gid)
    finally:
        _run_locked(["userdel", name])


def _reachable_by_others(path: Path) -> bool:
    path = path.resolve()
    for folder in path.parents:
        if not os.stat(folder).st_mode & 0o001:
            return False
    return bool(os.stat(path).st_mode & 0o001)


def python_for_others() -> tuple[str, dict[str, str]]:
    """An interpreter another account can run, and the environment that lets it import authtrack
    and its dependencies from this checkout (root's own Python may live in root's home)."""
    root = Path(__file__).resolve().parents[2]
    site = [p for p in sys.path if p.endswith("site-packages")]
    env = {"PYTHONPATH": os.pathsep.join([str(root), *site]), "PYTHONDONTWRITEBYTECODE": "1"}
    candidates = [
        Path(sys.executable),
        Path(f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}"),
    ]
    for python in candidates:
        if python.exists() and _reachable_by_others(python):
            return str(python), env
    pytest.skip(
        f"no Python {sys.version_info[0]}.{sys.version_info[1]} that other accounts can run"
    )
