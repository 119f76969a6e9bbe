"""The rules of prior-authorization tracking, as pure functions over a :class:`Data` snapshot.

- Only services whose status counts (kept, completed, checked out, scheduled) use units; a
  cancelled, no-show, late-cancelled or rescheduled one counts against nothing.
- Units used = carried-in units + units of services dated on or before today.
- Visits used = carried-in visits + number of *distinct* dates of service on or before today
  (a visit is a day of service, seed 002). Services after today are *scheduled*.
- Remaining = authorized - used; below zero is over-utilization and is reported, never clamped.
- The authorization covering a service: same client and payer, date within start..end, procedure
  among its codes (or it lists none), not requested/pending/denied; the active one preferred.
  Its number is the box 23 value for that client, payer and date (:mod:`priorauth.box23`).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import operator
from collections import defaultdict

from priorauth.data import Data
from priorauth.model import (
    COUNTING_STATUSES,
    Authorization,
    RequestStatus,
    Service,
)
from priorauth.service_lines import all_codes, line_index, lines_of, with_lines
from priorauth.service_lines import (
    code_matches as code_matches,  # (re-exported: rules.code_matches)
)
from priorauth.usage import LineUsage, line_usages, usage_of
from priorauth.usage import Usage as Usage  # (re-exported: rules.Usage)
from priorauth.usage import describe_count as describe_count
from priorauth.usage import stated_usage as stated_usage

# --- which authorization a service counts against -----------------------------------------------


def covers(auth: Authorization, day: dt.date, code: str | None = None) -> bool:
    """Whether ``auth`` can cover a service on ``day`` with procedure ``code`` (any when None)."""
    if auth.status != RequestStatus.APPROVED:
        return False
    if auth.start_date is None:
        return False
    return _dated_covers(auth, day, code)


def _dated_covers(
    auth: Authorization, day: dt.date, code: str | None, codes: list[str] | None = None
) -> bool:
    """:func:`covers` for an approved authorization with a start date (the covering test itself,
    shared with :func:`services_by_authorization`); ``codes``: its codes, when already known."""
    if day < auth.start_date or (auth.end_date is not None and day > auth.end_date):  # type: ignore[operator]
        return False
    if codes is None:
        codes = auth.procedure_codes if not auth.lines else all_codes(auth)
    return not code or not codes or code in codes or code_matches(code, codes)


def preference(auth: Authorization) -> tuple[bool, dt.date, bool, int]:
    """Which of two authorizations covering a service is preferred (the larger): the active one,
    then the later start, then the one made later. An import plans new records under temporary
    ids -1, -2, ... in the order it makes them, and saving gives them ids after every existing
    one in that same order: they rank so here too, so that a plan counts each service against
    the authorization the saved file will (or usage carried in from a log would come out wrong)."""
    made = auth.id
    return (auth.active, auth.start_date or dt.date.min, made < 0, -made if made < 0 else made)


# the look-ups a snapshot keeps in Data.derived, named once: carryover.py and live.py hand them
# on to the next snapshot (brought up to date, or as they are when the records are the same)
# {(client, payer): the approved, dated authorizations, preferred first}
CANDIDATES = "covering_candidates"
# {authorization id, or None for none: the services counting against it, in date order}
ASSIGNED = "services_by_authorization"


def _candidates(data: Data) -> dict[tuple[int, int], list[Authorization]]:
    """Approved, dated authorizations by (client, payer), most preferred first (per snapshot)."""
    key = CANDIDATES
    index = data.derived.get(key)
    if index is None:
        index = defaultdict(list)
        for auth in data.authorizations.values():
            if auth.status == RequestStatus.APPROVED and auth.start_date is not None:
                index[(auth.client, auth.payer)].append(auth)
        for auths in index.values():
            auths.sort(key=preference, reverse=True)
        data.derived[key] = index
    return index


def covering_authorization(
    data: Data, client_id: int, payer_id: int, day: dt.date, code: str | None = None
) -> Authorization | None:
    """The authorization a service would count against (the active one preferred)."""
    for auth in _candidates(data).get((client_id, payer_id), ()):
        if covers(auth, day, code):
            return auth
    return None


def assigned_authorization(data: Data, service: Service) -> Authorization | None:
    """The authorization ``service`` counts against: pinned by hand, else the covering one;
    None for a service whose status counts nothing (cancelled, no-show...)."""
    if not service.counts:
        return None
    if service.authorization is not None:
        pinned = data.authorizations.get(service.authorization)
        if pinned is not None:
            return pinned
    return covering_authorization(
        data, service.client, service.payer, service.date, service.procedure_code
    )


def services_by_authorization(data: Data) -> dict[int | None, list[Service]]:
    """Every service grouped by the authorization it counts against (None: not covered), each
    list in date order. Computed once per snapshot."""
    key = ASSIGNED
    cached = data.derived.get(key)
    if cached is None:
        cached = defaultdict(list)
        # each candidate's dates and codes read once, not once per service (_dated_covers)
        candidates = {
            pair: [
                (
                    a.start_date,
                    a.end_date or dt.date.max,
                    a.procedure_codes if not a.lines else all_codes(a),
                    a,
                )
                for a in auths
            ]
            for pair, auths in _candidates(data).items()
        }
        pinned_to = data.authorizations
        counting = COUNTING_STATUSES
        candidates_of = candidates.get
        for service in data.services.values():  # (in id order)
            if service.status not in counting:
                continue
            pinned = service.authorization
            if pinned is not None and (auth := pinned_to.get(pinned)) is not None:
                cached[auth.id].append(service)
                continue
            day, code = service.date, service.procedure_code
            for start, end, codes, candidate in candidates_of((service.client, service.payer), ()):
                if start <= day <= end and (
                    not code or not codes or code in codes or code_matches(code, codes)
                ):
                    cached[candidate.id].append(service)
                    break
            else:
                cached[None].append(service)
        for services in cached.values():
            services.sort(key=_date_of)  # stable: by date, then id (by_date's order)
        data.derived[key] = cached
    return cached


def carry_over_new_service(before: Data, after: Data, service: Service) -> None:
    """``after`` is ``before`` plus the new ``service``: give it ``before``'s service look-ups with
    the service added, rather than working them out again for every service (an agency's
    200,000: 0.15 s on each service recorded). Only when nothing else changed in between."""
    if (
        after is before
        or after.derived
        or before.authorizations is not after.authorizations
        or before.services.get(service.id) is not None
        or len(after.services) != len(before.services) + 1
    ):
        return
    candidates = before.derived.get(CANDIDATES)
    if candidates is not None:
        after.derived[CANDIDATES] = candidates  # (the authorizations are the same)
    assigned = before.derived.get(ASSIGNED)
    if assigned is not None and not service.counts:
        after.derived[ASSIGNED] = assigned  # (it counts against nothing)
    elif assigned is not None:
        auth = assigned_authorization(after, service)
        key = auth.id if auth else None
        index = defaultdict(list, assigned)
        index[key] = _inserted(index.get(key, []), service)
        after.derived[ASSIGNED] = index
    by_client = before.__dict__.get("services_by_client")  # (a cached property, if worked out)
    if by_client is not None:
        index = defaultdict(list, by_client)
        index[service.client] = _inserted(index.get(service.client, []), service)
        after.__dict__["services_by_client"] = index


def _inserted(services: list[Service], service: Service) -> list[Service]:
    """A new list: ``services`` (in date order) with ``service`` in its place."""
    at = bisect.bisect_right(services, by_date(service), key=by_date)
    return [*services[:at], service, *services[at:]]


def by_date(service: Service) -> tuple[dt.date, int]:
    return (service.date, service.id)


_date_of = operator.attrgetter("date")


def services_for(data: Data, auth: Authorization) -> list[Service]:
    return services_by_authorization(data).get(auth.id, [])


def services_left_out(data: Data, old: Authorization, new: Authorization) -> list[Service]:
    """The services counting against ``old`` whose code no line of ``new`` holds (a line
    removed, a code taken off): saving ``new`` over ``old`` moves them to another authorization,
    or none. Oldest first; services assigned to ``old`` by hand stay with it."""
    if all_codes(new) == all_codes(old):
        return []
    return [
        s
        for s in services_for(data, old)
        if s.authorization is None and line_index(new, s.procedure_code) is None
    ]


def uncovered_services(data: Data) -> list[Service]:
    return services_by_authorization(data).get(None, [])


def uncovered_services_of(data: Data, client_id: int) -> list[Service]:
    """The client's services no authorization covers, in date order (indexed per snapshot)."""
    index = data.derived.get("uncovered_by_client")
    if index is None:
        index = defaultdict(list)
        for service in uncovered_services(data):
            index[service.client].append(service)
        data.derived["uncovered_by_client"] = index
    return index.get(client_id, [])


