"""Validation: every rule a record must meet before it is saved, each with a clear sentence.

Functions return the list of problems (empty = valid) so forms can show each next to its field;
:func:`check` raises them together as :class:`ValidationErrors`.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from priorauth import coverage
from priorauth.data import Data
from priorauth.errors import ValidationError, ValidationErrors

# CPT (5 digits, or 4 digits + F/T/U), HCPCS level II (letter + 4 digits), each optionally with
# up to four 2-character modifiers joined by "-": 90837, H2019-HN, 97153-HO-U1. The grammar of
# what people type is one, shared by the forms and the importer.
from priorauth.grammar import CODE_RE as CODE_RE
from priorauth.grammar import normalize_code as normalize_code
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    LineMeasure,
    Payer,
    Priority,
    ProcedureGroup,
    RequestStatus,
    Service,
    ServiceLine,
)
from priorauth.service_lines import lines_of
from priorauth.usage import line_label

_match_code = CODE_RE.match
# codes already seen to be well formed: a practice uses a few dozen, and an import checks them
# on every one of its tens of thousands of authorizations (bounded, for a long-running app)
_GOOD_CODES: set[str] = set()
_GOOD_CODES_MAX = 10_000


def _good_code(code: str) -> bool:
    if code in _GOOD_CODES:
        return True
    if _match_code(code) is None:
        return False
    if len(_GOOD_CODES) < _GOOD_CODES_MAX:
        _GOOD_CODES.add(code)
    return True


def check_code(code: str) -> ValidationError | None:
    if not _match_code(code):
        return ValidationError(
            f'"{code}" is not a procedure code: use a CPT or HCPCS code such as 90837 or H2019, '
            "optionally with modifiers (H2019-HN).",
            "procedure_codes",
        )
    return None


def check(problems: list[ValidationError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ValidationErrors(problems)


def _non_negative(value: int | None, label: str, field: str) -> ValidationError | None:
    if value is not None and value < 0:
        return ValidationError(f"{label} cannot be negative (it is {value}).", field)
    return None


# a record's enum fields may hold the member or its text: a dictionary look-up takes both, where
# calling the enum costs microseconds (these checks run on every record of an import); an
# unhashable value raises TypeError, and is no member
_STATUSES: dict[str, RequestStatus] = {s.value: s for s in RequestStatus}
_PRIORITIES: dict[str, Priority] = {p.value: p for p in Priority}
_COUNTS = (  # (field, label) of the counts that cannot be negative, in the order reported
    ("units_authorized", "Units authorized"),
    ("visits_authorized", "Visits authorized"),
    ("carried_units_used", "Units already used"),
    ("carried_visits_used", "Visits already used"),
    ("reminder_days", "Reminder days"),
)
# a one-line authorization's counts in that order, and its cap, read in one call (the first
# four are :func:`priorauth.usage.stated_counts` of an authorization without lines; with the
# cap, every count _fractions looks at)
OWN_COUNT_FIELDS = (*(field for field, _ in _COUNTS), "cap_amount")  # (as one call reads them)
_OWN_COUNTS = attrgetter(*OWN_COUNT_FIELDS)
_APPROVED = RequestStatus.APPROVED  # (an enum's member looked up once, not per record)
CAP_PERIODS = (CapPeriod.WEEK, CapPeriod.MONTH)  # the periods a cap may have


def payer_problems(data: Data, payer: Payer) -> list[ValidationError]:
    problems = []
    if not payer.name.strip():
        problems.append(ValidationError("A payer needs a name.", "name"))
    same = data.payer_named(payer.name)
    if same is not None and same.id != payer.id:
        problems.append(ValidationError(f'There is already a payer named "{same.name}".', "name"))
    if payer.turnaround_days < 0:
        problems.append(ValidationError("Turnaround days cannot be negative.", "turnaround_days"))
    return problems


def group_problems(data: Data, group: ProcedureGroup) -> list[ValidationError]:
    problems = []
    if not group.name.strip():
        problems.append(ValidationError("A procedure group needs a name.", "name"))
    for other in data.groups.values():
        if other.id != group.id and other.name.casefold() == group.name.strip().casefold():
            problems.append(
                ValidationError(f'There is already a group named "{other.name}".', "name")
            )
    # (a group without codes yet is a service a log named in words, "Personal Care": its codes
    # are filled in later, DESIGN.md "Records")
    problems.extend(p for p in map(check_code, group.codes) if p)
    return problems


def client_problems(data: Data, client: Client, today: dt.date) -> list[ValidationError]:
    problems = []
    if not (client.first_name.strip() or client.last_name.strip()):
        problems.append(ValidationError("A client needs a first or last name.", "last_name"))
    if client.dob is not None and client.dob > today:
        problems.append(
            ValidationError(f"Date of birth {client.dob:%m/%d/%Y} is in the future.", "dob")
        )
    if client.client_id:
        same = data.client_with_id(client.client_id)
        if same is not None and same.id != client.id:
            problems.append(
                ValidationError(
                    f"Client id {client.client_id} already belongs to {same.name}.", "client_id"
                )
            )
    seen: list = []  # coverages checked so far, (priority text, coverage)
    for ins in coverage.all_coverages(client):
        try:
            priority = _PRIORITIES.get(ins.priority)
        except TypeError:
            priority = None
        if priority is None:
            problems.append(
                ValidationError(
                    f'Unknown insurance priority "{ins.priority}": use primary, secondary or '
                    "tertiary.",
                    "insurances",
                )
            )
            continue
        if ins.payer_id not in data.payers:
            problems.append(ValidationError(f"Unknown payer #{ins.payer_id}.", "insurances"))
        if ins.start_date and ins.end_date and ins.end_date < ins.start_date:
            problems.append(
                ValidationError(
                    f"The {data.payer_name(ins.payer_id)} coverage ends "
                    f"{ins.end_date:%m/%d/%Y}, before it starts ({ins.start_date:%m/%d/%Y}).",
                    "insurances",
                )
            )
            continue
        for other_priority, other in seen:
            if other_priority != priority and other.payer_id != ins.payer_id:
                continue  # (two payers at different priorities may cover the same days)
            day = coverage.overlap(ins, other)
            if day is None:
                continue
            when = "" if day == dt.date.min else f" on {day:%m/%d/%Y}"
            if other_priority == priority:
                problems.append(
                    ValidationError(
                        f"The client has two {priority} insurances{when} "
                        f"({data.payer_name(other.payer_id)} and "
                        f"{data.payer_name(ins.payer_id)}); end one before the other starts.",
                        "insurances",
                    )
                )
            elif (
                other.payer_id == ins.payer_id
                and ins.member_id.strip()
                and other.member_id.strip().casefold() == ins.member_id.strip().casefold()
            ):
                # one payer may cover a client twice (two plans of one insurer: each parent's
                # employer plan, each its own card); the same card twice at once is a mistake
                problems.append(
                    ValidationError(
                        f"{data.payer_name(ins.payer_id)} is listed twice for this client{when} "
                        "with the same member id; give each plan its own member id.",
                        "insurances",
                    )
                )
        seen.append((priority, ins))
    return problems


def same_number(data: Data, auth: Authorization) -> list[Authorization]:
    """The other authorizations of ``auth``'s payer saved under its number (by id)."""
    number = auth.auth_number.strip().casefold()
    if not number:
        return []
    found = data.auths_by_number.get((auth.payer, number))
    if not found or (len(found) == 1 and found[0].id == auth.id):
        return []  # (most numbers: only its own)
    return [a for a in found if a.id != auth.id]


