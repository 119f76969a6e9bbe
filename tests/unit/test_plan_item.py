"""An import plan's Item words its record when first read: its description given as text, as a
function, or as a tuple of a function and its arguments (what the planner gives every row: it
is cheaper to make than a partial) reads the same."""

from __future__ import annotations

from functools import partial

from sync.planning.merge import Item


def _words(prefix: str, name: str, row: int) -> str:
    return f"{prefix}{name} of row {row}"


def test_a_description_in_any_form_reads_the_same() -> None:
    expected = "new Ann of row 3"
    calls: list[int] = []

    def counted(prefix: str, name: str, row: int) -> str:
        calls.append(row)
        return _words(prefix, name, row)

    items = [
        Item("Log", 3, expected),
        Item("Log", 3, partial(_words, "new ", "Ann", 3)),
        Item("Log", 3, (_words, "new ", "Ann", 3)),
        Item("Log", 3, (counted, "new ", "Ann", 3), ["units 5 → 6"]),
    ]
    assert [i.description for i in items] == [expected] * 4
    assert [str(i) for i in items[:3]] == [f"row 3: {expected}"] * 3
    assert str(items[3]) == f"row 3: {expected}: units 5 → 6"
    assert items[3].description == expected and calls == [3]  # (worded once, then kept)
