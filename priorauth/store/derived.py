"""A file derived from the data file and kept beside it (``<data file>.derived``): what a new
process needs first, worked out once instead of in every process that starts.

At agency scale an app that starts, and ``authtrack notifications``, would build 200,000
services and assign them to authorizations before the first count exists (a second and a half
of CPU). The first process to work them out for a content and a day writes them here; the next
one that reads exactly that content on that day takes them from here. This module knows the
file, not what is in it (:mod:`priorauth.services.launch` says that).

- **Keyed to the content.** The file's first line names what it was worked out from: the data
  file's content key (``LockedJSONStorage.content_key``: a digest of the meta record, which
  holds every line's CRC-32 and the whole file's, checked when read, and the file's device,
  inode, size and modification time), the day, :data:`FORMAT` and the program (:func:`program`:
  another version's rules may work out other values). A reader whose key differs
  in any part, or who has none (a file read whole because its checksums failed), ignores the
  file: after another process's save the key differs and the cache is never used.
- **Never trusted blindly.** It is opened without following a link, must be a regular file no
  larger than :data:`MAX_BYTES`, its body must have the SHA-256 its second line gives (a file
  cut short or edited by hand), and whatever cannot be read or parsed is treated as missing (the
  caller works the values out and writes them again). The checksum is no seal: an account of
  the data file's group could write a cache that fits, as it could edit the data file itself;
  ``authtrack doctor`` compares the cache with a fresh computation and names one that differs.
- **Written like every other file.** Through :mod:`priorauth.store.safefile` (an unpredictable
  temporary name, no link followed, a folder open to everyone refused), with the data file's
  mode (less any world bits) and group; only while holding the data file's lock, taken without
  waiting, and only when the data file is still what the values were worked out from. A cache
  that cannot be written (a read-only folder, a busy lock) is simply not written.

Backups and ``restore`` leave it alone: a restored file has another key.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import orjson

from priorauth.errors import AuthTrackError
from priorauth.store import safefile
from priorauth.store.storage import LockedJSONStorage
from priorauth.store.writing import file_stamp

CONTENT_KEY = "content_key"  # Data.derived[CONTENT_KEY]: the content key of a store's snapshot
FORMAT = 1  # what the body holds; a program that writes another shape raises it
SUFFIX = ".derived"
MAX_BYTES = 256 * 2**20
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def cache_path(data_file: Path) -> Path:
    """Where the cache of ``data_file`` is kept (its temporary files are the data file's too:
    swept by the next save, under the same lock)."""
    return data_file.with_name(data_file.name + SUFFIX)


def _header(key: str, day: str) -> bytes:
    named = {"format": FORMAT, "program": program(), "key": key, "day": day}
    return orjson.dumps(named) + b"\n"


@functools.cache
def program() -> str:
    """A name for this program's code: a digest of the size and time of every source file of
    the ``priorauth`` package (the rules the values are worked out by), so that a cache worked
    out by another version, or a program changed since, is never taken for this one's."""
    root = Path(__file__).resolve().parent.parent
    files = sorted(root.rglob("*.py"))
    seen = hashlib.sha256()
    for path in files:
        with contextlib.suppress(OSError):
            st = path.stat()
            seen.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return seen.hexdigest()[:32]


def _digest(body: bytes) -> bytes:
    return hashlib.sha256(body).hexdigest().encode() + b"\n"


def read(data_file: Path, key: str | None, day: str) -> Any | None:
    """The body of ``data_file``'s cache when it was worked out from content ``key`` on
    ``day``; None when there is none, it is of another content, day or format, or cannot be
    read as it should (see the module docstring)."""
    if not key:
        return None
    try:
        fd = os.open(cache_path(data_file), _READ)
    except OSError:
        return None  # missing, a link (ELOOP), not ours to read
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            header = f.readline(4096)
            if header != _header(key, day):
                return None  # (compared before the body is read at all)
            digest = f.readline(128)
            raw = f.read(MAX_BYTES)
        if digest != _digest(raw):
            return None  # cut short, or changed since it was written
        return orjson.loads(raw)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)


def header(data_file: Path) -> dict[str, Any] | None:
    """What the cache says it was worked out from (``{"format", "key", "day"}``), read without
    following a link; None when there is no regular file there or its first line is not that."""
    try:
        fd = os.open(cache_path(data_file), _READ)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            found = orjson.loads(f.readline(4096))
        return found if isinstance(found, dict) else None
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)


def write(storage: LockedJSONStorage, key: str | None, day: str, body: Any) -> bool:
    """Keep ``body`` as the cache worked out from content ``key`` on ``day``, if the data file
    is still that content and its lock is free; True when written. Never raises for a cache
    that cannot be written (the values are worked out again next time)."""
    data_file = storage.path
    if not key or not key.endswith("-" + "-".join(map(str, storage.stamp or ()))):
        return False
    try:
        raw = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return False
    payload = [_header(key, day), _digest(raw), raw]
    with storage.locked_if_free() as held:
        if not held or file_stamp(data_file) != storage.stamp or storage.content_key != key:
            return False  # another process is saving, or has: these values are of the old file
        try:
            st = os.stat(data_file)
            safefile.sweep(data_file.parent, safefile.temp_glob(cache_path(data_file).name))
            safefile.write_bytes(
                cache_path(data_file),
                payload,
                mode=stat.S_IMODE(st.st_mode) & 0o660,
                group=st.st_gid,
                doing="writing the cache",
            )
        except (AuthTrackError, OSError):
            return False
    return True


def remove(data_file: Path) -> None:
    """Remove the cache (a regular file only; a link or folder planted there is left alone)."""
    path = cache_path(data_file)
    with contextlib.suppress(OSError):
        if stat.S_ISREG(os.lstat(path).st_mode):
            path.unlink()
