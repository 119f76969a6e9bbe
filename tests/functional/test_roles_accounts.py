"""Roles come only from root's system config: a real staff account cannot make itself admin."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from priorauth.services.demo import build_demo
from priorauth.store import config as config_module
from priorauth.store.datafile import Store
from tests.helpers.accounts import Account, account, python_env_for_others
from tests.helpers.sync_helpers import log_row, workbook

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[tuple[Account, Path]]:
    """A shared server in miniature: root's system config giving roles, a shared data file the
    staff account's group may write, and that account's own home."""
    if config_module.SYSTEM_CONFIG.exists() or Path("/etc/authtrack/config.toml").exists():
        pytest.skip("this machine has a real /etc/authtrack/config.toml; the test needs its own")
    with account("atrl") as staff:
        base = Path(tempfile.mkdtemp(prefix="authtrack-roles-"))
        os.chmod(base, 0o755)
        try:
            etc, srv, home = base / "etc", base / "srv", base / "home"
            etc.mkdir()
            os.chmod(etc, 0o755)  # (whatever the umask an earlier test left)
            srv.mkdir()
            os.chown(srv, 0, staff.gid)
            os.chmod(srv, 0o2770)
            home.mkdir()
            os.chown(home, staff.uid, staff.gid)
            data_file = srv / "authtrack.json"
            build_demo(Store(data_file, user="root"), today=TODAY)
            for path in (data_file, srv / "authtrack.json.lock"):
                os.chown(path, 0, staff.gid)
                os.chmod(path, 0o660)
            system = etc / "config.toml"
            system.write_text(
                f'data_file = "{data_file}"\n[roles]\nadmin = ["root"]\ndefault = "staff"\n'
            )
            os.chmod(system, 0o644)
            yield staff, base
        finally:
            subprocess.run(["rm", "-rf", str(base)], check=True)


def _run_as(staff: Account, base: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    python, extra = python_env_for_others()
    home = base / "home"
    environ = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "AUTHTRACK_SYSTEM_CONFIG": str(base / "etc" / "config.toml"),
        **extra,
        **env,
    }
    return subprocess.run(
        [python, "-m", "authtrack", *args],
        cwd=home,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        **staff.popen_kwargs(),  # type: ignore[arg-type]
    )


def _own_file(staff: Account, path: Path, text: str) -> Path:
    path.write_text(text)
    os.chown(path, staff.uid, staff.gid)
    return path


def test_a_staff_account_cannot_make_itself_admin_with_its_own_config(
    office: tuple[Account, Path],
) -> None:
    staff, base = office
    data_file = base / "srv" / "authtrack.json"
    before = data_file.read_bytes()
    log = workbook(base / "home" / "log.xlsx", [log_row("Nova, Ann", "NEW-1")])
    os.chown(log, staff.uid, staff.gid)
    home = base / "home"
    # the case: a config of its own naming the shared file, with no [roles] at all
    bare = _own_file(staff, home / "bare.toml", f'data_file = "{data_file}"\n')
    # and one that lists itself as admin
    greedy = _own_file(
        staff,
        home / "greedy.toml",
        f'data_file = "{data_file}"\n[roles]\nadmin = ["{staff.name}"]\n',
    )
    for mine in (bare, greedy):
        result = _run_as(staff, base, "import", str(log), AUTHTRACK_CONFIG=str(mine))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Importing a workbook needs the admin role" in result.stderr
        assert f"you ({staff.name}) are staff" in result.stderr
        assert "Traceback" not in result.stderr
    # a "system config" of its own is not root's: refused in one sentence
    fake = _own_file(staff, home / "system.toml", f'data_file = "{data_file}"\n')
    result = _run_as(staff, base, "import", str(log), AUTHTRACK_SYSTEM_CONFIG=str(fake))
    assert result.returncode == 2
    assert f"belongs to {staff.name}, not root; authtrack will not start" in result.stderr
    assert result.stderr.count("\n") == 1
    assert data_file.read_bytes() == before
    # what staff may do still works: the same account, the same file, the system config's role
    result = _run_as(staff, base, "notifications", "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr


def test_leaving_the_system_config_out_makes_no_one_admin_of_the_shared_file(
    office: tuple[Account, Path],
) -> None:
    """With AUTHTRACK_SYSTEM_CONFIG naming a missing file there is no system config at all; the
    shared file (in root's folder) then gives a viewer's rights, not a single-user admin's, even
    reached through a symbolic link in a folder of the account's own."""
    staff, base = office
    data_file = base / "srv" / "authtrack.json"
    before = data_file.read_bytes()
    home = base / "home"
    log = workbook(home / "log.xlsx", [log_row("Nova, Ann", "NEW-1")])
    os.chown(log, staff.uid, staff.gid)
    link = home / "mine.json"
    os.symlink(data_file, link)
    os.lchown(link, staff.uid, staff.gid)
    missing = str(home / "no-such-config.toml")
    for db in (data_file, link):
        result = _run_as(
            staff, base, "--db", str(db), "import", str(log), AUTHTRACK_SYSTEM_CONFIG=missing
        )
        assert result.returncode == 2, result.stdout + result.stderr
        assert f"you ({staff.name}) are viewer" in result.stderr
    assert data_file.read_bytes() == before
    # a data file of its own, in its own folder, is still a single-user install: admin
    result = _run_as(
        staff,
        base,
        "--db",
        str(home / "own.json"),
        "import",
        str(log),
        AUTHTRACK_SYSTEM_CONFIG=missing,
    )
    assert result.returncode == 0, result.stderr
