"""Import an authorization log (preview first, then confirm) and export the canonical workbook.

Reading and writing workbooks runs in worker threads with a progress bar; the import is applied
through the app's store worker so it takes the data file's lock like every other change.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Input, Label, ProgressBar, Static

from priorauth.errors import AuthTrackError
from tui.screens.base import BaseScreen
from tui.screens.dialogs import ConfirmDialog
from tui.table import SPAN, Col, RecordTable, Row

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PREVIEW_COLUMNS = [
    Col("row", "Row", 5, align="right"),
    Col("column", "Column", 14),
    Col("what", "What", 20, flex=1),
]
PREVIEW_LIMIT = 500  # listed per section; the counts say how many there are


def preview_rows(plan: Any) -> tuple[list[Row], dict[str, str]]:
    """The preview: problems by row first, then what would be created and changed; and each
    row's full text (the table cuts long ones; the line under it shows the selected one)."""
    rows: list[Row] = []
    full: dict[str, str] = {}

    def section(key: str, title: str, items: list[Any], cells: Any) -> None:
        if not items:
            return
        rows.append((key, [(f"{title} ({len(items)})", SPAN)]))
        for i, item in enumerate(items[:PREVIEW_LIMIT]):
            rows.append((f"{key}:{i}", cells(item)))
            full[f"{key}:{i}"] = str(item)
        if len(items) > PREVIEW_LIMIT:
            rows.append(
                (
                    f"{key}:more",
                    [("", ""), ("", ""), (f"…and {len(items) - PREVIEW_LIMIT} more", "muted")],
                )
            )

    section(
        "errors",
        "Rows that cannot be imported",
        list(plan.errors),
        lambda e: [(str(e.row or ""), "out"), (str(e.column or ""), "out"), (e.message, "out")],
    )
    section(
        "warnings",
        "Warnings",
        list(plan.warnings),
        lambda w: [("", ""), ("", ""), (str(w), "low")],
    )
    section(
        "created",
        "New authorizations",
        list(plan.created),
        lambda i: [(str(i.row or ""), ""), ("", ""), (i.description, "")],
    )
    section(
        "updated",
        "Changed authorizations",
        list(plan.updated),
        lambda i: [(str(i.row or ""), ""), ("", ""), (str(i).split(": ", 1)[-1], "")],
    )
    return rows, full


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    try:
        return len(value)
    except TypeError:
        return int(value)


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
    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in WORKBOOK_SUFFIXES)
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
            self.set_focus(None)  # out of the field: 1-5 switch screens, / etc. work again
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


