"""Add a payer (insurance company) to the practice's list, or edit one (an admin)."""

from __future__ import annotations

import dataclasses

from textual.app import ComposeResult
from textual.widgets import Input, Select

from priorauth import validate
from priorauth.errors import ValidationError
from priorauth.model import OutOfAuthPolicy, Payer
from priorauth.services.tracker import Tracker
from tui.forms.base import FormScreen, field_row
from tui.widgets import Tick

POLICY_CHOICES = [
    ("allow: record it, say nothing", OutOfAuthPolicy.ALLOW),
    ("warn: record it with a warning", OutOfAuthPolicy.WARN),
    ("block: refuse it (billing may override)", OutOfAuthPolicy.BLOCK),
]


class PayerForm(FormScreen[Payer]):
    def __init__(self, payer: Payer | None = None) -> None:
        super().__init__()
        self.payer = payer

    def title_text(self) -> str:
        return f"Edit payer {self.payer.name}" if self.payer else "New payer"

    def compose_fields(self) -> ComposeResult:
        p = self.payer or Payer(name="")
        yield field_row("name", "Name", Input(p.name, compact=True))
        yield field_row(
            "prior_auth_required",
            "Prior auth",
            Tick(
                "required by default for new client insurances",
                p.prior_auth_required,
                compact=True,
            ),
        )
        yield field_row(
            "turnaround_days",
            "Turnaround",
            Input(str(p.turnaround_days), compact=True),
            hint="days it takes to answer",
        )
        yield field_row(
            "out_of_auth_policy",
            "Outside auth",
            Select(POLICY_CHOICES, value=p.out_of_auth_policy, allow_blank=False, compact=True),
            hint="no auth, or past its units",
        )
        yield field_row("notes", "Notes", Input(p.notes, compact=True))

    def build(self) -> tuple[Payer, list[ValidationError]]:
        problems: list[ValidationError] = []
        days = self.count_field("turnaround_days", problems, blank=14)
        values = {
            "name": self.text("name").strip(),
            "prior_auth_required": self.checked("prior_auth_required"),
            "turnaround_days": 14 if days is None else days,
            "notes": self.text("notes").strip(),
            "out_of_auth_policy": OutOfAuthPolicy(
                self.choice("out_of_auth_policy") or OutOfAuthPolicy.WARN
            ),
        }
        if self.payer is None:
            return Payer(**values), problems  # type: ignore[arg-type]
        return dataclasses.replace(self.payer, **values), problems

    def problems(self, record: Payer) -> list[ValidationError]:
        return validate.payer_problems(self.data, record)

    def save(self, tracker: Tracker, record: Payer) -> Payer:
        return tracker.save_payer(record)
