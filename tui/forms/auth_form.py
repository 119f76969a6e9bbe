"""Add or edit an authorization: every field of DESIGN.md, the request behind it included."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input, Label, Select

from priorauth import coverage, rules, service_lines, validate
from priorauth.errors import ValidationError
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    LineMeasure,
    ProcedureGroup,
    RequestStatus,
    ServiceLine,
)
from priorauth.services.tracker import SaveResult, Tracker
from tui import fmt, parse
from tui.forms import auth_lines as lines_ui
from tui.forms.auth_save import save_question
from tui.forms.base import FormScreen, field_row, line_row, section
from tui.widgets import Tick

DATE_FIELDS = ("start_date", "end_date", "requested_on", "follow_up_on")
CAP_FIELDS = ("cap_amount", "cap_period", "cap_measure")


def _date_text(day: dt.date | None) -> str:
    return fmt.date(day)


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
        Binding(
            "ctrl+n",
            "add_line",
            "Add line",
            id="form_add_line",
            tooltip="Add a service line (its own codes and units) to the authorization",
        ),
        Binding(
            "ctrl+r",
            "remove_line",
            "Remove line",
            id="form_remove_line",
            tooltip="Remove the service line the cursor is in",
        ),
    ]
    PERMISSIONS: ClassVar = {"new_group": "admin"}
    KEYS: ClassVar = (("ctrl+n", "add line"),)

    def __init__(self, client: Client, auth: Authorization | None, title: str = "") -> None:
        super().__init__()
        self.client = client
        self.auth = auth
        self._title = title
        self.line_count = len(service_lines.lines_of(auth)) if auth is not None else 1
        self._own_line_problems = False

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
        lines = service_lines.lines_of(a)
        first = lines[0]
        day = a.start_date or self.today
        payers = [(data.payer_name(pid), pid) for pid in coverage.payers_in_force(self.client, day)]
        payer_ids = {pid for _, pid in payers}
        main = coverage.main_coverage(self.client, day)
        payer = a.payer or (main.payer_id if main else 0)
        groups = self._groups()
        group_value = lines_ui.group_choice(first, groups)
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
            hint="",  # the date written out (date_field)
        )
        yield field_row(
            "end_date",
            "End",
            Input(_date_text(a.end_date), placeholder="blank: open-ended", compact=True),
            hint="",  # the date written out (date_field)
        )
        # the whole authorization's: above line 1 (with several lines, under "Line 1" they read
        # as the line's)
        yield field_row("active", "Active", Tick("the one for box 23", a.active, compact=True))
        yield field_row(
            "reminder_days",
            "Remind",
            Input(
                lines_ui.count_text(a.reminder_days), placeholder="blank: no reminder", compact=True
            ),
            hint="days before the end",
        )
        line_1_title = Label(
            Text(lines_ui.line_title(1)), id="line-1-title", classes="form-section line-title"
        )
        line_1_title.display = self.line_count > 1
        yield line_1_title
        yield lines_ui._row(
            "units_authorized",
            "Units",
            Input(
                lines_ui.count_text(first.units_authorized),
                placeholder="blank: no cap",
                compact=True,
                id="units_authorized",
            ),
            Select(
                lines_ui.MEASURES,
                value=first.measure,
                allow_blank=False,
                compact=True,
                id="measure",
                classes="line-measure",
            ),
        )
        yield field_row(
            "visits_authorized",
            "Visits",
            Input(
                lines_ui.count_text(first.visits_authorized),
                placeholder="blank: no cap",
                compact=True,
            ),
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
                ", ".join(first.codes),
                placeholder="90837, H2019-HN (blank: any)",
                compact=True,
            ),
        )
        yield line_row(
            "cap",
            Label(Text("Cap"), classes="field-label"),
            Input(
                lines_ui.count_text(first.cap_amount),
                placeholder="none",
                compact=True,
                id="cap_amount",
                classes="cap-amount",
            ),
            Label(" per ", classes="cap-word"),
            Select(
                [("week", CapPeriod.WEEK), ("month", CapPeriod.MONTH)],
                value=first.cap_period or Select.NULL,
                prompt="-",
                compact=True,
                id="cap_period",
                classes="cap-period",
            ),
            Label(" of ", classes="cap-word"),
            Select(
                [("units", CapMeasure.UNITS), ("visits", CapMeasure.VISITS)],
                value=first.cap_measure,
                allow_blank=False,
                compact=True,
                id="cap_measure",
                classes="cap-measure",
            ),
        )
        yield section("Used before tracking began (from the log)")
        yield field_row(
            "carried_units_used",
            "Units used",
            Input(lines_ui.count_text(first.carried_units_used), compact=True),
        )
        yield field_row(
            "carried_visits_used",
            "Visits used",
            Input(lines_ui.count_text(first.carried_visits_used), compact=True),
        )
        for number, line in enumerate(lines[1:], start=2):
            yield lines_ui.line_block(number, line, groups)
        yield Label(Text("The request to the payer"), id="request-section", classes="form-section")
        yield field_row(
            "requested_on",
            "Requested on",
            Input(_date_text(a.requested_on), placeholder="MM/DD/YYYY", compact=True),
            hint="",  # the date written out (date_field)
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
            hint="",  # the date written out (date_field)
        )
        yield field_row("notes", "Notes", Input(a.notes, compact=True))

    def blank_hint(self, name: str) -> str:
        return {"end_date": "open-ended", "start_date": "", "follow_up_on": ""}.get(name, "")

    def row_of(self, widget_id: str) -> str:
        found = lines_ui.line_of_widget(widget_id)
        return lines_ui.row_id(*found) if found else widget_id

    def field_for(self, field: str | None) -> str | None:
        if field in CAP_FIELDS:
            return "cap"
        if field == "client":
            return None
        return field

    def field_changed(self, name: str) -> None:
        found = lines_ui.line_of_widget(name)
        if found is not None and found[0] == "group":
            number = found[1]
            group = self.data.groups.get(self.choice(name) or 0)
            if group is not None:
                codes = self.query_one(f"#{lines_ui.widget_id('codes', number)}", Input)
                codes.value = ", ".join(group.codes)
        elif name == "status" and "active" not in self.touched:
            approved = self.choice("status") == RequestStatus.APPROVED
            self.query_one("#active", Checkbox).value = approved

    def _groups(self) -> list[ProcedureGroup]:
        """The practice's procedure groups, as the form lists them (by name)."""
        return sorted(self.data.groups.values(), key=lambda g: g.name.casefold())

    def action_new_group(self) -> None:
        from tui.forms.group_form import GroupForm

        codes = parse.parse_codes(self.text("procedure_codes"))
        self.app.push_screen(GroupForm(codes), self._group_added)

    def _group_added(self, group: ProcedureGroup | None) -> None:
        if group is None:
            return
        groups = self._groups()
        options = [(g.name, g.id) for g in groups]
        if all(gid != group.id for _, gid in options):
            options.append((group.name, group.id))
        select = self.query_one("#group", Select)
        select.set_options(options)
        select.value = group.id  # fills the codes

    def build(self) -> tuple[Authorization, list[ValidationError]]:
        problems: list[ValidationError] = []
        dates = {name: self.date_field(name, problems) for name in DATE_FIELDS}
        reminder = self.count_field("reminder_days", problems)
        lines = [self._read_line(n, problems) for n in range(1, self.line_count + 1)]
        found = lines_ui.line_problems(lines)
        self._own_line_problems = bool(found) or any(str(p).startswith("line ") for p in problems)
        problems += [
            ValidationError(text, lines_ui.row_id(key, number)) for number, key, text in found
        ]
        values = {
            **dates,
            "reminder_days": reminder,
            "payer": self.choice("payer") or 0,
            "auth_number": self.text("auth_number").strip(),
            "status": self.choice("status") or RequestStatus.APPROVED,
            "active": self.checked("active"),
            "payer_reference": self.text("payer_reference").strip(),
            "member_id": self.text("member_id").strip(),
            "notes": self.text("notes").strip(),
        }
        if self.auth is None:
            record = Authorization(client=self.client.id, **values)
        else:
            record = dataclasses.replace(self.auth, **values)
        return service_lines.with_lines(record, lines), problems

    def _read_line(self, number: int, problems: list[ValidationError]) -> ServiceLine:
        """Line ``number`` as its widgets say; problems reading it name the line when there
        are several (line 1 alone speaks as the form always did)."""

        def wid(key: str) -> str:
            return lines_ui.widget_id(key, number)

        codes_text = self.text(wid("codes"))
        codes = [validate.normalize_code(c) for c in parse.parse_codes(codes_text)]
        group = self.data.groups.get(self.choice(wid("group")) or 0)
        measure = LineMeasure(self.choice(wid("measure")) or LineMeasure.UNITS)
        hours = measure == LineMeasure.HOURS
        named = ServiceLine(codes=codes, group=group.name if group else "")
        prefix = f"{lines_ui.line_name(number, named)}: " if self.line_count > 1 else ""

        def count(key: str, what: str, *, fractions: bool = False, blank: int | None = None):
            return lines_ui.read_count(
                self.text(wid(key)),
                what,
                fractions=fractions,
                blank=blank,
                prefix=prefix,
                field=lines_ui.row_id(key, number),
                problems=problems,
            )

        cap_measure = CapMeasure(self.choice(wid("cap_measure")) or CapMeasure.UNITS)
        period = self.choice(wid("cap_period"))
        cap = count("cap_amount", "", fractions=hours and cap_measure == CapMeasure.UNITS)
        several = self.line_count > 1  # (one line: the sentences the form always said)
        before = service_lines.lines_of(self.auth) if self.auth is not None else []
        was = before[number - 1] if number <= len(before) else None
        return ServiceLine(
            codes=codes,
            group=lines_ui.group_name(group, codes, was, self._groups()),
            units_authorized=count("units", "units authorized" * several, fractions=hours),
            visits_authorized=count("visits", "visits authorized" * several),  # type: ignore[arg-type]
            carried_units_used=count(
                "carried_units", "units used" * several, fractions=hours, blank=0
            )
            or 0,
            carried_visits_used=count("carried_visits", "visits used" * several, blank=0) or 0,  # type: ignore[arg-type]
            cap_amount=cap,
            cap_period=CapPeriod(period) if cap is not None and period else None,
            cap_measure=cap_measure,
            measure=measure,
        )

    # --- adding and removing lines ------------------------------------------------------------

    def _lines_changed(self) -> None:
        title = self.query_one("#line-1-title", Label)
        title.display = self.line_count > 1
        self.touched.add("lines")
        self.revalidate()

    async def action_add_line(self) -> None:
        number = self.line_count + 1
        groups = self._groups()
        block = lines_ui.line_block(number, ServiceLine(), groups)
        await self.query_one(".form-body").mount(block, before="#request-section")
        self.line_count = number
        self._lines_changed()
        self.query_one(f"#{lines_ui.widget_id('codes', number)}", Input).focus()
        self.call_after_refresh(block.scroll_visible)

    async def action_remove_line(self) -> None:
        if self.line_count == 1:
            self.notify("An authorization keeps at least one line.", severity="warning")
            return
        focused = self.focused
        found = lines_ui.line_of_widget(focused.id or "") if focused is not None else None
        number = found[1] if found is not None else self.line_count
        with self.prevent(Input.Changed, Select.Changed):
            for n in range(number, self.line_count):
                lines_ui.write_values(self, n, lines_ui.read_values(self, n + 1))
        self.line_count -= 1
        await self.query_one(f"#line-{self.line_count + 1}").remove()
        self._lines_changed()
        self.notify(f"Line {number} removed.")

    def problems(self, record: Authorization) -> list[ValidationError]:
        found = validate.authorization_problems(self.data, record)
        if self._own_line_problems:  # the form named the line already: not said twice
            found = [p for p in found if p.field != "lines"]
        return found

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
        """Before saving, say what the change does beyond itself (:mod:`tui.forms.auth_save`)."""
        old = self.auth
        if old is None or not old.id:
            return None
        return save_question(self.data, old, record)

    def save(self, tracker: Tracker, record: Authorization) -> SaveResult:
        return tracker.save_authorization(record)
