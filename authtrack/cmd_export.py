"""`authtrack export FILE [--json]` and `authtrack export --into LOG.xlsx [--out NEW.xlsx]`.

The first writes the canonical workbook; the second writes authtrack's authorizations back into
the practice's own log, to a new file (LOG.authtrack.xlsx unless --out says otherwise). When
something of the log would be lost (listed, in words), --into writes only with --yes. Exit
status 0, or 2 on failure or when it refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from authtrack.bar import progress_for
from authtrack.context import Context, UsageError
from priorauth import service_lines


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write the canonical workbook, or update the practice's own log (--into)",
        description="Write every authorization (and the clients, services, payers and "
        "procedure groups behind them) to FILE, the canonical workbook. With --into LOG, update "
        "the practice's own log instead: matching rows in place, new authorizations appended, "
        "written to a new file (--out, default LOG.authtrack.xlsx).",
    )
    p.add_argument("file", metavar="FILE", type=Path, nargs="?", help="the workbook to write")
    p.add_argument("--json", action="store_true", help="print one JSON object (for scripts)")
    p.add_argument(
        "--into", metavar="LOG", type=Path, help="update this log workbook (it is not changed)"
    )
    p.add_argument(
        "--out", metavar="NEW", type=Path, help="where --into writes (default LOG.authtrack.xlsx)"
    )
    p.add_argument("--sheet", metavar="NAME", help="with --into: the log's sheet")
    p.add_argument(
        "--yes",
        action="store_true",
        help="with --into: write even when something of the log would be lost (it is listed)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from sync.writing.exporter import export_workbook  # openpyxl loads only when exporting

    tracker = ctx.tracker()
    tracker.policy("view")
    data = tracker.data()
    progress, bar = progress_for(args.json)
    try:
        if args.into is not None:
            return _write_back(args, data, tracker.today, progress)
        if args.file is None:
            raise UsageError("authtrack export: give the workbook to write (FILE) or --into LOG.")
        if args.out is not None or args.sheet is not None:
            raise UsageError("authtrack export: --out and --sheet go with --into LOG.")
        path = export_workbook(
            data, args.file, today=tracker.today, progress=progress, practice=ctx.practice_name()
        )
    finally:
        if bar is not None:
            bar.close()
    counts = {
        "authorizations": len(data.authorizations),
        "service_lines": sum(len(service_lines.lines_of(a)) for a in data.authorizations.values()),
        "clients": len(data.clients),
        "services": len(data.services),
        "payers": len(data.payers),
    }
    if args.json:
        _json({"file": str(path), **counts})
    else:
        print(
            f"Exported {counts['authorizations']} authorizations ({counts['service_lines']} "
            f"service lines), {counts['clients']} clients and {counts['services']} services to "
            f"{path}."
        )
    return 0


def _write_back(args: argparse.Namespace, data: Any, today: Any, progress: Any) -> int:
    from sync.errors import WorkbookError
    from sync.writing.writeback import default_output, write_back

    log: Path = args.into
    out: Path = args.out or args.file or default_output(log)
    refused: list[str] = []

    def ask(losses: list[str]) -> bool:
        """What of their workbook would be lost, said before anything is written; --yes to go on."""
        if args.yes:
            if not args.json:
                print(f"{out} will not have, from {log}:", file=sys.stderr)
                for line in losses:
                    print(f"  - {line}", file=sys.stderr)
            return True
        refused.extend(losses)
        return False

    try:
        result = write_back(
            data, log, today=today, out=out, sheet=args.sheet, progress=progress, confirm=ask
        )
    except WorkbookError:
        if not refused:
            raise
        if args.json:
            _json({"file": None, "written": False, "would_lose": refused})
        else:
            print(
                f"authtrack export: writing {out} would lose, from {log} ({log} itself is never "
                "changed):",
                file=sys.stderr,
            )
            for line in refused:
                print(f"  - {line}", file=sys.stderr)
            print(
                "Nothing was written; run it again with --yes to write it anyway.", file=sys.stderr
            )
        return 2
    if args.json:
        _json(
            {
                "file": str(result.path),
                "sheet": result.sheet,
                "updated_rows": result.updated_rows,
                "appended_rows": result.appended_rows,
                "unchanged_rows": result.unchanged_rows,
                "unknown_rows": result.unknown_rows,
                "cells_changed": result.cells_changed,
                "written": True,
                "dropped": result.dropped,
                "unfollowed": result.unfollowed,
                "formulas": result.formulas,
                "would_lose": result.dropped + result.unfollowed,
            }
        )
    else:
        print(result.summary())
    return 0


def _json(obj: dict[str, Any]) -> None:
    json.dump(obj, sys.stdout, indent=2)
    sys.stdout.write("\n")
