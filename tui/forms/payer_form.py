"""Add a payer (insurance company) to the practice's list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from priorauth import validate
from priorauth.errors import ValidationError
from priorauth.model import Payer
from priorauth.tracker import Tracker
from tui.forms.base import FormScreen, field_row
from tui.widgets import Tick


class PayerForm(FormScreen[Payer]):
    TITLE = "New payer"

    def compose_fields(self) -> ComposeResult:
        yield field_row("name", "Name", Input(compact=True))
        yield field_row(
            "prior_auth_required",
            "Prior auth",
            Tick("required by default for new client insurances", True, compact=True),
        )
        yield field_row(
            "turnaround_days",
            "Turnaround",
            Input("14", compact=True),
            hint="days the payer usually takes to answer",
        )
        yield field_row("notes", "Notes", Input(compact=True))

    def build(self) -> tuple[Payer, list[ValidationError]]:
        problems: list[ValidationError] = []
        days = self.count_field("turnaround_days", problems, blank=14)
        payer = Payer(
            name=self.text("name").strip(),
            prior_auth_required=self.checked("prior_auth_required"),
            turnaround_days=14 if days is None else days,
            notes=self.text("notes").strip(),
        )
        return payer, problems

    def problems(self, record: Payer) -> list[ValidationError]:
        return validate.payer_problems(self.data, record)

    def save(self, tracker: Tracker, record: Payer) -> Payer:
        return tracker.save_payer(record)
