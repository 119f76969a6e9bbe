"""The app's full screens and its own keys: the digit that goes to each screen from anywhere,
its mode, label, binding id (for keymaps) and what the command palette says, plus help and quit.

The palette (:mod:`tui.commands`), the footer and the help screen all read these bindings.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from tui.screens.base import BaseScreen
from tui.screens.clients import ClientsScreen

# The screens but the first are imported when first shown, not with the app: its start pays
# for the client list only (~10 ms of an app's start at agency scale).


def _authorizations() -> BaseScreen:
    from tui.screens.authorizations import AuthorizationsScreen

    return AuthorizationsScreen()


def _notifications() -> BaseScreen:
    from tui.screens.notifications import NotificationsScreen

    return NotificationsScreen()


def _import() -> BaseScreen:
    from tui.screens.import_screen import ImportScreen

    return ImportScreen()


def _export() -> BaseScreen:
    from tui.screens.export_screen import ExportScreen

    return ExportScreen()


def _audit() -> BaseScreen:
    from tui.screens.audit import AuditScreen

    return AuditScreen()


def _payers() -> BaseScreen:
    from tui.screens.payers import PayersScreen

    return PayersScreen()


def _settings() -> BaseScreen:
    from tui.screens.settings import SettingsScreen

    return SettingsScreen()


def _reports() -> BaseScreen:
    from tui.screens.reports import ReportsScreen

    return ReportsScreen()


# The full screens: the digit that goes to each from anywhere, its mode, label, binding id (for
# keymaps) and what the palette says.
SCREENS: list[tuple[str, str, Callable[[], BaseScreen], str, str, str]] = [
    ("1", "clients", ClientsScreen, "Clients", "go_clients", "Go to Clients"),
    (
        "2",
        "authorizations",
        _authorizations,
        "Authorizations",
        "go_auths",
        "Go to Authorizations (all clients)",
    ),
    (
        "3",
        "notifications",
        _notifications,
        "Notifications",
        "go_notifications",
        "Go to Notifications",
    ),
    ("4", "import", _import, "Import", "go_import", "Go to Import a workbook"),
    ("5", "export", _export, "Export", "go_export", "Go to Export a workbook"),
    (
        "6",
        "audit",
        _audit,
        "Audit",
        "go_audit",
        "Go to the Audit trail: who changed what, when",
    ),
    ("7", "payers", _payers, "Payers", "go_payers", "Go to Payers and procedure groups"),
    (
        "8",
        "settings",
        _settings,
        "Settings",
        "go_settings",
        "Go to Practice settings (notification thresholds)",
    ),
    (
        "9",
        "reports",
        _reports,
        "Reports",
        "go_reports",
        "Go to Reports: expiring, utilization, renewals (and write them to a workbook)",
    ),
]

MODES: dict[str, Callable[[], BaseScreen]] = {mode: make for _, mode, make, _, _, _ in SCREENS}

BINDINGS: list[Binding] = [
    Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
    Binding(
        "question_mark,f1",
        "help",
        "Help",
        id="help",
        key_display="?",
        tooltip="Help: every key",
    ),
    *(
        Binding(key, f"switch_mode('{mode}')", label, id=binding_id, show=False, tooltip=tip)
        for key, mode, _, label, binding_id, tip in SCREENS
    ),
]
