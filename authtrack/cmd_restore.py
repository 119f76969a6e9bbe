"""`authtrack restore [BACKUP] [--list]`: list the data file's backups, or put one back.

The list shows each backup's time, account, size and whether it reads back as a data file.
Restoring needs the admin role, saves the current file as a backup first (a file that cannot
be read, cut short or damaged, is kept byte for byte as NAME.STAMP.unreadable.json), keeps the
audit's history and records the restore in it. Exit status 0; 2 for a backup that cannot be used.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from authtrack.context import Context, UsageError
from priorauth.store import backups


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "restore",
        help="list the backups of the data file, or restore one",
        description="With no BACKUP (or with --list), list the backups of the data file: when "
        "each was taken, by which account, its size and whether it reads back as a data file. "
        "With BACKUP (a name from the list or a path), save the current file as a backup, then "
        "put the backup's records back (admin only; recorded in the audit).",
    )
    p.add_argument("backup", metavar="BACKUP", nargs="?", help="the backup to restore")
    p.add_argument("--list", action="store_true", help="list the backups (the default)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.backup is None or args.list:
        if args.backup is not None:
            raise UsageError("authtrack restore: give BACKUP or --list, not both.")
        return _list(ctx)
    tracker = ctx.tracker()
    tracker.policy("admin")
    chosen = _find(ctx.db_path, args.backup)
    before = backups.restore(tracker.store, chosen, ctx.retention())  # unusable: exit 2
    print(f"Restored {ctx.db_path} from {chosen}.")
    print(f"The file as it was is kept as {before}.")
    return 0


def _list(ctx: Context) -> int:
    found = backups.list_backups(ctx.db_path)
    if not found:
        print(f"No backups of {ctx.db_path} yet (in {backups.folder_of(ctx.db_path)}).")
        return 0
    print(f"Backups of {ctx.db_path}, oldest first:")
    width = max(len(b.account) for b in found)
    for b in found:
        state = "verified" if b.verified else f"unusable: {b.problem}"
        print(
            f"  {b.taken:%Y-%m-%d %H:%M:%S}  {b.account:<{width}}  {_size(b.size):>9}  "
            f"{b.reason:<14}  {state}  {b.path.name}"
        )
    return 0


def _find(data_file: Path, name: str) -> Path:
    path = Path(name).expanduser()
    if path.exists() or path.is_symlink() or len(path.parts) > 1:
        return path
    return backups.folder_of(data_file) / name


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)
