"""Cell values as logs really hold them: dates, counts, codes, names, yes/no, statuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priorauth.model import CapMeasure, CapPeriod, Priority, RequestStatus
from sync.parsing import cells
from sync.parsing.logsheet import LogTable, read_log
from sync.reading.workbook import RawSheet
from sync.recognising.columns import Col

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (D(2026, 3, 1), D(2026, 3, 1)),
        (dt.datetime(2026, 3, 1, 0, 0), D(2026, 3, 1)),
        ("03/01/2026", D(2026, 3, 1)),
        ("3/1/26", D(2026, 3, 1)),
        ("3-1-2026", D(2026, 3, 1)),
        ("3.1.2026", D(2026, 3, 1)),
        ("2026-03-01", D(2026, 3, 1)),
        ("2026-03-01 00:00:00", D(2026, 3, 1)),
        ("2026/3/1", D(2026, 3, 1)),
        ("20260301", D(2026, 3, 1)),
        ("Mar 1, 2026", D(2026, 3, 1)),
        ("March 1st 2026", D(2026, 3, 1)),
        ("1-Mar-2026", D(2026, 3, 1)),
        ("1 March 26", D(2026, 3, 1)),
        (" 03/01/2026 ", D(2026, 3, 1)),
        (46082.0, D(2026, 3, 1)),  # an Excel serial number
        ("46082", D(2026, 3, 1)),  # ...stored as text
        ("", None),
        ("N/A", None),
        ("open", None),
        (None, None),
    ],
)
def test_dates_in_the_forms_logs_use(raw: object, expected: dt.date | None) -> None:
    assert cells.date(raw) == expected


def test_serial_numbers_follow_the_workbooks_date_system() -> None:
    assert cells.date(45000.0) == D(2023, 3, 15)
    assert cells.date(45000.0, epoch_1904=True) == D(2027, 3, 16)
    assert cells.date(59.0) == D(1900, 2, 28)  # before Excel's phantom 29 Feb 1900


@pytest.mark.parametrize(
    "raw",
    ["13/45/2026", "02/30/2026", "soon", "2026-13-01", 2994626.0, -5.0, dt.timedelta(days=3)],
)
def test_what_is_not_a_date_is_said_plainly(raw: object) -> None:
    with pytest.raises(cells.CellError) as e:
        cells.date(raw)
    assert "date" in str(e.value)
    assert "Traceback" not in str(e.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6/25/58", D(1958, 6, 25)),  # a start date "6/25/58" would be 2058
        ("25-Jun-58", D(1958, 6, 25)),
        ("2/29/56", D(1956, 2, 29)),
        ("3/1/19", D(2019, 3, 1)),  # a child's: already in the past
        ("06/25/1958", D(1958, 6, 25)),
        (D(1958, 6, 25), D(1958, 6, 25)),
        ("", None),
    ],
)
def test_a_birth_date_with_a_two_digit_year_is_never_in_the_future(
    raw: object, expected: dt.date | None
) -> None:
    assert cells.birth_date(raw) == expected


def test_a_serial_past_year_9999_is_refused_not_crashed() -> None:
    with pytest.raises(cells.CellError, match="year"):
        cells.date(2994626.0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (24.0, 24),
        (24, 24),
        ("24", 24),
        (" 480 ", 480),
        ("1,200", 1200),
        ("24.0", 24),
        ("12 units", 12),
        ("6 sessions", 6),
        ("", None),
        ("unlimited", None),
        ("N/A", None),
        ("-", None),
    ],
)
def test_counts_including_numbers_stored_as_text(raw: object, expected: int | None) -> None:
    assert cells.count(raw) == expected


@pytest.mark.parametrize("raw", [-2.0, "-3", 1.5, "2.5", "twelve", True])
def test_bad_counts(raw: object) -> None:
    with pytest.raises(cells.CellError):
        cells.count(raw)


def test_negative_count_message_names_the_problem() -> None:
    with pytest.raises(cells.CellError, match="cannot be negative"):
        cells.count(-2.0, "units")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("90837", ["90837"]),
        (90837.0, ["90837"]),
        ("90837, 90834", ["90837", "90834"]),
        ("90837/90834", ["90837", "90834"]),
        ("90837; 90834", ["90837", "90834"]),
        ("90837 90834", ["90837", "90834"]),
        ("97153, 97155, 97156", ["97153", "97155", "97156"]),
        ("h2019 hn", ["H2019-HN"]),
        ("H2019 HN / H0036", ["H2019-HN", "H0036"]),
        ("97153 (HO)", ["97153-HO"]),
        ("90837 and 90846", ["90837", "90846"]),
        ("90837, 90837", ["90837"]),
        ("", []),
        ("any", []),
    ],
)
def test_several_codes_in_one_cell(raw: object, expected: list[str]) -> None:
    assert cells.codes(raw) == expected


def test_a_bad_code_names_the_code() -> None:
    with pytest.raises(cells.CellError, match='"THERAPY"'):
        cells.codes("therapy")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lee, Ann", ("Ann", "Lee")),
        ("Ann Lee", ("Ann", "Lee")),
        ("Mary Ann  Lee ", ("Mary Ann", "Lee")),
        ("O'Connor, Finley", ("Finley", "O'Connor")),
        ("Cher", ("", "Cher")),
    ],
)
def test_one_name_column(raw: str, expected: tuple[str, str]) -> None:
    assert cells.split_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Yes", True), ("y", True), ("X", True), (True, True), (1.0, True), ("No", False)],
)
def test_yes_no(raw: object, expected: bool) -> None:
    assert cells.yes_no(raw) is expected


def test_status_is_request_status_or_activity() -> None:
    assert cells.status("Approved") == (RequestStatus.APPROVED, None)
    assert cells.status("pending") == (RequestStatus.PENDING, None)
    assert cells.status("Denied") == (RequestStatus.DENIED, None)
    assert cells.status("Active") == (None, True)
    assert cells.status("Expired") == (None, False)
    with pytest.raises(cells.CellError):
        cells.status("maybe")


def test_priority_reminder_cap_and_text() -> None:
    assert cells.priority("Secondary") == Priority.SECONDARY
    assert cells.priority("1") == Priority.PRIMARY
    assert cells.priority(2.0) == Priority.SECONDARY
    assert cells.reminder("1 month") == 30
    assert cells.reminder("2 weeks") == 14
    assert cells.reminder("No") is None
    assert cells.reminder(14.0) == 14
    assert cells.cap("40 units per week") == (40, CapPeriod.WEEK, CapMeasure.UNITS)
    assert cells.cap("8 visits/month") == (8, CapPeriod.MONTH, CapMeasure.VISITS)
    assert cells.text(123456789.0) == "123456789"  # a member id typed as a number
    assert cells.text(8595602512225.0) == "8595602512225"
    assert cells.period("1/1/26 - 6/30/26") == (D(2026, 1, 1), D(2026, 6, 30))
    assert cells.period("01/01/2026-06/30/2026") == (D(2026, 1, 1), D(2026, 6, 30))
    assert cells.period("2026-01-01 to 2026-06-30") == (D(2026, 1, 1), D(2026, 6, 30))


# --- whole sheets: read_log parses column by column ----------------------------------------------

SHEET_HEADER = ["Client", "Payer", "Auth #", "CPT", "Start", "Units", "Used"]


def _sheet(rows: list[list[object]]) -> LogTable:
    table = read_log(RawSheet("Log", [SHEET_HEADER, *rows]))  # type: ignore[list-item]
    assert table is not None
    return table


def _row(i: int, units: object = 24.0, codes: object = "90837") -> list[object]:
    return [f"Lee{i}, Ann", "Aetna", f"A-{i}", codes, D(2026, 1, 1), units, 2.0]


def test_a_column_of_repeated_values_reports_each_bad_cell_on_its_own_row() -> None:
    rows = [_row(i) for i in range(200)]
    rows[17][5] = "lots"
    rows[150][5] = "lots"
    rows[90][3] = "bogus"
    table = _sheet(rows)
    assert [(e.row, e.column, e.cell) for e in table.errors] == [
        (92, "CPT", "D92"),
        (19, "Units", "F19"),
        (152, "Units", "F152"),
    ]
    assert table.errors[1].message == '"lots" is not a whole number of units; write it like 24.'
    units = table.values[Col.UNITS_AUTH]
    assert units[17] is None and units[150] is None and units.count(24) == 198
    codes = table.values[Col.CODES]
    assert codes[0] == ["90837"] and codes[0] is not codes[1]  # each row its own list
    assert table.bad == {17, 90, 150}


def test_yes_in_a_count_column_is_not_taken_for_the_number_one() -> None:
    rows = [_row(i, units=1.0) for i in range(100)]
    rows[40][5] = True
    table = _sheet(rows)
    assert [(e.row, e.column) for e in table.errors] == [(42, "Units")]
    assert table.values[Col.UNITS_AUTH][:2] == [1, 1] and table.values[Col.UNITS_AUTH][40] is None


def test_short_rows_are_read_as_blank_cells() -> None:
    table = _sheet([_row(1), ["Kim, Bo", "Cigna", "B-1", "90834"], _row(2)])
    assert table.rows == [2, 3, 4]
    assert table.values[Col.START] == [D(2026, 1, 1), None, D(2026, 1, 1)]
    assert table.values[Col.UNITS_AUTH] == [24, None, 24]
    assert not table.errors


def test_blank_note_total_and_repeated_header_rows_among_filled_down_ones() -> None:
    rows = [
        _row(1),
        ["", "", "A-2", "90834", D(2026, 2, 1), 12.0, ""],  # Lee1 again: filled down
        ["", "", "", "", "", "", ""],
        ["call the payer", "", "", "", "", "", ""],
        ["Total", "", "", "", "", 36.0, 2.0],
        list(SHEET_HEADER),
        ["", "Cigna", "A-3", "", D(2026, 3, 1), 6.0, ""],  # Lee1 again, with another payer
        _row(4),
    ]
    table = _sheet(rows)
    assert table.rows == [2, 3, 8, 9]
    assert table.values[Col.NAME] == ["Lee1, Ann", "Lee1, Ann", "Lee1, Ann", "Lee4, Ann"]
    assert table.values[Col.PAYER] == ["Aetna", "Aetna", "Cigna", "Aetna"]
    assert table.values[Col.AUTH_NUMBER] == ["A-1", "A-2", "A-3", "A-4"]
    assert table.warnings == [
        'Sheet "Log", row 5: ignored "call the payer" (a note, not an authorization: the row '
        "has nothing else).",
        'Sheet "Log": skipped 1 total row (row 6): report layout, not authorizations.',
        'Sheet "Log": skipped 1 repeated header row (row 7): report layout, not authorizations.',
    ]


_ID_TEXTS = st.one_of(
    st.text(alphabet=st.sampled_from("AP0129 -/\t\x1b\u200ex")),
    st.sampled_from(["n/a", " N/A ", "none", "-", "tbd", "?", "", "APPT00000001", "  A1  "]),
)
_ID_CELLS = st.one_of(
    _ID_TEXTS,
    st.none(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)


@given(st.one_of(st.sets(_ID_TEXTS, max_size=12), st.sets(_ID_CELLS, max_size=12)))
def test_a_column_of_ids_reads_as_each_id_on_its_own(values: set[Any]) -> None:
    """``identifiers`` (a column at C speed when its values are printable texts) gives each
    value what ``identifier`` gives it: trimmed, blank for a placeholder, cleaned of controls."""
    assert cells.identifiers(values) == {value: cells.identifier(value) for value in values}
