"""Formula results kept through write-back.

A workbook saved by Excel or LibreOffice stores every formula's result beside it; openpyxl, which
writes the log back, drops them all, so previews, phones, scripts and pandas would see blanks
until someone opens and recalculates the file. Here, before anything changes, each formula's
stored result is read (python-calamine reads them); after the changes, the formulas whose inputs
did not change (no cell they read, directly or through other formulas, was written or moved, and
their own text is as it was) keep their result, those whose inputs changed are worked out where
they are plain arithmetic (+ - * /, SUM, MIN, MAX, COUNT, AVERAGE of numbers: a Remaining =
Approved - Used column, a total row, a dashboard cell pointing at it), and the rest are left for
the spreadsheet to recalculate when opened (it says so). The results are written into the saved
file's sheets (:func:`patch`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from python_calamine import CalamineWorkbook

from sync.writing.losses import sheet_parts

Cell = tuple[str, int, int]  # sheet, row, column
# functions whose result depends on more than their arguments' cells: changed whenever anything is
_UNKNOWABLE = frozenset({"INDIRECT", "OFFSET", "CELL", "INFO"})
_AGGREGATES = frozenset({"SUM", "MIN", "MAX", "COUNT", "AVERAGE"})


class _Unknown(Exception):
    """A formula authtrack cannot work out (left for the spreadsheet)."""


@dataclass
class FormulaResults:
    kept: int = 0  # stored results kept: their inputs did not change
    computed: int = 0  # inputs changed, worked out by authtrack
    left: int = 0  # inputs changed, left for the spreadsheet to recalculate when opened
    # sheet -> (row, column) -> the value to store
    values: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)

    def words(self) -> str:
        if not (self.kept or self.computed or self.left):
            return ""
        kept = "its stored result" if self.kept == 1 else "their stored results"
        text = (
            f"Formulas: {self.kept} kept {kept}, "
            f"{self.computed} {'was' if self.computed == 1 else 'were'} worked out by authtrack"
        )
        if self.left == 1:
            text += (
                ", 1 will show its result once the workbook is opened in Excel or LibreOffice "
                "(it recalculates)"
            )
        elif self.left:
            text += (
                f", {self.left} will show their results once the workbook is opened in Excel or "
                "LibreOffice (they recalculate)"
            )
        return text + "."


def stored(path: Any, book: Any) -> dict[Cell, tuple[str, Any]]:
    """Every formula cell of the openpyxl ``book`` (as loaded from ``path``, before any change):
    its formula text and the result the file stores (None when none)."""
    formulas: dict[Cell, str] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    formulas[(ws.title, c.row, c.column)] = _text(c.value)
    if not formulas:
        return {}
    grids: dict[str, list[list[Any]]] = {}
    try:
        with CalamineWorkbook.from_path(str(path)) as wb:
            for name in {s for s, _, _ in formulas}:
                grids[name] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # a file calamine cannot read: every result is then left to recalculate
        grids = {}
    out = {}
    for (sheet, r, c), text in formulas.items():
        grid = grids.get(sheet, [])
        value = grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else None
        out[(sheet, r, c)] = (text, None if value == "" else value)
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(getattr(value, "text", "") or "")


def settle(
    book: Any,
    before: dict[Cell, tuple[str, Any]],
    moved: Callable[[str, int], int],
    written: Iterable[Cell],
) -> FormulaResults:
    """The result each formula of ``book`` (after write-back) should store. ``moved`` maps a
    sheet's old row to its new one; ``written`` are the cells write-back set or added."""
    old = {(s, moved(s, r), c): v for (s, r, c), v in before.items()}
    formulas: dict[Cell, str] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    formulas[(ws.title, c.row, c.column)] = _text(c.value)
    changed: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for s, r, c in written:
        changed[s][r].add(c)
    names = _names(book)
    refs = {cell: references(text, cell[0], names) for cell, text in formulas.items()}
    dirty: set[Cell] = set()
    for cell, text in formulas.items():
        was = old.get(cell)
        if was is None or was[0] != text or was[1] is None:
            dirty.add(cell)  # new, its references moved or grew, or no result was stored
    if changed or dirty:  # a name, a whole column, INDIRECT...: changed when anything is
        dirty |= {cell for cell, r in refs.items() if r is None}
    grew = True
    while grew:
        grew = False
        for cell in dirty:
            changed[cell[0]][cell[1]].add(cell[2])
        for cell, ranges in refs.items():
            if cell in dirty or not ranges:
                continue
            if any(_touches(changed, rng) for rng in ranges):
                dirty.add(cell)
                grew = True
    results = FormulaResults()
    values: dict[Cell, Any] = {cell: old[cell][1] for cell in formulas if cell not in dirty}
    results.kept = len(values)
    evaluator = _Evaluator(book, formulas, values, dirty)
    for cell in sorted(dirty):
        try:
            values[cell] = evaluator.value(cell)
            results.computed += 1
        except _Unknown:
            results.left += 1
    for (sheet, r, c), value in values.items():
        if value is not None and cell_known(value):
            results.values.setdefault(sheet, {})[(r, c)] = value
    return results


