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
    """One line: where you are on the left; notifications, user and role, and today on the
    right. Below ``WIDE`` columns the app's name and the weekday are left out, so that where
    you are still fits."""

    WIDE = 100
    count: reactive[int] = reactive(0)

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        yield Static(id="badge")
        yield Static(id="who")

    def on_mount(self) -> None:
        app = self.app
        self._draw_where()
        self.watch(app, "notification_count", self._set_count)
        self.watch(app, "day", self._set_day)

    @property
    def wide(self) -> bool:
        return self.app.size.width >= self.WIDE

    def on_resize(self) -> None:
        self._draw_where()
        self._set_day(getattr(self.app, "day", dt.date.min))

    def _draw_where(self) -> None:
        prefix = "authtrack › " if self.wide else ""
        self.query_one("#where", Static).update(Text(prefix + self.where))

    def _set_day(self, today: dt.date) -> None:
        if today == dt.date.min:
            return
        user = getattr(self.app, "user", "")
        role = getattr(self.app, "role", "")
        who = f"{user} · {role}" if role else user
        day = f"{today:%a} {fmt.date(today)}" if self.wide else fmt.date(today)
        self.query_one("#who", Static).update(Text(f"{who} · {day}"))

    def _set_count(self, count: int) -> None:
        badge = self.query_one("#badge", Static)
        badge.update(Text(f"⚑ {count} notification{'s' if count != 1 else ''} (3)"))
        badge.set_class(count > 0, "-some")

    def set_where(self, where: str) -> None:
        self.where = where
        self._draw_where()


class Tick(Checkbox):
    """A checkbox that reads the same without colour: ``[x]`` ticked, ``[ ]`` not.

    Textual's checkbox always draws an X and tells on from off by colour alone, which NO_COLOR
    and 16-colour terminals lose.
    """

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", style), "]")
