"""Writing the data file: the lock writers take in turn, and the atomic replace that commits.

Writers take an exclusive lock on a separate ``.lock`` file (with a note of who holds it, for
the message another user gets when it is busy: :mod:`priorauth.store.lockinfo`), and commit by
writing a temporary file, fsyncing it and atomically replacing the data file (then fsyncing the
folder), through :mod:`priorauth.store.safefile`. A new file is mode 0660 (group may read and
write, others nothing); an existing file keeps its group and mode, less any world bits. The
file's :data:`Stamp` is what a commit returns and a reader compares to see a change.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from priorauth.errors import AuthTrackError, DataFileError, LockTimeout
from priorauth.oserrors import sentence
from priorauth.store import safefile
from priorauth.store.lockinfo import clear_note, describe_holder, read_note, write_note

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT_SECONDS = 15.0

Stamp = tuple[int, int, int, int]  # (device, inode, size, mtime_ns) of the data file


def stamp_of(st: os.stat_result) -> Stamp:
    """The stamp of a file from its ``stat``."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def file_stamp(path: Path) -> Stamp | None:
    """Identity of the file's current content, or None when there is no file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return stamp_of(st)


class WriteLock:
    """The data file's lock: ``path`` + ``.lock``, waited for up to ``timeout`` seconds. One
    object per storage; it does not nest (the storage's transaction does)."""

    def __init__(self, path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.timeout = timeout
        self._filelock: FileLock | None = None

    def _lock(self) -> FileLock:
        if self._filelock is None:
            # (imported when first taken, not with the store: 20 ms of an app's start, which
            # only reads the file; every writer and the cache's writer come here first)
            from filelock import FileLock

            safefile.make_folders(self.path.parent)  # 0700 unless in a shared folder
            try:  # the folder rule of every write; filelock opens the lock with O_NOFOLLOW
                safefile.check_folder_path(self.path.parent, self.lock_path)
            except AuthTrackError as e:
                raise DataFileError(str(e)) from None
            shared = safefile.shares_group(self.path.parent)
            self._filelock = FileLock(
                self.lock_path,
                timeout=self.timeout,
                mode=safefile.FILE_MODE if shared else 0o600,
                thread_local=False,
            )
        return self._filelock

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock (waiting for it), with a note of who holds it; LockTimeout when
        somebody holds it longer than the timeout, DataFileError when it cannot be taken."""
        lock = self._lock()
        from filelock import Timeout  # (imported by _lock)

        try:
            lock.acquire()
        except Timeout:
            holder = describe_holder(read_note(self.lock_path))
            raise LockTimeout(
                f"{self.path} is busy: {holder} has held its lock for more than "
                f"{self.timeout:g} seconds; try again, or ask them to finish (see "
                "`authtrack doctor`)."
            ) from None
        except PermissionError as e:
            raise DataFileError(
                f"{self.lock_path}: permission denied taking the lock; the folder and lock file "
                "must be writable by your group (see `authtrack doctor`)."
            ) from e
        except OSError as e:  # a link planted at the lock's name, a full disk, ...
            raise DataFileError(sentence(e, self.lock_path, "taking the lock")) from None
        note = write_note(self.lock_path)
        try:
            yield
        finally:
            clear_note(note)
            lock.release()

    @contextlib.contextmanager
    def held_if_free(self) -> Iterator[bool]:
        """Hold the lock if nobody holds it (True), without waiting and without a note
        (False: somebody holds it, or it cannot be taken)."""
        try:
            lock = self._lock()
            lock.acquire(timeout=0)
        except (AuthTrackError, OSError):  # (filelock's Timeout is a TimeoutError, an OSError)
            yield False
            return
        try:
            yield True
        finally:
            lock.release()


def atomic_write(path: Path, payload: bytes | list[bytes]) -> Stamp:
    """Write ``payload`` (bytes, or pieces written in order) to ``path`` so that readers see the
    old or the new file, never a mix (through :mod:`priorauth.store.safefile`, which every file
    write goes through).

    The new file gets the old one's mode (world bits removed) and group; a new file is 0660 in
    a folder shared through its set-group-ID bit, else 0600.
    Returns the stamp of the written file.
    """
    try:
        st = safefile.write_bytes(
            path, payload, keep_mode=True, personal=True, doing="saving the data file"
        )
    except AuthTrackError as e:  # refused (a link, an open folder) or failed (a full disk)
        raise DataFileError(str(e)) from None
    return stamp_of(st)
