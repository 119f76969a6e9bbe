"""Who may do what: roles from the config file, by user name or Unix group.

```toml
# /etc/authtrack/config.toml
[roles]
admin   = ["mlopez"]
billing = ["group:billing"]
staff   = ["group:frontdesk", "jchen"]
viewer  = ["group:clinicians"]
default = "viewer"        # users matched by nothing above (default: viewer)
```

With no ``[roles]`` table (a single-user install) everyone is admin of a data file in a folder of
their own; a data file in someone else's folder (a shared folder ``init --shared`` made) is
shared, and only a system config can give roles on it: without one, everyone is a viewer there
(otherwise a staff account could leave the system config out, with ``AUTHTRACK_SYSTEM_CONFIG``
naming a missing file, and be admin). Each user gets the highest
role any entry gives them. Roles are checked in the domain
(:class:`~priorauth.services.tracker.Tracker`), so the TUI, the CLI and the import all obey them.
"""

from __future__ import annotations

import enum
import grp
import os
import pwd
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from priorauth.errors import PermissionDenied
from priorauth.store.config import Config, ConfigError
from priorauth.store.identity import current_user


class Role(enum.IntEnum):
    VIEWER = 1
    STAFF = 2
    BILLING = 3
    ADMIN = 4

    @property
    def label(self) -> str:
        return self.name.lower()


# The least role each action needs. Actions are the words Tracker passes to its policy.
ACTION_ROLES: dict[str, Role] = {
    "view": Role.VIEWER,
    "dismiss": Role.VIEWER,  # one's own notification dismissals and snoozes
    "edit": Role.STAFF,  # clients, insurances, authorizations, services
    "delete": Role.STAFF,
    "confirm": Role.BILLING,  # the seed's "Confirm Auths" permission
    "override": Role.BILLING,  # record a service a payer's out-of-authorization policy blocks
    "import": Role.ADMIN,
    "admin": Role.ADMIN,  # payers, procedure groups, practice settings, roles
}

ACTION_WORDS: dict[str, str] = {
    "view": "Viewing",
    "dismiss": "Dismissing notifications",
    "edit": "Changing clients, authorizations and services",
    "delete": "Deleting records",
    "confirm": "Confirming authorizations to billing",
    "override": "Recording a service the payer blocks outside an authorization",
    "import": "Importing a workbook",
    "admin": "Changing payers, procedure groups and practice settings",
}


@dataclass(frozen=True)
class Access:
    """A user's role and the policy function the Tracker calls before each action."""

    user: str
    role: Role
    source: str  # why: "no [roles] in config", "user mlopez in admin", "group billing in billing"

    def __call__(self, action: str) -> None:
        needed = ACTION_ROLES.get(action)
        if needed is None:
            raise ValueError(f"unknown action {action!r}")
        if self.role < needed:
            what = ACTION_WORDS.get(action, action)
            raise PermissionDenied(
                f"{what} needs the {needed.label} role; you ({self.user}) are "
                f"{self.role.label}. Ask your authtrack admin."
            )

    def allows(self, action: str) -> bool:
        return self.role >= ACTION_ROLES[action]


def user_groups(user: str) -> set[str]:
    """Names of the Unix groups ``user`` belongs to (primary and supplementary)."""
    try:
        primary = pwd.getpwnam(user).pw_gid
        gids = os.getgrouplist(user, primary)
    except KeyError:
        gids = os.getgroups() if user == current_user() else []
    names = set()
    for gid in gids:
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            continue
    return names


def access_for(
    user: str,
    config: Config,
    groups: Iterable[str] | None = None,
    data_file: Path | None = None,
) -> Access:
    """The role ``user`` has under ``config`` on ``data_file`` (see the module docstring)."""
    table = config.values.get("roles")
    if table is None:
        shared = _shared_folder_owner(data_file) if config.path is None else None
        if shared is not None:
            return Access(
                user,
                Role.VIEWER,
                f"there is no system config, and the data file's folder belongs to {shared}: "
                "roles on a shared file come from the system config alone",
            )
        return Access(user, Role.ADMIN, "no [roles] in the config file: single-user install")
    if not isinstance(table, dict):
        raise ConfigError(f"{config.path}: [roles] must be a table of role = [names].")
    member_of = set(groups) if groups is not None else user_groups(user)
    best: tuple[Role, str] | None = None
    for key, entries in table.items():
        if key == "default":
            continue
        role = _role(key, config)
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise ConfigError(
                f'{config.path}: roles.{key} must be a list like ["name", "group:x"].'
            )
        for entry in entries:
            matched = entry[6:] in member_of if entry.startswith("group:") else entry == user
            if matched and (best is None or role > best[0]):
                kind = "group " + entry[6:] if entry.startswith("group:") else "user " + user
                best = (role, f"{kind} is listed as {role.label}")
    if best is not None:
        return Access(user, best[0], best[1])
    default = _role(table.get("default", "viewer"), config)
    return Access(user, default, f"not listed in [roles]: the default, {default.label}")


def _shared_folder_owner(data_file: Path | None) -> str | None:
    """The owner of the folder really holding ``data_file`` (symbolic links followed), when it is
    not the account running: the file is someone else's to share. None when it is ours."""
    if data_file is None:
        return None
    folder = Path(os.path.realpath(data_file)).parent
    try:
        owner = os.stat(folder).st_uid
    except OSError:
        return None  # no folder yet: whoever creates it owns it
    if owner == os.geteuid():
        return None
    try:
        return pwd.getpwuid(owner).pw_name
    except KeyError:
        return f"uid {owner}"


def _role(name: Any, config: Config) -> Role:
    try:
        return Role[str(name).upper()]
    except KeyError:
        raise ConfigError(
            f"{config.path}: unknown role {name!r}; use viewer, staff, billing or admin."
        ) from None