class DuplicateNumber(ValidationError):
    """An authorization number its payer already has on another authorization."""


def is_duplicate_number(error: ValidationError) -> bool:
    """Whether ``error`` is :func:`duplicate_number_problem`'s (an import that tells the rows
    apart lets it pass, with a warning)."""
    return isinstance(error, DuplicateNumber)


def duplicate_number_problem(
    data: Data, auth: Authorization, before: Data | None = None
) -> ValidationError | None:
    """An authorization number is given once per payer: a second one with the same number is
    refused, naming the first (client, dates). ``before`` is the data before this change (the
    import validates against the data as it will be): a record that already shared its number
    there (an older file; ``doctor`` reports it) may still be edited."""
    others = same_number(data, auth)
    if not others:
        return None
    old = (before or data).authorizations.get(auth.id) if auth.id > 0 else None
    if (
        old is not None
        and old.payer == auth.payer
        and old.auth_number.strip().casefold() == auth.auth_number.strip().casefold()
    ):
        return None
    other = others[0]
    client = data.clients.get(other.client)
    who = client.name if client else f"client #{other.client}"
    start = f"{other.start_date:%m/%d/%Y}" if other.start_date else "no start"
    end = f"{other.end_date:%m/%d/%Y}" if other.end_date else "open-ended"
    return DuplicateNumber(
        f"{data.payer_name(auth.payer)} authorization {other.auth_number} is already saved "
        f"for {who} ({start}–{end}); check the number, or edit that authorization.",
        "auth_number",
    )


