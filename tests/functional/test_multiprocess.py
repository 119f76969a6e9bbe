"""Real processes sharing one data file: nothing lost, nothing corrupt."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from priorauth.model import Client, ClientInsurance, Payer
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store

WORKER = str(Path(__file__).resolve().parents[1] / "helpers" / "_worker.py")


def test_eight_processes_fifty_updates_each_all_land(db_path: Path) -> None:
    tracker = Tracker(Store(db_path, user="setup"))
    payer = tracker.save_payer(Payer(name="Aetna"))
    tracker.save_client(
        Client(last_name="Shared", notes="0", insurances=[ClientInsurance(payer_id=payer.id)])
    )
    procs = [
        subprocess.Popen([sys.executable, WORKER, "hammer", str(db_path), str(w), "50"])
        for w in range(8)
    ]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    raw = json.loads(db_path.read_bytes())  # the file parses
    data = Store(db_path).snapshot()
    assert data.clients[1].notes == "400"  # every read-modify-write landed, none overwritten
    assert len(data.services) == 400
    notes = {s.note for s in data.services.values()}
    assert notes == {f"w{w}-{i}" for w in range(8) for i in range(50)}
    assert len(raw["audit"]) == 2 + 400 + 400
    assert not [p for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_killed_writer_leaves_a_whole_file_with_every_commit(db_path: Path) -> None:
    rnd = random.Random(4)
    committed: list[str] = []
    for _round in range(5):
        proc = subprocess.Popen(
            [sys.executable, WORKER, "writer", str(db_path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        wanted = rnd.randrange(5, 40)
        lines = [proc.stdout.readline().strip() for _ in range(wanted)]
        time.sleep(rnd.random() * 0.05)  # land the kill anywhere inside a later write
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        committed.extend(lines)
        committed.extend(line.strip() for line in proc.stdout if line.strip())
        proc.stdout.close()
        json.loads(db_path.read_bytes())  # parses after every kill
        names = {p.name for p in Store(db_path).snapshot().payers.values()}
        missing = set(committed) - names
        assert not missing, f"committed writes lost: {sorted(missing)[:5]}"
    Tracker(Store(db_path, user="after")).save_payer(Payer(name="after the kills"))
    leftovers = [p for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []  # temp files of killed writes are swept by the next commit
