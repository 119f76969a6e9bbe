"""Import an authorization log: a preview first (what would be created and changed, and every
row that cannot be imported), then a confirmation.

Reading the workbook runs in a worker thread with a progress bar; the import itself goes through
the app's store worker, so it takes the data file's lock like every other change."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from priorauth.errors import AuthTrackError
from tui.screens.dialogs import ConfirmDialog, PickDialog
from tui.screens.transfer import (
    IMPORT_SUFFIXES,
    NOT_HERE,
    FilePickDialog,
    Finished,
    PathSuggester,
    TransferScreen,
)
from tui.table import SPAN, Col, RecordTable, Row

PREVIEW_COLUMNS = [
    Col("row", "Row", 5, align="right"),
    Col("column", "Column", 14),
    Col("what", "What", 20, flex=1),
]
PREVIEW_LIMIT = 500  # listed per section; the counts say how many there are
ALL_SHEETS = "all"  # the Sheet field's word for every monthly tab, merged oldest to newest


def sheet_choice_line(sheets: list[str], chosen: str) -> str:
    """ "3 sheets look like logs ("Jan", "Feb", "Mar"): ctrl+t picks ...": said in the preview
    (and after a refusal to guess) when a workbook has several."""
    names = ", ".join(f'"{n}"' for n in sheets)
    now = "all of them, merged oldest to newest" if chosen == ALL_SHEETS else f'"{chosen}"'
    return (
        f"{len(sheets)} sheets look like logs ({names}); read: {now}. ctrl+t picks another "
        "sheet, or all of them merged oldest to newest."
    )


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
    unread = [
        (letter, (f'"{heading}" ' if heading else "") + f'on sheet "{sheet}" was not imported')
        for sheet, letter, heading in getattr(plan, "unread_columns", [])
    ]
    section(
        "unread",
        "Columns not imported",
        [_Line(f"column {c}: {w}", c, w) for c, w in unread],
        lambda u: [("", ""), (u.column, "low"), (u.what, "low")],
    )
    section(
        "warnings",
        "Warnings",
        list(plan.warnings),
        lambda w: [("", ""), ("", ""), (str(w), "low")],
    )
    records = getattr(plan, "RECORDS", "authorizations")  # an appointment list's: services
    section(
        "created",
        f"New {records}",
        list(plan.created),
        lambda i: [(str(i.row or ""), ""), ("", ""), (i.description, "")],
    )
    section(
        "updated",
        f"Changed {records}",
        list(plan.updated),
        lambda i: [(str(i.row or ""), ""), ("", ""), (str(i).split(": ", 1)[-1], "")],
    )
    section(
        "read",
        "How the workbook was read",
        [
            _Line(line.strip(), "", line.strip())
            for r in getattr(plan, "sheets", [])
            for line in r.lines()
        ],
        lambda u: [("", ""), ("", ""), (u.what, "muted")],
    )
    return rows, full


class _Line(str):
    """A preview line's full text, and the cells it is shown in."""

    column: str
    what: str

    def __new__(cls, text: str, column: str, what: str) -> _Line:
        line = super().__new__(cls, text)
        line.column, line.what = column, what
        return line


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    try:
        return len(value)
    except TypeError:
        return int(value)


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
        Binding(
            "ctrl+t",
            "pick_sheet",
            "Sheet",
            id="import_sheet",
            tooltip="Pick which sheet of the workbook to import",
        ),
    ]
    PERMISSIONS: ClassVar = {
        "apply": "import",
        "preview": "import",
        "browse": "import",
        "pick_sheet": "import",
    }

    def __init__(self) -> None:
        super().__init__()
        self.plan: Any = None
        self.busy = False
        self._full: dict[str, str] = {}
        self._sheets: list[str] = []  # the workbook's sheets that look like logs, if several

    def compose_body(self) -> ComposeResult:
        with Vertical(id="transfer-form"):
            with Horizontal(classes="field-line"):
                yield Label("Workbook", classes="field-label")
                yield Input(
                    placeholder="path to .xlsx / .xls / .ods / .csv (→ completes, ctrl+o browses)",
                    id="path",
                    suggester=PathSuggester(IMPORT_SUFFIXES),
                    compact=True,
                )
            with Horizontal(classes="field-line"):
                yield Label("Sheet", classes="field-label")
                yield Input(
                    placeholder="blank: the log sheet is found; all: every monthly tab",
                    id="sheet",
                    compact=True,
                )
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
    def _changed(self, event: Input.Changed) -> None:
        self.plan = None
        if event.input.id == "path":
            self._sheets = []

    def action_browse(self) -> None:
        start = self.path()
        folder = start.parent if start and start.parent.is_dir() else Path.home()
        self.app.push_screen(FilePickDialog(folder, IMPORT_SUFFIXES), self._picked)

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
        workbooks = self.at.workbooks
        if workbooks is None:
            self.post_message(Finished(error=AuthTrackError(NOT_HERE)))
            return
        try:
            plan = workbooks.plan_import(
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
        self.post_message(Finished(plan))

    def on_finished(self, message: Finished) -> None:
        self.busy = False
        self.query_one("#progress-line").display = False
        if message.error is not None:
            sheets = list(getattr(message.error, "sheets", None) or [])
            if len(sheets) > 1:  # several sheets as likely as each other: let the user pick
                self._sheets = sheets
                self.set_result(
                    f"{message.error} In the app: ctrl+t picks the sheet (or all of them).",
                    "error",
                )
            else:
                self.set_result(str(message.error), "error")
            self.query_one("#preview").display = False
            self.query_one("#preview-row").display = False  # (the last preview's selected row)
            return
        self.show_plan(message.result)

    def action_pick_sheet(self) -> None:
        if self.busy or not self.at.may("import"):
            return
        if not self._sheets:
            self.set_result(
                "Preview a workbook first: when it has several sheets that look like logs, "
                "ctrl+t lists them (or type a sheet's name in Sheet)."
            )
            return
        field = self.query_one("#sheet", Input)
        options: list[tuple[str, str]] = [(name, name) for name in self._sheets]
        options.append(("all of them, merged oldest to newest", ALL_SHEETS))

        def picked(choice: str | object) -> None:
            if isinstance(choice, str):
                with self.prevent(Input.Changed):  # (it would arrive after the new plan)
                    field.value = choice
                self.action_preview()

        current = field.value.strip() or getattr(self.plan, "sheet", None)
        self.app.push_screen(PickDialog("Sheet to import", options, current), picked)

    def show_plan(self, plan: Any) -> None:
        self.plan = plan
        errors = list(plan.errors)
        text = Text()
        text.append("Preview, nothing saved yet: ", style="bold")
        text.append(plan.summary() if hasattr(plan, "summary") else "")
        # (a sheet named in Sheet: the plan lists none, those of the last preview still hold)
        sheets = list(getattr(plan, "log_sheets", None) or self._sheets)
        if len(sheets) > 1:
            self._sheets = sheets
            typed = self.query_one("#sheet", Input).value.strip().casefold()
            chosen = ALL_SHEETS if typed == ALL_SHEETS else str(getattr(plan, "sheet", ""))
            text.append(f"\n{sheet_choice_line(sheets, chosen)}")
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
        records = getattr(plan, "RECORDS", "authorizations")  # an appointment list's: services
        changes = f"{records}: {_count(plan.created)} new, {_count(plan.updated)} changed"
        new_clients = _count(getattr(plan, "clients_created", None))
        changed_clients = _count(getattr(plan, "clients_updated", None))
        if new_clients or changed_clients:  # as the CLI's summary says them
            changes += f"; clients: {new_clients} new, {changed_clients} changed"
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
        workbooks = self.at.workbooks
        assert workbooks is not None  # a plan exists only where there is an importer
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
            lambda t: workbooks.apply_import(t, plan, skip_invalid=skip_invalid),
            done=done,
            failed=failed,
        )
