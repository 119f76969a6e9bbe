"""Worker processes for the multi-process tests (`python tests/helpers/_worker.py MODE ...`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from priorauth.errors import ConflictError
from priorauth.model import Payer, Service
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store


def hammer(path: str, worker: int, count: int) -> None:
    """`count` times: bump the shared counter (retrying on conflict) and add one service."""
    tracker = Tracker(Store(path, user=f"worker{worker}"), today=dt.date(2026, 11, 23))
    for i in range(count):
        while True:
            client = tracker.data().clients[1]
            bumped = dataclasses.replace(client, notes=str(int(client.notes or 0) + 1))
            try:
                tracker.save_client(bumped)
                break
            except ConflictError:
                continue  # someone else won; read again and retry
        tracker.record_service(
            Service(
                client=1,
                payer=1,
                date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                note=f"w{worker}-{i}",
            )
        )


def writer(path: str) -> None:
    """Add payers forever, printing each name once its commit has returned."""
    tracker = Tracker(Store(path, user="writer"))
    i = len(tracker.data().payers)
    while True:
        name = f"P{i:06d}"
        tracker.save_payer(Payer(name=name, notes="x" * 2000))
        print(name, flush=True)
        i += 1


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    if mode == "hammer":
        hammer(rest[0], int(rest[1]), int(rest[2]))
    elif mode == "writer":
        writer(rest[0])
