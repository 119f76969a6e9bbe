"""Export the canonical workbook (in a worker thread, with a progress bar)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from priorauth.errors import AuthTrackError
from priorauth.oserrors import sentence
from tui.screens.dialogs import ConfirmDialog
from tui.screens.transfer import (
    NOT_HERE,
    FilePickDialog,
    Finished,
    PathSuggester,
    TransferScreen,
)


class ExportScreen(TransferScreen):
    WHERE = "Export"
    BINDINGS: ClassVar = [
        Binding("ctrl+o", "browse", "Browse", id="export_browse", tooltip="Browse for the folder"),
        Binding("ctrl+s", "export", "Export", id="export_run", tooltip="Export the workbook"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def default_path(self) -> str:
        return str(Path.home() / f"authtrack-export-{self.at.today:%Y-%m-%d}.xlsx")

    def compose_body(self) -> ComposeResult:
        with Vertical(id="transfer-form"), Horizontal(classes="field-line"):
            yield Label("Save as", classes="field-label")
            yield Input(id="path", suggester=PathSuggester(), compact=True)
        yield from self.compose_progress()
        yield Static(
            Text(
                "Writes every authorization to the practice's canonical workbook (sheet "
                "Authorizations, plus Clients and Services). Press enter to export."
            ),
            id="result",
        )

    def on_mount(self) -> None:
        self.query_one("#progress-line").display = False
        box = self.query_one("#path", Input)
        box.value = self.default_path()
        box.focus()
        super().on_mount()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_export()

    def action_browse(self) -> None:
        start = self.path()
        folder = start.parent if start and start.parent.is_dir() else Path.home()
        self.app.push_screen(FilePickDialog(folder), self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is not None:
            self.query_one("#path", Input).value = str(path)

    def action_export(self) -> None:
        path = self.path()
        if self.busy:
            return
        if path is None:
            self.set_result("Type where to save the workbook.", "error")
            return
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            path = path.with_suffix(".xlsx")
            self.query_one("#path", Input).value = str(path)
        if self.at.data is None:
            self.set_result("Still reading the data file; try again in a moment.")
            return
        if path.exists():

            def answer(yes: bool | None) -> None:
                if yes:
                    self._start(path)

            self.app.push_screen(
                ConfirmDialog("Replace file?", f"{path} exists. Replace it?", "Replace"), answer
            )
            return
        self._start(path)

    def _start(self, path: Path) -> None:
        self.busy = True
        self.set_result(f"Writing {path}…")
        self._export(path)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, path: Path) -> None:
        data = self.at.data
        workbooks = self.at.workbooks
        if workbooks is None or data is None:
            self.post_message(Finished(error=AuthTrackError(NOT_HERE)))
            return
        try:
            result = workbooks.export_workbook(
                data, path, today=self.at.today, progress=self.progress_callback()
            )
        except AuthTrackError as e:
            self.post_message(Finished(error=e))
            return
        except OSError as e:
            self.post_message(
                Finished(error=AuthTrackError(sentence(e, path, "writing the export")))
            )
            return
        self.post_message(Finished((path, result)))

    def on_finished(self, message: Finished) -> None:
        self.busy = False
        self.query_one("#progress-line").display = False
        if message.error is not None:
            self.set_result(str(message.error), "error")
            return
        path, _ = message.result
        count = len(self.at.data.authorizations) if self.at.data else 0
        stamp = dt.datetime.now().strftime("%H:%M")
        self.set_result(f"Exported {count} authorizations to {path} at {stamp}.", "ok")
        self.set_focus(None)  # done: the digit keys switch screens again
