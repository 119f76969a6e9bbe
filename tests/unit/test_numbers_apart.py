"""Columns.numbers_apart: whether no two rows of a log give one authorization number, worked out
once for the drafts and the service-line groups, is what each of them worked out on its own
before (the drafts: every number's count of rows is one; the groups: the folded numbers are all
different), whatever the numbers: repeated, differing only in case, blank, not text."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.planning.drafts import Columns
from sync.recognising.columns import Col

_NUMBER = st.one_of(
    st.none(), st.just(""), st.sampled_from(["A-1", "a-1", "A-2", "B-9", "Straße", "STRASSE"])
)


def _columns(numbers: list[Any] | None) -> Columns:
    values = {} if numbers is None else {Col.AUTH_NUMBER: numbers}
    return Columns(SimpleNamespace(values=values))  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(_NUMBER, max_size=12))
def test_numbers_apart_is_what_the_drafts_and_the_groups_worked_out(numbers: list[Any]) -> None:
    apart = _columns(numbers).numbers_apart()
    # the drafts' own: a number is noted unless no other row has it (its count is one)
    texts = ["" if n is None else n for n in numbers]
    counts = Counter(map(str.casefold, texts))
    assert apart == all(counts[t.casefold()] == 1 for t in texts if t)
    # the groups' own: every non-blank folded number different
    folded = [n.casefold() for n in numbers if n]
    assert apart == (len(set(folded)) == len(folded))


@pytest.mark.parametrize("numbers", [None, [], [None, ""], [1, 2], ["A-1", 7]])
def test_no_numbers_or_numbers_not_text(numbers: list[Any] | None) -> None:
    expected = numbers is None or all(not n for n in numbers)
    assert _columns(numbers).numbers_apart() is expected


@settings(max_examples=200, deadline=None)
@given(st.lists(_NUMBER, max_size=12))
def test_folded_numbers_are_what_the_drafts_and_the_groups_folded(numbers: list[Any]) -> None:
    folded = _columns(numbers).folded_numbers()
    # the drafts' own (blank cells copied as ""), and the groups' own
    assert folded == list(map(str.casefold, ["" if n is None else n for n in numbers]))
    assert folded == [n.casefold() if n else "" for n in numbers]


@pytest.mark.parametrize("numbers", [[1, 2], ["A-1", 7], [0, "A"]])
def test_numbers_not_text_are_not_folded(numbers: list[Any]) -> None:
    assert _columns(numbers).folded_numbers() is None
