"""Read an appointment list as schedulers and EHRs export it (one row per appointment).

Columns are recognised by their words (the authorization import's
:func:`sync.recognising.headers.words`, with this module's own table of fields): the client by id,
or by name (one column, or first and last) with date of birth; the date of service (a date, or a
date and time), a separate time, the procedure code, units or a duration in minutes, the provider,
the status and the appointment id, and optionally the payer. Cells are read with
:mod:`sync.parsing.cells` and :mod:`sync.parsing.dates`.

**Date order:** text dates (the date of service, the date of birth) are read per column as the
authorization import reads them (:mod:`sync.parsing.dateorder`): in the order the column's own
dates show, else the order the other date column shows, else the practice's order (a setting, or
``--date-order``); a date only the other order reads, in a column that shows its order, is an
error naming the cell.

**Minutes to units** (when the list has no units column): 15-minute units by the CMS 8-minute
rule (:mod:`sync.parsing.appointment_cells`); under 8 minutes bills no unit and the row is an error.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from priorauth.grammar import DateOrder
from priorauth.model import ServiceStatus
from sync.parsing import cells, dateorder, dates
from sync.parsing.appointment_cells import (
    MIN_MINUTES,
    minutes,
    service_date,
    status,
    time_of,
    units_from_minutes,
)
from sync.parsing.colparse import one_order
from sync.parsing.logsheet import RowError
from sync.reading.workbook import RawSheet
from sync.recognising.appointment_rows import data_rows
from sync.recognising.columns import column_letter
from sync.recognising.headers import HEADER_SEARCH_ROWS, words


class A(enum.StrEnum):
    """A field of an appointment list row."""

    CLIENT_ID = "client id"
    NAME = "client name"
    FIRST = "first name"
    LAST = "last name"
    DOB = "date of birth"
    DATE = "date of service"
    TIME = "time"
    CODE = "procedure code"
    UNITS = "units"
    MINUTES = "duration"
    PROVIDER = "provider"
    STATUS = "status"
    APPOINTMENT_ID = "appointment id"
    PAYER = "payer"


# extra word normalisation for schedulers' headers, on top of sync.recognising.headers.words
_SYNONYMS = {
    "appt": "appointment",
    "appointments": "appointment",
    "visit": "appointment",
    "session": "appointment",
    "encounter": "appointment",
    "event": "appointment",
    "patient": "client",
    "learner": "client",
    "dos": "service date",
    "cpt": "code",
    "hcpcs": "code",
    "mins": "minutes",
    "minute": "minutes",
    "min": "minutes",
    "length": "duration",
    "unit": "units",
    "dob": "birth",
    "fname": "first",
    "lname": "last",
    "surname": "last",
    "therapist": "provider",
    "clinician": "provider",
    "rendering": "provider",
    "practitioner": "provider",
    "staff": "provider",
    "attendance": "status",
    "mrn": "chart",
    "funding": "payer",
    "insurance": "payer",
}

# (field, words needed, words forbidden); first match wins, specific rules first
_RULES: list[tuple[A, frozenset[str], frozenset[str]]] = [
    (A.DOB, frozenset({"birth"}), frozenset()),
    (A.APPOINTMENT_ID, frozenset({"appointment", "id"}), frozenset()),
    (A.APPOINTMENT_ID, frozenset({"appointment", "number"}), frozenset({"units"})),
    (A.CLIENT_ID, frozenset({"client", "id"}), frozenset()),
    (A.CLIENT_ID, frozenset({"client", "number"}), frozenset()),
    (A.CLIENT_ID, frozenset({"chart"}), frozenset()),
    (A.CLIENT_ID, frozenset({"account"}), frozenset()),
    (A.FIRST, frozenset({"first"}), frozenset({"date", "appointment"})),
    (A.LAST, frozenset({"last"}), frozenset({"date", "appointment", "modified"})),
    (A.STATUS, frozenset({"status"}), frozenset()),
    (A.MINUTES, frozenset({"minutes"}), frozenset()),
    (A.MINUTES, frozenset({"duration"}), frozenset()),
    (A.UNITS, frozenset({"units"}), frozenset({"authorization", "authorized", "remaining"})),
    (A.CODE, frozenset({"code"}), frozenset({"zip", "diagnosis", "icd", "place"})),
    (A.CODE, frozenset({"procedure"}), frozenset()),
    (A.PROVIDER, frozenset({"provider"}), frozenset({"id"})),
    (A.PAYER, frozenset({"payer"}), frozenset({"id"})),
    (A.TIME, frozenset({"time"}), frozenset({"end", "stamp", "updated", "created"})),
    (A.DATE, frozenset({"service", "date"}), frozenset()),
    (A.DATE, frozenset({"appointment", "date"}), frozenset()),
    (A.DATE, frozenset({"date"}), frozenset({"end", "created", "updated", "modified"})),
    (A.DATE, frozenset({"start"}), frozenset({"end"})),
    (A.DATE, frozenset({"when"}), frozenset()),
    (A.NAME, frozenset({"client"}), frozenset({"id"})),
    (A.NAME, frozenset({"name"}), frozenset({"provider", "payer", "service"})),
    (A.CLIENT_ID, frozenset({"id"}), frozenset()),
]

_CLIENT_COLS = frozenset({A.CLIENT_ID, A.NAME, A.LAST})


def recognise(text: str) -> A | None:
    """The field an appointment-list header names, or None."""
    ws: set[str] = set()
    for word in words(text):
        ws.update(_SYNONYMS.get(word, word).split())
    if not ws:
        return None
    for col, needs, forbids in _RULES:
        if needs <= ws and not (forbids & ws):
            return col
    return None


@dataclass
class ListHeader:
    index: int
    columns: dict[A, int]
    names: dict[int, str]
    ignored: list[str] = field(default_factory=list)


def read_header(row: list[Any], index: int) -> ListHeader:
    columns: dict[A, int] = {}
    names: dict[int, str] = {}
    ignored: list[str] = []
    for j, value in enumerate(row):
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            continue
        names[j] = text
        col = recognise(text)
        if col is None or col in columns:
            ignored.append(text)
        else:
            columns[col] = j
    return ListHeader(index, columns, names, ignored)


def find_header(rows: list[list[Any]]) -> ListHeader | None:
    """The header row among the first rows: the one naming the client and the date of service
    with the most recognised columns (at least three)."""
    best: ListHeader | None = None
    for i in range(min(len(rows), HEADER_SEARCH_ROWS)):
        if sum(1 for v in rows[i] if isinstance(v, str) and v.strip()) < 3:
            continue
        header = read_header(rows[i], i)
        cols = header.columns
        if len(cols) < 3 or A.DATE not in cols or not (cols.keys() & _CLIENT_COLS):
            continue
        if best is None or len(cols) > len(best.columns):
            best = header
    return best


# --- rows ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Appointment:
    """One readable row of the list."""

    row: int  # the spreadsheet's row number
    client_id: str
    first: str
    last: str
    dob: dt.date | None
    date: dt.date
    time: str
    code: str
    units: int
    provider: str
    status: ServiceStatus | None  # None: not given (kept when past, scheduled when future)
    appointment_id: str
    payer: str
    sheet: str = ""  # the tab it is on, when several tabs were merged (``--sheet all``)


@dataclass
class AppointmentList:
    sheet: str
    header: ListHeader
    first_col: int
    appointments: list[Appointment] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank_rows: int = 0
    parts: list[AppointmentList] = field(default_factory=list)  # the tabs merged, oldest first

    def client_column(self, by_id: bool) -> A:
        """The column that names a row's client: its id (``by_id``), else its name, which is the
        last-name column in a list that has first and last names apart."""
        if by_id:
            return A.CLIENT_ID
        return A.NAME if A.NAME in self.header.columns else A.LAST

    def column_name(self, col: A | None) -> str:
        if col is None:
            return ""
        j = self.header.columns.get(col)
        return self.header.names.get(j, col.value) if j is not None else col.value

    def error(self, row: int, col: A | None, message: str, sheet: str = "") -> None:
        """An error on ``row`` (of tab ``sheet``, when tabs were merged), naming the cell."""
        if sheet and sheet != self.sheet:
            for part in self.parts:
                if part.sheet == sheet:  # (its own header says where the column is)
                    part.error(row, col, message)
                    self.errors.append(part.errors.pop())
                    return
        j = self.header.columns.get(col) if col is not None else None
        cell = f"{column_letter(self.first_col + j)}{row}" if j is not None else ""
        self.errors.append(RowError(self.sheet, row, self.column_name(col), message, cell))


def _cells_not_read(
    table: AppointmentList, raw: RawSheet, rows: list[tuple[int, list[Any]]], bad: set[int]
) -> None:
    """An error for each data row whose read column holds a cell calamine read as blank that
    is not (an error value, a formula never calculated): the row is not what the sheet shows."""
    at = {row: i for i, (row, _) in enumerate(rows)}
    by_index = {j: col for col, j in table.header.columns.items()}
    for row, col in sorted(raw.unread):
        i, used = at.get(row), by_index.get(col - raw.first_col)
        problem = raw.unread_problem(row, col)
        if i is not None and used is not None and problem is not None and i not in bad:
            table.error(row, used, problem)
            bad.add(i)


def _parsers(epoch_1904: bool, orders: dict[A, DateOrder]) -> dict[A, Any]:
    dob, day = orders.get(A.DOB, "mdy"), orders.get(A.DATE, "mdy")
    return {
        A.CLIENT_ID: cells.identifier,
        A.NAME: cells.split_name,
        A.FIRST: cells.text,
        A.LAST: cells.text,
        A.DOB: lambda v: dates.birth_date(v, epoch_1904, dob),
        A.DATE: lambda v: service_date(v, epoch_1904, day == "dmy"),
        A.TIME: time_of,
        A.CODE: cells.codes,
        A.UNITS: lambda v: cells.count(v, "units"),
        A.MINUTES: minutes,
        A.PROVIDER: cells.text,
        A.STATUS: status,
        A.APPOINTMENT_ID: cells.identifier,
        A.PAYER: cells.text,
    }


_DATED = (A.DATE, A.DOB)


def _date_orders(
    table: AppointmentList,
    rows: list[tuple[int, list[Any]]],
    order: DateOrder,
    reason: str,
) -> tuple[dict[A, DateOrder], dict[A, dateorder.Evidence]]:
    """Each date column's order; the evidence of those holding dates of both orders (whose
    minority is refused cell by cell). A column read in an order its dates do not show, with
    dates that read either way, is a warning."""
    cols = table.header.columns
    found = {
        col: dateorder.evidence([v[cols[col]] for _, v in rows]) for col in _DATED if col in cols
    }
    chosen = dateorder.choose(found, order, reason)  # type: ignore[arg-type]
    orders: dict[A, DateOrder] = {}
    mixed: dict[A, dateorder.Evidence] = {}
    for col, (col_order, col_reason) in chosen.items():
        e = found[col]  # type: ignore[index]
        orders[col] = col_order  # type: ignore[index]
        if e.mdy and e.dmy:
            mixed[col] = e  # type: ignore[index]
        line = dateorder.report(
            column_letter(table.first_col + cols[col]),  # type: ignore[index]
            table.column_name(col),  # type: ignore[arg-type]
            e,
            col_order,
            col_reason,
        )
        if line is not None and line.ambiguous and e.shown is None:
            table.warnings.append(line.sentence(table.sheet))
    return orders, mixed


def read_list(
    raw: RawSheet,
    header: ListHeader,
    *,
    epoch_1904: bool = False,
    date_order: DateOrder = "mdy",
    order_reason: str = "the practice's date order",
) -> AppointmentList:
    """Every data row under ``header``, parsed column by column (each distinct value once: a
    list repeats its dates, codes, statuses and clients by thousands); unreadable cells reported
    by row and column. Text dates are read per column (see the module's note), ``date_order``
    where a column shows none."""
    table = AppointmentList(raw.name, header, raw.first_col)
    cols = header.columns
    if not (cols.keys() & _CLIENT_COLS):
        table.error(0, None, "the list has no client column (a client id, or the client's name).")
        return table
    width = max(cols.values()) + 1
    rows = data_rows(raw, header, width)
    numbers = [r for r, _ in rows]
    bad: set[int] = set()
    parsed: dict[A, list[Any]] = {}
    orders, mixed = _date_orders(table, rows, date_order, order_reason)
    parsers = _parsers(epoch_1904, orders)
    # the columns of the rows (every row holds at least ``width`` values)
    by_column = list(zip(*(v for _, v in rows), strict=False)) if rows else [()] * width
    for col, j in cols.items():
        parse = parsers[col]
        if col in mixed:
            parse = one_order(parse, orders[col], mixed[col])
        values = by_column[j]  # (cell values are texts, numbers, dates: hashable)
        meaning: dict[Any, Any] = {}
        wrong: dict[Any, str] = {}
        if parse is cells.identifier:  # (ids: a column of distinct texts, read at C speed)
            meaning = cells.identifiers(set(values))
        else:
            for value in set(values):
                try:
                    meaning[value] = parse(value)
                except dates.CellError as e:
                    meaning[value], wrong[value] = None, str(e)
        if wrong:
            for i, value in enumerate(values):
                if value in wrong:
                    table.error(rows[i][0], col, wrong[value])
                    bad.add(i)
        parsed[col] = list(map(meaning.__getitem__, values))
    if raw.unread:
        _cells_not_read(table, raw, rows, bad)
    blank = [None] * len(rows)
    texts = [""] * len(rows)

    def column(col: A, default: list[Any]) -> list[Any]:
        return parsed.get(col, default)

    client_ids, names = column(A.CLIENT_ID, texts), column(A.NAME, blank)
    firsts, lasts = column(A.FIRST, texts), column(A.LAST, texts)
    dobs, days = column(A.DOB, blank), column(A.DATE, blank)
    times, codes = column(A.TIME, texts), column(A.CODE, blank)
    units, mins = column(A.UNITS, blank), column(A.MINUTES, blank)
    providers, states = column(A.PROVIDER, texts), column(A.STATUS, blank)
    appointment_ids, payers = column(A.APPOINTMENT_ID, texts), column(A.PAYER, texts)
    day_times = (
        [time_of(v) for _, v in ((r, vals[cols[A.DATE]]) for r, vals in rows)]
        if (A.TIME not in cols and A.DATE in cols)
        else None
    )
    columns = (names, lasts, firsts, client_ids, days, codes, units, mins, dobs, times)
    columns += (day_times or texts, providers, states, appointment_ids, payers)
    add = table.appointments.append
    for i, (
        row,
        name,
        last,
        first,
        client_id,
        day,
        code,
        count,
        minute,
        dob,
        time,
        day_time,
        provider,
        state,
        appointment_id,
        payer,
    ) in enumerate(zip(numbers, *columns, strict=True)):  # (a row's values, a column at a time)
        if i in bad:
            continue
        first_name, last_name = name or ("", "")
        last = last_name or last or ""
        first = first_name or first or ""
        client_id = client_id or ""
        if not client_id and not last:
            table.error(
                row,
                table.client_column(A.CLIENT_ID in cols),
                "the client is missing; give the client id or name.",
            )
            continue
        if day is None:
            table.error(row, A.DATE, "the date of service is missing.")
            continue
        code = code or []
        if len(code) > 1:
            table.error(row, A.CODE, "an appointment has one procedure code; list one per row.")
            continue
        if count is None and minute is not None:
            count = units_from_minutes(minute, code[0] if code else "")
            if count == 0:
                table.error(
                    row,
                    A.MINUTES,
                    f"{minute} minutes bills no unit (a 15-minute unit needs at least "
                    f"{MIN_MINUTES} minutes); fix the duration or give the units.",
                )
                continue
        elif count == 0:
            table.error(row, A.UNITS, "units must be at least 1.")
            continue
        add(
            Appointment(
                row,
                client_id,
                first,
                last,
                dob,
                day,
                time or day_time or "",
                code[0] if code else "",
                1 if count is None else count,
                provider or "",
                state,
                appointment_id or "",
                payer or "",
            )
        )
    return table
