"""Moves the wall clock of every Python process in a test run: `make test-clock`.

Python imports ``sitecustomize`` at start-up from its path; `make test-clock` puts this folder on
PYTHONPATH with AUTHTRACK_TEST_CLOCK_SHIFT_DAYS set, so pytest, its xdist workers and every
`authtrack` the tests start see the same date, that many days from the real one. The monotonic
clocks (timeouts, Textual's timers) are left alone. A test whose outcome changes under the shift
depends on the real date: give it a fixed "today" instead.
"""

import os

_SHIFT = os.environ.get("AUTHTRACK_TEST_CLOCK_SHIFT_DAYS")
if _SHIFT:
    import time as _time

    import time_machine as _time_machine

    # A timestamp, not an aware datetime: time-machine would set the process's TZ from one.
    _time_machine.travel(_time.time() + int(_SHIFT) * 86400, tick=True).start()
