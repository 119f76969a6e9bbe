"""A log column parsed whole (distinct values once, the fast path, the careful parser) reads
every cell exactly as that cell read on its own does: the same value, the same problem."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from sync.parsing import cells, colparse, dateorder
from sync.parsing.logsheet import LogTable
from sync.recognising.columns import Col
from sync.recognising.headers import find_header

HEADER = ["Client", "Payer", "Auth #", "CPT", "Start", "DOB", "Units", "Remaining", "Notes"]
COLUMNS = [
    Col.NAME,
    Col.PAYER,
    Col.AUTH_NUMBER,
    Col.CODES,
    Col.START,
    Col.DOB,
    Col.UNITS_AUTH,
    Col.UNITS_LEFT,
    Col.NOTES,
]

CELLS = st.one_of(
    st.just(""),
    st.sampled_from(["Aetna", " Aetna ", "n/a", "N/A", "TBD", "90837", "90837, 97153", "x\ty"]),
    st.text(max_size=6),
    st.sampled_from([0.0, 1.0, -0.0, 2.0, 12.0, 24.5, -3.0, 45000.0]),
    st.integers(min_value=-2, max_value=3),
    st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.just(dt.datetime(2026, 3, 1, 0, 0)),
)


def _table(rows: list[int]) -> LogTable:
    header = find_header([HEADER])
    assert header is not None
    table = LogTable("Log", header, 1)
    table.rows = rows
    return table


@given(
    col=st.sampled_from(COLUMNS),
    pool=st.lists(CELLS, min_size=1, max_size=8),
    picks=st.lists(st.integers(min_value=0, max_value=7), min_size=64, max_size=200),
)
# a yes/no cell beside a 0 and a 1 in a text column (False == 0.0 as dict keys)
@example(col=Col.NOTES, pool=[False, 0.0, True, 1.0, "x"], picks=list(range(5)) * 13)
@example(col=Col.AUTH_NUMBER, pool=[0.0, False, "A1"], picks=list(range(3)) * 30)
def test_a_column_reads_each_cell_as_the_cell_alone(col: Col, pool: list[Any], picks: list[int]):
    values = [pool[k % len(pool)] for k in picks]  # (repeated values: the distinct-value path)
    # (cells are read once per distinct value, and False and 0.0 are one dict key: a yes/no
    # cell next to a 0 in a text column was read as "0")
    parse = colparse.parser(col, False, "mdy", dt.date(2026, 11, 23))
    whole = _table(list(range(2, len(values) + 2)))
    got = colparse.parse_column(whole, col, values, parse)
    errors, warnings, pending, undated = [], [], set(), []
    for i, v in enumerate(values):
        alone = _table([whole.rows[i]])
        one = colparse.parse_column(alone, col, [v], parse)[0]
        assert got[i] == one and type(got[i]) is type(one), (i, v)
        errors += alone.errors
        warnings += alone.warnings
        pending |= {i for _ in alone.pending}
        undated += [(c, i, str(m)) for c, _, m in alone.undated]
        assert (i in whole.bad) == bool(alone.bad), (i, v)
    assert whole.errors == errors
    assert whole.warnings == warnings
    assert whole.pending == pending
    assert [(c, i, str(m)) for c, i, m in whole.undated] == undated


PLACEHOLDER_TEXT = st.lists(
    st.one_of(
        st.sampled_from(sorted(cells.NUMBER_PLACEHOLDERS)).map(str.upper),
        st.sampled_from(sorted(cells.NUMBER_PLACEHOLDERS)),
        st.sampled_from(["pendıng", "ſubmitted", "PENDİNG", "A-1", " tbd\t", "in  review"]),
        st.text(alphabet="abdeinprstuwyAPTNıſİK?/ \t\n", max_size=12),
    ),
    max_size=5,
).map("\n".join)


@given(PLACEHOLDER_TEXT)
def test_the_placeholder_scan_finds_what_the_case_insensitive_scan_finds(text: str) -> None:
    assert colparse._has_placeholder_line(text) == bool(colparse._PLACEHOLDER_LINE.search(text))
    # (the scan lower-cases ASCII text and looks for the placeholders as written: lower case)
    assert all(p == p.lower() for p in cells.NUMBER_PLACEHOLDERS)


@given(st.lists(st.one_of(PLACEHOLDER_TEXT, st.sampled_from([12345.0, 0.0, True])), max_size=8))
def test_placeholders_are_found_in_a_column_of_any_cells(raw: list[Any]) -> None:
    """The column's scan (text joined in one call, numbers beside it) finds the placeholders the
    cell by cell reading finds, when the scan's line test lets them through."""
    table = _table(list(range(2, len(raw) + 2)))
    table.values[Col.AUTH_NUMBER] = list(raw)
    colparse.placeholders(table, raw)
    texts = "\n".join(v for v in raw if type(v) is str)
    expected = {
        i: status for i, v in enumerate(raw) if (status := cells.number_placeholder(v)) is not None
    }
    assert table.requested == (expected if colparse._PLACEHOLDER_LINE.search(texts) else {})


