"""`authtrack doctor`: check the data file's mode, group, lock, folder and config."""

from __future__ import annotations

import argparse

from authtrack.context import Context
from priorauth import integrity
from priorauth.errors import AuthTrackError
from priorauth.services import launch
from priorauth.store.config import SYSTEM_CONFIG, ConfigError, config_path
from priorauth.store.identity import current_user
from priorauth.store.shared import Finding, doctor


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor",
        help="check the shared set-up and say what to fix",
        description="Check the data file, its folder, lock file, backups and the config file, "
        "and your own access. Exit status 1 when something needs fixing.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    # (here, not with the CLI: it brings filelock, which an app that only reads never needs)
    from priorauth.store.health import audit_findings, config_findings, lock_findings

    user = current_user()
    try:
        path = ctx.config.path or config_path()
    except ConfigError as e:
        path, ctx.config_error = SYSTEM_CONFIG, str(e)
    findings = config_findings(path, ctx.config_error, user)
    if ctx.config_error:
        findings.append(
            Finding(False, "the data file and your role are checked once the config can be read")
        )
    else:
        findings += doctor(ctx.db_path, ctx.config, user)
        findings += lock_findings(ctx.db_path)
        findings += audit_findings(ctx.db_path, user)
        findings += data_findings(ctx)
        findings += launch.cache_findings(ctx.db_path, user)
    for f in findings:
        print(f"{'ok     ' if f.ok else 'PROBLEM'}  {f.message}")
        if f.fix:
            print(f"         fix: {f.fix}")
    problems = sum(not f.ok for f in findings)
    print(f"{problems} problem(s)." if problems else "All good.")
    return 1 if problems else 0


def data_findings(ctx: Context) -> list[Finding]:
    """What the records themselves hold that saving would refuse today (duplicate numbers)."""
    if not ctx.db_path.is_file():
        return []
    try:
        data = ctx.store().snapshot()
    except AuthTrackError:
        return []  # the file checks above already say why it cannot be read
    return [
        Finding(
            False,
            integrity.describe_duplicates(data, auths),
            "give one of them its right number (the payer's letter says which), or delete "
            "the one entered twice",
        )
        for auths in integrity.duplicate_numbers(data)
    ]
