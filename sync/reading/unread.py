"""Cells of an .xlsx worksheet that calamine reads as blank although they are not: error values
(#N/A, #REF!, ...) and formulas saved without a calculated result (openpyxl writes those).

python-calamine hands back ``""`` for both, so an import would take them as empty. The worksheet
XML is searched for them in the chunks the grid guard (:mod:`sync.reading.grids`) already
inflates: a chunk is looked at closely only when it holds a ``#`` (every error value starts with
one) or an ``f`` (a formula's tag), each found by ``memchr`` (a multi-byte needle costs a
byte-by-byte pass: 9-14 ms over the usual log's 12 MB, a ``#`` 0.6 ms).
"""

from __future__ import annotations

import re

# what an uncalculated formula shows in :attr:`CellScan.cells` (an error shows its own text)
UNCALCULATED = ""
_TAIL = 16 * 1024  # the end of a chunk read again with the next (a cell cut in two by them)
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s([^>]*?)>(.*?)</(?:[\w.-]+:)?c>", re.S)
_REF = re.compile(rb"\br=[\"']([A-Z]{1,3})(\d{1,7})[\"']")
_TYPE = re.compile(rb"\bt=[\"'](\w+)[\"']")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>([^<]*)<")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
# a formula's end not followed by a value holding something, and a shared formula's reference
# ending its cell: each starting with a literal, searched for like a string (a pattern for
# both, or one allowing a namespace prefix, stops at every "<": the usual log's 12 MB with a
# formula in one column of each row, 130 -> 22 ms); formulas with a namespace prefix
# (<x:f>, rare) are not looked at
_NO_RESULT = re.compile(rb"</f>(?!<v(?:\s[^>]*)?>[^<])")
_SHARED_ALONE = re.compile(rb"/></c>")
_TEXT_TYPES = frozenset({b"str", b"inlineStr", b"s"})  # (an empty text is a result)


def col_number(letters: bytes) -> int:
    """A column's number (A: 1) from its letters in a cell reference."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


_LOOKS = 1024  # "f"s looked at one by one, then a search for "<f" (as costly as ~1,000 of them)


def _has_formula(text: bytes) -> bool:
    """Whether ``text`` may hold a formula's tag (``<f`` or ``<x:f``): its "f"s found by
    ``memchr`` and looked at one by one (a search for ``<f`` passes over every byte: 12 ms over
    the usual log's 12 MB; most worksheets hold no "f" but in a formula, or a few in texts)."""
    find = text.find
    at = find(b"f", 1)
    for _ in range(_LOOKS):
        if at < 0:
            return False
        if text[at - 1] in _BEFORE_TAG:
            return True
        at = find(b"f", at + 1)
    return at >= 0 and (b"<f" in text or b":f" in text)


_BEFORE_TAG = frozenset(b"<:")


class CellScan:
    """Fed a worksheet's XML a chunk at a time; ``cells`` maps (row, column), both 1-based, to
    what the cell shows: its error value, or :data:`UNCALCULATED`."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], str] = {}
        self._tail = b""
        self._formula_in_tail = False

    def feed(self, chunk: bytes) -> None:
        tail = self._tail
        self._tail = chunk[-_TAIL:] if len(chunk) >= _TAIL else (tail + chunk)[-_TAIL:]
        error = b"#" in chunk or b"#" in tail
        # (a formula's tag cut in two, or a formula in the tail whose cell goes on in this chunk)
        formula = _has_formula(chunk) or self._formula_in_tail or chunk[:1] == b"f"
        self._formula_in_tail = False
        if not error and not formula:
            return
        text = tail + chunk
        if error:
            find = text.find
            at = find(b"#")
            while at >= 0:
                if text[at - 1 : at] == b">":  # (a value: <v>#N/A)
                    at = max(self._cell_at(text, at), at + 1)
                else:
                    at += 1
                at = find(b"#", at)
        if formula:
            for pattern in (_NO_RESULT, _SHARED_ALONE):
                for m in pattern.finditer(text):
                    self._cell_at(text, m.start())
            self._formula_in_tail = _has_formula(self._tail)

    def _cell_at(self, text: bytes, at: int) -> int:
        """Notes the cell around ``at`` if it is one sought; where it ends (or ``at``)."""
        start = max(text.rfind(b"<c ", 0, at), text.rfind(b":c ", 0, at))
        if start < 0:
            return at
        start = text.rfind(b"<", 0, start + 1)
        m = _CELL.match(text, start) if start >= 0 else None
        if m is None or m.end() <= at:
            return at
        attrs, body = m.groups()
        ref = _REF.search(attrs)
        if ref is None:
            return m.end()
        kind = _TYPE.search(attrs)
        t = kind.group(1) if kind else b"n"
        value = _VALUE.search(body)
        shown: str | None = None
        if t == b"e":
            shown = value.group(1).decode("utf-8", "replace").strip() if value else ""
            shown = shown or "#VALUE!"
        elif (
            t not in _TEXT_TYPES
            and (value is None or not value.group(1).strip())
            and _FORMULA.search(body)
        ):
            shown = UNCALCULATED
        if shown is not None:
            self.cells[(int(ref.group(2)), col_number(ref.group(1)))] = shown
        return m.end()
