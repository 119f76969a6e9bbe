"""Every reference in a practice's workbook follows the rows the write-back adds to its log.

New authorizations go below the log's last data row: into empty rows, or into rows inserted above
a TOTAL row (which moves down). Either way a reference to a moved cell must follow it, and a range
that ended at the last data row must take the new rows: the TOTAL's SUM, a Dashboard cell
pointing at the TOTAL, defined names, conditional formats, drop-down (data validation) ranges and
lists, the filter, Excel Tables, chart series, pivot sources and the print area, on every sheet.
What cannot be followed (a cell found by its address written as text, with INDIRECT; a formula
that cannot be read) is named in words, before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.formatting.formatting import ConditionalFormatting, ConditionalFormattingList
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.formula import ArrayFormula

_PART = re.compile(r"^(\$?[A-Za-z]{1,3})?(\$?)(\d+)?$")
_TEXT_ADDRESS = re.compile(r"\bINDIRECT\s*\(", re.IGNORECASE)


@dataclass
class Move:
    """Rows after ``end`` on ``sheet`` move down ``n`` (when ``inserted``), and ranges ending at
    ``end`` (the last data row) grow by ``n`` to take the new rows."""

    sheet: str
    end: int
    n: int
    inserted: bool
    unfollowed: list[str] = field(default_factory=list)  # in words, for the person

    def row(self, row: int, range_end: bool, range_start: int | None) -> int:
        if self.inserted and row > self.end:
            return row + self.n
        if range_end and row == self.end and range_start is not None and range_start <= self.end:
            return row + self.n
        return row

    def is_ours(self, sheet: str | None, default: str | None) -> bool:
        name = default if sheet is None else sheet
        return name is not None and name.casefold() == self.sheet.casefold()

    # --- one reference ---------------------------------------------------------------------------

    def ref(self, ref: str, default: str | None) -> str:
        """``Sheet!A1``, ``'My log'!$F$3:$F$9``, ``A3:J9``, ``3:9`` moved, as written."""
        sheet, sep, address = ref.rpartition("!")
        if sep and ("[" in sheet or "]" in sheet):
            return ref  # another workbook's cell
        name = _unquote(sheet) if sep else None
        if not self.is_ours(name, default):
            return ref
        parts = address.split(":")
        if len(parts) > 2:
            return ref
        matches = [_PART.match(p) for p in parts]
        if not all(matches) or any(m.group(3) is None for m in matches if m):
            return ref  # whole columns (F:F), or a name: nothing to move
        rows = [int(m.group(3)) for m in matches if m]
        start = rows[0] if len(rows) == 2 else None
        out = []
        for k, m in enumerate(m for m in matches if m):
            row = self.row(rows[k], range_end=k == 1, range_start=start)
            out.append(f"{m.group(1) or ''}{m.group(2)}{row}")
        return f"{sheet}{sep}{':'.join(out)}"

    def ranges(self, sqref: Any, default: str) -> str:
        """A space-separated list of ranges (conditional formats, data validation)."""
        return " ".join(self.ref(r, default) for r in str(sqref).split())

    # --- formulas --------------------------------------------------------------------------------

    def formula(self, text: str, default: str | None, where: str) -> str:
        """A formula ("=..." or a bare expression) with its references moved."""
        bare = not text.startswith("=")
        source = f"={text}" if bare else text
        try:
            tokens = Tokenizer(source)
        except Exception:  # a formula openpyxl cannot read: say so, leave it
            if self.sheet.casefold() in source.casefold() or default == self.sheet:
                self.unfollowed.append(
                    f"{where}: its formula could not be read, so its references were not moved."
                )
            return text
        changed = False
        for item in tokens.items:
            if item.type == Token.OPERAND and item.subtype == Token.RANGE:
                new = self.ref(item.value, default)
                if new != item.value:
                    item.value, changed = new, True
        if _TEXT_ADDRESS.search(source) and (
            self.is_ours(None, default) or self.sheet.casefold() in source.casefold()
        ):
            self.unfollowed.append(
                f"{where} finds its cells by an address written as text (INDIRECT); if that "
                f"address is on the rows that moved, change it by hand."
            )
        if not changed:
            return text
        rendered = tokens.render()
        return rendered[1:] if bare else rendered


def follow(book: Any, move: Move) -> None:
    """Move every reference in ``book`` (after ``move.sheet`` got its rows)."""
    for ws in book.worksheets:
        _cells(ws, move)
        _conditional_formats(ws, move)
        _validations(ws, move)
        for chart in getattr(ws, "_charts", []):
            _chart(chart, move, ws.title)
        for pivot in getattr(ws, "_pivots", []):
            _pivot(pivot, move, ws.title)
        for name in list(getattr(ws, "defined_names", {}).values()):
            _name(name, move, ws.title)
        if ws.title.casefold() == move.sheet.casefold():
            _own_ranges(ws, move)
    for name in list(book.defined_names.values()):
        _name(name, move, None)


def _cells(ws: Any, move: Move) -> None:
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            where = f'Cell {cell.coordinate} on sheet "{ws.title}"'
            if isinstance(value, ArrayFormula):
                value.text = move.formula(value.text, ws.title, where)
                if ws.title.casefold() == move.sheet.casefold():
                    value.ref = move.ref(value.ref, ws.title)
            elif cell.data_type == "f" and isinstance(value, str):
                cell.value = move.formula(value, ws.title, where)


def _conditional_formats(ws: Any, move: Move) -> None:
    ours = ws.title.casefold() == move.sheet.casefold()
    moved = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        sqref = move.ranges(cf.sqref, ws.title) if ours else str(cf.sqref)
        for rule in cf.rules:
            where = f'A conditional format on sheet "{ws.title}" ({cf.sqref})'
            rule.formula = [move.formula(f, ws.title, where) for f in rule.formula or []]
            moved.add(ConditionalFormatting(sqref=sqref), rule)
    moved.max_priority = max(moved.max_priority, ws.conditional_formatting.max_priority)
    ws.conditional_formatting = moved


def _validations(ws: Any, move: Move) -> None:
    ours = ws.title.casefold() == move.sheet.casefold()
    for dv in ws.data_validations.dataValidation:
        where = f'A drop-down list on sheet "{ws.title}" ({dv.sqref})'
        if ours:
            dv.sqref = MultiCellRange(move.ranges(dv.sqref, ws.title))
        for attr in ("formula1", "formula2"):
            text = getattr(dv, attr)
            if text and not text.startswith('"'):
                setattr(dv, attr, move.formula(text, ws.title, where))


def _own_ranges(ws: Any, move: Move) -> None:
    """The moved sheet's filter, tables and print area."""
    if ws.auto_filter.ref:
        ws.auto_filter.ref = move.ref(ws.auto_filter.ref, ws.title)
    for table in ws.tables.values():
        table.ref = move.ref(table.ref, ws.title)
        if table.autoFilter is not None and table.autoFilter.ref:
            table.autoFilter.ref = move.ref(table.autoFilter.ref, ws.title)
    area = ws.print_area
    if area:
        moved = [move.ref(r, ws.title).rpartition("!")[2] for r in area.split(",")]
        ws.print_area = [r.replace("$", "") for r in moved]
    if move.inserted:
        _row_heights(ws, move)


