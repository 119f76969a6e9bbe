"""One tab per month: ``--sheet all`` reads every log tab of a workbook, oldest to newest, and
merges them into one table where an authorization on several tabs is its newest row (the latest
tab's counts win); an appointment list's tabs likewise (:func:`merge_lists`: an appointment on
several tabs is its newest row, its status as the latest tab says).

Tabs are put in time order by the month their names give ("Jan 2026", "2026-02", "March 26");
when some name gives none, in the workbook's order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from priorauth.grammar import MONTHS
from sync.parsing.logsheet import LogTable
from sync.recognising.appointments import Appointment, AppointmentList
from sync.recognising.columns import Col

_NAMED = re.compile(r"\b([a-z]{3,9})\.?[\s_\-']*(\d{4}|\d{2})?\b")
_NUMERIC = re.compile(r"\b(\d{4})[\s_\-./](\d{1,2})\b|\b(\d{1,2})[\s_\-./](\d{4})\b")


def tab_month(name: str) -> tuple[int, int] | None:
    """(year, month) a tab's name gives ("Jan 2026" -> (2026, 1), "2026-02" -> (2026, 2));
    a month without a year is year 0; None when the name gives no month."""
    s = name.strip().lower()
    m = _NUMERIC.search(s)
    if m:
        year, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if 1 <= int(month) <= 12:
            return int(year), int(month)
    for m in _NAMED.finditer(s):
        if m.group(1) in MONTHS:
            y = m.group(2)
            year = 0 if y is None else int(y) if len(y) == 4 else 2000 + int(y)
            return year, MONTHS[m.group(1)]
    return None


def in_time_order(names: Sequence[str]) -> list[str]:
    """``names`` oldest first: by the month each gives, else as they are."""
    months = [tab_month(n) for n in names]
    if any(m is None for m in months):
        return list(names)
    order = sorted(range(len(names)), key=lambda i: (months[i], i))
    return [names[i] for i in order]


def _key(values: dict[Col, list[Any]], i: int) -> tuple[Any, ...]:
    def get(col: Col) -> Any:
        column = values.get(col)
        return column[i] if column is not None else None

    client = get(Col.CLIENT_ID) or (
        str(get(Col.NAME) or f"{get(Col.LAST) or ''}, {get(Col.FIRST) or ''}").casefold(),
        get(Col.DOB),
    )
    payer = str(get(Col.PAYER) or "").casefold()
    number = str(get(Col.AUTH_NUMBER) or "").casefold()
    if number:
        return (client, payer, number)
    return (client, payer, tuple(get(Col.CODES) or ()), get(Col.START))


def merge_tables(tables: list[LogTable]) -> LogTable:
    """One table of the rows of ``tables`` (oldest first), each authorization once: its row on
    the newest tab that has it. Errors of rows a newer tab replaces are dropped with them."""
    newest = tables[-1]
    merged = LogTable(", ".join(t.sheet for t in tables), newest.header, newest.first_col)
    cols = list(dict.fromkeys(c for t in tables for c in t.values))
    values: dict[Col, list[Any]] = {c: [] for c in cols}
    origin: list[tuple[int, int]] = []
    for p, t in enumerate(tables):
        n = len(t.rows)
        for c in cols:
            values[c].extend(t.values.get(c) or [None] * n)
        origin.extend((p, i) for i in range(n))
    last: dict[tuple[Any, ...], int] = {}
    for k in range(len(origin)):
        last[_key(values, k)] = k
    keep = sorted(last.values())
    merged.values = {c: [v[k] for k in keep] for c, v in values.items()}
    merged.parts = tables
    merged.origin = [origin[k] for k in keep]
    merged.rows = [tables[p].rows[i] for p, i in merged.origin]
    kept = {(p, tables[p].rows[i]) for p, i in merged.origin}
    sheet_of = {t.sheet: p for p, t in enumerate(tables)}
    for t in tables:
        merged.errors += [e for e in t.errors if not e.row or (sheet_of[e.sheet], e.row) in kept]
        merged.warnings += t.warnings
    at = {o: n for n, o in enumerate(merged.origin)}
    for p, t in enumerate(tables):
        merged.bad |= {at[(p, i)] for i in t.bad if (p, i) in at}
        merged.requested.update({at[(p, i)]: s for i, s in t.requested.items() if (p, i) in at})
        merged.pending |= {at[(p, i)] for i in t.pending if (p, i) in at}
    merged.report = newest.report
    return merged


def merge_lists(lists: list[AppointmentList]) -> AppointmentList:
    """One appointment list of the tabs ``lists`` (oldest first), each appointment once: its row
    on the newest tab that has it (found by appointment id, else by client, date, time and
    code). Rows repeated within one tab are kept, for the import to report as it does for one
    tab. Each appointment is told its tab, for the errors and warnings that name its row."""
    newest = lists[-1]
    merged = AppointmentList(", ".join(t.sheet for t in lists), newest.header, newest.first_col)
    merged.parts = lists
    tab_of: dict[tuple[Any, ...], int] = {}
    for p, t in enumerate(lists):
        for a in t.appointments:
            tab_of[_appointment_key(a)] = p
    for p, t in enumerate(lists):
        for a in t.appointments:
            if tab_of[_appointment_key(a)] == p:
                a.sheet = t.sheet
                merged.appointments.append(a)
        merged.errors += t.errors
        merged.warnings += t.warnings
        merged.blank_rows += t.blank_rows
    return merged


def _appointment_key(a: Appointment) -> tuple[Any, ...]:
    if a.appointment_id:
        return (a.appointment_id,)
    who = a.client_id.casefold() or (a.last.casefold(), a.first.casefold(), a.dob)
    return (who, a.date, a.time, a.code)
