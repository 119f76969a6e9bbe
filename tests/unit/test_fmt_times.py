"""Times said in the practice's local time and words, against a fixed clock (TZ pinned)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from tui import fmt


@pytest.fixture(autouse=True)
def _new_york() -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


# Monday 4 pm in New York, whatever zone the test process started in (make test-clock: UTC+14)
NOW = dt.datetime(2026, 11, 23, 16, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("utc", "short", "long"),
    [
        ("2026-11-23T19:39:00+00:00", "today 2:39 pm", "today 2:39 pm"),
        ("2026-11-23T05:05:00+00:00", "today 12:05 am", "today 12:05 am"),
        ("2026-11-22T14:15:00+00:00", "yesterday 9:15 am", "yesterday 9:15 am"),
        ("2026-11-20T17:00:00+00:00", "Fri 12:00 pm", "Fri 11/20/2026 12:00 pm"),
        ("2026-11-02T19:39:00+00:00", "11/02/26 2:39 pm", "Mon 11/02/2026 2:39 pm"),
        ("2026-11-24T01:00:00+00:00", "today 8:00 pm", "today 8:00 pm"),  # still the 23rd there
    ],
)
def test_when_in_local_time_and_words(utc: str, short: str, long: str) -> None:
    moment = dt.datetime.fromisoformat(utc)
    assert fmt.when(moment, NOW) == short
    assert fmt.when(moment, NOW, long=True) == long


def test_stamps_in_messages_are_said_in_words() -> None:
    message = "Changed by mlopez at 2026-11-23 14:39 after you opened it; reload to see it."
    assert fmt.times_in_words(message, NOW) == (
        "Changed by mlopez at today 2:39 pm after you opened it; reload to see it."
    )
    stored = "2026-11-22T19:15:00+00:00"  # a confirmed_at as stored (UTC)
    assert fmt.times_in_words(stored, NOW) == "yesterday 2:15 pm"
    assert fmt.times_in_words("no time here", NOW) == "no time here"
