"""Help (``?``): every key of every screen, the current screen's first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from priorauth.roles import ACTION_ROLES, ACTION_WORDS
from tui.commands import key_text
from tui.screens.base import screen_bindings

if TYPE_CHECKING:
    from tui.app import AuthTrackApp

INTRO = (
    "authtrack tracks prior authorizations: what each client is authorized for, what is used, "
    "scheduled and left, and which number goes in box 23. Every action has one key, shown "
    "below and in the footer; ctrl+p opens the command palette, where every action can also "
    "be found by name. Dates can be typed as 11/23/2026, 11/23/26, 2026-11-23, Nov 23 2026, "
    "today, +30 (days), +6m (months)."
)


Section = tuple[str, list[Binding], dict[str, str]]  # title, bindings, action -> permission


def help_sections(current: type | None, app_bindings: Sequence[Binding]) -> list[Section]:
    """(title, bindings, permissions) for the current screen, the other screens, the forms and
    the app (whose own bindings the caller passes: this module does not import the app)."""
    from tui.forms.auth_form import AuthForm
    from tui.forms.base import FormScreen
    from tui.forms.client_form import ClientForm
    from tui.screens.audit import AuditScreen
    from tui.screens.authorizations import AuthorizationsScreen
    from tui.screens.client import ClientScreen
    from tui.screens.clients import ClientsScreen
    from tui.screens.export_screen import ExportScreen
    from tui.screens.import_screen import ImportScreen
    from tui.screens.notifications import NotificationsScreen
    from tui.screens.payers import PayersScreen
    from tui.screens.reports import ReportsScreen
    from tui.screens.settings import SettingsScreen

    screens: list[type] = [
        ClientsScreen,
        ClientScreen,
        AuthorizationsScreen,
        NotificationsScreen,
        ImportScreen,
        ExportScreen,
        AuditScreen,
        PayersScreen,
        SettingsScreen,
        ReportsScreen,
    ]
    if current in screens:
        screens.remove(current)
        screens.insert(0, current)
    sections: list[Section] = [
        (getattr(s, "WHERE", s.__name__), screen_bindings(s), getattr(s, "PERMISSIONS", {}))
        for s in screens
    ]
    forms: list[Binding] = []
    form_permissions: dict[str, str] = {}
    for form in (FormScreen, ClientForm):
        forms += [b for b in screen_bindings(form) if b not in forms]
        form_permissions.update(form.PERMISSIONS)
    sections.append(("Forms", forms, form_permissions))
    auth_form = [b for b in screen_bindings(AuthForm) if b not in forms]
    sections.append(("Authorization form", auth_form, dict(AuthForm.PERMISSIONS)))
    palette = Binding(
        "ctrl+p", "", "Commands", id="palette", tooltip="Command palette: find any action by name"
    )
    tab = Binding("tab", "", "Next", id="tab", tooltip="Next field or table (shift+tab: previous)")
    sections.append(("Everywhere", [*app_bindings, palette, tab], {}))
    return sections


def denied_actions(app: AuthTrackApp) -> list[str]:
    """The permissions (``roles.ACTION_ROLES`` keys) the user's role does not have."""
    return [action for action in ACTION_ROLES if not app.may(action)]


def role_text(app: AuthTrackApp) -> Text:
    """Who you are, your role, and what it does not let you do."""
    text = Text()
    text.append(f"You are {app.user}, role {app.role or 'unknown'}", style="bold")
    if app.access is not None:
        text.append(f" ({app.access.source})")
    denied = denied_actions(app)
    if not denied:
        text.append(": you may do everything.\n")
        return text
    text.append(". Your role cannot do:\n")
    for action in denied:
        text.append(f"  · {ACTION_WORDS[action]} (needs {ACTION_ROLES[action].label})\n")
    text.append("Ask your authtrack admin if you need one of these.\n")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [
        Binding("escape,question_mark,q", "close", "Close", id="help_close"),
    ]

    def __init__(self, current: Screen | None = None) -> None:
        super().__init__(classes="dialog")
        self.current = type(current) if current is not None else None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -help"):
            yield Label("Help · keys", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._text())
            yield Static(Text("↑↓ scroll · esc close"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def _text(self) -> Text:
        assert self.app is not None
        text = Text(INTRO + "\n\n")
        text.append_text(role_text(cast("AuthTrackApp", self.app)))
        denied = denied_actions(cast("AuthTrackApp", self.app))
        for title, bindings, permissions in help_sections(self.current, self._app_bindings()):
            text.append(f"\n{title}\n", style="bold underline")
            for b in bindings:
                if not b.description or not b.id:
                    continue
                text.append(f"  {key_text(self.app, b):>8}  ", style="bold")
                text.append(f"{b.tooltip or b.description}")
                permission = permissions.get(b.action.partition("(")[0])
                if permission in denied:
                    text.append(" (not for your role)", style="italic")
                text.append("\n")
        return text

    def _app_bindings(self) -> list[Binding]:
        return [b for b in type(self.app).BINDINGS if isinstance(b, Binding)]

    def action_close(self) -> None:
        self.dismiss(None)
