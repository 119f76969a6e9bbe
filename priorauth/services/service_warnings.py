"""What staff hear after recording a service: no authorization covers it (the claim may be
denied), or it uses the last of, or goes over, what its authorization (or the line holding its
code) allows. Nothing when the payer's out-of-authorization policy allows anything, or when the
client's coverage needs no prior authorization that day.

:meth:`priorauth.services.tracker.Tracker.record_service` says these with every service it
records.
"""

from __future__ import annotations

import datetime as dt

from priorauth import coverage, outofauth, rules
from priorauth.data import Data
from priorauth.model import Authorization, LineMeasure, OutOfAuthPolicy, Service
from priorauth.service_lines import line_index
from priorauth.usage import LineUsage


def service_warnings(
    data: Data, service: Service, auth: Authorization | None, today: dt.date
) -> list[str]:
    """What staff should hear after recording ``service``."""
    if not service.counts or outofauth.policy_for(data, service.payer) == OutOfAuthPolicy.ALLOW:
        return []
    client = data.clients.get(service.client)
    payer = data.payer_name(service.payer)
    if auth is None:
        if client is not None and not coverage.requires_prior_auth(
            client, service.payer, service.date
        ):
            return []
        return [
            f"No {payer} authorization covers {service.date:%m/%d/%Y}"
            + (f" for {service.procedure_code}" if service.procedure_code else "")
            + ": the claim may be denied."
        ]
    warnings = []
    day = max(today, service.date)
    if auth.lines:  # the line holding the service's code
        index = line_index(auth, service.procedure_code)
        if index is None:
            return []
        use = rules.lines_usage(data, auth, day)[index]
        whose = f"{use.label} of authorization {auth.auth_number or '(no number)'}"
        counts = _line_counts(use)
    else:
        whose = f"authorization {auth.auth_number or '(no number)'}"
        counts = _counts(rules.usage(data, auth, day))
    for remaining, authorized, what in counts:
        if remaining is not None and remaining < 0:
            warnings.append(
                f"{whose[0].upper()}{whose[1:]} is over its {authorized} {what} by {-remaining}."
            )
        elif remaining == 0:
            warnings.append(f"This uses the last of the {authorized} {what} of {whose}.")
    return warnings


def _counts(use: rules.Usage) -> list[tuple[object, object, str]]:
    return [
        (use.units_remaining, use.units_authorized, "units"),
        (use.visits_remaining, use.visits_authorized, "visits"),
    ]


def _line_counts(line: LineUsage) -> list[tuple[object, object, str]]:
    units = "hours" if line.line.measure == LineMeasure.HOURS else "units"
    return [
        (_n(line.usage.units_remaining), _n(line.usage.units_authorized), units),
        (line.usage.visits_remaining, line.usage.visits_authorized, "visits"),
    ]


def _n(value: float | None) -> float | None:
    return int(value) if isinstance(value, float) and value.is_integer() else value
