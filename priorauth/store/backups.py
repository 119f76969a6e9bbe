"""Backups of the data file: atomic, verified, bounded, restorable.

A backup is ``backups/<stem>.<YYYYmmdd-HHMMSS-ffffff>.<reason><suffix>`` beside the data file,
written through :mod:`priorauth.store.safefile` (a temporary file renamed into place: a copy killed
halfway never has a backup's name) while the data file's lock is held, then read back and parsed
(:func:`verify`). The folder is refused when it is a link, open to every account, or owned by an
account other than you, root or the data folder's owner. After each backup the set is pruned to
the newest ``keep_last`` plus the newest of each of the last ``keep_days`` days (the system
config's ``[backups]`` table sets both). :func:`restore` saves the current file as a backup first,
keeps the audit (history is never rolled back) and records the restore in it.

A data file of :data:`LINK_BYTES` or more is not copied: the backup is a second name (a hard
link, :func:`priorauth.store.safefile.link_atomic`) of the very file the lock holder read and
checked (its stamp the storage's, its CRC-32 checked whole: so it is verified without reading
it again). The program never writes the data file in place (a save writes a new file and
renames it over the old name), so the linked file keeps the content it had; the next save
leaves it the backup's alone. An agency's 80 MB file: 0.15-0.5 s of CPU and 80 MB written
saved on every import. Its mode, owner and group are the data file's (the account listed is
then whoever saved the file last); a data file open to every account, a folder on another
filesystem or a link refused (``fs.protected_hardlinks``) gets a copy, as a small file does
(a copy costs nothing there, and stays the backup's own even if another program changed the
data file in place before the next save).
"""

from __future__ import annotations

import datetime as dt
import os
import pwd
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from priorauth.errors import AuthTrackError, DataFileError
from priorauth.store import safefile
from priorauth.store.layout import META_TABLE
from priorauth.store.storage import LockedJSONStorage
from priorauth.store.writing import atomic_write, stamp_of

if TYPE_CHECKING:
    from priorauth.store.datafile import Store

FOLDER = "backups"
_STAMP = "%Y%m%d-%H%M%S-%f"
LINK_BYTES = 16 * 2**20  # a data file this large is linked, not copied (see above)


class BackupError(AuthTrackError):
    """A backup cannot be made, or is not usable; ``str(error)`` says which and why."""


@dataclass(frozen=True)
class Retention:
    keep_last: int = 20
    keep_days: int = 30

    @classmethod
    def from_config(cls, values: dict[str, Any], where: object = "the config") -> Retention:
        table = values.get("backups", {})
        if not isinstance(table, dict):
            raise BackupError(f"{where}: [backups] must be a table (keep_last, keep_days).")
        out = {}
        for key in ("keep_last", "keep_days"):
            value = table.get(key, getattr(cls, key))
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise BackupError(f"{where}: backups.{key} must be a whole number of at least 1.")
            out[key] = value
        return cls(**out)


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: dt.datetime  # local time, from the name
    reason: str
    account: str  # the owner of the file
    size: int
    verified: bool
    problem: str = ""  # why it is not verified


def folder_of(data_file: Path) -> Path:
    return data_file.parent / FOLDER


def make_backup(store: Store, reason: str, retention: Retention | None = None) -> Path | None:
    """Copy the data file into the backups folder (None when there is no data file yet)."""
    path = store.path
    if not path.exists():
        return None
    if not re.fullmatch(r"[a-z][a-z-]*", reason):
        raise ValueError(f"a backup reason is a lowercase word, not {reason!r}")
    folder = _safe_folder(path)
    stamp = dt.datetime.now().strftime(_STAMP)
    target = folder / f"{path.stem}.{stamp}.{reason}{path.suffix}"

    def copy(out: BinaryIO) -> None:
        with open(path, "rb") as src:
            shutil.copyfileobj(src, out)

    with store.storage.transaction():  # a consistent copy: nobody commits while we copy
        # copies cut short by a kill have only a temporary name; under the lock they are stale
        safefile.sweep(folder, f".{path.stem}.*{path.suffix}.*{safefile.TEMP_SUFFIX}")
        linked = _linked(store, target)
        if not linked:
            try:
                safefile.write_atomic(target, copy, doing="writing the backup", personal=True)
            except AuthTrackError as e:
                raise DataFileError(str(e)) from None
    problem = "" if linked else verify(target, store)
    if problem:
        target.unlink()
        raise DataFileError(f"{target}: the backup just written does not read back ({problem}).")
    prune(path, retention or Retention())
    return target


