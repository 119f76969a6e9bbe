"""`authtrack import-services FILE [--sheet NAME] [--dry-run] [--skip-invalid] [--json]
[--date-order dmy|mdy]`: the scheduler's appointment list as services.

Exit status as `import` (DESIGN.md's CLI contract): 0 done; 1 rows with errors (nothing written
unless --skip-invalid); 2 unusable file or usage.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from authtrack.context import Context

if TYPE_CHECKING:  # calamine loads only when an import runs
    from sync.planning.service_plan import ServicePlan

LIST_LIMIT = 30  # rows listed in a normal import's output (a dry run lists them all)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-services",
        help="import the scheduler's appointment list (.xlsx, .xls, .ods, .csv)",
        description="Read an appointment list exported by the scheduler or EHR and record its "
        "sessions as services: kept ones count, cancelled and no-shows count nothing, future "
        "ones are scheduled. Importing the same list again changes nothing; a changed row "
        "updates its service. Lists the services no authorization covers, past an "
        "authorization's units, or after its end. A backup of the data file is kept before any "
        "write. Durations become 15-minute units by the CMS 8-minute rule.",
    )
    p.add_argument("file", metavar="FILE", type=Path, help="the appointment list")
    p.add_argument(
        "--sheet",
        metavar="NAME",
        help="the sheet holding the list (default: the one sheet that reads as an appointment "
        "list; a workbook with several is refused with their names); 'all': every tab that "
        "reads as one, merged oldest to newest",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the rows without errors even when some rows have errors",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object (for scripts)")
    p.add_argument(
        "--date-order",
        choices=("dmy", "mdy"),
        default=None,
        help="how to read text dates like 06/01/2026 in a column whose dates do not show their "
        "order (default: the practice's setting, month first)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from sync.planning.service_plan import apply_services, plan_services

    tracker = ctx.tracker()
    if not args.dry_run:
        tracker.policy("import")
    plan = plan_services(
        args.file,
        tracker.data(),
        sheet=args.sheet,
        today=tracker.today,
        user=tracker.user,
        date_order=args.date_order,
    )
    _refuse_authorization_log(args, plan)
    result = None
    if not args.dry_run and (not plan.errors or args.skip_invalid):
        result = apply_services(tracker, plan, skip_invalid=args.skip_invalid)
        plan = result.plan
    status = 1 if plan.errors else 0
    if args.json:
        out = plan.to_json()
        out["dry_run"] = bool(args.dry_run)
        out["written"] = bool(result and result.written)
        out["backup"] = str(result.backup) if result and result.backup else None
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return status
    _print_plan(plan, full=args.dry_run)
    if args.dry_run:
        print("Dry run: nothing was written.")
    elif result is not None:
        print(result.summary())
    else:
        rows = len({(e.sheet, e.row) for e in plan.errors})
        print(
            f"Nothing was imported: {rows} row{'s' if rows != 1 else ''} with errors. Fix them "
            "and import again, or import the other rows with --skip-invalid."
        )
    return status


def _print_plan(plan: ServicePlan, full: bool) -> None:
    from priorauth import outofauth

    print(plan.summary())
    sections: list[tuple[str, list[str]]] = [
        ("Services to create", [f"{i.where}: {plan.describe(i.service)}" for i in plan.created]),
        (
            "Services to update",
            [
                f"{i.where}: {plan.describe(i.service)}: {'; '.join(i.changes)}"
                for i in plan.updated
            ],
        ),
    ]
    for kind, title in (
        (outofauth.UNCOVERED, "Outside any authorization"),
        (outofauth.OVER_UNITS, "Past an authorization's units"),
        (outofauth.AFTER_END, "After an authorization's end"),
    ):
        sections.append(
            (
                title,
                [
                    f"{_where(plan.finding_sheet(n), r)}: {f.message}"
                    for n, (r, f) in enumerate(plan.findings)
                    if f.kind == kind
                ],
            )
        )
    sections.append(
        (
            "Imported before but no longer in the list (not deleted)",
            [plan.describe(s) for s in plan.missing],
        )
    )
    for title, items in sections:
        if not items:
            continue
        shown = items if full else items[:LIST_LIMIT]
        print(f"\n{title} ({len(items)}):")
        for item in shown:
            print(f"  {item}")
        if len(shown) < len(items):
            print(f"  ... and {len(items) - len(shown)} more (--dry-run lists them all)")
    if plan.errors:
        n = len(plan.errors)
        print(
            f"\nRows that cannot be imported ({n} problem{'s' if n != 1 else ''}):",
            file=sys.stderr,
        )
        for e in plan.errors:
            print(f"  {e}", file=sys.stderr)
    if plan.warnings:
        print(f"\nWarnings ({len(plan.warnings)}):")
        for w in plan.warnings[: None if full else LIST_LIMIT]:
            print(f"  {w}")
    print()


def _where(sheet: str, row: int) -> str:
    return f'sheet "{sheet}", row {row}' if sheet else f"row {row}"


def _refuse_authorization_log(args: argparse.Namespace, plan: ServicePlan) -> None:
    """A file that reads as an authorization log, not a schedule: say which command imports it
    (read as sessions, its start dates and "used" counts would become services, counted a second
    time over the usage the log carries in). A list with a schedule's columns is never asked."""
    from sync.errors import WorkbookError
    from sync.recognising.appointment_sheets import has_schedule_columns, is_authorization_log

    table = plan.table
    if table.parts or has_schedule_columns(table.header):
        return
    if is_authorization_log(args.file, plan.sheet):
        raise WorkbookError(
            f'{args.file}, sheet "{plan.sheet}", is an authorization log, not an appointment '
            f"list: import it with: authtrack import {shlex.quote(str(args.file))}"
        )
