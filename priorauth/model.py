"""The records of prior-authorization tracking, as plain dataclasses.

Every record stored in the data file has an ``id`` (assigned by the store), a ``rev`` (revision,
incremented on every save) and ``updated_by`` / ``updated_at`` (who saved that revision). The
rules that work on these records live in :mod:`priorauth.rules`; the validation in
:mod:`priorauth.validate`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import operator
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar


class Priority(enum.StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    TERTIARY = "tertiary"


class ClientStatus(enum.StrEnum):
    ACTIVE = "active"
    DISCHARGED = "discharged"


class RequestStatus(enum.StrEnum):
    """Where the request behind an authorization stands with the payer."""

    REQUESTED = "requested"
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class CapPeriod(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


class CapMeasure(enum.StrEnum):
    UNITS = "units"
    VISITS = "visits"


class LineMeasure(enum.StrEnum):
    """What a service line's counts are measured in."""

    UNITS = "units"  # units as the payer defines them (15 minutes unless it says otherwise)
    HOURS = "hours"  # hours, which keep their fractions (1 hour = 4 fifteen-minute units)


class OutOfAuthPolicy(enum.StrEnum):
    """What happens to a service outside any authorization or beyond its units (per payer)."""

    ALLOW = "allow"  # recorded, nothing said
    WARN = "warn"  # recorded, with a warning (the default: what authtrack always did)
    BLOCK = "block"  # refused, unless the billing role overrides with a reason


class ServiceStatus(enum.StrEnum):
    """Where an appointment stands, as the scheduler says. Only counting ones use units."""

    KEPT = "kept"
    COMPLETED = "completed"
    CHECKED_OUT = "checked out"
    SCHEDULED = "scheduled"  # booked; counts (as scheduled while in the future)
    CANCELLED = "cancelled"
    NO_SHOW = "no-show"
    LATE_CANCEL = "late cancel"
    RESCHEDULED = "rescheduled"

    @property
    def counts(self) -> bool:
        return self in COUNTING_STATUSES


COUNTING_STATUSES = frozenset(
    {ServiceStatus.KEPT, ServiceStatus.COMPLETED, ServiceStatus.CHECKED_OUT}
    | {ServiceStatus.SCHEDULED}
)
MANUAL_SOURCE = "manual"  # a Service's source when typed in rather than imported


DEFAULT_REMINDER_DAYS = 30  # the seed's "remind me 1 month before expiring"


@dataclass(kw_only=True, slots=True)
class Record:
    """Fields every stored record has. ``id`` 0 means "not saved yet"."""

    TABLE: ClassVar[str] = ""

    id: int = 0
    rev: int = 0
    updated_by: str = ""
    updated_at: str = ""  # ISO timestamp, UTC


R = TypeVar("R", bound=Record)


def field_values(record: Any) -> dict[str, Any]:
    """A record's fields and values, in field order (records have ``__slots__``, no
    ``__dict__``: an agency's 225,000 records take 40 MB less)."""
    found = _FIELDS.get(type(record))
    if found is None:
        names = tuple(f.name for f in dataclasses.fields(record))
        found = _FIELDS[type(record)] = (names, operator.attrgetter(*names))
    names, values = found
    return dict(zip(names, values(record), strict=True))


_FIELDS: dict[type, tuple[tuple[str, ...], Any]] = {}


@dataclass(kw_only=True, slots=True)
class Payer(Record):
    TABLE: ClassVar[str] = "payers"

    name: str
    prior_auth_required: bool = True  # default for new client insurances with this payer
    turnaround_days: int = 14  # how long this payer usually takes to answer a request
    notes: str = ""
    out_of_auth_policy: OutOfAuthPolicy = OutOfAuthPolicy.WARN


