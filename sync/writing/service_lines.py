"""The canonical workbook's Service Lines sheet, and a line's values for a practice's own row.

Every authorization has one row per service line (one row for the simple case of one line), in
the Authorizations sheet's order: its client, number, payer and start (what finds the
authorization again on import), the line's codes, units and visits authorized, used and
remaining, and its cap; then its procedure group and measure (units or hours). Counts come from
:func:`priorauth.usage.line_usages`, the one reader of lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from priorauth import rules, usage
from priorauth.data import Data
from priorauth.model import Authorization
from priorauth.usage import LineUsage
from sync.parsing.cells import describe_cap
from sync.recognising.columns import Col
from sync.writing.rows import sorted_authorizations

__all__ = ["line_values", "number", "service_line_rows"]


def number(value: float | None) -> float | int | None:
    """A count as a spreadsheet holds it: a whole number when it is one (hours keep fractions)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def service_line_rows(
    data: Data, today: dt.date, auths: list[Authorization] | None = None
) -> Iterator[list[Any]]:
    """Rows of the Service Lines sheet (its canonical columns, then the extra ones)."""
    payer_names = {p.id: p.name for p in data.payers.values()}
    by_auth = rules.services_by_authorization(data) if data.services else {}
    clients = data.clients
    for auth in sorted_authorizations(data) if auths is None else auths:
        client = clients.get(auth.client)
        for lu in usage.line_usages(auth, by_auth.get(auth.id, ()), today):
            yield _row(auth, client.client_id if client else "", payer_names, lu)


def _row(auth: Authorization, client_id: str, payer_names: dict[int, str], lu: LineUsage) -> list:
    line, use = lu.line, lu.usage
    return [
        client_id,
        auth.auth_number,
        payer_names.get(auth.payer, ""),
        auth.start_date,
        ", ".join(line.codes),
        number(use.units_authorized),
        number(use.units_used),
        number(use.units_remaining),
        use.visits_authorized,
        use.visits_used,
        use.visits_remaining,
        describe_cap(line.cap_amount, line.cap_period, line.cap_measure),  # type: ignore[arg-type]
        line.group,
        line.measure.value,
    ]


def line_values(lu: LineUsage) -> dict[Col, Any]:
    """What a practice's own row for one line holds where it differs from its authorization's
    row (its codes, counts and cap): write-back puts each line in its own row."""
    line, use = lu.line, lu.usage
    return {
        Col.CODES: ", ".join(line.codes),
        Col.UNITS_AUTH: number(use.units_authorized),
        Col.UNITS_USED: number(use.units_used),
        Col.UNITS_LEFT: number(use.units_remaining),
        Col.VISITS_AUTH: use.visits_authorized,
        Col.VISITS_USED: use.visits_used,
        Col.VISITS_LEFT: use.visits_remaining,
        Col.CAP: describe_cap(line.cap_amount, line.cap_period, line.cap_measure),  # type: ignore[arg-type]
    }