def usage(data: Data, auth: Authorization, today: dt.date) -> Usage:
    """Units and visits used (through ``today``) and scheduled (after it) for ``auth``."""
    return usage_of(auth, services_for(data, auth), today)


def lines_usage(data: Data, auth: Authorization, today: dt.date) -> list[LineUsage]:
    """:func:`usage` per service line of ``auth`` (one for a one-line authorization)."""
    return line_usages(auth, services_for(data, auth), today)


# --- active authorizations and box 23 -----------------------------------------------------------


def codes_overlap(a: list[str], b: list[str]) -> bool:
    """Whether two authorizations' code lists can cover one service: one that lists no codes
    overlaps everything; otherwise a code of one matches the other (a modifier-less code covers
    its modified forms, as :func:`code_matches` says)."""
    if not a or not b:
        return True
    return any(code_matches(code, b) for code in a) or any(code_matches(code, a) for code in b)


def other_active(data: Data, auth: Authorization) -> list[Authorization]:
    """The authorizations that must become inactive when ``auth`` is made active: the active
    ones of the same client and payer whose codes overlap its own (DESIGN.md: occupational
    therapy and speech from one Medicaid plan may both be active)."""
    if not auth.active:
        return []
    return [
        a
        for a in data.authorizations_for(auth.client, auth.payer)
        if a.active and a.id != auth.id and codes_overlap(all_codes(a), all_codes(auth))
    ]