def authorization_problems(
    data: Data, auth: Authorization, before: Data | None = None
) -> list[ValidationError]:
    """Everything wrong with ``auth`` against ``data``; ``before``: see
    :func:`duplicate_number_problem`."""
    problems: list[ValidationError] = []
    client = data.clients.get(auth.client)
    if client is None:
        problems.append(ValidationError("Choose the client this authorization is for.", "client"))
    known_payer = auth.payer in data.payers
    if not known_payer:
        problems.append(_no_payer(client, "authorization"))
    try:
        status = _STATUSES.get(auth.status)
    except TypeError:
        status = None
    if status is None:
        problems.append(
            ValidationError(
                f'Unknown request status "{auth.status}": use requested, pending, approved or '
                "denied.",
                "status",
            )
        )
    start, end = auth.start_date, auth.end_date
    if status is _APPROVED and start is None:
        problems.append(
            ValidationError(
                "An approved authorization needs a start (effective) date.", "start_date"
            )
        )
    if start and end and end < start:
        problems.append(
            ValidationError(
                f"The end date {end:%m/%d/%Y} is before the start date {start:%m/%d/%Y}.",
                "end_date",
            )
        )
    lines = auth.lines
    if lines:
        problems.extend(line_problems(auth))
        counts: tuple = ()
        units = visits = units_used = visits_used = None
        reminder = auth.reminder_days
    else:  # (stated_counts's four, its own fields; then the reminder days and the cap)
        counts = _OWN_COUNTS(auth)
        units, visits, units_used, visits_used, reminder, _ = counts
    if (
        (units is not None and units < 0)
        or (visits is not None and visits < 0)
        or (units_used is not None and units_used < 0)
        or (visits_used is not None and visits_used < 0)
        or (reminder is not None and reminder < 0)
    ):
        values = (units, visits, units_used, visits_used, reminder)
        for value, (field, label) in zip(values, _COUNTS, strict=True):
            problem = _non_negative(value, label, field)
            if problem:
                problems.append(problem)
    if not lines and auth.cap_amount is not None:
        if auth.cap_amount <= 0:
            problems.append(
                ValidationError("A weekly or monthly cap must be above zero.", "cap_amount")
            )
        if auth.cap_period not in CAP_PERIODS:
            problems.append(
                ValidationError("Say whether the cap is per week or per month.", "cap_period")
            )
    good = _GOOD_CODES
    for code in auth.procedure_codes:
        if code not in good and not _good_code(code):
            problems.append(check_code(code))  # type: ignore[arg-type]  # (it fails)
    # (counts that are all whole numbers or blank, as the importer's always are, have no
    # fractions: looked at by type in one go, _fractions only for the rest)
    if not lines and not WHOLE_OR_BLANK.issuperset(map(type, counts)):
        problems.extend(_fractions(auth, ""))
    if auth.active and status is not None and status is not _APPROVED:
        problems.append(
            ValidationError(
                f"A {status} authorization cannot be active; mark it approved when the payer "
                "approves it.",
                "active",
            )
        )
    if client is not None and known_payer and not coverage.has_coverage_with(client, auth.payer):
        problems.append(
            ValidationError(
                f"{client.name} has no insurance with {data.payer_name(auth.payer)}; add it to "
                "the client first.",
                "payer",
            )
        )
    if auth.auth_number and known_payer and (dup := duplicate_number_problem(data, auth, before)):
        problems.append(dup)
    return problems


_LINE_COUNTS = (  # (attribute, words) of a line's counts, in the order reported
    ("units_authorized", "units authorized"),
    ("visits_authorized", "visits authorized"),
    ("carried_units_used", "units already used"),
    ("carried_visits_used", "visits already used"),
    ("cap_amount", "the cap"),
)
# a line's counts of _LINE_COUNTS, read in one call; and the types of a count
# that cannot be a fraction (a bool, an int subclass, goes the long way: _fractions decides)
_FRACTION_COUNTS = attrgetter(*(attribute for attribute, _ in _LINE_COUNTS))
WHOLE_OR_BLANK = frozenset({int, type(None)})  # the types of counts that are whole or blank


