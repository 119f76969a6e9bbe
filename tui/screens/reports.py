"""Reports (what ``authtrack report`` prints): authorizations expiring soon, utilization by payer
and clinician, renewals to request now; each one written to a workbook with ``w``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from priorauth import reports
from priorauth.errors import AuthTrackError
from priorauth.report_tables import NO_NUMBER
from priorauth.reports import Column, Report
from tui import fmt
from tui.screens.base import BaseScreen
from tui.screens.dialogs import ConfirmDialog, PromptDialog
from tui.screens.transfer import NOT_HERE, Finished
from tui.table import SPAN, Cell, Col, RecordTable

GROUP = "group:"
KINDS = {"expiring": "Expiring", "utilization": "Utilization", "renewals": "Renewals"}

# How each report column fits a terminal: label, width, flex share, narrow label, hidden below
# this table width. Auth numbers and counts are never cut (their width follows the values);
# names take the spare width and are shortened first.
LAYOUT: dict[str, tuple[str, int, int, str, int]] = {
    "client_id": ("ID", 5, 0, "", 0),
    "client_name": ("Client", 10, 3, "", 0),
    "clinician": ("Clinician", 8, 1, "", 100),
    "payer": ("Payer", 7, 2, "", 0),
    "auth_number": ("Auth #", 6, 0, "", 0),
    "end_date": ("Ends", 8, 0, "", 0),
    "days_left": ("Days", 4, 0, "", 0),
    "units_remaining": ("Units left", 6, 0, "U left", 0),
    "visits_remaining": ("Visits left", 6, 0, "V left", 0),
    "renewal": ("Renewal", 8, 1, "", 90),
    "authorizations": ("Auths", 5, 0, "", 0),
    "units_authorized": ("Units auth.", 6, 0, "U auth", 0),
    "units_used": ("Units used", 6, 0, "U used", 0),
    "units_percent": ("Units %", 5, 0, "U %", 0),
    "visits_authorized": ("Visits auth.", 6, 0, "V auth", 0),
    "visits_used": ("Visits used", 6, 0, "V used", 0),
    "visits_percent": ("Visits %", 5, 0, "V %", 0),
    "reason": ("Why", 12, 5, "", 0),
    "needed_by": ("Needed by", 8, 0, "Needed", 0),
    "request_by": ("Ask by", 8, 0, "", 0),
    "turnaround_days": ("Turnaround", 4, 0, "Turn", 0),
}


def cell_text(column: Column, value: object) -> str:
    """A report value as the screen shows it (the report's files keep the raw value)."""
    if value is None or value == "":
        if column.key == "auth_number":
            return NO_NUMBER
        return "—" if column.kind in ("int", "percent") else ""
    if isinstance(value, dt.date):
        return fmt.date(value, short=True)
    if column.kind == "percent":
        return f"{value:.0f}%"
    return str(value)


def columns_for(report: Report) -> list[Col]:
    """The report's columns (those of its first table; a second one has the same shape)."""
    table = report.tables[0]
    cols = []
    for i, column in enumerate(table.columns):
        label, width, flex, short, hide = LAYOUT.get(
            column.key, (column.title, len(column.title), 1, "", 0)
        )
        values = [cell_text(column, row[i]) for t in report.tables for row in t.rows]
        if not flex:  # never cut: as wide as the widest value
            width = max([width, *(len(v) for v in values)])
        right = column.kind in ("int", "percent")
        cols.append(Col(column.key, label, width, flex, "right" if right else "left", short, hide))
    return cols


class ReportsScreen(BaseScreen):
    WHERE = "Reports"
    BINDINGS: ClassVar = [
        Binding(
            "e",
            "kind('expiring')",
            "Expiring",
            id="reports_expiring",
            tooltip="Expiring: the authorizations that end within the days (x)",
        ),
        Binding(
            "u",
            "kind('utilization')",
            "Utilization",
            id="reports_utilization",
            tooltip="Utilization: units and visits authorized and used, by payer and clinician",
        ),
        Binding(
            "r",
            "kind('renewals')",
            "Renewals",
            id="reports_renewals",
            tooltip="Renewals to request now, before the payer's turnaround runs out",
        ),
        Binding(
            "x",
            "days",
            "Days",
            id="reports_days",
            tooltip="Expiring within how many days",
        ),
        Binding(
            "w",
            "write",
            "Write .xlsx",
            id="reports_write",
            tooltip="Write this report to a workbook",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = "expiring"
        self.days = reports.DEFAULT_EXPIRING_DAYS
        self.report: Report | None = None
        self.busy = False

    def compose_body(self) -> ComposeResult:
        yield Static(id="summary", classes="state-line")
        yield RecordTable([], id="report", selectable=False)
        yield Static(id="detail", classes="detail-line")

    def on_mount(self) -> None:
        self.table.focus()
        super().on_mount()

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "days" and self.kind != "expiring":
            return False
        return super().check_action(action, parameters)

    def build(self) -> Report | None:
        data = self.at.data
        if data is None:
            return None
        days = self.days if self.kind == "expiring" else None
        return reports.build(self.kind, data, self.at.today, days=days)

    def refresh_data(self) -> None:
        report = self.build()
        if report is None:
            return
        self.report = report
        rows: list[tuple[str, list[Cell]]] = []
        for t_index, table in enumerate(report.tables):
            if len(report.tables) > 1:
                rows.append((f"{GROUP}{t_index}", [(f"{table.title} ({len(table.rows)})", SPAN)]))
            for r_index, row in enumerate(table.rows):
                cells = [(cell_text(c, v), "") for c, v in zip(table.columns, row, strict=True)]
                rows.append((f"{t_index}:{r_index}", cells))
        self.table.specs = columns_for(report)
        self.table._filled = False  # new columns: draw again even when the rows look alike
        self.table.set_rows(rows)
        count = sum(len(t.rows) for t in report.tables)
        others = " · ".join(f"{k[0]} {v}" for k, v in KINDS.items() if k != self.kind)
        days = " · x days" if self.kind == "expiring" else ""
        self.query_one("#summary", Static).update(
            Text.assemble(
                (f"{report.title}", "bold"),
                f" — {count} row{'s' if count != 1 else ''} · as of "
                f"{fmt.date(report.today)} · {others}{days} · w writes .xlsx",
            )
        )
        self._show_selected()

    def _show_selected(self) -> None:
        """The highlighted row in full, every column named (nothing cut)."""
        detail = self.query_one("#detail", Static)
        report, key = self.report, self.table.current_key()
        if report is None or not any(t.rows for t in report.tables):
            detail.update(Text("Nothing to report."))
            return
        if key is None or key.startswith(GROUP):
            detail.update(Text("The same report as `authtrack report`; w writes it to .xlsx."))
            return
        t_index, r_index = (int(part) for part in key.split(":"))
        table = report.tables[t_index]
        row = table.rows[r_index]
        words = [
            f"{c.title}: {cell_text(c, v) if not isinstance(v, dt.date) else fmt.date(v)}"
            for c, v in zip(table.columns, row, strict=True)
            if v not in (None, "") or c.key == "auth_number"
        ]
        detail.update(Text(" · ".join(words)))

    @on(RecordTable.Highlighted)
    def _highlighted(self) -> None:
        self._show_selected()

    # --- actions ------------------------------------------------------------------------------

    def action_kind(self, kind: str) -> None:
        self.kind = kind
        self.refresh_bindings()
        self.refresh_data()

    def action_days(self) -> None:
        from tui.screens.authorizations import days_problem

        def chosen(text: str | None) -> None:
            if text is not None:
                self.days = int(text.strip())
                self.refresh_data()

        self.app.push_screen(
            PromptDialog(
                "Expiring within", "How many days ahead?", str(self.days), check=days_problem
            ),
            chosen,
        )

    def default_path(self) -> str:
        return str(Path.home() / f"authtrack-{self.kind}-{self.at.today:%Y-%m-%d}.xlsx")

    def action_write(self) -> None:
        if self.busy or self.report is None:
            return

        def chosen(text: str | None) -> None:
            if text is None:
                return
            path = Path(text.strip()).expanduser()
            if path.exists():

                def answer(yes: bool | None) -> None:
                    if yes:
                        self._start(path)

                self.app.push_screen(
                    ConfirmDialog("Replace file?", f"{path} exists. Replace it?", "Replace"),
                    answer,
                )
                return
            self._start(path)

        def check(text: str) -> str | None:
            path = Path(text.strip()).expanduser()
            if not text.strip():
                return "Type where to save the report."
            if path.suffix.lower() != ".xlsx":
                return "Reports are written as .xlsx: end the name with .xlsx."
            if not path.parent.is_dir():
                return f"There is no folder {path.parent}."
            return None

        self.app.push_screen(
            PromptDialog(
                "Write the report",
                f"Save the {KINDS[self.kind].lower()} report as (one sheet per table):",
                self.default_path(),
                check=check,
            ),
            chosen,
        )

    def _start(self, path: Path) -> None:
        self.busy = True
        self.query_one("#detail", Static).update(Text(f"Writing {path}…"))
        self._write(self.report, path)

    @work(thread=True, exclusive=True, group="report")
    def _write(self, report: Any, path: Path) -> None:
        workbooks = self.at.workbooks
        if workbooks is None:
            self.post_message(Finished(error=AuthTrackError(NOT_HERE)))
            return
        try:
            written = workbooks.write_report(report, path)
        except AuthTrackError as e:
            self.post_message(Finished(error=e))
            return
        except OSError as e:
            self.post_message(
                Finished(error=AuthTrackError(f"{path}: cannot write ({e.strerror}).")),
            )
            return
        self.post_message(Finished(written))

    def on_finished(self, message: Finished) -> None:
        self.busy = False
        detail = self.query_one("#detail", Static)
        if message.error is not None:
            detail.update(Text(str(message.error)))
            self.notify(str(message.error), severity="error")
            return
        detail.update(Text(f"Wrote {message.result}."))
        self.notify(f"Wrote {message.result}.")
