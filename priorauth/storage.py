"""A TinyDB storage that several processes can share safely.

TinyDB's stock ``JSONStorage`` keeps a handle open and rewrites the file in place, so two processes
can interleave and a killed process can leave half a file (msiemens/tinydb#72). This storage:

- reads the file fresh, and re-parses it only when its identity (inode, size, mtime) changed;
- writes only inside :meth:`LockedJSONStorage.transaction`, which holds an exclusive lock on a
  separate ``.lock`` file, reloads the data if another process changed it, and commits by writing a
  temporary file, fsyncing it and atomically replacing the data file (then fsyncing the folder);
- never writes over a file it could not parse;
- creates new files mode 0660 (group may read and write, others nothing) and keeps an existing
  file's group and mode (less any world bits).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb.storages import Storage

from priorauth.errors import DataFileError, LockTimeout

SCHEMA_VERSION = 1
META_TABLE = "meta"
FILE_MODE = 0o660
LOCK_TIMEOUT_SECONDS = 15.0
LEAN_PARSE_BYTES = 24 * 2**20  # files this large are parsed for memory rather than speed

Stamp = tuple[int, int, int, int]  # (device, inode, size, mtime_ns) of the data file


def file_stamp(path: Path) -> Stamp | None:
    """Identity of the file's current content, or None when there is no file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class LockedJSONStorage(Storage):
    """TinyDB storage: locked, atomic, change-aware. See the module docstring."""

    def __init__(self, path: str | os.PathLike[str], lock_timeout: float = LOCK_TIMEOUT_SECONDS):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.lock_timeout = lock_timeout
        self._filelock: FileLock | None = None
        self._thread_lock = threading.RLock()
        self._data: dict[str, Any] | None = None
        self._stamp: Stamp | None = None
        self._in_transaction = False
        self._dirty = False
        self.commits = 0  # writes committed by this storage object (for tests and benchmarks)

    # --- TinyDB's Storage interface ---------------------------------------------------------

    def read(self) -> dict[str, Any] | None:
        if not self._in_transaction:
            self.refresh()
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if not self._in_transaction:
            raise RuntimeError("authtrack writes only inside LockedJSONStorage.transaction()")
        self._data = data
        self._dirty = True

    def close(self) -> None:
        pass

    # --- reading -------------------------------------------------------------------------------

    @property
    def stamp(self) -> Stamp | None:
        """Identity of the content last read or written by this object."""
        return self._stamp

    def changed_on_disk(self) -> bool:
        """True when the file on disk is not what this object last read or wrote."""
        return file_stamp(self.path) != self._stamp or self._data is None

    @property
    def thread_lock(self) -> threading.RLock:
        """Held while this object reads or writes (threads of one process take turns)."""
        return self._thread_lock

    def refresh(self) -> bool:
        """Load the file if it changed since the last read; return True when it was (re)loaded."""
        with self._thread_lock:
            return self._refresh()

    def _refresh(self) -> bool:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            if self._stamp is None and self._data is not None:
                return False
            self._data, self._stamp = {}, None
            return True
        except PermissionError as e:
            raise DataFileError(
                f"{self.path}: permission denied reading the data file; "
                "ask whoever set up authtrack to add you to the file's group."
            ) from e
        try:
            st = os.fstat(fd)
            stamp = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            if stamp == self._stamp and self._data is not None:
                return False
            with os.fdopen(fd, "rb", closefd=False) as f:
                raw = f.read()
        finally:
            os.close(fd)
        self._data = self._parse(raw)
        self._stamp = stamp
        return True

    def _parse(self, raw: bytes) -> dict[str, Any]:
        if not raw.strip():
            return {}  # an empty file (e.g. created by `touch` when setting up) holds no data yet
        try:
            data = _loads(raw)
        except (orjson.JSONDecodeError, ValueError) as e:
            raise DataFileError(
                f"{self.path} is not a readable authtrack data file (JSON error: {e}); it has "
                "been left untouched — restore it from a backup or move it aside."
            ) from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise DataFileError(
                f"{self.path} is JSON but not an authtrack data file; it has been left untouched."
            )
        meta = data.get(META_TABLE, {}).get("1", {})
        version = meta.get("schema_version", SCHEMA_VERSION) if isinstance(meta, dict) else None
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise DataFileError(
                f"{self.path} was written by a newer authtrack (data format {version!r}, this "
                f"program knows up to {SCHEMA_VERSION}); upgrade authtrack to open it."
            )
        return data

    # --- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[dict[str, Any]]:
        """Hold the lock, work on the freshest data, commit atomically when the block succeeds.

        Nested use joins the outer transaction. If the block raises, nothing is written and the
        in-memory copy is dropped so the next read comes from disk.
        """
        with self._thread_lock:
            if self._in_transaction:
                assert self._data is not None
                yield self._data
                return
            with self._locked():
                self._in_transaction = True
                self._dirty = False
                try:
                    self.refresh()
                    assert self._data is not None
                    yield self._data
                    if self._dirty:
                        self._commit()
                except BaseException:
                    self._data, self._stamp = None, None  # forget uncommitted changes
                    raise
                finally:
                    self._in_transaction = False
                    self._dirty = False

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self._filelock is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._filelock = FileLock(
                self.lock_path, timeout=self.lock_timeout, mode=FILE_MODE, thread_local=False
            )
        try:
            self._filelock.acquire()
        except Timeout:
            raise LockTimeout(
                f"{self.path} is busy: another authtrack has held its lock for more than "
                f"{self.lock_timeout:.0f} seconds; try again, or check for a stuck process."
            ) from None
        except PermissionError as e:
            raise DataFileError(
                f"{self.lock_path}: permission denied taking the lock; the folder and lock file "
                "must be writable by your group (see `authtrack doctor`)."
            ) from e
        try:
            yield
        finally:
            self._filelock.release()

    def _commit(self) -> None:
        assert self._data is not None
        meta = self._data.setdefault(META_TABLE, {})
        meta.setdefault("1", {})["schema_version"] = SCHEMA_VERSION
        payload = orjson.dumps(self._data)
        self._sweep_temp_files()
        self._stamp = atomic_write(self.path, payload)
        self.commits += 1

    def _sweep_temp_files(self) -> None:
        """Remove temporary files left by a writer that was killed mid-write.

        Only the lock holder writes temporary files, so under the lock any that exist are stale.
        """
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()


def _loads(raw: bytes) -> Any:
    """Parse the data file. orjson is fastest, but builds its own document tree first, so its
    peak memory is about 8.5 times the file's size; the standard library's parser peaks at about
    6 times, 40 % slower. Each staff member's app holds the data in memory, on one office server:
    large files take the leaner parser (agency scale, 57 MB: 489 MB -> 357 MB peak, +0.2 s)."""
    if len(raw) >= LEAN_PARSE_BYTES:
        return json.loads(raw)
    return orjson.loads(raw)


def atomic_write(path: Path, payload: bytes) -> Stamp:
    """Write ``payload`` to ``path`` so that readers see the old or the new file, never a mix.

    The new file gets the old one's mode (world bits removed) and group; a new file is 0660.
    Returns the stamp of the written file.
    """
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    mode = stat.S_IMODE(old.st_mode) & 0o770 if old else FILE_MODE
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fchmod(fd, mode)
        if old is not None and os.fstat(fd).st_gid != old.st_gid:
            try:
                os.fchown(fd, -1, old.st_gid)
            except PermissionError:
                raise DataFileError(
                    f"{path}: cannot keep the data file's group (gid {old.st_gid}); you must be "
                    "a member of that group to save changes."
                ) from None
        os.fsync(fd)
        st = os.fstat(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
