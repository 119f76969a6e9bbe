"""Import and export screens' common parts: a path field with completion, a file browser,
a progress bar fed from a worker thread, and the result."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Input, Label, ProgressBar, Static

from priorauth.errors import AuthTrackError
from tui.screens.base import BaseScreen

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# what the Import screen reads: the workbooks, and the CSV a scheduler or a log may be saved as
IMPORT_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")


NOT_HERE = "Import and export are not part of this app (it was started without them)."


class PathSuggester(Suggester):
    """Completes a file path from what is on disk (→ or end accepts)."""

    def __init__(self, suffixes: Iterable[str] = WORKBOOK_SUFFIXES) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = tuple(suffixes)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, prefix = os.path.split(expanded)
        try:
            entries = sorted(os.scandir(folder or "."), key=lambda e: e.name)
        except OSError:
            return None
        for entry in entries:
            if entry.name.startswith(".") and not prefix.startswith("."):
                continue
            if not entry.name.startswith(prefix) or entry.name == prefix:
                continue
            is_dir = entry.is_dir()
            if not is_dir and not entry.name.lower().endswith(self.suffixes):
                continue
            return value + entry.name[len(prefix) :] + ("/" if is_dir else "")
        return None


class WorkbookTree(DirectoryTree):
    def __init__(
        self, path: Path, *, suffixes: Iterable[str] = WORKBOOK_SUFFIXES, id: str | None = None
    ) -> None:
        self.suffixes = tuple(suffixes)
        super().__init__(path, id=id)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in self.suffixes)
        ]


class Progressed(Message):
    def __init__(self, done: int, total: int, stage: str) -> None:
        super().__init__()
        self.done, self.total, self.stage = done, total, stage


class Finished(Message):
    def __init__(self, result: Any = None, error: AuthTrackError | None = None) -> None:
        super().__init__()
        self.result, self.error = result, error


class TransferScreen(BaseScreen):
    """A path field with completion, a file browser, a progress bar and a result area."""

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and isinstance(self.focused, Input):
            self.set_focus(None)  # out of the field: the digits switch screens, / etc. work again
            event.stop()

    def compose_progress(self) -> ComposeResult:
        with Horizontal(id="progress-line"):
            yield ProgressBar(id="progress", show_eta=False)
            yield Static(id="stage")

    def on_progressed(self, message: Progressed) -> None:
        bar = self.query_one(ProgressBar)
        self.query_one("#progress-line").display = True
        bar.update(total=max(message.total, 1), progress=message.done)
        self.query_one("#stage", Static).update(Text(message.stage))

    def progress_callback(self):  # type: ignore[no-untyped-def]
        def progress(done: int, total: int, stage: str) -> None:
            self.post_message(Progressed(done, total, stage))

        return progress

    def path(self) -> Path | None:
        text = self.query_one("#path", Input).value.strip()
        return Path(text).expanduser() if text else None

    def set_result(self, text: str | Text, level: str = "") -> None:
        box = self.query_one("#result", Static)
        box.update(text if isinstance(text, Text) else Text(text))
        box.set_class(level == "error", "-error")
        box.set_class(level == "ok", "-ok")


class FilePickDialog(ModalScreen[Path | None]):
    """Browse for a workbook: arrows, enter opens a folder or picks a file, escape cancels."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "Cancel", id="pick_file_cancel"),
        Binding("backspace", "up", "Parent folder", id="pick_file_up"),
    ]

    def __init__(self, folder: Path, suffixes: Iterable[str] = WORKBOOK_SUFFIXES) -> None:
        """``suffixes``: the files shown (folders always are)."""
        super().__init__(classes="dialog")
        self.folder = folder
        self.suffixes = tuple(suffixes)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -files"):
            yield Label(Text(str(self.folder)), classes="dialog-title", id="folder")
            yield WorkbookTree(self.folder, suffixes=self.suffixes, id="tree")
            yield Static(
                Text("enter open/pick · backspace parent folder · esc cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one(WorkbookTree).focus()

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(event.path)

    def action_up(self) -> None:
        tree = self.query_one(WorkbookTree)
        parent = Path(tree.path).parent
        tree.path = parent
        self.query_one("#folder", Label).update(Text(str(parent)))

    def action_cancel(self) -> None:
        self.dismiss(None)
