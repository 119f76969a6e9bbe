"""Payers and procedure groups: the practice's lists that client insurances and authorizations
pick from. An admin edits them; staff may add a payer (as from the client form)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label, Static

from priorauth.model import OutOfAuthPolicy, Payer, ProcedureGroup
from tui import fmt
from tui.screens.base import BaseScreen
from tui.table import Cell, Col, RecordTable

PAYER_COLUMNS = [
    Col("name", "Payer", 16, flex=3),
    Col("auth", "Prior auth", 12),
    Col("days", "Turnaround", 10, align="right", short="Answers"),
    Col("policy", "Outside auth", 7, short="Outside"),
    Col("notes", "Notes", 10, flex=3),
]
# what the payer's policy does to a service no authorization covers (the form's choices)
POLICY_WORDS = {
    OutOfAuthPolicy.ALLOW: "recorded, nothing said",
    OutOfAuthPolicy.WARN: "recorded with a warning",
    OutOfAuthPolicy.BLOCK: "refused (billing may override with a reason)",
}
GROUP_COLUMNS = [
    Col("name", "Procedure group", 18, flex=1),
    Col("codes", "Codes", 20, flex=3),
]


def payer_cells(payer: Payer) -> list[Cell]:
    return [
        (payer.name, ""),
        ("required" if payer.prior_auth_required else "not required", ""),
        (f"{payer.turnaround_days} d", ""),
        (payer.out_of_auth_policy.value, ""),
        (payer.notes, "muted"),
    ]


def group_cells(group: ProcedureGroup) -> list[Cell]:
    return [(group.name, ""), (fmt.codes(group.codes), "")]


class PayersScreen(BaseScreen):
    WHERE = "Payers and groups"
    PARTIAL_OK = True
    BINDINGS: ClassVar = [
        Binding("n", "new_payer", "New payer", id="payers_new_payer"),
        Binding(
            "g", "new_group", "New group", id="payers_new_group", tooltip="New procedure group"
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="payers_edit",
            tooltip="Edit the selected payer or procedure group",
        ),
    ]
    PERMISSIONS: ClassVar = {"new_payer": "edit", "new_group": "admin", "edit": "admin"}

    def compose_body(self) -> ComposeResult:
        yield Label(id="payers-title", classes="section-title")
        yield RecordTable(PAYER_COLUMNS, id="payers")
        yield Label(id="groups-title", classes="section-title")
        yield RecordTable(GROUP_COLUMNS, id="groups")
        yield Static(id="detail", classes="detail-line")

    def on_mount(self) -> None:
        self.payers.focus()
        super().on_mount()

    @property
    def payers(self) -> RecordTable:
        return self.query_one("#payers", RecordTable)

    @property
    def groups(self) -> RecordTable:
        return self.query_one("#groups", RecordTable)

    def refresh_data(self, keep_payer: str | None = None, keep_group: str | None = None) -> None:
        data = self.at.data
        if data is None:
            return
        payers = sorted(data.payers.values(), key=lambda p: p.name.casefold())
        groups = sorted(data.groups.values(), key=lambda g: g.name.casefold())
        self.payers.set_rows([(str(p.id), payer_cells(p)) for p in payers], keep_key=keep_payer)
        self.groups.set_rows([(str(g.id), group_cells(g)) for g in groups], keep_key=keep_group)
        self.query_one("#payers-title", Label).update(
            Text(f"Payers ({len(payers)})" if payers else "No payers yet: press n to add one")
        )
        self.query_one("#groups-title", Label).update(
            Text(
                f"Procedure groups ({len(groups)}) · tab moves between the lists"
                if groups
                else "No procedure groups yet: press g to define one"
            )
        )
        self._show_selected()

    def selected(self) -> Payer | ProcedureGroup | None:
        data = self.at.data
        if data is None:
            return None
        if self.groups.has_focus:
            key = self.groups.current_key()
            return data.groups.get(int(key)) if key else None
        key = self.payers.current_key()
        return data.payers.get(int(key)) if key else None

    def _show_selected(self) -> None:
        record = self.selected()
        detail = self.query_one("#detail", Static)
        if isinstance(record, Payer):
            needs = "required" if record.prior_auth_required else "not required"
            rule = POLICY_WORDS[record.out_of_auth_policy]
            text = (
                f"{record.name}: prior auth {needs} by default for new client insurances · "
                f"usually answers a request in {record.turnaround_days} days · a service "
                f"outside an authorization or past its units: {rule}"
            )
        elif isinstance(record, ProcedureGroup):
            text = f"{record.name}: picked in the authorization form for {fmt.codes(record.codes)}"
        else:
            text = ""
        if not self.at.may("admin"):
            text += (" · " if text else "") + self.read_only_note()
        detail.update(Text(text))

    def read_only_note(self) -> str:
        add = "you may add a payer" if self.at.may("edit") else "you may look only"
        return f"only an admin changes these lists ({self.at.user} is {self.at.role}: {add})"

    @on(RecordTable.Highlighted)
    def _highlighted(self) -> None:
        self._show_selected()

    def on_descendant_focus(self) -> None:
        self._show_selected()

    @on(RecordTable.Selected)
    def _row_selected(self) -> None:
        if self.check_action("edit", ()):
            self.action_edit()
        else:
            self.notify(self.read_only_note().capitalize() + ".")

    # --- actions ------------------------------------------------------------------------------

    def action_new_payer(self) -> None:
        from tui.forms.payer_form import PayerForm

        self.app.push_screen(PayerForm(), self._saved)

    def action_new_group(self) -> None:
        from tui.forms.group_form import GroupForm

        self.app.push_screen(GroupForm(), self._saved)

    def action_edit(self) -> None:
        from tui.forms.group_form import GroupForm
        from tui.forms.payer_form import PayerForm

        record = self.selected()
        if isinstance(record, Payer):
            self.app.push_screen(PayerForm(record), self._saved)
        elif isinstance(record, ProcedureGroup):
            self.app.push_screen(GroupForm(group=record), self._saved)

    def _saved(self, record: Payer | ProcedureGroup | None) -> None:
        if isinstance(record, Payer):
            self.refresh_data(keep_payer=str(record.id))
            self.set_focus(self.payers)
            self.notify(f"Saved payer {record.name}.")
        elif isinstance(record, ProcedureGroup):
            self.refresh_data(keep_group=str(record.id))
            self.set_focus(self.groups)
            self.notify(f"Saved procedure group {record.name}.")