def _linked(store: Store, target: Path) -> bool:
    """Make ``target`` a link to the data file (see the module docstring) when it is large, not
    open to every account, and the file the storage read and checked whole under the lock held
    now; False when it is not linked (copy it)."""
    try:
        fd = os.open(store.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False  # (the copy says why it cannot be read)
    try:
        st = os.fstat(fd)
        if (
            st.st_size < LINK_BYTES
            or st.st_mode & 0o007
            or stamp_of(st) != store.storage.checked_stamp
        ):
            return False
        try:
            safefile.link_atomic(fd, target, doing="writing the backup")
        except safefile.WriteFailed:
            return False  # another filesystem, links refused: a copy
        except AuthTrackError as e:
            raise DataFileError(str(e)) from None
        return True
    finally:
        os.close(fd)


def verify(backup: Path, store: Store | None = None) -> str:
    """Why ``backup`` is not a usable data file ("" when it is: parsed and checked)."""
    try:
        st = os.lstat(backup)
    except FileNotFoundError:
        return "there is no such file"
    except OSError as e:
        return f"it cannot be read ({e.strerror})"
    if not stat.S_ISREG(st.st_mode):
        return "it is not a regular file"
    if st.st_size == 0:
        return "it is empty"
    try:
        tables = _reader(backup, store).tables()
    except AuthTrackError:
        return "it does not read back as an authtrack data file (cut short, or damaged)"
    if META_TABLE not in tables:
        return "it is not an authtrack data file"
    return ""


def list_backups(data_file: Path) -> list[Backup]:
    """The backups of ``data_file``, oldest first (leftover temporary files are not backups)."""
    folder = folder_of(data_file)
    pattern = _name_pattern(data_file)
    found = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if not m:
            continue
        st = entry.stat(follow_symlinks=False)
        problem = verify(Path(entry.path))
        taken = dt.datetime.strptime(m.group(1), _STAMP)
        found.append(
            Backup(
                Path(entry.path),
                taken,
                m.group(2),
                _owner(st.st_uid),
                st.st_size,
                not problem,
                problem,
            )
        )
    return sorted(found, key=lambda b: b.taken)


def prune(data_file: Path, retention: Retention) -> list[Path]:
    """Remove backups beyond the retention (see the module docstring); returns those removed."""
    pattern = _name_pattern(data_file)
    named = []
    for entry in folder_of(data_file).iterdir():
        m = pattern.fullmatch(entry.name)
        if m and not entry.is_symlink():
            named.append((dt.datetime.strptime(m.group(1), _STAMP), entry))
    named.sort(reverse=True)
    keep = {path for _, path in named[: retention.keep_last]}
    if named:
        newest_day = named[0][0].date()
        days_seen: set[dt.date] = set()
        for taken, path in named:  # newest first: the first of each day is that day's newest
            day = taken.date()
            if (newest_day - day).days < retention.keep_days and day not in days_seen:
                days_seen.add(day)
                keep.add(path)
    removed = [path for _, path in named if path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def restore(store: Store, backup: Path, retention: Retention | None = None) -> Path:
    """Put the records of ``backup`` back in the data file; returns the backup of the file as it
    was. The audit keeps its history and gains a row saying what was restored."""
    problem = verify(backup, store)
    if problem:
        raise BackupError(f"{backup} cannot be restored: {problem}")
    tables = _reader(backup, store).tables()
    summary = f"restored the data file from the backup {backup.name}"
    aside = _set_aside_unreadable(store, backup)
    if aside is not None:
        summary += f" (the file before could not be read; it is kept as {aside.name})"
    with store.storage.transaction():  # one lock: the file saved first is the file replaced
        before = make_backup(store, "before-restore", retention)
        with store.transaction() as tx:
            tx.replace_tables(
                {name: table for name, table in tables.items() if name != META_TABLE},
                summary=summary,
            )
    assert before is not None
    return aside if aside is not None else before


def _set_aside_unreadable(store: Store, backup: Path) -> Path | None:
    """When the data file cannot be read as one (cut short, damaged, hand-edited badly), keep a
    copy of it in the backups folder (``NAME.STAMP.unreadable.json``) and put the backup's file
    in its place, all under the data file's lock; None when the file reads (or is not there).
    Nothing is lost: the data file is replaced only once its copy is written and reads back
    byte for byte. A file that cannot be opened at all (no permission) is not set aside: its
    copy cannot be made, and the error says why."""
    path = store.path
    with store.storage.locked_unread():
        if not path.exists() or not verify(path, store).startswith("it does not read back"):
            return None
        original = path.read_bytes()
        folder = _safe_folder(path)
        aside = folder / f"{path.stem}.{dt.datetime.now().strftime(_STAMP)}.unreadable{path.suffix}"
        try:
            safefile.write_atomic(
                aside, lambda out: out.write(original), doing="keeping the file", personal=True
            )
            if aside.read_bytes() != original:
                raise DataFileError(f"{aside}: the copy of {path} does not read back.")
            atomic_write(path, backup.read_bytes())
        except AuthTrackError as e:
            raise DataFileError(str(e)) from None
    return aside


def _reader(backup: Path, store: Store | None) -> LockedJSONStorage:
    builders = store.storage.builders if store is not None else None
    return LockedJSONStorage(backup, builders=builders)


def _safe_folder(data_file: Path) -> Path:
    shared = safefile.shares_group(data_file.parent)
    folder = safefile.make_folder(folder_of(data_file), 0o770 if shared else 0o700)
    st = os.lstat(folder)
    owners = {os.geteuid(), 0, os.stat(data_file.parent).st_uid}
    if st.st_uid not in owners:
        raise DataFileError(
            f"{folder} belongs to {_owner(st.st_uid)}, not to you, root or the owner of "
            f"{data_file.parent}; authtrack keeps no backups there — check who made it, then "
            "remove it (authtrack makes a new one)."
        )
    if st.st_mode & stat.S_IWOTH:
        raise DataFileError(
            f"{folder} can be changed by every account; authtrack keeps no backups there — "
            f"remove that right (chmod o-rwx {folder})."
        )
    return folder


def _name_pattern(data_file: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(data_file.stem)
        + r"\.(\d{8}-\d{6}-\d{6})\.([a-z][a-z-]*)"
        + re.escape(data_file.suffix)
    )


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
