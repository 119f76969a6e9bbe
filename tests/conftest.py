"""Shared fixtures: a data file in a temporary folder, a tracker with a fixed "today"."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from hypothesis import settings

from priorauth.model import Client, ClientInsurance, Payer, Priority
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store

TODAY = dt.date(2026, 11, 23)

# CI (CI=true) runs the property tests on a fixed sequence of examples, so a red CI is a real
# regression, never the luck of the draw; a developer's `make test` explores new examples.
# Neither times an example (hypothesis's default fails one slower than 200 ms): speed is measured
# in `make bench`, and a busy machine (four workers on two cores) must not fail a test.
settings.register_profile("untimed", deadline=None)
settings.register_profile(
    "ci", parent=settings.get_profile("untimed"), derandomize=True, print_blob=True
)
settings.load_profile("ci" if os.environ.get("CI") else "untimed")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tiers by folder: `unit` (in-process, no app, no subprocess) and `functional` (Pilot,
    snapshots, real processes and terminals). `make test-fast` runs the unit tier alone."""
    for item in items:
        tier = item.path.parent.name
        if tier in ("unit", "functional"):
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def wall_clock() -> Iterator[dt.datetime]:
    """The wall clock moved to 10:05 local time on TODAY, ticking on: for screens that say when
    something was saved ("today 10:05 am"). Without it the app's fixed today and the real moment
    of a save disagree, and the text (its width too: "12/07/26 12:15 pm" against "7:16 am")
    follows the real date and hour. A timestamp, not an aware datetime: time-machine would set
    the process's TZ from one (`make test-clock` runs in a far timezone)."""
    moment = dt.datetime.combine(TODAY, dt.time(10, 5)).astimezone()
    with time_machine.travel(moment.timestamp(), tick=True):
        yield moment


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the machine's /etc/authtrack config or the developer's own data file."""
    monkeypatch.setenv("AUTHTRACK_CONFIG", str(tmp_path / "no-user-config.toml"))
    monkeypatch.setenv("AUTHTRACK_SYSTEM_CONFIG", str(tmp_path / "no-system-config.toml"))
    monkeypatch.setattr("priorauth.store.config.SYSTEM_CONFIG", tmp_path / "no-system-config.toml")
    monkeypatch.delenv("AUTHTRACK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "authtrack.json"


@pytest.fixture
def store(db_path: Path) -> Store:
    return Store(db_path, user="alice")


@pytest.fixture
def tracker(store: Store) -> Tracker:
    return Tracker(store, today=TODAY)


@pytest.fixture
def practice(tracker: Tracker) -> dict[str, object]:
    """Two payers and a client insured primary with Aetna and secondary with Cigna."""
    aetna = tracker.save_payer(Payer(name="Aetna"))
    cigna = tracker.save_payer(Payer(name="Cigna"))
    client = tracker.save_client(
        Client(
            first_name="Ann",
            last_name="Lee",
            dob=dt.date(1990, 4, 2),
            insurances=[
                ClientInsurance(payer_id=aetna.id, priority=Priority.PRIMARY, member_id="W123"),
                ClientInsurance(payer_id=cigna.id, priority=Priority.SECONDARY, member_id="C9"),
            ],
        )
    )
    return {"aetna": aetna, "cigna": cigna, "client": client}


@pytest.fixture
def demo_db(db_path: Path) -> Path:
    """A data file holding the demo practice as of TODAY."""
    build_demo(Store(db_path, user="demo"), today=TODAY)
    return db_path


@pytest.fixture
def typed_demo_db(db_path: Path) -> Path:
    """The demo practice as of TODAY with its sessions typed in by hand (no appointment ids,
    times or statuses): a practice before its first appointment-list import."""
    build_demo(Store(db_path, user="demo"), today=TODAY, from_schedule=False)
    return db_path
