"""The `authtrack` command as scripts and cron jobs use it: exit codes and one-sentence errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth.store.datafile import Store

# "today" pinned for every command: no outcome may depend on the real date.
AUTHTRACK = [sys.executable, "-m", "authtrack", "--today", "2026-11-23"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AUTHTRACK, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_demo_fills_an_empty_file_once(db_path: Path) -> None:
    first = run("--db", str(db_path), "demo")
    assert first.returncode == 0, first.stderr
    assert "Demo data written" in first.stdout
    data = Store(db_path).snapshot()
    assert len(data.clients) >= 30 and len(data.authorizations) >= 30 and data.services
    before = db_path.read_bytes()
    second = run("--db", str(db_path), "demo")
    assert second.returncode == 0 and "already holds data" in second.stdout
    assert db_path.read_bytes() == before


def test_unreadable_data_file_is_one_sentence_and_exit_2(db_path: Path) -> None:
    db_path.write_bytes(b"{broken")
    result = run("--db", str(db_path), "demo")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert str(db_path) in result.stderr and result.stderr.count("\n") == 1
    assert db_path.read_bytes() == b"{broken"


def test_db_from_environment(tmp_path: Path) -> None:
    target = tmp_path / "from-env.json"
    result = run("demo", env={"AUTHTRACK_DB": str(target), "AUTHTRACK_CONFIG": "/nonexistent"})
    assert result.returncode == 0 and target.exists()


def test_db_from_system_config(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "practice.json"
    config = tmp_path / "config.toml"
    config.write_text(f'data_file = "{target}"\n')
    env = {"AUTHTRACK_CONFIG": str(config), "AUTHTRACK_DB": ""}
    result = run("demo", env=env)
    assert result.returncode == 0, result.stderr
    assert target.exists()


def test_bad_config_is_one_sentence(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("data_file = [unclosed\n")
    result = run("demo", env={"AUTHTRACK_CONFIG": str(config), "AUTHTRACK_DB": ""})
    assert result.returncode == 2
    assert "cannot read the authtrack config file" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.fixture
def crash_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`demo` fails with a bug (ZeroDivisionError: simulated bug); the crash log's path."""
    import authtrack.cmd_demo

    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(authtrack.cmd_demo, "build_demo", boom)
    return tmp_path / "state" / "authtrack" / "log" / "crash.log"


def test_unexpected_errors_are_one_sentence_with_a_log(
    db_path: Path, crash_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "demo"]) == 2
    err = capsys.readouterr().err
    assert "unexpected error (ZeroDivisionError: simulated bug)" in err
    assert "Traceback" not in err


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("authtrack ")
    assert json.dumps(result.stdout)  # printable


def test_the_crash_log_is_the_accounts_alone_whatever_the_umask(
    db_path: Path, crash_log: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """It may quote data (an exception's message): under umask 000 it and the folders made for
    it were open to every account; a symbolic link planted at its name is never followed."""
    old = os.umask(0)
    try:
        assert main(["--db", str(db_path), "demo"]) == 2
    finally:
        os.umask(old)
    assert "simulated bug" in crash_log.read_text()
    assert stat.S_IMODE(crash_log.stat().st_mode) == 0o600
    state = tmp_path / "state"
    for folder in (state, state / "authtrack", crash_log.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    capsys.readouterr()
    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    crash_log.unlink()
    crash_log.symlink_to(victim)
    assert main(["--db", str(db_path), "demo"]) == 2
    err = capsys.readouterr().err
    assert "no crash log was written" in err and "Traceback" not in err
    assert victim.read_text() == "mine\n"


def test_a_hard_link_at_the_crash_logs_name_is_not_written(
    db_path: Path, crash_log: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    crash_log.parent.mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    os.link(victim, crash_log)
    assert main(["--db", str(db_path), "demo"]) == 2
    assert "no crash log was written" in capsys.readouterr().err
    assert victim.read_text() == "mine\n"
