"""RecordTable: a keyed, read-only table that draws only the rows on screen.

Textual's DataTable keeps per-row bookkeeping (keys, offsets, measured widths) that makes
refilling 2,000 or 10,000 rows cost tens to hundreds of milliseconds — too slow for a filter that
refills on every keystroke. This table keeps the rows as a plain list and renders lines on demand
(the Line API), so a refill is a list assignment and drawing costs only the visible lines.

- Rows are ``(key, cells)``; a cell is ``(text, level)``. The level names a component class
  (``level--low`` ...), styled in the .tcss, so colours come from the stylesheet and the theme.
- :meth:`RecordTable.set_rows` keeps the cursor on the same record and the scroll position, and
  does nothing when the rows are unchanged (live refresh costs nothing and never flickers).
- Column widths follow the table's width: flex columns share the spare cells; a column can be
  left out below a given width.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, overload

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from priorauth.safetext import shown
from tui import fmt


@dataclass(frozen=True)
class Col:
    """A column: ``width`` cells, or at least that and a share of the spare width (flex)."""

    key: str
    label: str
    width: int
    flex: int = 0  # share of spare width
    align: str = "left"  # "left" or "right"
    short: str = ""  # label when the column is narrower than ``label``
    hide_below: int = 0  # left out when the table is narrower than this
    fit: bool = False  # never cut: at least as wide as its longest value (auth numbers, counts)


Cell = tuple[str, str]  # (text, level: "", "ok", "low", "out", "muted", "flag", "head")
Row = tuple[str, list[Cell]]
SPAN = "span"  # a row whose first cell has this level is one heading across all columns
LEVELS = ("ok", "low", "out", "muted", "flag", "head")


class Formatted:
    """A screen's rows as cells, kept by record, made only when drawn: :meth:`rows` gives a
    :class:`LazyRows` whose rows are formatted as the table reads them (the rows on screen and a
    margin), and a refresh formats again only the records whose row value changed (another
    user's save changes a row or two of thousands)."""

    def __init__(self) -> None:
        self._made: dict[object, tuple[object, Row]] = {}

    def rows(
        self,
        values: Sequence[object],
        key: Callable[[Any], object],
        cells: Callable[[Any], list[Cell]],
    ) -> LazyRows:
        """The row ``(str(key(value)), cells(value))`` of each value, in order, formatted when
        first read (rows are frozen values, so an unchanged record's row is the same object and
        its cells are the ones made before)."""
        raw = [key(v) for v in values]
        made = self._made
        if len(made) > 2 * len(raw) + 1000:  # (records gone or filtered out long ago)
            self._made = made = {k: made[k] for k in raw if k in made}
        return LazyRows(list(values), raw, cells, made)


class LazyRows(Sequence[Row]):
    """Rows formatted when first read (see :class:`Formatted`); sorting and filtering happen
    on the values before, so they cover every row while only the drawn ones are formatted."""

    def __init__(
        self,
        values: list[object],
        raw: list[object],
        cells: Callable[[Any], list[Cell]],
        made: dict[object, tuple[object, Row]],
    ) -> None:
        self._values, self._raw, self._cells, self._made = values, raw, cells, made
        self.keys = [str(k) for k in raw]
        self.formatted_indexes: set[int] = set()  # rows read (formatted now or before)

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._values)
        value, raw = self._values[index], self._raw[index]
        known = self._made.get(raw)
        if known is None or known[0] is not value:
            known = self._made[raw] = (value, (self.keys[index], self._cells(value)))
        self.formatted_indexes.add(index)
        return known[1]

    def formatted(self) -> list[Row]:
        """The rows read so far (what column widths are measured on)."""
        return [self[i] for i in self.formatted_indexes]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LazyRows):
            return NotImplemented
        return (
            self._cells is other._cells
            and self.keys == other.keys
            and all(a is b or a == b for a, b in zip(self._values, other._values, strict=True))
        )

    __hash__ = None  # type: ignore[assignment]


