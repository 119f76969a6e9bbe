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
import functools
import sys
import types
import typing
from collections.abc import Callable
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


@dataclass(kw_only=True)
class Record:
    """Fields every stored record has. ``id`` 0 means "not saved yet"."""

    TABLE: ClassVar[str] = ""

    id: int = 0
    rev: int = 0
    updated_by: str = ""
    updated_at: str = ""  # ISO timestamp, UTC

    def to_doc(self) -> dict[str, Any]:
        """The JSON-ready document stored in the data file (without ``id``: that is the key)."""
        return record_writer(type(self))(self)

    @classmethod
    def from_doc(cls: type[R], doc_id: int, doc: dict[str, Any]) -> R:
        """Build from a stored document; unknown keys are ignored, missing ones defaulted."""
        return record_builder(cls)(int(doc_id), doc)

    @classmethod
    def _from_doc_slow(cls: type[R], doc_id: int, doc: dict[str, Any]) -> R:
        kwargs: dict[str, Any] = {"id": doc_id}
        for name, convert in _converters(cls):
            if name in doc:
                value = doc[name]
                kwargs[name] = value if value is None or convert is None else convert(value)
        return cls(**kwargs)


R = TypeVar("R", bound=Record)


@dataclass(kw_only=True)
class Payer(Record):
    TABLE: ClassVar[str] = "payers"

    name: str
    prior_auth_required: bool = True  # default for new client insurances with this payer
    turnaround_days: int = 14  # how long this payer usually takes to answer a request
    notes: str = ""
    out_of_auth_policy: OutOfAuthPolicy = OutOfAuthPolicy.WARN


@dataclass(kw_only=True)
class ProcedureGroup(Record):
    """A named set of procedure codes (the seed's "authorization groups")."""

    TABLE: ClassVar[str] = "procedure_groups"

    name: str
    codes: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class ClientInsurance:
    payer_id: int
    priority: Priority = Priority.PRIMARY
    member_id: str = ""
    prior_auth_required: bool = True

    def to_doc(self) -> dict[str, Any]:
        return record_writer(ClientInsurance)(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ClientInsurance:
        kwargs: dict[str, Any] = {}
        for name, convert in _converters(cls):
            if name in doc:
                value = doc[name]
                kwargs[name] = value if value is None or convert is None else convert(value)
        return cls(**kwargs)


@dataclass(kw_only=True)
class Client(Record):
    TABLE: ClassVar[str] = "clients"

    client_id: str = ""  # the practice's own id; generated when blank
    first_name: str = ""
    last_name: str = ""
    dob: dt.date | None = None
    clinician: str = ""  # OS account name of the clinician, for "my clients"
    status: ClientStatus = ClientStatus.ACTIVE
    notes: str = ""
    insurances: list[ClientInsurance] = field(default_factory=list)

    @property
    def name(self) -> str:
        """ "Last, First" as the practice's log writes it."""
        if self.last_name and self.first_name:
            return f"{self.last_name}, {self.first_name}"
        return self.last_name or self.first_name

    def insurance(self, priority: Priority) -> ClientInsurance | None:
        for ins in self.insurances:
            if ins.priority == priority:
                return ins
        return None

    def insurance_for(self, payer_id: int) -> ClientInsurance | None:
        for ins in self.insurances:
            if ins.payer_id == payer_id:
                return ins
        return None


@dataclass(kw_only=True)
class Authorization(Record):
    TABLE: ClassVar[str] = "authorizations"

    client: int  # Client.id
    payer: int  # Payer.id
    auth_number: str = ""  # may be blank: tracking remaining sessions without a number
    procedure_codes: list[str] = field(default_factory=list)  # empty = any procedure
    units_authorized: int | None = None  # None = no cap on units
    visits_authorized: int | None = None  # None = no cap on visits
    cap_amount: int | None = None  # optional limit per week or month
    cap_period: CapPeriod | None = None
    cap_measure: CapMeasure = CapMeasure.UNITS
    start_date: dt.date | None = None
    end_date: dt.date | None = None  # None = open-ended
    active: bool = True
    reminder_days: int | None = DEFAULT_REMINDER_DAYS  # None = no reminder
    confirmed_by: str = ""  # confirmed to billing by (blank = not confirmed)
    confirmed_at: str = ""
    notes: str = ""
    carried_units_used: int = 0  # usage carried in from the log, before tracking began
    carried_visits_used: int = 0
    status: RequestStatus = RequestStatus.APPROVED
    requested_on: dt.date | None = None
    payer_reference: str = ""  # payer's reference / call number for the request
    follow_up_on: dt.date | None = None
    renewal_of: int | None = None  # Authorization.id this one renews

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by)

    @property
    def display_number(self) -> str:
        """The auth number with the seed's "C" marker when confirmed to billing."""
        number = self.auth_number or "(no number)"
        return f"{number} C" if self.confirmed else number


@dataclass(kw_only=True)
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


@dataclass(kw_only=True)
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


@dataclass(kw_only=True)
class PracticeSettings(Record):
    """Practice-wide thresholds for notifications and reports: one record (id 1), shared by all."""

    TABLE: ClassVar[str] = "settings"

    low_percent: int = 20  # "running low" at or below this percent of authorized...
    low_floor: int = 1  # ...or at or below this many, whichever is more
    renewal_margin_days: int = 7  # ask for a renewal this many days before the payer's turnaround
    pace_weeks: int = 4  # recent weeks of use that set a client's pace


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


RECORD_TYPES: tuple[type[Record], ...] = (Payer, ProcedureGroup, Client, Authorization, Service)


# --- conversion helpers -------------------------------------------------------------------------

_CONVERTERS: dict[type, list[tuple[str, Any]]] = {}
_BUILDERS: dict[type, Any] = {}


