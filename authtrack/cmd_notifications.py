"""`authtrack notifications`: the daily digest of what needs acting on, for people and scripts.

Plain text by default, grouped by kind and most urgent first, fit to mail from cron (colour only
on a terminal); ``--json`` prints a list of objects (DESIGN.md "CLI contract"). Always exit 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import textwrap
from dataclasses import dataclass
from typing import Any, TextIO

import orjson

from authtrack.context import Context
from priorauth import notify
from priorauth.data import Data
from priorauth.notify import Notification
from priorauth.services import launch

WIDTH = 100


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "notifications",
        help="list what needs attention (for cron jobs and scripts)",
        description="List the notifications for a day: authorizations expiring, expired, running "
        "low, used up or projected to run out, clients with no active authorization, services no "
        "authorization covers, caps exceeded, requests to follow up. The ones you dismissed or "
        "snoozed are left out unless --all.",
    )
    p.add_argument(
        "--today",
        dest="day",
        metavar="DATE",
        help="compute them for this day instead of today (11/23/2026)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list for scripts")
    p.add_argument(
        "--mine", action="store_true", help="only clients whose clinician is you (your account)"
    )
    p.add_argument(
        "--all", action="store_true", help="include the ones you dismissed or snoozed (marked so)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if not ctx.db_path.exists():
        # The contract says exit 0 (a cron job must not fail on a new install), but a mistyped
        # path must not pass for a quiet day: say so on stderr.
        print(
            f"authtrack: {ctx.db_path}: there is no data file there yet, so nothing to notify; "
            "name the practice's file with --db or AUTHTRACK_DB.",
            file=sys.stderr,
        )
        if args.json:
            print("[]")
        return 0
    store = ctx.store()
    data = store.snapshot()
    today = ctx.date_option(args.day, "--today", "notifications", data) if args.day else ctx.day()
    # worked out by a process before this one for this very content and day (exact, and no
    # record needs building: the cache names the clients and numbers too), else worked out now
    cached = launch.load(store, data, today)
    if cached is not None:
        found, names = cached.notifications, Names(cached.people, cached.numbers)
    else:
        found = notify.compute(data, today)
        launch.save(store, data, today)  # for the next process (the app's counts, too)
        names = Names.of(data, found)
    if args.mine:
        found = [n for n in found if names.clinician(n.client) == store.user]
    shown = found if args.all else notify.visible(data, found, store.user, today)
    hidden = len(found) - len(shown)
    if args.json:
        rows = [
            as_json(data, n, today, notify.hiding(data, n, store.user, today), names) for n in shown
        ]
        # one write: json.dump's thousands of small pieces each pass through the output's filter
        sys.stdout.write(json_text(rows) + "\n")
    else:
        write_digest(
            sys.stdout,
            data,
            shown,
            today,
            user=store.user,
            mine=args.mine,
            hidden=hidden,
            names=names,
        )
    return 0


@dataclass(frozen=True)
class Names:
    """What a digest names the notifications' clients and authorizations by: (client id, name,
    clinician) by client, the number by authorization (:class:`priorauth.services.launch.Launch`
    keeps them for its notifications)."""

    people: dict[int, tuple[str, str, str]]
    numbers: dict[int, str]

    @classmethod
    def of(cls, data: Data, found: list[Notification]) -> Names:
        return cls(launch.people_of(data, found), launch.numbers_of(data, found))

    def clinician(self, client: int) -> str | None:
        person = self.people.get(client)
        return person[2] if person else None


def json_text(rows: list[dict[str, Any]]) -> str:
    """``json.dumps(rows, indent=2, ensure_ascii=False)``, to the character (checked in
    tests/unit/test_notifications_json_text.py), written by orjson: 7 times as fast (agency
    scale: 106 -> 15 ms)."""
    return orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode()


def as_json(
    data: Data,
    n: Notification,
    today: dt.date,
    hidden_by: Any | None = None,
    names: Names | None = None,
) -> dict[str, Any]:
    """One notification as scripts get it: DESIGN.md's keys first, then the extras."""
    names = names or Names.of(data, [n])
    client_id, client_name, clinician = names.people.get(n.client, ("", "", ""))
    out = {
        "kind": n.kind,
        "client_id": client_id,
        "client_name": client_name,
        "payer": n.payer,
        "auth_number": names.numbers.get(n.authorization, "") if n.authorization else "",
        "date": n.date.isoformat(),
        "message": n.message,
        "label": n.label,
        "days": (n.date - today).days,
        "clinician": clinician,
        "authorization": n.authorization,
        "key": n.key,
        "urgency": n.urgency,
        "dismissed": hidden_by is not None and hidden_by.until is None,
        "snoozed_until": hidden_by.until.isoformat() if hidden_by and hidden_by.until else None,
    }
    if n.line:  # the service line of an authorization of several lines
        out["line"] = n.line
    return out


def write_digest(
    out: TextIO,
    data: Data,
    notifications: list[Notification],
    today: dt.date,
    *,
    user: str,
    mine: bool = False,
    hidden: int = 0,
    names: Names | None = None,
) -> None:
    """The plain-text digest: a heading line, then one section per kind, most urgent first."""
    bold = _bold if out.isatty() and not os.environ.get("NO_COLOR") else _plain
    whose = f" for {user}'s clients" if mine else ""
    count = len(notifications)
    if not count:
        out.write(f"No notifications{whose} on {today:%A, %B} {today.day}, {today.year}.\n")
    else:
        plural = "" if count == 1 else "s"
        out.write(
            bold(f"{count} notification{plural}{whose} on {today:%A, %B} {today.day}, {today.year}")
            + "\n"
        )
    names = names or Names.of(data, notifications)  # (every kind's clients, not the first's)
    by_kind: dict[str, list[Notification]] = {}
    for n in notifications:  # already most urgent first; kinds come out in urgency order
        by_kind.setdefault(n.kind, []).append(n)
    for kind, items in sorted(by_kind.items(), key=lambda kv: notify.KINDS.index(kv[0])):
        out.write("\n" + bold(f"{notify.KIND_LABELS[kind]} ({len(items)})") + "\n")
        for n in items:
            out.write(_line(data, n, user, today, names) + "\n")
    if hidden:
        out.write(
            f"\n{hidden} more dismissed or snoozed by {user} (authtrack notifications --all "
            "shows them).\n"
        )


def _line(data: Data, n: Notification, user: str, today: dt.date, names: Names) -> str:
    person = names.people.get(n.client)
    who = f"{person[1]} ({person[0]})" if person else f"client #{n.client}"
    mark = ""
    hidden_by = notify.hiding(data, n, user, today)
    if hidden_by is not None:
        mark = f" [snoozed until {hidden_by.until:%m/%d/%Y}]" if hidden_by.until else " [dismissed]"
    return textwrap.fill(
        f"{who}: {n.message}{mark}",
        width=WIDTH,
        initial_indent="  - ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )


def _bold(text: str) -> str:
    return f"\x1b[1m{text}\x1b[0m"


def _plain(text: str) -> str:
    return text