DATE_CELLS = st.one_of(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2027, 1, 1)),
    st.sampled_from(["", "03/04/2026", "13/04/2026", "04/13/2026", "3/4/26 - 3/9/26", "x"]),
    st.sampled_from([45000.0, 1.0]),
)


@given(st.lists(st.tuples(DATE_CELLS, DATE_CELLS), max_size=30), st.booleans())
def test_date_order_evidence_skips_only_columns_without_text(pairs: list, period: bool) -> None:
    starts, ends = [s for s, _ in pairs], [e for _, e in pairs]
    quick = (dateorder.evidence(starts, period=period), dateorder.by_spans(starts, ends))
    real = dateorder._has_text
    dateorder._has_text = lambda values: True  # every column walked cell by cell
    try:
        walked = (dateorder.evidence(starts, period=period), dateorder.by_spans(starts, ends))
    finally:
        dateorder._has_text = real
    assert quick == walked


@given(st.lists(st.tuples(DATE_CELLS, DATE_CELLS), max_size=30))
def test_date_spans_are_asked_only_when_both_columns_hold_numeric_text_dates(pairs: list) -> None:
    """date_orders does not ask by_spans when the start or the end column holds no numeric text
    date: by_spans has nothing to say then."""
    starts, ends = [s for s, _ in pairs], [e for _, e in pairs]
    if dateorder.evidence(starts).texts and dateorder.evidence(ends).texts:
        return
    assert dateorder.by_spans(starts, ends) is None


LOG_DATES = st.one_of(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.just(dt.datetime(2026, 3, 1, 0, 0)),
    st.sampled_from(["", "", "03/04/2026", "13/04/2026", "x", 45000.0]),
)


@given(
    st.lists(st.tuples(LOG_DATES, LOG_DATES, LOG_DATES), min_size=1, max_size=80),
    st.sampled_from(["mdy", "dmy"]),
)
def test_date_columns_read_while_ordering_are_read_as_parse_column_reads_them(
    dates: list[tuple[Any, Any, Any]], order: str
) -> None:
    """read_log takes a column of real dates and blanks as date_orders read it, without
    parsing it again: the table is the one parsing every column gives."""
    from sync.parsing import logsheet
    from sync.reading.workbook import RawSheet

    header = ["Client", "Payer", "Auth #", "DOB", "Start", "End"]
    rows = [["Ann", "Aetna", f"A{k}", b, s, e] for k, (b, s, e) in enumerate(dates)]
    sheet = RawSheet("Log", [header, *rows])
    today = dt.date(2026, 11, 23)
    quick = logsheet.read_log(sheet, order=order, today=today)  # type: ignore[arg-type]
    real = colparse.date_orders
    colparse.date_orders = lambda *a, **k: real(*a[:5])  # (nothing read while ordering)
    try:
        slow = logsheet.read_log(sheet, order=order, today=today)  # type: ignore[arg-type]
    finally:
        colparse.date_orders = real
    assert quick is not None and slow is not None
    assert quick.values == slow.values and quick.rows == slow.rows
    assert [str(e) for e in quick.errors] == [str(e) for e in slow.errors]
    assert quick.warnings == slow.warnings and quick.report == slow.report
    assert [(c, i, str(m)) for c, i, m in quick.undated] == [
        (c, i, str(m)) for c, i, m in slow.undated
    ]
