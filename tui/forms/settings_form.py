"""Change the practice settings (an admin): the thresholds behind every user's notifications."""

from __future__ import annotations

import dataclasses

from textual.app import ComposeResult
from textual.widgets import Input

from priorauth import practice
from priorauth.errors import ValidationError
from priorauth.model import PracticeSettings
from priorauth.services.tracker import Tracker
from tui.forms.base import FormScreen, field_row

FIELDS = (
    ("low_percent", "Running low", "% of authorized or less"),
    ("low_floor", "Low floor", "left or less, if more"),
    ("renewal_margin_days", "Renewal", "days before turnaround"),
    ("pace_weeks", "Pace", "weeks of use (1 to 52)"),
)


class SettingsForm(FormScreen[PracticeSettings]):
    TITLE = "Practice settings (for every user)"

    def __init__(self, settings: PracticeSettings) -> None:
        super().__init__()
        self.settings = settings

    def compose_fields(self) -> ComposeResult:
        for name, label, hint in FIELDS:
            value = str(getattr(self.settings, name))
            yield field_row(name, label, Input(value, compact=True), hint=hint)

    def build(self) -> tuple[PracticeSettings, list[ValidationError]]:
        problems: list[ValidationError] = []
        values = {}
        for name, label, _ in FIELDS:
            value = self.count_field(name, problems)
            if value is None and not any(p.field == name for p in problems):
                problems.append(ValidationError(f"{label} needs a number.", name))
            values[name] = getattr(self.settings, name) if value is None else value
        return dataclasses.replace(self.settings, **values), problems

    def problems(self, record: PracticeSettings) -> list[ValidationError]:
        return practice.settings_problems(record)

    def save(self, tracker: Tracker, record: PracticeSettings) -> PracticeSettings:
        return tracker.save_settings(record)
