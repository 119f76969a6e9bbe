"""One client's authorization tracker: insurances and today's box 23, the authorizations with
what is used, scheduled and left, and the services counted against the selected one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label, Static

from priorauth import coverage, rules
from priorauth.box23 import box23
from priorauth.model import Authorization, Client, Service
from tui import fmt
from tui.rows import auth_id_of, client_auth_rows, line_rows
from tui.screens.client_actions import ClientActions
from tui.screens.client_view import (
    AUTH_COLUMNS,
    SERVICE_COLUMNS,
    auth_detail,
    auth_table_rows,
    service_cells,
)
from tui.table import RecordTable
from tui.widgets import TopBar


class ClientScreen(ClientActions):
    WHERE = "Client"
    BINDINGS: ClassVar = [
        Binding(
            "escape,backspace", "back", "Back", id="client_back", key_display="esc", show=False
        ),
        Binding("n", "new_auth", "New", id="client_new_auth", tooltip="New authorization"),
        Binding(
            "e", "edit", "Edit", id="client_edit", tooltip="Edit the authorization (or the service)"
        ),
        Binding("s", "service", "Service", id="client_service", tooltip="Record a service"),
        Binding(
            "r",
            "renew",
            "Renew",
            id="client_renew",
            tooltip="Renew: request a copy with the dates moved on",
        ),
        Binding(
            "m",
            "make_active",
            "Activate",
            id="client_make_active",
            tooltip="Make it the active authorization for its payer",
        ),
        Binding("c", "confirm", "Confirm", id="client_confirm", tooltip="Confirm to billing"),
        Binding(
            "b",
            "box23",
            "Box 23",
            id="client_box23",
            show=False,
            tooltip="Box 23 for a date of service: each claim's number, and when to split it",
        ),
        Binding(
            "o",
            "notes",
            "Notes",
            id="client_notes",
            show=False,
            tooltip="Notes on the authorization",
        ),
        Binding(
            "d",
            "delete",
            "Delete",
            id="client_delete",
            show=False,
            tooltip="Delete the authorization (or the service)",
        ),
        Binding(
            "i",
            "edit_client",
            "Client",
            id="client_edit_client",
            show=False,
            tooltip="Edit the client and insurances",
        ),
        Binding(
            "h",
            "history",
            "History",
            id="client_history",
            show=False,
            tooltip="Show or fold ended and denied authorizations, and past coverages",
        ),
        Binding(
            "a",
            "audit",
            "Audit",
            id="client_audit",
            show=False,
            tooltip="Audit trail of this client (deleted records too)",
        ),
    ]
    PERMISSIONS: ClassVar = {
        "new_auth": "edit",
        "edit": "edit",
        "service": "edit",
        "renew": "edit",
        "make_active": "edit",
        "confirm": "confirm",
        "notes": "edit",
        "delete": "delete",
        "edit_client": "edit",
    }

    def __init__(self, client_id: int, auth_id: int | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        self.show_folded = False
        self._keep_auth = str(auth_id) if auth_id else None
        self._gone = False

    def compose_body(self) -> ComposeResult:
        yield Static(id="client-head")
        yield Static(id="insurances")
        yield Label(id="auths-title", classes="section-title")
        yield RecordTable(AUTH_COLUMNS, id="auths")
        yield Static(id="auth-detail")
        yield Label(id="services-title", classes="section-title")
        yield RecordTable(SERVICE_COLUMNS, id="services")

    def on_mount(self) -> None:
        self.auths.focus()
        super().on_mount()

    @property
    def auths(self) -> RecordTable:
        return self.query_one("#auths", RecordTable)

    @property
    def services(self) -> RecordTable:
        return self.query_one("#services", RecordTable)

    # --- data ---------------------------------------------------------------------------------

    @property
    def client(self) -> Client | None:
        data = self.at.data
        return data.clients.get(self.client_id) if data else None

    def selected_auth(self) -> Authorization | None:
        key = self.auths.current_key()
        data = self.at.data
        return data.authorizations.get(auth_id_of(key)) if key and data else None

    def selected_service(self) -> Service | None:
        key = self.services.current_key()
        data = self.at.data
        return data.services.get(int(key)) if key and data else None

    def refresh_data(self) -> None:
        data = self.at.data
        client = self.client
        if data is None:
            return
        if client is None:
            if not self._gone:
                self._gone = True
                self.notify("This client was deleted by another user.", severity="warning")
                self.app.pop_screen()
            return
        today = self.at.today
        self.query_one(TopBar).set_where(f"{client.name} ({client.client_id})")
        dob = f"born {fmt.date(client.dob)} · " if client.dob else ""
        clinician = f"clinician {client.clinician} · " if client.clinician else ""
        self.query_one("#client-head", Static).update(
            Text.assemble(
                (client.name, "bold"),
                f"  {client.client_id} · {dob}{clinician}{client.status}",
                (f" · {client.notes}" if client.notes else ""),
            )
        )
        self.query_one("#insurances", Static).update(self._insurances(client))
        rows = client_auth_rows(data, client.id, today)
        keep = self._keep_auth
        if keep is not None and any(str(r.id) == keep and r.folded for r in rows):
            self.show_folded = True
        shown = [r for r in rows if self.show_folded or not r.folded]
        folded = len(rows) - len(shown)
        self.auths.set_rows(auth_table_rows(shown), keep_key=keep)
        self._keep_auth = None
        title = f"Authorizations ({len(shown)})"
        if folded:
            title += f" · {folded} ended or denied folded away: h shows them"
        elif self.show_folded and any(r.folded for r in rows):
            title += " · h folds ended and denied"
        if not rows:
            title = "No authorizations yet: press n to add one"
        self.query_one("#auths-title", Label).update(Text(title))
        self._show_selected()

    def _insurances(self, client: Client) -> Text:
        """The coverages in force today with their box 23, then the others: past (ended) and
        future ones folded away with the ended authorizations (h shows them)."""
        data = self.at.data
        assert data is not None
        today = self.at.today
        boxes = box23(data, client, today)
        text = Text()
        current = coverage.coverages_in_force(client, today)
        others = [
            *coverage.future_coverages(client, today),
            *coverage.past_coverages(client, today),
        ]
        if not coverage.has_coverages(client):
            text.append("No insurance on file: press i to add one.", style="italic")
        elif not current:
            text.append("No insurance in force today: press i to add one.", style="italic")
        for i, ins in enumerate(current):
            box = boxes.get(ins.priority)
            if i:
                text.append("\n")
            needs = "" if ins.prior_auth_required else " · no prior auth"
            value = box.value if box is not None and box.value else "blank"
            rest = f" · {ins.member_id or 'no member id'}{needs} · box 23 today: {value}"
            room = (self.size.width or self.app.size.width) - 2 - 10 - len(rest)
            payer = fmt.truncate(data.payer_name(ins.payer_id), max(room, 8))
            text.append(f"{ins.priority.value.capitalize():9} ", style="bold")
            text.append(f"{payer}{rest.removesuffix(value)}")
            if box is not None and box.value:
                text.append(box.value, style="bold")
                if box.inactive:
                    text.append(" (inactive: m makes it active)", style="bold")
            else:
                text.append("blank", style="bold")
                if box is not None:
                    text.append(f" ({box.note})")
        if not others:
            return text
        if not self.show_folded:
            past = len(others)
            text.append(
                f"\n{past} other coverage{'s' if past != 1 else ''} (past or future) folded "
                "away: h shows them",
                style="dim",
            )
            return text
        for ins in others:
            when = "Past" if ins.end_date is not None and ins.end_date < today else "Future"
            text.append(f"\n{when:9} ", style="dim bold")
            text.append(
                f"{data.payer_name(ins.payer_id)} · {ins.member_id or 'no member id'} · "
                f"{ins.priority} · {coverage.describe_period(ins)}",
                style="dim",
            )
        return text

    def _show_selected(self) -> None:
        data = self.at.data
        auth = self.selected_auth()
        detail = self.query_one("#auth-detail", Static)
        if data is None or auth is None:
            detail.update("")
        else:
            today = self.at.today
            use = rules.usage(data, auth, today)
            detail.update(auth_detail(data, auth, use, today, line_rows(data, auth, today)))
        self._show_services()

    def _show_services(self) -> None:
        """Every service of the client, newest first, each saying what it counts against
        ("⚠ nothing" when no authorization covers it): each one can be edited and deleted."""
        data = self.at.data
        title = self.query_one("#services-title", Label)
        if data is None:
            return
        today = self.at.today
        services = data.services_by_client.get(self.client_id, [])
        against = {  # (services no authorization holds are left out: None)
            s.id: auth
            for auth in data.authorizations_for(self.client_id)
            for s in rules.services_for(data, auth)
        }
        uncovered = sum(1 for s in services if s.counts and against.get(s.id) is None)
        auth = self.selected_auth()
        counted = sum(1 for s in services if auth and (a := against.get(s.id)) and a.id == auth.id)
        words = [f"Services ({len(services)})"]
        if auth is not None:
            words.append(f"{counted} against {auth.auth_number or 'the selected one'}")
        if uncovered:
            words.append(f"{uncovered} against nothing")
        hint = "tab, then e edits · d deletes"
        if services and len(" · ".join([*words, hint])) <= (self.size.width or 80) - 2:
            words.append(hint)  # (left out rather than cut when the numbers are long)
        title.update(Text(" · ".join(words)))
        self.services.set_rows(
            [(str(s.id), service_cells(s, today, against.get(s.id))) for s in reversed(services)]
        )

    @on(RecordTable.Highlighted, "#auths")
    def _auth_highlighted(self) -> None:
        self._show_selected()

    @on(RecordTable.Selected)
    def _row_selected(self) -> None:
        self.action_edit()

    # --- actions ------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_history(self) -> None:
        self.show_folded = not self.show_folded
        self.refresh_data()

    def action_box23(self) -> None:
        """Box 23 for a date of service: the selected service's date and code when the services
        table has the cursor, else today."""
        from tui.screens.box23 import Box23Dialog

        client = self.client
        if client is None:
            return
        service = self.selected_service() if self.services.has_focus else None
        day = service.date if service is not None else self.at.today
        code = service.procedure_code if service is not None else ""
        self.app.push_screen(Box23Dialog(client, day, code))

    def action_audit(self) -> None:
        from tui.screens.audit import AuditScreen

        self.app.push_screen(AuditScreen(self.client_id, pushed=True))

    def action_edit_client(self) -> None:
        from tui.forms.client_form import ClientForm

        client = self.client
        if client is not None:
            self.app.push_screen(ClientForm(client), lambda _: self.refresh_data())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete" and self.services.has_focus:
            return True if self.at.may("edit") else None
        return super().check_action(action, parameters)