@dataclass(kw_only=True, slots=True)
class ProcedureGroup(Record):
    """A named set of procedure codes (the seed's "authorization groups")."""

    TABLE: ClassVar[str] = "procedure_groups"

    name: str
    codes: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class ClientInsurance:
    """A coverage: one payer for one client over a period (either end may be open). A client
    has any number over the years; priorities apply among those in force on a day (see
    :mod:`priorauth.coverage`, the only reader). A new card with the same payer is a new one."""

    payer_id: int
    priority: Priority = Priority.PRIMARY
    member_id: str = ""
    prior_auth_required: bool = True
    group_number: str = ""
    subscriber_name: str = ""  # when the client is not the subscriber
    subscriber_relationship: str = ""
    start_date: dt.date | None = None  # None = in force since before anything recorded
    end_date: dt.date | None = None  # None = still in force


Coverage = ClientInsurance  # the name the design uses


@dataclass(kw_only=True, slots=True)
class Client(Record):
    TABLE: ClassVar[str] = "clients"

    client_id: str = ""  # the practice's own id; generated when blank
    first_name: str = ""
    last_name: str = ""
    dob: dt.date | None = None
    clinician: str = ""  # OS account name of the clinician, for "my clients"
    status: ClientStatus = ClientStatus.ACTIVE
    notes: str = ""
    insurances: list[ClientInsurance] = field(default_factory=list)  # read: priorauth.coverage

    @property
    def name(self) -> str:
        """ "Last, First" as the practice's log writes it."""
        if self.last_name and self.first_name:
            return f"{self.last_name}, {self.first_name}"
        return self.last_name or self.first_name


@dataclass(kw_only=True)
class ServiceLine:
    """One line of an authorization: the codes it holds (one, or several sharing one pool) and
    their own counts. Read through :mod:`priorauth.usage` (``lines_of``), never directly: an
    authorization with one line keeps that line in its own fields and ``lines`` empty."""

    codes: list[str] = field(default_factory=list)  # empty = any procedure (a one-line auth only)
    group: str = ""  # the procedure group the codes were given as ("Personal Care"), if any
    units_authorized: float | None = None  # None = no cap; hours keep their fractions
    visits_authorized: int | None = None
    carried_units_used: float = 0
    carried_visits_used: int = 0
    cap_amount: float | None = None
    cap_period: CapPeriod | None = None
    cap_measure: CapMeasure = CapMeasure.UNITS
    measure: LineMeasure = LineMeasure.UNITS


@dataclass(kw_only=True, slots=True)
class Authorization(Record):
    TABLE: ClassVar[str] = "authorizations"

    client: int  # Client.id
    payer: int  # Payer.id
    auth_number: str = ""  # may be blank: tracking remaining sessions without a number
    procedure_codes: list[str] = field(default_factory=list)  # empty = any procedure
    units_authorized: float | None = None  # None = no cap on units; hours keep their fractions
    visits_authorized: int | None = None  # None = no cap on visits
    cap_amount: float | None = None  # optional limit per week or month (hours: fractions)
    cap_period: CapPeriod | None = None
    cap_measure: CapMeasure = CapMeasure.UNITS
    start_date: dt.date | None = None
    end_date: dt.date | None = None  # None = open-ended
    active: bool = True
    reminder_days: int | None = DEFAULT_REMINDER_DAYS  # None = no reminder
    confirmed_by: str = ""  # confirmed to billing by (blank = not confirmed, unless imported)
    confirmed_at: str = ""
    # confirmed in the practice's own log and brought in by an import: confirmed_by/at are then
    # the log's own (either may be blank), never whoever ran the import
    confirmed_imported: bool = False
    notes: str = ""
    carried_units_used: float = 0  # usage carried in from the log, before tracking began
    carried_visits_used: int = 0
    status: RequestStatus = RequestStatus.APPROVED
    requested_on: dt.date | None = None
    payer_reference: str = ""  # payer's reference / call number for the request
    member_id: str = ""  # the member id it was issued under (a later card does not change it)
    follow_up_on: dt.date | None = None
    renewal_of: int | None = None  # Authorization.id this one renews
    measure: LineMeasure = LineMeasure.UNITS  # of the counts above (a one-line authorization)
    group: str = ""  # the procedure group its codes were given as, e.g. "Personal Care" (one line)
    # two or more service lines (ABA: one number, a line per code); empty = one line, held in the
    # fields above. With lines, the fields above hold no codes, counts, cap or carried usage.
    # Read and written through priorauth.usage (lines_of, with_lines), the one door for both.
    lines: list[ServiceLine] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by) or self.confirmed_imported

    @property
    def confirmation(self) -> str:
        """Who confirmed it to billing, in words: "confirmed by alice", or for one a log said was
        confirmed, "confirmed (imported), by Jo" ("" when not confirmed)."""
        if not self.confirmed:
            return ""
        if self.confirmed_imported:
            by = f", by {self.confirmed_by}" if self.confirmed_by else ""
            return f"confirmed (imported){by}"
        return f"confirmed by {self.confirmed_by}"

    @property
    def display_number(self) -> str:
        """The auth number with the seed's "C" marker when confirmed to billing ("C (imported)"
        when the confirmation came from the practice's log)."""
        number = self.auth_number or "(no number)"
        if not self.confirmed:
            return number
        return f"{number} C (imported)" if self.confirmed_imported else f"{number} C"


