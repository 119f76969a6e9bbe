"""Every odd workbook in ../shared/corpus/: a clean outcome (exit 0, 1 or 2), never a traceback;
when not 0, one sentence naming the file and the data file byte-for-byte unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from authtrack.cli import main
from tests.helpers.sync_helpers import CORPUS, SAMPLES

FILES = sorted(p for p in CORPUS.glob("*") if p.suffix in (".xlsx", ".xlsm", ".xls", ".ods"))


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    db = tmp_path / "data.json"
    assert (
        main(
            [
                "--db",
                str(db),
                "--today",
                "2026-11-23",
                "import",
                str(SAMPLES / "front_desk_log.xlsx"),
            ]
        )
        == 0
    )
    return db


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 21


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file(path: Path, data_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    before = data_file.read_bytes()
    status = main(["--db", str(data_file), "import", str(path)])  # its time: `make bench`
    out, err = capsys.readouterr()
    assert status in (0, 1, 2)
    assert "Traceback" not in out + err
    assert "unexpected error" not in err
    if status != 0:
        assert data_file.read_bytes() == before
        assert path.name in err
    if "pass_protected" in path.name or "encrypt" in path.name:
        assert status == 2 and "password-protected" in err


@pytest.mark.parametrize(
    "name", ["calamine__issue_174.xlsx", "calamine__pass_protected.xlsx", "calamine__pivots.xlsx"]
)
def test_corpus_through_the_real_command(name: str, data_file: Path) -> None:
    """Also as a separate process: a Rust panic or abort would show here, not in-process."""
    before = data_file.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "authtrack", "--db", str(data_file), "import", str(CORPUS / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    if proc.returncode:
        assert data_file.read_bytes() == before
        assert name in proc.stderr
