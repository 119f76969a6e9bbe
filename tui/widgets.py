"""Widgets shared by the screens: the top bar with the notification badge, and record tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

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
        who = getattr(app, "tracker", None)
        if who is not None:
            today: dt.date = who.today
            self.query_one("#who", Static).update(
                Text(f"{who.user} · {today:%a} {fmt.date(today)}")
            )

    def _set_count(self, count: int) -> None:
        badge = self.query_one("#badge", Static)
        badge.update(Text(f"⚑ {count} notification{'s' if count != 1 else ''} (3)"))
        badge.set_class(count > 0, "-some")

    def set_where(self, where: str) -> None:
        self.where = where
        self.query_one("#where", Static).update(Text(f"authtrack › {where}"))


@dataclass(frozen=True)
class Col:
    """A table column: ``width`` cells, or at least that and a share of the spare width (flex)."""

    key: str
    label: str
    width: int
    flex: int = 0  # share of spare width
    align: str = "left"  # "left" or "right"
    short: str = ""  # label when the column is narrower than ``label``
    hide_below: int = 0  # left out when the table is narrower than this


Cell = tuple[str, str]  # (text, style level: "", "ok", "low", "out", "muted", "flag", "head")
SPAN = "span"  # a row whose first cell has this level is one heading across all columns


class RecordTable(DataTable):
    """A keyed table of records, filled in one go.

    - Rows are (key, cells) with cells as (text, level); the level maps to a component class
      (styled in the .tcss), so colours come from the stylesheet and the theme.
    - :meth:`set_rows` keeps the cursor on the same record and the scroll position, and does
      nothing when the rows are unchanged (the live refresh then costs nothing and never
      flickers).
    - Column widths follow the table's width: flex columns take the spare cells.
    """

    COMPONENT_CLASSES = {
        "level--ok",
        "level--low",
        "level--out",
        "level--muted",
        "level--flag",
        "level--head",
    }

    DEFAULT_CSS = """
    RecordTable { scrollbar-size-vertical: 1; }
    """
    BINDINGS: ClassVar = [
        Binding("enter", "select_cursor", "Open", id="table_open", show=True),
    ]

    def __init__(self, columns: Sequence[Col], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, cell_padding=0)
        self.specs = list(columns)
        self._rows: list[tuple[str, list[Cell]]] = []
        self._widths: list[int] = []
        self._filled = False

    # --- columns ------------------------------------------------------------------------------

    def _compute_widths(self) -> list[int]:
        """Each column's width; 0 for a column left out at this table width."""
        width = self.size.width or self.app.size.width
        shown = [c for c in self.specs if width >= c.hide_below]
        spare = width - 1 - sum(c.width + 1 for c in shown)
        shares = sum(c.flex for c in shown)
        widths = []
        for c in self.specs:
            if c not in shown:
                widths.append(0)
                continue
            extra = spare * c.flex // shares if shares and spare > 0 else 0
            widths.append(c.width + extra)
        return widths

    def on_resize(self, event: events.Resize) -> None:
        if self._filled and self._compute_widths() != self._widths:
            self._rebuild(keep_key=self.current_key())

    # --- rows ---------------------------------------------------------------------------------

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:  # no valid cursor: no key
            return None

    def set_rows(self, rows: list[tuple[str, list[Cell]]], *, keep_key: str | None = None) -> None:
        """Show ``rows``; the cursor stays on ``keep_key`` (default: the current record)."""
        if self._filled and rows == self._rows and keep_key is None:
            return
        key = keep_key if keep_key is not None else self.current_key()
        self._rows = rows
        self._rebuild(keep_key=key)

    def _rebuild(self, keep_key: str | None) -> None:
        old_row, scroll_y = self.cursor_row, self.scroll_y
        widths = self._compute_widths()
        if widths != self._widths or not self._filled:
            self.clear(columns=True)
            for spec, w in zip(self.specs, widths, strict=True):
                if not w:
                    continue
                text = spec.label if len(spec.label) <= w or not spec.short else spec.short
                label = self._text(text, w, spec.align)
                self.add_column(Text(label), width=w + 1, key=spec.key)
            self._widths = widths
        else:
            self.clear()
        styles = {
            level: self.get_component_rich_style(f"level--{level}", partial=True)
            for level in ("ok", "low", "out", "muted", "flag", "head")
        }
        for key, cells in self._rows:
            if cells and cells[0][1] == SPAN:
                self.add_row(*self._span(cells[0][0], widths, styles["head"]), key=key)
                continue
            self.add_row(
                *(
                    self._cell(text, level, w, spec.align, styles)
                    for (text, level), w, spec in zip(cells, widths, self.specs, strict=False)
                    if w
                ),
                key=key,
            )
        self._filled = True
        index = 0
        if keep_key is not None:
            try:
                index = self.get_row_index(keep_key)
            except RowDoesNotExist:  # the record is gone: stay near where we were
                index = min(old_row, max(self.row_count - 1, 0))
        if self.row_count:
            self.move_cursor(row=index, animate=False, scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
            self.call_after_refresh(self._scroll_cursor_into_view)

    @staticmethod
    def _span(text: str, widths: list[int], style: Style) -> list[Text]:
        """One text across every column (a group heading)."""
        text = " " + text
        cells, start = [], 0
        for w in widths:
            if not w:
                continue
            cells.append(Text(text[start : start + w + 1], style=style, no_wrap=True))
            start += w + 1
        return cells

    @staticmethod
    def _text(text: str, width: int, align: str) -> str:
        """One space between columns, then the text cut to the column (numbers to the right)."""
        text = fmt.truncate(text, width)
        return " " + (text.rjust(width) if align == "right" else text)

    @classmethod
    def _cell(cls, text: str, level: str, width: int, align: str, styles: dict[str, Style]) -> Text:
        return Text(cls._text(text, width, align), style=styles.get(level, ""), no_wrap=True)

    @property
    def keys(self) -> list[str]:
        return [k for k, _ in self._rows]
