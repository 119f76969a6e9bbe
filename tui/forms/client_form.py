"""Add or edit a client and its coverages: the primary, secondary and tertiary in force today,
then the past and future ones, each with the dates it is in force."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select

from priorauth import coverage, integrity, validate
from priorauth.errors import ValidationError
from priorauth.model import Client, ClientInsurance, ClientStatus, Payer, Priority
from priorauth.services.tracker import Tracker
from tui import fmt, parse
from tui.forms.base import FormScreen, field_row, section
from tui.forms.payer_form import PayerForm
from tui.widgets import Tick

PRIORITIES = (Priority.PRIMARY, Priority.SECONDARY, Priority.TERTIARY)


def _text(row: str, key: str, value: str, placeholder: str, classes: str) -> Input:
    """A text field of coverage row ``row`` (its id ``<row>-<key>``)."""
    return Input(value, placeholder=placeholder, compact=True, id=f"{row}-{key}", classes=classes)


class ClientForm(FormScreen[Client]):
    BINDINGS: ClassVar = [
        Binding(
            "ctrl+n",
            "new_payer",
            "New payer",
            id="form_new_payer",
            tooltip="Add a payer to the list",
        ),
    ]
    PERMISSIONS: ClassVar = {"new_payer": "edit"}

    def __init__(self, client: Client | None) -> None:
        super().__init__()
        self.client = client
        self._rows: dict[str, ClientInsurance | None] = {}  # form row -> the coverage it shows
        self._new_cards: list[str] = []

    def title_text(self) -> str:
        if self.client is None:
            return "New client"
        return f"Edit client {self.client.name} ({self.client.client_id})"

    def payer_options(self) -> list[tuple[str, int]]:
        payers = sorted(self.data.payers.values(), key=lambda p: p.name.casefold())
        return [(p.name, p.id) for p in payers]

    def compose_fields(self) -> ComposeResult:
        c = self.client or Client()
        yield field_row("last_name", "Last name", Input(c.last_name, compact=True))
        yield field_row("first_name", "First name", Input(c.first_name, compact=True))
        yield field_row(
            "dob",
            "Date of birth",
            Input(f"{c.dob:%m/%d/%Y}" if c.dob else "", placeholder="MM/DD/YYYY", compact=True),
            hint="",  # the date written out (date_field)
        )
        yield field_row(
            "client_id",
            "Client ID",
            Input(c.client_id, placeholder="blank: next free id", compact=True),
        )
        yield field_row(
            "clinician",
            "Clinician",
            Input(c.clinician, placeholder="login name, for 'my clients'", compact=True),
        )
        yield field_row(
            "status",
            "Status",
            Select(
                [("active", ClientStatus.ACTIVE), ("discharged", ClientStatus.DISCHARGED)],
                value=c.status,
                allow_blank=False,
                compact=True,
            ),
        )
        yield field_row("notes", "Notes", Input(c.notes, compact=True))
        yield section("Coverages in force today (ctrl+n adds a payer to the list)")
        options = self.payer_options()
        for priority in PRIORITIES:
            ins = coverage.coverage_with(c, priority, self.today)
            self._rows[priority.value] = ins
            yield self._coverage_row(priority.value, ins, options, priority)
        yield section("Past and future coverages (fill the last row to add one)")
        current = [i for i in self._rows.values() if i is not None]
        others = [i for i in coverage.all_coverages(c) if all(i is not x for x in current)]
        for k, ins in enumerate([*others, None]):
            self._rows[f"other{k}"] = ins
            yield self._coverage_row(f"other{k}", ins, options, None)

    def _coverage_row(
        self,
        row: str,
        ins: ClientInsurance | None,
        options: list[tuple[str, int]],
        priority: Priority | None,
    ) -> Vertical:
        """Three lines: priority (a label for today's rows), payer, member id, prior auth; the
        dates it is in force and the group number; the subscriber when it is not the client
        (seed 002's "Subscriber Information")."""
        if priority is not None:
            first: Label | Select = Label(Text(priority.value.capitalize()), classes="field-label")
        else:
            first = Select(
                [(p.value, p) for p in PRIORITIES],
                value=ins.priority if ins else Priority.PRIMARY,
                allow_blank=False,
                compact=True,
                id=f"{row}-priority",
                classes="ins-priority",
            )
        return Vertical(
            Horizontal(
                first,
                Select(
                    options,
                    value=ins.payer_id if ins and ins.payer_id in self.data.payers else Select.NULL,
                    prompt="(none)",
                    compact=True,
                    id=f"{row}-payer",
                    classes="ins-payer",
                ),
                _text(row, "member", ins.member_id if ins else "", "member id", "ins-member"),
                Tick(
                    "prior auth",
                    ins.prior_auth_required if ins else True,
                    compact=True,
                    id=f"{row}-auth",
                    classes="ins-auth",
                ),
                classes="field-line",
            ),
            Horizontal(
                Label(Text("  in force"), classes="field-label"),
                _text(
                    row,
                    "start",
                    fmt.date(ins.start_date) if ins and ins.start_date else "",
                    "from: open",
                    "ins-date",
                ),
                _text(
                    row,
                    "end",
                    fmt.date(ins.end_date) if ins and ins.end_date else "",
                    "to: open",
                    "ins-date",
                ),
                _text(row, "group", ins.group_number if ins else "", "group number", "ins-group"),
                classes="field-line",
            ),
            Horizontal(
                Label(Text("  subscriber"), classes="field-label"),
                _text(
                    row,
                    "subscriber",
                    ins.subscriber_name if ins else "",
                    "name, when not the client",
                    "ins-subscriber",
                ),
                _text(
                    row,
                    "relationship",
                    ins.subscriber_relationship if ins else "",
                    "relationship (parent, spouse)",
                    "ins-relationship",
                ),
                classes="field-line",
            ),
            classes="field",
            id=f"field-{row}",
        )

    def blank_hint(self, name: str) -> str:
        return "not known" if name == "dob" else ""

    def row_of(self, widget_id: str) -> str:
        return widget_id.split("-")[0] if "-" in widget_id else widget_id

    def field_changed(self, name: str) -> None:
        if name.endswith("-payer"):
            priority = name.split("-")[0]
            payer_id = self.choice(name)
            if payer_id is not None:
                ins = self.at.tracker.new_insurance(self.data, payer_id)
                self.query_one(f"#{priority}-auth", Checkbox).value = ins.prior_auth_required

    def field_for(self, field: str | None) -> str | None:
        if field == "insurances":
            return "primary"
        return field

    def _coverages(
        self, row: str, original: ClientInsurance | None, problems: list[ValidationError]
    ) -> list[ClientInsurance]:
        """The coverage(s) row ``row`` stands for. A new member id (or payer) on a coverage
        already saved is a new period, never an overwrite: the old one ends the day before
        the new one starts (its "from" date, else today)."""
        payer_id = self.choice(f"{row}-payer")
        member = self.text(f"{row}-member").strip()
        label = row if not row.startswith("other") else "coverage"
        if payer_id is None:
            if member:
                problems.append(ValidationError(f"Choose the {label} payer.", row))
            return []
        dates = []
        for end in ("start", "end"):
            try:
                dates.append(parse.parse_date(self.text(f"{row}-{end}"), self.today))
            except ValueError as e:
                problems.append(ValidationError(str(e), row))
                dates.append(None)
        start, end = dates
        chosen = self.choice(f"{row}-priority") if row.startswith("other") else row
        priority = Priority(chosen or Priority.PRIMARY)
        made = ClientInsurance(
            payer_id=payer_id,
            priority=priority,
            member_id=member,
            prior_auth_required=self.checked(f"{row}-auth"),
            group_number=self.text(f"{row}-group").strip(),
            subscriber_name=self.text(f"{row}-subscriber").strip(),
            subscriber_relationship=self.text(f"{row}-relationship").strip(),
            start_date=start,
            end_date=end,
        )
        if original is None or self.client is None or not original.member_id:
            return [made]
        if original.payer_id == payer_id and original.member_id == member:
            return [made]
        begins = start if start != original.start_date and start else self.today
        if original.start_date is not None and original.start_date >= begins:
            return [made]  # (a correction of a coverage that had not begun yet)
        made.start_date = begins
        ended = dataclasses.replace(original, end_date=begins - dt.timedelta(days=1))
        self._new_cards.append(
            f"The {self.data.payer_name(original.payer_id)} card {original.member_id} ends "
            f"{ended.end_date:%m/%d/%Y}; the new one starts {begins:%m/%d/%Y}."
        )
        return [ended, made]

    def build(self) -> tuple[Client, list[ValidationError]]:
        problems: list[ValidationError] = []
        dob = self.date_field("dob", problems, past=True)
        status = self.choice("status") or ClientStatus.ACTIVE
        insurances: list[ClientInsurance] = []
        self._new_cards = []
        for row, original in self._rows.items():
            insurances += self._coverages(row, original, problems)
        values = {
            "first_name": self.text("first_name").strip(),
            "last_name": self.text("last_name").strip(),
            "client_id": self.text("client_id").strip(),
            "clinician": self.text("clinician").strip(),
            "notes": self.text("notes").strip(),
            "dob": dob,
            "status": ClientStatus(status),
            "insurances": insurances,
        }
        if self.client is None:
            record = Client(**values)
        else:
            record = dataclasses.replace(self.client, **values)
        return record, problems

    def problems(self, record: Client) -> list[ValidationError]:
        return validate.client_problems(self.data, record, self.today)

    def save(self, tracker: Tracker, record: Client) -> Client:
        return tracker.save_client(record)

    def ask_before_saving(self, record: Client) -> tuple[str, str, str] | None:
        """A new client (or a renamed one) with the name and birth date of another: say who
        that is before saving a second record of one person."""
        old = self.client
        if old is not None and (old.name, old.dob) == (record.name, record.dob):
            return None
        same = integrity.same_person(self.data, record)
        if not same:
            return None
        who = "; ".join(integrity.describe_client(self.data, c) for c in same)
        return (
            "Same name and date of birth",
            f"{who} has the same name and date of birth. Save another client anyway?",
            "Save another client",
        )

    def after_change(self, record: Client) -> None:
        if not self.data.payers:
            self.set_note("There are no payers yet: press ctrl+n to add the first one.", "warn")
        elif record.id == 0 and not record.client_id:
            from priorauth.services.tracker import next_client_id

            self.set_note(f"The client id will be {next_client_id(self.data)}.")
        elif self._new_cards:
            self.set_note(" ".join(self._new_cards))
        else:
            self.set_note("")

    # --- payers -------------------------------------------------------------------------------

    def action_new_payer(self) -> None:
        self.app.push_screen(PayerForm(), self._payer_added)

    def _payer_added(self, payer: Payer | None) -> None:
        if payer is None:
            return
        options = self.payer_options()
        if all(pid != payer.id for _, pid in options):
            options.append((payer.name, payer.id))
        for select in self.query(".ins-payer").results(Select):
            value = select.value
            select.set_options(options)
            if value is not Select.NULL:
                select.value = value
        empty = next(
            (
                p
                for p in PRIORITIES
                if self.query_one(f"#{p.value}-payer", Select).value is Select.NULL
            ),
            None,
        )
        if empty is not None:
            self.query_one(f"#{empty.value}-payer", Select).value = payer.id
            self.query_one(f"#{empty.value}-payer", Select).focus()
