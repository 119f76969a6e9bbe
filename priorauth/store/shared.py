"""Setting up the data file on a shared office server, and checking that set-up (doctor)."""

from __future__ import annotations

import errno
import grp
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from priorauth.errors import AuthTrackError, DataFileError
from priorauth.roles import access_for, user_groups
from priorauth.store import safefile
from priorauth.store.config import Config
from priorauth.store.datafile import Store
from priorauth.store.safefile import FILE_MODE

DIR_MODE = 0o2770  # setgid: files created inside get the folder's group
DATA_NAME = "authtrack.json"
PUBLIC_DIR_MODE = 0o755  # the config's folder and the data folder's parents: every account enters
CONFIG_MODE = 0o644  # the config: every account reads it, only root changes it

CONFIG_TEMPLATE = """\
# authtrack system configuration, written by `authtrack init --shared`.
# Keep this file owned by root and not writable by staff: it decides who may do what.

data_file = "{data_file}"

# Roles: viewer (read only), staff (clients, authorizations, services), billing (staff +
# confirm to billing), admin (everything, import, payers, settings). Names are logins;
# "group:NAME" means every member of that Unix group. Each user gets the highest role listed.
[roles]
admin = [{admins}]
staff = ["group:{group}"]
# billing = ["group:billing"]
# viewer = ["group:clinicians"]
default = "viewer"
"""


class SetupError(AuthTrackError):
    """The shared set-up could not be made; nothing half-done is left unexplained."""


