"""Root's seal on the audit, and checking the audit against its chain and its seals.

``authtrack audit --seal`` (root's cron, nightly) appends the chain's value at the last entry
to ``/var/lib/authtrack/seal-<hash of the data file's path>``, a file only root can read or
change. A staff account that rewrites history and computes the chain again cannot make the
chain's value at a sealed entry come out as sealed: ``audit --verify`` (and ``doctor``) then
names the sealed range that was rewritten.

Tests (and packaged installs) may keep seals elsewhere through ``AUTHTRACK_SEAL_DIR``, honoured
only for a folder root owns in folders only root can change: a staff account cannot point the
seal at a file of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shlex
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from priorauth.errors import AuthTrackError
from priorauth.store.auditchain import META_KEY, Walk, describe, walk
from priorauth.store.config import ConfigError, not_root_only
from priorauth.store.datafile import Store
from priorauth.store.transaction import AUDIT_TABLE

SEAL_DIR = Path("/var/lib/authtrack")
SEAL_DIR_ENV = "AUTHTRACK_SEAL_DIR"
CRON_FILE = Path("/etc/cron.d/authtrack")
CRON_NAME = "authtrack.cron"  # beside a config kept elsewhere than /etc/authtrack (a test)


class SealError(AuthTrackError):
    """The seal cannot be written or read as it must be."""


def seal_dir() -> Path:
    override = os.environ.get(SEAL_DIR_ENV)
    if not override:
        return SEAL_DIR
    problem = not_root_only(Path(override))
    if problem:
        raise ConfigError(
            f"{SEAL_DIR_ENV}={override} is not used: {problem}; unset it to use {SEAL_DIR}."
        )
    return Path(override)


def seal_path(data_file: Path) -> Path:
    key = hashlib.sha256(str(data_file.resolve()).encode()).hexdigest()[:16]
    return seal_dir() / f"seal-{key}"


def read_seals(data_file: Path) -> list[dict[str, Any]] | None:
    """The seals made of this data file's audit, oldest first; None when this account may not
    read them (only root may)."""
    path = seal_path(data_file)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return []
    except PermissionError:
        return None
    except OSError as e:
        raise SealError(f"{path}: the audit's seal cannot be read ({e.strerror}).") from None
    with os.fdopen(fd, "rb") as f:
        if os.fstat(f.fileno()).st_uid != 0:
            raise SealError(f"{path} is not owned by root, so it proves nothing; remove it.")
        seals = []
        for n, line in enumerate(f, 1):
            try:
                seal = json.loads(line)
                int(seal["last_id"]), str(seal["head"]), str(seal["sealed_at"])
            except (ValueError, KeyError, TypeError):
                raise SealError(f"{path}, line {n}: not a seal; the file was changed.") from None
            seals.append(seal)
    return seals


@dataclass(frozen=True)
class Verdict:
    intact: bool
    message: str
    walk: Walk | None = None


def verify(store: Store) -> Verdict:
    """Check the audit's chain and, when this account can read them, root's seals."""
    table = store.storage.tables().get(AUDIT_TABLE)
    entries = sorted(table.items()) if table is not None else []
    seals = read_seals(store.path)
    cached = store.storage.meta(META_KEY)  # the last entry's value, kept by the last writer
    cached_id = cached[0] if isinstance(cached, list) and len(cached) == 2 else None
    stops = [int(s["last_id"]) for s in seals or []] + ([cached_id] if cached_id else [])
    found = walk(entries, stops=stops)
    if found.broken is not None:
        b = found.broken
        return Verdict(
            False,
            f"{describe(b.entry_id, b.entry)} does not fit the audit's chain: {b.reason}.",
            found,
        )
    if cached_id == found.last_id and found.at.get(cached_id) != cached[1]:
        return Verdict(
            False,
            f"{describe(found.last_id, dict(entries[-1][1]))} does not fit the audit's chain: it "
            "was changed after it was written.",
            found,
        )
    earlier = 0
    for seal in seals or []:
        last_id, when = int(seal["last_id"]), seal["sealed_at"]
        if last_id > found.last_id:
            return Verdict(
                False,
                f"the audit ends at entry #{found.last_id}, but root sealed it up to entry "
                f"#{last_id} at {when}: entries were removed after that seal.",
                found,
            )
        if found.at.get(last_id) != seal["head"]:
            return Verdict(
                False,
                f"audit entries #{earlier + 1} to #{last_id} no longer match root's seal of "
                f"{when}: they were rewritten after it (and the chain computed again to hide "
                "it).",
                found,
            )
        earlier = last_id
    if seals is None:
        said = "root's seal is root's to read: `sudo authtrack audit --verify` checks it too"
    elif seals:
        said = f"it matches root's {len(seals)} seal(s), the last at {seals[-1]['sealed_at']}"
    else:
        said = "it has not been sealed yet (root's cron runs `authtrack audit --seal`)"
    return Verdict(True, f"the audit's {found.count} entries are intact; {said}.", found)


def write_seal(store: Store, verdict: Verdict, now: dt.datetime | None = None) -> Path:
    """Append the chain's value at the last entry to the root-only seal file."""
    if os.geteuid() != 0:
        raise SealError(
            "authtrack audit --seal must run as root (root's cron runs it): the seal is a file "
            "staff cannot change."
        )
    assert verdict.walk is not None
    folder = seal_dir()
    folder.mkdir(mode=0o755, parents=True, exist_ok=True)
    path = seal_path(store.path)
    record = {
        "sealed_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "data_file": str(store.path.resolve()),
        "last_id": verdict.walk.last_id,
        "head": verdict.walk.head,
        "count": verdict.walk.count,
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    try:
        st = os.fstat(fd)
        if st.st_uid != 0 or not stat.S_ISREG(st.st_mode):
            raise SealError(f"{path} is not root's own file; remove it and seal again.")
        os.fchmod(fd, 0o600)
        os.write(fd, json.dumps(record).encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def cron_line(data_file: Path) -> str:
    program = shutil.which("authtrack")
    command = shlex.quote(program) if program else f"{shlex.quote(sys.executable)} -m authtrack"
    return f"17 3 * * * root {command} --db {shlex.quote(str(data_file))} audit --seal >/dev/null\n"


def install_cron(cron_file: Path, data_file: Path) -> str:
    """Write root's nightly seal job (0644 root, as cron requires); an existing one is kept."""
    text = (
        "# authtrack: seal the audit's chain every night (see `authtrack audit --seal`).\n"
        "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
        + cron_line(data_file)
    )
    try:
        fd = os.open(cron_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        current = cron_file.read_text(encoding="utf-8", errors="replace")
        if "audit --seal" in current and str(data_file) in current:
            return f"cron job {cron_file}: already seals the audit nightly, kept as it is"
        return (
            f"cron job {cron_file}: exists and does not seal {data_file}; add this line to it: "
            f"{cron_line(data_file).strip()}"
        )
    except (PermissionError, FileNotFoundError) as e:
        return (
            f"cron job {cron_file}: not written ({e.strerror}); as root, add a nightly "
            f"`authtrack --db {data_file} audit --seal`"
        )
    try:
        os.write(fd, text.encode())
        os.fchmod(fd, 0o644)
        os.fsync(fd)
    finally:
        os.close(fd)
    return f"cron job {cron_file}: seals the audit nightly (mode 0644)"
