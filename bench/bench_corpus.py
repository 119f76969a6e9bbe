"""Odd and hostile workbooks: how long `authtrack import` takes to answer each (a script, not a
timed test — the tests check the answers, this prints the times).

    .venv/bin/python bench/bench_corpus.py

Every workbook in ../shared/corpus/ (files nobody on this project wrote), plus two made here: a
log with one stray value in the sheet's last cell (XFD1048576), which declares 17 billion cells,
and an XML-entity ("billion laughs") workbook. Each is imported into a small data file in a new
process, as a user would; the figure is the wall time of that process. The bound the corpus README
sets is 60 s per file; the guards aim at under 2 s.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.helpers.sync_helpers import CORPUS, SAMPLES, add_far_cell, log_row, workbook  # noqa: E402

BOUND, TARGET = 60.0, 2.0
AUTHTRACK = [sys.executable, "-m", "authtrack", "--today", "2026-11-23"]


def import_seconds(data: Path, path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [*AUTHTRACK, "--db", str(data), "import", "--dry-run", str(path)],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - started, done.returncode


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "data.json"
        subprocess.run(
            [*AUTHTRACK, "--db", str(data), "import", str(SAMPLES / "front_desk_log.xlsx")],
            capture_output=True,
            check=True,
        )
        files = sorted(p for p in CORPUS.glob("*") if p.suffix in (".xlsx", ".xlsm", ".xls"))
        files.append(add_far_cell(workbook(folder / "far_cell.xlsx", [log_row()])))
        baseline, _ = import_seconds(data, SAMPLES / "front_desk_log.xlsx")
        print(f"corpus: {len(files)} odd workbooks, each imported (--dry-run) in a new process")
        print(f"  a sample log, for scale            {baseline:6.2f} s")
        worst = 0.0
        for path in files:
            seconds, status = import_seconds(data, path)
            worst = max(worst, seconds)
            print(f"  {path.name[:34]:<34} {seconds:6.2f} s  exit {status}")
        verdict = "within" if worst <= TARGET else "over"
        print(f"slowest {worst:.2f} s: {verdict} the {TARGET:.0f} s target (bound {BOUND:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
