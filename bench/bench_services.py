"""Benchmark the appointment-list import (a script, not a timed test).

    .venv/bin/python bench/bench_services.py [--rows 100000] [--scale agency] [--repeat 3]

A generated 100,000-row appointment list (10 columns as a scheduler exports them: appointment
id, client id, name, date of birth, date, time, code, units, provider, status) imported into an
agency-scale data file (bench/generate.py: 5,000 clients, 20,000 authorizations, 200,000
services), against python-calamine's bare read of the same file. Target: within 3x calamine.
Then the re-import of the unchanged list (plan and apply: nothing to write).

Each figure is the best of ``--repeat`` runs (the machine is shared); the best import run is
split into building the data file's records (the import needs every service), planning (read,
parse, match, judge, validate) and applying (backup, one transaction).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from bench.bench_sync import best, calamine_read
from bench.generate import CODES, SCALES, TODAY, build_records, write_data_file
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.planning.service_plan import apply_services, plan_services

HEADER = ["Appt ID", "Client ID", "Client", "DOB", "Date of Service", "Start Time", "CPT"]
HEADER += ["Units", "Provider", "Status"]
STATUSES = ["Checked Out"] * 6 + ["Completed"] * 2 + ["Cancelled", "No Show", "Late Cancel"]


def make_list(path: Path, rows: int, scale: str) -> None:
    """Three months of appointments (the last three weeks in the future: scheduled)."""
    rnd = random.Random(20261123)
    _, clients, _, _ = build_records(scale)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Appointments")
    ws.append(HEADER)
    first = TODAY - dt.timedelta(days=70)
    for i in range(rows):
        c = clients[i % len(clients)]
        day = first + dt.timedelta(days=(i // len(clients)) % 91)
        codes = CODES[(c.id + 2) % len(CODES)]  # the codes of the client's current authorizations
        ws.append(
            [
                f"APPT{i:08d}",
                c.client_id,
                f"{c.last_name}, {c.first_name}",
                c.dob,
                day,
                dt.time(8 + i % 9, 15 * (i % 4)),
                codes[i % len(codes)],
                1 + (i % 4 == 0),
                f"clin{c.id % 25:02d}",
                "Scheduled" if day > TODAY else rnd.choice(STATUSES),
            ]
        )
    wb.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--scale", choices=list(SCALES), default="agency")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        listing = folder / "appointments.xlsx"
        make_list(listing, args.rows, args.scale)
        size = listing.stat().st_size
        print(f"list: {args.rows:,} rows x {len(HEADER)} columns, {size:,} bytes")
        original = write_data_file(folder / "agency.json", args.scale)
        print(f"data file: {args.scale} scale, {original.stat().st_size:,} bytes")

        read, _ = best(args.repeat, lambda: calamine_read(listing))
        runs = iter(range(1000))
        split: list[tuple[float, float, float]] = []
        kept: list[Tracker] = []

        def do_import() -> Tracker:
            db = folder / f"import{next(runs)}.json"
            shutil.copyfile(original, db)
            tracker = Tracker(Store(db, user="bench"), today=TODAY)
            started = time.perf_counter()
            data = tracker.data()
            for _ in data.services.values():  # the 200,000 records, built as the import needs
                pass
            loaded = time.perf_counter()
            plan = plan_services(listing, data, today=TODAY, user="bench")
            planned = time.perf_counter()
            assert not plan.errors, plan.errors[:3]
            apply_services(tracker, plan)
            split.append((loaded - started, planned - loaded, time.perf_counter() - planned))
            kept.append(tracker)
            return tracker

        imp, imp_all = best(args.repeat, do_import)
        load_time, plan_time, apply_time = split[imp_all.index(imp)]
        tracker = kept[-1]
        kept.clear()
        data = tracker.data()
        plan = plan_services(listing, data, today=TODAY, user="bench")
        assert len(plan.unchanged) == args.rows, (len(plan.created), len(plan.updated))
        findings = len(plan.findings)

        def reimport() -> None:
            again = plan_services(listing, tracker.data(), today=TODAY, user="bench")
            assert not again.has_changes
            apply_services(tracker, again)

        again, again_all = best(args.repeat, reimport)

    print()
    print(f"calamine read (bare)             {read:7.3f} s")
    print(
        f"import-services (agency file)    {imp:7.3f} s   ({imp / read:4.1f}x calamine; "
        f"target <= 3.0x)   runs: {', '.join(f'{t:.3f}' for t in imp_all)}"
    )
    print(
        f"  (that run: building the data file's records {load_time:.3f} s, plan {plan_time:.3f} s,"
        f" apply {apply_time:.3f} s)"
    )
    print(
        f"re-import, unchanged             {again:7.3f} s   ({again / read:4.1f}x calamine)   "
        f"runs: {', '.join(f'{t:.3f}' for t in again_all)}"
    )
    print(f"({findings:,} services listed to act on: outside, past units or after the end)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
