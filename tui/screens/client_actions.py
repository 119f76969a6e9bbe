"""What staff change from a client's tracker: authorizations (new, edit, renew, make active,
confirm to billing, notes, delete) and services (record, edit, delete). Each change runs through
the app's store worker; a question comes first where something else changes too."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from priorauth import rules
from priorauth.model import Authorization, Client, RequestStatus, Service
from priorauth.services.tracker import SaveResult, ServiceResult
from tui import fmt
from tui.screens.base import BaseScreen
from tui.screens.dialogs import ConfirmDialog, NotesDialog
from tui.table import RecordTable


class ClientActions(BaseScreen):
    """The actions of :class:`~tui.screens.client.ClientScreen`, which shows the client, its
    authorizations and services, and says which one is selected."""

    if TYPE_CHECKING:  # given by ClientScreen
        _keep_auth: str | None
        client: Client | None
        auths: RecordTable
        services: RecordTable

        def selected_auth(self) -> Authorization | None: ...

        def selected_service(self) -> Service | None: ...

    def action_new_auth(self) -> None:
        from tui.forms.auth_form import AuthForm

        client = self.client
        if client is not None:
            self.app.push_screen(AuthForm(client, None), self._auth_saved)

    def action_edit(self) -> None:
        from tui.forms.auth_form import AuthForm
        from tui.forms.service_form import ServiceForm

        client = self.client
        if client is None:
            return
        if self.services.has_focus:
            service = self.selected_service()
            if service is not None:
                self.app.push_screen(ServiceForm(client, service=service), self._service_saved)
            return
        auth = self.selected_auth()
        if auth is not None:
            self.app.push_screen(AuthForm(client, auth), self._auth_saved)

    def _auth_saved(self, result: SaveResult | None) -> None:
        if result is None:
            return
        self._keep_auth = str(result.authorization.id)
        self.refresh_data()
        self.notify(result.message)

    def action_service(self) -> None:
        from tui.forms.service_form import ServiceForm

        client = self.client
        if client is not None:
            self.app.push_screen(ServiceForm(client, self.selected_auth()), self._service_saved)

    def _service_saved(self, result: ServiceResult | None) -> None:
        if result is None:
            return
        if result.authorization is not None:
            self._keep_auth = str(result.authorization.id)
        self.refresh_data()
        where = (
            f"counted against {result.authorization.auth_number or 'the authorization'}"
            if result.authorization
            else "not covered by any authorization"
        )
        self.notify(f"Service on {fmt.date(result.service.date)} recorded, {where}.")
        for warning in result.warnings:
            self.notify(warning, severity="warning", timeout=10)

    def action_renew(self) -> None:
        from tui.forms.auth_form import AuthForm

        auth = self.selected_auth()
        client = self.client
        if auth is None or client is None:
            return

        def renewed(new: Authorization) -> None:
            self._keep_auth = str(new.id)
            self.refresh_data()

            def closed(result: SaveResult | None) -> None:
                if result is not None:
                    self._auth_saved(result)
                    return
                # esc on the new renewal's form: the renewal it made goes too
                self._keep_auth = str(auth.id)
                self.at.store_call(
                    lambda t: t.delete_authorization(t.data().authorizations[new.id]),
                    done=lambda _: self.notify("Renewal request not kept."),
                )

            self.app.push_screen(
                AuthForm(
                    client,
                    new,
                    title=f"Renewal request of {auth.auth_number or 'the authorization'}: "
                    "ctrl+s keeps it, esc drops it",
                ),
                closed,
            )

        self.at.store_call(lambda t: t.renew(auth), done=renewed)

    def action_make_active(self) -> None:
        auth = self.selected_auth()
        data = self.at.data
        if auth is None or data is None:
            return
        if auth.active:
            self.notify(f"{auth.auth_number or 'This authorization'} is already the active one.")
            return
        if auth.status != RequestStatus.APPROVED:  # refused when saved: said before asking
            self.notify(
                f"A {auth.status} authorization cannot be active; mark it approved (e) when the "
                "payer approves it.",
                title="Not done",
                severity="warning",
            )
            return
        others = rules.other_active(data, dataclasses.replace(auth, active=True))

        def go(yes: bool | None = True) -> None:
            if yes:
                self.at.store_call(lambda t: t.make_active(auth), done=self._auth_saved)

        if not others:
            go()
            return
        names = ", ".join(a.auth_number or "(no number)" for a in others)
        self.app.push_screen(
            ConfirmDialog(
                "Make active",
                f"Make {auth.auth_number or 'this authorization'} the active "
                f"{data.payer_name(auth.payer)} authorization? {names} will become inactive "
                "(it stays in the history).",
                "Make active",
            ),
            go,
        )

    def action_confirm(self) -> None:
        auth = self.selected_auth()
        if auth is None:
            return
        if auth.confirmed:
            when = fmt.times_in_words(auth.confirmed_at, self.at.now())
            said = auth.confirmation.replace("confirmed", "Already confirmed to billing", 1)
            self.notify(f"{said}, {when}." if when else f"{said}.")
            return

        def done(saved: Authorization) -> None:
            self.notify(f"{saved.auth_number or 'The authorization'} is confirmed to billing (C).")

        self.at.store_call(lambda t: t.confirm_to_billing(auth), done=done)

    def action_notes(self) -> None:
        auth = self.selected_auth()
        if auth is None:
            return

        def save(text: str | None) -> None:
            if text is not None and text != auth.notes:
                self.at.store_call(
                    lambda t: t.save_authorization(dataclasses.replace(auth, notes=text)),
                    done=self._auth_saved,
                )

        title = f"Notes on {auth.auth_number or 'the authorization'}"
        self.app.push_screen(NotesDialog(title, auth.notes), save)

    def action_delete(self) -> None:
        data = self.at.data
        if data is None:
            return
        if self.services.has_focus:
            service = self.selected_service()
            if service is None:
                return
            units = f"{service.units} unit{'s' if service.units != 1 else ''}"
            question = (
                f"Delete the {service.procedure_code or ''} service of "
                f"{fmt.date(service.date)} ({units})?"
            )

            def delete_service(yes: bool | None) -> None:
                if yes:
                    self.at.store_call(
                        lambda t: t.delete_service(service),
                        done=lambda _: self.notify("Service deleted."),
                    )

            self.app.push_screen(
                ConfirmDialog("Delete service", question, "Delete"), delete_service
            )
            return
        auth = self.selected_auth()
        if auth is None:
            return
        count = len(rules.services_for(data, auth))
        question = (
            f"Delete {data.payer_name(auth.payer)} authorization "
            f"{auth.auth_number or '(no number)'}? Its {count} service"
            f"{'s' if count != 1 else ''} will count against another authorization that covers "
            "them, or none. The audit keeps a record."
        )

        def delete_auth(yes: bool | None) -> None:
            if yes:
                self.at.store_call(
                    lambda t: t.delete_authorization(auth),
                    done=lambda _: self.notify("Authorization deleted."),
                )

        self.app.push_screen(ConfirmDialog("Delete authorization", question, "Delete"), delete_auth)
