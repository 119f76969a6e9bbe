"""Each notification kind at its boundary days, on small in-memory snapshots."""

from __future__ import annotations

import datetime as dt

import pytest

from priorauth import notify
from priorauth.data import Data
from priorauth.model import (
    Authorization,
    CapMeasure,
    CapPeriod,
    Client,
    ClientInsurance,
    ClientStatus,
    Payer,
    PracticeSettings,
    Priority,
    RequestStatus,
    Service,
)

D = dt.date
TODAY = D(2026, 11, 23)  # a Monday
AETNA, CIGNA, TRICARE = 1, 2, 3


def auth(**fields: object) -> Authorization:
    values: dict[str, object] = {
        "client": 1,
        "payer": AETNA,
        "auth_number": "A100",
        "start_date": D(2026, 9, 1),
        "end_date": D(2026, 12, 31),
    }
    values.update(fields)
    return Authorization(**values)  # type: ignore[arg-type]


def service(day: dt.date, units: int = 1, **fields: object) -> Service:
    values: dict[str, object] = {"client": 1, "payer": AETNA, "date": day, "units": units}
    values.update(fields)
    return Service(**values)  # type: ignore[arg-type]


def client(cid: int = 1, **fields: object) -> Client:
    values: dict[str, object] = {
        "id": cid,
        "client_id": f"C{cid:04d}",
        "first_name": "Ann",
        "last_name": f"Lee{cid}",
        "clinician": "alice",
        "insurances": [ClientInsurance(payer_id=AETNA, priority=Priority.PRIMARY)],
    }
    values.update(fields)
    return Client(**values)  # type: ignore[arg-type]


def world(
    *auths: Authorization,
    services: tuple[Service, ...] | list[Service] = (),
    clients: list[Client] | None = None,
) -> Data:
    """A snapshot: Aetna and Cigna require prior auth, Tricare does not; client 1 has Aetna."""
    data = Data(
        payers={
            AETNA: Payer(id=AETNA, name="Aetna", turnaround_days=10),
            CIGNA: Payer(id=CIGNA, name="Cigna", turnaround_days=14),
            TRICARE: Payer(id=TRICARE, name="Tricare", prior_auth_required=False),
        }
    )
    for c in clients or [client()]:
        data.clients[c.id] = c
    for i, a in enumerate(auths, start=1):
        a.id = a.id or i
        data.authorizations[a.id] = a
    for i, s in enumerate(services, start=1):
        s.id = s.id or i
        data.services[s.id] = s
    return data


def of_kind(data: Data, today: dt.date, kind: str, **kw: object) -> list[notify.Notification]:
    return [n for n in notify.compute(data, today, **kw) if n.kind == kind]  # type: ignore[arg-type]


def kinds(data: Data, today: dt.date) -> set[str]:
    return {n.kind for n in notify.compute(data, today)}


# --- expiring and expired -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "reminder", "today", "expected"),
    [
        (D(2026, 12, 31), 30, D(2026, 12, 1), {"expiring"}),  # exactly N days before
        (D(2026, 12, 31), 30, D(2026, 11, 30), set()),  # N + 1 days before
        (D(2026, 12, 31), 30, D(2026, 12, 31), {"expiring"}),  # the end date itself
        (D(2026, 12, 31), 30, D(2027, 1, 1), {"expired"}),  # the day after
        (D(2026, 12, 31), 7, D(2026, 12, 24), {"expiring"}),
        (D(2026, 12, 31), 7, D(2026, 12, 23), set()),
        (D(2026, 12, 31), 0, D(2026, 12, 31), {"expiring"}),  # 0 = on the day only
        (D(2026, 12, 31), 0, D(2026, 12, 30), set()),
        (D(2028, 2, 29), 30, D(2028, 1, 30), {"expiring"}),  # leap day end, 30 days before
        (D(2028, 2, 29), 30, D(2028, 1, 29), set()),
        (D(2028, 2, 29), 30, D(2028, 2, 29), {"expiring"}),
        (D(2028, 2, 29), 30, D(2028, 3, 1), {"expired"}),
        (D(2027, 3, 31), 30, D(2027, 3, 1), {"expiring"}),  # month end, across February
        (D(2027, 3, 31), 30, D(2027, 2, 28), set()),
        (D(2027, 2, 28), 28, D(2027, 1, 31), {"expiring"}),
        (D(2027, 2, 28), 28, D(2027, 1, 30), set()),
        (D(2027, 2, 28), 28, D(2027, 3, 1), {"expired"}),
    ],
)
def test_expiring_and_expired_boundaries(
    end: dt.date, reminder: int, today: dt.date, expected: set[str]
) -> None:
    data = world(auth(start_date=D(2026, 6, 1), end_date=end, reminder_days=reminder))
    assert kinds(data, today) & {"expiring", "expired"} == expected