def active_authorization(data: Data, client_id: int, payer_id: int) -> Authorization | None:
    for auth in data.authorizations_for(client_id, payer_id):
        if auth.active:
            return auth
    return None


# --- one story: which authorization stands for a client's payer on a day ------------------------
#
# Box 23, the notifications and the client list all tell the same story, by these rules:
#
# 1. The authorization *covering* the day (approved, the day within its dates, the code among its
#    codes) is the one a service counts against and whose number goes in box 23. An active one is
#    preferred (see :func:`covering_authorization`).
# 2. When only an *inactive* authorization covers the day, it still covers it (services count
#    against it, box 23 shows its number) but it is flagged as inactive everywhere: box 23 says
#    "inactive: make it active?", and the ``no_active_auth`` notification says the day is
#    "covered only by inactive authorization X — make it active?" rather than that nothing covers
#    it.
# 3. When nothing covers the day, box 23 is blank and the notification says when the last one
#    ended / the next one starts.
# 4. A client-list row speaks of ONE authorization of the primary payer (:func:`standing_
#    authorization`): the one covering today by rules 1–2, else the active one (ended or not yet
#    started); its number, its counts and its end date — never one's number with another's end.


def standing_authorization(
    data: Data, client_id: int, payer_id: int, day: dt.date
) -> Authorization | None:
    """The authorization that speaks for the client and payer on ``day`` (rule 4 above): what
    :func:`covering_authorization` finds, looked up among the client's own few authorizations
    (the client list's first paint builds no practice-wide index)."""
    auths = data.authorizations_for(client_id, payer_id)
    covering = [a for a in auths if covers(a, day)]
    if covering:
        return max(covering, key=preference)
    return next((a for a in auths if a.active), None)


# --- renewal ------------------------------------------------------------------------------------


def renewal(data: Data, auth: Authorization, today: dt.date) -> Authorization:
    """A new authorization request copied from ``auth`` with the dates moved on.

    Same client, payer, service lines (codes, counts and caps; nothing carried in); status
    requested today, no number yet, not active
    (it becomes active once approved), follow-up after the payer's usual turnaround.
    """
    if auth.start_date and auth.end_date:
        length = auth.end_date - auth.start_date
        start = auth.end_date + dt.timedelta(days=1)
        end: dt.date | None = start + length
    else:
        start, end = max(today, auth.end_date or today), None
    payer = data.payers.get(auth.payer)
    turnaround = payer.turnaround_days if payer else 14
    renewed = dataclasses.replace(
        auth,
        id=0,
        rev=0,
        updated_by="",
        updated_at="",
        auth_number="",
        start_date=start,
        end_date=end,
        active=False,
        confirmed_by="",
        confirmed_at="",
        confirmed_imported=False,
        carried_units_used=0,
        carried_visits_used=0,
        status=RequestStatus.REQUESTED,
        requested_on=today,
        payer_reference="",
        member_id="",  # the card in force when it is saved
        follow_up_on=today + dt.timedelta(days=min(turnaround, 7)),
        notes="",
        renewal_of=auth.id,
        procedure_codes=list(auth.procedure_codes),
    )
    if not auth.lines:
        return renewed
    fresh = [
        dataclasses.replace(line, carried_units_used=0, carried_visits_used=0)
        for line in lines_of(auth)
    ]
    return with_lines(renewed, fresh)
