"""Every file authtrack writes goes through here: the data file, backups, exports, reports and
write-back workbooks.

On a shared server other accounts may be able to write the folder a file goes to, so the rules
live in this one place:

- the folder is opened once and everything happens relative to that descriptor, so a folder
  renamed or swapped for a link halfway changes nothing;
- a folder that every account may change is refused, unless it has the sticky bit (like /tmp),
  where only a target that does not exist yet or is ours is written;
- a target that is a symbolic link (or a folder) is refused: we never write through a link;
- the temporary file gets an unpredictable name and is created exclusively (``O_EXCL``,
  ``O_NOFOLLOW``): a file, folder or link planted at a likely name is stepped around, never used;
- it is written, ``fchmod``-ed and fsynced through the descriptor that created it, never opened
  again by name; then renamed onto the target and the folder is fsynced;
- an operating-system error becomes one sentence (:mod:`priorauth.oserrors`).

A file may also be put in place as a second name (a hard link) of a file already open
(:func:`link_atomic`: a backup of the data file, which is never written in place): the link is
made at an unpredictable temporary name, exclusively, from the open descriptor (never from a
name, which could be swapped for a link), then renamed onto the target as above.

The lock file beside the data file is made by ``filelock``, which creates it exclusively with
``O_NOFOLLOW`` and never truncates it; :func:`check_folder_path` applies the folder rule to it.
Only this module renames files into place (``os.replace``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from priorauth.errors import AuthTrackError
from priorauth.oserrors import sentence

FILE_MODE = 0o660  # group may read and write, others nothing: these files hold patient data
TEMP_SUFFIX = ".tmp"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_TRIES = 100


class UnsafeWrite(AuthTrackError):
    """authtrack refused to write a file because of where it is (a link, an open folder)."""


class WriteFailed(AuthTrackError):
    """The operating system refused a write; ``str(error)`` is the sentence, ``errno`` the code."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


def temp_glob(name: str) -> str:
    """The glob pattern of the temporary files made while writing a file called ``name``."""
    return f".{name}.*{TEMP_SUFFIX}"


def write_atomic(
    target: str | os.PathLike[str],
    fill: Callable[[BinaryIO], None],
    *,
    mode: int = FILE_MODE,
    keep_mode: bool = False,
    doing: str = "writing",
    group: int | None = None,
    personal: bool = False,
) -> os.stat_result:
    """Write ``target`` so that readers see the old file or the new one, never a mix.

    ``fill`` writes the content to the file object it is given (an open, seekable binary file:
    ``workbook.save(f)`` works). With ``keep_mode`` an existing target's mode (less any world
    bits) and group are kept; otherwise the file gets ``mode`` (default 0660) and ``group`` (when
    given: a file derived from another gets that one's group). A new ``personal`` file (the data
    file, a backup, an export, a report) keeps group rights only in a folder that
    :func:`shares_group`. Returns the new
    file's status. Raises :class:`UnsafeWrite` or :class:`WriteFailed` with a sentence; the target
    is then as it was.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    with _folder(folder, target, doing) as dfd:
        try:
            old = _check_target(dfd, folder, target)
            gid = group
            if keep_mode and old is not None:
                mode, gid = stat.S_IMODE(old.st_mode) & 0o770, old.st_gid
            elif personal and gid is None and not os.fstat(dfd).st_mode & stat.S_ISGID:
                mode &= 0o700
            return _write_in(dfd, target, fill, mode, gid)
        except OSError as e:
            raise WriteFailed(sentence(e, target, doing), e.errno) from None


def write_bytes(
    target: str | os.PathLike[str],
    payload: bytes | list[bytes],
    *,
    mode: int = FILE_MODE,
    keep_mode: bool = False,
    doing: str = "writing",
    group: int | None = None,
    personal: bool = False,
) -> os.stat_result:
    """:func:`write_atomic` for bytes, or pieces of bytes written in order (with ``writev``)."""
    pieces = [payload] if isinstance(payload, bytes) else payload

    def fill(f: BinaryIO) -> None:
        fd = f.fileno()
        for start in range(0, len(pieces), _IOV_MAX):
            _write_all(fd, pieces[start : start + _IOV_MAX])

    return write_atomic(
        target, fill, mode=mode, keep_mode=keep_mode, doing=doing, group=group, personal=personal
    )


def link_atomic(
    source: int, target: str | os.PathLike[str], *, doing: str = "writing"
) -> os.stat_result:
    """Give the regular file open at descriptor ``source`` the further name ``target`` (a hard
    link), with :func:`write_atomic`'s rules for the folder and the target; the file's mode,
    owner and group are its own (nothing is written to it or changed on it). Returns its status.
    Raises :class:`UnsafeWrite`, or :class:`WriteFailed` when the link cannot be made (another
    filesystem, ``fs.protected_hardlinks``, no ``/proc``): the caller may copy instead."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    with _folder(folder, target, doing) as dfd:
        try:
            _check_target(dfd, folder, target)
            st = os.fstat(source)
            if not stat.S_ISREG(st.st_mode):
                raise UnsafeWrite(f"{target}: only a regular file is linked.")
            temp = _link_temp(source, dfd, target.name)
            try:
                os.replace(temp, target.name, src_dir_fd=dfd, dst_dir_fd=dfd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp, dir_fd=dfd)
                raise
            os.fsync(dfd)
        except OSError as e:
            raise WriteFailed(sentence(e, target, doing), e.errno) from None
        _check_placed(dfd, target, st)
        return st


