"""Facts about a whole data file that no single save may break, found in files written before
the rule existed (``doctor`` reports them): an authorization number saved twice for one payer."""

from __future__ import annotations

from priorauth import coverage
from priorauth.data import Data
from priorauth.model import Authorization, Client


def duplicate_numbers(data: Data) -> list[list[Authorization]]:
    """Groups of authorizations of one payer sharing a number (each group by id)."""
    return [auths for auths in data.auths_by_number.values() if len(auths) > 1]


def describe_duplicates(data: Data, auths: list[Authorization]) -> str:
    """One sentence naming the number, the payer and each authorization holding it."""

    def one(auth: Authorization) -> str:
        client = data.clients.get(auth.client)
        who = f"{client.name} ({client.client_id})" if client else f"client #{auth.client}"
        start = f"{auth.start_date:%m/%d/%Y}" if auth.start_date else "no start"
        end = f"{auth.end_date:%m/%d/%Y}" if auth.end_date else "open-ended"
        return f"{who} {start}–{end}"

    first = auths[0]
    return (
        f"{data.payer_name(first.payer)} authorization number {first.auth_number} is saved "
        f"{len(auths)} times: " + "; ".join(one(a) for a in auths) + "."
    )


def same_person(data: Data, client: Client) -> list[Client]:
    """Other clients with ``client``'s name and date of birth (case and spaces ignored): most
    likely the same person entered twice. Empty when the name or the date of birth is blank."""
    if client.dob is None or not (client.first_name.strip() or client.last_name.strip()):
        return []

    def key(c: Client) -> tuple[str, str]:
        return (" ".join(c.first_name.split()).casefold(), " ".join(c.last_name.split()).casefold())

    want = key(client)
    return [
        c
        for c in data.clients.values()
        if c.id != client.id and c.dob == client.dob and key(c) == want
    ]


def describe_client(data: Data, client: Client) -> str:
    """ "Lee, Ann (C1001, clinician jdoe, Aetna)": enough to tell who an existing client is."""
    ins = coverage.main_coverage(client, None)  # (None: any coverage on file, primary first)
    facts = [client.client_id or f"#{client.id}"]
    facts.append(f"clinician {client.clinician}" if client.clinician else "no clinician")
    facts.append(data.payer_name(ins.payer_id) if ins else "no insurance")
    return f"{client.name} ({', '.join(facts)})"


__all__ = [
    "describe_client",
    "describe_duplicates",
    "duplicate_numbers",
    "same_person",
]
