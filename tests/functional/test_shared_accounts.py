"""`init --shared` with real Linux accounts: two staff logins in a group, not root, start
authtrack straight after set-up, whatever root's umask; a config folder they cannot enter is
repaired by `init` and explained by `doctor`."""

from __future__ import annotations

import json
import os
import pwd
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.accounts import Accounts, staff_accounts
from tests.helpers.sync_helpers import log_row, workbook


@pytest.fixture
def accounts() -> Iterator[Accounts]:
    with staff_accounts(2) as made:
        yield made


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _set_up(accounts: Accounts) -> tuple[Path, dict[str, str]]:
    config = accounts.root / "etc" / "authtrack" / "config.toml"
    env = {"AUTHTRACK_SYSTEM_CONFIG": str(config)}
    shared = accounts.root / "srv" / "authtrack"
    done = accounts.run(None, "init", "--shared", str(shared), "--group", accounts.group, env=env)
    assert done.returncode == 0, done.stderr
    return config, env


def test_two_staff_accounts_work_right_after_init(accounts: Accounts) -> None:
    config, env = _set_up(accounts)
    assert _mode(config) == 0o644 and _mode(config.parent) == 0o755
    assert _mode(config.parent.parent) == 0o755  # a parent init had to create
    assert _mode(accounts.root / "srv") == 0o755
    first, second = accounts.users
    for user in accounts.users:
        doctor = accounts.run(user, "doctor", env=env)
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
        assert "All good." in doctor.stdout and f"you ({user}) are staff" in doctor.stdout
    wrote = accounts.run(first, "--today", "2026-11-23", "demo", env=env)
    assert wrote.returncode == 0, wrote.stderr
    read = accounts.run(second, "--today", "2026-11-23", "notifications", "--json", env=env)
    assert read.returncode == 0, read.stderr
    assert '"kind"' in read.stdout
    data_file = accounts.root / "srv" / "authtrack" / "authtrack.json"
    assert data_file.stat().st_gid == accounts.gid and _mode(data_file) == 0o660


def test_a_shut_config_folder_is_explained_and_repaired(accounts: Accounts) -> None:
    config, env = _set_up(accounts)
    os.chmod(config.parent, 0o750)  # as a umask of 027 left it before
    user = accounts.users[0]
    refused = accounts.run(user, "notifications", env=env)
    assert refused.returncode == 2
    assert "cannot read the authtrack config file (Permission denied)" in refused.stderr
    assert "authtrack doctor" in refused.stderr and "Traceback" not in refused.stderr
    doctor = accounts.run(user, "doctor", env=env)
    assert doctor.returncode == 1
    assert f"cannot enter the config folder {config.parent} (mode 0750" in doctor.stdout
    assert f"fix: sudo chmod 755 {config.parent}" in doctor.stdout
    again = accounts.run(
        None,
        "init",
        "--shared",
        str(config.parent.parent.parent / "srv" / "authtrack"),
        "--group",
        accounts.group,
        env=env,
    )
    assert again.returncode == 0, again.stderr
    assert "0750 -> 0755" in again.stdout
    assert _mode(config.parent) == 0o755
    assert accounts.run(user, "doctor", env=env).returncode == 0


def test_an_unreadable_config_is_explained(accounts: Accounts) -> None:
    config, env = _set_up(accounts)
    os.chmod(config, 0o640)
    doctor = accounts.run(accounts.users[1], "doctor", env=env)
    assert doctor.returncode == 1
    assert f"cannot read the config {config} (mode 0640" in doctor.stdout
    assert f"fix: sudo chmod 644 {config}" in doctor.stdout


def test_a_staff_account_cannot_point_the_system_config_at_its_own_file(
    accounts: Accounts,
) -> None:
    _set_up(accounts)
    user = accounts.users[0]
    own = accounts.homes[user] / "config.toml"
    own.write_text('[roles]\nadmin = ["group:' + accounts.group + '"]\n')
    os.chown(own, os.stat(accounts.homes[user]).st_uid, -1)
    refused = accounts.run(user, "doctor", env={"AUTHTRACK_SYSTEM_CONFIG": str(own)})
    assert refused.returncode == 1
    assert f"{own} decides who may do what, but it belongs to {user}, not root" in refused.stdout
    refused = accounts.run(user, "import", "x.xlsx", env={"AUTHTRACK_SYSTEM_CONFIG": str(own)})
    assert refused.returncode == 2 and "decides who may do what" in refused.stderr


TAMPER = """
import json, sys
from priorauth.store import auditchain
path = sys.argv[1]
with open(path) as f:
    doc = json.load(f)
doc["audit"]["1"]["user"] = "nobody-you-know"  # history rewritten...
value = auditchain.GENESIS
for key in sorted(doc["audit"], key=int):  # ...and the chain computed again to hide it
    doc["audit"][key]["prev"] = value
    value = auditchain.link(value, doc["audit"][key])
doc["meta"]["1"]["audit_chain"] = [int(max(doc["audit"], key=int)), value]
with open(path, "w") as f:  # the staff account may write the file: that is how it works
    json.dump(doc, f)
"""


