"""`authtrack [--db PATH] [COMMAND ...]` — with no command, the TUI opens.

Sub-commands live in their own modules (``authtrack/cmd_*.py``), each with ``register(sub)``
adding its parser and setting ``func`` to a ``run(args, ctx) -> int``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from authtrack import (
    cmd_audit,
    cmd_box23,
    cmd_demo,
    cmd_doctor,
    cmd_export,
    cmd_import,
    cmd_import_services,
    cmd_init,
    cmd_notifications,
    cmd_report,
    cmd_restore,
)
from authtrack.context import Context, UsageError
from priorauth import __version__
from priorauth.errors import AuthTrackError
from priorauth.oserrors import sentence
from priorauth.roles import access_for
from priorauth.safetext import ShownStream
from priorauth.store import safefile
from priorauth.store.config import Config, ConfigError, load_config, resolve_data_file
from priorauth.store.identity import current_user

COMMANDS = [
    cmd_demo,
    cmd_audit,
    cmd_init,
    cmd_doctor,
    cmd_notifications,
    cmd_box23,
    cmd_report,
    cmd_import,
    cmd_import_services,
    cmd_export,
    cmd_restore,
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one sentence, exit 2 (argparse's own convention)
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="authtrack",
        description="Track insurance prior authorizations. With no command, opens the app.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="data file (default: $AUTHTRACK_DB, the "
        "system config's data_file, or your data directory)",
    )
    parser.add_argument("--today", metavar="YYYY-MM-DD", type=_date, help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"authtrack {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS:
        module.register(sub)
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(os.umask(0o007) | 0o007)  # nothing we create is world-readable (patient data)
    out, err = sys.stdout, sys.stderr
    # whatever a command prints may hold text from data: no control character reaches a terminal
    sys.stdout, sys.stderr = ShownStream(out), ShownStream(err)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        config_error = ""
        try:
            config = load_config()
        except ConfigError as e:
            if args.command != "doctor":  # doctor says what stops the config being read
                raise
            config, config_error = Config(), str(e)
        ctx = Context(
            db_path=resolve_data_file(args.db, config),
            config=config,
            today=args.today,
            config_error=config_error,
        )
        if args.command is None:
            return run_tui(ctx)
        return int(args.func(args, ctx))
    except UsageError as e:
        print(str(e), file=sys.stderr)
        return 2
    except AuthTrackError as e:
        print(f"authtrack: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("authtrack: interrupted; nothing more was written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # the disk or the system refused: a sentence, no crash log needed
        print(f"authtrack: {sentence(e)}", file=sys.stderr)
        return 2
    except Exception as e:  # a bug: one sentence for the user, the details in a log file
        try:
            details = f"details are in {_write_crash_log()}"
        except AuthTrackError as why:  # the log cannot be written either: say why, once
            details = f"no crash log was written ({why})"
        print(
            f"authtrack: unexpected error ({type(e).__name__}: {e}); {details}. "
            "Your data file was not changed by the failed step.",
            file=sys.stderr,
        )
        return 2


def run_tui(ctx: Context) -> int:
    from sync.workbooks import EXCEL
    from tui.app import make_app  # imported late: batch commands never pay for Textual

    user = current_user()
    policy = access_for(user, ctx.config, data_file=ctx.db_path)
    app = make_app(ctx.db_path, today=ctx.today, user=user, policy=policy, workbooks=EXCEL)
    app.tracker.store.retention = ctx.retention()
    out, err = sys.stdout, sys.stderr
    sys.stdout = getattr(out, "unfiltered", out)  # the app draws the screen itself (tui.safe)
    sys.stderr = getattr(err, "unfiltered", err)
    try:
        app.run()
    finally:
        sys.stdout, sys.stderr = out, err
    return int(app.return_code or 0)


def _write_crash_log() -> Path:
    """Append the traceback to the account's own crash log (0600: it may quote data)."""
    path = Path(platformdirs.user_log_dir("authtrack", appauthor=False)) / "crash.log"
    head = f"--- {dt.datetime.now().isoformat()} authtrack {' '.join(sys.argv[1:])}\n"
    safefile.append_private(path, head + traceback.format_exc())
    return path
