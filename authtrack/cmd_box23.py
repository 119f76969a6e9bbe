"""`authtrack box23 CLIENT_ID [--date] [--code] [--json]`: the number for box 23 of each claim.

For a date of service (default today) and a procedure code, the authorization number that goes in
box 23 of the primary, the secondary and the tertiary claim — each claim its own payer's number
(DESIGN.md, "CLI contract"). Exit 0; 1 when a payer in force that requires prior authorization has
no authorization covering the service; 2 for an unknown client or bad options. Box 23 holds one
number per claim: when the day's services need different authorizations of one payer (97530
under the OT number, 92507 under the speech one), it says the claim must be split (``split`` in
each such claim's JSON).
"""

from __future__ import annotations

import argparse
import json
import sys

from authtrack.context import Context, UsageError
from priorauth.box23 import Box23, box23
from priorauth.data import Data
from priorauth.grammar import GrammarError, codes
from priorauth.model import Priority


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "box23",
        help="the authorization number for box 23 of each claim, for a date of service",
        description="Print the authorization number that goes in box 23 of the primary, "
        "secondary and tertiary claim for a client's date of service and procedure code. Exits 1 "
        "when a payer that requires prior authorization has none covering the service.",
    )
    p.add_argument("client_id", metavar="CLIENT_ID", help="the practice's client id (C1011)")
    p.add_argument(
        "--date", dest="day", metavar="DATE", help="date of service (11/23/2026, 2026-11-23, today)"
    )
    p.add_argument("--code", metavar="CODE", help="procedure code of the service (90837)")
    p.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    code = None
    if args.code is not None:
        try:
            found = codes(args.code)
        except GrammarError as e:
            raise UsageError(f"authtrack box23: --code {args.code!r}: {e}") from None
        if len(found) != 1:
            raise UsageError(
                f"authtrack box23: --code takes one procedure code, not {args.code!r}."
            )
        code = found[0]
    if not ctx.db_path.exists():
        raise UsageError(f"authtrack: {ctx.db_path}: there is no data file there.")
    data = ctx.store().snapshot()
    client = data.client_with_id(args.client_id)
    if client is None:
        raise UsageError(
            f"authtrack box23: {ctx.db_path} has no client with id {args.client_id!r}."
        )
    day = ctx.date_option(args.day, "--date", "box23", data) if args.day else ctx.day()
    claims = sorted(
        box23(data, client, day, code).values(),
        key=lambda b: list(Priority).index(b.priority),
    )
    missing = [b for b in claims if b.authorization is None and b.insurance.prior_auth_required]
    if args.json:
        out = {
            "client_id": client.client_id,
            "date": day.isoformat(),
            "code": code or "",
            "claims": [_claim_json(data, b) for b in claims],
        }
        json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        what = f" for {code}" if code else ""
        print(f"Box 23 for {client.name} ({client.client_id}), {day:%m/%d/%Y}{what}:")
        if not claims:
            print("  no insurance in force: nothing to bill, box 23 stays blank.")
        for b in claims:
            number = b.value or "(blank)"
            print(f"  {b.priority.value:<9}  {number:<16}  {b.note}")
        for b in claims:
            if b.split:
                print(f"  {b.priority.value} claim: {b.split_sentence}")
    return 1 if missing else 0


def _claim_json(data: Data, b: Box23) -> dict[str, object]:
    """One claim as DESIGN.md's contract says; ``split`` (one {auth_number, codes} per
    authorization) only when the day's services need more than one number."""
    out: dict[str, object] = {
        "priority": b.priority.value,
        "payer": data.payer_name(b.insurance.payer_id),
        "member_id": b.insurance.member_id,
        "auth_number": b.value,
        "covered": b.authorization is not None,
    }
    if b.split:
        out["split"] = [{"auth_number": p.value, "codes": list(p.codes)} for p in b.split]
    return out
