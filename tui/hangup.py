"""Noticing that the terminal is gone, so that an app whose SSH session or tmux died exits.

The kernel tells a hung-up terminal's session leader with SIGHUP; when that is not the app (it was
started by `make run`, under a shell that ignores SIGHUP, or by nohup) nobody tells the app, and
Textual's input thread then reads end-of-file from the dead terminal in a tight loop: a third to a
half of a core each, forever, on the practice's shared server. A hung-up terminal answers every
terminal request with EIO, which this asks once a second.
"""

from __future__ import annotations

import errno
import os
import sys
import termios


def terminal_fd() -> int | None:
    """The app's terminal (its standard input), or None when it has none (tests, pipes)."""
    stream = sys.__stdin__
    if stream is None:
        return None
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None


def hung_up(fd: int) -> bool:
    """Whether the terminal on ``fd`` has hung up (its other end closed)."""
    try:
        termios.tcgetattr(fd)
    except termios.error as e:
        return bool(e.args) and e.args[0] in (errno.EIO, errno.EBADF, errno.ENOTTY)
    except OSError as e:
        return e.errno in (errno.EIO, errno.EBADF, errno.ENOTTY)
    return False
