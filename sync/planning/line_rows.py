"""The rows of a log an authorization's service lines came from: :class:`LineRow` (a line and its
row's sheet, number and counts), :class:`TableRows` (a new authorization's lines read from rows
of one log table, their LineRows made only when asked for) and :func:`described` (what the plan
says of the authorizations read from several rows). What a line is made of is
:mod:`sync.planning.lines`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from priorauth.model import ServiceLine

if TYPE_CHECKING:
    from sync.planning.drafts import Draft

__all__ = ["LineRow", "LinesRead", "LinesReadLater", "TableRows", "described"]


@dataclass(slots=True)
class LineRow:
    """One service line and the row it came from, with the counts the row says were used or
    are left (turned into the line's carried-in usage by :func:`settle_line_usage`)."""

    sheet: str
    row: int
    line: ServiceLine
    units_used: float | None = None
    visits_used: int | None = None
    units_left: float | None = None
    visits_left: int | None = None
    index: int | None = None  # the data row in the log table (None: another sheet's row)
    # the line's carried-in usage already is what settle_line_usage makes of these counts when
    # nothing tracked counts against it (a new authorization's line: LineMaker.settled)
    settled: bool = False


class TableRows(Sequence[LineRow]):
    """The :class:`LineRow` of each of ``lines``, made from data row ``indices[k]`` of a log
    table by ``make_row(lines[k], indices[k])``, only when one is first asked for.

    A new authorization of an ABA log holds a line from each of its 3 or 4 rows: 20,000 rows
    whose sheet, number and counts are the table's columns already. Of what reads an
    authorization's rows, only :func:`sync.planning.lines.settle_line_usage` (the ``settled``
    flags) and :func:`described` (the sheet, the rows' numbers and codes) do so on every
    import, and they read them here from the table; anything else (reporting an error on the
    rows, a write-back, settling against tracked services) gets the LineRows made as
    :meth:`sync.planning.lines.LineMaker.settled` makes them. tests/unit/test_table_rows.py
    compares the two."""

    __slots__ = ("_made", "_make_row", "indices", "lines", "settled", "sheet", "where")

    def __init__(
        self,
        make_row: Callable[[ServiceLine, int], LineRow],
        indices: list[int],
        lines: list[ServiceLine],
        settled: list[bool],
        sheet: str,
        where: list[int],
    ) -> None:
        self._make_row = make_row
        self.indices = indices  # (data rows of the table, in row order)
        self.lines = lines
        self.settled = settled  # each row's LineRow.settled
        self.sheet = sheet  # the sheet of the first row
        self.where = where  # the table's spreadsheet row numbers, by data row
        self._made: list[LineRow] | None = None

    def _rows(self) -> list[LineRow]:
        if self._made is None:
            self._made = list(map(self._make_row, self.lines, self.indices))
        return self._made

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, k: int) -> LineRow: ...

    @overload
    def __getitem__(self, k: slice) -> list[LineRow]: ...

    def __getitem__(self, k: int | slice) -> LineRow | list[LineRow]:
        return self._rows()[k]

    def __iter__(self) -> Iterator[LineRow]:
        return iter(self._rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TableRows):
            other = other._rows()
        return isinstance(other, list) and self._rows() == other

    __hash__ = None  # type: ignore[assignment]  # (as a list's: equal to its LineRows)

    def __repr__(self) -> str:
        return f"TableRows({self._rows()!r})"


class LinesRead(NamedTuple):
    """An authorization read from several rows of a log, one service line each (a named tuple:
    an ABA log's plan says this of thousands of authorizations, and a frozen dataclass's
    ``__init__`` costs five times the making of a tuple)."""

    sheet: str
    rows: tuple[int, ...]
    auth_number: str
    codes: tuple[tuple[str, ...], ...]  # each line's codes

    def __str__(self) -> str:
        n = len(self.rows)
        rows = ", ".join(map(str, self.rows))
        return (
            f"{self.auth_number}: {n} rows read as one authorization with {n} service lines "
            f'(sheet "{self.sheet}", rows {rows}: '
            f"{'; '.join(', '.join(c) for c in self.codes)})."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "rows": list(self.rows),
            "auth_number": self.auth_number,
            "lines": [list(c) for c in self.codes],
            "message": str(self),
        }


def described(drafts: Sequence[Draft]) -> list[LinesRead]:
    """The authorizations the log gave in several rows (not those of another sheet)."""
    found = []
    for d in drafts:
        rows = d.lines
        if not rows or len(rows) < 2:
            continue
        if type(rows) is TableRows:  # (every row this sheet's: read from the table)
            where = rows.where
            numbers = tuple([where[i] for i in rows.indices])
            codes = tuple([tuple(line.codes) for line in rows.lines])
            found.append(LinesRead(rows.sheet, numbers, d.auth.auth_number, codes))
            continue
        # (each row's number and codes, and how many are this sheet's, in one pass over them)
        row_numbers, line_codes, here = [], [], 0
        for r in rows:
            row_numbers.append(r.row)
            line_codes.append(tuple(r.line.codes))
            if r.index is not None:
                here += 1
        if here > 1:  # (rows of this sheet, not another's)
            found.append(
                LinesRead(rows[0].sheet, tuple(row_numbers), d.auth.auth_number, tuple(line_codes))
            )
    return found


class LinesReadLater(Sequence[LinesRead]):
    """:func:`described` of ``drafts``, worked out when first read: a plan need not say what it
    read from several rows unless someone reads it (the command line's summary and lists, the
    JSON), as :class:`sync.planning.merge.Item` words a row only when read; an import written
    without them need not go through an ABA log's 6,000 authorizations for it.

    Exact because what it reads of a draft, its rows, its lines' codes and its authorization's
    number, is settled once the plan is made: applying the plan gives records their ids and
    nothing else (tests/unit/test_table_rows.py compares it with described)."""

    __slots__ = ("_drafts", "_found")

    def __init__(self, drafts: Sequence[Draft]) -> None:
        self._drafts: list[Draft] | None = list(drafts)
        self._found: list[LinesRead] | None = None

    def _list(self) -> list[LinesRead]:
        if self._found is None:
            assert self._drafts is not None
            self._found, self._drafts = described(self._drafts), None
        return self._found

    def __len__(self) -> int:
        return len(self._list())

    @overload
    def __getitem__(self, k: int) -> LinesRead: ...

    @overload
    def __getitem__(self, k: slice) -> list[LinesRead]: ...

    def __getitem__(self, k: int | slice) -> LinesRead | list[LinesRead]:
        return self._list()[k]

    def __iter__(self) -> Iterator[LinesRead]:
        return iter(self._list())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LinesReadLater):
            other = other._list()
        return isinstance(other, list) and self._list() == other

    __hash__ = None  # type: ignore[assignment]  # (as a list's)

    def __repr__(self) -> str:
        return repr(self._list())
