"""`authtrack demo`: fill an empty data file with synthetic demo data (used by `make run`)."""

from __future__ import annotations

import argparse

from authtrack.context import Context
from priorauth.services.demo import build_demo


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="fill an empty data file with synthetic demo data",
        description="Fill the data file with a synthetic practice (no real patients). Does "
        "nothing when the file already holds clients.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store()
    if store.snapshot().clients:
        print(f"{ctx.db_path} already holds data; left as it is.")
        return 0
    build_demo(store, today=ctx.today, service_lines=True)
    data = store.snapshot()
    print(
        f"Demo data written to {ctx.db_path}: {len(data.clients)} clients, "
        f"{len(data.authorizations)} authorizations, {len(data.services)} services."
    )
    return 0
