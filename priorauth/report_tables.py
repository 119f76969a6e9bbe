"""The plain tables a report is made of (columns + values): what the CLI prints, dumps as JSON
and ``sync.writing.report_export`` writes to a workbook, and the app shows (see
:mod:`priorauth.reports`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NO_NUMBER = "(no number)"  # a blank auth number, as the screens and the text report say it


@dataclass(frozen=True)
class Column:
    key: str  # JSON key
    title: str  # column heading
    kind: str = "text"  # text, int, date, percent (a number from 0 to 100, or more)
    urgent_at_most: int | None = None  # a number at or below this is shown emphasized


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    sheet: str = ""  # short name for a workbook sheet (31 characters at most)
    totals: int = 0  # the last ``totals`` rows are totals (not data to sort or filter)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip((c.key for c in self.columns), row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    today: dt.date
    tables: tuple[Table, ...]
    parameters: dict[str, Any] = field(default_factory=dict)  # e.g. {"days": 30}


Names = Mapping[str, str]  # a clinician's account -> the name the practice gave them


def clinician_name(login: str, names: Names | None) -> str:
    """The clinician as the practice names them, else their account."""
    return (names or {}).get(login) or login