class ImportScreen(TransferScreen):
    WHERE = "Import"
    BINDINGS: ClassVar = [
        Binding(
            "ctrl+o", "browse", "Browse", id="import_browse", tooltip="Browse for the workbook"
        ),
        Binding(
            "ctrl+r",
            "preview",
            "Preview",
            id="import_preview",
            tooltip="Preview the import (nothing is saved)",
        ),
        Binding(
            "ctrl+s", "apply", "Import", id="import_apply", tooltip="Import the previewed workbook"
        ),
    ]
    PERMISSIONS: ClassVar = {"apply": "import", "preview": "import", "browse": "import"}

    def __init__(self) -> None:
        super().__init__()
        self.plan: Any = None
        self.busy = False
        self._full: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        with Vertical(id="transfer-form"):
            with Horizontal(classes="field-line"):
                yield Label("Workbook", classes="field-label")
                yield Input(
                    placeholder="path to .xlsx / .xls / .ods (→ completes, ctrl+o browses)",
                    id="path",
                    suggester=PathSuggester(),
                    compact=True,
                )
            with Horizontal(classes="field-line"):
                yield Label("Sheet", classes="field-label")
                yield Input(placeholder="blank: the log sheet is found", id="sheet", compact=True)
        yield from self.compose_progress()
        yield Static(
            Text("Type the path and press enter to preview. Nothing is saved until you confirm."),
            id="result",
        )
        yield RecordTable(PREVIEW_COLUMNS, id="preview", selectable=False)
        yield Static(id="preview-row", classes="detail-line")

    def on_mount(self) -> None:
        self.query_one("#progress-line").display = False
        self.query_one("#preview").display = False
        self.query_one("#preview-row").display = False
        self.query_one("#path", Input).focus()
        super().on_mount()
        if not self.at.may("import"):
            self.set_result(
                "Importing needs the admin role; ask whoever runs authtrack for the practice.",
                "error",
            )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_preview()

    @on(Input.Changed)
    def _changed(self) -> None:
        self.plan = None

    def action_browse(self) -> None:
        start = self.path()
        folder = start.parent if start and start.parent.is_dir() else Path.home()
        self.app.push_screen(FilePickDialog(folder), self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is not None:
            self.query_one("#path", Input).value = str(path)
            self.action_preview()

    def action_preview(self) -> None:
        path = self.path()
        if self.busy or not self.at.may("import"):
            return
        if path is None:
            self.set_result("Type the path of the workbook first.", "error")
            return
        if self.at.data is None:
            self.set_result("Still reading the data file; try again in a moment.")
            return
        sheet = self.query_one("#sheet", Input).value.strip() or None
        self.busy = True
        self.plan = None
        self.set_result(f"Reading {path}…")
        self._plan(path, sheet)

    @work(thread=True, exclusive=True, group="import")
    def _plan(self, path: Path, sheet: str | None) -> None:
        try:
            from sync.importer import plan_import

            plan = plan_import(
                path,
                self.at.data,
                sheet=sheet,
                today=self.at.today,
                progress=self.progress_callback(),
                user=self.at.user,
            )
        except AuthTrackError as e:
            self.post_message(Finished(error=e))
            return
        except ImportError:
            self.post_message(Finished(error=AuthTrackError("Import is not installed yet.")))
            return
        self.post_message(Finished(plan))

    def on_finished(self, message: Finished) -> None:
        self.busy = False
        self.query_one("#progress-line").display = False
        if message.error is not None:
            self.set_result(str(message.error), "error")
            self.query_one("#preview").display = False
            return
        self.show_plan(message.result)

    def show_plan(self, plan: Any) -> None:
        self.plan = plan
        errors = list(plan.errors)
        text = Text()
        text.append("Preview, nothing saved yet: ", style="bold")
        text.append(plan.summary() if hasattr(plan, "summary") else "")
        for warning in list(plan.warnings)[:2]:
            text.append(f"\n{warning}")
        if len(plan.warnings) > 2:
            text.append(f"\n…and {len(plan.warnings) - 2} more warnings (below).")
        keys = "ctrl+s imports" + (" the other rows" if errors else "")
        text.append(f"\n{keys} · ctrl+r previews again", style="bold")
        self.set_result(text, "error" if errors else "ok")
        table = self.query_one("#preview", RecordTable)
        rows, self._full = preview_rows(plan)
        table.display = bool(rows)
        first = next((key for key, _ in rows if key in self._full), None)
        table.set_rows(rows, keep_key=first)
        self._show_row(table.current_key())
        if rows:
            self.set_focus(table)  # arrows read the rows; digits switch screens again

    @on(RecordTable.Highlighted, "#preview")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show_row(event.key)

    def _show_row(self, key: str | None) -> None:
        line = self.query_one("#preview-row", Static)
        text = self._full.get(key or "", "")
        line.update(Text(text))
        line.display = bool(text)

    def action_apply(self) -> None:
        plan = self.plan
        if self.busy or not self.at.may("import"):
            return
        if plan is None:
            self.action_preview()
            return
        errors = len({(e.sheet, e.row) for e in plan.errors})
        changes = f"create {_count(plan.created)} and update {_count(plan.updated)}"
        if errors:
            question = (
                f"{errors} row{'s have' if errors != 1 else ' has'} problems. Import the other "
                f"rows ({changes}) and skip those? A backup of the data file is kept first."
            )
        else:
            question = f"Import: {changes}? A backup of the data file is kept first."

        def go(yes: bool | None) -> None:
            if yes:
                self._apply(plan, skip_invalid=bool(errors))

        self.app.push_screen(ConfirmDialog("Import", question, "Import"), go)

    def _apply(self, plan: Any, skip_invalid: bool) -> None:
        from sync.importer import apply_import

        self.busy = True
        self.set_result("Importing…")

        def done(result: Any) -> None:
            self.busy = False
            self.plan = None
            summary = result.summary() if hasattr(result, "summary") else str(result)
            self.set_result(f"Imported. {summary}", "ok")
            self.query_one("#preview").display = False
            self.query_one("#preview-row").display = False
            self.set_focus(None)

        def failed(error: AuthTrackError) -> bool:
            self.busy = False
            self.set_result(str(error), "error")
            return False

        self.at.store_call(
            lambda t: apply_import(t, plan, skip_invalid=skip_invalid), done=done, failed=failed
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
        try:
            from sync.exporter import export_workbook

            result = export_workbook(
                data, path, today=self.at.today, progress=self.progress_callback()
            )
        except AuthTrackError as e:
            self.post_message(Finished(error=e))
            return
        except ImportError:
            self.post_message(Finished(error=AuthTrackError("Export is not installed yet.")))
            return
        except OSError as e:
            self.post_message(
                Finished(error=AuthTrackError(f"{path}: cannot write ({e.strerror})."))
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


class FilePickDialog(ModalScreen[Path | None]):
    """Browse for a workbook: arrows, enter opens a folder or picks a file, escape cancels."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "Cancel", id="pick_file_cancel"),
        Binding("backspace", "up", "Parent folder", id="pick_file_up"),
    ]

    def __init__(self, folder: Path) -> None:
        super().__init__(classes="dialog")
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -files"):
            yield Label(Text(str(self.folder)), classes="dialog-title", id="folder")
            yield WorkbookTree(self.folder, id="tree")
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
