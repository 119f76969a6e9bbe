"""Benchmark: the TUI with 2,000 clients and 10,000 authorizations (100,000 services).

Targets (issue 4): first screen painted within 1 s of launch; each filter keystroke updates the
table within 50 ms; opening a client within 100 ms. Measured three ways:

- the real ``authtrack`` in a pseudo-terminal: from exec to the first client rows on screen
  (starting Python, importing Textual, reading the data file), to the counts filled in; and
  from each key written to the new text appearing (the filter's "N shown", the tracker's box 23);
- in-process (headless Pilot): the app's own work, timed around the handlers — the filter's
  match, sort and table refill; filling the client tracker.

    .venv/bin/python bench/bench_tui.py [--clients N] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import generate
from priorauth.model import ClientStatus
from priorauth.store.datafile import Store
from tests.helpers.pilot import settle
from tests.helpers.terminal import Terminal
from tui.app import make_app
from tui.rows import client_rows, matches
from tui.screens.client import ClientScreen
from tui.screens.clients import ClientsScreen

TARGET_PAINT, TARGET_FILTER, TARGET_OPEN = 1.0, 0.050, 0.100


def make_file(folder: Path, clients: int) -> Path:
    generate.SCALES["tui"] = (clients, 5, 10)  # 5 authorizations, 10 services each
    return generate.write_data_file(folder / "tui-bench.json", "tui")


def expected_counts(path: Path, query: str) -> list[int]:
    """How many active clients each prefix of ``query`` leaves (what the screen must show)."""
    data = Store(path, user="bench").snapshot()
    rows = [r for r in client_rows(data, generate.TODAY) if r.status == ClientStatus.ACTIVE]
    return [sum(1 for r in rows if matches(r.search, query[:n])) for n in range(len(query) + 1)]


def real_terminal(path: Path, runs: int) -> dict[str, list[float]]:
    """In a pty: launch to first rows and to counts filled; each filter key, and opening a
    client, from the key written to the new screen (read through a terminal emulator)."""
    query = "alvarez-1"
    counts = expected_counts(path, query)
    env = dict(os.environ, TERM="xterm-256color", AUTHTRACK_CONFIG="/nonexistent")
    argv = [str(Path(sys.executable).parent / "authtrack"), "--db", str(path)]
    argv += ["--today", generate.TODAY.isoformat()]
    results: dict[str, list[float]] = {
        "paint": [],
        "counts": [],
        "filter": [],
        "open": [],
        "rss": [],
    }
    for _ in range(runs):
        term = Terminal(argv, env)
        try:
            results["paint"].append(term.wait_for(r" C\d{6} ", term.started))
            results["counts"].append(term.wait_for(r"⚑ [1-9]\d* notif", term.started))
            term.settle(0.3)
            term.press("/", then=r"/ Filter \? Help")
            for n in range(1, len(query) + 1):
                typed = re.escape(query[:n])
                results["filter"].append(term.press(query[n - 1], rf"^{typed} +{counts[n]} shown"))
            for n in range(len(query) - 1, 0, -1):
                typed = re.escape(query[:n])
                results["filter"].append(term.press("\x7f", rf"^{typed} +{counts[n]} shown"))
            term.press("\x1b", then=r"n New client")  # clear the filter, back to the table
            for _ in range(5):
                results["open"].append(term.press("\r", r"box 23 today"))
                term.press("\x1b")
                term.wait_until(lambda text: "box 23" not in text and "n New client" in text)
                term.press("\x1b[B")  # down to the next client
                term.settle(0.05)
            results["rss"].append(peak_rss_mb(term.proc.pid))
        finally:
            term.close()
    return results


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Timer:
    """Wraps a method to record how long each call takes."""

    def __init__(self, cls: type, name: str) -> None:
        self.cls, self.name, self.times = cls, name, []
        self.original = getattr(cls, name)
        timer = self

        def timed(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return timer.original(self, *args, **kwargs)
            finally:
                timer.times.append(time.perf_counter() - t)

        setattr(cls, name, timed)

    def restore(self) -> None:
        setattr(self.cls, self.name, self.original)


async def in_process(path: Path, runs: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"ready": [], "filter": [], "open": []}
    for _ in range(runs):
        start = time.perf_counter()
        app = make_app(path, today=generate.TODAY, user="bench")
        async with app.run_test(size=(80, 24)) as pilot:
            while not (isinstance(app.screen, ClientsScreen) and app.screen.table.row_count):
                await asyncio.sleep(0.005)
            results["ready"].append(time.perf_counter() - start)
            await settle(pilot)
            refill = Timer(ClientsScreen, "refresh_data")
            await pilot.press("slash")
            await pilot.press(*"last-17")
            await pilot.press(*["backspace"] * 7)
            refill.restore()
            results["filter"].extend(refill.times)
            await pilot.press("enter")  # back to the table
            await settle(pilot)
            for _ in range(5):
                mount = Timer(ClientScreen, "refresh_data")
                await pilot.press("enter")
                while not (isinstance(app.screen, ClientScreen) and app.screen.auths.row_count):
                    await asyncio.sleep(0.001)
                mount.restore()
                results["open"].append(sum(mount.times))
                await pilot.press("escape", "down")
                await settle(pilot)
    return results


def report(name: str, times: list[float], target: float) -> None:
    best, median, worst = min(times), statistics.median(times), max(times)
    verdict = "ok" if median <= target else "OVER"
    print(
        f"{name:<46} median {median * 1000:7.1f} ms  best {best * 1000:7.1f}  "
        f"worst {worst * 1000:7.1f}  target {target * 1000:.0f} ms  {verdict}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2_000, help="5,000 = agency scale")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        path = make_file(Path(folder), args.clients)
        size = path.stat().st_size / 1e6
        print(
            f"data: {args.clients:,} clients, {args.clients * 5:,} authorizations, "
            f"{args.clients * 50:,} services; {size:.1f} MB "
            f"(written in {time.perf_counter() - t:.1f} s)"
        )
        real = real_terminal(path, args.runs)
        print("real authtrack in an 80×24 pty (key written → new text on screen):")
        report("  launch → first client rows drawn", real["paint"], TARGET_PAINT)
        report("  launch → units/visits and badge filled", real["counts"], TARGET_PAINT * 2)
        report("  filter keystroke → table updated", real["filter"], TARGET_FILTER)
        report("  enter → client tracker drawn", real["open"], TARGET_OPEN)
        rss = real["rss"]
        print(
            f"  peak memory (VmHWM) of the app: {max(rss):.0f} MB "
            f"(runs: {', '.join(f'{r:.0f}' for r in rss)}; target 400 MB)"
        )
        res = asyncio.run(in_process(path, args.runs))
        print("in-process (headless), the app's own work:")
        report("  app start → clients table filled", res["ready"], TARGET_PAINT)
        report("  filter keystroke: match, sort, refill", res["filter"], TARGET_FILTER)
        report("  open client: fill the tracker", res["open"], TARGET_OPEN)
    return 0


if __name__ == "__main__":
    sys.exit(main())
