"""What every full screen has: the top bar with the notification badge, the footer, live data,
permissions on its actions, and its actions in the command palette."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Input

from tui.commands import Command, ScreenCommands, binding_commands
from tui.table import RecordTable
from tui.widgets import TopBar

if TYPE_CHECKING:
    from tui.app import AuthTrackApp


def screen_bindings(cls: type) -> list[Binding]:
    """The bindings a screen class declares, its own first, then its bases'."""
    found: list[Binding] = []
    for klass in cls.__mro__:
        for binding in klass.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding not in found:
                found.append(binding)
    return found


class Permissions:
    """Mixin: actions named in ``PERMISSIONS`` are greyed out unless the user may do them."""

    PERMISSIONS: ClassVar[dict[str, str]] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        permission = self.PERMISSIONS.get(action)
        if permission and not cast("AuthTrackApp", self.app).may(permission):  # type: ignore[attr-defined]
            return None
        return True

    def on_key(self, event: Key) -> None:
        """A key whose action the role does not allow is greyed in the footer and does nothing;
        pressing it says which role it needs (instead of silence)."""
        app = cast("AuthTrackApp", self.app)  # type: ignore[attr-defined]
        for binding in self._bindings.key_to_bindings.get(event.key, ()):  # type: ignore[attr-defined]
            permission = self.PERMISSIONS.get(binding.action)
            if permission and not app.may(permission):
                app.notify(app.refusal(permission), severity="warning", timeout=8)
                event.stop()
                return


class BaseScreen(Permissions, Screen):
    """A full screen of the app (Clients, Authorizations, ...)."""

    WHERE: ClassVar[str] = ""
    PARTIAL_OK: ClassVar[bool] = False  # can draw the first, partial snapshot (see app)
    COMMANDS = {ScreenCommands}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stale = False

    @property
    def at(self) -> AuthTrackApp:
        """The app, typed."""
        return cast("AuthTrackApp", self.app)

    def compose(self) -> ComposeResult:
        yield TopBar(self.WHERE)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.at.watch_screen(self)
        if self.ready:
            self.refresh_data()

    @property
    def ready(self) -> bool:
        """Whether there is data this screen can draw."""
        return self.at.data is not None and (self.PARTIAL_OK or not self.at.partial)

    # --- live data ----------------------------------------------------------------------------

    def data_changed(self) -> None:
        """New data arrived: redraw now if visible, else when the screen comes back."""
        if not self.ready:
            return
        if self.is_current:
            self.refresh_data()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale and self.ready:
            self._stale = False
            self.refresh_data()

    def refresh_data(self) -> None:
        """Redraw from ``self.at.data`` (keeping the cursor on the same record)."""

    def data_failed(self, message: str) -> None:
        """The data file could not be read (``message`` says why and what to do)."""

    # --- commands -----------------------------------------------------------------------------

    def palette_commands(self) -> Iterator[Command]:
        return binding_commands(self, screen_bindings(type(self)))


class FilteredListScreen(BaseScreen):
    """A screen with a ``#filter`` box over a :class:`RecordTable` (``self.table``): typing
    filters, enter or down goes to the table, escape clears the filter; the highlighted row is
    shown in detail (``_show_selected``) and enter on it opens it (``action_open``)."""

    table: RecordTable

    def filter_changed(self) -> None:
        self.refresh_data()

    def _show_selected(self) -> None:
        raise NotImplementedError

    def action_open(self) -> None:
        raise NotImplementedError

    @on(RecordTable.Highlighted)
    def _highlighted(self) -> None:
        self._show_selected()

    @on(RecordTable.Selected)
    def _selected(self) -> None:
        self.action_open()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.filter_changed()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.set_focus(self.table)

    def on_key(self, event: Key) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus and event.key in ("escape", "down"):
            if event.key == "escape":
                box.value = ""
            self.set_focus(self.table)  # now, not later: keys typed ahead go to the table
            event.stop()
