"""Moves the wall clock of every Python process in a test run: `make test-clock`.

Python imports ``sitecustomize`` at start-up from its path; `make test-clock` puts this folder on
PYTHONPATH with AUTHTRACK_TEST_CLOCK_SHIFT_DAYS set, so pytest, its xdist workers and every
`authtrack` the tests start see the same date, that many days from the real one. With
AUTHTRACK_TEST_CLOCK_AT=HH:MM the local time of day is that one too (12:15 in `make test-clock`:
an hour of two digits, after noon, whatever the hour CI runs at), so a screen whose text follows
the hour is caught. The first process works out the offset and leaves it in
AUTHTRACK_TEST_CLOCK_OFFSET for the processes it starts, so every clock in the run agrees. The
monotonic clocks (timeouts, Textual's timers) are left alone. A test whose outcome changes under
the shift depends on the real date or hour: give it a fixed "today" (or the wall_clock fixture).
"""

import os


def _offset() -> float | None:
    """Seconds to add to the real clock, or None to leave it alone."""
    import time

    known = os.environ.get("AUTHTRACK_TEST_CLOCK_OFFSET")
    if known:
        return float(known)
    shift = os.environ.get("AUTHTRACK_TEST_CLOCK_SHIFT_DAYS")
    if not shift:
        return None
    now = time.time()
    target = now + int(shift) * 86400
    at = os.environ.get("AUTHTRACK_TEST_CLOCK_AT")
    if at:
        import datetime as dt

        hour, minute = (int(part) for part in at.split(":"))
        day = dt.datetime.fromtimestamp(target).date()  # local, as the processes see it
        target = dt.datetime.combine(day, dt.time(hour, minute)).timestamp()
    os.environ["AUTHTRACK_TEST_CLOCK_OFFSET"] = repr(target - now)
    return target - now


_OFFSET = _offset()
if _OFFSET is not None:
    import time as _time

    import time_machine as _time_machine

    # A timestamp, not an aware datetime: time-machine would set the process's TZ from one.
    _time_machine.travel(_time.time() + _OFFSET, tick=True).start()
