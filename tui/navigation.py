"""The app's full screens and its own keys: the digit that goes to each screen from anywhere,
its mode, label, binding id (for keymaps) and what the command palette says, plus help and quit.

The palette (:mod:`tui.commands`), the footer and the help screen all read these bindings.
"""

from __future__ import annotations

from textual.binding import Binding

from tui.screens.audit import AuditScreen
from tui.screens.authorizations import AuthorizationsScreen
from tui.screens.base import BaseScreen
from tui.screens.clients import ClientsScreen
from tui.screens.export_screen import ExportScreen
from tui.screens.import_screen import ImportScreen
from tui.screens.notifications import NotificationsScreen
from tui.screens.payers import PayersScreen
from tui.screens.reports import ReportsScreen
from tui.screens.settings import SettingsScreen

# The full screens: the digit that goes to each from anywhere, its mode, label, binding id (for
# keymaps) and what the palette says.
SCREENS: list[tuple[str, str, type[BaseScreen], str, str, str]] = [
    ("1", "clients", ClientsScreen, "Clients", "go_clients", "Go to Clients"),
    (
        "2",
        "authorizations",
        AuthorizationsScreen,
        "Authorizations",
        "go_auths",
        "Go to Authorizations (all clients)",
    ),
    (
        "3",
        "notifications",
        NotificationsScreen,
        "Notifications",
        "go_notifications",
        "Go to Notifications",
    ),
    ("4", "import", ImportScreen, "Import", "go_import", "Go to Import a workbook"),
    ("5", "export", ExportScreen, "Export", "go_export", "Go to Export a workbook"),
    (
        "6",
        "audit",
        AuditScreen,
        "Audit",
        "go_audit",
        "Go to the Audit trail: who changed what, when",
    ),
    ("7", "payers", PayersScreen, "Payers", "go_payers", "Go to Payers and procedure groups"),
    (
        "8",
        "settings",
        SettingsScreen,
        "Settings",
        "go_settings",
        "Go to Practice settings (notification thresholds)",
    ),
    (
        "9",
        "reports",
        ReportsScreen,
        "Reports",
        "go_reports",
        "Go to Reports: expiring, utilization, renewals (and write them to a workbook)",
    ),
]

MODES: dict[str, type[BaseScreen]] = {mode: screen for _, mode, screen, _, _, _ in SCREENS}

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
