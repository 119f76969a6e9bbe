"""Authorizations across all clients: who runs out, what expires, which requests wait."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from priorauth import rules, service_lines
from priorauth.data import Data
from priorauth.model import RequestStatus
from tui import fmt
from tui.rows import (
    AuthRow,
    LineRow,
    auth_id_of,
    auth_rows,
    auth_rows_ready,
    line_key,
    matches,
    no_clients_of,
)
from tui.screens.base import FilteredListScreen
from tui.screens.dialogs import PickDialog, PromptDialog
from tui.table import Cell, Col, Formatted, RecordTable, Row

COLUMNS = [
    Col("client", "Client", 12, flex=2),
    Col("number", "Auth #", 8, fit=True),
    Col("payer", "Payer", 7, flex=2),
    Col("end", "Ends", 8),
    Col("units", "Units left", 6, align="right", short="U left", fit=True),
    Col("visits", "Visits left", 6, align="right", short="V left", fit=True),
    Col("info", "Note", 10, flex=1),
]

WAITING = (RequestStatus.REQUESTED, RequestStatus.PENDING)


def _current(r: AuthRow) -> bool:
    return r.active and r.status == RequestStatus.APPROVED


VIEWS: dict[str, str] = {
    "active": "active",
    "expiring": "expiring",
    "exhausted": "used up",
    "waiting": "requested/pending",
    "inactive": "inactive",
    "all": "all",
}
SORTS: dict[str, str] = {
    "end": "end date",
    "left": "least left",
    "run_out": "run-out",
    "client": "client",
}


def _least_left(r: AuthRow) -> tuple[int, int]:
    # An authorization of several lines is as short as its shortest line (as on the client list)
    uses = [r.usage, *(line.usage for line in r.lines)]
    lefts = [x for u in uses for x in (u.units_remaining, u.visits_remaining) if x is not None]
    return (0, min(lefts)) if lefts else (1, 0)


SORT_KEYS: dict[str, Callable[[AuthRow], object]] = {
    "end": lambda r: (r.end or dt.date.max, r.client_name.casefold(), r.id),
    "left": lambda r: (*_least_left(r), r.client_name.casefold(), r.id),
    "run_out": lambda r: (r.run_out or dt.date.max, r.end or dt.date.max, r.id),
    "client": lambda r: (r.client_name.casefold(), -(r.start or dt.date.min).toordinal(), r.id),
}


def info(r: AuthRow) -> Cell:
    if r.status in WAITING:
        return (f"f/u {fmt.date(r.follow_up, short=True)}" if r.follow_up else r.status, "flag")
    if r.status == RequestStatus.DENIED:
        return ("denied", "muted")
    if r.run_out is not None:
        return (f"out ~{fmt.date(r.run_out, short=True)}", "low")
    if not r.active:
        return ("inactive", "muted")
    return ("", "")


def cells(r: AuthRow) -> list[Cell]:
    muted = "" if _current(r) or r.status in WAITING else "muted"
    use = r.usage
    return [
        (r.client_name, muted),
        (r.number, muted),
        (r.payer, muted),
        (fmt.date(r.end, short=True, blank="open"), muted or r.end_level),
        (fmt.count(use.units_remaining, use.units_authorized), muted or r.units_level),
        (fmt.count(use.visits_remaining, use.visits_authorized), muted or r.visits_level),
        info(r),
    ]


def line_cells(r: AuthRow, line: LineRow) -> list[Cell]:
    """A row under an authorization of several service lines: the line, what is left, a bar."""
    muted = "" if _current(r) or r.status in WAITING else "muted"
    use = line.usage
    fraction = use.fraction_used()
    bar = f"{fmt.bar(fraction, 6)} {fmt.percent(fraction)}" if fraction is not None else ""
    return [
        ("", ""),
        ("└ " + fmt.truncate(line.label, 8), muted),
        ("", ""),
        ("", ""),
        (fmt.count(use.units_remaining, use.units_authorized), muted or line.units_level),  # type: ignore[arg-type]
        (fmt.count(use.visits_remaining, use.visits_authorized), muted or line.visits_level),
        (bar, muted or worst_level(line)),
    ]


def worst_level(line: LineRow) -> str:
    order = ("out", "low", "ok", "none")
    level = min((line.units_level, line.visits_level), key=order.index)
    return "" if level == "none" else level


def table_rows(shown: list[AuthRow], formatted: Formatted | None = None) -> Sequence[Row]:
    """Each authorization's row, then one per service line when it has several (``formatted``:
    the rows kept from the last refresh, formatted only as they are drawn and again only for
    authorizations that changed)."""
    values: list[AuthRow | tuple[AuthRow, LineRow]] = []
    for r in shown:
        values.append(r)
        values.extend((r, line) for line in r.lines)
    if formatted is None:
        return [(str(_row_key(v)), _row_cells(v)) for v in values]
    return formatted.rows(values, _row_key, _row_cells)


def _row_key(value: AuthRow | tuple[AuthRow, LineRow]) -> object:
    if isinstance(value, AuthRow):
        return value.id
    return line_key(value[0].id, value[1].index)


def _row_cells(value: AuthRow | tuple[AuthRow, LineRow]) -> list[Cell]:
    return cells(value) if isinstance(value, AuthRow) else line_cells(*value)


class AuthorizationsScreen(FilteredListScreen):
    WHERE = "Authorizations"
    BINDINGS: ClassVar = [
        Binding(
            "slash",
            "filter",
            "Filter",
            id="auths_filter",
            tooltip="Filter authorizations by typing",
        ),
        Binding(
            "enter",
            "open",
            "Open",
            id="auths_open",
            show=False,
            tooltip="Open the client at this authorization",
        ),
        Binding(
            "v",
            "view",
            "View",
            id="auths_view",
            tooltip="View: active, expiring, used up, requested/pending, inactive, all",
        ),
        Binding("p", "payer", "Payer", id="auths_payer", tooltip="Only one payer's authorizations"),
        Binding(
            "m",
            "mine",
            "Mine",
            id="auths_mine",
            tooltip="Only my clients (clinician = me) or everyone's",
        ),
        Binding(
            "x",
            "days",
            "Days",
            id="auths_days",
            show=False,
            tooltip="Expiring within how many days",
        ),
        Binding(
            "o",
            "sort",
            "Sort",
            id="auths_sort",
            tooltip="Sort: end date, least left, projected run-out, client",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "active"
        self.sort = "end"
        self.payer: int | None = None
        self.mine = False
        self.days = 30
        self._rows: dict[int, AuthRow] = {}
        self._formatted = Formatted()  # cells kept by row: a refresh formats the changed ones
        self._working = False  # every authorization's row being worked out in a worker

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filter-bar"):
            yield Input(
                placeholder="/ filter: client, auth #, payer, code", id="filter", compact=True
            )
            yield Static(id="summary")
        yield Static(id="state", classes="state-line")
        yield RecordTable(COLUMNS, id="authorizations")
        yield Static(id="empty", classes="empty")
        yield Static(id="detail", classes="detail-line")

    def on_mount(self) -> None:
        self.table.focus()
        super().on_mount()

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    def _keep(self, r: AuthRow, today: dt.date) -> bool:
        if self.payer is not None and self.at.data is not None:
            auth = self.at.data.authorizations.get(r.id)
            if auth is None or auth.payer != self.payer:
                return False
        if self.mine and r.clinician != self.at.user:
            return False
        view = self.view
        if view == "active":
            return _current(r) and not r.folded
        if view == "expiring":
            return (
                _current(r)
                and r.end is not None
                and 0 <= (r.end - today).days <= self.days  # (no date: N may be huge)
            )
        if view == "exhausted":
            return _current(r) and r.usage.exhausted
        if view == "waiting":
            return r.status in WAITING
        if view == "inactive":
            return not r.active
        return True

    def refresh_data(self) -> None:
        data = self.at.data
        if data is None:
            return
        today = self.at.today
        if not auth_rows_ready(data, today):
            self._work_out(data, today)
            return
        query = self.query_one("#filter", Input).value
        shown = [
            r
            for r in auth_rows(data, today)
            if self._keep(r, today) and (not query or matches(r.search, query))
        ]
        shown.sort(key=SORT_KEYS[self.sort])  # type: ignore[arg-type]
        self._rows = {r.id: r for r in shown}
        self.table.set_rows(table_rows(shown, self._formatted))
        none_mine = no_clients_of(data, self.at.user) if self.mine and not shown else ""
        empty = self.query_one("#empty", Static)
        empty.update(Text(none_mine))
        empty.display = bool(none_mine)
        view = VIEWS[self.view]
        if self.view == "expiring":
            view = f"expiring ≤ {self.days} d (x)"
        payer = fmt.truncate(data.payer_name(self.payer), 18) if self.payer else "all payers"
        self.query_one("#summary", Static).update(
            Text(f"{len(shown)} of {len(data.authorizations)}")
        )
        self.query_one("#state", Static).update(
            Text.assemble(
                ("v ", "bold"),
                f"{view} · ",
                ("p ", "bold"),
                f"{payer} · ",
                ("m ", "bold"),
                f"{'my clients' if self.mine else 'everyone'} · ",
                ("o ", "bold"),
                f"by {SORTS[self.sort]}",
            )
        )
        self._show_selected()

    def _work_out(self, data: Data, today: dt.date) -> None:
        """Every authorization's row (its usage, its pace: 20,000 of them at an agency) is
        worked out in a worker, never on the UI thread; the screen shows them when done."""
        if self._working:  # (when it is done, the data of then is looked at again)
            return
        self._working = True
        if not self.table.row_count:
            self.query_one("#summary", Static).update(Text("Working out…"))
        self.at.read_call(
            lambda _tracker: data,
            then=lambda d: auth_rows(d, today),
            done=self._worked_out,
            failed=self._not_worked_out,
            group="authorizations",
        )

    def _worked_out(self, _rows: object) -> None:
        self._working = False
        if self.is_attached:
            self.refresh_data()

    def _not_worked_out(self, _error: object) -> bool:
        self._working = False
        return False

    def _nothing_matches(self) -> str:
        """What to press when no row is left: every narrowing that is on, not only the view."""
        keys = ["v changes the view", "/ the filter"]
        if self.payer is not None:
            keys.append("p the payer")
        if self.mine:
            keys.append("m all clients")
        return f"Nothing matches: {', '.join(keys)}."

    def _show_selected(self) -> None:
        data = self.at.data
        key = self.table.current_key()
        detail = self.query_one("#detail", Static)
        auth = data.authorizations.get(auth_id_of(key)) if data and key else None
        if data is None or auth is None:
            # (when the table's place says why it is empty, the line below does not say it again)
            said = self.query_one("#empty", Static).display
            detail.update(Text(self._nothing_matches() if data and not said else ""))
            return
        today = self.at.today
        use = rules.usage(data, auth, today)
        client = data.clients.get(auth.client)
        parts = [
            client.name if client else "",
            f"{data.payer_name(auth.payer)} {auth.auth_number or '(no number)'}",
            fmt.codes(service_lines.all_codes(auth)),
            f"{fmt.date(auth.start_date, blank='?')}–{fmt.date(auth.end_date, blank='open-ended')}",
            f"units {rules.describe_count(use.units_remaining, use.units_authorized)}",
            f"visits {rules.describe_count(use.visits_remaining, use.visits_authorized)}",
        ]
        row = self._rows.get(auth.id)
        if row is not None and row.run_out is not None:
            parts.append(f"runs out ~{fmt.date(row.run_out)} at the recent pace")
        if auth.status != RequestStatus.APPROVED:
            parts.append(auth.status.value)
            if auth.follow_up_on:
                parts.append(f"follow up {fmt.date(auth.follow_up_on)}")
        detail.update(Text(" · ".join(p for p in parts if p)))

    # --- actions ------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))  # now: typed-ahead keys filter

    def action_open(self) -> None:
        from tui.screens.client import ClientScreen

        key = self.table.current_key()
        data = self.at.data
        auth = data.authorizations.get(auth_id_of(key)) if data and key else None
        if auth is not None:
            self.app.push_screen(ClientScreen(auth.client, auth.id))

    def action_view(self) -> None:
        keys = list(VIEWS)
        self.view = keys[(keys.index(self.view) + 1) % len(keys)]
        self.refresh_data()

    def action_sort(self) -> None:
        keys = list(SORTS)
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self.refresh_data()

    def action_mine(self) -> None:
        self.mine = not self.mine
        self.refresh_data()

    def action_payer(self) -> None:
        data = self.at.data
        if data is None:
            return
        payers = sorted(data.payers.values(), key=lambda p: p.name.casefold())
        options: list[tuple[str, int | None]] = [("All payers", None)]
        options += [(p.name, p.id) for p in payers]

        def chosen(value: object) -> None:
            if value is not PickDialog.CANCELLED:
                self.payer = value  # type: ignore[assignment]
                self.refresh_data()

        self.app.push_screen(PickDialog("Show authorizations from", options, self.payer), chosen)

    def action_days(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            self.days = int(text.strip())
            self.view = "expiring"
            self.refresh_data()

        self.app.push_screen(
            PromptDialog(
                "Expiring within", "How many days ahead?", str(self.days), check=days_problem
            ),
            chosen,
        )


def days_problem(text: str) -> str | None:
    """What is wrong with a typed number of days (None: a whole number, 0 or more)."""
    try:
        days = int(text.strip())
    except ValueError:
        return f'"{text.strip()}" is not a number of days: type a whole number such as 30.'
    if days < 0:
        return "The number of days cannot be negative: 0 shows what ends today."
    return None