def line_problems(auth: Authorization) -> list[ValidationError]:
    """What is wrong with the service lines of ``auth`` (several lines; one line is checked as
    the authorization's own fields), each sentence naming its line: "line 2 (97155): ..."."""
    problems: list[ValidationError] = []
    held: dict[str, int] = {}  # code -> the number of the line that holds it first
    for number, line in enumerate(lines_of(auth), start=1):
        found: list[str] = []  # this line's problems, named once there are any (most have none)
        if not line.codes:
            found.append(
                "an authorization of several lines needs the codes of each line; give this one "
                "its codes or a procedure group."
            )
        for code in line.codes:
            if code not in _GOOD_CODES and not _good_code(code):
                found.append(str(check_code(code)))
            elif code in held:
                found.append(f"{code} is already on line {held[code]}; list each code on one line.")
            else:
                held[code] = number
        counts = _FRACTION_COUNTS(line)  # (the values of _LINE_COUNTS, in that order)
        for (_, words), value in zip(_LINE_COUNTS, counts, strict=True):
            if value is not None and value < 0:
                found.append(f"{words} cannot be negative (it is {_number(value)}).")
        if line.cap_amount is not None:
            if line.units_authorized is None and line.visits_authorized is None:
                found.append(
                    "a weekly or monthly cap needs units or visits authorized on the line; "
                    "give its counts or remove the cap."
                )
            elif line.cap_amount == 0:
                found.append("a weekly or monthly cap must be above zero.")
            if line.cap_period not in CAP_PERIODS:
                found.append("say whether the cap is per week or per month.")
        whole = WHOLE_OR_BLANK.issuperset(map(type, counts))  # (then _fractions finds none)
        if found or not whole:
            name = f"line {number} ({line_label(line)}): "
            problems.extend(ValidationError(name + text, "lines") for text in found)
            if not whole:
                problems.extend(_fractions(line, name))
    return problems


def _fractions(line: ServiceLine | Authorization, name: str) -> list[ValidationError]:
    """Counts are whole numbers, except a line measured in hours, whose units keep fractions
    (``line`` may be a one-line authorization itself: its own fields are its line's)."""
    found = []
    hours = line.measure == LineMeasure.HOURS
    for attribute, words in _LINE_COUNTS:
        value = getattr(line, attribute)
        if not isinstance(value, float) or value.is_integer():
            continue
        in_units = attribute in ("units_authorized", "carried_units_used") or (
            attribute == "cap_amount" and line.cap_measure == CapMeasure.UNITS
        )
        if hours and in_units:
            continue
        text = f"{words} must be a whole number (it is {_number(value)})" + (
            "; only a line measured in hours keeps fractions of a unit." if in_units else "."
        )
        if name:
            found.append(ValidationError(name + text, "lines"))
        else:
            found.append(ValidationError(text[0].upper() + text[1:], attribute))
    return found


def _number(value: float) -> str:
    return f"{value:g}"


def _no_payer(client: Client | None, record: str) -> ValidationError:
    """No payer chosen: a client with no insurance has none to choose from, and is told why."""
    if client is not None and not coverage.has_coverages(client):
        return ValidationError(
            f"{client.name} has no insurance yet: add the payer to the client first.", "payer"
        )
    return ValidationError(f"Choose a known payer for this {record}.", "payer")


def service_problems(data: Data, service: Service) -> list[ValidationError]:
    problems = []
    client = data.clients.get(service.client)
    if client is None:
        problems.append(ValidationError("Choose the client this service was for.", "client"))
    if service.payer not in data.payers:
        problems.append(_no_payer(client, "service"))
    if service.units <= 0:
        problems.append(ValidationError("Units must be at least 1.", "units"))
    if service.procedure_code:
        problem = check_code(service.procedure_code)
        if problem:
            problem.field = "procedure_code"
            problems.append(problem)
    if service.authorization is not None:
        auth = data.authorizations.get(service.authorization)
        if auth is None or auth.client != service.client:
            problems.append(
                ValidationError(
                    "That authorization does not belong to this client.", "authorization"
                )
            )
    return problems