def _row_heights(ws: Any, move: Move) -> None:
    """Row heights and formats stay with their rows (openpyxl leaves them where they were)."""
    below = sorted((r for r in ws.row_dimensions if r > move.end), reverse=True)
    for r in below:
        dim = ws.row_dimensions.pop(r)
        dim.index = r + move.n
        ws.row_dimensions[r + move.n] = dim


def _name(name: Any, move: Move, default: str | None) -> None:
    text = name.attr_text
    if text:
        name.attr_text = move.formula(text, default, f'The name "{name.name}"')


def _chart(chart: Any, move: Move, sheet: str) -> None:
    for series in getattr(chart, "series", []) or []:
        for ref in _series_refs(series):
            ref.f = move.formula(ref.f, None, f'A chart on sheet "{sheet}"')


def _series_refs(series: Any) -> list[Any]:
    found = []
    for attr in ("tx", "cat", "val", "xVal", "yVal", "bubbleSize"):
        part = getattr(series, attr, None)
        if part is None:
            continue
        for sub in ("strRef", "numRef", "multiLvlStrRef"):
            ref = getattr(part, sub, None)
            if ref is not None and isinstance(getattr(ref, "f", None), str):
                found.append(ref)
    return found


def _pivot(pivot: Any, move: Move, sheet: str) -> None:
    cache = getattr(pivot, "cache", None)
    source = getattr(getattr(cache, "cacheSource", None), "worksheetSource", None)
    if source is not None and source.ref and move.is_ours(source.sheet, None):
        source.ref = move.ref(source.ref, move.sheet)


def _unquote(sheet: str) -> str:
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        return sheet[1:-1].replace("''", "'")
    return sheet


__all__ = ["Move", "follow"]
