"""Carrying a snapshot's service look-ups over to the next one, when only a few records changed.

Every look-up here is :mod:`priorauth.data`'s or :mod:`priorauth.rules`' own (the services by
authorization, the covering candidates, the services and authorizations by client), brought up to
date for the records that changed instead of worked out again for 200,000 services: the same
values a fresh snapshot works out (tests/unit/test_live.py).
"""

from __future__ import annotations

from collections import defaultdict

from priorauth import rules
from priorauth.data import Data
from priorauth.model import RequestStatus, Service


def carry_over(
    before: Data, after: Data, auth_ids: set[int], service_ids: set[int]
) -> set[int] | None:
    """Give ``after`` the service look-ups of ``before`` brought up to date, where ``after``
    differs from ``before`` only in the authorizations ``auth_ids`` and the services
    ``service_ids`` (added, changed or removed): the services of the (client, payer) pairs those
    authorizations are of, those counting against them, and the changed ones are assigned again;
    every other service stays where it was. Returns the clients whose usage may differ: those of
    the changed records and of every authorization whose services changed (None: ``before`` had
    no look-ups to carry, so nothing was given)."""
    assigned = before.derived.get(rules.ASSIGNED)
    candidates = before.derived.get(rules.CANDIDATES)
    if assigned is None or candidates is None:
        return None
    by_client, auths_by_client = before.services_by_client, before.auths_by_client
    olds = [before.authorizations.get(i) for i in auth_ids]
    news = [after.authorizations.get(i) for i in auth_ids]
    # the clients' authorizations (in id order, as Data builds them)
    clients = {a.client for a in (*olds, *news) if a is not None}
    auths_index = defaultdict(list, auths_by_client)
    for client in clients:
        kept = [a for a in auths_by_client.get(client, ()) if a.id not in auth_ids]
        kept += [a for a in news if a is not None and a.client == client]
        kept.sort(key=lambda a: a.id)
        if kept:
            auths_index[client] = kept
        else:
            auths_index.pop(client, None)
    after.__dict__["auths_by_client"] = auths_index
    # the covering candidates of the pairs those authorizations are of
    pairs = {(a.client, a.payer) for a in (*olds, *news) if a is not None}
    index = defaultdict(list, candidates)
    for client, payer in pairs:
        found = [
            a
            for a in auths_index.get(client, ())
            if a.payer == payer and a.status == RequestStatus.APPROVED and a.start_date is not None
        ]
        found.sort(key=rules.preference, reverse=True)
        if found:
            index[(client, payer)] = found
        else:
            index.pop((client, payer), None)
    after.derived[rules.CANDIDATES] = index
    # the services each client has (in date order)
    old_services = {i: before.services.get(i) for i in service_ids}
    new_services = {i: after.services.get(i) for i in service_ids}
    services_index = defaultdict(list, by_client)
    touched = {s.client for s in (*old_services.values(), *new_services.values()) if s}
    for client in touched:
        kept = [s for s in by_client.get(client, ()) if s.id not in service_ids]
        kept += [s for s in new_services.values() if s is not None and s.client == client]
        kept.sort(key=rules.by_date)
        if kept:
            services_index[client] = kept
        else:
            services_index.pop(client, None)
    after.__dict__["services_by_client"] = services_index
    # every service that may count against another authorization now
    again: dict[int, tuple[Service | None, Service | None]] = {
        i: (old_services[i], new_services[i]) for i in service_ids
    }
    for client, payer in pairs:
        for service in services_index.get(client, ()):
            if service.payer == payer and service.id not in again:
                again[service.id] = (before.services.get(service.id), service)
    for auth_id in auth_ids:
        for service in assigned.get(auth_id, ()):
            if service.id not in again:
                again[service.id] = (service, after.services.get(service.id))
    removed: dict[int | None, set[int]] = defaultdict(set)
    added: dict[int | None, list[Service]] = defaultdict(list)
    for old, new in again.values():
        if old is not None and old.counts:
            auth = rules.assigned_authorization(before, old)
            removed[auth.id if auth else None].add(old.id)
        if new is not None and new.counts:
            auth = rules.assigned_authorization(after, new)
            added[auth.id if auth else None].append(new)
    result = defaultdict(list, assigned)
    changed: set[int] = set()
    for key in removed.keys() | added.keys():
        gone = removed.get(key, set())
        services = [s for s in assigned.get(key, ()) if s.id not in gone]
        services += added.get(key, [])
        services.sort(key=rules.by_date)
        if key is not None and services != assigned.get(key, []):
            changed.add(key)
        if services:
            result[key] = services
        else:
            result.pop(key, None)
    after.derived[rules.ASSIGNED] = result
    clients |= touched
    clients.update(s.client for pair in again.values() for s in pair if s is not None)
    for auth_id in changed:
        for auth in (before.authorizations.get(auth_id), after.authorizations.get(auth_id)):
            if auth is not None:
                clients.add(auth.client)
    return clients