def append_private(target: str | os.PathLike[str], text: str) -> None:
    """Append ``text`` to ``target``, a file of the account's own (a crash log): the folders
    missing on the way are made 0700 and the file 0600 whatever the umask, a symbolic link
    there is never followed and a file another account owns, or with another name (a hard link
    planted there), is never written.
    Raises :class:`UnsafeWrite` or :class:`WriteFailed` with a sentence."""
    target = Path(target)
    try:
        make_folders(target.parent)
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as e:
        raise WriteFailed(sentence(e, target, "writing"), e.errno) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_nlink != 1:
            raise UnsafeWrite(f"{target} is not a file of yours; authtrack writes nothing there.")
        os.fchmod(fd, 0o600)
        _write_all(fd, [text.encode("utf-8")])
    except OSError as e:
        raise WriteFailed(sentence(e, target, "writing"), e.errno) from None
    finally:
        os.close(fd)


def shares_group(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` is shared with a group through its set-group-ID bit (``init
    --shared``): only there do new files get group rights (elsewhere their group is the author's
    primary group, which on many systems, ``users``, holds every account)."""
    try:
        return bool(os.stat(folder).st_mode & stat.S_ISGID)
    except OSError:
        return False


def make_folders(folder: str | os.PathLike[str]) -> None:
    """Create ``folder`` and the folders missing above it: 0700 whatever the umask, or 0770 (and
    set-group-ID, inherited) inside a folder that :func:`shares_group`."""
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(part, 0o770 if shares_group(part.parent) else 0o700)


def check_folder_path(folder: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Apply the folder rule (see the module docstring) to ``folder`` before making ``target``
    in it by other means (the lock file)."""
    folder = Path(folder)
    with _folder(folder, Path(target), "writing") as dfd:
        try:
            _check_target(dfd, folder, Path(target))
        except OSError as e:
            raise WriteFailed(sentence(e, target, "writing"), e.errno) from None


def make_folder(folder: str | os.PathLike[str], mode: int = 0o770) -> Path:
    """Create ``folder`` (not its parents) if missing; refuse a link or a file in its place."""
    folder = Path(folder)
    try:
        os.mkdir(folder, mode)
    except FileExistsError:
        pass
    except OSError as e:
        raise WriteFailed(sentence(e, folder, "creating the folder"), e.errno) from None
    st = os.lstat(folder)
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeWrite(
            f"{folder} is a symbolic link; authtrack never writes through one — remove the link "
            "(it will make a real folder)."
        )
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeWrite(f"{folder} is not a folder; move it aside so authtrack can make one.")
    return folder


def set_owner_mode(
    path: str | os.PathLike[str], mode: int, gid: int = -1, *, create: bool = False
) -> None:
    """Give the file or folder ``path`` the group ``gid`` and ``mode`` through a descriptor opened
    without following a link (``chown`` and ``chmod`` by name would follow one planted there).
    With ``create`` a missing file is made (never truncated). A link, or anything but a regular
    file or folder, is refused."""
    path = Path(path)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    if create:
        flags |= os.O_CREAT
    try:
        fd = os.open(path, flags, mode & 0o777)
    except OSError as e:
        raise WriteFailed(sentence(e, path, "setting up"), e.errno) from None
    try:
        st = os.fstat(fd)
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
            raise UnsafeWrite(f"{path} is not a regular file or folder; move it aside first.")
        os.fchown(fd, -1, gid)
        os.fchmod(fd, mode)
    except OSError as e:
        raise WriteFailed(sentence(e, path, "setting up"), e.errno) from None
    finally:
        os.close(fd)


def strangers(target: str | os.PathLike[str]) -> list[Path]:
    """Entries named like ``target``'s temporary files that are not regular files (a folder or a
    link someone planted): never used or removed by a save; for ``doctor`` to report."""
    target = Path(target)
    found = []
    for entry in sorted(target.parent.glob(temp_glob(target.name))):
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.lstat(entry).st_mode):
                found.append(entry)
    return found


def sweep_temp_files(target: str | os.PathLike[str]) -> None:
    """Remove temporary files a killed writer of ``target`` left behind (regular files only: a
    planted folder or link is left for :func:`strangers` to report). Call it only while holding
    the lock that every writer of ``target`` takes."""
    target = Path(target)
    sweep(target.parent, temp_glob(target.name))


def sweep(folder: str | os.PathLike[str], pattern: str) -> None:
    """Remove the regular files in ``folder`` matching the glob ``pattern`` (leftover temporary
    files; links and folders are left alone). Only under the lock every writer takes."""
    for entry in Path(folder).glob(pattern):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if stat.S_ISREG(os.lstat(entry).st_mode):
                entry.unlink()


# --- the parts ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _folder(folder: Path, target: Path, doing: str) -> Iterator[int]:
    try:
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise WriteFailed(f"{target}: the folder {folder} does not exist.") from None
    except OSError as e:
        raise WriteFailed(sentence(e, target, doing), e.errno) from None
    try:
        yield dfd
    finally:
        os.close(dfd)


def _check_target(dfd: int, folder: Path, target: Path) -> os.stat_result | None:
    """Refuse an unsafe folder or target (see the module docstring); the target's status."""
    fst = os.fstat(dfd)
    try:
        old: os.stat_result | None = os.stat(target.name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    if fst.st_mode & stat.S_IWOTH:
        if not fst.st_mode & stat.S_ISVTX:
            raise UnsafeWrite(
                f"{folder} can be changed by every account on this computer, so authtrack writes "
                f"nothing there — choose another folder, or remove that right (chmod o-w {folder})."
            )
        if old is not None and old.st_uid != os.geteuid():
            raise UnsafeWrite(
                f"{target} belongs to another account and {folder} is open to everyone, so "
                "authtrack will not replace it — choose another name."
            )
    if old is not None and stat.S_ISLNK(old.st_mode):
        raise UnsafeWrite(
            f"{target} is a symbolic link; authtrack never writes through one — remove the link "
            "or choose another name."
        )
    if old is not None and stat.S_ISDIR(old.st_mode):
        raise UnsafeWrite(f"{target} is a folder; choose a file name.")
    return old


def _write_in(
    dfd: int, target: Path, fill: Callable[[BinaryIO], None], mode: int, gid: int | None
) -> os.stat_result:
    fd, temp = _create_temp(dfd, target.name)
    try:
        with os.fdopen(fd, "wb", closefd=False) as f:
            fill(f)
        os.fchmod(fd, mode)
        if gid is not None and os.fstat(fd).st_gid != gid:
            try:
                os.fchown(fd, -1, gid)
            except PermissionError:
                raise WriteFailed(
                    f"{target}: cannot keep the file's group (gid {gid}); you must be a member of "
                    "that group to save changes."
                ) from None
        os.fsync(fd)
        st = os.fstat(fd)
        os.close(fd)
        fd = -1
        os.replace(temp, target.name, src_dir_fd=dfd, dst_dir_fd=dfd)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dfd)
        raise
    os.fsync(dfd)
    _check_placed(dfd, target, st)
    return st


def _check_placed(dfd: int, target: Path, st: os.stat_result) -> None:
    """Make sure the file now at ``target`` is the one written: an account that can change the
    folder could have swapped the temporary file's name for something else (a link) before the
    rename. Nothing was written through it; a link put there is removed (never followed)."""
    try:
        now = os.stat(target.name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        now = None
    if now is not None and (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
        return
    if now is not None and stat.S_ISLNK(now.st_mode):
        with contextlib.suppress(OSError):
            os.unlink(target.name, dir_fd=dfd)
    raise UnsafeWrite(
        f"{target} was tampered with while it was written (another account changed its "
        f"temporary file in {target.parent}); nothing was written through it — check who can "
        "write that folder."
    )


def _create_temp(dfd: int, name: str) -> tuple[int, str]:
    """A new, empty temporary file with an unpredictable name beside ``name``."""
    for _ in range(_TRIES):
        temp = f".{name}.{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            return os.open(temp, _CREATE, 0o600, dir_fd=dfd), temp
        except FileExistsError:
            continue  # something is there already (planted or not): another name
    raise FileExistsError(f"no free temporary name for {name} after {_TRIES} tries")


def _link_temp(source: int, dfd: int, name: str) -> str:
    """A new temporary name beside ``name`` for the file open at ``source`` (linked through
    ``/proc/self/fd``, which names the open file itself, not a path to it)."""
    for _ in range(_TRIES):
        temp = f".{name}.{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            os.link(f"/proc/self/fd/{source}", temp, dst_dir_fd=dfd, follow_symlinks=True)
            return temp
        except FileExistsError:
            continue  # something is there already (planted or not): another name
    raise FileExistsError(f"no free temporary name for {name} after {_TRIES} tries")


_IOV_MAX = 512  # pieces per writev call (Linux allows 1024)


def _write_all(fd: int, pieces: list[bytes]) -> None:
    """Write every piece, in order, with as few system calls as the kernel allows."""
    total = sum(map(len, pieces))
    written = os.writev(fd, pieces)
    if written == total:
        return
    rest = memoryview(b"".join(pieces))[written:]  # a short write (rare): finish it plainly
    while rest:
        rest = rest[os.write(fd, rest) :]
