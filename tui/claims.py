"""Which authorizations a day's claim needs: the TUI's own small reading of the rules until
:mod:`priorauth.rules` says it itself (box 23 holds one number per claim, so services of one day
covered by different authorizations of one payer go on separate claims).

Presentation only: each number comes from :func:`priorauth.rules.covering_authorization`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from priorauth import rules
from priorauth.data import Data
from priorauth.model import Authorization, Client


@dataclass(frozen=True)
class ClaimPart:
    """The codes of the day that one authorization covers."""

    authorization: Authorization
    codes: tuple[str, ...]

    @property
    def number(self) -> str:
        return self.authorization.auth_number or "(no number)"


def codes_of_the_day(
    data: Data, client: Client, day: dt.date, code: str | None = None
) -> list[str]:
    """The codes of the client's counting services on ``day``, each once, then ``code``."""
    services = data.services_by_client.get(client.id, ())
    codes = [s.procedure_code for s in services if s.date == day and s.counts and s.procedure_code]
    if code:
        codes.append(code)
    return list(dict.fromkeys(codes))


def claim_split(
    data: Data, client: Client, payer_id: int, day: dt.date, codes: list[str]
) -> list[ClaimPart]:
    """The parts the claim to ``payer_id`` for ``day`` must be split into: one per authorization
    covering some of ``codes`` — a single part (or none) means no split. Codes no authorization
    covers are left out (box 23 says they are not covered)."""
    parts: dict[int, tuple[Authorization, list[str]]] = {}
    for code in codes:
        auth = rules.covering_authorization(data, client.id, payer_id, day, code)
        if auth is not None:
            parts.setdefault(auth.id, (auth, []))[1].append(code)
    return [ClaimPart(auth, tuple(found)) for auth, found in parts.values()]


def split_sentence(parts: list[ClaimPart]) -> str:
    """ "Split the claim: 92507 under SLP-100, 97530 under OT-200 (box 23 holds one number per
    claim)." — "" when one number serves the whole claim."""
    if len({p.authorization.auth_number for p in parts}) < 2:
        return ""
    said = ", ".join(f"{', '.join(p.codes)} under {p.number}" for p in parts)
    return f"Split the claim: {said} (box 23 holds one number per claim)."


def numbers_by_code(data: Data, client: Client, payer_id: int, day: dt.date) -> list[Authorization]:
    """The authorizations of ``payer_id`` covering ``day`` (by :func:`priorauth.rules.covers`),
    active first: more than one with different numbers means box 23 depends on the code."""
    found = [a for a in data.authorizations_for(client.id, payer_id) if rules.covers(a, day)]
    found.sort(key=lambda a: (not a.active, a.auth_number))
    return found
