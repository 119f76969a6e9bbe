"""The shortcuts validation takes for the tens of thousands of records of an import say exactly
what the plain checks say: each is compared with the plain computation on generated records."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import validate
from priorauth.data import Data
from priorauth.model import Authorization, Client, ClientInsurance, Payer
from priorauth.usage import stated_counts

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
