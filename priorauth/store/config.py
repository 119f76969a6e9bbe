"""Where the data file lives and the practice's settings.

The data file is, in order: ``--db PATH``; the ``AUTHTRACK_DB`` environment variable; ``data_file``
in the system config file (``/etc/authtrack/config.toml``, or ``AUTHTRACK_CONFIG``); else
``authtrack.json`` in the user's data directory (platformdirs).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from priorauth.errors import AuthTrackError

SYSTEM_CONFIG = Path("/etc/authtrack/config.toml")


class ConfigError(AuthTrackError):
    """The config file cannot be read."""


@dataclass
class Config:
    path: Path | None = None  # the file it came from, if any
    data_file: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)


def config_path() -> Path:
    return Path(os.environ.get("AUTHTRACK_CONFIG") or SYSTEM_CONFIG)


def load_config(path: Path | None = None) -> Config:
    """Read the TOML config file (a missing file is an empty config)."""
    path = path or config_path()
    try:
        with open(path, "rb") as f:
            values = tomllib.load(f)
    except FileNotFoundError:
        return Config()
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the authtrack config file ({e}).") from None
    data_file = values.get("data_file")
    if data_file is not None and not isinstance(data_file, str):
        raise ConfigError(f"{path}: data_file must be a path in quotes.")
    return Config(path=path, data_file=Path(data_file) if data_file else None, values=values)


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
