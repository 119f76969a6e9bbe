"""The notification run's faster per-line counts give exactly what the plain ones give: line
tallies (one pass per line, the services split once) beside line_usages and a plain count of the
recent pace; a projection beside the one-Projection-per-measure way; Usage still a frozen
dataclass though it sets its fields itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import pace
from priorauth.model import Authorization, LineMeasure, Service, ServiceLine
from priorauth.service_lines import line_index, with_lines
from priorauth.usage import LineUsage, Usage, line_tallies, line_usages, services_by_line

TODAY = dt.date(2026, 3, 15)
CODES = ["97153", "97155", "97156", "97153-HN", "90837"]

counts = st.one_of(st.none(), st.integers(min_value=1, max_value=60))
lines = st.builds(
    ServiceLine,
    codes=st.lists(st.sampled_from(CODES[:4]), max_size=2, unique=True),
    units_authorized=counts,
    visits_authorized=counts,
    carried_units_used=st.integers(min_value=0, max_value=5),
    carried_visits_used=st.integers(min_value=0, max_value=3),
    measure=st.sampled_from([LineMeasure.UNITS, LineMeasure.HOURS]),
)
services = st.lists(
    st.builds(
        Service,
        client=st.just(1),
        payer=st.just(1),
        date=st.integers(min_value=-60, max_value=30).map(lambda d: TODAY + dt.timedelta(days=d)),
        procedure_code=st.sampled_from(CODES),
        units=st.integers(min_value=1, max_value=8),
    ),
    max_size=30,
)


def _auth(service_lines: list[ServiceLine]) -> Authorization:
    base = Authorization(id=1, client=1, payer=1, start_date=TODAY - dt.timedelta(days=90))
    return with_lines(base, service_lines)


def _in_date_order(found: list[Service]) -> list[Service]:
    for i, service in enumerate(found, start=1):
        service.id = i
    return sorted(found, key=lambda s: (s.date, s.id))  # as rules.services_for keeps them


def _recent(line: ServiceLine, held: list[Service], since: dt.date) -> tuple[float, int]:
    recent = [s for s in held if since <= s.date <= TODAY]
    units: float = sum(s.units for s in recent)
    if line.measure == LineMeasure.HOURS:
        units = units / 4
    return units, len({s.date for s in recent})


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, min_size=2, max_size=3), services, st.integers(min_value=0, max_value=40))
def test_line_tallies_are_line_usages_and_the_plain_recent_pace(
    service_lines: list[ServiceLine], found: list[Service], back: int
) -> None:
    auth = _auth(service_lines)
    held = _in_date_order(found)
    since = TODAY - dt.timedelta(days=back)
    tallies, recents = line_tallies(auth, held, TODAY, since)
    assert [t.usage for t in tallies] == [u.usage for u in line_usages(auth, held, TODAY)]
    assert [(t.index, t.line) for t in tallies] == list(enumerate(auth.lines))
    split, _ = services_by_line(auth, held)
    plain = [_recent(line, part, since) for line, part in zip(auth.lines, split, strict=True)]
    assert recents == plain
    assert [[type(x) for x in r] for r in recents] == [[type(x) for x in r] for r in plain]
    assert line_tallies(auth, held, TODAY, since, split) == (tallies, recents)


def _old_projection(
    auth: Authorization, use: Usage, used: dict[str, float], days: int
) -> pace.Projection | None:
    """The projection as it was worked out before: a Projection per measure, the earliest kept."""
    best = None
    for measure, left in (("units", use.units_remaining), ("visits", use.visits_remaining)):
        if left is None or left <= 0:
            continue
        amount = used[measure]
        if amount <= 0:
            continue
        if isinstance(left, int) and isinstance(amount, int):
            run_out = TODAY + dt.timedelta(days=-(-left * days // amount))
        else:
            run_out = TODAY + dt.timedelta(days=math.ceil(left * days / amount))
        candidate = pace.Projection(measure, left, amount, days, run_out, auth.end_date)
        if best is None or candidate.run_out < best.run_out:
            best = candidate
    if best is None or not best.runs_out_early:
        return None
    return best


@settings(max_examples=300, deadline=None)
@given(
    counts,
    counts,
    st.integers(min_value=0, max_value=70),
    st.integers(min_value=0, max_value=30),
    st.one_of(  # units, or hours (quarters)
        st.integers(min_value=0, max_value=40), st.integers(0, 160).map(lambda q: q / 4)
    ),
    st.integers(min_value=0, max_value=20),
    st.one_of(st.none(), st.integers(min_value=-5, max_value=120)),
)
def test_a_line_projection_is_the_earliest_run_out_as_before(
    units: int | None,
    visits: int | None,
    units_used: int,
    visits_used: int,
    recent_units: float,
    recent_visits: int,
    ends_in: int | None,
) -> None:
    end = None if ends_in is None else TODAY + dt.timedelta(days=ends_in)
    auth = Authorization(id=1, client=1, payer=1, start_date=TODAY, end_date=end)
    use = Usage(units, visits, units_used, visits_used, 0, 0)
    days = 28
    got = pace.line_projection(auth, use, (recent_units, recent_visits), TODAY, days=days)
    expected = (
        None
        if not recent_visits
        else _old_projection(auth, use, {"units": recent_units, "visits": recent_visits}, days)
    )
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.builds(
            ServiceLine,
            codes=st.lists(st.sampled_from([*CODES, ""]), max_size=2, unique=True),
        ),
        min_size=2,
        max_size=3,
    ),
    services,
)
def test_services_by_line_is_line_index_of_each_service(
    service_lines: list[ServiceLine], found: list[Service]
) -> None:
    """The split (a code -> line dictionary started from the lines' own codes) puts each service
    where line_index says, in the services' order."""
    auth = _auth(service_lines)
    held = _in_date_order(found)
    for service in held[::3]:
        service.procedure_code = ""  # (a service with no code: the first line with none, if any)
    split, unheld = services_by_line(auth, held)
    plain: list[list[Service]] = [[] for _ in auth.lines]
    plain_unheld = []
    for service in held:
        i = line_index(auth, service.procedure_code)
        (plain_unheld if i is None else plain[i]).append(service)
    assert split == plain and unheld == plain_unheld


@settings(max_examples=300, deadline=None)
@given(
    counts,
    counts,
    st.integers(min_value=0, max_value=70),
    st.integers(min_value=0, max_value=30),
    st.one_of(st.integers(min_value=0, max_value=40), st.integers(0, 160).map(lambda q: q / 4)),
    st.integers(min_value=0, max_value=20),
    st.one_of(st.none(), st.integers(min_value=-5, max_value=120)),
    st.integers(min_value=-2, max_value=100),
)
def test_a_line_projection_within_a_horizon_is_the_one_made_then_dropped_beyond_it(
    units: int | None,
    visits: int | None,
    units_used: int,
    visits_used: int,
    recent_units: float,
    recent_visits: int,
    ends_in: int | None,
    within: int,
) -> None:
    end = None if ends_in is None else TODAY + dt.timedelta(days=ends_in)
    auth = Authorization(id=1, client=1, payer=1, start_date=TODAY, end_date=end)
    use = Usage(units, visits, units_used, visits_used, 0, 0)
    recent = (recent_units, recent_visits)
    got = pace.line_projection(auth, use, recent, TODAY, days=28, within=within)
    made = pace.line_projection(auth, use, recent, TODAY, days=28)
    assert got == (None if made is None or (made.run_out - TODAY).days > within else made)


def test_usage_is_still_a_frozen_dataclass() -> None:
    use = Usage(10, None, 3, 2, 1, 1)
    same = Usage(
        units_authorized=10,
        visits_authorized=None,
        units_used=3,
        visits_used=2,
        units_scheduled=1,
        visits_scheduled=1,
    )
    assert use == same and hash(use) == hash(same)
    assert repr(use) == (
        "Usage(units_authorized=10, visits_authorized=None, units_used=3, visits_used=2, "
        "units_scheduled=1, visits_scheduled=1)"
    )
    assert dataclasses.replace(use, units_used=12).units_remaining == -2
    assert dataclasses.asdict(use)["units_used"] == 3
    assert pickle.loads(pickle.dumps(use)) == use
    with pytest.raises(dataclasses.FrozenInstanceError):
        use.units_used = 4  # type: ignore[misc]
    line = LineUsage(0, ServiceLine(codes=["97153"]), use)
    assert line == LineUsage(0, ServiceLine(codes=["97153"]), same) and line.label == "97153"
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.index = 1  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(lines, min_size=2, max_size=3),
    services,
    st.one_of(st.none(), st.integers(min_value=-3, max_value=150)),
    st.integers(min_value=1, max_value=8),
)
def test_the_run_out_bound_leaves_out_no_projection_told_about(
    service_lines: list[ServiceLine], found: list[Service], ends_in: int | None, weeks: int
) -> None:
    """The notification run leaves out the projection of a line by a cheap bound: every line
    whose projection would be told about (run-out before the end, within the horizon; not used
    up) still has its projected_exhaustion notification."""
    from priorauth import notify_lines
    from priorauth.model import PracticeSettings

    end = None if ends_in is None else TODAY + dt.timedelta(days=ends_in)
    auth = dataclasses.replace(_auth(service_lines), end_date=end)
    held = _in_date_order(found)
    chosen = PracticeSettings(pace_weeks=weeks)
    told = [
        kw["key"]
        for kind, kw in notify_lines._line_notifications(
            auth, "A", TODAY, chosen, lambda kind, **kw: (kind, kw), held
        )
        if kind == "projected_exhaustion"
    ]
    since, days = pace.window_start(auth, TODAY, weeks)
    tallies, recents = line_tallies(auth, held, TODAY, since)
    expected = []
    for lu, recent in zip(tallies, recents, strict=True):
        if lu.usage.exhausted:
            continue
        made = pace.line_projection(auth, lu.usage, recent, TODAY, days=days)
        if made is not None and (made.run_out - TODAY).days <= notify_lines.PROJECTION_HORIZON_DAYS:
            expected.append(
                f"projected_exhaustion:{auth.id}:{notify_lines.line_key(lu.index, lu.line)}"
            )
    assert told == expected
