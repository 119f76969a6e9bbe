"""Services named in words where codes go: ``Service Type`` = Personal Care, Respite, Skilled
Nursing (home care), or a codes column holding such a name.

A name is kept as the authorization's procedure group (``Authorization.group``); the planning
finds the practice's group of that name, or creates one whose codes are filled in later
(:mod:`sync.planning.service_groups`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sync.parsing import cells
from sync.recognising.columns import Col
from sync.recognising.headers import words

if TYPE_CHECKING:  # (the table is logsheet's, which imports this module)
    from sync.parsing.logsheet import LogTable

# letters, spaces and a little punctuation; at least two letters ("OT", "Respite"), no digits
# (a code typed wrong, "9O837", stays an error)
_NAME = re.compile(r"[A-Za-z][A-Za-z '&/().+-]{1,79}")
_CODE_LIKE = re.compile(r"^\s*(?:\d{4}|[A-Za-z]\d{4})")  # starts like a code: 9083x, T1019


class ServiceName(str):
    """A service named in words in a codes cell."""

    __slots__ = ()


def service_name(value: Any) -> str | None:
    """``value`` as a service's name ("Personal Care"), or None when it is not one."""
    if type(value) is not str:
        return None
    s = " ".join(cells.text(value).split())
    if not _NAME.fullmatch(s) or sum(c.isalpha() for c in s) < 2 or "," in s or ";" in s:
        return None
    return s


def group_name(value: Any) -> str | None:
    """A group (service) column's cell: the name as written, blank (and "n/a") None."""
    s = " ".join(cells.text(value).split())
    return None if s.lower() in cells.BLANK_WORDS else s


def names_allowed(table: LogTable) -> bool:
    """Whether the codes column may name services in words: its heading says service or
    procedure, not code ("CPT", "HCPCS", "Code": a word there is a mistake, refused)."""
    return "code" not in words(table.column_name(Col.CODES))


def codes_or_name(value: Any) -> list[str] | ServiceName:
    """A codes cell: its procedure codes, or the service it names in words."""
    try:
        return cells.codes(value)
    except cells.CellError:
        name = service_name(value)
        if name is None:
            raise
        return ServiceName(name)


def split_names(table: LogTable) -> None:
    """Services named in a codes column join the group column (created when the log has none);
    their rows have no codes of their own. Codes in a service column ("Service Type" = T1019)
    are the row's codes where it has none of its own."""
    values = table.values
    codes = values.get(Col.CODES)
    named = codes is not None and ServiceName in set(map(type, codes))
    if not named and Col.GROUP not in values:
        return
    n = len(table.rows)
    groups = values[Col.GROUP] = list(values.get(Col.GROUP) or [None] * n)
    mine: list[Any] | None = None  # the codes column, copied once it changes
    if named:
        mine = values[Col.CODES] = list(codes)  # type: ignore[arg-type]
        for i, v in enumerate(mine):
            if type(v) is ServiceName:
                mine[i] = None
                if not groups[i]:
                    groups[i] = str(v)
    for i, g in enumerate(groups):
        if g and (codes is None or not codes[i]) and _CODE_LIKE.match(g):
            try:
                found = cells.codes(g)
            except cells.CellError:
                continue
            if mine is None:  # (only now: a log without codes leaves an authorization's own)
                mine = values[Col.CODES] = list(codes) if codes is not None else [None] * n
            mine[i], groups[i] = found, None
