"""How a log sheet was read, said plainly: the header row(s), what each column means, the columns
not read, the order each date column was read in, the rows skipped as report chrome and the
client headings filled down. Shown by ``import`` (text and ``--json``) and the import screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DateColumn:
    """How one column's text dates were read."""

    letter: str
    heading: str
    order: str  # "mdy" or "dmy"
    reason: str  # "the column's dates", "the sheet's other dates", "the practice's date order"
    ambiguous: int = 0  # dates that read both ways, read in ``order``

    @property
    def order_words(self) -> str:
        return "month first" if self.order == "mdy" else "day first"

    def sentence(self, sheet: str) -> str:
        text = (
            f'Sheet "{sheet}": column {self.letter} "{self.heading}" read {self.order_words} '
            f"({self.reason})"
        )
        if self.ambiguous:
            s = "s" if self.ambiguous != 1 else ""
            text += f"; {self.ambiguous} date{s} that read either way read {self.order_words}"
        return text + "."


@dataclass
class SheetReport:
    sheet: str
    header_rows: list[int] = field(default_factory=list)  # the spreadsheet's row numbers
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # letter, heading, field
    unread: list[tuple[str, str]] = field(default_factory=list)  # letter, heading ("" = none)
    dates: list[DateColumn] = field(default_factory=list)
    chrome: dict[str, int] = field(default_factory=dict)  # kind -> rows skipped
    filled_down: int = 0  # client heading rows whose name was filled down into its rows

    def lines(self) -> list[str]:
        """The report for people, one line each."""
        rows = ", ".join(map(str, self.header_rows))
        out = [f'Sheet "{self.sheet}": header row{"s" if len(self.header_rows) > 1 else ""} {rows}']
        out += [f'  column {c} "{h}": {meaning}' for c, h, meaning in self.columns]
        out += [
            f'  column {c} "{h}": not read' if h else f"  column {c}: not read (no heading)"
            for c, h in self.unread
        ]
        for d in self.dates:
            more = f", {d.ambiguous} ambiguous" if d.ambiguous else ""
            out.append(
                f'  dates in column {d.letter} "{d.heading}": {d.order_words} ({d.reason}{more})'
            )
        for kind, n in self.chrome.items():
            out.append(f"  skipped {n} {kind if n > 1 else kind.rstrip('s')}")
        if self.filled_down:
            out.append(f"  {self.filled_down} client heading row(s) filled down")
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "header_rows": list(self.header_rows),
            "columns": [{"column": c, "heading": h, "field": f} for c, h, f in self.columns],
            "not_read": [{"column": c, "heading": h} for c, h in self.unread],
            "date_order": [
                {
                    "column": d.letter,
                    "heading": d.heading,
                    "order": d.order,
                    "reason": d.reason,
                    "ambiguous": d.ambiguous,
                }
                for d in self.dates
            ],
            "chrome_skipped": dict(self.chrome),
            "headings_filled_down": self.filled_down,
        }


def unread_warning(sheet: str, letter: str, heading: str) -> str:
    if heading:
        return (
            f'Sheet "{sheet}": column {letter} "{heading}" was not recognised and was not imported.'
        )
    return f'Sheet "{sheet}": column {letter} has values but no heading; it was not imported.'
