"""What a log's counts are measured in: units (whole), or hours (which keep their fractions:
``Total Hrs Auth`` 187.5, ``Hrs Used`` 96.25), and the period a cap column's heading states
(``Hrs/Wk``, ``per week``, ``Weekly``, ``/Mo``).

A log whose units columns are headed in hours is counted in hours on every row; authtrack's own
export says so per row in its Measure column, and a row whose measure is units keeps whole units.
A cap headed in hours beside counts in units ("25 hours a week of 97153") is 4 units an hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from priorauth.model import CapMeasure, CapPeriod, LineMeasure
from priorauth.usage import UNITS_PER_HOUR
from sync.recognising.columns import Col
from sync.recognising.headers import words

if TYPE_CHECKING:
    from sync.parsing.logsheet import LogTable

_UNIT_COLS = (Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT)


class Counting:
    """How a sheet's units are counted, from its header and whether it has a Measure column."""

    def __init__(self, table: LogTable, raw: dict[Col, Sequence[Any]]) -> None:
        self.hours = any(c in table.header.hours for c in _UNIT_COLS)
        self.stated = Col.MEASURE in raw
        # (units are read with fractions only where hours may be on the sheet)
        self.parsing = (self.hours or self.stated, "hours" if self.hours else "units")

    def finish(self, table: LogTable) -> None:
        """Every row of a sheet headed in hours is in hours; where a Measure column says units,
        a fraction of a unit is refused, naming the cell."""
        values = table.values
        n = len(table.rows)
        caps = values.get(Col.CAP)
        if caps is not None and Col.CAP in table.header.hours and not self.hours:
            # "Hrs/Wk" beside counts in units: a quarter-hour unit, 4 to the hour
            values[Col.CAP] = [
                (c[0] * UNITS_PER_HOUR, c[1], c[2]) if c and c[2] == CapMeasure.UNITS else c
                for c in caps
            ]
        if self.hours and not self.stated:
            values[Col.MEASURE] = [LineMeasure.HOURS] * n
            return
        if not self.stated:
            return
        measures = values[Col.MEASURE]
        for col in _UNIT_COLS:
            column = values.get(col)
            if column is None:
                continue
            for i, v in enumerate(column):
                if (
                    type(v) is float
                    and not v.is_integer()
                    and measures[i] != LineMeasure.HOURS
                    and i not in table.bad
                ):
                    column[i] = None
                    table.error(
                        i,
                        col,
                        f"{v:g} is not a whole number of units; write it like 24, or say Hours "
                        "in the Measure column.",
                    )


def heading_period(table: LogTable, col: Col) -> CapPeriod | None:
    """The period a cap column's heading states ("Hrs/Wk" a week, "/Mo" a month), if any."""
    if col is not Col.CAP:
        return None
    ws = words(table.column_name(col))
    if "week" in ws:
        return CapPeriod.WEEK
    if "month" in ws:
        return CapPeriod.MONTH
    return None