def init_shared(folder: Path, group: str, config_path: Path, admin: str) -> list[str]:
    """Create the shared data folder, data file and config; return what was done, in words."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise SetupError(
            f"There is no Unix group named {group!r}; create it first (groupadd {group}) "
            f"and add the staff accounts to it (usermod -aG {group} NAME)."
        ) from None
    done: list[str] = []
    try:
        done += make_folders(folder.parent, PUBLIC_DIR_MODE)
        folder.mkdir(exist_ok=True)
        os.chown(folder, -1, gid)
        os.chmod(folder, DIR_MODE)
        done.append(f"folder {folder}: group {group}, mode 2770 (setgid, no access for others)")
        data_file = folder / DATA_NAME
        store = Store(data_file)
        if data_file.exists():
            store.snapshot()  # refuses a file it cannot read
            done.append(f"data file {data_file}: already there, kept as it is")
        else:
            store.initialize()
            done.append(f"data file {data_file}: created")
        lock = data_file.with_name(data_file.name + ".lock")
        backups = safefile.make_folder(folder / "backups")
        # through descriptors opened without following links: a link planted at one of these
        # names must not hand root's chown and chmod to the file it points at
        safefile.set_owner_mode(lock, FILE_MODE, gid, create=True)
        for path, mode in ((data_file, FILE_MODE), (backups, DIR_MODE)):
            safefile.set_owner_mode(path, mode, gid)
        done.append(
            f"data file, lock file and backups folder: group {group}, group read/write only"
        )
    except PermissionError as e:
        raise SetupError(
            f"Permission denied on {e.filename}: run `authtrack init --shared` as root (sudo)."
        ) from None
    done += _write_config(config_path, data_file, group, admin)
    return done


def _write_config(config_path: Path, data_file: Path, group: str, admin: str) -> list[str]:
    """Write the config 0644 in a folder every account can enter (0755), whatever the umask
    (the CLI's own is 027); an existing config and folder are kept, opened up to readers."""
    try:
        done = make_folders(config_path.parent, PUBLIC_DIR_MODE, repair=True)
        if config_path.exists():
            text = config_path.read_text(encoding="utf-8")
            if f'"{data_file}"' not in text:
                raise SetupError(
                    f"{config_path} already exists and names another data file; edit its "
                    f'data_file line to "{data_file}" yourself (it may hold roles you want to '
                    "keep)."
                )
            done += open_up(config_path, CONFIG_MODE)
            done.append(f"config {config_path}: already points at {data_file}, kept as it is")
            return done
        text = CONFIG_TEMPLATE.format(data_file=data_file, group=group, admins=f'"{admin}"')
        safefile.write_bytes(config_path, text.encode("utf-8"), mode=CONFIG_MODE)  # all may read
    except safefile.WriteFailed as e:
        if e.errno not in (errno.EACCES, errno.EPERM):
            raise
        raise SetupError(
            f"Permission denied writing {config_path}: run as root (sudo), or pass --config PATH."
        ) from None
    except PermissionError:
        raise SetupError(
            f"Permission denied writing {config_path}: run as root (sudo), or pass --config PATH."
        ) from None
    done.append(
        f"config {config_path}: written, mode 0644 (data file, roles: admin {admin}, "
        f"staff group {group})"
    )
    return done


def make_folders(folder: Path, mode: int, repair: bool = False) -> list[str]:
    """Create ``folder`` and missing parents with exactly ``mode``; with ``repair``, an existing
    ``folder`` that others cannot enter and read gets those bits added. Returns what was done,
    in words."""
    done: list[str] = []
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for part in reversed(missing):
        try:
            os.mkdir(part, 0o700)
        except FileExistsError:
            continue
        _chmod_nofollow(part, mode, directory=True)
        done.append(f"folder {part}: created, mode {mode:04o}")
    if repair and not missing:
        done += open_up(folder, mode)
    return done


def open_up(path: Path, mode: int) -> list[str]:
    """Add to ``path`` the read (and, for a folder, enter) bits of ``mode`` it lacks, through a
    descriptor (never following a link); nothing else of its mode changes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        old = stat.S_IMODE(os.fstat(fd).st_mode)
        wanted = mode & 0o555
        if old & wanted == wanted:
            return []
        os.fchmod(fd, old | wanted)
    finally:
        os.close(fd)
    return [
        f"{path}: mode {old:04o} -> {old | wanted:04o}, so that every staff account can read it"
    ]


def _chmod_nofollow(path: Path, mode: int, directory: bool = False) -> None:
    flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Finding:
    ok: bool
    message: str
    fix: str = ""


def doctor(data_file: Path, config: Config, user: str) -> list[Finding]:
    """Check the data file, its folder, lock and backups, the config and the user's access."""
    findings: list[Finding] = []
    add = findings.append

    if config.path is None:
        add(Finding(True, "no system config file: single-user install, everyone is admin"))
    else:
        cst = config.path.stat()
        writable_by_others = stat.S_IMODE(cst.st_mode) & 0o022
        if "roles" in config.values and (writable_by_others or cst.st_uid != 0):
            add(
                Finding(
                    False,
                    f"config {config.path} decides roles but can be changed by someone other "
                    "than root",
                    f"chown root:root {config.path} && chmod 644 {config.path}",
                )
            )
        else:
            add(Finding(True, f"config {config.path} is readable and protected"))
    try:
        access = access_for(user, config, data_file=data_file)
        add(Finding(True, f"you ({user}) are {access.role.label}: {access.source}"))
    except AuthTrackError as e:
        add(Finding(False, str(e), f"fix the [roles] table in {config.path}"))

    folder = data_file.parent
    if not data_file.exists():
        add(
            Finding(
                False,
                f"data file {data_file} does not exist yet",
                "run `authtrack init --shared FOLDER --group GROUP` (or just start authtrack "
                "for a single-user install)",
            )
        )
        return findings
    try:
        data = Store(data_file, user=user).snapshot()
        add(
            Finding(
                True,
                f"data file {data_file} reads: {len(data.clients)} clients, "
                f"{len(data.authorizations)} authorizations",
            )
        )
    except DataFileError as e:
        add(Finding(False, str(e), "restore the newest file from the backups folder"))

    st = data_file.stat()
    mode = stat.S_IMODE(st.st_mode)
    group_name = _group_name(st.st_gid)
    if mode & 0o007:
        add(
            Finding(
                False,
                f"data file is mode {mode:04o}: other accounts can read patient data",
                f"chmod o-rwx {data_file}",
            )
        )
    else:
        add(Finding(True, f"data file mode {mode:04o}, group {group_name}: not world-readable"))
    fst = folder.stat()
    if fst.st_gid != os.getgid() or st.st_gid != os.getgid():  # looks like a shared set-up
        if mode & 0o060 != 0o060:
            add(
                Finding(
                    False,
                    f"data file is not readable and writable by its group {group_name}",
                    f"chmod 660 {data_file}",
                )
            )
        if st.st_gid != fst.st_gid:
            add(
                Finding(
                    False,
                    f"data file group {group_name} differs from its folder's "
                    f"{_group_name(fst.st_gid)}",
                    f"chgrp {_group_name(fst.st_gid)} {data_file}",
                )
            )
        if not fst.st_mode & stat.S_ISGID:
            add(
                Finding(
                    False,
                    f"folder {folder} is not setgid: files created by one user may get a group "
                    "the others are not in",
                    f"chmod g+s {folder}",
                )
            )
        if os.getuid() != 0 and group_name not in user_groups(user):
            add(
                Finding(
                    False,
                    f"you ({user}) are not in group {group_name}, so you cannot save changes",
                    f"usermod -aG {group_name} {user}  (then log in again)",
                )
            )
    if not os.access(folder, os.W_OK | os.X_OK):
        add(
            Finding(
                False,
                f"you cannot create files in {folder}: saving needs a temporary file there",
                f"chmod g+rwx {folder}",
            )
        )
    lock = data_file.with_name(data_file.name + ".lock")
    if lock.exists():
        lmode = stat.S_IMODE(lock.stat().st_mode)
        if lmode & 0o007 or not os.access(lock, os.R_OK | os.W_OK):
            add(
                Finding(
                    False,
                    f"lock file {lock} is mode {lmode:04o} (must be group read/write only and "
                    "usable by you)",
                    f"chmod 660 {lock}; chgrp {group_name} {lock}",
                )
            )
        else:
            add(Finding(True, f"lock file {lock} mode {lmode:04o}"))
    backups = folder / "backups"
    if backups.exists() and stat.S_IMODE(backups.stat().st_mode) & 0o007:
        add(
            Finding(
                False,
                f"backups folder {backups} is open to other accounts",
                f"chmod o-rwx {backups}",
            )
        )
    findings.extend(_planted(data_file, lock, folder / "backups"))
    return findings


def _planted(data_file: Path, lock: Path, backups: Path) -> list[Finding]:
    """Links and folders where authtrack expects its own files: saves step around them (see
    :mod:`priorauth.store.safefile`) but someone put them there."""
    found = []
    strangers = safefile.strangers(data_file)
    for entry in strangers:
        kind = "a link" if entry.is_symlink() else "a folder" if entry.is_dir() else "not a file"
        found.append(
            Finding(
                False,
                f"{entry} is {kind} named like authtrack's temporary files; saves step around "
                "it, but someone put it there",
                f"rm -r {entry}  (after checking who made it: ls -ld {entry})",
            )
        )
    stale = list(data_file.parent.glob(safefile.temp_glob(data_file.name)))
    if len(stale) > len(strangers):
        found.append(
            Finding(
                True,
                f"{len(stale) - len(strangers)} temporary file(s) from an interrupted save; the "
                "next save removes them",
            )
        )
    for path in (lock, backups):
        if path.is_symlink():
            found.append(
                Finding(
                    False,
                    f"{path} is a symbolic link; authtrack refuses to use it",
                    f"rm {path}  (after checking who made it: ls -l {path})",
                )
            )
    return found


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