def test_expiring_message_date_and_key() -> None:
    data = world(auth(end_date=D(2026, 12, 3)))
    (n,) = of_kind(data, TODAY, "expiring")
    assert n.date == D(2026, 12, 3)
    assert n.payer == "Aetna" and n.client == 1 and n.authorization == 1
    assert n.message == "Aetna authorization A100 expires in 10 days, on 12/03/2026."
    assert n.key == "expiring:1"
    (today,) = of_kind(world(auth(end_date=TODAY)), TODAY, "expiring")
    assert "expires today" in today.message
    (tomorrow,) = of_kind(world(auth(end_date=D(2026, 11, 24))), TODAY, "expiring")
    assert "expires tomorrow" in tomorrow.message


def test_no_reminder_means_no_expiring_but_expired_still_shows() -> None:
    a = auth(end_date=D(2026, 11, 30), reminder_days=None)
    assert not of_kind(world(a), TODAY, "expiring")
    assert not of_kind(world(a), D(2026, 11, 30), "expiring")
    (expired,) = of_kind(world(a), D(2026, 12, 1), "expired")
    assert expired.date == D(2026, 11, 30)
    assert "ended 11/30/2026" in expired.message and "still marked active" in expired.message


def test_default_reminder_is_thirty_days() -> None:
    assert Authorization(client=1, payer=1).reminder_days == 30
    data = world(auth(end_date=TODAY + dt.timedelta(days=30)))
    assert of_kind(data, TODAY, "expiring")


def test_inactive_open_ended_and_discharged_do_not_expire() -> None:
    dated = {"expiring", "expired"}
    assert not kinds(world(auth(end_date=D(2026, 11, 30), active=False)), TODAY) & dated
    assert not kinds(world(auth(end_date=D(2026, 11, 1), active=False)), TODAY) & dated
    assert not kinds(world(auth(end_date=None)), TODAY)
    discharged = [client(status=ClientStatus.DISCHARGED)]
    assert not kinds(world(auth(end_date=D(2026, 11, 30)), clients=discharged), TODAY)
    assert not kinds(world(auth(end_date=D(2026, 11, 1)), clients=discharged), TODAY)


def test_expired_is_not_also_no_active_auth() -> None:
    data = world(auth(end_date=D(2026, 11, 1)))
    assert kinds(data, TODAY) == {"expired"}


# --- low, exhausted -----------------------------------------------------------------------------


def _used(units_authorized: int, used: int, **fields: object) -> Data:
    return world(auth(units_authorized=units_authorized, carried_units_used=used, **fields))


@pytest.mark.parametrize(
    ("authorized", "used", "expected"),
    [
        (20, 15, set()),  # 5 left: above 20 % (4)
        (20, 16, {"low_remaining"}),  # 4 left: exactly 20 %
        (20, 19, {"low_remaining"}),  # 1 left
        (20, 20, {"exhausted"}),  # 0 left
        (20, 22, {"exhausted"}),  # 2 over
        (3, 1, set()),  # 2 left of 3: above both 20 % (0.6) and the floor (1)
        (3, 2, {"low_remaining"}),  # 1 left: the floor of 1
        (0, 0, {"exhausted"}),
    ],
)
def test_low_and_exhausted_units(authorized: int, used: int, expected: set[str]) -> None:
    assert kinds(_used(authorized, used), TODAY) & {"low_remaining", "exhausted"} == expected


def test_low_threshold_comes_from_practice_settings() -> None:
    data = _used(20, 11)  # 9 left = 45 %
    assert not of_kind(data, TODAY, "low_remaining")
    half = PracticeSettings(low_percent=50, low_floor=1)
    assert of_kind(data, TODAY, "low_remaining", settings=half)
    floor = PracticeSettings(low_percent=0, low_floor=9)
    assert of_kind(data, TODAY, "low_remaining", settings=floor)
    data.settings = {"low_percent": 50, "low_floor": 1, "rev": 1}
    assert of_kind(data, TODAY, "low_remaining")  # read from the snapshot's settings table


