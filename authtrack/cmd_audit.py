"""`authtrack audit [--client ID] [--since D] [--user NAME] [--json]`: who changed what, when;
`authtrack audit --verify` / `--seal`: check the audit's hash chain / seal its head (root)."""

from __future__ import annotations

import argparse
import json
import sys

from authtrack.context import Context, UsageError
from priorauth import audit
from priorauth.store.seal import SealError, verify, write_seal
from priorauth.store.transaction import local_time


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="show who changed what, and when",
        description="Show the audit trail: every change with who made it (their login), when, "
        "and the values before and after. The trail cannot be edited from authtrack; each "
        "entry is chained to the one before it, so that an edit of the file by hand shows. "
        "Exit status with --verify: 0 intact, 1 tampering found, 2 usage.",
    )
    check = p.add_mutually_exclusive_group()
    check.add_argument(
        "--verify",
        action="store_true",
        help="check the audit's hash chain (and root's seals, when you can read them); name "
        "the first entry that does not fit",
    )
    check.add_argument(
        "--seal",
        action="store_true",
        help="(root, nightly from cron) record the chain's head in a file only root can change",
    )
    p.add_argument(
        "--client",
        metavar="ID",
        help="only changes to this client (the practice's "
        "client id), its authorizations and services",
    )
    p.add_argument(
        "--since", metavar="DATE", help="only changes on or after this day (11/23/2026, -7)"
    )
    p.add_argument("--user", metavar="NAME", help="only changes made by this login")
    p.add_argument("--json", action="store_true", help="print a JSON list for scripts")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.verify or args.seal:
        if args.client or args.since or args.user or args.json:
            raise UsageError(
                "authtrack audit: --verify and --seal check the whole audit; leave out "
                "--client, --since, --user and --json."
            )
        return _check(ctx, seal=args.seal)
    store = ctx.store()
    data = store.snapshot()
    since = ctx.date_option(args.since, "--since", "audit", data) if args.since else None
    client_pk = None
    if args.client:
        client = data.client_with_id(args.client)
        if client is None:
            raise UsageError(
                f"authtrack audit: no client with id {args.client!r} in {ctx.db_path}."
            )
        client_pk = client.id
    trail = store.audit()
    entries = audit.select(trail, data, client=client_pk, since=since, user=args.user)
    if args.json:
        print(json.dumps([audit.as_json(e) for e in entries], indent=2))
        return 0
    if not entries:
        print("No changes match.")
        return 0
    named = audit.RecordNames(trail, data, audit.client_names(trail, data))
    for entry in entries:
        print(f"{local_time(entry.at)}  {entry.user:<12} {named.summary(entry, with_client=True)}")
        for line in audit.describe_changes(entry, data):
            print(f"    {line}")
    return 0


def _check(ctx: Context, *, seal: bool) -> int:
    if not ctx.db_path.exists():
        raise UsageError(f"authtrack audit: there is no data file at {ctx.db_path}.")
    store = ctx.store()
    verdict = verify(store)
    if not verdict.intact:
        print(f"authtrack: {ctx.db_path}: {verdict.message}", file=sys.stderr)
        return 1
    if not seal:
        print(_upper_first(verdict.message))
        return 0
    try:
        path = write_seal(store, verdict)
    except SealError as e:
        raise UsageError(str(e)) from None
    walked = verdict.walk
    assert walked is not None
    print(
        f"Sealed the audit of {ctx.db_path}: {walked.count} entries, up to entry "
        f"#{walked.last_id} (chain {walked.head[:12]}...), in {path}."
    )
    return 0


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
