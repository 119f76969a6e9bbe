"""Define a procedure group: a name for the codes a payer authorizes together."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from priorauth import validate
from priorauth.errors import ValidationError
from priorauth.model import ProcedureGroup
from priorauth.tracker import Tracker
from tui import parse
from tui.forms.base import FormScreen, field_row


class GroupForm(FormScreen[ProcedureGroup]):
    TITLE = "New procedure group"

    def __init__(self, codes: list[str] | None = None) -> None:
        super().__init__()
        self.codes = codes or []

    def compose_fields(self) -> ComposeResult:
        yield field_row("name", "Name", Input(placeholder="e.g. Psychotherapy", compact=True))
        yield field_row(
            "codes",
            "Codes",
            Input(", ".join(self.codes), placeholder="90832, 90834, 90837", compact=True),
        )

    def build(self) -> tuple[ProcedureGroup, list[ValidationError]]:
        codes = [validate.normalize_code(c) for c in parse.parse_codes(self.text("codes"))]
        return ProcedureGroup(name=self.text("name").strip(), codes=codes), []

    def problems(self, record: ProcedureGroup) -> list[ValidationError]:
        return validate.group_problems(self.data, record)

    def save(self, tracker: Tracker, record: ProcedureGroup) -> ProcedureGroup:
        return tracker.save_group(record)
