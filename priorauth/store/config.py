"""Where the data file lives and the practice's settings.

The data file is, in order: ``--db PATH``; the ``AUTHTRACK_DB`` environment variable; ``data_file``
in the system config file (``/etc/authtrack/config.toml``, or ``AUTHTRACK_CONFIG``); else
``authtrack.json`` in the user's data directory (platformdirs).

The system config may live elsewhere (a test, a packaged install) through
``AUTHTRACK_SYSTEM_CONFIG``, honoured only for a file that root owns in folders only root can
change (see :func:`system_config_path`): a staff account cannot point it at a file of its own.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from priorauth.errors import AuthTrackError

SYSTEM_CONFIG = Path("/etc/authtrack/config.toml")
SYSTEM_CONFIG_ENV = "AUTHTRACK_SYSTEM_CONFIG"


class ConfigError(AuthTrackError):
    """The config file cannot be read."""


@dataclass
class Config:
    path: Path | None = None  # the file it came from, if any
    data_file: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)


def config_path() -> Path:
    return Path(os.environ.get("AUTHTRACK_CONFIG") or system_config_path())


def system_config_path() -> Path:
    """``/etc/authtrack/config.toml``, or ``$AUTHTRACK_SYSTEM_CONFIG`` when every existing part
    of that path is owned by root and writable by nobody else (a world-writable folder only with
    its sticky bit, as /tmp): such a file says what root wrote, whoever sets the variable."""
    override = os.environ.get(SYSTEM_CONFIG_ENV)
    if not override:
        return SYSTEM_CONFIG
    path = Path(override)
    problem = not_root_only(path)
    if problem:
        raise ConfigError(
            f"{SYSTEM_CONFIG_ENV}={override} is not used: {problem}; unset it to use "
            f"{SYSTEM_CONFIG}."
        )
    return path


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


def load_config(path: Path | None = None) -> Config:
    """Read the TOML config file (a missing file is an empty config)."""
    path = path or config_path()
    try:
        with open(path, "rb") as f:
            values = tomllib.load(f)
    except FileNotFoundError:
        return Config()
    except (OSError, tomllib.TOMLDecodeError) as e:
        fix = " (`authtrack doctor` says how to fix it)" if isinstance(e, PermissionError) else ""
        raise ConfigError(
            f"{path}: cannot read the authtrack config file ({_reason(e)}){fix}."
        ) from None
    data_file = values.get("data_file")
    if data_file is not None and not isinstance(data_file, str):
        raise ConfigError(f"{path}: data_file must be a path in quotes.")
    return Config(path=path, data_file=Path(data_file) if data_file else None, values=values)


def _reason(e: Exception) -> str:
    return e.strerror if isinstance(e, OSError) and e.strerror else str(e)


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
