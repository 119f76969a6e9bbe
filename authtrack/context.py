"""What every sub-command gets: the resolved data file, the user, "today", and a way to fail."""

from __future__ import annotations

import datetime as dt
import pwd
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from priorauth import grammar
from priorauth.data import Data
from priorauth.practice import practice_date_order
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
        return Tracker(
            store,
            today=self.today,
            policy=access_for(store.user, self.config, data_file=store.path),
        )

    def day(self) -> dt.date:
        """The day a command works for: ``--today`` when given, else the real today."""
        return self.today or dt.date.today()

    def date_option(self, text: str, option: str, command: str, data: Data) -> dt.date:
        """A date given on the command line (``--date``, ``--since``), read by the grammar the
        app's forms and the importer use: 11/23/2026, 11/23/26, 2026-11-23, Nov 23 2026, "today",
        "yesterday", -30, +2w. Numeric dates are in the practice's date order, as an import reads
        text dates (month first unless set; the forms are month first whatever the setting)."""
        order = practice_date_order(data)
        example = "23/11/2026" if order == "dmy" else "11/23/2026"
        try:
            day = grammar.date(
                text, order=order, today=self.day(), hint=f"write it as {example} or 2026-11-23"
            )
        except grammar.GrammarError as e:
            raise UsageError(f"authtrack {command}: {option}: {e}") from None
        if day is None:
            raise UsageError(f"authtrack {command}: {option} needs a date, e.g. {example}.")
        return day

    def practice_name(self) -> str:
        """The practice's name for printed pages: ``practice_name`` in the config file."""
        name = self.config.values.get("practice_name")
        return name.strip() if isinstance(name, str) else ""

    def clinician_names(self, logins: Iterable[str]) -> dict[str, str]:
        """Each clinician account's name as the practice gave it: the config file's
        ``[clinicians]`` table (account = "Name"), else the account's full name on this server."""
        table = self.config.values.get("clinicians")
        given = table if isinstance(table, dict) else {}
        names = {}
        for login in set(logins):
            name = given.get(login)
            if not isinstance(name, str) or not name.strip():
                name = _full_name(login)
            if name:
                names[login] = name.strip()
        return names


def _full_name(login: str) -> str:
    """The full name the system account ``login`` was given (its GECOS field), if any."""
    if not login:
        return ""
    try:
        gecos = pwd.getpwnam(login).pw_gecos
    except (KeyError, OSError):
        return ""
    name = gecos.split(",")[0].strip()
    return "" if name.casefold() == login.casefold() else name


class UsageError(Exception):
    """Bad command-line use: printed as one sentence, exit status 2."""
