"""Box 23 of a claim: the authorization number for a client's date of service, for the primary,
secondary and tertiary claim, each its own payer's number — and when a day's services need
different authorizations of one payer, that the claim must be split (box 23 holds one number).

Which authorization covers a service is :mod:`priorauth.rules`'s; this says what goes on claims.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from priorauth import coverage
from priorauth.data import Data
from priorauth.model import Authorization, Client, ClientInsurance, Priority
from priorauth.rules import covering_authorization, covers


@dataclass(frozen=True)
class ClaimPart:
    """The codes of a day's services that one authorization covers (a claim that must be split
    has one part per authorization)."""

    authorization: Authorization
    codes: tuple[str, ...]

    @property
    def value(self) -> str:
        return self.authorization.auth_number


@dataclass(frozen=True)
class Box23:
    """What goes in box 23 of the claim to one of the client's insurances for a date of service."""

    priority: Priority
    insurance: ClientInsurance
    authorization: Authorization | None
    note: str
    # when the day's services need different authorizations of this payer: one part each (box 23
    # holds one number, so the claim must be split); empty otherwise
    split: tuple[ClaimPart, ...] = ()

    @property
    def value(self) -> str:
        return self.authorization.auth_number if self.authorization else ""

    @property
    def inactive(self) -> bool:
        """Only an inactive authorization covers the day (rule 2): shown, but flagged."""
        return self.authorization is not None and not self.authorization.active

    @property
    def split_sentence(self) -> str:
        """ "Split the claim: 97530 under OT-200, 92507 under SLP-100 (box 23 holds one
        number)." — "" when one number serves the whole claim."""
        if not self.split:
            return ""
        parts = ", ".join(
            f"{', '.join(p.codes)} under {p.value or '(no number)'}" for p in self.split
        )
        return f"Split the claim: {parts} (box 23 holds one number per claim)."


def day_codes(data: Data, client: Client, day: dt.date) -> list[str]:
    """The procedure codes of the client's services on ``day`` that count, in the order
    recorded, each once."""
    services = data.services_by_client.get(client.id, ())
    return list(
        dict.fromkeys(
            s.procedure_code for s in services if s.date == day and s.counts and s.procedure_code
        )
    )


def claim_parts(
    data: Data, client: Client, payer_id: int, day: dt.date, codes: list[str]
) -> list[ClaimPart]:
    """The authorizations of ``payer_id`` covering ``codes`` on ``day``, one part each (codes no
    authorization covers are left out: they are reported as uncovered)."""
    by_auth: dict[int, tuple[Authorization, list[str]]] = {}
    for code in codes:
        auth = covering_authorization(data, client.id, payer_id, day, code)
        if auth is not None:
            by_auth.setdefault(auth.id, (auth, []))[1].append(code)
    return [ClaimPart(auth, tuple(found)) for auth, found in by_auth.values()]


def covering_on_day(data: Data, client: Client, payer_id: int, day: dt.date) -> list[Authorization]:
    """The authorizations of ``payer_id`` that can cover a service on ``day`` (any code), active
    first: more than one with different numbers means box 23 depends on the code."""
    found = [a for a in data.authorizations_for(client.id, payer_id) if covers(a, day)]
    found.sort(key=lambda a: (not a.active, a.auth_number))
    return found


def box23(
    data: Data, client: Client, day: dt.date, code: str | None = None
) -> dict[Priority, Box23]:
    """Box 23 for the primary and the secondary (and tertiary) claim on ``day``.

    Authorization numbers are payer-specific, so each claim gets the number of the authorization
    for *its* payer — never the primary's number copied onto the secondary claim. The number is
    the one covering ``code``; without a code, the one covering the day's services. When the
    day's services (with ``code``) need different authorizations of a payer, its claim must be
    split (``Box23.split``).
    """
    result: dict[Priority, Box23] = {}
    codes = day_codes(data, client, day)
    if code and code not in codes:
        codes.append(code)
    for ins in coverage.coverages_in_force(client, day):
        if ins.priority in result:
            continue
        payer = data.payer_name(ins.payer_id)
        parts = claim_parts(data, client, ins.payer_id, day, codes) if codes else []
        if code is None and len(parts) == 1:
            auth: Authorization | None = parts[0].authorization
        else:
            auth = covering_authorization(data, client.id, ins.payer_id, day, code)
        if auth is None:
            note = (
                f"no authorization from {payer} covers {f'{code} on ' if code else ''}"
                f"{day:%m/%d/%Y}"
                if ins.prior_auth_required
                else f"{payer} does not require prior authorization: leave box 23 blank"
            )
        elif not auth.auth_number:
            note = f"the {payer} authorization has no number: leave box 23 blank"
        else:
            note = f"{payer} authorization {auth.auth_number}"
        if auth is not None and not auth.active:
            note += " (inactive: make it active?)"
        # (two parts with one number, both blank say, put the same in box 23: no split)
        split = tuple(parts) if len({p.value for p in parts}) > 1 else ()
        if split:
            note += "; the claim must be split"
        result[ins.priority] = Box23(ins.priority, ins, auth, note, split)
    return result
