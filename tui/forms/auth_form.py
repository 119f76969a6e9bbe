"""Add or edit an authorization: every field of DESIGN.md, the request behind it included."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from priorauth import coverage, rules, usage, validate
from priorauth.errors import ValidationError
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    LineMeasure,
    ProcedureGroup,
    RequestStatus,
)
from priorauth.services.tracker import SaveResult, Tracker, billing_fields_changed
from tui import fmt, parse
from tui.forms.base import FormScreen, field_row, section
from tui.widgets import Tick

DATE_FIELDS = ("start_date", "end_date", "requested_on", "follow_up_on")
CAP_FIELDS = ("cap_amount", "cap_period", "cap_measure")


def _date_text(day: dt.date | None) -> str:
    return fmt.date(day)


def _count_text(value: int | None) -> str:
    return "" if value is None else str(value)


class AuthForm(FormScreen[SaveResult]):
    """``auth`` None: a new authorization for ``client``; else edit it (or a renewal copy)."""

    BINDINGS: ClassVar = [
        Binding(
            "ctrl+g",
            "new_group",
            "New group",
            id="form_new_group",
            tooltip="Define a procedure group (from the codes typed)",
        ),
    ]
    PERMISSIONS: ClassVar = {"new_group": "admin"}

    def __init__(self, client: Client, auth: Authorization | None, title: str = "") -> None:
        super().__init__()
        self.client = client
        self.auth = auth
        self._title = title

    def title_text(self) -> str:
        if self._title:
            return self._title
        if self.auth is None or not self.auth.id:
            return f"New authorization for {self.client.name}"
        number = self.auth.auth_number or "(no number)"
        return f"Authorization {number} for {self.client.name}"

    def compose_fields(self) -> ComposeResult:
        data = self.data
        a = self.auth or Authorization(client=self.client.id, payer=0)
        stated = usage.stated_usage(a)
        day = a.start_date or self.today
        payers = [(data.payer_name(pid), pid) for pid in coverage.payers_in_force(self.client, day)]
        payer_ids = {pid for _, pid in payers}
        main = coverage.main_coverage(self.client, day)
        payer = a.payer or (main.payer_id if main else 0)
        groups = sorted(data.groups.values(), key=lambda g: g.name.casefold())
        group_value = next((g.id for g in groups if g.codes == a.procedure_codes), Select.NULL)
        yield field_row(
            "payer",
            "Payer",
            Select(
                payers,
                value=payer if payer in payer_ids else Select.NULL,
                prompt="(choose)",
                compact=True,
            ),
        )
        yield field_row(
            "auth_number",
            "Auth number",
            Input(a.auth_number, compact=True),
            hint="blank: none issued",
        )
        yield field_row(
            "status",
            "Request",
            Select(
                [(s.value, s) for s in RequestStatus],
                value=a.status,
                allow_blank=False,
                compact=True,
            ),
        )
        yield field_row(
            "start_date",
            "Start",
            Input(_date_text(a.start_date), placeholder="MM/DD/YYYY", compact=True),
        )
        yield field_row(
            "end_date",
            "End",
            Input(_date_text(a.end_date), placeholder="blank: open-ended", compact=True),
        )
        yield field_row(
            "units_authorized",
            "Units",
            Input(_count_text(stated.units_authorized), placeholder="blank: no cap", compact=True),
        )
        yield field_row(
            "visits_authorized",
            "Visits",
            Input(_count_text(stated.visits_authorized), placeholder="blank: no cap", compact=True),
            hint="a visit is a day of service",
        )
        yield field_row(
            "group",
            "Code group",
            Select(
                [(g.name, g.id) for g in groups],
                value=group_value,
                prompt="(type codes; ctrl+g defines a group)",
                compact=True,
            ),
        )
        yield field_row(
            "procedure_codes",
            "Codes",
            Input(
                ", ".join(a.procedure_codes),
                placeholder="90837, H2019-HN (blank: any)",
                compact=True,
            ),
        )
        yield field_row("active", "Active", Tick("the one for box 23", a.active, compact=True))
        yield field_row(
            "reminder_days",
            "Remind",
            Input(_count_text(a.reminder_days), placeholder="blank: no reminder", compact=True),
            hint="days before the end",
        )
        yield Vertical(
            Horizontal(
                Label(Text("Cap"), classes="field-label"),
                Input(
                    _count_text(a.cap_amount),
                    placeholder="none",
                    compact=True,
                    id="cap_amount",
                    classes="cap-amount",
                ),
                Label(" per ", classes="cap-word"),
                Select(
                    [("week", CapPeriod.WEEK), ("month", CapPeriod.MONTH)],
                    value=a.cap_period or Select.NULL,
                    prompt="-",
                    compact=True,
                    id="cap_period",
                    classes="cap-period",
                ),
                Label(" of ", classes="cap-word"),
                Select(
                    [("units", CapMeasure.UNITS), ("visits", CapMeasure.VISITS)],
                    value=a.cap_measure,
                    allow_blank=False,
                    compact=True,
                    id="cap_measure",
                    classes="cap-measure",
                ),
                classes="field-line",
            ),
            Static(classes="field-error", id="error-cap"),
            classes="field",
            id="field-cap",
        )
        yield section("Used before tracking began (from the log)")
        yield field_row(
            "carried_units_used", "Units used", Input(str(stated.units_used), compact=True)
        )
        yield field_row(
            "carried_visits_used", "Visits used", Input(str(stated.visits_used), compact=True)
        )
        yield section("The request to the payer")
        yield field_row(
            "requested_on",
            "Requested on",
            Input(_date_text(a.requested_on), placeholder="MM/DD/YYYY", compact=True),
        )
        yield field_row(
            "payer_reference",
            "Reference",
            Input(a.payer_reference, placeholder="payer's call / reference number", compact=True),
        )
        yield field_row(
            "member_id",
            "Member ID",
            Input(a.member_id, placeholder="blank: the card in force then", compact=True),
            hint="the card it is issued under",
        )
        yield field_row(
            "follow_up_on",
            "Follow up on",
            Input(_date_text(a.follow_up_on), placeholder="MM/DD/YYYY", compact=True),
        )
        yield field_row("notes", "Notes", Input(a.notes, compact=True))

    def blank_hint(self, name: str) -> str:
        return {"end_date": "open-ended", "start_date": "", "follow_up_on": ""}.get(name, "")

    def row_of(self, widget_id: str) -> str:
        return "cap" if widget_id in CAP_FIELDS else widget_id

    def field_for(self, field: str | None) -> str | None:
        if field in CAP_FIELDS:
            return "cap"
        if field == "client":
            return None
        return field

    def field_changed(self, name: str) -> None:
        if name == "group":
            group = self.data.groups.get(self.choice("group") or 0)
            if group is not None:
                self.query_one("#procedure_codes", Input).value = ", ".join(group.codes)
        elif name == "status" and "active" not in self.touched:
            approved = self.choice("status") == RequestStatus.APPROVED
            self.query_one("#active", Checkbox).value = approved

    def action_new_group(self) -> None:
        from tui.forms.group_form import GroupForm

        codes = parse.parse_codes(self.text("procedure_codes"))
        self.app.push_screen(GroupForm(codes), self._group_added)

    def _group_added(self, group: ProcedureGroup | None) -> None:
        if group is None:
            return
        groups = sorted(self.data.groups.values(), key=lambda g: g.name.casefold())
        options = [(g.name, g.id) for g in groups]
        if all(gid != group.id for _, gid in options):
            options.append((group.name, group.id))
        select = self.query_one("#group", Select)
        select.set_options(options)
        select.value = group.id  # fills the codes

    def build(self) -> tuple[Authorization, list[ValidationError]]:
        problems: list[ValidationError] = []
        dates = {name: self.date_field(name, problems) for name in DATE_FIELDS}
        # an authorization counted in hours keeps its quarter hours (187.5)
        hours = self.auth is not None and self.auth.measure == LineMeasure.HOURS
        counts = {
            "units_authorized": self.count_field("units_authorized", problems, fractions=hours),
            "visits_authorized": self.count_field("visits_authorized", problems),
            "reminder_days": self.count_field("reminder_days", problems),
            "cap_amount": self.count_field("cap_amount", problems, fractions=hours),
            "carried_units_used": self.count_field(
                "carried_units_used", problems, blank=0, fractions=hours
            )
            or 0,
            "carried_visits_used": self.count_field("carried_visits_used", problems, blank=0) or 0,
        }
        codes = [
            validate.normalize_code(c) for c in parse.parse_codes(self.text("procedure_codes"))
        ]
        values = {
            **dates,
            **counts,
            "payer": self.choice("payer") or 0,
            "auth_number": self.text("auth_number").strip(),
            "status": self.choice("status") or RequestStatus.APPROVED,
            "procedure_codes": codes,
            "active": self.checked("active"),
            "cap_period": self.choice("cap_period") if counts["cap_amount"] is not None else None,
            "cap_measure": self.choice("cap_measure") or CapMeasure.UNITS,
            "payer_reference": self.text("payer_reference").strip(),
            "member_id": self.text("member_id").strip(),
            "notes": self.text("notes").strip(),
        }
        if self.auth is None:
            record = Authorization(client=self.client.id, **values)
        else:
            record = dataclasses.replace(self.auth, **values)
        return record, problems

    def problems(self, record: Authorization) -> list[ValidationError]:
        return validate.authorization_problems(self.data, record)

    def after_change(self, record: Authorization) -> None:
        others = rules.other_active(self.data, record) if record.payer else []
        if others:
            names = ", ".join(a.auth_number or "(no number)" for a in others)
            self.set_note(
                f"Saving makes this the active {self.data.payer_name(record.payer)} "
                f"authorization: {names} will become inactive.",
                "warn",
            )
        else:
            self.set_note("")

    def ask_before_saving(self, record: Authorization) -> tuple[str, str, str] | None:
        """Changing what billing confirmed clears the "C": say so before saving."""
        old = self.auth
        if old is None or not old.id or not old.confirmed:
            return None
        changed = billing_fields_changed(old, record)
        if not changed:
            return None
        words = ", ".join(f.replace("_", " ") for f in changed)
        confirmation = old.confirmation.replace("confirmed", "confirmed to billing", 1)
        return (
            "Billing must confirm again",
            f"{old.auth_number or 'This authorization'} was {confirmation}. Changing its "
            f"{words} clears the confirmation (C): billing confirms it again. Save the change?",
            "Save, clear the C",
        )

    def save(self, tracker: Tracker, record: Authorization) -> SaveResult:
        return tracker.save_authorization(record)
