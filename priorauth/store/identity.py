"""Who is using the program: the operating-system account of the running process."""

from __future__ import annotations

import os
import pwd


def current_user() -> str:
    """The login name for the process's real uid (never taken from environment variables)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid with no passwd entry (containers): still a stable identity
        return f"uid{uid}"
