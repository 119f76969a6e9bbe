"""Record (or edit) a service: the form says which authorization it will count against."""

from __future__ import annotations

import dataclasses

from textual.app import ComposeResult
from textual.widgets import Input, Select

from priorauth import coverage, outofauth, rules, service_lines, usage, validate
from priorauth.errors import AuthTrackError, ValidationError
from priorauth.model import Authorization, Client, OutOfAuthPolicy, Priority, Service
from priorauth.outofauth import ServiceBlocked, policy_for
from priorauth.services.tracker import ServiceResult, Tracker
from tui import fmt
from tui.forms.base import FormScreen, field_row
from tui.screens.dialogs import PromptDialog


class ServiceForm(FormScreen[ServiceResult]):
    """A new service for ``client`` (defaults from the selected ``auth``), or edit ``service``."""

    def __init__(
        self,
        client: Client,
        auth: Authorization | None = None,
        service: Service | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.auth = auth
        self.service = service
        self.override_reason = ""  # given by a billing user when the payer blocks the service

    def title_text(self) -> str:
        verb = "Edit service" if self.service else "Record a service"
        return f"{verb} for {self.client.name}"

    def compose_fields(self) -> ComposeResult:
        s = self.service
        data = self.data
        day = s.date if s is not None else self.today
        payers = [(data.payer_name(pid), pid) for pid in coverage.payers_in_force(self.client, day)]
        primary = coverage.coverage_with(self.client, Priority.PRIMARY, day)
        if s is not None:
            payer = s.payer
        elif self.auth is not None:
            payer = self.auth.payer
        else:
            payer = primary.payer_id if primary else (payers[0][1] if payers else 0)
        code = s.procedure_code if s else ""
        hint = "e.g. 90837"
        codes = service_lines.all_codes(self.auth) if self.auth is not None else []
        if s is None and len(codes) == 1:
            code = codes[0]
        elif codes:
            hint = "one of " + ", ".join(codes)
        yield field_row(
            "date",
            "Date",
            Input(fmt.date(s.date if s else self.today), compact=True),
            hint="",  # the date written out (date_field)
        )
        yield field_row(
            "payer",
            "Payer",
            Select(
                payers,
                value=payer if any(p == payer for _, p in payers) else Select.NULL,
                prompt="(choose)",
                compact=True,
            ),
        )
        yield field_row(
            "procedure_code",
            "Code",
            Input(code, placeholder=hint, compact=True),
        )
        yield field_row("units", "Units", Input(str(s.units if s else 1), compact=True))
        yield field_row("note", "Note", Input(s.note if s else "", compact=True))

    def build(self) -> tuple[Service, list[ValidationError]]:
        problems: list[ValidationError] = []
        day = self.date_field("date", problems)
        if day is None and not any(p.field == "date" for p in problems):
            problems.append(ValidationError("A service needs its date.", "date"))
        units = self.count_field("units", problems, blank=1)
        values = {
            "client": self.client.id,
            "payer": self.choice("payer") or 0,
            "date": day or self.today,
            "procedure_code": validate.normalize_code(self.text("procedure_code")),
            "units": 1 if units is None else units,
            "note": self.text("note").strip(),
        }
        if self.service is None:
            record = Service(**values)
        else:
            record = dataclasses.replace(self.service, **values)
        return record, problems

    def problems(self, record: Service) -> list[ValidationError]:
        return validate.service_problems(self.data, record)

    def after_change(self, record: Service) -> None:
        """Said before saving: the authorization it counts against and what is left, or — when
        it falls outside any authorization or past one's units or visits — what the payer's
        policy does about it (block: refused for staff, billing may override with a reason)."""
        data = self.data
        if not record.payer:
            self.set_note("")
            return
        when = "scheduled" if record.date > self.today else "used"
        auth = rules.covering_authorization(
            data, record.client, record.payer, record.date, record.procedure_code or None
        )
        policy = policy_for(data, record.payer)
        if auth is None:
            code = f" for {record.procedure_code}" if record.procedure_code else ""
            self.set_note(
                f"No {data.payer_name(record.payer)} authorization covers "
                f"{fmt.date(record.date)}{code}: {_consequence(policy, 'the claim may be denied')}",
                "warn",
            )
            return
        over = [f for f in outofauth.check_one(data, record) if f.kind == outofauth.OVER_UNITS]
        if over:
            self.set_note(
                f"{over[0].message[:-1]}: "
                f"{_consequence(policy, 'the claim may be denied for the extra units')}",
                "warn",
            )
            return
        services = rules.services_for(data, auth)
        if record.id:  # an edit: what is left besides this service (its saved version counted)
            services = [s for s in services if s.id != record.id]
        use = usage.usage_of(auth, services, self.today)
        line = ""
        index = service_lines.line_index(auth, record.procedure_code or None)
        if len(auth.lines) > 1 and index is not None:  # the line it counts against, not the total
            line_use = usage.line_usages(auth, services, self.today)[index]
            use, line = line_use.usage, f", line {line_use.label}"
        left = rules.describe_count(use.units_remaining, use.units_authorized)
        self.set_note(
            f"Counts ({when}) against {auth.auth_number or 'the authorization without a number'}"
            f"{line} — units {left}, visits "
            f"{rules.describe_count(use.visits_remaining, use.visits_authorized)}.",
            "warn" if use.exhausted else "",
        )

    def save(self, tracker: Tracker, record: Service) -> ServiceResult:
        return tracker.record_service(record, override_reason=self.override_reason)

    def _failed(self, error: AuthTrackError) -> bool:
        """A payer's block: staff see why; a billing user is asked for the reason to override."""
        if isinstance(error, ServiceBlocked) and self.at.tracker.can("override"):
            self._saving = False
            self.set_note("")

            def answer(reason: str | None) -> None:
                if reason and reason.strip():
                    self.override_reason = reason.strip()
                    self.action_save()

            self.app.push_screen(
                PromptDialog(
                    "Override the payer's block",
                    f"{error} Why record it anyway? (kept in the audit)",
                    check=lambda text: (
                        None if text.strip() else "Give a reason: the audit keeps it."
                    ),
                ),
                answer,
            )
            return True
        return super()._failed(error)


def _consequence(policy: OutOfAuthPolicy, warning: str) -> str:
    """What the payer's out-of-authorization policy does about the service, in words."""
    if policy == OutOfAuthPolicy.BLOCK:
        return "the payer blocks it (billing may override with a reason)."
    if policy == OutOfAuthPolicy.ALLOW:
        return "the payer allows it."
    return f"{warning}."