def test_visits_are_distinct_days() -> None:
    a = auth(visits_authorized=5, units_authorized=100)
    days = [D(2026, 11, 2), D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16), D(2026, 11, 16)]
    data = world(a, services=[service(d) for d in days])
    assert not kinds(data, TODAY) & {"low_remaining", "exhausted"}  # 3 visits used, 2 left
    days.append(D(2026, 11, 20))  # a fourth day: 1 of 5 left
    data = world(
        auth(visits_authorized=5, units_authorized=100), services=[service(d) for d in days]
    )
    (low,) = of_kind(data, TODAY, "low_remaining")
    assert "1 of 5 visits left" in low.message and "units" not in low.message
    days += [D(2026, 11, 20), D(2026, 11, 21)]  # same day again, then a fifth day
    data = world(
        auth(visits_authorized=5, units_authorized=100), services=[service(d) for d in days]
    )
    (gone,) = of_kind(data, TODAY, "exhausted")
    assert "5 of 5 visits used" in gone.message
    assert gone.date == D(2026, 11, 21)  # the day the last visit was used
    assert not of_kind(data, TODAY, "low_remaining")  # 8 of 100 units used: fine


def test_exhausted_says_by_how_much_and_since_when() -> None:
    services = [service(D(2026, 10, day), units=4) for day in (5, 12, 19, 26)]  # 16 units
    data = world(auth(units_authorized=14), services=services)
    (n,) = of_kind(data, TODAY, "exhausted")
    assert n.message == "Aetna authorization A100 is used up: 16 of 14 units used (2 over)."
    assert n.date == D(2026, 10, 26)  # the service that crossed 14
    carried = _used(10, 10)
    (c,) = of_kind(carried, TODAY, "exhausted")
    assert c.date == D(2026, 9, 1)  # used up before tracking began: the start date


def test_scheduled_services_are_not_used_yet() -> None:
    past = [service(D(2026, 11, d)) for d in (2, 9, 16)]
    future = [service(D(2026, 12, d)) for d in (1, 8, 15, 22)]
    data = world(auth(units_authorized=7, end_date=D(2027, 6, 30)), services=past + future)
    assert not of_kind(data, TODAY, "exhausted")
    four = world(auth(units_authorized=4), services=past + future)
    (low,) = of_kind(four, TODAY, "low_remaining")
    assert low.message.endswith("1 of 4 units left, 4 more already scheduled.")


def test_no_cap_is_never_low() -> None:
    data = world(auth(), services=[service(D(2026, 11, d)) for d in range(1, 22)])
    assert not kinds(data, TODAY) & {"low_remaining", "exhausted", "projected_exhaustion"}


def test_denied_and_not_started_authorizations() -> None:
    denied = auth(status=RequestStatus.DENIED, active=False, units_authorized=0)
    assert "exhausted" not in kinds(world(denied), TODAY)
    later = auth(start_date=D(2026, 12, 1), end_date=D(2027, 5, 31), units_authorized=0)
    assert "exhausted" not in kinds(world(later), TODAY)


# --- projected exhaustion -----------------------------------------------------------------------

WEEKLY = [service(D(2026, 10, 27), 2), service(D(2026, 11, 3), 2)]
WEEKLY += [service(D(2026, 11, 10), 2), service(D(2026, 11, 17), 2)]  # 2 units a week


END = D(2026, 12, 31)


def _paced(carried: int, end: dt.date | None = END) -> Data:
    services = [service(s.date, s.units) for s in WEEKLY]
    return world(
        auth(units_authorized=30, carried_units_used=carried, end_date=end), services=services
    )


def test_projected_exhaustion_at_a_clear_pace() -> None:
    # 30 authorized, 14 carried + 8 in the last 4 weeks = 22 used, 8 left at 2 a week = 28 days
    (n,) = of_kind(_paced(14), TODAY, "projected_exhaustion")
    assert n.date == D(2026, 12, 21)
    assert n.message == (
        "At 2.0 units a week, the 8 units left on Aetna authorization A100 run out around "
        "12/21/2026, 10 days before it ends on 12/31/2026."
    )


