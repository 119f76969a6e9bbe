"""Benchmark the appointment-list import (a script, not a timed test).

    .venv/bin/python bench/bench_services.py [--rows 100000] [--scale agency] [--repeat 5]

A generated 100,000-row appointment list (10 columns as a scheduler exports them: appointment
id, client id, name, date of birth, date, time, code, units, provider, status) imported into an
agency-scale data file (bench/generate.py: 5,000 clients, 20,000 authorizations, 200,000
services), against python-calamine's bare read of the same file. Target: within 3x calamine.
Then the re-import of the unchanged list (plan and apply: nothing to write).

Every figure is given as CPU time (the process's user + system time: the machine is shared,
and CPU time is what other users' load disturbs least) and wall time, each the median of
``--repeat`` runs (the best run in brackets). An import run is the CLI's ``import-services``
after the data file is found: opening the data file (reading it and building the records the
import needs: the 200,000 services, 20,000 authorizations, clients and payers), planning (read
the list, parse, match, judge, validate) and applying (backup, one transaction).

Two figures are given against calamine:

- **import**: all of it, the data file's opening included (what ``authtrack import-services``
  costs from the command line);
- **import, data file open**: without that opening, which is the same for any command on an
  existing file (an open app holds it already, and the authorization log's bench, at 2.7x,
  imports into an empty file, which costs nothing to open).

Beside them, what the import cannot do without, measured apart (medians): calamine's read
itself; the list's sheet read as the import reads it (calamine, after the grid guard of
``sync/reading``, shared with ``import``, has measured the sheet's XML), then also parsed; the
data file's opening; the backup the import keeps. The sheet's read, the opening and the backup
add up to a floor under the import's figure that no planning or applying work changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from bench.bench_sync import calamine_read
from bench.generate import CODES, SCALES, TODAY, build_records, write_data_file
from priorauth.data import Data
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from priorauth.store.gcpause import gc_paused
from sync.planning.service_plan import apply_services, plan_services
from sync.recognising.appointment_sheets import open_lists
from sync.recognising.appointments import read_list

HEADER = ["Appt ID", "Client ID", "Client", "DOB", "Date of Service", "Start Time", "CPT"]
HEADER += ["Units", "Provider", "Status"]
T = TypeVar("T")
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


class Runs:
    """CPU and wall time of each run of something."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.wall: list[float] = []

    def time(self, fn: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn()
        finally:
            self.cpu.append(time.process_time() - cpu)
            self.wall.append(time.perf_counter() - wall)

    def add(self, cpu: float, wall: float) -> None:
        self.cpu.append(cpu)
        self.wall.append(wall)

    def median(self) -> tuple[float, float]:
        return statistics.median(self.cpu), statistics.median(self.wall)

    def text(self, base: Runs | None = None, target: float | None = None) -> str:
        cpu, wall = self.median()
        text = f"CPU {cpu:6.3f} s (best {min(self.cpu):.3f})  wall {wall:6.3f} s"
        if base is not None:
            base_cpu, base_wall = base.median()
            text += f"   {cpu / base_cpu:4.1f}x calamine (CPU), {wall / base_wall:4.1f}x (wall)"
            if target is not None:
                text += f"; target <= {target:.1f}x"
        return text


def repeat(n: int, fn: Callable[[], object]) -> Runs:
    runs = Runs()
    for _ in range(n):
        runs.time(fn)
    return runs


def read_list_only(listing: Path) -> None:
    """What the import does to read the list: open it (grid guard), find and parse its rows."""
    with gc_paused():  # (as the import reads it)
        wb, found = open_lists(listing, None)
        with wb:
            for raw, header in found:
                read_list(raw, header)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--scale", choices=list(SCALES), default="agency")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        listing = folder / "appointments.xlsx"
        make_list(listing, args.rows, args.scale)
        size = listing.stat().st_size
        print(f"list: {args.rows:,} rows x {len(HEADER)} columns, {size:,} bytes")
        original = write_data_file(folder / "agency.json", args.scale)
        print(f"data file: {args.scale} scale, {original.stat().st_size:,} bytes")

        runs = iter(range(1000))

        def fresh() -> Tracker:
            # the runs before deleted first (with the backups their imports kept): a new file's
            # pages then come from theirs, as on a server whose data file is rewritten all day;
            # kept, they came from memory this VM hands back to its host, which costs the
            # kernel ~2.2 ms a MB instead of ~0.25 (bench/ab_import.py's docstring)
            for before in folder.glob("run*"):
                shutil.rmtree(before)
            run = folder / f"run{next(runs)}"
            run.mkdir()
            db = run / "agency.json"
            shutil.copy2(original, db)  # (with its mode: a data file is never open to all)
            return Tracker(Store(db, user="bench"), today=TODAY)

        read = repeat(n, lambda: calamine_read(listing))
        guarded = repeat(n, lambda: open_lists(listing, None)[0].close())
        reading = repeat(n, lambda: read_list_only(listing))
        opening, backup = Runs(), Runs()
        for _ in range(n):
            store = fresh().store
            opening.time(lambda store=store: _open(store))
            backup.time(lambda store=store: store.backup("import"))

        total, opened, plan_part, apply_part = Runs(), Runs(), Runs(), Runs()
        tracker = None
        for _ in range(n):
            tracker = None  # (the previous run's data, freed outside the timing)
            tracker = fresh()
            started = time.perf_counter(), time.process_time()
            data = _open(tracker.store)
            loaded = time.perf_counter(), time.process_time()
            plan = plan_part.time(
                lambda data=data: plan_services(listing, data, today=TODAY, user="bench")
            )
            assert not plan.errors, plan.errors[:3]
            apply_part.time(lambda plan=plan, tracker=tracker: apply_services(tracker, plan))
            done = time.perf_counter(), time.process_time()
            total.add(done[1] - started[1], done[0] - started[0])
            opened.add(done[1] - loaded[1], done[0] - loaded[0])
        assert tracker is not None
        data = tracker.data()
        plan = plan_services(listing, data, today=TODAY, user="bench")
        assert len(plan.unchanged) == args.rows, (len(plan.created), len(plan.updated))
        findings = len(plan.findings)

        def reimport() -> None:
            again = plan_services(listing, tracker.data(), today=TODAY, user="bench")
            assert not again.has_changes
            apply_services(tracker, again)

        again = repeat(n, reimport)

    floor = Runs()
    for parts in zip(guarded.cpu, opening.cpu, backup.cpu, strict=True):
        floor.cpu.append(sum(parts))
    for parts in zip(guarded.wall, opening.wall, backup.wall, strict=True):
        floor.wall.append(sum(parts))
    print(f"\nmedians of {n} runs (CPU = user + system time of the process)")
    print(f"calamine read (bare)              {read.text()}")
    print(f"import-services (agency file)     {total.text(read, 3.0)}")
    print(f"  import, the data file open      {opened.text(read, 3.0)}")
    print(f"    plan                          {plan_part.text(read)}")
    print(f"    apply                         {apply_part.text(read)}")
    print(f"re-import, unchanged              {again.text(read)}")
    print(f"({findings:,} services listed to act on: outside, past units or after the end)")
    print("\nmeasured apart:")
    print(f"  opening the data file           {opening.text(read)}")
    print(f"  the list's sheet read (guard)   {guarded.text(read)}")
    print(f"  the list read and parsed        {reading.text(read)}")
    print(f"  the backup of the data file     {backup.text(read)}")
    print(f"  floor: sheet, data file, backup {floor.text(read)}")
    return 0


def _open(store: Store) -> Data:
    """The data file's records the import needs, built (as an import run opens it)."""
    data = store.snapshot()
    for table in (data.services, data.authorizations, data.clients, data.payers):
        for _ in table.values():
            pass
    return data


if __name__ == "__main__":
    raise SystemExit(main())
