"""Real Linux accounts for tests where accounts matter, created with useradd (as root) and
removed afterwards: one other account (:func:`account`: another staff member, an outsider), or a
Unix group with staff logins in it and `authtrack` run as each of them (:func:`staff_accounts`).

Tests that use them are skipped, with the reason, when not run as root or without useradd.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Account:
    """One account: its name, uid and its own group's gid."""

    name: str
    uid: int
    gid: int

    def popen_kwargs(self) -> dict[str, object]:
        """Keyword arguments making a subprocess run as this account (and none of root's groups)."""
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


@dataclass
class Accounts:
    """A group, its staff logins, and a folder (root-owned, 0755) every account can enter."""

    group: str
    users: list[str]
    root: Path
    python: str
    homes: dict[str, Path] = field(default_factory=dict)

    @property
    def gid(self) -> int:
        return grp.getgrnam(self.group).gr_gid

    def env(self, user: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        """A clean environment: no AUTHTRACK_* of the test run's own, the checkout importable."""
        home = self.homes[user] if user else self.root
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "LANG": "C.UTF-8",
            "PYTHONPATH": os.pathsep.join([str(CHECKOUT), sysconfig.get_paths()["purelib"]]),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.update(extra or {})
        return env

    def run(
        self,
        user: str | None,
        *args: str,
        env: dict[str, str] | None = None,
        umask: int = 0o022,
    ) -> subprocess.CompletedProcess[str]:
        """``authtrack ARGS`` as ``user`` (None: as root), with its groups, from its home."""
        return self.python_as(user, "-m", "authtrack", *args, env=env, umask=umask)

    def python_as(
        self,
        user: str | None,
        *args: str,
        env: dict[str, str] | None = None,
        umask: int = 0o022,
    ) -> subprocess.CompletedProcess[str]:
        """``python ARGS`` as ``user`` (None: as root), with its groups, from its home."""
        kwargs: dict[str, object] = {}
        if user is not None:
            pw = pwd.getpwnam(user)
            groups = os.getgrouplist(user, pw.pw_gid)
            kwargs = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": groups}
        return subprocess.run(
            [self.python, *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=self.env(user, env),
            cwd=self.homes[user] if user else self.root,
            umask=umask,
            **kwargs,  # type: ignore[arg-type]
        )


def _enterable_by_all(path: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in (path, *path.parents) if p != path)


def python_for_others() -> str | None:
    """An interpreter of this Python version that other accounts may run: this one, unless it
    sits in a folder they cannot enter (pyenv under /root), then the system's of the same
    version (the checkout's packages come from PYTHONPATH)."""
    here = Path(os.path.realpath(sys.executable))
    if _enterable_by_all(here):
        return sys.executable
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if system.exists() and _enterable_by_all(system):
        return str(system)
    return None


def python_env_for_others() -> tuple[str, dict[str, str]]:
    """:func:`python_for_others` and the environment that lets it import authtrack and its
    dependencies from this checkout; the test is skipped when there is none."""
    python = python_for_others()
    if python is None:
        pytest.skip(
            f"no Python {sys.version_info.major}.{sys.version_info.minor} other accounts can run"
        )
    env = {
        "PYTHONPATH": os.pathsep.join([str(CHECKOUT), sysconfig.get_paths()["purelib"]]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return python, env


def _need_root(what: str) -> None:
    if os.geteuid() != 0:
        pytest.skip(f"needs root: creates real Linux accounts with useradd to {what}")
    if not shutil.which("useradd") or not shutil.which("groupadd"):
        pytest.skip("needs useradd and groupadd (the shadow utilities) to create real accounts")


def _run(*cmd: str) -> None:
    """Run an account tool; other test runs may hold /etc/passwd's lock for a moment."""
    for attempt in range(20):
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if done.returncode == 0:
            return
        if "lock" not in done.stderr or attempt == 19:
            raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
        time.sleep(0.2 * (attempt + 1))  # another useradd holds the lock: wait for it


@contextmanager
def account(prefix: str = "at") -> Iterator[Account]:
    """A fresh account with its own group, no home and no login shell; removed afterwards."""
    _need_root("act as another person")
    name = f"{prefix}{os.getpid()}{secrets.token_hex(3)}"[:30]
    _run("useradd", "-M", "-U", "-s", "/usr/sbin/nologin", name)
    try:
        pw = pwd.getpwnam(name)
        yield Account(name, pw.pw_uid, pw.pw_gid)
    finally:
        _run("userdel", name)


@contextmanager
def staff_accounts(count: int = 2) -> Iterator[Accounts]:
    """A new group with ``count`` new logins in it; all removed afterwards."""
    _need_root("test the shared set-up")
    python = python_for_others()
    if python is None:
        pytest.skip(
            f"no Python {sys.version_info.major}.{sys.version_info.minor} other accounts can run"
        )
    tag = secrets.token_hex(3)
    group = f"at{tag}g"
    users = [f"at{tag}{chr(ord('a') + i)}" for i in range(count)]
    root = Path(tempfile.mkdtemp(prefix="authtrack-accounts-", dir="/tmp"))
    os.chmod(root, 0o755)
    made: list[str] = []
    group_made = False
    try:
        _run("groupadd", group)
        group_made = True
        accounts = Accounts(group, users, root, python)
        for user in users:
            _run(
                "useradd",
                "--no-create-home",
                "--no-user-group",
                "--gid",
                group,
                "--shell",
                "/usr/sbin/nologin",
                user,
            )
            made.append(user)
            home = root / "home" / user
            home.mkdir(parents=True)
            os.chown(home, pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid)
            os.chmod(home, 0o700)
            os.chmod(root / "home", 0o755)
            accounts.homes[user] = home
        yield accounts
    finally:
        for user in made:
            subprocess.run(["userdel", user], capture_output=True, timeout=60)
        if group_made:
            subprocess.run(["groupdel", group], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
