"""Define a procedure group (a name for the codes a payer authorizes together), or edit one."""

from __future__ import annotations

import dataclasses

from textual.app import ComposeResult
from textual.widgets import Input

from priorauth import validate
from priorauth.errors import ValidationError
from priorauth.model import ProcedureGroup
from priorauth.services.tracker import Tracker
from tui import parse
from tui.forms.base import FormScreen, field_row


class GroupForm(FormScreen[ProcedureGroup]):
    """A new group (its codes may come from the authorization form), or edit ``group``."""

    def __init__(
        self, codes: list[str] | None = None, *, group: ProcedureGroup | None = None
    ) -> None:
        super().__init__()
        self.group = group
        self.codes = codes if codes is not None else (group.codes if group else [])

    def title_text(self) -> str:
        return f"Edit procedure group {self.group.name}" if self.group else "New procedure group"

    def compose_fields(self) -> ComposeResult:
        name = self.group.name if self.group else ""
        yield field_row("name", "Name", Input(name, placeholder="e.g. Psychotherapy", compact=True))
        yield field_row(
            "codes",
            "Codes",
            Input(", ".join(self.codes), placeholder="90832, 90834, 90837", compact=True),
        )

    def build(self) -> tuple[ProcedureGroup, list[ValidationError]]:
        codes = [validate.normalize_code(c) for c in parse.parse_codes(self.text("codes"))]
        name = self.text("name").strip()
        if self.group is None:
            return ProcedureGroup(name=name, codes=codes), []
        return dataclasses.replace(self.group, name=name, codes=codes), []

    def problems(self, record: ProcedureGroup) -> list[ValidationError]:
        return validate.group_problems(self.data, record)

    def field_for(self, field: str | None) -> str | None:
        """A bad code is the domain's ``procedure_codes`` problem: shown under Codes."""
        return "codes" if field == "procedure_codes" else field

    def save(self, tracker: Tracker, record: ProcedureGroup) -> ProcedureGroup:
        return tracker.save_group(record)
