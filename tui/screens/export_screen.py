"""Export the canonical workbook, or update the practice's own log (``export --into``), in a
worker thread with a progress bar. Updating a log asks first when anything would be lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
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


class _Lost(Message):
    """Updating the log would lose ``lines`` (in words); nothing was written."""

    def __init__(self, log: Path, out: Path, lines: list[str], accepted: frozenset[str]) -> None:
        super().__init__()
        self.log, self.out, self.lines, self.accepted = log, out, list(lines), accepted


class ExportScreen(TransferScreen):
    WHERE = "Export"
    BINDINGS: ClassVar = [
        Binding("ctrl+o", "browse", "Browse", id="export_browse", tooltip="Browse for the folder"),
        Binding("ctrl+s", "export", "Export", id="export_run", tooltip="Export the workbook"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self._suggested = ""  # what Save as was filled with (not typed)

    def default_path(self) -> str:
        return str(Path.home() / f"authtrack-export-{self.at.today:%Y-%m-%d}.xlsx")

    def compose_body(self) -> ComposeResult:
        with Vertical(id="transfer-form"):
            with Horizontal(classes="field-line"):
                yield Label("Save as", classes="field-label")
                yield Input(id="path", suggester=PathSuggester(), compact=True)
            with Horizontal(classes="field-line"):
                yield Label("Into log", classes="field-label")
                yield Input(
                    placeholder="blank: the canonical workbook; or the practice's own log",
                    id="into",
                    suggester=PathSuggester(),
                    compact=True,
                )
        yield from self.compose_progress()
        yield Static(
            Text(
                "Writes every authorization to the practice's canonical workbook (sheets "
                "Authorizations and Service Lines, then Clients, Coverages, Services, Payers, "
                "Procedure Groups and a Legend of its colours). Or name the practice's own log in "
                "Into log: its rows are updated and new ones appended, saved as a new file (the "
                "log itself is not changed). Press enter to export."
            ),
            id="result",
        )

    def on_mount(self) -> None:
        self.query_one("#progress-line").display = False
        box = self.query_one("#path", Input)
        box.value = self._suggested = self.default_path()
        box.focus()
        super().on_mount()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_export()

    @on(Input.Changed, "#into")
    def _into_changed(self, event: Input.Changed) -> None:
        """A log named: its update goes beside it (LOG.authtrack.xlsx) unless Save as was
        typed; cleared: the canonical workbook's default again."""
        box = self.query_one("#path", Input)
        if box.value.strip() not in (self._suggested, ""):
            return  # typed by the user: theirs
        text = event.value.strip()
        workbooks = self.at.workbooks
        if text and workbooks is not None:
            self._suggested = str(workbooks.write_back_path(Path(text).expanduser()))
        else:
            self._suggested = self.default_path()
        box.value = self._suggested

    def into(self) -> Path | None:
        text = self.query_one("#into", Input).value.strip()
        return Path(text).expanduser() if text else None

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
        log = self.into()
        if log is not None and log.resolve() == path.resolve():
            self.set_result(
                f"{path} is the log itself; save the update as a new file (Save as).", "error"
            )
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
        log = self.into()
        if log is None:
            self._export(path)
        else:
            self._write_back(log, path)

    @work(thread=True, exclusive=True, group="export")
    def _write_back(self, log: Path, out: Path, accepted: frozenset[str] = frozenset()) -> None:
        """Update ``log`` into ``out``; when something would be lost that was not ``accepted``,
        write nothing and ask (:class:`_Lost`): a yes runs it again, accepting those."""
        data = self.at.data
        workbooks = self.at.workbooks
        if workbooks is None or data is None:
            self.post_message(Finished(error=AuthTrackError(NOT_HERE)))
            return
        lost: list[str] = []

        def confirm(lines: list[str]) -> bool:
            if all(line in accepted for line in lines):
                return True
            lost[:] = lines
            return False

        try:
            result = workbooks.write_back(
                data,
                log,
                out=out,
                today=self.at.today,
                progress=self.progress_callback(),
                confirm=confirm,
            )
        except AuthTrackError as e:
            if lost:
                self.post_message(_Lost(log, out, lost, accepted))
            else:
                self.post_message(Finished(error=e))
            return
        except OSError as e:
            self.post_message(Finished(error=AuthTrackError(sentence(e, out, "writing the log"))))
            return
        self.post_message(Finished((out, result)))

    def on__lost(self, message: _Lost) -> None:
        self.busy = False
        self.query_one("#progress-line").display = False
        lines = message.lines
        shown = lines[:4] + ([f"…and {len(lines) - 4} more"] if len(lines) > 4 else [])
        question = (
            f"Writing {message.out.name} loses something: "
            + "; ".join(line.rstrip(".") for line in shown)
            + ". Write it anyway?"
        )
        self.set_result(f"Nothing written yet: {question}")

        def answer(yes: bool | None) -> None:
            if not yes:
                self.set_result(f"{message.out}: nothing was written.", "error")
                return
            self.busy = True
            self.set_result(f"Writing {message.out}…")
            self._write_back(message.log, message.out, message.accepted | set(lines))

        self.app.push_screen(ConfirmDialog("Write the log?", question, "Write"), answer)

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
        path, result = message.result
        if hasattr(result, "summary"):  # the practice's log, updated
            self.set_result(result.summary(), "ok")
            self.set_focus(None)
            return
        count = len(self.at.data.authorizations) if self.at.data else 0
        stamp = dt.datetime.now().strftime("%H:%M")
        self.set_result(f"Exported {count} authorizations to {path} at {stamp}.", "ok")
        self.set_focus(None)  # done: the digit keys switch screens again