def test_no_projection_when_the_counts_last() -> None:
    assert not of_kind(_paced(10), TODAY, "projected_exhaustion")  # 12 left: 42 days > end
    assert not of_kind(_paced(14, end=D(2026, 12, 21)), TODAY, "projected_exhaustion")  # just
    assert of_kind(_paced(14, end=D(2026, 12, 22)), TODAY, "projected_exhaustion")


def test_no_projection_without_recent_use() -> None:
    old = [service(D(2026, 9, d), 2) for d in (7, 14, 21)]
    data = world(auth(units_authorized=30, carried_units_used=20), services=old)
    assert not of_kind(data, TODAY, "projected_exhaustion")


def test_projection_for_open_ended_authorization() -> None:
    (n,) = of_kind(_paced(14, end=None), TODAY, "projected_exhaustion")
    assert n.date == D(2026, 12, 21) and "no end date" in n.message


def test_projection_looks_ninety_days_ahead() -> None:
    # 30 - 4 carried - 8 recent = 18 left at 2 a week: 63 days; 26 left would be 91 days
    assert of_kind(_paced(4, end=None), TODAY, "projected_exhaustion")
    assert of_kind(_paced(0, end=D(2027, 3, 1)), TODAY, "projected_exhaustion")  # 22: 77 days
    far = world(
        auth(units_authorized=34, carried_units_used=0, end_date=None),
        services=[service(s.date, s.units) for s in WEEKLY],
    )  # 26 left: 91 days
    assert not of_kind(far, TODAY, "projected_exhaustion")


def test_projection_counts_visits_as_days() -> None:
    services = [service(d) for d in (D(2026, 11, 2), D(2026, 11, 2), D(2026, 11, 9))]
    services += [service(D(2026, 11, 16)), service(D(2026, 11, 23))]  # 4 days in 4 weeks
    a = auth(visits_authorized=10, carried_visits_used=2)  # 6 used, 4 left: 1 a week
    (n,) = of_kind(world(a, services=services), TODAY, "projected_exhaustion")
    assert n.date == D(2026, 12, 21) and "4 visits left" in n.message


def test_pace_window_follows_settings() -> None:
    settings = PracticeSettings(pace_weeks=1)  # only the last week: 1 service of 2 units
    (n,) = of_kind(_paced(14), TODAY, "projected_exhaustion", settings=settings)
    assert n.date == D(2026, 12, 21)  # 2 a week either way
    settings = PracticeSettings(pace_weeks=8)  # 8 units over 8 weeks: 1 a week, 56 days
    assert not of_kind(_paced(14), TODAY, "projected_exhaustion", settings=settings)


# --- over cap -----------------------------------------------------------------------------------


def _capped(amount: int, period: CapPeriod, measure: CapMeasure, days: list[dt.date]) -> Data:
    a = auth(cap_amount=amount, cap_period=period, cap_measure=measure)
    return world(a, services=[service(d) for d in days])


def test_over_cap_per_week_units_monday_to_sunday() -> None:
    week = [D(2026, 11, 16), D(2026, 11, 18), D(2026, 11, 22)]  # Mon, Wed, Sun
    (n,) = of_kind(_capped(2, CapPeriod.WEEK, CapMeasure.UNITS, week), TODAY, "over_cap")
    assert n.date == D(2026, 11, 16) and n.key == "over_cap:1:2026-11-16"
    assert n.message == (
        "Aetna authorization A100 allows 2 units a week; the week of 11/16/2026 has 3 (1 over)."
    )
    split = [
        D(2026, 11, 15),
        D(2026, 11, 21),
        D(2026, 11, 22),
        D(2026, 11, 23),
    ]  # Sun | Sat Sun | Mon
    assert not of_kind(_capped(2, CapPeriod.WEEK, CapMeasure.UNITS, split), TODAY, "over_cap")


def test_over_cap_per_week_visits_are_days() -> None:
    two_days = [D(2026, 11, 16), D(2026, 11, 16), D(2026, 11, 17)]
    assert not of_kind(_capped(2, CapPeriod.WEEK, CapMeasure.VISITS, two_days), TODAY, "over_cap")
    three_days = [*two_days, D(2026, 11, 20)]
    (n,) = of_kind(_capped(2, CapPeriod.WEEK, CapMeasure.VISITS, three_days), TODAY, "over_cap")
    assert "allows 2 visits a week" in n.message and "has 3 (1 over)" in n.message


