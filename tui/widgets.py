"""Widgets shared by the screens: the top bar with the notification badge, and record tables."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Checkbox, Static

from tui import fmt


class TopBar(Horizontal):
    """One line: where you are on the left; notifications, user and today on the right."""

    count: reactive[int] = reactive(0)

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        yield Static(Text(f"authtrack › {self.where}"), id="where")
        yield Static(id="badge")
        yield Static(id="who")

    def on_mount(self) -> None:
        app = self.app
        self.watch(app, "notification_count", self._set_count)
        self.watch(app, "day", self._set_day)

    def _set_day(self, today: dt.date) -> None:
        user = getattr(self.app, "user", "")
        if today != dt.date.min:
            self.query_one("#who", Static).update(Text(f"{user} · {today:%a} {fmt.date(today)}"))

    def _set_count(self, count: int) -> None:
        badge = self.query_one("#badge", Static)
        badge.update(Text(f"⚑ {count} notification{'s' if count != 1 else ''} (3)"))
        badge.set_class(count > 0, "-some")

    def set_where(self, where: str) -> None:
        self.where = where
        self.query_one("#where", Static).update(Text(f"authtrack › {where}"))


class Tick(Checkbox):
    """A checkbox that reads the same without colour: ``[x]`` ticked, ``[ ]`` not.

    Textual's checkbox always draws an X and tells on from off by colour alone, which NO_COLOR
    and 16-colour terminals lose.
    """

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", style), "]")