@dataclass(kw_only=True, slots=True)
class Service(Record):
    """A session: past dates are used, future dates are scheduled; a cancelled, no-show,
    late-cancelled or rescheduled one is kept as such and counts nothing (``status``)."""

    TABLE: ClassVar[str] = "services"

    client: int  # Client.id
    payer: int  # Payer.id billed for this service
    date: dt.date
    procedure_code: str = ""
    units: int = 1
    authorization: int | None = None  # pinned by hand; None = the covering one, found automatically
    recorded_by: str = ""
    note: str = ""
    status: ServiceStatus = ServiceStatus.KEPT
    time: str = ""  # "HH:MM" (24-hour) when the schedule gives one
    provider: str = ""
    appointment_id: str = ""  # the scheduler's own id, when it exports one
    source: str = MANUAL_SOURCE  # "manual", or the name of the file it was imported from
    override_reason: str = ""  # why the billing role recorded it despite the payer's block

    @property
    def counts(self) -> bool:
        """Whether it uses (or, in the future, is scheduled to use) its authorization."""
        return self.status in COUNTING_STATUSES


@dataclass(kw_only=True, slots=True)
class Dismissal(Record):
    """One user's "seen it" on a notification (see :mod:`priorauth.notify`).

    Hidden while the notification's ``fingerprint`` (its facts) is unchanged and, for a snooze,
    until the day ``until`` (exclusive); ``until`` None = dismissed until the facts change.
    """

    TABLE: ClassVar[str] = "dismissals"

    user: str  # OS account that dismissed it; dismissals are per user
    key: str  # Notification.key
    fingerprint: str  # Notification.fingerprint when dismissed
    until: dt.date | None = None  # snoozed until this day; None = dismissed


@dataclass(kw_only=True, slots=True)
class PracticeSettings(Record):
    """Practice-wide thresholds for notifications and reports: one record (id 1), shared by all."""

    TABLE: ClassVar[str] = "settings"

    low_percent: int = 20  # "running low" at or below this percent of authorized...
    low_floor: int = 1  # ...or at or below this many, whichever is more
    renewal_margin_days: int = 7  # ask for a renewal this many days before the payer's turnaround
    pace_weeks: int = 4  # recent weeks of use that set a client's pace
    date_order: str = "mdy"  # text dates a log's column gives no evidence on: "mdy" or "dmy"


@dataclass(kw_only=True)
class AuditEntry:
    """One change: who, when, what. Written by the store, never edited."""

    at: str
    user: str
    action: str  # create / update / delete
    table: str
    record_id: int
    summary: str = ""
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [before, after]
    record_ids: list[int] = field(default_factory=list)  # a bulk create: every record it made
    prev: str = ""  # the audit chain's value before this entry ("" in entries older than it)


RECORD_TYPES: tuple[type[Record], ...] = (Payer, ProcedureGroup, Client, Authorization, Service)