def test_a_staff_account_rewriting_the_audit_is_caught_after_a_seal(
    accounts: Accounts,
) -> None:
    _, env = _set_up(accounts)
    seals = accounts.root / "var" / "lib" / "authtrack"
    env = {**env, "AUTHTRACK_SEAL_DIR": str(seals)}
    cron = accounts.root / "etc" / "authtrack" / "authtrack.cron"
    assert _mode(cron) == 0o644 and "audit --seal" in cron.read_text()
    insider, colleague = accounts.users
    assert accounts.run(insider, "--today", "2026-11-23", "demo", env=env).returncode == 0
    sealed = accounts.run(None, "audit", "--seal", env=env)  # root's nightly cron job
    assert sealed.returncode == 0, sealed.stderr
    (seal,) = seals.iterdir()
    assert _mode(seal) == 0o600 and seal.stat().st_uid == 0
    refused = accounts.run(insider, "audit", "--seal", env=env)
    assert refused.returncode == 2 and "must run as root" in refused.stderr
    data_file = accounts.root / "srv" / "authtrack" / "authtrack.json"
    done = accounts.python_as(insider, "-c", TAMPER, str(data_file), env=env)
    assert done.returncode == 0, done.stderr
    # the chain alone holds (it was computed again), and staff cannot read root's seal...
    theirs = accounts.run(colleague, "audit", "--verify", env=env)
    assert theirs.returncode == 0 and "root's seal is root's to read" in theirs.stdout
    # ...but root's check against the seal flags it
    verdict = accounts.run(None, "audit", "--verify", env=env)
    assert verdict.returncode == 1, verdict.stdout
    assert "audit entries #1 to #" in verdict.stderr
    assert "no longer match root's seal" in verdict.stderr
    doctor = accounts.run(None, "doctor", env=env)
    assert doctor.returncode == 1 and "no longer match root's seal" in doctor.stdout
    # an insider who does not compute the chain again is caught by everyone, no seal needed
    doc = json.loads(data_file.read_text())
    doc["audit"]["1"]["summary"] = "edited by hand"
    data_file.write_text(json.dumps(doc))
    naive = accounts.run(colleague, "audit", "--verify", env=env)
    assert naive.returncode == 1 and "audit entry #2" in naive.stderr


def test_an_export_outside_a_shared_folder_is_not_readable_by_the_primary_group(
    accounts: Accounts,
) -> None:
    """The accounts' primary group is one they share (as ``users`` is on many systems): an
    export or report a staff member writes in a folder of their own must not be readable by the
    others of that group; one written into a set-group-ID shared folder is the group's."""
    _, env = _set_up(accounts)
    writer, other = accounts.users
    assert accounts.run(writer, "--today", "2026-11-23", "demo", env=env).returncode == 0
    mine = accounts.root / "exports"
    mine.mkdir()
    os.chown(mine, pwd.getpwnam(writer).pw_uid, accounts.gid)
    os.chmod(mine, 0o755)
    export, report = mine / "all.xlsx", mine / "expiring.xlsx"
    done = accounts.run(writer, "export", str(export), env=env, umask=0)
    assert done.returncode == 0, done.stderr
    done = accounts.run(
        writer, "--today", "2026-11-23", "report", "expiring", "--xlsx", str(report), env=env
    )
    assert done.returncode == 0, done.stderr
    for path in (export, report):
        assert _mode(path) == 0o600, oct(_mode(path))
        peek = accounts.python_as(other, "-c", f"open({str(path)!r}, 'rb').read()")
        assert peek.returncode != 0 and "PermissionError" in peek.stderr
    shared = accounts.root / "srv" / "authtrack" / "all.xlsx"
    done = accounts.run(writer, "export", str(shared), env=env)
    assert done.returncode == 0, done.stderr
    assert _mode(shared) == 0o660 and shared.stat().st_gid == accounts.gid
    # replacing a file keeps its rights (a log written back in place stays the group's)
    os.chmod(export, 0o640)
    done = accounts.run(writer, "export", str(export), env=env)
    assert done.returncode == 0, done.stderr
    assert _mode(export) == 0o640


def test_a_single_user_data_file_is_not_readable_by_the_primary_group(
    accounts: Accounts,
) -> None:
    """No system config, the account's own data file in its data folder, umask 000: the data
    file, its backups, lock note and folders are the account's alone, not its primary group's
    (which the other account shares, as ``users`` is shared on many systems)."""
    owner, other = accounts.users
    home = accounts.homes[owner]
    os.chmod(home, 0o755)  # a home others may enter, as useradd makes on many systems
    env = {"AUTHTRACK_SYSTEM_CONFIG": str(accounts.root / "no-config.toml")}
    done = accounts.run(owner, "--today", "2026-11-23", "demo", env=env, umask=0)
    assert done.returncode == 0, done.stderr
    log = workbook(home / "log.xlsx", [log_row("Nova, Ann", "NEW-1")])
    os.chown(log, pwd.getpwnam(owner).pw_uid, accounts.gid)
    done = accounts.run(owner, "import", str(log), env=env, umask=0)
    assert done.returncode == 0, done.stderr
    folder = home / "data" / "authtrack"
    (backup,) = (folder / "backups").iterdir()
    for path in (folder / "authtrack.json", backup, folder / "authtrack.json.lock.who"):
        assert _mode(path) == 0o600, path
        peek = accounts.python_as(other, "-c", f"open({str(path)!r}, 'rb').read()")
        assert peek.returncode != 0 and "PermissionError" in peek.stderr
    for made in (home / "data", folder, folder / "backups"):
        assert _mode(made) == 0o700, made
