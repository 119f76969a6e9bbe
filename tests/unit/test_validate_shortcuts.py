"""The shortcuts validation takes for the tens of thousands of records of an import say exactly
what the plain checks say: each is compared with the plain computation on generated records."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import coverage, rules, service_lines, validate
from priorauth.data import Data
from priorauth.errors import ValidationError
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    ClientInsurance,
    LineMeasure,
    Payer,
    Priority,
    ServiceLine,
)
from priorauth.service_lines import lines_of
from priorauth.usage import line_label, stated_counts
from sync.planning.line_groups import _CodeSets

_COUNT = st.one_of(
    st.none(),
    st.integers(-3, 40),
    st.sampled_from([0.0, 2.0, 2.5, -1.5, 7.25]),
    st.booleans(),
)
_NUMBER = st.sampled_from(["", " ", "A-1", "a-1 ", "A-2", "B-9"])


def _data(numbers: list[tuple[int, str]]) -> Data:
    """Two payers, a client covered by the first, and authorizations with ``numbers``."""
    payers = {1: Payer(id=1, name="Aetna"), 2: Payer(id=2, name="Cigna")}
    kid = Client(
        id=1, client_id="C1", first_name="Ann", last_name="Lee",
        insurances=[ClientInsurance(payer_id=1)],
    )  # fmt: skip
    auths = {
        i: Authorization(id=i, client=1, payer=payer, auth_number=number, units_authorized=10)
        for i, (payer, number) in enumerate(numbers, start=1)
    }
    return Data(payers=payers, clients={1: kid}, authorizations=auths)


def _texts(problems: list) -> list[tuple[str, str | None, bool]]:
    return [(str(p), p.field, validate.is_duplicate_number(p)) for p in problems]


@settings(max_examples=300, deadline=None)
@given(
    numbers=st.lists(st.tuples(st.sampled_from([1, 2, 3]), _NUMBER), max_size=5),
    pick=st.integers(0, 6),
    counts=st.tuples(_COUNT, _COUNT, _COUNT, _COUNT, _COUNT, _COUNT),
    payer=st.sampled_from([1, 2, 3]),
    number=_NUMBER,
)
def test_authorization_problems_are_the_plain_checks(
    numbers: list[tuple[int, str]],
    pick: int,
    counts: tuple,
    payer: int,
    number: str,
) -> None:
    data = _data(numbers)
    units, visits, units_used, visits_used, reminder, cap = counts
    # an authorization of the data (or a new one) with the generated counts and number
    auth = Authorization(
        id=pick if pick in data.authorizations else -1,
        client=1,
        payer=payer,
        auth_number=number,
        units_authorized=units,
        visits_authorized=visits,
        carried_units_used=units_used,
        carried_visits_used=visits_used,
        reminder_days=reminder,
        cap_amount=cap,
    )
    assert validate._OWN_COUNTS(auth)[:4] == stated_counts(auth)
    found = _texts(validate.authorization_problems(data, auth))
    # every fraction through _fractions, and the number through duplicate_number_problem
    plain = validate._fractions(auth, "")
    assert [f for f in found if "whole number" in f[0]] == _texts(plain)
    dup = (
        validate.duplicate_number_problem(data, auth)
        if auth.auth_number and auth.payer in data.payers
        else None
    )
    assert [f for f in found if f[2]] == _texts([dup] if dup else [])


@pytest.mark.parametrize("value", [2.5, True])
def test_a_hand_built_count_still_goes_the_long_way(value: object) -> None:
    auth = Authorization(id=1, client=1, payer=1, units_authorized=10, visits_authorized=value)
    data = _data([])
    texts = [str(p) for p in validate.authorization_problems(data, auth)]
    if value is True:
        assert not any("whole number" in t for t in texts)
    else:
        assert "Visits authorized must be a whole number (it is 2.5)." in texts
    plain = Authorization(id=2, client=1, payer=1, start_date=dt.date(2026, 1, 5))
    assert validate.authorization_problems(data, plain) == []


def _plain_line_problems(auth: Authorization) -> list[ValidationError]:
    """validate.line_problems as it was, naming every line and calling _fractions for each."""
    problems: list[ValidationError] = []
    held: dict[str, int] = {}  # code -> the number of the line that holds it first
    for number, line in enumerate(lines_of(auth), start=1):
        name = f"line {number} ({line_label(line)}): "

        def problem(text: str, name: str = name) -> None:
            problems.append(ValidationError(name + text, "lines"))

        if not line.codes:
            problem(
                "an authorization of several lines needs the codes of each line; give this one "
                "its codes or a procedure group."
            )
        for code in line.codes:
            if not validate._good_code(code):
                problem(str(validate.check_code(code)))
            elif code in held:
                problem(f"{code} is already on line {held[code]}; list each code on one line.")
            else:
                held[code] = number
        for attribute, words in validate._LINE_COUNTS:
            value = getattr(line, attribute)
            if value is not None and value < 0:
                problem(f"{words} cannot be negative (it is {validate._number(value)}).")
        if line.cap_amount is not None:
            if line.units_authorized is None and line.visits_authorized is None:
                problem(
                    "a weekly or monthly cap needs units or visits authorized on the line; "
                    "give its counts or remove the cap."
                )
            elif line.cap_amount == 0:
                problem("a weekly or monthly cap must be above zero.")
            if line.cap_period not in (CapPeriod.WEEK, CapPeriod.MONTH):
                problem("say whether the cap is per week or per month.")
        problems.extend(validate._fractions(line, name))
    return problems


_LINE = st.builds(
    ServiceLine,
    codes=st.lists(st.sampled_from(["97153", "97155", "9715X", "H2019-HN"]), max_size=3),
    group=st.sampled_from(["", "Personal Care"]),
    units_authorized=_COUNT,
    visits_authorized=_COUNT,
    carried_units_used=_COUNT,
    carried_visits_used=_COUNT,
    cap_amount=st.one_of(st.none(), st.sampled_from([0, 4, -2, 1.5])),
    cap_period=st.sampled_from([None, CapPeriod.WEEK, CapPeriod.MONTH]),
    cap_measure=st.sampled_from(list(CapMeasure)),
    measure=st.sampled_from(list(LineMeasure)),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=4))
def test_line_problems_are_the_plain_checks(lines: list[ServiceLine]) -> None:
    auth = Authorization(id=1, client=1, payer=1, lines=lines if len(lines) > 1 else [])
    if len(lines) == 1:  # (one line: held in the authorization's own fields)
        line = lines[0]
        auth.procedure_codes, auth.group = line.codes, line.group
        auth.units_authorized, auth.visits_authorized = (
            line.units_authorized,
            line.visits_authorized,
        )
        auth.carried_units_used = line.carried_units_used
        auth.carried_visits_used = line.carried_visits_used
        auth.cap_amount, auth.cap_period = line.cap_amount, line.cap_period
        auth.cap_measure, auth.measure = line.cap_measure, line.measure
    assert _texts(validate.line_problems(auth)) == _texts(_plain_line_problems(auth))


@settings(max_examples=100, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=4))
def test_holding_lines_in_place_is_with_lines(lines: list[ServiceLine]) -> None:
    """An import's draft takes its lines in place (service_lines.hold_lines): the same record
    as the copy with_lines makes."""
    auth = Authorization(id=-1, client=1, payer=1, auth_number="A-1", notes="n", units_authorized=4)
    made = service_lines.with_lines(auth, lines, made_for_it=True)
    service_lines.hold_lines(auth, lines)
    assert auth == made
    assert auth.lines == made.lines and (not lines[1:] or auth.lines[0] is lines[0])


_CODE = st.sampled_from(["97153", "97153-HN", "97155", "97155-HO-U1", "H2019", "H2019-HN", "90837"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CODE, max_size=3), min_size=1, max_size=3), st.lists(_CODE, max_size=3))
def test_a_rows_codes_overlap_a_groups_as_the_sets_say(
    held: list[list[str]], codes: list[str]
) -> None:
    """sync.planning.line_groups._CodeSets.overlaps looks code by code: as the intersections of the
    two groups' sets (and as priorauth.rules.codes_overlap with each row)."""
    group = _CodeSets(held[0])
    for more in held[1:]:
        group.add(more)
    mine = _CodeSets(codes)
    plain = bool(group.exact & mine.exact or group.based & mine.plain or mine.based & group.plain)
    assert group.overlaps(codes) == plain
    if codes and all(held):  # (a row without codes is refused before: it overlaps anything)
        assert plain == any(rules.codes_overlap(codes, row) for row in held)


