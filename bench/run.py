"""`make bench`: every benchmark in one run, each figure printed beside its floor.

Runs each bench script in its own process (so one's memory and caches do not colour the next)
and prints their reports one after the other, with the machine described first. The figures in
BENCHMARKS.md come from this command.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("bench_store.py",),
    ("bench_notify.py",),
    ("bench_lines.py",),  # issue 12: one line vs three, CPU time, alternating, medians
    ("bench_sync.py",),
    ("bench_services.py",),
    ("bench_corpus.py",),
    ("bench_tui.py", "--clients", "500"),  # practice scale
    ("bench_tui.py", "--clients", "2000"),  # issue 4's scale
    ("bench_tui.py", "--clients", "5000"),  # agency scale
    ("bench_server.py",),  # issue 20: N = 1, 5, 10, 20 open apps while another user saves
    ("bench_launch.py",),  # issue 20: cold start, memory, notifications --json (CPU time)
)


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> int:
    print(f"machine: {describe_machine()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}\n")
    failed = []
    for name, *args in SCRIPTS:
        title = " ".join((name, *args))
        print(f"=== {title} " + "=" * (70 - len(title)), flush=True)
        result = subprocess.run([sys.executable, str(HERE / name), *args], cwd=HERE.parent)
        if result.returncode:
            failed.append(title)
        print(flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
