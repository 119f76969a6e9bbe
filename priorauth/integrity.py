"""Facts about a whole data file that no single save may break, found in files written before
the rule existed (``doctor`` reports them): an authorization number saved twice for one payer."""

from __future__ import annotations

from priorauth.data import Data
from priorauth.model import Authorization


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


__all__ = ["describe_duplicates", "duplicate_numbers"]