def test_over_cap_per_month() -> None:
    november = [D(2026, 11, d) for d in (2, 5, 9, 12, 16, 19, 20, 21, 22)]  # 9
    around = [D(2026, 10, 31), D(2026, 12, 1)]
    data = _capped(9, CapPeriod.MONTH, CapMeasure.UNITS, november + around)
    assert not of_kind(data, TODAY, "over_cap")
    data = _capped(8, CapPeriod.MONTH, CapMeasure.UNITS, november + around)
    (n,) = of_kind(data, TODAY, "over_cap")
    assert n.date == D(2026, 11, 1)
    assert "allows 8 units a month; November 2026 has 9 (1 over)" in n.message


def test_over_cap_in_a_leap_february() -> None:
    a = auth(
        start_date=D(2028, 1, 1),
        end_date=D(2028, 6, 30),
        cap_amount=2,
        cap_period=CapPeriod.MONTH,
        cap_measure=CapMeasure.VISITS,
    )
    days = [D(2028, 2, 1), D(2028, 2, 28), D(2028, 2, 29), D(2028, 3, 1)]
    (n,) = of_kind(world(a, services=[service(d) for d in days]), D(2028, 3, 2), "over_cap")
    assert n.date == D(2028, 2, 1) and "February 2028 has 3" in n.message


def test_over_cap_includes_schedule_but_not_old_periods() -> None:
    scheduled = [D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2)]
    (n,) = of_kind(_capped(2, CapPeriod.WEEK, CapMeasure.UNITS, scheduled), TODAY, "over_cap")
    assert "has 3 recorded or scheduled" in n.message
    old = [D(2026, 9, 14), D(2026, 9, 15), D(2026, 9, 16)]
    assert not of_kind(_capped(2, CapPeriod.WEEK, CapMeasure.UNITS, old), TODAY, "over_cap")
    recent = [D(2026, 10, 19), D(2026, 10, 20), D(2026, 10, 25)]  # week ends 10/25 >= 10/23
    assert of_kind(_capped(2, CapPeriod.WEEK, CapMeasure.UNITS, recent), TODAY, "over_cap")


# --- follow-up, no active authorization, services outside ---------------------------------------


@pytest.mark.parametrize(
    ("status", "follow_up", "due"),
    [
        (RequestStatus.PENDING, TODAY, True),
        (RequestStatus.PENDING, TODAY - dt.timedelta(days=1), True),
        (RequestStatus.REQUESTED, TODAY - dt.timedelta(days=20), True),
        (RequestStatus.PENDING, TODAY + dt.timedelta(days=1), False),
        (RequestStatus.APPROVED, TODAY - dt.timedelta(days=1), False),
        (RequestStatus.DENIED, TODAY - dt.timedelta(days=1), False),
        (RequestStatus.PENDING, None, False),
    ],
)
def test_follow_up_due(status: RequestStatus, follow_up: dt.date | None, due: bool) -> None:
    current = auth()
    request = auth(
        status=status,
        active=False,
        auth_number="",
        start_date=D(2027, 1, 1),
        end_date=D(2027, 6, 30),
        follow_up_on=follow_up,
        payer_reference="REF-9",
    )
    found = of_kind(world(current, request), TODAY, "follow_up_due")
    assert bool(found) is due
    if due:
        assert found[0].date == follow_up and found[0].authorization == 2
        assert "REF-9" in found[0].message


def test_no_active_auth_honours_prior_auth_required_and_discharge() -> None:
    insured = [
        ClientInsurance(payer_id=AETNA, priority=Priority.PRIMARY),
        ClientInsurance(payer_id=TRICARE, priority=Priority.SECONDARY, prior_auth_required=False),
        ClientInsurance(
            payer_id=CIGNA, priority=Priority.TERTIARY, prior_auth_required=False
        ),  # the client's own setting wins over the payer's default
    ]
    (n,) = of_kind(world(clients=[client(insurances=insured)]), TODAY, "no_active_auth")
    assert n.payer == "Aetna" and n.authorization is None and n.key == "no_active_auth:1:1"
    assert n.message == "No active Aetna authorization covers 11/23/2026, and Aetna requires one."
    discharged = client(insurances=insured, status=ClientStatus.DISCHARGED)
    assert not of_kind(world(clients=[discharged]), TODAY, "no_active_auth")


