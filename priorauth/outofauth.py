"""Services a biller must act on before claims go out: outside any authorization, past an
authorization's units (or visits), or after an authorization's end — and what the payer's
``out_of_auth_policy`` (allow / warn / block) says about them.

Only services whose status counts are judged (a cancelled session needs no authorization), and
only for insurances that require prior authorization.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass

from priorauth import coverage, rules, service_lines, usage
from priorauth.data import Data
from priorauth.errors import ValidationError
from priorauth.model import Authorization, OutOfAuthPolicy, RequestStatus, Service

_ID = operator.attrgetter("id")

UNCOVERED = "uncovered"
OVER_UNITS = "over_units"
AFTER_END = "after_end"


class ServiceBlocked(ValidationError):
    """The payer blocks this service (outside an authorization or beyond its units)."""


@dataclass(frozen=True)
class Finding:
    kind: str  # UNCOVERED, OVER_UNITS or AFTER_END
    service: Service
    authorization: Authorization | None
    message: str


def policy_for(data: Data, payer_id: int) -> OutOfAuthPolicy:
    payer = data.payers.get(payer_id)
    return payer.out_of_auth_policy if payer is not None else OutOfAuthPolicy.WARN


def needs_authorization(data: Data, service: Service) -> bool:
    """Whether ``service`` must be covered: it counts and the client's insurance with its payer
    requires prior authorization (an insurance not on file is taken to require it)."""
    if not service.counts:
        return False
    client = data.clients.get(service.client)
    return client is None or coverage.requires_prior_auth(client, service.payer, service.date)


def ended_authorization(data: Data, service: Service) -> Authorization | None:
    """The latest approved authorization for the service's client, payer and code that ended
    before its date (None when there is none)."""
    best: Authorization | None = None
    code = service.procedure_code
    for auth in data.authorizations_for(service.client, service.payer):
        if auth.status != RequestStatus.APPROVED or auth.end_date is None:
            continue
        if auth.end_date >= service.date or (auth.start_date and auth.start_date > service.date):
            continue
        codes = service_lines.all_codes(auth)
        if code and codes and not rules.code_matches(code, codes):
            continue
        if best is None or auth.end_date > best.end_date:  # type: ignore[operator]
            best = auth
    return best


def _words(service: Service) -> str:
    code = f" {service.procedure_code}" if service.procedure_code else ""
    return f"the{code} service on {_day(service.date)}"


@functools.lru_cache(maxsize=4096)
def _day(day: dt.date) -> str:
    """``day`` as 11/02/2026 (an import judges tens of thousands of services on a few hundred
    days: strftime once a day)."""
    return f"{day:%m/%d/%Y}"


def _opening(service: Service) -> str:
    """:func:`_words` opening a sentence ("The H2019-HN service ..."; str.capitalize would
    lower-case the code)."""
    return "T" + _words(service)[1:]


def _number(auth: Authorization) -> str:
    return auth.auth_number or "(no number)"


def uncovered_finding(data: Data, service: Service) -> Finding:
    payer = data.payer_name(service.payer)
    ended = ended_authorization(data, service)
    if ended is not None:
        return Finding(
            AFTER_END,
            service,
            ended,
            f"{_opening(service)} is after {payer} authorization {_number(ended)} "
            f"ended ({ended.end_date:%m/%d/%Y}).",
        )
    return Finding(
        UNCOVERED,
        service,
        None,
        f"No {payer} authorization covers {_words(service)}.",
    )


def over_finding(
    auth: Authorization, service: Service, what: str, authorized: int | None
) -> Finding:
    """``what``: "units" (with ``authorized``), or a line's whole count ("40 units of 97155",
    ``authorized`` None)."""
    count = what if authorized is None else f"{authorized} {what}"
    return Finding(
        OVER_UNITS,
        service,
        auth,
        f"{_opening(service)} is past the {count} of authorization {_number(auth)}.",
    )


def check_one(data: Data, service: Service) -> list[Finding]:
    """What is wrong with recording ``service`` (new, or an edit of a saved one) in ``data``:
    judged with every service of its authorization counted, scheduled ones included."""
    if not needs_authorization(data, service):
        return []
    auth = rules.covering_authorization(
        data, service.client, service.payer, service.date, service.procedure_code
    )
    if service.authorization is not None:
        auth = data.authorizations.get(service.authorization) or auth
    if auth is None:
        return [uncovered_finding(data, service)]
    others = [s for s in rules.services_for(data, auth) if s.id != service.id]
    if auth.lines:  # judged on the line holding its code
        return [f for f in [_line_over(auth, [*others, service], service)] if f]
    units_cap, visits_cap, units, visits = usage.stated_counts(auth)
    units += sum(s.units for s in others) + service.units
    visits += len({s.date for s in others} | {service.date})
    if units_cap is not None and units > units_cap:
        return [over_finding(auth, service, "units", units_cap)]
    if visits_cap is not None and visits > visits_cap:
        return [over_finding(auth, service, "visits", visits_cap)]
    return []


def _line_over(auth: Authorization, services: list[Service], service: Service) -> Finding | None:
    """``service`` past the units or visits of the line of ``auth`` holding its code (with
    ``services``, those counting against ``auth``, all counted)."""
    index = service_lines.line_index(auth, service.procedure_code)
    if index is None:
        return None
    use = usage.line_usages(auth, services, dt.date.max)[index]  # scheduled ones counted too
    line = use.line
    for measure, left, authorized in (
        ("units", use.usage.units_remaining, line.units_authorized),
        ("visits", use.usage.visits_remaining, line.visits_authorized),
    ):
        if left is not None and left < 0 and authorized is not None:
            what = f"{_count(authorized)} {measure} of {usage.line_label(line)}"
            return over_finding(auth, service, what, None)
    return None


def _count(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def over_services(data: Data, auth: Authorization) -> dict[int, Finding]:
    """The services of ``auth`` (by id) that, taken in date order, go past its units or visits
    (of an authorization of several lines: past those of the line holding their codes)."""
    out: dict[int, Finding] = {}
    if auth.lines:
        return _lines_over_services(auth, rules.services_for(data, auth))
    units_cap, visits_cap, units, visits = usage.stated_counts(auth)  # (the one reader)
    if units_cap is None and visits_cap is None:
        return out
    days: set = set()
    for service in rules.services_for(data, auth):
        units += service.units
        if service.date not in days:
            days.add(service.date)
            visits += 1
        if units_cap is not None and units > units_cap:
            out[service.id] = over_finding(auth, service, "units", units_cap)
        elif visits_cap is not None and visits > visits_cap:
            out[service.id] = over_finding(auth, service, "visits", visits_cap)
    return out


def _lines_over_services(auth: Authorization, services: list[Service]) -> dict[int, Finding]:
    out: dict[int, Finding] = {}
    split, _ = usage.services_by_line(auth, services)
    for line, held in zip(service_lines.lines_of(auth), split, strict=True):
        if line.units_authorized is None and line.visits_authorized is None:
            continue
        factor = usage.per_unit(line)
        units, visits = line.carried_units_used, line.carried_visits_used
        days: set = set()
        label = usage.line_label(line)
        for service in held:
            units += service.units * factor
            if service.date not in days:
                days.add(service.date)
                visits += 1
            for measure, used, authorized in (
                ("units", units, line.units_authorized),
                ("visits", visits, line.visits_authorized),
            ):
                if authorized is not None and used > authorized:
                    what = f"{_count(authorized)} {measure} of {label}"
                    out[service.id] = over_finding(auth, service, what, None)
                    break
    return out


def check_many(data: Data, services: list[Service]) -> list[Finding]:
    """:func:`check_one` for many services already in ``data`` (an import's overlay), each
    authorization's services taken in date order: the later sessions are the ones past its
    units."""
    wanted = {s.id for s in services}
    by_auth = rules.services_by_authorization(data)
    findings: list[Finding] = []
    for service in by_auth.get(None, []):
        if service.id in wanted and needs_authorization(data, service):
            findings.append(uncovered_finding(data, service))
    touched = {  # (each list looked through only until one of them is found)
        auth_id
        for auth_id, listed in by_auth.items()
        if auth_id is not None and not wanted.isdisjoint(map(_ID, listed))
    }
    for auth_id in sorted(touched):
        auth = data.authorizations[auth_id]
        for service_id, finding in over_services(data, auth).items():
            if service_id in wanted and needs_authorization(data, finding.service):
                findings.append(finding)
    return findings


__all__ = [
    "AFTER_END",
    "OVER_UNITS",
    "UNCOVERED",
    "Finding",
    "ServiceBlocked",
    "check_many",
    "check_one",
    "over_services",
    "policy_for",
]
