"""The real `authtrack` in a pseudo-terminal: it draws, takes keys, and quits cleanly on ctrl+q."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from priorauth.services.demo import build_demo
from priorauth.store.datafile import Store
from tests.helpers.terminal import Terminal

TODAY = dt.date(2026, 11, 23)


def authtrack() -> str:
    found = Path(sys.executable).parent / "authtrack"
    return str(found) if found.exists() else (shutil.which("authtrack") or "authtrack")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("colours", ["xterm-256color", "xterm", "no-color"])
def test_authtrack_in_a_terminal(tmp_path: Path, colours: str) -> None:
    db = tmp_path / "practice.json"
    build_demo(Store(db, user="demo"), today=TODAY)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "xterm" if colours == "xterm" else "xterm-256color",
        "LANG": "C.UTF-8",
        "AUTHTRACK_CONFIG": str(tmp_path / "no-config.toml"),
    }
    for passed_on in ("AUTHTRACK_TEST_CLOCK_SHIFT_DAYS", "PYTHONPATH", "TZ"):  # make test-clock
        if passed_on in os.environ:
            env[passed_on] = os.environ[passed_on]
    if colours == "no-color":
        env["NO_COLOR"] = "1"
    term = Terminal([authtrack(), "--db", str(db), "--today", TODAY.isoformat()], env)
    try:
        term.wait_for(r"Clients .*· admin · 11/23/2026")  # where, and who with their role
        term.wait_for(r"Abernathy")
        term.wait_for(r"⚑ [1-9]\d* notifications")  # the counts are in
        term.press("/", then=r"/ Filter \? Help")  # the filter has the keys (footer says so)
        term.press("kowal", then=r"1 shown")
        assert "Kowalczyk" in term.text
        term.press("\r", then=r"n New client")  # back to the table: its keys in the footer
        term.press("\r", then=r"box 23 today")  # open the client
        assert "Kowalczyk, Jamie  C1011" in term.text
        term.press("\x11")  # ctrl+q
        assert term.proc.wait(timeout=60) == 0
        term.drain()
        assert b"\x1b[?1049l" in term.raw  # the terminal was given back (alternate screen left)
    finally:
        term.close()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_authtrack_exits_when_its_terminal_goes_away_without_a_hangup_signal(
    tmp_path: Path,
) -> None:
    """Run under something that keeps SIGHUP from it (here a session leader ignoring it, as under
    `make run` or nohup), the app must still exit when the terminal closes, not spin on it."""
    db = tmp_path / "practice.json"
    build_demo(Store(db, user="demo"), today=TODAY)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "AUTHTRACK_CONFIG": str(tmp_path / "no-config.toml"),
    }
    for passed_on in ("AUTHTRACK_TEST_CLOCK_SHIFT_DAYS", "PYTHONPATH", "TZ"):
        if passed_on in os.environ:
            env[passed_on] = os.environ[passed_on]
    app = f'"{authtrack()}" --db "{db}" --today {TODAY.isoformat()}'
    term = Terminal(["sh", "-c", f'trap "" HUP; {app}; echo "app exited: $?"'], env)
    try:
        term.wait_for(r"Abernathy")
        os.close(term.master)  # the terminal goes away; sh ignores the hang-up, and so does the app
        term.master = os.open(os.devnull, os.O_RDONLY)  # (for close() below)
        term.proc.wait(timeout=60)  # sh returns once the app has exited
    finally:
        with contextlib.suppress(ProcessLookupError):  # (a failed run leaves no app behind)
            os.killpg(term.proc.pid, signal.SIGKILL)
        term.close()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_on_sixteen_colours_draws_no_text_in_its_background_colour(
    tmp_path: Path,
) -> None:
    # NO_COLOR with TERM=xterm: Textual's grey filter, chosen for the default theme before the
    # app switched to the terminal's own ANSI colours, drew every cell black on black.
    db = tmp_path / "practice.json"
    build_demo(Store(db, user="demo"), today=TODAY)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "xterm",
        "NO_COLOR": "1",
        "LANG": "C.UTF-8",
        "AUTHTRACK_CONFIG": str(tmp_path / "no-config.toml"),
    }
    for passed_on in ("AUTHTRACK_TEST_CLOCK_SHIFT_DAYS", "PYTHONPATH", "TZ"):  # make test-clock
        if passed_on in os.environ:
            env[passed_on] = os.environ[passed_on]
    term = Terminal([authtrack(), "--db", str(db), "--today", TODAY.isoformat()], env)
    try:
        term.wait_for(r"⚑ [1-9]\d* notifications")
        unreadable = [
            char.data
            for row in term.screen.buffer.values()
            for char in row.values()
            if char.data.strip() and not char.reverse and char.fg == char.bg != "default"
        ]
        assert not unreadable, f"{len(unreadable)} characters drawn in their background colour"
        term.press("\x11")  # ctrl+q
        assert term.proc.wait(timeout=60) == 0
    finally:
        term.close()