def record_builder(cls: type[R]) -> Callable[[int, dict[str, Any]], R]:
    """A function (doc_id, document) -> record, fast for documents this version wrote.

    A document with every one of the record's fields (others, such as its ``id``, are ignored:
    the key's is used) is built by code generated for the class, which sets each attribute in
    field order, as ``__init__`` would, so that records share their attribute keys (a copied
    ``__dict__`` would take 2.5 times the memory; an agency's file has hundreds of thousands of
    records), and texts and dates are shared between records (interned; one date object per
    day). A document missing a field, or with a text field that is not text, goes through
    ``__init__``, for the defaults.
    """
    build = _BUILDERS.get(cls)
    if build is not None:
        return build
    conv = dict(_converters(cls))
    lines = ["def build(doc_id, doc):", "    try:", "        record = new(cls)"]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "intern": sys.intern}
    namespace["slow"] = cls._from_doc_slow  # type: ignore[attr-defined]
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        name = f.name
        if name == "id":
            lines.append("        record.id = doc_id")
        elif hints[name] is str:  # one copy of each text: who, when, codes repeat by thousands
            lines.append(f"        record.{name} = intern(doc[{name!r}])")
        elif conv[name] is None:
            lines.append(f"        record.{name} = doc[{name!r}]")
        else:
            namespace[f"convert_{name}"] = conv[name]
            lines.append(f"        value = doc[{name!r}]")
            lines.append(
                f"        record.{name} = None if value is None else convert_{name}(value)"
            )
    lines.append("    except (KeyError, TypeError):  # a field missing, or a text that is not one")
    lines.append("        return slow(doc_id, doc)")
    lines.append("    return record")
    exec("\n".join(lines), namespace)
    build = _BUILDERS[cls] = namespace["build"]
    return build


_COPIERS: dict[type, Any] = {}


def record_copier(cls: type[R]) -> Callable[[R], R]:
    """A function record -> an independent copy: its lists (and the insurances in them) are new,
    so that changing either one leaves the other as it was. Generated like :func:`record_builder`
    (attributes set in field order, so that the copy shares its keys with its kind's records)."""
    copy = _COPIERS.get(cls)
    if copy is not None:
        return copy
    hints = typing.get_type_hints(cls)
    lines = ["def copy(record):", "    new_record = new(cls)"]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "shallow": _shallow_copy}
    for f in dataclasses.fields(cls):
        value = f"record.{f.name}"
        if typing.get_origin(hints[f.name]) is list:
            (item,) = typing.get_args(hints[f.name])
            value = f"[shallow(v) for v in {value}]" if item is ClientInsurance else f"[*{value}]"
        lines.append(f"    new_record.{f.name} = {value}")
    lines.append("    return new_record")
    exec("\n".join(lines), namespace)
    copy = _COPIERS[cls] = namespace["copy"]
    return copy


def _shallow_copy(value: Any) -> Any:
    new = object.__new__(type(value))
    new.__dict__.update(value.__dict__)
    return new


_WRITERS: dict[type, Any] = {}


def record_writer(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    """A function record -> document, fast: only fields that need converting (dates, enums,
    lists) are converted; an import writes tens of thousands of records at once. A record's
    ``id`` is left out (it is the document's key)."""
    write = _WRITERS.get(cls)
    if write is not None:
        return write
    fields = [f.name for f in dataclasses.fields(cls)]
    names = [name for name in fields if name != "id"]
    hints = typing.get_type_hints(cls)
    converted = [(name, _json_converter_for(hints[name])) for name in names]
    converted = [(name, fn) for name, fn in converted if fn is not None]
    size, has_id = len(fields), "id" in fields

    def write(record: Any) -> dict[str, Any]:
        values = record.__dict__
        if len(values) == size and (not has_id or "id" in values):  # exactly its fields
            doc = values.copy()
            if has_id:
                del doc["id"]
        else:
            doc = {name: getattr(record, name) for name in names}
        for name, convert in converted:
            value = doc[name]
            if value is not None:
                doc[name] = convert(value)
        return doc

    _WRITERS[cls] = write
    return write


def _converters(cls: type) -> list[tuple[str, Any]]:
    """(field name, function turning its JSON value into the Python value, or None for as-is)."""
    conv = _CONVERTERS.get(cls)
    if conv is None:
        hints = typing.get_type_hints(cls)
        conv = [
            (f.name, _converter_for(hints[f.name]))
            for f in dataclasses.fields(cls)
            if f.name != "id"
        ]
        _CONVERTERS[cls] = conv
    return conv


def _converter_for(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _converter_for(args[0])
    if origin is list:
        (item,) = typing.get_args(hint)
        inner = _converter_for(item)
        if inner is None:
            return list
        return lambda values: [inner(v) for v in values]
    if hint is dt.date:
        return _date_from_iso
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if hint is ClientInsurance:
        return ClientInsurance.from_doc
    return None


_date_from_iso = functools.lru_cache(maxsize=16384)(dt.date.fromisoformat)  # dates are immutable


def _json_converter_for(hint: Any) -> Any:
    """The function turning a field's Python value into its JSON value (None: as it is)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _json_converter_for(args[0]) if len(args) == 1 else _to_json
    if origin is list:
        (item,) = typing.get_args(hint)
        inner = _json_converter_for(item)
        if inner is None:
            return list
        return lambda values: [inner(v) for v in values]
    if hint is dt.date:
        return dt.date.isoformat
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _to_json
    if hint is ClientInsurance:
        return ClientInsurance.to_doc
    if hint in (str, int, bool, float):
        return None
    return _to_json


def _to_json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value._value_
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, ClientInsurance):
        return value.to_doc()
    return value
