"""`authtrack import FILE [--sheet NAME] [--dry-run] [--skip-invalid] [--json]`.

Exit status (DESIGN.md's CLI contract): 0 done; 1 rows with errors (nothing written unless
--skip-invalid); 2 unusable file or usage.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from authtrack.bar import progress_for
from authtrack.context import Context

if TYPE_CHECKING:  # openpyxl and calamine load only when an import runs
    from sync.errors import WorkbookError
    from sync.importer import ImportPlan

LIST_LIMIT = 30  # rows listed in a normal import's output (a dry run lists them all)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import an authorization log (.xlsx, .xlsm, .xls, .ods, .csv)",
        description="Read the practice's authorization log and merge it into the data file: new "
        "authorizations are created, ones already there updated, nothing duplicated. Nothing is "
        "written when a row has errors (unless --skip-invalid); a backup of the data file is "
        "kept before any write.",
    )
    p.add_argument("file", metavar="FILE", type=Path, help="the workbook to import")
    p.add_argument(
        "--sheet",
        metavar="NAME",
        help="the sheet holding the log (default: guessed); all: every tab of a log kept one "
        "tab per month, merged oldest to newest",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be created and updated; write nothing",
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the rows without errors even when some rows have errors",
    )
    p.add_argument(
        "--date-order",
        choices=("dmy", "mdy"),
        default=None,
        help="how to read text dates like 06/01/2026 in a column whose dates do not show their "
        "order (default: the practice's setting, month first)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object (for scripts)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from sync.errors import WorkbookError
    from sync.importer import apply_import, plan_import

    tracker = ctx.tracker()
    if not args.dry_run:
        tracker.policy("import")  # say so before reading a large file
    progress, bar = progress_for(args.json)
    try:
        try:
            plan = plan_import(
                args.file,
                tracker.data(),
                sheet=args.sheet,
                today=tracker.today,
                progress=progress,
                user=tracker.user,
                date_order=args.date_order,
            )
        except WorkbookError as e:
            _refuse_appointment_list(args, e)
            raise
        result = None
        if not args.dry_run and (not plan.errors or args.skip_invalid):
            result = apply_import(tracker, plan, skip_invalid=args.skip_invalid)
            plan = result.plan
    finally:
        if bar is not None:
            bar.close()
    status = 1 if plan.errors else 0
    if args.json:
        out = plan.to_json()
        out["dry_run"] = bool(args.dry_run)
        out["written"] = bool(result and result.written)
        out["backup"] = str(result.backup) if result and result.backup else None
        if args.dry_run:
            out["details"] = {
                "created": [str(i) for i in plan.created],
                "updated": [str(i) for i in plan.updated],
                "clients_created": [str(i) for i in plan.clients_created],
                "clients_updated": [str(i) for i in plan.clients_updated],
                "other": [str(i) for i in plan.other_changes],
            }
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


def _refuse_appointment_list(args: argparse.Namespace, e: WorkbookError) -> None:
    """A file that is no authorization log but reads as the scheduler's appointment list: say
    which command imports it (the log's own complaint, "no payer column", misleads)."""
    from sync.errors import WorkbookError
    from sync.planning.service_plan import is_appointment_list

    if is_appointment_list(args.file, args.sheet):
        sheet = f" --sheet {shlex.quote(args.sheet)}" if args.sheet else ""
        raise WorkbookError(
            f"{args.file} is an appointment list, not an authorization log: import its sessions "
            f"as services with: authtrack import-services{sheet} {shlex.quote(str(args.file))}"
        ) from e


def _print_plan(plan: ImportPlan, full: bool) -> None:
    print(plan.summary())
    sections = [
        ("Authorizations to create", plan.created),
        ("Authorizations to update", plan.updated),
        ("Clients to create", plan.clients_created),
        ("Clients to update", plan.clients_updated),
        ("Other records to create or update", plan.other_changes),
    ]
    for title, items in sections:
        if not items:
            continue
        shown = items if full else items[:LIST_LIMIT]
        print(f"\n{title} ({len(items)}):")
        for item in shown:
            print(f"  {item}")
        if len(shown) < len(items):
            print(f"  ... and {len(items) - len(shown)} more (--dry-run lists them all)")
    if plan.service_lines:
        groups = plan.service_lines if full else plan.service_lines[:LIST_LIMIT]
        print(
            f"\nAuthorizations read from several rows, a service line per row "
            f"({len(plan.service_lines)}):"
        )
        for group in groups:
            print(f"  {group}")
        if len(groups) < len(plan.service_lines):
            print(
                f"  ... and {len(plan.service_lines) - len(groups)} more (--dry-run lists them all)"
            )
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
        for w in plan.warnings:
            print(f"  {w}")
    print("\nHow the workbook was read:")
    for report in plan.sheets:
        for line in report.lines():
            print(f"  {line}")
    print()
