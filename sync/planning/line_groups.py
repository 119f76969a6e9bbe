"""Which rows of a practice's log are one authorization's service lines, found before any row is
drafted: rows of one payer and number with the same client, dates, status and activity, whose
codes never overlap, are one authorization (:class:`LineGroups`, the first row its head). Rows of
one number that cannot be lines of one authorization (a code another row already holds, other
dates, another client) are refused on the later row, saying why, and never merged. What the
groups become is :mod:`sync.planning.lines`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from priorauth import rules, service_lines
from sync.planning.drafts import Columns
from sync.recognising.columns import Col

__all__ = ["LineGroups", "line_groups"]


@dataclass
class LineGroups:
    """Rows of a log read as one authorization's service lines: head index -> every index of the
    group (head first, in row order)."""

    heads: dict[int, list[int]] = field(default_factory=dict)
    members: set[int] = field(default_factory=set)  # the rows after the head
    # rows repeating a number that cannot be lines of its authorization: (column, why), to be
    # reported on the row when the rows are gone through (in row order with the other errors)
    refused: dict[int, tuple[Col, str]] = field(default_factory=dict)

    def described(self, table: Any) -> list[str]:
        """ "ABA-1: 3 rows read as one authorization with 3 service lines" for each group."""
        numbers = table.values.get(Col.AUTH_NUMBER) or []
        out = []
        for head, indices in self.heads.items():
            rows = ", ".join(str(table.rows[i]) for i in indices)
            out.append(
                f'Sheet "{table.sheet_at(head)}", rows {rows}: {numbers[head]}: {len(indices)} '
                f"rows read as one authorization with {len(indices)} service lines."
            )
        return out


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value else ""


# what must agree on every row of one authorization's lines: (column, words for a difference)
_SAME: tuple[tuple[Col, str], ...] = (
    (Col.CLIENT_ID, "another client"),
    (Col.NAME, "another client"),
    (Col.FIRST, "another client"),
    (Col.LAST, "another client"),
    (Col.DOB, "another date of birth"),
    (Col.MEMBER_ID, "another member ID"),
    (Col.START, "another start date"),
    (Col.END, "another end date"),
    (Col.PERIOD, "other dates"),
    (Col.STATUS, "another status"),
    (Col.ACTIVE, "another Active"),
)


def line_groups(table: Any, cols: Columns, canonical: bool = False) -> LineGroups:
    """The groups of rows of ``table`` that are one authorization's service lines (nothing for
    authtrack's own export, whose lines are on their own sheet). Rows of one number that cannot
    join its first row are in ``refused``, to be reported (and so never drafted)."""
    groups = LineGroups()
    numbers, payers, codes = cols.auth_number, cols.payer, cols.codes
    if canonical or numbers is None or codes is None:
        return groups
    if cols.numbers_apart():
        return groups  # (each number on one row, as in most logs: no row is another's line)
    folded = cols.folded_numbers()
    if folded is None:  # (a number not text: as folded here before, AttributeError)
        folded = [number.casefold() if number else "" for number in numbers]
    bad = table.bad
    # (a log names a few payers on thousands of rows: each folded once)
    if payers is not None:
        payer_keys = {payer: _norm(payer) for payer in set(payers)}
        keys = list(zip(map(payer_keys.__getitem__, payers), folded, strict=True))
    else:
        keys = [("", number) for number in folded]
    numbered_rows = [i for i, number in enumerate(folded) if number and i not in bad]
    # the rows of each (payer, number), in row order: a number's rows are mostly together, so
    # they are taken a run at a time (groupby, in C) rather than a row at a time
    by_key: dict[tuple[str, str], list[int]] = {}
    for key, run in groupby(numbered_rows, keys.__getitem__):
        found = by_key.get(key)
        if found is None:
            by_key[key] = list(run)
        else:
            found.extend(run)
    same = [(table.values[c], words) for c, words in _SAME if c in table.values]
    # each row's values of those columns, to see at once whether two rows agree on all of them
    agreed = list(zip(*(column for column, _ in same), strict=True)) if same else None
    base_of: dict[str, str] = {}  # a code -> its base code (a log lists a few dozen codes)
    for indices in by_key.values():
        if len(indices) < 2:
            continue
        head = indices[0]
        if _plainly_lines(indices, codes, agreed, base_of):  # (most groups)
            groups.heads[head] = indices
            groups.members.update(indices[1:])
            continue
        taken: list[tuple[int, list[str]]] = [(head, codes[head] or [])]
        held = _CodeSets(codes[head] or [])
        kept = [head]
        for i in indices[1:]:
            mine = codes[i] or []
            differ = same if agreed is None or agreed[head] != agreed[i] else []
            why = _why_not_a_line(differ, head, i, mine, taken, held, table)
            if why:
                groups.refused[i] = (
                    Col.AUTH_NUMBER if "code" not in why else Col.CODES,
                    f"authorization {numbers[i]} with this payer is already on row "
                    f"{table.rows[head]}, {why}; rows of one number are read as one "
                    "authorization's service lines only when the client, dates and status "
                    "agree and each row has codes of its own.",
                )
                continue
            taken.append((i, mine))
            held.add(mine)
            kept.append(i)
        if len(kept) > 1 and codes[head]:
            groups.heads[head] = kept
            groups.members.update(kept[1:])
    return groups


def _plainly_lines(
    indices: list[int],
    codes: list[Any],
    agreed: list[tuple[Any, ...]] | None,
    base_of: dict[str, str],
) -> bool:
    """Whether the rows ``indices`` of one number are plainly one authorization's lines, as
    the row-by-row check in :func:`line_groups` would find them: each row with codes, agreeing
    with the first on every column of ``_SAME``, and no two codes sharing a base code (codes
    that overlap share their base: then none overlaps another). Otherwise that check decides."""
    if agreed is not None:
        first = agreed[indices[0]]
        for i in indices:
            if agreed[i] != first:
                return False
    bases = []
    for i in indices:
        mine = codes[i]
        if not mine:
            return False
        for code in mine:
            base = base_of.get(code)
            if base is None:
                base = base_of[code] = code.split("-")[0]
            bases.append(base)
    return len(set(bases)) == len(bases)


class _CodeSets:
    """The codes of a group's rows as sets, so that whether a row's codes overlap them is a few
    set intersections (:func:`priorauth.rules.codes_overlap`'s rule: equal codes, or a code
    without a modifier and the same code with one)."""

    __slots__ = ("based", "exact", "plain")

    def __init__(self, codes: list[str]) -> None:
        self.exact: set[str] = set()
        self.plain: set[str] = set()
        self.based: set[str] = set()
        self.add(codes)

    def add(self, codes: list[str]) -> None:
        for c in codes:
            self.exact.add(c)
            self.based.add(c.split("-")[0])
            if "-" not in c:
                self.plain.add(c)

    def overlaps(self, codes: list[str]) -> bool:
        """Whether ``codes`` overlap these: the set intersections of ``_CodeSets(codes)`` with
        them (exact & exact, based & plain, plain & based), taken code by code (a row has one
        or two codes: no sets to build)."""
        exact, based, plain = self.exact, self.based, self.plain
        for c in codes:
            if c in exact or c.split("-")[0] in plain or ("-" not in c and c in based):
                return True
        return False


def _why_not_a_line(
    same: list[tuple[list[Any], str]],
    head: int,
    i: int,
    mine: list[str],
    taken: list[tuple[int, list[str]]],
    held: _CodeSets,
    table: Any,
) -> str:
    """Why row ``i`` cannot be a line of the authorization on row ``head`` ("" when it can);
    ``same``: the columns they must agree on (those that may differ)."""
    for column, words in same:
        if column[head] != column[i]:
            return f"with {words}"
    if not mine or not taken[0][1]:
        return "and a row without procedure codes cannot be one of several service lines"
    if not held.overlaps(mine):
        return ""
    for j, theirs in taken:
        if rules.codes_overlap(mine, theirs):
            shared = next((c for c in mine if service_lines.code_matches(c, theirs)), mine[0])
            return f"whose row {table.rows[j]} already holds code {shared}"
    return ""
