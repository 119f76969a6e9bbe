"""Two payers on one row (:mod:`sync.recognising.payer_slots`): the row read as one row per
payer, before the cells are parsed.

Each payer named on a row is a coverage of the client at its priority, with its own member id.
A payer with an auth number or a count of its own (``Primary Auth #``, ``Secondary Visits
Auth``) has an authorization of its own: the row's shared codes, dates and used counts with its
own number, counts and member id. A payer with neither is a coverage only: its row keeps the
client and the insurance and nothing about an authorization, so that nothing numberless is
invented for it (Medicare primary without an auth beside a Medicaid secondary with one); a row
where no payer has a number or count, but that has codes or dates, says so in a warning. On a
sheet whose payers have no numbers or counts of their own (``Primary Ins``, ``Secondary Ins``,
one ``Auth #``), the row's authorization is the first payer's, as on a log of one payer a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sync.parsing import cells
from sync.recognising.columns import Col
from sync.recognising.headers import Header
from sync.recognising.payer_slots import AUTHORIZING

if TYPE_CHECKING:
    from sync.parsing.logsheet import LogTable

# what a payer's row keeps when it is a coverage only: the client and the insurance
_COVERAGE_ONLY = frozenset(
    {Col.CLIENT_ID, Col.NAME, Col.FIRST, Col.LAST, Col.DOB, Col.CLINICIAN}
    | {Col.PAYER, Col.MEMBER_ID, Col.PRIORITY}
)


def _filled(value: Any) -> bool:
    return value != "" and not cells.is_blank(value)


def expand(
    table: LogTable, kept: dict[int, Sequence[Any]]
) -> tuple[dict[Col, Sequence[Any]], list[int] | None]:
    """The raw values by field of ``table``'s data rows, whose raw columns are ``kept`` (column
    index -> values), and the data row each comes from (None when the sheet has one payer a row,
    and then nothing changes). With several payers a row, ``table.rows`` and ``table.slot``
    become those of the payers' rows."""
    header = table.header
    where = header.columns
    slots = header.slots
    if not slots:
        return {c: kept[j] for c, j in where.items()}, None
    own = {c for s in slots for c in s.columns}
    shared = {c: kept[j] for c, j in where.items() if c not in own}
    mine = [{c: kept[j] for c, j in s.columns.items()} for s in slots]
    # payers with auth numbers or counts of their own: a row where none has them is a row of
    # coverages (its shared codes and dates are nobody's); else the first payer's
    own_numbers = any(c in cols for cols in mine for c in AUTHORIZING)
    auth_data = [c for c in shared if c not in _COVERAGE_ONLY]
    picks: list[tuple[int, int, bool]] = []  # (row, slot, with the row's authorization)
    for k in range(len(table.rows)):
        present = [s for s, cols in enumerate(mine) if any(_filled(v[k]) for v in cols.values())]
        authorizing = [
            s for s in present if any(c in mine[s] and _filled(mine[s][c][k]) for c in AUTHORIZING)
        ]
        if not present:
            present = [0]
        if not authorizing and not own_numbers:
            authorizing = present[:1]
        elif not authorizing and any(_filled(shared[c][k]) for c in auth_data):
            table.warnings.append(
                f'Sheet "{table.sheet}", row {table.rows[k]}: no payer on the row has an auth '
                "number or a count of its own, so its codes and dates were not imported as an "
                "authorization (each payer is kept as the client's insurance); give the payer "
                "that authorized them its number or count."
            )
        picks += [(k, s, s in authorizing) for s in present]
    out: dict[Col, Sequence[Any]] = {}
    for c, values in shared.items():
        if c in _COVERAGE_ONLY:
            out[c] = [values[k] for k, _, _ in picks]
        else:
            out[c] = [values[k] if full else "" for k, _, full in picks]
    for c in own:
        keep = c in _COVERAGE_ONLY
        out[c] = [mine[s][c][k] if c in mine[s] and (full or keep) else "" for k, s, full in picks]
    out[Col.PRIORITY] = [slots[s].priority.value for _, s, _ in picks]
    table.rows = [table.rows[k] for k, _, _ in picks]
    table.slot = [s for _, s, _ in picks]
    return out, [k for k, _, _ in picks]


def follower_columns(header: Header) -> list[int]:
    """The payers' own insurance columns beyond the first payer's: filled down with the client
    as the first payer's are."""
    return [
        j for s in header.slots[1:] for c, j in s.columns.items() if c in (Col.PAYER, Col.MEMBER_ID)
    ]
