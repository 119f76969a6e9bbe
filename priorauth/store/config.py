"""Where the data file lives, and who may do what.

Two config files, trusted differently:

- the **system config**, ``/etc/authtrack/config.toml``, written by root (``init --shared``):
  the shared data file and the ``[roles]``. Roles come from it alone, and only when it and the
  folders above it belong to root and no one else may change them; otherwise authtrack refuses to
  start, in one sentence. (``AUTHTRACK_SYSTEM_CONFIG`` names another system config, honoured only
  for root or where ``/etc/authtrack/config.toml`` does not exist, and held to the same rule: an
  account cannot use it to escape the real system config.)
- a **user config** chosen with ``AUTHTRACK_CONFIG``: it may choose a data file (``data_file``),
  nothing else — a ``[roles]`` table there grants nothing.

The data file is, in order: ``--db PATH``; ``AUTHTRACK_DB``; the user config's ``data_file``; the
system config's ``data_file``; else ``authtrack.json`` in the user's data directory.
"""

from __future__ import annotations

import os
import pwd
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import platformdirs

from priorauth.errors import AuthTrackError

SYSTEM_CONFIG = Path("/etc/authtrack/config.toml")
SYSTEM_CONFIG_ENV = "AUTHTRACK_SYSTEM_CONFIG"
USER_CONFIG_ENV = "AUTHTRACK_CONFIG"
TRUSTED_OWNER = 0  # the system config and its folders belong to root


class ConfigError(AuthTrackError):
    """The config file cannot be read, or cannot be trusted."""


@dataclass
class Config:
    path: Path | None = None  # the system config it came from, if any
    data_file: Path | None = None  # the user config's choice, else the system config's
    values: dict[str, Any] = field(default_factory=dict)  # the system config's settings
    user_path: Path | None = None  # the user config, if one was read


def system_config_path() -> Path:
    override = os.environ.get(SYSTEM_CONFIG_ENV)
    if override and (os.geteuid() == 0 or not os.path.lexists(SYSTEM_CONFIG)):
        return Path(override)
    return SYSTEM_CONFIG


def config_path() -> Path:
    """The system config's path (where ``init --shared`` writes it)."""
    return system_config_path()


def load_config() -> Config:
    """The system config (roles, shared data file) with the user config's data file over it."""
    config = load_system_config()
    user = os.environ.get(USER_CONFIG_ENV)
    if not user:
        return config
    user_path = Path(user)
    values = _read(user_path)
    if values is None:
        return config
    data_file = _data_file(user_path, values)
    config.user_path = user_path
    config.data_file = data_file or config.data_file
    return config


def load_system_config(path: Path | None = None) -> Config:
    """The system config (an empty config when there is none: a single-user install)."""
    path = path or system_config_path()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return Config()
    except OSError as e:
        raise _unreadable(path, e.strerror, permission=isinstance(e, PermissionError)) from None
    with os.fdopen(fd, "rb") as f:
        reason = untrusted_reason(f.fileno())
        if reason:
            raise ConfigError(
                f"{path} decides who may do what, but {reason}; authtrack will not start until "
                f"root fixes that (sudo chown root:root {path} && sudo chmod 644 {path})."
            )
        values = _parse(path, f)
    return Config(path=path, data_file=_data_file(path, values), values=values)


def untrusted_reason(fd: int) -> str | None:
    """Why the open file ``fd`` cannot be trusted to grant roles (None when it can): it and every
    folder above it must belong to root and be closed to changes by anyone else (a sticky folder
    such as /tmp aside, where no one can rename root's entries)."""
    st = os.fstat(fd)
    if st.st_uid != TRUSTED_OWNER:
        return f"it belongs to {_owner(st.st_uid)}, not root"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "accounts other than root may change it"
    try:
        real = Path(os.readlink(f"/proc/self/fd/{fd}"))  # the file actually opened (Linux)
    except OSError:
        return None
    for folder in real.parents:
        fst = os.stat(folder)
        open_to_others = fst.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        if fst.st_uid not in (0, TRUSTED_OWNER) or (
            open_to_others and not fst.st_mode & stat.S_ISVTX
        ):
            return f"its folder {folder} may be changed by accounts other than root"
    return None


def not_root_only(path: Path) -> str:
    """Why someone other than root could change what ``path`` holds ("" when nobody can).

    A missing part passes only for root (setting up): anyone else could create it after the
    check; an existing root-owned part cannot be replaced by them afterwards."""
    if not path.is_absolute():
        return "the path is not absolute"
    for part in (path, *path.parents):
        try:
            st = os.lstat(part)
        except FileNotFoundError:
            if os.geteuid() == 0:
                continue
            return f"{part} does not exist"
        except PermissionError:
            continue  # not ours to read either: reading it fails with its own sentence
        except OSError as e:
            return f"{part} cannot be checked ({e.strerror})"
        if stat.S_ISLNK(st.st_mode):
            return f"{part} is a symbolic link"
        if st.st_uid != 0:
            return f"{part} is not owned by root"
        writable = stat.S_IMODE(st.st_mode) & 0o022
        sticky_folder = stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX and part != path
        if writable and not sticky_folder:
            return f"{part} can be changed by accounts other than root"
    return ""


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as f:
            return _parse(path, f)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _unreadable(path, e.strerror, permission=isinstance(e, PermissionError)) from None


def _unreadable(path: Path, why: object, *, permission: bool = False) -> ConfigError:
    fix = " (`authtrack doctor` says how to fix it)" if permission else ""
    return ConfigError(f"{path}: cannot read the authtrack config file ({why}){fix}.")


def _parse(path: Path, f: BinaryIO) -> dict[str, Any]:
    try:
        return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise _unreadable(path, e) from None


def _data_file(path: Path, values: dict[str, Any]) -> Path | None:
    data_file = values.get("data_file")
    if data_file is not None and not isinstance(data_file, str):
        raise ConfigError(f"{path}: data_file must be a path in quotes.")
    return Path(data_file) if data_file else None


def default_data_file() -> Path:
    return Path(platformdirs.user_data_dir("authtrack", appauthor=False)) / "authtrack.json"


def resolve_data_file(cli_value: str | None, config: Config | None = None) -> Path:
    """The data file to use, following the order in the module docstring."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("AUTHTRACK_DB")
    if env:
        return Path(env).expanduser()
    config = config if config is not None else load_config()
    if config.data_file:
        return config.data_file.expanduser()
    return default_data_file()
