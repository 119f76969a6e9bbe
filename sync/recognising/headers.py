"""Recognise a log's header row and what each of its columns holds.

Header texts are reduced to normalised words ("Auth #" -> {authorization, number}, "Exp. Date" ->
{end, date}, "Sessions Left" -> {visit, remaining}) and matched against each column's headings in
the field table (:data:`sync.recognising.fields.HEADING_RULES`), which say which words a field
needs and which it must not have. No list of exact strings: "Approved Units", "Units Approved",
"# of Units Auth'd" and "Auth Units" all land on units authorized.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sync.recognising.columns import Col
from sync.recognising.fields import HEADING_RULES
from sync.recognising.header_words import words
from sync.recognising.payer_slots import PayerSlot, find_slots, slot_columns

HEADER_SEARCH_ROWS = 40  # the header row is looked for in the first rows of a sheet

_COUNT_WORDS = {"unit", "visit", "hour"}  # (hours are counted as units, in hours)
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


@lru_cache(maxsize=4096)  # (pure: the words and the immutable field table; see words)
def recognise(text: str) -> Col | None:
    """The field a header text names, or None."""
    ws = words(text)
    if not ws:
        return None
    for heading, col in HEADING_RULES:
        if heading.matches(ws):
            return col
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
