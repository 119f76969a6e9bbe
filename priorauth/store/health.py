"""Checks `authtrack doctor` makes beyond the data file's own set-up (:func:`shared.doctor`):
whether this account can read the config at all, who holds the data file's lock, and whether
the audit's hash chain holds."""

from __future__ import annotations

import datetime as dt
import grp
import os
import pwd
import stat
from pathlib import Path

from filelock import FileLock, Timeout

from priorauth.errors import DataFileError
from priorauth.store.config import ConfigError
from priorauth.store.datafile import Store
from priorauth.store.lockinfo import describe_holder, held_for, read_note
from priorauth.store.seal import SealError, verify
from priorauth.store.shared import Finding


def config_findings(path: Path, error: str, user: str) -> list[Finding]:
    """What stops ``user`` reading the config at ``path`` (``error``: the sentence reading it
    gave, "" when it read), with the command that fixes it; [] when nothing does."""
    folder = path.parent
    for part in reversed((folder, *folder.parents)):  # the outermost folder that shuts us out
        try:
            st = part.stat()
        except OSError:
            break
        if not os.access(part, os.X_OK):
            return [
                Finding(
                    False,
                    f"you ({user}) cannot enter the config folder {part} ({_describe(st)}), "
                    f"so authtrack cannot read {path}",
                    f"sudo chmod 755 {part}  (running `sudo authtrack init --shared ...` "
                    "again also repairs it)",
                )
            ]
    try:
        st = path.stat()
    except OSError:
        st = None
    if st is not None and not os.access(path, os.R_OK):
        return [
            Finding(
                False,
                f"you ({user}) cannot read the config {path} ({_describe(st)})",
                f"sudo chmod 644 {path}",
            )
        ]
    if error:
        return [Finding(False, error, f'correct {path} (it is TOML: key = "value" lines)')]
    return []


def _describe(st: os.stat_result) -> str:
    return f"mode {stat.S_IMODE(st.st_mode):04o}, owner {_user(st.st_uid)}:{_group(st.st_gid)}"


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


LONG_HOLD = dt.timedelta(minutes=2)  # a save takes a second; an import of a large log, a minute


def lock_findings(data_file: Path) -> list[Finding]:
    """Whether someone holds the data file's lock now: who, with what command, since when."""
    lock_path = data_file.with_name(data_file.name + ".lock")
    if not lock_path.exists():
        return []
    probe = FileLock(lock_path, timeout=0, thread_local=False)
    try:
        probe.acquire()
    except Timeout:
        note = read_note(lock_path)
        holder = describe_holder(note)
        held = held_for(note)
        if held is not None and held > LONG_HOLD:
            minutes = int(held.total_seconds() // 60)
            return [
                Finding(
                    False,
                    f"the data file's lock has been held by {holder} for {minutes} minutes: "
                    "nobody else can save meanwhile",
                    f"ask {note.get('user') if note else 'them'} to finish or close authtrack; "
                    "if that process is stuck, end it (kill PID on that host)",
                )
            ]
        return [Finding(True, f"the data file's lock is held right now by {holder}")]
    except OSError:
        return []  # (not ours to take: the lock file's own check says why)
    probe.release()
    return [Finding(True, "nobody holds the data file's lock")]


def audit_findings(data_file: Path, user: str) -> list[Finding]:
    """Whether the audit's hash chain holds, and matches root's seals when they can be read."""
    if not data_file.exists():
        return []
    try:
        verdict = verify(Store(data_file, user=user))
    except (SealError, ConfigError) as e:
        return [Finding(False, str(e), "as root: `authtrack audit --seal` writes a new seal")]
    except DataFileError:
        return []  # (the data file's own finding says why it cannot be read)
    if verdict.intact:
        return [Finding(True, verdict.message)]
    return [
        Finding(
            False,
            f"{data_file}: {verdict.message}",
            "the data file was edited outside authtrack: compare it with the backups (the "
            "newest one from before that entry) and restore or correct it",
        )
    ]
