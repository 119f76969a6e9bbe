"""Benchmark: opening the data file and committing one edit, each beside its floor.

- open  = ``Store.snapshot()`` on a new Store: read the file's lines and check their checksum;
  tables are parsed when first used, so +build = open and build every record (what the TUI does)
  floor = ``orjson.loads`` of the same bytes (a bare JSON parse)
- edit  = ``Tracker.save_authorization`` of one changed note (lock, stale check, validate,
  serialise, write a temporary file, fsync, atomic replace, fsync the folder)
  floor = ``orjson.dumps`` of the same data + write a new file + fsync (a bare serialise-and-fsync)
- service = ``Tracker.record_service`` of one new service (appended: no table is re-serialised)
- re-read = another user's app reading the file again after an edit and building every record
  (only the changed line is parsed again); compare +build, the same from nothing
- memory = peak RSS of a new process that opens the file and builds every record
  floor = peak RSS of a new process that only runs ``orjson.loads`` on the file

Scales: practice, agency and large (see bench/generate.py), to show how each grows with the data;
and the agency again with three service lines per authorization ("agency×3": 97153, 97155, 97156
each with its own units, the same clients, authorizations and services), beside the one-line
figures (issue 12's target: no more than 1.3 times slower).

    .venv/bin/python bench/bench_store.py [--scales practice,agency,large] [--lines3 agency]
                                          [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import write_data_file
from priorauth.data import Data
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from priorauth.store.storage import LEAN_PARSE_BYTES


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_write(folder: Path, raw: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder)
    try:
        os.write(fd, orjson.dumps(raw))
        os.fsync(fd)
    finally:
        os.close(fd)
        os.unlink(tmp)


def peak_rss(code: str) -> float:
    """Peak resident memory (MB) of a new Python process running ``code``."""
    report = (
        "\nprint([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code + report], capture_output=True, text=True, check=True, cwd=root
    )
    return int(out.stdout.split()[-1]) / 1024


def measure(scale: str, folder: Path, runs: int, lines: int = 1) -> dict[str, float]:
    path = write_data_file(folder / f"{scale}-{lines}.json", scale, lines=lines)
    payload = path.read_bytes()
    parse = best(lambda: orjson.loads(payload), runs)
    parse_std = best(lambda: json.loads(payload), runs)
    open_ = best(lambda: Store(path).snapshot(), runs)

    def open_and_build() -> None:
        data = Store(path).snapshot()
        for table in (data.payers, data.clients, data.authorizations, data.services):
            len(list(table.values()))

    built = best(open_and_build, runs)
    raw = orjson.loads(payload)
    write = best(lambda: bare_write(folder, raw), runs)
    tracker = Tracker(Store(path, user="bench"))
    counter = iter(range(10**9))

    def edit() -> None:
        auth = tracker.data().authorizations[1]
        tracker.save_authorization(dataclasses.replace(auth, notes=f"edit {next(counter)}"))

    edit()  # the first builds the snapshot; later ones are what a user's save costs
    edit_time = best(edit, runs)
    first = tracker.data().services[1]

    def record_service() -> None:
        tracker.record_service(dataclasses.replace(first, id=0, rev=0, note="bench"))

    service = best(record_service, runs)
    reader = Store(path, user="reader")  # another user's app, every record built

    def build_everything(data: Data) -> None:
        for table in (data.payers, data.clients, data.authorizations, data.services):
            len(list(table.values()))

    build_everything(reader.snapshot())
    reread_times = []
    for _ in range(runs):
        edit()  # someone else saves
        started = time.perf_counter()
        build_everything(reader.snapshot())
        reread_times.append(time.perf_counter() - started)
    build_all = (
        "from priorauth.store.datafile import Store\n"
        f"data = Store({str(path)!r}).snapshot()\n"
        "for t in (data.payers, data.clients, data.authorizations, data.services):\n"
        "    len(list(t.values()))\n"
    )
    return {
        "service": service,
        "reread": min(reread_times),
        "rss": peak_rss(build_all),
        "rss_floor": peak_rss(f"import orjson\norjson.loads(open({str(path)!r}, 'rb').read())\n"),
        "size_mb": len(payload) / 1e6,
        "parse": parse,
        "parse_std": parse_std,
        "open": open_,
        "built": built,
        "write": write,
        "edit": edit_time,
    }


COMPARED = (
    ("open", "open"),
    ("+build", "built"),
    ("edit", "edit"),
    ("service", "service"),
    ("re-read", "reread"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="practice,agency,large")
    parser.add_argument(
        "--lines3",
        default="agency",
        help="scales measured again with three lines per authorization",
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(
        "parse = bare orjson.loads; json = the standard library's json.loads (authtrack's parser "
        f"for files of {LEAN_PARSE_BYTES >> 20} MB and more in another layout);\nopen = "
        "Store.snapshot() (reads the lines, parses no table); +build = open and build every "
        "record (a line at a time); ratios are to parse;\n"
        "write = bare serialise + write + fsync; edit = one authorization saved, ratio to write;\n"
        "service = one service recorded; re-read = another app's re-read + build after an edit; "
        "RSS = peak memory of a process that opens and builds "
        "everything, beside one that only parses the file with orjson\n"
    )
    print(
        f"{'scale':<9} {'MB':>6} {'parse':>8} {'json':>8} {'open':>8} {'ratio':>6} "
        f"{'+build':>8} {'ratio':>6}   {'write':>8} {'edit':>8} {'ratio':>6} {'service':>8}"
        f" {'re-read':>8}"
        f"   {'RSS':>7} {'parse':>7}"
    )
    runs = [(scale, 1) for scale in args.scales.split(",") if scale]
    runs += [(scale, 3) for scale in args.lines3.split(",") if scale]
    found: dict[tuple[str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale, lines in runs:
            m = found[(scale, lines)] = measure(scale, Path(tmp), args.runs, lines)
            name = scale if lines == 1 else f"{scale}×{lines}"
            print(
                f"{name:<9} {m['size_mb']:6.1f} {m['parse'] * 1e3:6.0f}ms "
                f"{m['parse_std'] * 1e3:6.0f}ms "
                f"{m['open'] * 1e3:6.0f}ms "
                f"{m['open'] / m['parse']:5.2f}x {m['built'] * 1e3:6.0f}ms "
                f"{m['built'] / m['parse']:5.2f}x   {m['write'] * 1e3:6.0f}ms "
                f"{m['edit'] * 1e3:6.0f}ms {m['edit'] / m['write']:5.2f}x "
                f"{m['service'] * 1e3:6.0f}ms {m['reread'] * 1e3:6.0f}ms   "
                f"{m['rss']:5.0f}MB {m['rss_floor']:5.0f}MB"
            )
    for (scale, lines), m in found.items():
        one = found.get((scale, 1))
        if lines == 1 or one is None:
            continue
        print(
            f"{scale} with {lines} lines per authorization vs one: "
            + ", ".join(f"{what} {m[key] / one[key]:.2f}x" for what, key in COMPARED)
            + " (target: 1.3x at most)"
        )
    print(f"best of {args.runs} runs each")


if __name__ == "__main__":
    main()
