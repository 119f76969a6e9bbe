"""Which order a column's text dates are written in: month first (11/23/2026) or day first
(23/11/2026), decided per column from the dates only one order can read.

A column is read in one order from top to bottom, never mixed: the order its own dates show; when
they show none (every day is 12 or less), the order the sheet's other date columns show; else the
practice's order (a setting, month first unless changed, or ``--date-order``). A date that only
the other order can read, in a column that shows its order, is an error naming the cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from priorauth.grammar import DateOrder, numeric_readings
from sync.parsing.dates import RANGE_SPLIT, CellError, quoted
from sync.recognising.sheetreport import DateColumn


@dataclass
class Evidence:
    """What a column's text dates say about their order (counts of cells)."""

    mdy: int = 0  # cells only month first reads
    dmy: int = 0  # cells only day first reads
    either: int = 0  # cells both orders read, as different dates
    example: dict[str, str] | None = None  # order -> a cell only that order reads
    texts: int = 0  # cells holding a numeric text date

    @property
    def shown(self) -> DateOrder | None:
        if self.mdy > self.dmy:
            return "mdy"
        if self.dmy > self.mdy:
            return "dmy"
        return None


def _parts(value: str, period: bool) -> list[str]:
    if not period:
        return [value]
    parts = [p for p in RANGE_SPLIT.split(value.strip()) if p.strip()]
    if len(parts) == 1 and value.count("-") == 1:
        parts = value.split("-")
    return parts


def _has_text(values: Sequence[Any]) -> bool:
    """Whether any of ``values`` is text (a ``str``; one pass in C)."""
    return str in set(map(type, values))


def evidence(values: Sequence[Any], *, period: bool = False) -> Evidence:
    """The order evidence of a column's raw values (only text cells are looked at)."""
    found = Evidence(example={})
    if not _has_text(values):  # (real dates: nothing to count, and no 20,000-step loop)
        return found
    counts = Counter(v for v in values if type(v) is str)
    for value, n in counts.items():
        for part in _parts(value, period):
            readings = numeric_readings(part)
            if readings is None:
                continue
            found.texts += n
            mdy, dmy = readings
            if mdy is not None and dmy is None:
                found.mdy += n
                found.example.setdefault("mdy", part.strip())  # type: ignore[union-attr]
            elif dmy is not None and mdy is None:
                found.dmy += n
                found.example.setdefault("dmy", part.strip())  # type: ignore[union-attr]
            elif mdy is not None and dmy is not None and mdy != dmy:
                found.either += n
    return found


def choose(
    columns: dict[str, Evidence], default: DateOrder, default_reason: str
) -> dict[str, tuple[DateOrder, str]]:
    """The order of each column (by its key) and the reason, in words."""
    shown = {key: e.shown for key, e in columns.items() if e.shown is not None}
    sheet_orders = set(shown.values())
    out: dict[str, tuple[DateOrder, str]] = {}
    for key, e in columns.items():
        order = shown.get(key)
        if order is not None:
            example = (e.example or {}).get(order, "")
            out[key] = (order, f'its dates, such as "{example}", read only that way')
        elif len(sheet_orders) == 1:
            out[key] = (next(iter(sheet_orders)), "as the sheet's other date columns")
        else:
            out[key] = (default, default_reason)
    return out


def report(
    letter: str, heading: str, e: Evidence, order: DateOrder, reason: str
) -> DateColumn | None:
    """The column's line in the sheet report (None when it holds no numeric text dates)."""
    if not e.texts:
        return None
    return DateColumn(letter, heading, order, reason, e.either)


def wrong_order(value: Any, order: DateOrder, e: Evidence) -> CellError:
    """The error for a cell only the other order reads, in a column read in ``order``."""
    other = "dmy" if order == "mdy" else "mdy"
    words = {"mdy": "month first", "dmy": "day first"}
    example = (e.example or {}).get(order, "")
    return CellError(
        f"{quoted(value)} reads only {words[other]}, but this column's dates are "
        f'{words[order]} (such as "{example}"); one column holds one date order: check the cell.'
    )


def is_other_order(value: Any, order: DateOrder) -> bool:
    if type(value) is not str:
        return False
    readings = numeric_readings(value)
    if readings is None:
        return False
    mdy, dmy = readings
    return (
        (mdy is None and dmy is not None) if order == "mdy" else (dmy is None and mdy is not None)
    )


def by_spans(starts: Sequence[Any], ends: Sequence[Any]) -> DateOrder | None:
    """The one order that puts every text start date on or before its end date, when the other
    does not (the evidence left when every date reads either way); None when both or neither
    do."""
    if not (_has_text(starts) and _has_text(ends)):
        return None  # (no pair of texts: neither order is wrong)
    wrong = {"mdy": 0, "dmy": 0}
    pairs = {(s, e) for s, e in zip(starts, ends, strict=True) if type(s) is str and type(e) is str}
    for s, e in pairs:
        a, b = numeric_readings(s), numeric_readings(e)
        if a is None or b is None:
            continue
        for k, order in enumerate(("mdy", "dmy")):
            first, last = a[k], b[k]
            if first is None or last is None or last < first:
                wrong[order] += 1
    if wrong["mdy"] and not wrong["dmy"]:
        return "dmy"
    if wrong["dmy"] and not wrong["mdy"]:
        return "mdy"
    return None
