"""Batch commands start without the app: `authtrack notifications` (the cron digest) and friends
must not import Textual, and the commands that read no workbook must not import openpyxl. Checked
in a fresh process, where an import is an import (Harlequin's test_import_hygiene)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import contextlib, io, json, sys
from authtrack.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    status = main(sys.argv[1:])
loaded = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps({"status": status, "loaded": loaded}))
"""


def loaded_by(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    return out["status"], set(out["loaded"])


@pytest.mark.parametrize(
    "command",
    [
        ("notifications", "--json"),
        ("report", "expiring", "--json"),
        ("audit", "--json"),
        ("doctor",),
    ],
)
def test_batch_commands_do_not_import_the_app(demo_db: Path, command: tuple[str, ...]) -> None:
    status, loaded = loaded_by("--db", str(demo_db), "--today", "2026-11-23", *command)
    assert status in (0, 1, 2)
    assert not loaded & {"textual", "tui"}
    assert not loaded & {"openpyxl", "python_calamine"}  # nothing here reads a workbook


def test_import_reads_workbooks_without_the_app(demo_db: Path) -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_workbooks" / "front_desk_log.xlsx"
    status, loaded = loaded_by(
        "--db", str(demo_db), "--today", "2026-11-23", "import", "--dry-run", str(sample)
    )
    assert status in (0, 1)
    assert "python_calamine" in loaded
    assert not loaded & {"textual", "tui"}
