"""Modal forms: one row per field, the problem shown under the field as you type.

A form builds its record from the widgets on every change, asks the domain's
``validate.*_problems`` what is wrong (each problem names its ``field``), and shows each sentence
under that field — once the field was touched, or for all fields after a save was tried. ``ctrl+s``
saves through the app's worker; ``escape`` cancels (asking first when something was typed). A save
refused because someone else changed the record offers to reload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from priorauth.errors import AuthTrackError, ConflictError, ValidationError, ValidationErrors
from priorauth.services.tracker import Tracker
from tui import fmt, parse
from tui.commands import Command, binding_commands
from tui.gc_pause import GcPause
from tui.screens.base import Permissions, screen_bindings
from tui.screens.dialogs import ConfirmDialog, ConflictDialog

if TYPE_CHECKING:
    from priorauth.data import Data
    from tui.app import AuthTrackApp

T = TypeVar("T")
FORM_CHROME = 8  # border, title, note, problems, keys


def line_row(name: str, *widgets: Widget, classes: str = "") -> Horizontal:
    """A form row of one line (``#field-<name>``): the line itself is the row.

    The row's problem is shown on a line below it, made the first time there is one
    (:meth:`FormScreen.show_problems`): a form opens with fewer widgets to build and lay out
    (each row was a box holding its line and a hidden problem line)."""
    return Horizontal(*widgets, classes=f"field field-line {classes}".strip(), id=f"field-{name}")


def field_row(name: str, label: str, widget: Widget, hint: str | None = None) -> Horizontal:
    """Label, input and a hint on one line; the problem (if any) on the line below.

    ``hint`` None: no hint (a date field passes "": :meth:`FormScreen.date_field` writes the
    date out there)."""
    widget.id = widget.id or name
    first = Label(Text(label), classes="field-label")
    if hint is None:
        return line_row(name, first, widget, classes="-no-hint")
    return line_row(
        name, first, widget, Static(Text(hint), classes="field-hint", id=f"hint-{name}")
    )


def section(title: str) -> Label:
    return Label(Text(title), classes="form-section")


_FIELDS = ".field Input, .field Select, .field Checkbox"


class FormScreen(Permissions, ModalScreen[T | None], Generic[T]):
    """Subclasses compose their fields with :func:`field_row` and implement :meth:`build`
    (record + parse problems), :meth:`problems` (domain validation) and :meth:`save`."""

    TITLE: ClassVar[str] = ""
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = ()  # (key, words) shown after tab
    # the first field takes the focus as the form opens; Textual's default ("*") gave it first to
    # the scrolling body, whose focus and blur each restyled every widget of the form (~50 ms
    # each on the authorization form's 150)
    AUTO_FOCUS: ClassVar[str | None] = _FIELDS
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save", id="form_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="form-screen")
        self._ready = False
        self._tried = False
        self._saving = False
        self.touched: set[str] = set()
        self.shown_problems: list[ValidationError] = []
        self._problem_lines: dict[str, Static] = {}  # row name -> its problem's line, once made
        # no cyclic garbage collection while the form is built, painted and first validated
        self._gc_pause = GcPause()

    @property
    def at(self) -> AuthTrackApp:
        return cast("AuthTrackApp", self.app)

    @property
    def data(self) -> Data:
        assert self.at.data is not None
        return self.at.data

    @property
    def today(self) -> dt.date:
        return self.at.today

    def compose(self) -> ComposeResult:
        self._gc_pause.start()  # ended once the form is shown (_start) or closed (on_unmount)
        with Vertical(classes="form"):
            yield Label(Text(self.title_text()), classes="form-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static(id="form-note", classes="form-note")
            yield Static(id="form-problems", classes="form-problems")
            yield Static(
                Text.assemble(
                    ("ctrl+s", "bold"),
                    " save   ",
                    ("esc", "bold"),
                    " cancel   ",
                    ("tab", "bold"),
                    " next field",
                    *[
                        part
                        for key, words in self.KEYS
                        for part in ("   ", (key, "bold"), f" {words}")
                    ],
                ),
                classes="form-keys",
            )

    def title_text(self) -> str:
        return self.TITLE

    def palette_commands(self) -> Iterator[Command]:
        """The form's actions in the command palette (ctrl+p), as on every screen."""
        return binding_commands(self, screen_bindings(type(self)))

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self._fit(self.app.size.height)
        first = self.query(_FIELDS).first()
        self.set_focus(first)  # at once, so what is typed right after the key lands here
        self.revalidate()
        self.call_after_refresh(self._start)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """The fields scroll; the title, the note and the keys stay visible at any height."""
        self.query_one(".form-body").styles.max_height = max(4, height - FORM_CHROME)

    def on_unmount(self) -> None:
        self._gc_pause.end()

    def _start(self) -> None:
        self._ready = True
        # what the first paint set off (the footer's keys for the form, the focus's restyle) is
        # laid out and painted in the next refresh: the last step of the opening
        self.call_after_refresh(self._gc_pause.end)

    # --- reading the widgets ------------------------------------------------------------------

    def text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def choice(self, name: str) -> Any:
        value = self.query_one(f"#{name}", Select).value
        return None if value is Select.NULL else value

    def checked(self, name: str) -> bool:
        return self.query_one(f"#{name}", Checkbox).value

    def date_field(
        self, name: str, problems: list[ValidationError], *, past: bool = False
    ) -> dt.date | None:
        """The date typed in field ``name``; a parse problem is added to ``problems``."""
        hint = self.query_one(f"#hint-{name}", Static)
        try:
            value = parse.parse_date(self.text(name), self.today, past=past)
        except ValueError as e:
            problems.append(ValidationError(str(e), name))
            hint.update("")
            return None
        hint.update(Text(fmt.long_date(value) if value else self.blank_hint(name)))
        return value

    def blank_hint(self, name: str) -> str:
        return ""

    def count_field(
        self,
        name: str,
        problems: list[ValidationError],
        *,
        blank: int | None = None,
        fractions: bool = False,
    ) -> Any:
        try:
            return parse.parse_count(self.text(name), blank=blank, fractions=fractions)
        except ValueError as e:
            problems.append(ValidationError(str(e), name))
            return blank

    # --- validation ---------------------------------------------------------------------------

    def build(self) -> tuple[Any, list[ValidationError]]:
        """The record from the widgets, and the problems found reading them."""
        raise NotImplementedError

    def problems(self, record: Any) -> list[ValidationError]:
        """The domain's problems with ``record``."""
        return []

    def save(self, tracker: Tracker, record: Any) -> Any:
        """Save ``record`` (runs in a worker thread); the result is what the form returns."""
        raise NotImplementedError

    def after_change(self, record: Any) -> None:
        """Hook: update notes (what saving will do) after each change."""

    def ask_before_saving(self, record: Any) -> tuple[str, str, str] | None:
        """Hook: a question to answer before ``record`` is saved (title, question, the "yes"
        word), e.g. a likely duplicate or a change that clears something; None: save at once."""
        return None

    def revalidate(self) -> tuple[Any, list[ValidationError]]:
        record, problems = self.build()
        read_fields = {p.field for p in problems}
        if record is not None:
            problems += [p for p in self.problems(record) if p.field not in read_fields]
            self.after_change(record)
        self.show_problems(problems)
        return record, problems

    def show_problems(self, problems: list[ValidationError]) -> None:
        flat: list[ValidationError] = []
        for p in problems:
            flat.extend(p.errors if isinstance(p, ValidationErrors) else [p])
        self.shown_problems = flat
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for p in flat:
            name = self.field_for(p.field)
            if name and self.query(f"#field-{name}"):
                by_field.setdefault(name, []).append(str(p))
            else:
                general.append(str(p))
        for row in self.query(".field"):
            name = (row.id or "").removeprefix("field-")
            messages = by_field.get(name, []) if (self._tried or name in self.touched) else []
            error = self._problem_lines.get(name)
            if error is None or not error.is_attached:  # (a removed service line took it)
                if not messages:
                    continue
                # the row's first problem: its line is made now (see line_row)
                error = Static(classes="field-error", id=f"error-{name}")
                self._problem_lines[name] = error
                if row.has_class("field-line"):  # a row of one line: the problem goes below it
                    cast(Widget, row.parent).mount(error, after=row)
                else:  # a row of several lines holds its problem's line
                    row.mount(error)
            error.update(Text(" ".join(messages)))
            error.display = bool(messages)
            row.set_class(bool(messages), "-invalid")
        box = self.query_one("#form-problems", Static)
        visible = general if self._tried else []
        box.update(Text("\n".join(visible)))
        box.display = bool(visible)

    def field_for(self, field: str | None) -> str | None:
        """The form row showing problems of domain field ``field`` (same name by default)."""
        return field

    def set_note(self, text: str, level: str = "") -> None:
        note = self.query_one("#form-note", Static)
        note.update(Text(text))
        note.display = bool(text)
        note.set_class(level == "warn", "-warn")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        if not self._ready:
            return
        name = event.control.id
        if name:
            self.touched.add(self.row_of(name))
        self.field_changed(name or "")
        self.revalidate()

    def row_of(self, widget_id: str) -> str:
        return widget_id

    def field_changed(self, name: str) -> None:
        """Hook: react to one field (e.g. a payer choice sets "prior auth required")."""

    # --- save / cancel ------------------------------------------------------------------------

    def action_save(self) -> None:
        if self._saving:
            return
        self._tried = True
        record, problems = self.revalidate()
        if problems or record is None:
            self.focus_first_problem()
            self.app.bell()
            return
        question = self.ask_before_saving(record)
        if question is not None:
            title, text, yes = question

            def answer(go: bool | None) -> None:
                if go:
                    self._save(record)

            self.app.push_screen(ConfirmDialog(title, text, yes, "Back to the form"), answer)
            return
        self._save(record)

    def _save(self, record: Any) -> None:
        if self._saving:
            return
        self._saving = True
        self.set_note("Saving…")
        save: Callable[[Tracker], Any] = lambda tracker: self.save(tracker, record)  # noqa: E731
        self.at.store_call(save, done=self._saved, failed=self._failed)

    def _saved(self, result: Any) -> None:
        self._saving = False
        self.dismiss(result)

    def _failed(self, error: AuthTrackError) -> bool:
        self._saving = False
        self.set_note("")
        if isinstance(error, ValidationError):
            self.show_problems([error])
            self.focus_first_problem()
            return True
        if isinstance(error, ConflictError):
            self.app.push_screen(ConflictDialog(str(error)), self._after_conflict)
            return True
        self.set_note(str(error), "warn")
        return False

    def _after_conflict(self, reload: bool | None) -> None:
        if reload:
            self.at.reload()
            self.dismiss(None)

    def focus_first_problem(self) -> None:
        for row in self.query(".field.-invalid"):
            widget = row.query(".field-line > Input, .field-line > Select, .field-line > Checkbox")
            if widget:
                widget.first().focus()
                row.scroll_visible()
                return

    def action_cancel(self) -> None:
        if not self.touched:
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(
                "Discard changes?",
                "Close the form without saving what you typed?",
                "Discard",
                "Keep editing",
            ),
            answer,
        )
