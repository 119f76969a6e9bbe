"""The import report from the command line: unread columns named in text and --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.unit.test_import_columns import EXPECTED_WARNINGS, _log


def test_the_cli_names_unread_columns_in_text_and_json(tmp_path: Path) -> None:
    path = _log(tmp_path / "log.xlsx")
    db = tmp_path / "data.json"
    base = [sys.executable, "-m", "authtrack", "--db", str(db), "--today", "2026-11-23"]
    out = subprocess.run(
        [*base, "import", str(path), "--dry-run", "--json"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["warnings"] == EXPECTED_WARNINGS
    text = subprocess.run([*base, "import", str(path), "--dry-run"], capture_output=True, text=True)
    assert text.returncode == 0, text.stderr
    for warning in EXPECTED_WARNINGS:
        assert warning in text.stdout
    assert 'column I "Referral Source": not read' in text.stdout
