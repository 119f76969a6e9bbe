"""The operations staff perform, each one validated, locked, revision-checked and audited.

This is the one door to changing data: the TUI, the CLI and the Excel import all come through
here, so the rules hold whichever front end is used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from priorauth import coverage, notify, outofauth, practice, rules, validate
from priorauth.data import Data
from priorauth.errors import ConflictError, PermissionDenied, ValidationError
from priorauth.model import (
    Authorization,
    Client,
    ClientInsurance,
    Dismissal,
    OutOfAuthPolicy,
    Payer,
    PracticeSettings,
    ProcedureGroup,
    Record,
    RequestStatus,
    Service,
)
from priorauth.notify import Notification
from priorauth.services.service_warnings import service_warnings
from priorauth.store.datafile import Store
from priorauth.store.transaction import Transaction, describe, local_time

# A permission check: called with an action name ("edit", "confirm", "import", "admin"...);
# raises PermissionDenied when the current user may not do it. The default allows everything.
Policy = Callable[[str], None]


def allow_all(action: str) -> None:
    return None


@dataclass
class SaveResult:
    """A saved authorization and what saving it did to others."""

    authorization: Authorization
    deactivated: list[Authorization] = field(default_factory=list)

    @property
    def message(self) -> str:
        saved = _named(self.authorization)
        if not self.deactivated:
            return f"Saved {saved}."
        others = ", ".join(a.auth_number or "(no number)" for a in self.deactivated)
        return f"Saved {saved}; {others} is no longer active."


def _named(auth: Authorization) -> str:
    """ "authorization A-1"; one without a number by its start, never by its record id (which
    staff see nowhere else)."""
    if auth.auth_number:
        return describe(auth)
    start = f" starting {auth.start_date:%m/%d/%Y}" if auth.start_date else ""
    return f"the authorization without a number{start}"


@dataclass
class ServiceResult:
    service: Service
    authorization: Authorization | None
    warnings: list[str] = field(default_factory=list)


class Tracker:
    """Domain operations on one :class:`Store` for one user."""

    def __init__(
        self, store: Store, today: dt.date | None = None, policy: Policy = allow_all
    ) -> None:
        self.store = store
        self._today = today
        self.policy = policy

    @property
    def user(self) -> str:
        return self.store.user

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def data(self) -> Data:
        return self.store.snapshot()

    def can(self, action: str) -> bool:
        """Whether the current user may do ``action`` (for greying out what they cannot)."""
        try:
            self.policy(action)
        except PermissionDenied:
            return False
        return True

    # --- payers and procedure groups ----------------------------------------------------------

    def save_payer(self, payer: Payer) -> Payer:
        self.policy("admin" if payer.id else "edit")
        payer.name = payer.name.strip()
        with self.store.transaction() as tx:
            validate.check(validate.payer_problems(tx.data, payer))
            return tx.update(payer) if payer.id else tx.insert(payer)

    def ensure_payer(self, tx: Transaction, name: str) -> Payer:
        """The payer with this name, created (prior auth required by default) when new."""
        payer = tx.data.payer_named(name)
        if payer is None:
            self.policy("edit")
            payer = Payer(name=name.strip())
            validate.check(validate.payer_problems(tx.data, payer))
            tx.insert(payer)
        return payer

    def save_group(self, group: ProcedureGroup) -> ProcedureGroup:
        self.policy("admin")
        group.name = group.name.strip()
        group.codes = [validate.normalize_code(c) for c in group.codes if c.strip()]
        with self.store.transaction() as tx:
            validate.check(validate.group_problems(tx.data, group))
            return tx.update(group) if group.id else tx.insert(group)

    # --- clients ------------------------------------------------------------------------------

    def new_insurance(self, data: Data, payer_id: int, **fields: object) -> ClientInsurance:
        """A client insurance whose "prior auth required" starts from the payer's default."""
        payer = data.payers[payer_id]
        values: dict[str, object] = {"prior_auth_required": payer.prior_auth_required}
        values.update(fields)
        return ClientInsurance(payer_id=payer_id, **values)  # type: ignore[arg-type]

    def save_client(self, client: Client) -> Client:
        self.policy("edit")
        client.first_name, client.last_name = client.first_name.strip(), client.last_name.strip()
        client.client_id = client.client_id.strip()
        with self.store.transaction() as tx:
            validate.check(validate.client_problems(tx.data, client, self.today))
            if not client.client_id:
                client.client_id = next_client_id(tx.data)
            return tx.update(client) if client.id else tx.insert(client)

    def delete_client(self, client: Client) -> None:
        """Delete a client with its authorizations and services (the audit keeps them)."""
        self.policy("delete")
        with self.store.transaction() as tx:
            data = tx.data
            for service in data.services_by_client.get(client.id, []):
                tx.delete(service, f"deleted with client {client.name}")
            for auth in data.authorizations_for(client.id):
                tx.delete(auth, f"deleted with client {client.name}")
            tx.delete(client)

    # --- authorizations -----------------------------------------------------------------------

    def save_authorization(self, auth: Authorization) -> SaveResult:
        """Add or edit an authorization. Making it active deactivates the client's other active
        authorization with the same payer; the result says which."""
        self.policy("edit")
        auth.auth_number = auth.auth_number.strip()
        auth.procedure_codes = _unique([validate.normalize_code(c) for c in auth.procedure_codes])
        for line in auth.lines:
            line.codes = _unique([validate.normalize_code(c) for c in line.codes])
        auth.member_id = auth.member_id.strip()
        with self.store.transaction() as tx:
            validate.check(validate.authorization_problems(tx.data, auth))
            self._fill_member_id(tx, auth)
            if auth.id:
                old = tx.get(Authorization, auth.id)
                if old.confirmed and billing_fields_changed(old, auth) and auth.confirmed:
                    # billing must re-confirm
                    auth.confirmed_by, auth.confirmed_at, auth.confirmed_imported = "", "", False
            deactivated = self._deactivate_others(tx, auth)
            saved = tx.update(auth) if auth.id else tx.insert(auth)
            return SaveResult(saved, deactivated)

    def _fill_member_id(self, tx: Transaction, auth: Authorization) -> None:
        """A blank member id: the client's card for the payer in force then (or any)."""
        client = tx.data.clients.get(auth.client)
        if not auth.member_id and client is not None:  # issued under the card then in force
            day = auth.start_date or auth.requested_on or self.today
            auth.member_id = coverage.member_id_on(
                client, auth.payer, day
            ) or coverage.member_id_on(client, auth.payer, None)

    def _deactivate_others(self, tx: Transaction, auth: Authorization) -> list[Authorization]:
        others = rules.other_active(tx.data, auth)
        for other in others:
            other = dataclasses.replace(other, active=False)
            tx.update(other, f"made inactive: {describe(auth)} is now the active one")
        return others

    def make_active(self, auth: Authorization) -> SaveResult:
        return self.save_authorization(dataclasses.replace(auth, active=True))

    def confirm_to_billing(self, auth: Authorization) -> Authorization:
        """The seed's CONFIRM TO Billing; needs the confirm permission."""
        self.policy("confirm")
        if auth.status != RequestStatus.APPROVED:
            raise ValidationError(
                f"Only an approved authorization can be confirmed to billing (this one is "
                f"{auth.status}).",
                "status",
            )
        confirmed = dataclasses.replace(
            auth,
            confirmed_by=self.user,
            confirmed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            confirmed_imported=False,
        )
        with self.store.transaction() as tx:
            return tx.update(confirmed, f"confirmed {describe(auth)} to billing")

    def renew(self, auth: Authorization) -> Authorization:
        """Start the renewal request: a copy with dates moved on, status requested."""
        self.policy("edit")
        with self.store.transaction() as tx:
            current = tx.get(Authorization, auth.id)
            new = rules.renewal(tx.data, current, self.today)
            self._fill_member_id(tx, new)  # as a save does: its form's save then changes nothing
            return tx.insert(new, f"renewal requested for {describe(current)}")

    def delete_authorization(self, auth: Authorization) -> None:
        """Delete an authorization; services pinned to it go back to automatic assignment."""
        self.policy("delete")
        with self.store.transaction() as tx:
            for service in tx.data.services.values():
                if service.authorization == auth.id:
                    tx.update(dataclasses.replace(service, authorization=None))
            tx.delete(auth)

    # --- services -----------------------------------------------------------------------------

    def record_service(self, service: Service, override_reason: str = "") -> ServiceResult:
        """Record (or edit) a service; says which authorization it counts against and warns when
        none covers it or the authorization is used up.

        When the payer's policy is block and the service falls outside any authorization or
        beyond its units, it is refused (:class:`~priorauth.outofauth.ServiceBlocked`) unless
        ``override_reason`` is given by a user with the billing role; the reason is kept on the
        service and in the audit."""
        self.policy("edit")
        service.procedure_code = validate.normalize_code(service.procedure_code)
        if not service.recorded_by:
            service.recorded_by = self.user
        with self.store.transaction() as tx:
            before, new = tx.data, not service.id
            validate.check(validate.service_problems(before, service))
            summary = self._blocked(before, service, override_reason.strip())
            saved = tx.insert(service, summary) if new else tx.update(service, summary)
            data = tx.data
            if new:
                rules.carry_over_new_service(before, data, saved)
            auth = rules.assigned_authorization(data, saved)
            return ServiceResult(saved, auth, service_warnings(data, saved, auth, self.today))

    def _blocked(self, data: Data, service: Service, reason: str) -> str:
        """The audit summary of an override ("" when none is needed); raises ServiceBlocked when
        the payer blocks ``service`` and no reason is given."""
        if outofauth.policy_for(data, service.payer) != OutOfAuthPolicy.BLOCK:
            return ""
        saved = data.services.get(service.id) if service.id else None
        if not reason and saved is not None and saved.override_reason:
            return ""  # overridden when recorded: the override stands
        findings = outofauth.check_one(data, service)
        if not findings:
            return ""
        payer = data.payer_name(service.payer)
        if not reason:
            raise outofauth.ServiceBlocked(
                f"{findings[0].message} {payer} blocks services outside an authorization or "
                "beyond its units; a user with the billing role may record it with a reason.",
                "date",
            )
        self.policy("override")
        service.override_reason = reason
        return f"recorded despite {payer}'s block ({findings[0].message}) — reason: {reason}"

    def delete_service(self, service: Service) -> None:
        self.policy("edit")
        with self.store.transaction() as tx:
            tx.delete(service)

    def delete(self, record: Record) -> None:
        """Delete any record, with the cascade its kind needs."""
        if isinstance(record, Client):
            self.delete_client(record)
        elif isinstance(record, Authorization):
            self.delete_authorization(record)
        elif isinstance(record, Service):
            self.delete_service(record)
        else:
            self.policy("admin")
            with self.store.transaction() as tx:
                tx.delete(record)

    # --- notifications and practice settings --------------------------------------------------

    def notifications(self, *, mine: bool = False, everything: bool = False) -> list[Notification]:
        """Today's notifications for this user, most urgent first: without the ones they dismissed
        or snoozed unless ``everything``; only their own clients' when ``mine``."""
        data = self.data()
        found = notify.compute(data, self.today)
        if mine:
            found = notify.for_clinician(data, found, self.user)
        if not everything:
            found = notify.visible(data, found, self.user, self.today)
        return found

    def dismiss(self, notification: Notification) -> Dismissal:
        """Hide ``notification`` from this user until its facts change."""
        return self._dismiss(notification, None, f"dismissed notification {notification.key}")

    def snooze(
        self, notification: Notification, days: int = notify.DEFAULT_SNOOZE_DAYS
    ) -> Dismissal:
        """Hide ``notification`` from this user for ``days`` days (or until its facts change)."""
        if days < 1:
            raise ValidationError("Snooze a notification for at least one day.", "days")
        until = self.today + dt.timedelta(days=days)
        return self._dismiss(
            notification, until, f"snoozed notification {notification.key} until {until:%m/%d/%Y}"
        )

    def restore(self, notification: Notification) -> None:
        """Undo this user's dismissal or snooze of ``notification``."""
        self.policy("dismiss")
        with self.store.transaction() as tx:
            existing = notify.dismissals_of(tx.data, self.user).get(notification.key)
            if existing is not None:
                tx.delete(existing, f"restored notification {notification.key}")

    def _dismiss(
        self, notification: Notification, until: dt.date | None, summary: str
    ) -> Dismissal:
        self.policy("dismiss")
        with self.store.transaction() as tx:
            mine = notify.dismissals_of(tx.data, self.user)
            for old in mine.values():  # snoozes that ended hide nothing any more
                if (
                    old.until is not None
                    and old.until <= self.today
                    and old.key != (notification.key)
                ):
                    tx.delete(old, f"snooze of {old.key} ended")
            existing = mine.get(notification.key)
            if existing is None:
                record = Dismissal(
                    user=self.user,
                    key=notification.key,
                    fingerprint=notification.fingerprint,
                    until=until,
                )
                return tx.insert(record, summary)
            updated = dataclasses.replace(
                existing, fingerprint=notification.fingerprint, until=until
            )
            return tx.update(updated, summary)

    def settings(self) -> PracticeSettings:
        """The practice's thresholds, as every user sees them."""
        return practice.practice_settings(self.data())

    def save_settings(self, settings: PracticeSettings) -> PracticeSettings:
        """Change the practice's thresholds (an admin action; revision-checked like any edit)."""
        self.policy("admin")
        validate.check(practice.settings_problems(settings))
        try:
            with self.store.transaction() as tx:
                if settings.id or tx.data.settings:
                    settings.id = 1  # one record; a stale revision is refused as a conflict
                    return tx.update(settings, "changed the practice settings")
                return tx.insert(settings, "set the practice settings")
        except ConflictError as e:
            raise ConflictError(
                f"The practice settings were changed by {e.changed_by} at "
                f"{local_time(e.changed_at)} after you opened them; reload them and make your "
                "change again.",
                changed_by=e.changed_by,
                changed_at=e.changed_at,
            ) from None


def next_client_id(data: Data) -> str:
    """A new client id "C0001"-style, one past the highest generated one."""
    highest = 0
    for client in data.clients.values():
        cid = client.client_id
        if cid[:1] == "C" and cid[1:].isdigit():
            highest = max(highest, int(cid[1:]))
    return f"C{highest + 1:04d}"


BILLING_FIELDS = (
    "auth_number",
    "start_date",
    "end_date",
    "units_authorized",
    "visits_authorized",
    "procedure_codes",
    "payer",
    "lines",
)


def billing_fields_changed(old: Authorization, new: Authorization) -> list[str]:
    """The fields billing confirmed that differ (saving them clears the confirmation "C")."""
    return [f for f in BILLING_FIELDS if getattr(old, f) != getattr(new, f)]


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(c for c in codes if c))


__all__ = [
    "BILLING_FIELDS",
    "SaveResult",
    "ServiceResult",
    "Tracker",
    "ValidationError",
    "allow_all",
    "billing_fields_changed",
]