_COVERAGE = st.builds(
    ClientInsurance,
    payer_id=st.sampled_from([1, 2, 3]),
    start_date=st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))),
    end_date=st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))),
)


@given(st.lists(_COVERAGE, max_size=4), st.sampled_from([1, 2, 3]))
def test_having_a_coverage_with_a_payer_is_coverage_for_any_day(
    covs: list[ClientInsurance], payer: int
) -> None:
    kid = Client(id=1, last_name="Lee", insurances=covs)
    found = coverage.coverage_for(kid, payer, None)
    assert coverage.has_coverage_with(kid, payer) == (found is not None)


@given(_COVERAGE, _COVERAGE)
def test_overlap_is_the_later_start_when_not_after_the_earlier_end(
    a: ClientInsurance, b: ClientInsurance
) -> None:
    start = max(a.start_date or dt.date.min, b.start_date or dt.date.min)
    end = min(a.end_date or dt.date.max, b.end_date or dt.date.max)
    assert coverage.overlap(a, b) == (start if start <= end else None)


@given(st.lists(_COVERAGE, max_size=5), st.lists(st.sampled_from(list(Priority)), min_size=5))
def test_sorting_by_priority_is_by_rank_then_start(
    covs: list[ClientInsurance], priorities: list[Priority]
) -> None:
    for c, priority in zip(covs, priorities, strict=False):
        c.priority = priority
    ordered = list(covs)
    coverage.sort_by_priority(ordered)
    expected = sorted(covs, key=lambda c: (coverage.rank(c.priority), c.start_date or dt.date.min))
    assert [id(c) for c in ordered] == [id(c) for c in expected]