def test_no_active_auth_only_when_nothing_active_covers_today() -> None:
    assert not of_kind(world(auth()), TODAY, "no_active_auth")
    assert of_kind(world(auth(active=False)), TODAY, "no_active_auth")  # inactive covers nothing
    ended = auth(start_date=D(2026, 5, 1), end_date=D(2026, 10, 31), active=False)
    upcoming = auth(start_date=D(2026, 12, 1), end_date=D(2027, 5, 31))
    pending = auth(status=RequestStatus.PENDING, active=False, start_date=None, end_date=None)
    (n,) = of_kind(world(ended, upcoming, pending), TODAY, "no_active_auth")
    assert n.date == D(2026, 11, 1)  # not covered since the day after the last one ended
    assert "the last one ended 10/31/2026" in n.message
    assert "the next one starts 12/01/2026" in n.message
    assert "a request is pending" in n.message
    # the end date itself is still covered; the day after is not
    last_day = auth(end_date=TODAY, active=True)
    assert not of_kind(world(last_day), TODAY, "no_active_auth")


def test_service_outside_auth() -> None:
    a = auth(procedure_codes=["90837"], start_date=D(2026, 9, 1), end_date=D(2026, 12, 31))
    services = [
        service(D(2026, 11, 2), procedure_code="90837"),  # covered
        service(D(2026, 8, 31), procedure_code="90837"),  # the day before the start
        service(D(2026, 11, 3), procedure_code="90791"),  # code not authorized
        service(D(2027, 1, 1), procedure_code="90837"),  # after the end: scheduled
        service(D(2026, 11, 4), payer=TRICARE, procedure_code="90837"),  # no prior auth needed
    ]
    client_ins = [
        ClientInsurance(payer_id=AETNA, priority=Priority.PRIMARY),
        ClientInsurance(payer_id=TRICARE, priority=Priority.SECONDARY, prior_auth_required=False),
    ]
    data = world(a, services=services, clients=[client(insurances=client_ins)])
    found = of_kind(data, TODAY, "service_outside_auth")
    assert [n.date for n in found] == [D(2026, 8, 31), D(2026, 11, 3), D(2027, 1, 1)]
    assert found[0].message == (
        "The 90837 session on 08/31/2026 (1 unit, Aetna) is not covered by any authorization."
    )
    assert "scheduled for 01/01/2027" in found[2].message
    assert {n.key for n in found} == {
        "service_outside_auth:2",
        "service_outside_auth:3",
        "service_outside_auth:4",
    }


# --- order, identity ----------------------------------------------------------------------------


def test_sorted_by_urgency_kind_first_then_date() -> None:
    clients = [client(1), client(2), client(3)]
    data = world(
        auth(client=1, end_date=D(2026, 12, 20)),
        auth(client=2, end_date=D(2026, 12, 1), units_authorized=10, carried_units_used=10),
        auth(client=3, end_date=D(2026, 11, 20)),
        clients=clients,
    )
    found = notify.compute(data, TODAY)
    assert [(n.kind, n.client) for n in found] == [
        ("exhausted", 2),
        ("expired", 3),
        ("expiring", 2),
        ("expiring", 1),
    ]
    assert [n.urgency for n in found] == sorted(n.urgency for n in found)
    assert list(notify.KIND_LABELS) == list(notify.KINDS)
    assert all(isinstance(label, str) and label for label in notify.KIND_LABELS.values())


def test_key_is_stable_and_fingerprint_follows_the_facts() -> None:
    first = of_kind(world(auth(end_date=D(2026, 12, 10))), TODAY, "expiring")[0]
    later = of_kind(world(auth(end_date=D(2026, 12, 10))), D(2026, 12, 1), "expiring")[0]
    moved = of_kind(world(auth(end_date=D(2026, 12, 12))), TODAY, "expiring")[0]
    assert first.key == later.key == moved.key
    assert first.fingerprint == later.fingerprint != moved.fingerprint
    low = of_kind(_used(20, 17), TODAY, "low_remaining")[0]
    lower = of_kind(_used(20, 18), TODAY, "low_remaining")[0]
    assert low.key == lower.key and low.fingerprint != lower.fingerprint


def test_results_are_cached_per_snapshot_and_day() -> None:
    data = world(auth(end_date=D(2026, 12, 10)))
    first = notify.compute(data, TODAY)
    assert notify.compute(data, TODAY) == first
    first.clear()  # callers get their own list
    assert notify.compute(data, TODAY)
    assert notify.compute(data, D(2026, 10, 1)) == []