def cell_known(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool, dt.date, dt.time, dt.timedelta))


_REF = re.compile(
    r"^(?:(?P<sheet>'(?:[^']|'')+'|[^!]+)!)?(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$"
)


def _names(book: Any) -> dict[str, str]:
    """The workbook's names that stand for one range (UsedRange = Log!$G$3:$G$9), by upper case."""
    out = {}
    for name, defined in book.defined_names.items():
        text = getattr(defined, "attr_text", "") or ""
        if _REF.match(text):
            out[name.upper()] = text
    return out


def references(
    text: str, sheet: str, names: dict[str, str] | None = None
) -> list[tuple[str, int, int, int, int]] | None:
    """The ranges a formula reads, [] when it reads none; None when it reads something that
    cannot be located (a name for more than a range, a whole column, another workbook,
    INDIRECT...). ``names`` are the workbook's names for one range."""
    try:
        tokens = Tokenizer("=" + text.lstrip("=")).items
    except Exception:
        return None
    out = []
    for t in tokens:
        if t.type == Token.FUNC and t.subtype == Token.OPEN and t.value[:-1].upper() in _UNKNOWABLE:
            return None
        if t.type == Token.OPERAND and t.subtype == Token.RANGE:
            value = (names or {}).get(t.value.upper(), t.value)
            m = _REF.match(value.upper() if "!" not in value else value)
            if m is None:
                return None
            where = m.group("sheet")
            if where:
                where = where[1:-1].replace("''", "'") if where.startswith("'") else where
                if where.startswith("["):
                    return None
            c1, r1, c2, r2 = range_boundaries(m.group("ref").upper().replace("$", ""))
            out.append((where or sheet, r1, c1, r2, c2))
    return out


def _touches(changed: dict[str, dict[int, set[int]]], rng: tuple[str, int, int, int, int]) -> bool:
    sheet, r1, c1, r2, c2 = rng
    rows = changed.get(sheet)
    if not rows:
        return False
    if r2 - r1 < len(rows):
        return any(any(c1 <= c <= c2 for c in rows.get(r, ())) for r in range(r1, r2 + 1))
    return any(r1 <= r <= r2 and any(c1 <= c <= c2 for c in cols) for r, cols in rows.items())


class _Evaluator:
    """Plain arithmetic over cells: numbers, + - * /, unary minus, parentheses, and SUM, MIN,
    MAX, COUNT, AVERAGE of cells and ranges. Anything else is :class:`_Unknown`."""

    def __init__(
        self, book: Any, formulas: dict[Cell, str], known: dict[Cell, Any], dirty: set[Cell]
    ) -> None:
        self.book, self.formulas, self.known, self.dirty = book, formulas, known, dirty
        self.names = _names(book)
        self.failed: set[Cell] = set()
        self.busy: set[Cell] = set()

    def value(self, cell: Cell) -> Any:
        if cell in self.known:
            value = self.known[cell]
            if value is None:
                raise _Unknown
            return value
        if cell in self.failed or cell in self.busy:
            raise _Unknown
        self.busy.add(cell)
        try:
            value = _Parser(self, self.formulas[cell], cell[0]).run()
        except (_Unknown, ArithmeticError, TypeError, ValueError):
            self.failed.add(cell)
            raise _Unknown from None
        finally:
            self.busy.discard(cell)
        self.known[cell] = value
        return value

    def cell(self, sheet: str, r: int, c: int) -> Any:
        if (sheet, r, c) in self.formulas:
            return self.value((sheet, r, c))
        if sheet not in self.book.sheetnames:
            raise _Unknown
        value = self.book[sheet].cell(row=r, column=c).value
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Unknown  # text, dates (their serials depend on the epoch): not worked out
        return value


