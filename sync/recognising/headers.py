"""Recognise a log's header row and what each of its columns holds.

Header texts are reduced to normalised words ("Auth #" -> {authorization, number}, "Exp. Date" ->
{end, date}, "Sessions Left" -> {visit, remaining}) and matched against rules that say which
words a field needs and which it must not have. No list of exact strings: "Approved Units",
"Units Approved", "# of Units Auth'd" and "Auth Units" all land on units authorized.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.recognising.columns import Col
from sync.recognising.header_words import words
from sync.recognising.payer_slots import PayerSlot, find_slots, slot_columns

HEADER_SEARCH_ROWS = 40  # the header row is looked for in the first rows of a sheet

_COUNT_WORDS = {"unit", "visit", "hour"}  # (hours are counted as units, in hours)


@dataclass(frozen=True)
class _Rule:
    col: Col
    needs: frozenset[str]
    forbids: frozenset[str] = frozenset()
    only: bool = False  # the header has no words beyond ``needs`` (and "number"/"date")


def _r(col: Col, needs: str, forbids: str = "", only: bool = False) -> _Rule:
    return _Rule(col, frozenset(needs.split()), frozenset(forbids.split()), only)


# First match wins, so the specific rules come before the general ones.
_RULES: list[_Rule] = [
    # a heading that says notes is notes, whatever else it names ("Notes to self", "Billing
    # notes", "Payer notes"): several such columns all join authtrack's notes
    _r(Col.NOTES, "note"),
    _r(Col.MEASURE, "measure"),
    _r(Col.GROUP, "procedure group", "number"),
    _r(Col.GROUP, "service group", "number"),
    _r(Col.GROUP, "authorization group", "number"),
    _r(Col.GROUP, "service type", "code"),
    _r(Col.GROUP, "service name", "code"),
    _r(Col.GROUP, "service description", "code"),
    _r(Col.CONFIRMED_BY, "confirmed by"),
    _r(Col.CONFIRMED_AT, "confirmed at"),
    _r(Col.CONFIRMED_AT, "confirmed on"),
    _r(Col.FOLLOW_UP, "follow"),
    _r(Col.REQUESTED_ON, "requested", "status"),
    _r(Col.CONFIRMED, "billing"),
    _r(Col.CAP, "cap"),
    _r(Col.CAP, "week"),
    _r(Col.CAP, "month"),
    _r(Col.UNITS_USED, "unit used"),
    _r(Col.VISITS_USED, "visit used"),
    _r(Col.UNITS_LEFT, "unit remaining"),
    _r(Col.VISITS_LEFT, "visit remaining"),
    _r(Col.UNITS_USED, "hour used"),
    _r(Col.UNITS_LEFT, "hour remaining"),
    _r(Col.VISITS_AUTH, "visit", "last next first date start end"),
    _r(Col.UNITS_AUTH, "unit", "date start end"),
    _r(Col.UNITS_AUTH, "hour", "date start end"),
    _r(Col.UNITS_USED, "used"),
    _r(Col.UNITS_LEFT, "remaining"),
    _r(Col.DOB, "birth"),
    _r(Col.PERIOD, "period"),
    _r(Col.START, "start", "requested"),
    _r(Col.END, "end"),
    _r(Col.FIRST, "first", "visit date"),
    _r(Col.LAST, "last name"),
    _r(Col.LAST, "last", only=True),
    _r(Col.CLIENT_ID, "client id"),
    _r(Col.CLIENT_ID, "client number"),
    _r(Col.CLIENT_ID, "chart"),
    _r(Col.CLIENT_ID, "account"),
    _r(Col.CLIENT_ID, "record number"),
    _r(Col.CLIENT_ID, "id", only=True),
    _r(Col.NAME, "client", "payer insurance clinician status"),
    _r(Col.NAME, "name", "payer insurance clinician member procedure code service"),
    _r(Col.MEMBER_ID, "member"),
    _r(Col.MEMBER_ID, "insurance id"),
    _r(Col.MEMBER_ID, "insurance number"),
    _r(Col.AUTH_NUMBER, "authorization number"),
    _r(Col.AUTH_NUMBER, "authorization id"),
    _r(Col.AUTH_NUMBER, "authorization code"),
    _r(Col.AUTH_NUMBER, "authorization", "status date", only=True),
    _r(Col.PRIORITY, "priority"),
    _r(Col.PRIORITY, "primary secondary"),
    _r(Col.PRIORITY, "coverage order"),
    _r(Col.PAYER_REF, "reference"),
    _r(Col.PAYER_REF, "call"),
    _r(Col.PAYER, "payer"),
    _r(Col.PAYER, "insurance"),
    _r(Col.CODES, "code"),
    _r(Col.CODES, "procedure"),
    _r(Col.CODES, "service", "date"),
    _r(Col.STATUS, "status", "client"),
    _r(Col.ACTIVE, "active"),
    _r(Col.CONFIRMED, "confirmed"),
    _r(Col.REMINDER, "reminder"),
    _r(Col.CLINICIAN, "clinician"),
    _r(Col.UNITS_AUTH, "authorized", only=True),
]
_FILLER = frozenset({"number", "date"})
# a column of phone numbers or addresses ("Payer Phone", "Therapist Email") is the practice's
# own: kept in its log as it is, never read as the payer or clinician it is about
_CONTACT = frozenset({"phone", "tel", "telephone", "fax", "email", "mail", "address", "website"})
_COUNTS = frozenset(
    {Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT, Col.VISITS_AUTH, Col.VISITS_USED}
    | {Col.VISITS_LEFT}
)
_BARE = frozenset({None, Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT, Col.AUTH_NUMBER})
# a count whose header names no measure ("Approved", "Used", "Left") is read as units, unless
# the sheet's other counts are all visits ("Sessions | Used")
_AS_VISITS = {
    Col.UNITS_AUTH: Col.VISITS_AUTH,
    Col.UNITS_USED: Col.VISITS_USED,
    Col.UNITS_LEFT: Col.VISITS_LEFT,
}


def recognise(text: str) -> Col | None:
    """The field a header text names, or None."""
    ws = words(text)
    if not ws:
        return None
    for rule in _RULES:
        if rule.needs <= ws and not (rule.forbids & ws):
            if rule.only and not (ws - rule.needs) <= _FILLER:
                continue
            return rule.col
    return None


@dataclass
class Header:
    """A recognised header row: where it is and which column holds which field."""

    index: int  # index in the sheet's rows
    columns: dict[Col, int]  # field -> column index in the rows
    names: dict[int, str]  # column index -> the header text as written
    ignored: list[str] = field(default_factory=list)  # header texts not understood
    duplicates: list[str] = field(default_factory=list)  # second columns for one field
    duplicate_columns: set[int] = field(default_factory=set)
    rows: list[int] = field(default_factory=list)  # indices of the heading rows (group rows too)
    groups: dict[int, str] = field(default_factory=dict)  # column -> the group label over it
    # further notes columns ("Notes to self"): column index -> heading; they join the notes
    extra_notes: dict[int, str] = field(default_factory=dict)
    # several payers on one row ("Primary Ins" ... "Secondary Ins" ...): each payer's own
    # columns, primary first; ``columns`` holds the first payer's (sync.recognising.payer_slots)
    slots: list[PayerSlot] = field(default_factory=list)
    # count columns whose heading says hours ("Total Hrs Auth", "Hrs Used", "Hrs/Wk")
    hours: set[Col] = field(default_factory=set)

    def heading(self, j: int) -> str:
        """Column ``j``'s heading as read: "Authorization / Number" under a group label."""
        name = self.names.get(j, "")
        group = self.groups.get(j)
        return f"{group} / {name}" if group and name else name

    @property
    def score(self) -> int:
        return len(self.columns)

    def has_client(self) -> bool:
        return bool(self.columns.keys() & {Col.NAME, Col.FIRST, Col.LAST, Col.CLIENT_ID})


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


