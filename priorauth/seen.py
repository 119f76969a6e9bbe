"""Notifications as each user sees them: their dismissals and snoozes, and "my clients".

A dismissal hides a notification while its facts (``fingerprint``) are unchanged; a snooze also
ends on its day. Dismissals are per OS account.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from priorauth.data import Data
from priorauth.model import Dismissal

if TYPE_CHECKING:
    from priorauth.notify import Notification


def dismissals_of(data: Data, user: str) -> dict[str, Dismissal]:
    """``user``'s dismissals and snoozes by notification key (cached per snapshot)."""
    index = data.derived.get("dismissals_by_user")
    if index is None:
        index = {}
        for d in sorted(data.dismissals.values(), key=lambda d: d.id):
            index.setdefault(d.user, {})[d.key] = d
        data.derived["dismissals_by_user"] = index
    return index.get(user, {})


def hiding(data: Data, notification: Notification, user: str, today: dt.date) -> Dismissal | None:
    """The dismissal or snooze that hides ``notification`` from ``user`` today, if any."""
    d = dismissals_of(data, user).get(notification.key)
    if d is None or d.fingerprint != notification.fingerprint:
        return None  # never dismissed, or its facts changed since
    if d.until is not None and today >= d.until:
        return None  # the snooze is over
    return d


def visible(
    data: Data, notifications: list[Notification], user: str, today: dt.date
) -> list[Notification]:
    """``notifications`` without those ``user`` dismissed or snoozed (and whose facts held)."""
    if not dismissals_of(data, user):
        return list(notifications)
    return [n for n in notifications if hiding(data, n, user, today) is None]


def for_clinician(
    data: Data, notifications: list[Notification], clinician: str
) -> list[Notification]:
    """Only the notifications about clients whose clinician is ``clinician`` ("mine")."""
    mine = {c.id for c in data.clients.values() if c.clinician == clinician}
    return [n for n in notifications if n.client in mine]
