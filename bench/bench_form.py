"""Benchmark: the CPU time of opening the authorization form (and the client form) in Pilot.

Opens a demo client, then presses ``e`` (the form opens, settles: composed, styled, laid out,
painted, validated) and ``escape`` ``--runs`` times, timing each opening with
``time.process_time`` (this process's CPU, user + system: steady on a shared machine where the
wall clock is not). Prints each run, the median and the minimum; ``--profile`` prints where one
opening's time goes instead, ``--count`` how many widgets the form holds and how many are shown.

    PYTHONPATH=. .venv/bin/python bench/bench_form.py [--runs N] [--size 80x24] [--form auth]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from priorauth.services.demo import build_demo
from priorauth.store.datafile import Store
from tests.helpers.pilot import settle
from tui.app import make_app
from tui.forms.base import FormScreen

TODAY = dt.date(2026, 11, 23)
# the keys from the Clients screen to the screen the form opens from, and the key opening it
FORMS = {"auth": (["down", "enter"], "e"), "client": ([], "e")}


async def run(args: argparse.Namespace, db: Path) -> tuple[list[float], list[float]]:
    width, height = (int(n) for n in args.size.split("x"))
    app = make_app(db, today=TODAY, user="alice")
    before, key = FORMS[args.form]
    times: list[float] = []
    cycles: list[float] = []  # opening and closing: a cost moved out of the opening shows here
    async with app.run_test(size=(width, height)) as pilot:
        await settle(pilot)
        for k in before:
            await pilot.press(k)
            await settle(pilot)
        for n in range(args.runs + 1):  # the first opening warms caches: not counted
            profile = cProfile.Profile() if args.profile and n == 1 else None
            start = time.process_time()
            if profile:
                profile.enable()
            await pilot.press(key)
            await settle(pilot)
            if profile:
                profile.disable()
            spent = time.process_time() - start
            form = app.screen
            assert isinstance(form, FormScreen), form
            if n:
                times.append(spent)
            if args.count and n == 1:
                count(form)
            if profile:
                pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)
            await pilot.press("escape")
            await settle(pilot)
            if n:
                cycles.append(time.process_time() - start)
    return times, cycles


def count(form: FormScreen) -> None:
    widgets = list(form.walk_children())
    shown = [w for w in widgets if w.display and all(a.display for a in w.ancestors)]
    kinds = Counter(type(w).__name__ for w in widgets)
    print(f"{len(widgets)} widgets, {len(shown)} displayed; {dict(kinds.most_common())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--form", choices=sorted(FORMS), default="auth")
    parser.add_argument("--profile", action="store_true", help="profile the second opening")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--count", action="store_true", help="count the form's widgets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.json"
        build_demo(Store(db, user="demo"), today=TODAY)
        times, cycles = asyncio.run(run(args, db))
    if not args.profile:
        print(" ".join(f"{t:.3f}" for t in times))
        print(
            f"{args.form} form at {args.size}: opening median {statistics.median(times):.3f} s CPU "
            f"(mean {statistics.mean(times):.3f}, min {min(times):.3f}); opening and closing "
            f"median {statistics.median(cycles):.3f} (mean {statistics.mean(cycles):.3f}); "
            f"{len(times)} runs"
        )


if __name__ == "__main__":
    main()