class RecordTable(ScrollView, can_focus=True):
    """See the module docstring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "recordtable--header",
        "recordtable--cursor",
        "recordtable--cursor-blurred",
        *(f"level--{level}" for level in LEVELS),
    }
    BINDINGS: ClassVar = [
        Binding("enter", "select", "Open", id="table_open"),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "edge(0)", "First", show=False),
        Binding("end,ctrl+end", "edge(1)", "Last", show=False),
    ]
    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    RecordTable > .recordtable--header { text-style: bold; background: $panel; }
    RecordTable > .recordtable--cursor { background: $block-cursor-background;
        color: $block-cursor-foreground; text-style: bold; }
    RecordTable > .recordtable--cursor-blurred { background: $block-cursor-blurred-background; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False, init=False)

    class Highlighted(Message):
        """The cursor moved to the row with ``key`` (None: the table is empty)."""

        def __init__(self, table: RecordTable, key: str | None) -> None:
            super().__init__()
            self.table, self.key = table, key

        @property
        def control(self) -> RecordTable:
            return self.table

    class Selected(Message):
        """Enter (or a double click) on the row with ``key``."""

        def __init__(self, table: RecordTable, key: str) -> None:
            super().__init__()
            self.table, self.key = table, key

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(
        self, columns: Sequence[Col], *, id: str | None = None, selectable: bool = True
    ) -> None:
        super().__init__(id=id)
        self.specs = list(columns)
        self.selectable = selectable  # False: enter does nothing (and is not offered)
        self._rows: Sequence[Row] = []
        self._keys: list[str] = []
        self._widths: list[int] = []
        self._index: dict[str, int] = {}
        self._filled = False
        self._last_key: str | None = None

    # --- reading ------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    def current_key(self) -> str | None:
        if not self._keys:
            return None
        return self._keys[min(self.cursor_row, len(self._keys) - 1)]

    @property
    def formatted_count(self) -> int:
        """How many of the rows have been formatted (all of them unless lazy)."""
        rows = self._rows
        return len(rows.formatted_indexes) if isinstance(rows, LazyRows) else len(rows)

    def row_text(self, index: int) -> str:
        """The row as shown (for tests and screen readers of the snapshot)."""
        return "".join(s.text for s in self._line(index, self.size.width or 80))

    # --- filling ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row], *, keep_key: str | None = None) -> None:
        """Show ``rows`` (a list, or :class:`LazyRows`: only the rows drawn and a margin are
        ever formatted); the cursor stays on ``keep_key`` (default: the current record)."""
        if self._filled and keep_key is None and _same(rows, self._rows):
            return
        key = keep_key if keep_key is not None else self.current_key()
        old_row = self.cursor_row
        self._rows = rows
        self._keys = rows.keys if isinstance(rows, LazyRows) else [k for k, _ in rows]
        self._index = {k: i for i, k in enumerate(self._keys)}
        self._filled = True
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        index = self._index.get(key, min(old_row, len(rows) - 1)) if key is not None else 0
        self.move_cursor(max(index, 0))
        self._widths = self._compute_widths()
        self._announce()
        self.refresh()

    def move_cursor(self, row: int) -> None:
        self.cursor_row = max(0, min(row, len(self._rows) - 1)) if self._rows else 0
        self._scroll_to_cursor()

    def watch_cursor_row(self) -> None:
        self._announce()
        self.refresh()

    def _announce(self) -> None:
        key = self.current_key()
        if key != self._last_key or not self._rows:
            self._last_key = key
            self.post_message(self.Highlighted(self, key))

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            top = self.cursor_row
        elif self.cursor_row >= top + visible:
            top = self.cursor_row - visible + 1
        top = max(0, min(top, max(0, len(self._rows) - visible)))
        if top != round(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)

    # --- columns ------------------------------------------------------------------------------

    def _window(self) -> range:
        """The rows on screen and a page's margin on either side (those formatted first)."""
        page = max(1, (self.scrollable_content_region.height or self.app.size.height) - 1)
        top = round(self.scroll_y)
        return range(max(0, top - page), min(len(self._rows), top + 2 * page))

    def _measured(self) -> Iterable[Row]:
        """The rows column widths are measured on: every row of a list; of lazy rows the
        window's (formatted now) and any formatted before."""
        rows = self._rows
        if not isinstance(rows, LazyRows):
            return rows
        for i in self._window():
            rows[i]
        return rows.formatted()

    def _compute_widths(self) -> list[int]:
        """Each column's width; 0 for a column left out at this table width. A fit column is
        as wide as its longest value among the rows formatted so far (lazy rows: it may widen
        as rows further down are drawn, never cutting a value)."""
        width = self.size.width or self.app.size.width
        shown = [c for c in self.specs if width >= c.hide_below]
        base = {i: c.width for i, c in enumerate(self.specs)}
        measured = self._measured() if any(c.fit for c in shown) else ()
        for i, c in enumerate(self.specs):
            if c.fit and c in shown:  # as wide as its longest value: never cut mid-value
                longest = max(
                    (
                        len(cells[i][0])
                        for _, cells in measured
                        if len(cells) > i and cells[0][1] != SPAN
                    ),
                    default=0,
                )
                base[i] = max(c.width, longest)
        spare = width - 1 - sum(base[i] + 1 for i, c in enumerate(self.specs) if c in shown)
        shares = sum(c.flex for c in shown)
        yielding = sum(c.flex for c in shown if not c.fit)  # what may shrink: names, notes
        widths = []
        for i, c in enumerate(self.specs):
            if c not in shown:
                widths.append(0)
            elif shares and spare > 0:
                widths.append(base[i] + spare * c.flex // shares)
            elif yielding and spare < 0 and c.flex and not c.fit:  # names give way first
                widths.append(max(4, base[i] + spare * c.flex // yielding))
            else:
                widths.append(base[i])
        return widths

    def on_resize(self, event: events.Resize) -> None:
        self._widths = self._compute_widths()
        self.virtual_size = Size(event.size.width, len(self._rows) + 1)
        self._scroll_to_cursor()
        self.refresh()

    # --- drawing ------------------------------------------------------------------------------

    def _styles(self) -> dict[str, Style]:
        return {
            level: self.get_component_rich_style(f"level--{level}", partial=True)
            for level in LEVELS
        }

    def render_lines(self, crop: Region) -> list[Strip]:
        """Lazy rows: format the window before drawing it, widening a fit column if a newly
        formatted value needs it."""
        rows = self._rows
        if isinstance(rows, LazyRows) and not rows.formatted_indexes.issuperset(self._window()):
            widths = self._compute_widths()
            if widths != self._widths:  # (the header and every line: drawn again)
                self._widths = widths
                self.refresh()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("recordtable--header")
            segments = self._header_segments(style)
            return Strip(segments).adjust_cell_length(width, style)
        index = round(self.scroll_y) + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, base)
        segments = self._line(index, width)
        if index == self.cursor_row:
            name = "recordtable--cursor" if self.has_focus else "recordtable--cursor-blurred"
            cursor = self.get_component_rich_style(name)
            segments = [Segment(s.text, (s.style or Style()) + cursor) for s in segments]
            segments = _marked(segments, CURSOR_MARK if self.has_focus else BLURRED_MARK)
            return Strip(segments).adjust_cell_length(width, base + cursor)
        return Strip(segments).adjust_cell_length(width, base)

    def _header_segments(self, style: Style) -> list[Segment]:
        segments = []
        for spec, w in zip(self.specs, self._widths, strict=False):
            if not w:
                continue
            label = spec.label if len(spec.label) <= w or not spec.short else spec.short
            segments.append(Segment(_fit(label, w, spec.align), style))
        return segments

    def _line(self, index: int, width: int) -> list[Segment]:
        cells = self._rows[index][1]
        base = self.rich_style
        styles = self._styles()
        widths = self._widths or self._compute_widths()
        if cells and cells[0][1] == SPAN:
            return [Segment(" " + shown(cells[0][0]), base + styles["head"])]
        segments = []
        for (text, level), w, spec in zip(cells, widths, self.specs, strict=False):
            if not w:
                continue
            style = base + styles[level] if level in styles else base
            segments.append(Segment(_fit(text, w, spec.align), style))
        return segments

    # --- keys and mouse -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.selectable or action != "select"

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - 2)
        self.move_cursor(self.cursor_row + direction * page)

    def action_edge(self, end: int) -> None:
        self.move_cursor(len(self._rows) - 1 if end else 0)

    def action_select(self) -> None:
        key = self.current_key()
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._rows):
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_select()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def _same(rows: Sequence[Row], shown: Sequence[Row]) -> bool:
    """Whether ``rows`` are the rows shown (lazy rows compare their values, not their cells)."""
    if isinstance(rows, LazyRows) != isinstance(shown, LazyRows):
        return False
    return rows == shown


# The selected row is marked in its first cell, not only by colour (16 colours, NO_COLOR)
CURSOR_MARK, BLURRED_MARK = "▶", "▷"


def _marked(segments: list[Segment], mark: str) -> list[Segment]:
    """``segments`` with the leading space of the row replaced by ``mark``."""
    if not segments or not segments[0].text.startswith(" "):
        return segments
    first = segments[0]
    return [Segment(mark + first.text[1:], first.style), *segments[1:]]


def _fit(text: str, width: int, align: str) -> str:
    """One space before each column, the text cut to the column (numbers to the right); control
    characters from data shown, never sent (the table draws segments, not ``Text``)."""
    text = fmt.truncate(shown(text), width)
    return " " + (text.rjust(width) if align == "right" else text.ljust(width))
