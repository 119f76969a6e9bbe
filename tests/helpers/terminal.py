"""Run a program on a pseudo-terminal and read its screen like a person would (tests, bench).

Every wait is for something on the screen, with a generous bound (a loaded CI machine is slow):
the bound fails a test that never gets there, it never times one that does.

The program's output goes through a VT100 emulator (pyte, a test dependency), so what is checked
is the screen as drawn, whatever cursor movements the program used to draw it.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping


class Terminal:
    """``argv`` on a ``width``×``height`` pty."""

    def __init__(
        self, argv: list[str], env: Mapping[str, str], width: int = 80, height: int = 24
    ) -> None:
        import pyte  # a test dependency: only the tests and the benchmark use this module

        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=dict(env), start_new_session=True
        )
        os.close(slave)
        self.raw = b""

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # the program closed the terminal
            return False
        self.raw += chunk
        self.stream.feed(chunk)
        return bool(chunk)

    def wait_for(self, pattern: str, since: float | None = None, timeout: float = 60.0) -> float:
        """Seconds from ``since`` (default now) until the screen matches regex ``pattern``."""
        since = time.perf_counter() if since is None else since
        regex = re.compile(pattern, re.MULTILINE)
        while time.perf_counter() - since < timeout:
            if regex.search(self.text):
                return time.perf_counter() - since
            self._pump(0.002)
        raise AssertionError(f"the screen never showed {pattern!r}:\n{self.text}")

    def wait_until(self, check: Callable[[str], bool], timeout: float = 60.0) -> float:
        """Seconds until ``check(screen text)`` holds."""
        since = time.perf_counter()
        while time.perf_counter() - since < timeout:
            if check(self.text):
                return time.perf_counter() - since
            self._pump(0.002)
        raise AssertionError(f"the screen never got there:\n{self.text}")

    def press(self, keys: str, then: str | None = None) -> float:
        """Type ``keys``; with ``then``, wait until the screen matches it (seconds taken)."""
        start = time.perf_counter()
        os.write(self.master, keys.encode())
        return self.wait_for(then, start) if then is not None else 0.0

    def drain(self, timeout: float = 60.0) -> None:
        """Read everything the program wrote until it closed the terminal (it has exited)."""
        since = time.perf_counter()
        while time.perf_counter() - since < timeout:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:  # EIO: every writer of the terminal is gone
                return
            if not chunk:
                return
            self.raw += chunk
            self.stream.feed(chunk)
        raise AssertionError("the program never closed its terminal")

    def settle(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self._pump(0.01)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
