"""Which rows of an appointment list hold an appointment: the quick look at a row's first cell
(:func:`sync.recognising.appointment_rows.data_rows`) keeps exactly the rows the full tests keep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sync.parsing import cells
from sync.reading.workbook import RawSheet
from sync.recognising.appointment_rows import TOTAL as _TOTAL
from sync.recognising.appointment_rows import data_rows as _data_rows
from sync.recognising.appointment_rows import usual_rows as _usual_rows
from sync.recognising.appointments import find_header

HEADER = ["Appt ID", "Client ID", "Date of Service", "CPT", "Status"]


def reference(raw: RawSheet, width: int) -> list[tuple[int, list[Any]]]:
    """The rows kept, every test applied to every row (the rule before the quick look)."""
    header = find_header(raw.rows)
    assert header is not None
    names = {j: text.casefold() for j, text in header.names.items()}
    repeats = set(names.values())
    out = []
    for i in range(header.index + 1, len(raw.rows)):
        values = raw.rows[i]
        if len(values) < width:
            values = [*values, *([""] * (width - len(values)))]
        filled = [v for v in values if not (v == "" or v is None)]
        if not filled or (
            type(filled[0]) is str
            and not filled[0].strip()
            and all(isinstance(v, str) and not v.strip() for v in filled)
        ):
            continue
        first = filled[0]
        if isinstance(first, str) and _TOTAL.match(first) and len(filled) <= 3:
            continue
        if (
            isinstance(first, str)
            and first.strip().casefold() in repeats
            and all(cells.text(values[j]).casefold() == t for j, t in names.items() if j < width)
        ):
            continue
        out.append((raw.first_row + i, values))
    return out


CELLS = st.one_of(
    st.sampled_from(
        ["", " ", None, "Total", "Grand total", "total units", "Appt ID", " appt id ", "CPT"]
    ),
    st.sampled_from(["A1", "C000001", "97153", "Checked Out", "Subtotal: 3", "count"]),
    st.integers(0, 3),
    st.just(dt.date(2026, 11, 2)),
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=12)


@given(ROWS)
def test_the_quick_look_keeps_the_rows_the_full_tests_keep(rows: list[list[Any]]) -> None:
    sheet = [list(HEADER), *rows, list(HEADER), [" Appt ID", "client id", "date of service"]]
    raw = RawSheet("Appointments", sheet, first_row=3, first_col=2)
    header = find_header(raw.rows)
    assert header is not None
    width = max(header.columns.values()) + 1
    assert _data_rows(raw, header, width) == reference(raw, width)


def test_blank_total_and_repeated_header_rows_are_left_out() -> None:
    sheet = [
        list(HEADER),
        ["A1", "C1", dt.date(2026, 11, 2), "97153", "Kept"],
        ["", "", "", "", ""],
        ["  ", None, "", " ", ""],
        ["Total", "", 12],
        list(HEADER),
        [" Appt ID ", "Client ID", "Date of Service", "CPT", "Status"],
        ["Total", "C2", dt.date(2026, 11, 3), "97153", "Kept"],  # (a client called Total)
        [7, "C3", dt.date(2026, 11, 4), "97155", "Kept"],
        [None, "C4", dt.date(2026, 11, 5), "97155", "Kept"],
    ]
    raw = RawSheet("Appointments", sheet)
    header = find_header(raw.rows)
    assert header is not None
    kept = [row for row, _ in _data_rows(raw, header, len(HEADER))]
    assert kept == [2, 8, 9, 10]


REPEATS = {"appt id", "client id", "date of service", "cpt", "status"}
USUAL_FIRST = st.one_of(
    st.sampled_from(["A1", "APPT00000001", " A2 ", "Totally", "count", "Subtotal: 3", "CPT"]),
    st.sampled_from(["", " ", "\u00a0", "Appt id", "Grand Total", None, 7]),
)
FULL_ROWS = st.lists(
    st.tuples(USUAL_FIRST, st.lists(CELLS, min_size=4, max_size=6)).map(
        lambda row: [row[0], *row[1]]
    ),
    max_size=12,
)


@given(FULL_ROWS, st.booleans(), st.sampled_from([None, list(HEADER), [" appt ID", 1, 2, 3, 4]]))
def test_rows_told_a_column_at_a_time_are_those_the_full_tests_keep(
    rows: list[list[Any]], short: bool, last: list[Any] | None
) -> None:
    """Rows as wide as the header whose first cells are usual texts are kept a column at a time
    (``_usual_rows``); whatever the rows, the rows kept are those every test keeps."""
    sheet = [list(HEADER), *rows] + ([["A9"]] if short else []) + ([last] if last else [])
    raw = RawSheet("Appointments", sheet, first_row=3, first_col=2)
    header = find_header(raw.rows)
    assert header is not None
    width = max(header.columns.values()) + 1
    kept = _data_rows(raw, header, width)
    assert kept == reference(raw, width)
    usual = _usual_rows(raw, header, width, {t.casefold() for t in header.names.values()})
    assert usual is None or usual == kept
    firsts = [r[0] for r in rows]
    if rows and not short and not last and all(type(v) is str and v.strip() for v in firsts):
        usual_texts = not any(_TOTAL.match(v) or v.strip().casefold() in REPEATS for v in firsts)
        assert usual is not None or not usual_texts  # (the quick way, every row a usual one)
