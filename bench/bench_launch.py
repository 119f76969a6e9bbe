"""Benchmark: an open app's cold start and memory at agency scale, in the app's own CPU time.

The real ``authtrack`` in an 80×24 pty over ``bench/generate.py``'s agency data: from exec to the
first client rows and to the counts and notification badge, in wall time and in the app's own CPU
time (``/proc/PID/stat``: what a shared, loaded machine changes least); resident memory then and
a few seconds later (after the app has let go of the file's text), and the peak. Then
``authtrack notifications --json`` in a new process (the daily digest's path): its CPU time and
peak memory. Targets (issue 20): counts and badge ≤ 1 s; RSS per app ≤ 150 MB; notifications
≤ 0.5 s.

    .venv/bin/python bench/bench_launch.py [--scale agency] [--runs 3] [--tree PATH]

``--tree`` runs another checkout's code with this one's Python (to measure a commit beside it).
Each line says whether the derived cache beside the data file (``<file>.derived``, written by the
first process to work the values out for the file's content and day) was there when it started;
``--cold`` removes it before every run (every process works everything out). ``--before PATH
[--rounds 5]`` alternates PATH's code with this tree's (cold, then with the cache kept), round by
round, and prints the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402
from tests.helpers.terminal import Terminal  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_mb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) // 1024
    return -1


def command(tree: Path, *args: str) -> list[str]:
    code = f"import sys; sys.path.insert(0, {str(tree)!r}); from authtrack.cli import main; "
    code += "sys.exit(main())"
    return [sys.executable, "-c", code, *args]


def cache_state(db: Path, cold: bool) -> str:
    cache = db.with_name(db.name + ".derived")
    if cold:
        cache.unlink(missing_ok=True)
    return "cache kept" if cache.exists() else "no cache  "


def launch_figures(tree: Path, db: Path) -> dict[str, float]:
    """One launch: wall and CPU seconds to the first rows and to the counts and badge, RSS (MB)
    then, 3 s later and at its peak."""
    env = dict(os.environ, TERM="xterm-256color", AUTHTRACK_CONFIG="/nonexistent")
    argv = command(tree, "--db", str(db), "--today", generate.TODAY.isoformat())
    term = Terminal(argv, env)
    try:
        pid = term.proc.pid
        paint = term.wait_for(r" C\d{6} ", term.started)
        paint_cpu = cpu_seconds(pid)
        counts = term.wait_for(r"⚑ [1-9]\d* notif", term.started)
        counts_cpu, rss = cpu_seconds(pid), memory_mb(pid, "VmRSS")
        term.settle(3.0)
        return {
            "paint": paint,
            "paint_cpu": paint_cpu,
            "counts": counts,
            "counts_cpu": counts_cpu,
            "rss": rss,
            "rss_later": memory_mb(pid, "VmRSS"),
            "peak": memory_mb(pid, "VmHWM"),
        }
    finally:
        term.close()


def launch(tree: Path, db: Path) -> str:
    f = launch_figures(tree, db)
    return (
        f"first rows {f['paint']:5.2f} s (CPU {f['paint_cpu']:4.2f} s)   counts and badge "
        f"{f['counts']:5.2f} s (CPU {f['counts_cpu']:4.2f} s, target 1 s)   RSS {f['rss']} MB, "
        f"3 s later {f['rss_later']} MB (target 150), peak {f['peak']} MB"
    )


def notifications_figures(tree: Path, db: Path) -> dict[str, float]:
    """``notifications --json`` in a new process: its CPU and wall seconds, peak RSS (MB)."""
    argv = command(tree, "--db", str(db), "notifications", "--json")
    argv += ["--today", generate.TODAY.isoformat()]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)  # (this child's own CPU time and peak memory)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "peak": usage.ru_maxrss // 1024}


def notifications(tree: Path, db: Path) -> str:
    f = notifications_figures(tree, db)
    return f"notifications --json: CPU {f['cpu']:4.2f} s (target 0.5 s), peak {f['peak']} MB"


def compare(before: Path, db: Path, rounds: int) -> None:
    """``before``'s code and this tree's, alternated round by round (A B A B: a shared
    machine's load falls on both alike), this tree's both without the derived cache (every
    process works everything out) and with it kept; medians of the rounds."""
    variants = [("before", before, True), ("cold", ROOT, True), ("cache kept", ROOT, False)]
    launches: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in variants}
    notes: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in variants}
    for n in range(rounds):  # (the launch "cache kept" finds the cache the "cold" one kept)
        for name, tree, cold in variants:
            cache_state(db, cold)
            launches[name].append(launch_figures(tree, db))
        for name, tree, cold in variants:
            cache_state(db, cold)
            notes[name].append(notifications_figures(tree, db))
        print(f"  round {n + 1} done; load {os.getloadavg()[0]:.1f}", flush=True)
    for name, _, _ in variants:
        f = {key: statistics.median(r[key] for r in launches[name]) for key in launches[name][0]}
        g = {key: statistics.median(r[key] for r in notes[name]) for key in notes[name][0]}
        print(
            f"  {name:10}  counts and badge CPU {f['counts_cpu']:4.2f} s (wall {f['counts']:4.2f}),"
            f" first rows CPU {f['paint_cpu']:4.2f} s (wall {f['paint']:4.2f}), RSS {f['rss']:.0f}"
            f" / 3 s later {f['rss_later']:.0f} / peak {f['peak']:.0f} MB;  notifications --json"
            f" CPU {g['cpu']:4.2f} s (wall {g['wall']:4.2f}), peak {g['peak']:.0f} MB"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="agency", choices=sorted(generate.SCALES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose code runs")
    parser.add_argument("--cold", action="store_true", help="remove the derived cache each run")
    parser.add_argument("--before", type=Path, help="compare with this checkout (medians)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of --before's comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = generate.write_data_file(Path(folder) / "launch.json", args.scale)
        print(
            f"{args.scale} scale, {db.stat().st_size / 1e6:.0f} MB; load {os.getloadavg()[0]:.1f}"
        )
        if args.before is not None:
            compare(args.before, db, args.rounds)
            return 0
        for _ in range(args.runs):
            print(f"  {cache_state(db, args.cold)}  " + launch(args.tree, db), flush=True)
        for _ in range(args.runs):
            print(f"  {cache_state(db, args.cold)}  " + notifications(args.tree, db), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
