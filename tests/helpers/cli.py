"""Run the `authtrack` command in the test's own process: its exit code and what it printed.

For tests of what a command says and returns (the CLI contract), where a new interpreter for
each call (~0.2 s of CPU and imports) proves nothing more. Tests about the process itself (cron,
locks, crashes, accounts, `python -m authtrack`) run a real subprocess instead."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from authtrack.cli import main


@dataclass(frozen=True)
class Ran:
    """What `subprocess.run(..., capture_output=True, text=True)` would have given."""

    returncode: int
    stdout: str
    stderr: str


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> Ran:
    """`authtrack ARGS...` by its main(), with what it printed since this call only."""
    capsys.readouterr()  # anything printed before this command is not its output
    code = main(list(args))
    out, err = capsys.readouterr()
    return Ran(code, out, err)