_GROUP_WORDS = frozenset({"unit", "visit", "hour", "number", "authorization", "authorized"})
_GROUP_SPAN = 4  # a count group label covers at most this many columns
_BLOCK_SPAN = 6  # ...and a label in a row of group labels ("Authorization" over 4-6 columns)
# group labels over sub-headings, and the fields the sub-headings under each may name
_FILLER_GROUP = frozenset({"information", "info", "details", "detail", "demographics", "data"})
_BLOCKS: dict[frozenset[str], frozenset[Col]] = {
    frozenset({"client"}): frozenset({Col.CLIENT_ID, Col.NAME, Col.FIRST, Col.LAST, Col.DOB}),
    frozenset({"insurance"}): frozenset({Col.PAYER, Col.MEMBER_ID, Col.PRIORITY}),
    frozenset({"payer"}): frozenset({Col.PAYER, Col.MEMBER_ID, Col.PRIORITY}),
    frozenset({"insurance", "payer"}): frozenset({Col.PAYER, Col.MEMBER_ID, Col.PRIORITY}),
    frozenset({"authorization"}): frozenset(
        {Col.AUTH_NUMBER, Col.CODES, Col.START, Col.END, Col.PERIOD, Col.STATUS}
        | {Col.REQUESTED_ON, Col.PAYER_REF}
    ),
    frozenset({"period"}): frozenset({Col.START, Col.END}),
    frozenset({"unit"}): frozenset({Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT}),
    frozenset({"hour"}): frozenset({Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT}),
    frozenset({"visit"}): frozenset({Col.VISITS_AUTH, Col.VISITS_USED, Col.VISITS_LEFT}),
}


def _block(text: str) -> frozenset[Col] | None:
    return _BLOCKS.get(words(text) - _FILLER_GROUP)