class _Parser:
    def __init__(self, ev: _Evaluator, text: str, sheet: str) -> None:
        self.ev, self.sheet = ev, sheet
        self.tokens = [t for t in Tokenizer("=" + text.lstrip("=")).items if t.type != Token.WSPACE]
        self.i = 0

    def run(self) -> float | int:
        value = self.expr()
        if self.i != len(self.tokens):
            raise _Unknown
        return _number(value)

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        t = self.peek()
        if t is None:
            raise _Unknown
        self.i += 1
        return t

    def expr(self) -> Any:
        value = self.term()
        while (t := self.peek()) is not None and t.type == Token.OP_IN and t.value in "+-":
            self.i += 1
            right = _number(self.term())
            value = _number(value) + right if t.value == "+" else _number(value) - right
        return value

    def term(self) -> Any:
        value = self.unary()
        while (t := self.peek()) is not None and t.type == Token.OP_IN and t.value in "*/":
            self.i += 1
            right = _number(self.unary())
            value = _number(value) * right if t.value == "*" else _number(value) / right
        return value

    def unary(self) -> Any:
        t = self.peek()
        if t is not None and t.type == Token.OP_PRE and t.value in "+-":
            self.i += 1
            value = _number(self.unary())
            return -value if t.value == "-" else value
        return self.atom()

    def atom(self) -> Any:
        t = self.take()
        if t.type == Token.PAREN and t.subtype == Token.OPEN:
            value = self.expr()
            if self.take().type != Token.PAREN:
                raise _Unknown
            return value
        if t.type == Token.OPERAND and t.subtype == Token.NUMBER:
            return float(t.value) if any(ch in t.value for ch in ".eE") else int(t.value)
        if t.type == Token.OPERAND and t.subtype == Token.RANGE:
            cells = self.cells(t.value)
            if len(cells) != 1:
                raise _Unknown
            return cells[0]
        if t.type == Token.FUNC and t.subtype == Token.OPEN:
            return self.function(t.value[:-1].upper())
        raise _Unknown

    def cells(self, ref: str) -> list[Any]:
        found = references(ref, self.sheet, self.ev.names)
        if not found:
            raise _Unknown
        ((sheet, r1, c1, r2, c2),) = found
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            raise _Unknown
        return [self.ev.cell(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def function(self, name: str) -> Any:
        if name not in _AGGREGATES:
            raise _Unknown
        values: list[Any] = []
        while True:
            t = self.peek()
            if t is None:
                raise _Unknown
            if t.type == Token.FUNC and t.subtype == Token.CLOSE:
                self.i += 1
                break
            if t.type == Token.SEP:
                self.i += 1
                continue
            if t.type == Token.OPERAND and t.subtype == Token.RANGE:
                after = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
                if after is not None and (after.type == Token.SEP or after.type == Token.FUNC):
                    self.i += 1
                    values += [v for v in self.cells(t.value) if v is not None]
                    continue
            values.append(_number(self.expr()))
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if name == "SUM":
            return sum(numbers)
        if name == "COUNT":
            return len(numbers)
        if not numbers:
            if name == "AVERAGE":
                raise _Unknown  # #DIV/0! in the spreadsheet
            return 0
        if name == "MIN":
            return min(numbers)
        if name == "MAX":
            return max(numbers)
        return sum(numbers) / len(numbers)


def _number(value: Any) -> int | float:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Unknown
    return value


# --- writing the results into the saved file ---------------------------------------------------

_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"((?:\s[^>]*?)?)>(<f(?:\s[^>]*)?>.*?</f>|<f(?:\s[^>]*)?/>)'
    rb"(?:<v\s*/>|<v></v>)?</c>",
    re.S,
)
_T = re.compile(rb'\st="[^"]*"')


def patch(data: bytes, results: FormulaResults, epoch_1904: bool) -> bytes:
    """The saved workbook ``data`` with ``results`` stored after their formulas."""
    if not results.values:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {
        part: results.values[name] for name, part in sheet_parts(src) if name in results.values
    }
    out = io.BytesIO()
    with src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item)
            values = parts.get(item.filename)
            if values:
                content = _patch_sheet(content, values, epoch_1904)
            dst.writestr(item, content)
    return out.getvalue()


def _patch_sheet(xml: bytes, values: dict[tuple[int, int], Any], epoch_1904: bool) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        key = (int(m.group(2)), column_index_from_string(m.group(1).decode()))
        value = values.get(key)
        if value is None:
            return m.group(0)
        kind, text = _stored(value, epoch_1904)
        if text is None:
            return m.group(0)
        attrs = _T.sub(b"", m.group(3))
        if kind:
            attrs += b' t="' + kind + b'"'
        return b'<c r="%s%s"%s>%s<v>%s</v></c>' % (m.group(1), m.group(2), attrs, m.group(4), text)

    return _CELL.sub(one, xml)


def _stored(value: Any, epoch_1904: bool) -> tuple[bytes, bytes | None]:
    """A result as a sheet stores it: (its t= kind, its <v> text)."""
    if isinstance(value, bool):
        return b"b", b"1" if value else b"0"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value != value:
            return b"", None
        return b"", repr(value).encode() if isinstance(value, float) else str(value).encode()
    if isinstance(value, str):
        if value.startswith("#"):
            return b"e", _escape(value)
        return b"str", _escape(value)
    base = dt.datetime(1904, 1, 1) if epoch_1904 else dt.datetime(1899, 12, 30)
    if isinstance(value, dt.datetime):
        return b"", repr((value - base).total_seconds() / 86400).encode()
    if isinstance(value, dt.date):
        return b"", str((dt.datetime.combine(value, dt.time()) - base).days).encode()
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return b"", repr(seconds / 86400).encode()
    if isinstance(value, dt.timedelta):
        return b"", repr(value.total_seconds() / 86400).encode()
    return b"", None


def _escape(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
