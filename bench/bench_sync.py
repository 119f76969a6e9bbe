"""Benchmark the Excel sync against the libraries it is built on (a script, not a timed test).

    .venv/bin/python bench/bench_sync.py [--rows 20000] [--repeat 3]

Import: a generated 20,000-row authorization log (14 columns, a practice's own layout) imported
into an empty data file (read, check, back up, write), against python-calamine's bare read of
the same file, and openpyxl's read-only iteration for the record. Target: within 3x calamine.

With ``--aba``, the log is an ABA agency's: one authorization number per client written on a row
per procedure code (3 or 4 lines: 97153, 97155, 97156, sometimes 97158), each with its own units,
so 20,000 rows are about 5,700 authorizations with service lines.

Export: the 20,000 authorizations (and their clients and payers) written as the canonical
workbook, against openpyxl's write-only mode writing the same cells without any styling.
Target: within 1.5x.

Each wall-clock figure is the best of ``--repeat`` runs (the best run is the one least
disturbed by others). The import and calamine's read are also timed in CPU time (user + system
of this process, ``time.process_time``), and the import's ratio to calamine — the target — is
the ratio of their median CPU times: on a shared machine a wall-clock time includes the time
other processes held the cores, which slows the import and calamine's read by different amounts
even in one run (calamine's read is short and one call); the CPU time of each is what it did.
Even CPU time moves with the load (this VM gives a process more of it on a quiet machine), so
the steadier figure is printed beside it: rounds that run calamine's read and then the import,
one after the other, and the median of the rounds' ratios.
Both spans are the same in either clock (the import's includes opening the store and freeing
the plan). The best import run is also split into planning (read, parse, match, validate) and
applying (backup, one transaction, write).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import python_calamine
from openpyxl import Workbook, load_workbook

from bench.history_log import HEADER as HISTORY_HEADER
from bench.history_log import write_history_log
from priorauth.services.names import FIRST, LAST
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
from sync.recognising.columns import (
    AUTH_EXTRA_HEADERS,
    AUTH_HEADERS,
    CLIENT_HEADERS,
    COVERAGE_HEADERS,
    GROUP_HEADERS,
    PAYER_HEADERS,
    SERVICE_HEADERS,
    SERVICE_LINE_EXTRA_HEADERS,
    SERVICE_LINE_HEADERS,
)
from sync.writing import rows as canonical_rows
from sync.writing.exporter import export_workbook
from sync.writing.service_lines import service_line_rows

TODAY = dt.date(2026, 11, 23)
HEADER = [
    "Client ID",
    "Client Name",
    "DOB",
    "Insurance",
    "Member ID",
    "Auth #",
    "CPT",
    "Eff",
    "Exp",
    "Units Approved",
    "Units Used",
    "Units Remaining",
    "Visits",
    "Notes",
]
PAYERS = ["Aetna", "Blue Cross Blue Shield", "Cigna", "Medicaid - State Plan", "Optum", "Tricare"]
CODES = ["90837", "90834", "90832", "97153, 97155", "H2019-HN", "90791, 90837"]


def make_log(path: Path, rows: int) -> None:
    """A log as a practice keeps it: three authorizations a client, one payer each."""
    rnd = random.Random(20261123)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Auth Log")
    ws.append(HEADER)
    for i in range(rows):
        c = i // 3
        start = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(600))
        units = rnd.choice((12, 20, 24, 30, 48))
        used = rnd.randrange(units + 1)
        ws.append(
            [
                f"C{c:05d}",
                f"{LAST[c % len(LAST)]}{c}, {FIRST[c % len(FIRST)]}",
                dt.date(1950, 1, 1) + dt.timedelta(days=(c * 97) % 25000),
                PAYERS[c % len(PAYERS)],
                f"M{c * 7919 % 10**9:09d}",
                f"A{i:07d}",
                CODES[i % len(CODES)],
                start,
                start + dt.timedelta(days=180),
                units,
                used,
                units - used,
                rnd.choice((None, 12, 24)),
                "Call payer before renewal" if i % 7 == 0 else None,
            ]
        )
    wb.save(path)


ABA_LINES = [("97153", (320, 480, 640, 800)), ("97155", (32, 48, 64)), ("97156", (12, 16, 24))]


def make_aba_log(path: Path, rows: int) -> int:
    """An ABA agency's log: a client's one authorization on a row per code (3 or 4 lines, the
    fourth 97158), each its own units. Returns how many authorizations it holds."""
    rnd = random.Random(20261207)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Auth Log")
    ws.append(HEADER)
    written = c = 0
    while written < rows:
        lines = list(ABA_LINES) + ([("97158", (12, 24))] if c % 3 == 0 else [])
        lines = lines[: rows - written]
        start = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(600))
        for code, choices in lines:
            units = rnd.choice(choices)
            used = rnd.randrange(units + 1)
            ws.append(
                [
                    f"C{c:05d}",
                    f"{LAST[c % len(LAST)]}{c}, {FIRST[c % len(FIRST)]}",
                    dt.date(1950, 1, 1) + dt.timedelta(days=(c * 97) % 25000),
                    PAYERS[c % len(PAYERS)],
                    f"M{c * 7919 % 10**9:09d}",
                    f"ABA{c:07d}",
                    code,
                    start,
                    start + dt.timedelta(days=180),
                    units,
                    used,
                    units - used,
                    None,
                    "Parent training monthly" if code == "97156" and c % 5 == 0 else None,
                ]
            )
        written += len(lines)
        c += 1
    wb.save(path)
    return c


CPU: list[float] = []  # the CPU time of each run of the last call of best()


def best(
    runs: int, fn: Callable[[], object], before: Callable[[], object] | None = None
) -> tuple[float, list[float]]:
    """(the best wall-clock time, every run's); each run's CPU time is left in CPU.
    ``before``: called before each run, outside its time."""
    times = []
    CPU.clear()
    for _ in range(runs):
        if before is not None:
            before()
        cpu, started = time.process_time(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        CPU.append(time.process_time() - cpu)
    return min(times), times


def calamine_read(path: Path) -> None:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    wb.get_sheet_by_index(0).to_python()


def openpyxl_read(path: Path) -> None:
    wb = load_workbook(path, read_only=True, data_only=True)
    for _ in wb.worksheets[0].iter_rows(values_only=True):
        pass
    wb.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--history",
        action="store_true",
        help="a log with coverage history (bench/history_log.py: a client every 4 rows, most "
        "with a new payer every time, some with a new card)",
    )
    parser.add_argument(
        "--aba",
        action="store_true",
        help="an ABA agency's log: one number per client on a row per code (service lines)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = folder / "log.xlsx"
        auths = args.rows
        if args.history:
            write_history_log(log, clients=args.rows // 4, per_client=4)
            width = len(HISTORY_HEADER)
        elif args.aba:
            auths = make_aba_log(log, args.rows)
            width = len(HEADER)
        else:
            make_log(log, args.rows)
            width = len(HEADER)
        print(
            f"log: {args.rows:,} rows x {width} columns, {log.stat().st_size:,} bytes, "
            f"{auths:,} authorizations"
        )

        read, _ = best(args.repeat, lambda: calamine_read(log))
        read_cpu = statistics.median(CPU)
        opx, _ = best(1, lambda: openpyxl_read(log))

        runs = iter(range(1000))
        split: list[tuple[float, float]] = []  # (plan, apply) of each run
        # The imported data is the import's result, kept (as the app keeps it), not garbage to
        # free inside the timing; the plan is freed inside it.
        results: list[Tracker] = []

        def free_files() -> None:
            """The data files imported before deleted, their pages free for the next import's
            (their records stay in memory): a file kept made the next write take pages this
            VM had handed back to its host, 4-43 ms of system time for 17 MB instead of a few
            (bench/ab_import.py's docstring says more)."""
            for kept in results:
                kept.store.path.unlink(missing_ok=True)

        def do_import() -> Tracker:
            store = Store(folder / f"import{next(runs)}.json", user="bench")
            tracker = Tracker(store, today=TODAY)
            started = time.perf_counter()
            plan = plan_import(log, tracker.data(), today=TODAY, user="bench")
            planned = time.perf_counter()
            assert not plan.errors, plan.errors[:3]
            apply_import(tracker, plan)
            split.append((planned - started, time.perf_counter() - planned))
            results.append(tracker)
            return tracker

        imp, imp_all = best(args.repeat, do_import, before=free_files)
        imp_cpu, imp_cpus = statistics.median(CPU), list(CPU)
        free_files()
        results.clear()
        # calamine's read and the import in turn, round by round: the CPU time a process gets
        # for the same work moves with the machine's load (other sessions' suites on the 2
        # cores), so the two runs of a round met the same load and their ratio is the figure
        pairs: list[tuple[float, float]] = []
        for _ in range(args.repeat):
            free_files()
            started = time.process_time()
            calamine_read(log)
            read_done = time.process_time()
            do_import()
            pairs.append((read_done - started, time.process_time() - read_done))
        free_files()
        results.clear()
        ratios = sorted(imported / read for read, imported in pairs)
        plan_time, apply_time = split[imp_all.index(imp)]
        tracker = do_import()
        data = tracker.data()
        assert len(data.authorizations) == auths

        def reimport() -> None:
            plan = plan_import(log, tracker.data(), today=TODAY, user="bench")
            assert len(plan.unchanged) == auths

        again, _ = best(args.repeat, reimport)
        again_cpu = statistics.median(CPU)

        out = folder / "export.xlsx"
        exp, exp_all = best(args.repeat, lambda: export_workbook(data, out, today=TODAY))
        sheets = [
            (
                [h for h, _ in AUTH_HEADERS + AUTH_EXTRA_HEADERS],
                list(canonical_rows.authorization_rows(data, TODAY)),
            ),
            (
                SERVICE_LINE_HEADERS + SERVICE_LINE_EXTRA_HEADERS,
                list(service_line_rows(data, TODAY)),
            ),
            (CLIENT_HEADERS, list(canonical_rows.client_rows(data))),
            (COVERAGE_HEADERS, list(canonical_rows.coverage_rows(data))),
            (SERVICE_HEADERS, list(canonical_rows.service_rows(data))),
            (PAYER_HEADERS, list(canonical_rows.payer_rows(data))),
            (GROUP_HEADERS, list(canonical_rows.group_rows(data))),
        ]

        def write_only() -> None:
            wb = Workbook(write_only=True)
            for headers, rows in sheets:
                ws = wb.create_sheet()
                ws.append(headers)
                for row in rows:
                    ws.append(row)
            wb.save(folder / "plain.xlsx")

        base, _ = best(args.repeat, write_only)

    print()
    print(f"calamine read (bare)           {read:7.3f} s   (CPU, median: {read_cpu:.3f} s)")
    print(f"openpyxl read-only iteration   {opx:7.3f} s   ({opx / read:4.1f}x calamine)")
    print(
        f"authtrack import (empty file)  {imp:7.3f} s   ({imp / read:4.1f}x calamine)   "
        f"runs: {', '.join(f'{t:.3f}' for t in imp_all)}"
    )
    print(
        f"  CPU, median of {len(imp_cpus)}: {imp_cpu:.3f} s   ({imp_cpu / read_cpu:4.2f}x "
        f"calamine's CPU; target <= 3.0x)   runs: {', '.join(f'{t:.3f}' for t in imp_cpus)}"
    )
    print(
        f"  paired with calamine's read, round by round: {statistics.median(ratios):4.2f}x "
        f"median (target <= 3.0x)   ratios: {', '.join(f'{r:.2f}' for r in ratios)}"
    )
    print(
        f"  (that run: plan {plan_time:.3f} s, apply {apply_time:.3f} s; the rest is opening "
        "the store and freeing the plan; the imported data is kept, as the app keeps it)"
    )
    print(
        f"authtrack re-import, unchanged {again:7.3f} s   ({again / read:4.1f}x calamine; "
        f"CPU, median: {again_cpu:.3f} s, {again_cpu / read_cpu:4.2f}x)"
    )
    print()
    print(f"openpyxl write-only, same cells {base:7.3f} s")
    print(
        f"authtrack export               {exp:7.3f} s   ({exp / base:4.2f}x write-only; "
        f"target <= 1.5x)   runs: {', '.join(f'{t:.3f}' for t in exp_all)}"
    )
    medians = f"median import {statistics.median(imp_all):.3f} s"
    print(f"({medians}, median export {statistics.median(exp_all):.3f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
