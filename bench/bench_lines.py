"""Benchmark: issue 12's three-lines-per-authorization ratios, in CPU time, one-line and three-line
runs alternating (so the machine's load falls on both alike), medians of several rounds.

- service = ``Tracker.record_service`` of one new service into the agency's data file
  (bench/generate.py, as bench_store.py's "service"), one line vs three lines per authorization;
  and checks = the tracker's own part of it, without the store's (validation, the block check,
  the authorization it counts against, the warnings: the usage of that authorization's lines)
- notify  = ``notify.compute`` on a fresh snapshot (bench_notify.py's "fresh"), one line vs three
  (cached: with the services' assignment to authorizations already known, bench_notify's other);
  also the CPU time per notification emitted (three-line data yields more of them: each line
  runs low, runs out and is used up on its own), and both again without building the output
  ("no output": no Notification made, none sorted; what to say is still worked out and worded)

    .venv/bin/python bench/bench_lines.py [--what service,notify] [--rounds 7]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_notify
from bench.generate import write_data_file
from priorauth import notify, rules, validate
from priorauth.data import Data
from priorauth.model import Service
from priorauth.services.service_warnings import service_warnings
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store


def cpu(fn: Callable[[], object]) -> float:
    """CPU time (user + sys of this process) of one call, in ms (after a full collection, so
    that one run's garbage is not collected in the next one's time)."""
    gc.collect()
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


RATIOS: list[float] = []  # the last alternate()'s median of each round's own ratio


def alternate(one: Callable[[], object], three: Callable[[], object], rounds: int) -> list[float]:
    """Medians over ``rounds`` of (one-line ms, three-line ms), run one, three, one, three...;
    also (in RATIOS) the median of each round's three-line / one-line, the two run back to back
    under the same load (the steadier figure on a shared machine)."""
    ones, threes = [], []
    for _ in range(rounds):
        ones.append(cpu(one))
        threes.append(cpu(three))
    RATIOS[:] = [statistics.median(t / o for o, t in zip(ones, threes, strict=True))]
    return [statistics.median(ones), statistics.median(threes)]


def report(what: str, one_ms: float, three_ms: float) -> None:
    unit, scale = ("ms", 1) if one_ms >= 1 else ("µs", 1000)
    print(
        f"{what:<10} one line {one_ms * scale:7.1f} {unit}   three lines "
        f"{three_ms * scale:7.1f} {unit}   ratio {three_ms / one_ms:.2f}x, "
        f"per round {RATIOS[0]:.2f}x (target: 1.3x at most)"
    )


def service(folder: Path, rounds: int, scale: str) -> None:
    records, checks, sizes = [], [], []
    for lines in (1, 3):
        path = write_data_file(folder / f"{scale}-{lines}.json", scale, lines=lines)
        tracker = Tracker(Store(path, user="bench"))
        first = tracker.data().services[1]

        def record(tracker: Tracker = tracker, first: Service = first) -> None:
            tracker.record_service(dataclasses.replace(first, id=0, rev=0, note="bench"))

        def check(tracker: Tracker = tracker, first: Service = first) -> None:
            """The tracker's own work on a service recorded, without the store's: validation,
            the block check, the authorization it counts against and the warnings (the usage
            of that authorization, line by line)."""
            data = tracker.data()
            service = dataclasses.replace(first, id=0, rev=0, note="bench")
            for _ in range(100):
                validate.check(validate.service_problems(data, service))
                tracker._blocked(data, service, "")
                auth = rules.assigned_authorization(data, service)
                service_warnings(data, service, auth, tracker.today)

        record()  # the first builds the snapshot; later ones are what recording a service costs
        records.append(record)
        checks.append(check)
        sizes.append(path.stat().st_size / 1e6)
    one_ms, three_ms = alternate(records[0], records[1], rounds)
    report("service", one_ms, three_ms)
    print(f"{'':<10} data file {sizes[0]:.1f} MB vs {sizes[1]:.1f} MB ({sizes[1] / sizes[0]:.2f}x)")
    one_ms, three_ms = alternate(checks[0], checks[1], rounds)
    report("checks", one_ms / 100, three_ms / 100)


def notifications(rounds: int, clients: int) -> None:
    bases = [bench_notify.build(clients, lines=lines) for lines in (1, 3)]

    def fresh(base: Data, assigned: object = None) -> Callable[[], object]:
        def run() -> object:
            data = Data(
                payers=base.payers,
                clients=base.clients,
                authorizations=base.authorizations,
                services=base.services,
            )
            if assigned is not None:  # bench_notify's "cached": the services' assignment known
                data.derived[rules.ASSIGNED] = assigned
            return notify.compute(data, bench_notify.TODAY)

        return run

    counts = [len(fresh(base)()) for base in bases]
    one_ms, three_ms = alternate(fresh(bases[0]), fresh(bases[1]), rounds)
    report("notify", one_ms, three_ms)
    print(
        f"{'':<10} notifications {counts[0]:,} vs {counts[1]:,} "
        f"({counts[1] / counts[0] - 1:+.0%}); per notification "
        f"{one_ms / counts[0] * 1000:.1f} µs vs {three_ms / counts[1] * 1000:.1f} µs "
        f"({three_ms / counts[1] / (one_ms / counts[0]):.2f}x)"
    )
    one_ms, three_ms = alternate(
        fresh(bases[0], rules.services_by_authorization(bases[0])),
        fresh(bases[1], rules.services_by_authorization(bases[1])),
        rounds,
    )
    report("cached", one_ms, three_ms)
    # the same without building the output: every notification made is one shared placeholder
    # (no Notification built, no payer name looked up, nothing to sort; the words are still put
    # together), to tell the finding apart from the telling
    made = notify._notification
    placeholder = made(
        "expired",
        bases[0],
        bench_notify.TODAY,
        client=0,
        auth=None,
        payer=0,
        date=bench_notify.TODAY,
        message="",
        key="",
        fingerprint="",
    )

    def unmade(*args: object, **kwargs: object) -> notify.Notification:
        return placeholder

    notify._notification = unmade  # type: ignore[assignment]
    try:
        one_ms, three_ms = alternate(fresh(bases[0]), fresh(bases[1]), rounds)
    finally:
        notify._notification = made  # type: ignore[assignment]
    report("no output", one_ms, three_ms)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--what", default="service,notify")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", default="agency", help="the data file's scale (service)")
    parser.add_argument("--clients", type=int, default=5_000, help="notify's clients")
    args = parser.parse_args()
    print(f"CPU time, medians of {args.rounds} alternating rounds")
    what = args.what.split(",")
    if "service" in what:
        with tempfile.TemporaryDirectory() as tmp:
            service(Path(tmp), args.rounds, args.scale)
    if "notify" in what:
        notifications(args.rounds, args.clients)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
