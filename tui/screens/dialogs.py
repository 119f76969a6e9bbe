"""Small modal dialogs: confirm, conflict (offer to reload), a prompt, and a notes editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tui import fmt


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: ``y`` (or enter) does it, ``n`` or escape leaves things as they are."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="dialog_yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog_no"),
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog")
        self.title_text, self.question, self.yes, self.no = title, question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.question), classes="dialog-body")
            yield Static(
                Text.assemble(("y", "bold"), f" {self.yes}    ", ("n", "bold"), f"/esc {self.no}"),
                classes="dialog-keys",
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ConflictDialog(ModalScreen[bool]):
    """Someone else saved first: say who and when, and offer to reload (never overwrite)."""

    BINDINGS = [
        Binding("r,enter", "answer(True)", "Reload", id="conflict_reload"),
        Binding("escape", "answer(False)", "Back", id="conflict_back"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__(classes="dialog")
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -conflict"):
            yield Label("Changed by someone else", classes="dialog-title")
            now = self.app.now()  # type: ignore[attr-defined]
            message = fmt.times_in_words(self.message, now)
            yield Static(Text(message), classes="dialog-body", id="conflict-message")
            yield Static(
                Text.assemble(
                    ("r", "bold"),
                    " reload their version (your unsaved change is dropped)\n",
                    ("esc", "bold"),
                    " go back to your change (e.g. to copy it)",
                ),
                classes="dialog-keys",
            )

    def action_answer(self, reload: bool) -> None:
        self.dismiss(reload)


class PromptDialog(ModalScreen[str | None]):
    """One line of text: enter accepts, escape cancels. ``check`` (optional) returns what is
    wrong with the text, shown in the dialog, which then stays open."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt_cancel")]

    def __init__(
        self,
        title: str,
        question: str,
        value: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self.title_text, self.question, self.value = title, question, value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.question), classes="dialog-body")
            yield Input(self.value, id="prompt-input")
            yield Static(id="prompt-error", classes="dialog-error")
            yield Static(Text("enter OK · esc cancel"), classes="dialog-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self.check(event.value) if self.check else None
        said = self.query_one("#prompt-error", Static)
        if problem:
            said.update(Text(problem))
            said.display = True
            self.app.bell()
            return
        said.display = False
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NotesDialog(ModalScreen[str | None]):
    """Edit a note: ctrl+s saves, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="notes_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="notes_cancel"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(classes="dialog")
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -notes"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield TextArea(self.text, id="notes-text", soft_wrap=True, show_line_numbers=False)
            yield Static(Text("ctrl+s save · esc cancel"), classes="dialog-keys")

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        """Typed text is not thrown away without a question (as the forms do)."""
        if self.query_one(TextArea).text.strip() == self.text.strip():
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(
                "Discard changes?",
                "Close the notes without saving what you typed?",
                "Discard",
                "Keep editing",
            ),
            answer,
        )


class PickDialog(ModalScreen[Any]):
    """Choose one of a few options: arrows and enter; escape leaves the choice as it was."""

    CANCELLED = object()
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick_cancel")]

    def __init__(self, title: str, options: list[tuple[str, Any]], current: Any = None) -> None:
        super().__init__(classes="dialog")
        self.title_text, self.options, self.current = title, options, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield OptionList(
                *(Option(Text(label), id=str(i)) for i, (label, _) in enumerate(self.options)),
                id="pick-list",
            )
            yield Static(Text("enter choose · esc cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for i, (_, value) in enumerate(self.options):
            if value == self.current:
                options.highlighted = i
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(self.CANCELLED)