def _group_labels(row: list[Any], width: int) -> tuple[list[str], bool]:
    """Labels of a group-header row carried right over the blank cells of a merged label, and
    whether the row is a row of group labels ("Patient | Insurance | Authorization | Units").
    In a row that is not, only labels that are just "units" or "visits" count ("Sessions" over
    Approved / Used / Left): a title like "Units and visits tracker" is not a group label."""
    texts = [_text(row[j]) if j < len(row) else "" for j in range(width)]
    filled = [t for t in texts if t]
    blocks = len(filled) >= 2 and all(_block(t) is not None for t in filled)
    labels: list[str] = []
    current, span = "", 0
    for text in texts:
        if text:
            ws = words(text)
            counts = bool(ws & _COUNT_WORDS) and ws <= _GROUP_WORDS
            current = text if blocks or counts else ""
            span = 0
        span += 1
        labels.append(current if span <= (_BLOCK_SPAN if blocks else _GROUP_SPAN) else "")
    return labels, blocks


def read_header(rows: list[list[Any]], index: int) -> Header:
    """Interpret row ``index`` as a header row (in the light of the group labels above it)."""
    row = rows[index]
    groups, blocks = (
        _group_labels(rows[index - 1], len(row)) if index > 0 else ([""] * len(row), False)
    )
    columns: dict[Col, int] = {}
    names: dict[int, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    duplicate_columns: set[int] = set()
    extra_notes: dict[int, str] = {}
    measured: set[Col] = set()  # counts whose header (or group label) says units or visits
    grouped_any = False
    for j, value in enumerate(row):
        text = _text(value)
        if not text:
            continue
        names[j] = text
        col = recognise(text)
        named = bool(words(text) & _COUNT_WORDS)
        group = groups[j]
        if group and blocks:
            fields = _block(group) or frozenset()
            if col not in fields:
                combined = recognise(f"{group} {text}")
                if combined in fields:
                    col, grouped_any = combined, True
                    named = named or combined in _COUNTS
            else:
                grouped_any = True
                named = named or (col in _COUNTS and bool(words(group) & _COUNT_WORDS))
        elif group and col in _BARE and not named:
            grouped = recognise(f"{group} {text}")
            if grouped in _COUNTS:
                col, named, grouped_any = grouped, True, True
        if col is None:
            ignored.append(text)
        elif col is Col.NOTES and col in columns:
            if words(text) == {"note"} and words(names[columns[col]]) != {"note"}:
                # the plain "Notes" is the notes; "Notes to self" before it joins them
                extra_notes[columns[col]] = names[columns[col]]
                columns[col] = j
            else:
                extra_notes[j] = text
        elif col in columns or words(text) & _CONTACT:
            duplicates.append(text)
            duplicate_columns.add(j)
        else:
            columns[col] = j
            if named:
                measured.add(col)
    if any(c in columns for c in _AS_VISITS.values()) and not (measured & _AS_VISITS.keys()):
        for units, visits in _AS_VISITS.items():
            if units in columns and units not in measured and visits not in columns:
                columns[visits] = columns.pop(units)
    heading_rows = [index - 1, index] if grouped_any else [index]
    labels = {j: g for j, g in enumerate(groups) if g and j in names} if grouped_any else {}
    header = Header(
        index,
        columns,
        names,
        ignored,
        duplicates,
        duplicate_columns,
        heading_rows,
        labels,
        extra_notes,
    )
    slots = find_slots(names)
    if slots:
        _use_slots(header, slots)
    header.hours = {
        col
        for col, j in header.columns.items()
        if col in _HOURLY and "hour" in words(f"{names.get(j, '')} {labels.get(j, '')}")
    }
    return header


_HOURLY = frozenset({Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT, Col.CAP})


def _use_slots(header: Header, slots: list[PayerSlot]) -> None:
    """Read the payers' own columns as theirs: the first payer's in ``columns``, every payer's
    in ``slots``; a column the first pass took for another field (or ignored) is given back."""
    taken = slot_columns(slots)
    header.columns = {c: j for c, j in header.columns.items() if j not in taken}
    texts = {header.names[j] for j in taken}
    header.ignored = [t for t in header.ignored if t not in texts]
    header.duplicates = [t for t in header.duplicates if t not in texts]
    header.duplicate_columns -= taken
    for col, j in slots[0].columns.items():
        if col in header.columns:  # an unprefixed column of the same field: the payer's wins
            header.duplicates.append(header.names[header.columns[col]])
            header.duplicate_columns.add(header.columns[col])
        header.columns[col] = j
    if Col.PRIORITY in header.columns:  # each payer's priority is its slot's
        header.duplicates.append(header.names[header.columns[Col.PRIORITY]])
        header.duplicate_columns.add(header.columns.pop(Col.PRIORITY))
    header.slots = slots


def find_header(rows: list[list[Any]]) -> Header | None:
    """The most convincing header row among the first rows: at least three fields, one of them
    naming the client. None when no row qualifies."""
    best: Header | None = None
    for i in range(min(len(rows), HEADER_SEARCH_ROWS)):
        row = rows[i]
        if sum(1 for v in row if isinstance(v, str) and v.strip()) < 3:
            continue
        header = read_header(rows, i)
        if header.score < 3 or not header.has_client():
            continue
        if best is None or header.score > best.score:
            best = header
    return best
