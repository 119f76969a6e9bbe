"""What every sub-command gets: the resolved data file, the user, "today", and a way to fail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from priorauth.roles import access_for
from priorauth.services.tracker import Tracker
from priorauth.store.backups import Retention
from priorauth.store.config import Config
from priorauth.store.datafile import Store


@dataclass
class Context:
    db_path: Path
    config: Config
    today: dt.date | None = None  # None = the real today
    config_error: str = ""  # why the config could not be read (only `doctor` runs without it)

    def store(self) -> Store:
        store = Store(self.db_path)
        store.retention = self.retention()
        return store

    def retention(self) -> Retention:
        """How many backups to keep: the system config's ``[backups]``, else the defaults."""
        return Retention.from_config(self.config.values, self.config.path or "the config")

    def tracker(self) -> Tracker:
        """A tracker for the current OS user, with the role the config file gives them."""
        store = self.store()
        return Tracker(store, today=self.today, policy=access_for(store.user, self.config))


class UsageError(Exception):
    """Bad command-line use: printed as one sentence, exit status 2."""
