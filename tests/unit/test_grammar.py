"""One grammar for what people type: the form and the importer read a shared table alike.

Where the two disagreed before the grammar was shared, the table says which answer won:
- "24 units", "6 sessions", "unlimited", "no cap": read (the importer's answer; the form refused).
- "-3": refused, a count cannot be negative (the importer's; the form let the domain refuse it).
- "1.5": refused where a count is whole (both); fractions only where hours are allowed.
- "11232026" and "112326": month, day, year without separators (the form's; the importer
  refused them), while "20261123" stays ISO.
- "90837 90834": two codes (the importer's; the form made one bad code of them).
- "any", "all": no codes, the authorization covers every code (the importer's).
- "TBD", "see notes" in a count: not a number yet, refused (neither read it as "no cap").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priorauth import grammar
from priorauth.validate import CODE_RE
from sync.parsing import cells
from tui import parse

D = dt.date
TODAY = D(2026, 11, 23)
REFUSED = "refused"


def _outcome(fn: Any, text: str) -> Any:
    try:
        return fn(text)
    except ValueError:
        return REFUSED


COUNTS: list[tuple[str, Any]] = [
    ("24", 24),
    (" 480 ", 480),
    ("1,200", 1200),
    ("24.0", 24),
    ("24 units", 24),
    ("24 Units", 24),
    ("6 sessions", 6),
    ("12 visits", 12),
    ("+5", 5),
    ("0", 0),
    ("", None),
    ("unlimited", None),
    ("Unlimited", None),
    ("no cap", None),
    ("no limit", None),
    ("N/A", None),
    ("-", None),
    ("-3", REFUSED),
    ("-3 units", REFUSED),
    ("1.5", REFUSED),
    ("ten", REFUSED),
    ("TBD", REFUSED),
    ("see notes", REFUSED),
    ("24 apples", REFUSED),
]


@pytest.mark.parametrize(("typed", "expected"), COUNTS)
def test_a_count_reads_the_same_in_the_form_and_the_importer(typed: str, expected: Any) -> None:
    form = _outcome(parse.parse_count, typed)
    importer = _outcome(cells.count, typed)
    assert form == importer == expected


DATES: list[tuple[str, Any]] = [
    ("11/23/2026", D(2026, 11, 23)),
    ("11/23/26", D(2026, 11, 23)),
    ("3/1/26", D(2026, 3, 1)),
    ("11-23-2026", D(2026, 11, 23)),
    ("11.23.2026", D(2026, 11, 23)),
    ("2026-11-23", D(2026, 11, 23)),
    ("2026/11/23", D(2026, 11, 23)),
    ("2026-11-23 00:00:00", D(2026, 11, 23)),
    ("20261123", D(2026, 11, 23)),
    ("11232026", D(2026, 11, 23)),
    ("112326", D(2026, 11, 23)),
    ("Nov 23 2026", D(2026, 11, 23)),
    ("Nov 23, 2026", D(2026, 11, 23)),
    ("November 23rd 2026", D(2026, 11, 23)),
    ("23 Nov 2026", D(2026, 11, 23)),
    ("23-Nov-26", D(2026, 11, 23)),
    (" 11/23/2026 ", D(2026, 11, 23)),
    ("", None),
    ("N/A", None),
    ("open", None),
    ("ongoing", None),
    ("13/45/2026", REFUSED),
    ("02/30/2026", REFUSED),
    ("2026-13-01", REFUSED),
    ("soon", REFUSED),
    ("11/23/1850", REFUSED),
]


@pytest.mark.parametrize(("typed", "expected"), DATES)
def test_a_date_reads_the_same_in_the_form_and_the_importer(typed: str, expected: Any) -> None:
    form = _outcome(lambda t: parse.parse_date(t, TODAY), typed)
    importer = _outcome(cells.date, typed)
    assert form == importer == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("06/01/2026", D(2026, 1, 6)), ("31/01/2026", D(2026, 1, 31)), ("01/31/2026", REFUSED)],
)
def test_day_first_order_reads_the_same_in_both(typed: str, expected: Any) -> None:
    form = _outcome(lambda t: parse.parse_date(t, TODAY, order="dmy"), typed)
    importer = _outcome(lambda t: cells.date(t, order="dmy"), typed)
    assert form == importer == expected


@pytest.mark.parametrize(
    ("typed", "past", "expected"),
    [("6/25/58", True, D(1958, 6, 25)), ("6/25/58", False, D(2058, 6, 25))],
)
def test_a_birth_dates_two_digit_year_is_in_the_past_in_both(
    typed: str, past: bool, expected: dt.date
) -> None:
    assert parse.parse_date(typed, TODAY, past=past) == expected
    reader = cells.birth_date if past else cells.date
    kwargs = {"today": TODAY} if past else {}
    assert reader(typed, **kwargs) == expected


CODES: list[tuple[str, Any]] = [
    ("90837", ["90837"]),
    ("90837, 90834", ["90837", "90834"]),
    ("90837 90834", ["90837", "90834"]),
    ("90837;90834", ["90837", "90834"]),
    ("90837/90834", ["90837", "90834"]),
    ("90837\n90834", ["90837", "90834"]),
    ("97153-HN", ["97153-HN"]),
    ("97153:HN", ["97153-HN"]),
    ("97153:HN 97155", ["97153-HN", "97155"]),
    ("h2019 hn", ["H2019-HN"]),
    ("H2019 HN / H0036", ["H2019-HN", "H0036"]),
    ("97153 (HO)", ["97153-HO"]),
    ("90837 and 90846", ["90837", "90846"]),
    ("90837, 90837", ["90837"]),
    ("", []),
    ("any", []),
    ("therapy", REFUSED),
    ("9083", REFUSED),
]


@pytest.mark.parametrize(("typed", "expected"), CODES)
def test_a_code_list_reads_the_same_in_the_form_and_the_importer(typed: str, expected: Any) -> None:
    # the form leaves checking each code to the domain's validation, which it shows by the field
    form = parse.parse_codes(typed)
    form_outcome = form if all(CODE_RE.match(c) for c in form) else REFUSED
    assert form_outcome == _outcome(cells.codes, typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", TODAY),
        ("t", TODAY),
        ("tomorrow", D(2026, 11, 24)),
        ("+30", D(2026, 12, 23)),
        ("+2w", D(2026, 12, 7)),
        ("+6m", D(2027, 5, 23)),
        ("-1y", D(2025, 11, 23)),
        ("Nov 30", D(2026, 11, 30)),
    ],
)
def test_relative_dates_are_the_forms_alone(typed: str, expected: dt.date) -> None:
    """A spreadsheet must read the same whatever the day: "today" in a cell is refused."""
    assert parse.parse_date(typed, TODAY) == expected
    assert _outcome(cells.date, typed) == REFUSED


def test_six_months_from_the_end_of_a_month_stays_in_its_month() -> None:
    assert parse.parse_date("+1m", D(2026, 1, 31)) == D(2026, 2, 28)


def test_fractions_only_where_hours_are_allowed() -> None:
    assert grammar.count("187.5", "hours", fractions=True) == 187.5
    assert grammar.count("96.25 hrs", "hours", fractions=True) == 96.25
    with pytest.raises(grammar.GrammarError, match="whole number of units"):
        grammar.count("187.5", "units")


def test_no_cap_words_are_refused_where_blank_is_not_no_cap() -> None:
    assert parse.parse_count("", blank=0) == 0
    with pytest.raises(ValueError, match="whole number"):
        parse.parse_count("unlimited", blank=0)


def test_a_placeholder_count_says_it_is_not_known_yet() -> None:
    with pytest.raises(cells.UnknownCount, match="not a number of units yet"):
        cells.count("TBD")


@given(st.dates(D(1900, 1, 1), D(2199, 12, 31)))
def test_any_date_written_either_way_reads_back_in_both(day: dt.date) -> None:
    for text, order in ((f"{day:%m/%d/%Y}", "mdy"), (f"{day:%d/%m/%Y}", "dmy")):
        assert parse.parse_date(text, TODAY, order=order) == day  # type: ignore[arg-type]
        assert cells.date(text, order=order) == day  # type: ignore[arg-type]
    assert cells.date(day.isoformat()) == parse.parse_date(day.isoformat(), TODAY) == day


@given(st.integers(0, 10**6))
def test_any_count_reads_back_in_both(n: int) -> None:
    for text in (str(n), f"{n:,}", f"{n} units"):
        assert parse.parse_count(text) == cells.count(text) == n


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("exp 3/31", ("3/31", "exp")),
        ("Expires: 03/31/2027", ("03/31/2027", "Expires:")),
        ("3/31/2026 (extended)", ("3/31/2026", "(extended)")),
        ("3/31", None),  # no words: a date as it is
        ("exp 3/31 2026", None),  # another number beside it: which is meant is not clear
        ("eff 1/1 thru 3/31", None),  # two dates
        ("renewed", None),
    ],
)
def test_a_date_among_words_is_found_only_when_unambiguous(
    text: str, found: tuple[str, str] | None
) -> None:
    assert grammar.dated_words(text) == found


def test_a_date_without_its_year_reads_in_the_columns_order() -> None:
    assert grammar.month_day("3/31") == (3, 31)
    assert grammar.month_day("31/3", "dmy") == (3, 31)
    assert grammar.month_day("2/29") == (2, 29)  # a day in some years
    assert grammar.month_day("2/30") is None
    assert grammar.in_year(2, 29, 2027) is None and grammar.in_year(2, 29, 2028) == D(2028, 2, 29)


@given(st.integers(0, 4000))
def test_any_quarter_hour_count_reads_back_with_fractions(quarters: int) -> None:
    hours = quarters / 4
    for value in (hours, f"{hours:g}", f"{hours:g} hrs"):
        assert cells.count(value, "hours", fractions=True) == hours
        assert parse.parse_count(str(value).split()[0], fractions=True) == hours
