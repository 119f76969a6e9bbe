"""CPU time of the import in two checkouts, run alternately (a script, not a timed test).

    python bench/ab_import.py CHECKOUT_A CHECKOUT_B [--kind usual|aba|history] [--rounds 5]

Each round runs, in A then B (a fresh interpreter each, with the checkout on PYTHONPATH),
calamine's bare read of the log and the import of bench_sync.py's log into an empty data file
(read, check, back up, write: plan_import + apply_import, as bench_sync.py times it), and
plan_import of the same log again into the filled file (the re-import, everything unchanged);
each three times, their medians printed (and at the end the minima of every run: the steadier
figure when the machine's speed moves between rounds). The log is written once and shared.
Alternating the checkouts spreads the load of a shared machine over both.

A data file is deleted once its import is timed (the last one after the re-import): a new
file's pages cost the kernel ~2.2 ms a MB on this VM when they come from memory the guest has
not used lately (it hands freed memory back to the host, which faults it in again) against
~0.25 ms a MB for pages just freed, which is what a save takes on a server whose data file is
rewritten all day (the old version's pages are freed at each save). Kept files made a 17 MB
write cost 4-43 ms of system time from one import to the next: ±0.2x on the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
import python_calamine
from bench.bench_sync import TODAY
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
log, folder = Path(sys.argv[1]), Path(sys.argv[2])
def cpu(fn):
    started = time.process_time(); fn(); return time.process_time() - started
def read():
    wb = python_calamine.CalamineWorkbook.from_path(str(log))
    wb.get_sheet_by_index(0).to_python()
kept = []
def do_import(k=iter(range(100))):
    tracker = Tracker(Store(folder / f"i{next(k)}.json", user="bench"), today=TODAY)
    apply_import(tracker, plan_import(log, tracker.data(), today=TODAY, user="bench"))
    kept.append(tracker)
reads = [cpu(read) for _ in range(3)]
imports = []
for n in range(3):
    imports.append(cpu(do_import))
    if n < 2:  # (its file's pages free for the next: see the module docstring)
        (folder / f"i{n}.json").unlink()
tracker = kept[-1]
again = [cpu(lambda: plan_import(log, tracker.data(), today=TODAY, user="bench")) for _ in range(3)]
print(json.dumps([statistics.median(reads), statistics.median(imports), statistics.median(again),
                  min(reads), min(imports)]))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--kind", choices=["usual", "aba", "history"], default="usual")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(here))
    from bench.bench_sync import make_aba_log, make_log
    from bench.history_log import write_history_log

    results: dict[str, list[list[float]]] = {args.a: [], args.b: []}
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.xlsx"
        if args.kind == "aba":
            make_aba_log(log, 20_000)
        elif args.kind == "history":
            write_history_log(log, clients=5_000, per_client=4)
        else:
            make_log(log, 20_000)
        for r in range(args.rounds):
            for checkout in (args.a, args.b):
                folder = Path(tmp) / f"{r}-{len(results[checkout])}-{Path(checkout).name}"
                folder.mkdir()
                env = dict(os.environ, PYTHONPATH=checkout)
                out = subprocess.run(
                    [sys.executable, "-c", _CHILD, str(log), str(folder)],
                    cwd=checkout,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                shutil.rmtree(folder)  # (the next round's files take these pages: see above)
                results[checkout].append(json.loads(out.strip().splitlines()[-1]))
                read, imp, again = results[checkout][-1][:3]
                print(
                    f"round {r + 1} {checkout}: calamine {read:.3f}  import {imp:.3f}  "
                    f"re-import {again:.3f} s CPU",
                    flush=True,
                )
    print(f"\n{args.kind}: medians of {args.rounds} rounds (each a median of 3), s CPU")
    for checkout, rows in results.items():
        read, imp, again = (statistics.median(col) for col in list(zip(*rows, strict=True))[:3])
        print(
            f"  {checkout}: calamine {read:.3f}  import {imp:.3f} ({imp / read:.2f}x)  "
            f"re-import {again:.3f} ({again / read:.2f}x)"
        )
    # on a machine whose speed moves between rounds, the least CPU each took is the steadier
    # figure (what the work costs undisturbed): the minima of every run of every round
    print(f"{args.kind}: minima of every run, s CPU")
    for checkout, rows in results.items():
        read, imp = min(row[3] for row in rows), min(row[4] for row in rows)
        print(f"  {checkout}: calamine {read:.3f}  import {imp:.3f} ({imp / read:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
