"""`authtrack report KIND`: expiring authorizations, utilization, renewals to request.

Prints aligned plain-text tables (fit to mail), ``--json`` an object for scripts, ``--xlsx FILE``
a workbook (one sheet per table). Exit 0; 2 when the report cannot be written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any, TextIO

from authtrack.context import Context, UsageError
from priorauth import reports
from priorauth.errors import DataFileError
from priorauth.report_tables import NO_NUMBER
from priorauth.reports import Column, Report


def register(sub: argparse._SubParsersAction) -> None:
    kinds = "; ".join(f"{k}: {v}" for k, v in reports.REPORTS.items())
    p = sub.add_parser(
        "report",
        help="expiring authorizations, utilization, renewals to request",
        description=f"Print a report. {kinds}.",
    )
    p.add_argument("kind", choices=list(reports.REPORTS), metavar="KIND", help=kinds)
    p.add_argument(
        "--days",
        type=int,
        metavar="N",
        help="expiring: look N days ahead (default 30); renewals: margin beyond the payer's "
        "turnaround (default: the practice setting)",
    )
    p.add_argument("--today", dest="day", metavar="DATE", help="as of this day (11/23/2026)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--xlsx", metavar="FILE", help="also write the report to this .xlsx workbook")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.days is not None:
        if args.kind == "utilization":
            raise UsageError(
                "authtrack report: --days applies to the expiring and renewals reports."
            )
        if args.days < 0:
            raise UsageError("authtrack report: --days must be 0 or more.")
    if not ctx.db_path.exists():
        raise DataFileError(
            f"{ctx.db_path}: there is no data file there; name the practice's file with --db or "
            "AUTHTRACK_DB."
        )
    data = ctx.store().snapshot()
    today = ctx.date_option(args.day, "--today", "report", data) if args.day else ctx.day()
    names = ctx.clinician_names(c.clinician for c in data.clients.values())
    report = reports.build(args.kind, data, today, days=args.days, clinicians=names)
    if args.xlsx:
        from sync.writing.report_export import (
            write_report,  # openpyxl only when a workbook is asked for
        )

        written = write_report(report, args.xlsx, practice=ctx.practice_name())
        if not args.json:
            print(f"Wrote {written}.", file=sys.stderr)
    if args.json:
        json.dump(as_json(report), sys.stdout, indent=2, ensure_ascii=False, default=_iso)
        sys.stdout.write("\n")
    else:
        write_text(sys.stdout, report)
    return 0


def as_json(report: Report) -> dict[str, Any]:
    """``{"report", "today", parameters..., table key: [rows as objects]}``."""
    out: dict[str, Any] = {"report": report.kind, "today": report.today.isoformat()}
    out.update(report.parameters)
    for table in report.tables:
        out[table.key] = table.records()
    return out


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_text(out: TextIO, report: Report) -> None:
    today = report.today
    out.write(f"{report.title} — as of {today:%m/%d/%Y}\n")
    for table in report.tables:
        if len(report.tables) > 1:
            out.write(f"\n{table.title}\n")
        out.write("\n")
        if not table.rows:
            out.write("  (none)\n")
            continue
        cells = [[c.title for c in table.columns]] + [
            [_cell(c, v) for c, v in zip(table.columns, row, strict=True)] for row in table.rows
        ]
        widths = [max(len(line[i]) for line in cells) for i in range(len(table.columns))]
        right = [c.kind in ("int", "percent") for c in table.columns]
        for n, line in enumerate(cells):
            text = "  ".join(
                cell.rjust(w) if r else cell.ljust(w)
                for cell, w, r in zip(line, widths, right, strict=True)
            )
            out.write(text.rstrip() + "\n")
            if n == 0:
                out.write("  ".join("-" * w for w in widths) + "\n")


def _cell(column: Column, value: object) -> str:
    if value is None or value == "":
        if column.key == "auth_number":
            return NO_NUMBER  # (as the app says it; --json and the workbook keep the blank)
        return "-" if column.kind in ("int", "percent") else ""
    if isinstance(value, dt.date):
        return f"{value:%m/%d/%Y}"
    if column.kind == "percent":
        return f"{value:.1f}%"
    return str(value)
