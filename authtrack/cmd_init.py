"""`authtrack init --shared FOLDER --group GROUP`: set up the data file for a whole office."""

from __future__ import annotations

import argparse
from pathlib import Path

from authtrack.context import Context
from priorauth.store.config import SYSTEM_CONFIG, config_path
from priorauth.store.identity import current_user
from priorauth.store.seal import CRON_FILE, CRON_NAME, install_cron
from priorauth.store.shared import DATA_NAME, init_shared


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init",
        help="set up a shared data file for several staff (run as root)",
        description="Create FOLDER (setgid to GROUP, mode 2770), the data file inside it "
        "(mode 0660), its lock file and backups folder, and the system config file naming the "
        "data file and the roles. Existing data is kept.",
    )
    p.add_argument(
        "--shared",
        metavar="FOLDER",
        required=True,
        type=Path,
        help="folder for the shared data file, e.g. /srv/authtrack",
    )
    p.add_argument(
        "--group", metavar="GROUP", required=True, help="Unix group of the staff who use authtrack"
    )
    p.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        default=None,
        help="system config to write (default: /etc/authtrack/config.toml)",
    )
    p.add_argument(
        "--admin",
        metavar="LOGIN",
        default=None,
        help="login to make admin in the config (default: whoever runs sudo, or you)",
    )
    p.add_argument(
        "--cron-file",
        metavar="PATH",
        type=Path,
        default=None,
        help=f"root's cron job that seals the audit nightly (default: {CRON_FILE} when the "
        "config is the system's own, else authtrack.cron beside the config, to copy there)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    import os

    admin = args.admin or os.environ.get("SUDO_USER") or current_user()
    config = args.config or config_path()
    for line in init_shared(args.shared, args.group, config, admin):
        print(line)
    cron = args.cron_file or (CRON_FILE if config == SYSTEM_CONFIG else config.with_name(CRON_NAME))
    print(install_cron(cron, args.shared / DATA_NAME))
    print("Next: add each staff login to the group, then run `authtrack doctor` as one of them.")
    return 0
