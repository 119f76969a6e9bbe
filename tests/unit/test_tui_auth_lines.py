"""The authorization form's service lines, without a screen: widget ids, and the problems that
name their line (tui/forms/auth_lines.py)."""

from __future__ import annotations

from priorauth.model import CapPeriod, ServiceLine
from tui.forms import auth_lines


def test_widget_ids_of_line_1_are_the_forms_own_fields() -> None:
    assert auth_lines.widget_id("units", 1) == "units_authorized"
    assert auth_lines.widget_id("units", 3) == "units_authorized_l3"
    assert auth_lines.line_of_widget("units_authorized_l3") == ("units", 3)
    assert auth_lines.line_of_widget("cap_period") == ("cap_period", 1)
    assert auth_lines.line_of_widget("start_date") is None
    assert auth_lines.line_of_widget("auth_number") is None
    assert auth_lines.row_id("visits", 2) == "counts_l2"
    assert auth_lines.row_id("cap_period", 1) == "cap"


def test_problems_name_their_line() -> None:
    lines = [
        ServiceLine(codes=["97153"], units_authorized=320),
        ServiceLine(codes=["97155", "97153"], units_authorized=40),
        ServiceLine(codes=[], cap_amount=4, cap_period=CapPeriod.WEEK),
    ]
    assert auth_lines.line_problems(lines) == [
        (
            2,
            "codes",
            "line 2 (97155, 97153): 97153 is already on line 1; list each code on one line.",
        ),
        (
            3,
            "codes",
            "line 3 (no codes): an authorization of several lines needs each line's codes; type "
            "them or pick a group.",
        ),
        (
            3,
            "cap_amount",
            "line 3 (no codes): a weekly or monthly cap needs units or visits authorized; type "
            "them or clear the cap.",
        ),
    ]


def test_one_line_speaks_as_the_form_always_did() -> None:
    assert auth_lines.line_problems([ServiceLine(codes=["90837"], units_authorized=20)]) == []
    assert auth_lines.line_problems([ServiceLine(cap_amount=2, cap_period=CapPeriod.WEEK)]) == [
        (
            1,
            "cap_amount",
            "A weekly or monthly cap needs units or visits authorized; type them or clear the cap.",
        )
    ]


def test_a_negative_count_is_refused_naming_the_line() -> None:
    problems: list = []
    value = auth_lines.read_count(
        "-4",
        "units authorized",
        fractions=False,
        blank=None,
        prefix="line 2 (97155): ",
        field="counts_l2",
        problems=problems,
    )
    assert value is None
    assert [(str(p), p.field) for p in problems] == [
        (
            'line 2 (97155): "-4" is below zero; a number of units authorized cannot be negative.',
            "counts_l2",
        )
    ]
    hours: list = []
    assert (
        auth_lines.read_count(
            "7.5", "units", fractions=True, blank=None, prefix="", field="x", problems=hours
        )
        == 7.5
    )
    assert hours == []
