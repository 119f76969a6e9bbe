"""Who holds the data file's lock: written beside it when the lock is taken, so that a
timeout (and `authtrack doctor`) can name the account and the command holding it.

The note is a small JSON file, ``<data file>.lock.who``, written through a descriptor opened
with ``O_NOFOLLOW`` (a planted symlink is never followed) and emptied before the lock is
released. It is a courtesy: when it cannot be written (a file another account owns and
keeps to itself), the lock still works and the holder is "unknown".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import socket
import sys
import unicodedata
from pathlib import Path
from typing import Any

from priorauth.store.identity import current_user
from priorauth.store.safefile import shares_group

NOTE_MODE = 0o660
_MAX_NOTE = 4096


def note_path(lock_path: Path) -> Path:
    return lock_path.with_name(lock_path.name + ".who")


def _command() -> str:
    args = [Path(sys.argv[0]).name or "authtrack", *sys.argv[1:]] if sys.argv else ["authtrack"]
    if args[0] in ("__main__.py", "-m", "-c"):
        args[0] = "authtrack"
    text = shlex.join(args)
    return text if len(text) <= 200 else text[:197] + "..."


def write_note(lock_path: Path) -> int:
    """Say who holds the lock (call right after taking it); returns the note's descriptor to
    pass to :func:`clear_note`, or -1 when it could not be written."""
    note = {
        "user": current_user(),
        "command": _command(),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    mode = NOTE_MODE if shares_group(lock_path.parent) else 0o600  # (the lock file's rule)
    try:
        fd = os.open(note_path(lock_path), os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, mode)
    except OSError:  # a symlink planted there, or a note we may not write: the lock still holds
        return -1
    try:
        if os.fstat(fd).st_nlink != 1:  # a hard link planted there: never truncate its file
            raise OSError("the note has other names")
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(note).encode(), 0)
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, mode)
    except OSError:
        os.close(fd)
        return -1
    return fd


def clear_note(fd: int) -> None:
    """Empty the note (call just before releasing the lock)."""
    if fd < 0:
        return
    try:
        if os.fstat(fd).st_nlink != 1:  # a hard link planted there: never truncate its file
            raise OSError("the note has other names")
        os.ftruncate(fd, 0)
    except OSError:
        pass  # (a full disk cannot stop a truncate; anything else leaves a stale note, harmless)
    finally:
        os.close(fd)


def read_note(lock_path: Path) -> dict[str, Any] | None:
    """The holder's note, or None when there is none (or it is not one)."""
    try:
        fd = os.open(note_path(lock_path), os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        raw = os.read(fd, _MAX_NOTE)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        note = json.loads(raw)
    except ValueError:
        return None
    return note if isinstance(note, dict) else None


def _plain(value: Any) -> str:
    """Text from the note with control and format characters removed (it reaches terminals)."""
    text = str(value)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")


def describe_holder(note: dict[str, Any] | None) -> str:
    """ "mlopez (authtrack import log.xlsx, process 4242 on office1, since 14:05)", or
    "another authtrack (it did not say who)"."""
    if not note or not note.get("user"):
        return "another authtrack (it did not say who)"
    since = ""
    try:
        when = dt.datetime.fromisoformat(str(note.get("since")))
        since = f", since {when.astimezone():%Y-%m-%d %H:%M}"
    except ValueError:
        pass
    return (
        f"{_plain(note['user'])} ({_plain(note.get('command', 'authtrack'))}, process "
        f"{_plain(note.get('pid', '?'))} on {_plain(note.get('host', '?'))}{since})"
    )


def held_for(note: dict[str, Any] | None, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the note says the lock has been held (None when it does not say)."""
    if not note:
        return None
    try:
        since = dt.datetime.fromisoformat(str(note.get("since")))
    except ValueError:
        return None
    return (now or dt.datetime.now(dt.UTC)) - since
