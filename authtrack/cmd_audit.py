"""`authtrack audit [--client ID] [--since D] [--user NAME] [--json]`: who changed what, when."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from authtrack.context import Context, UsageError
from priorauth import audit
from priorauth.store.datafile import local_time


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="show who changed what, and when",
        description="Show the audit trail: every change with who made it (their login), when, "
        "and the values before and after. The trail cannot be edited from authtrack.",
    )
    p.add_argument(
        "--client",
        metavar="ID",
        help="only changes to this client (the practice's "
        "client id), its authorizations and services",
    )
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only changes on or after this day")
    p.add_argument("--user", metavar="NAME", help="only changes made by this login")
    p.add_argument("--json", action="store_true", help="print a JSON list for scripts")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store()
    data = store.snapshot()
    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            raise UsageError(
                f"authtrack audit: --since {args.since!r} is not YYYY-MM-DD."
            ) from None
    client_pk = None
    if args.client:
        client = data.client_with_id(args.client)
        if client is None:
            raise UsageError(
                f"authtrack audit: no client with id {args.client!r} in {ctx.db_path}."
            )
        client_pk = client.id
    entries = audit.select(store.audit(), data, client=client_pk, since=since, user=args.user)
    if args.json:
        print(json.dumps([audit.as_json(e) for e in entries], indent=2))
        return 0
    if not entries:
        print("No changes match.")
        return 0
    for entry in entries:
        print(f"{local_time(entry.at)}  {entry.user:<12} {entry.summary}")
        for line in audit.describe_changes(entry):
            print(f"    {line}")
    return 0
