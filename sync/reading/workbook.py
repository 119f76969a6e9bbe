"""Open a workbook safely and hand back raw cell values (read with python-calamine).

Before any reader sees a file it is sniffed (:mod:`sync.reading.sniff`); before calamine reads a
sheet, the grid it would allocate is measured (:mod:`sync.reading.grids`,
:mod:`sync.reading.xlsguard`), so a sheet with a stray value in row 1,048,576 and column XFD is
refused instead of exhausting memory.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from sync.errors import SheetChoiceError, WorkbookError, reason
from sync.reading import grids, xlsguard
from sync.reading.sniff import password_message, sniff
from sync.reading.unread import UNCALCULATED

MAX_CELLS = 3_000_000  # cells in the grid calamine allocates for one sheet (~100 MB)


@dataclass(frozen=True)
class SheetInfo:
    name: str
    visible: bool


@dataclass
class RawSheet:
    """A sheet's cell values as calamine gives them, and where they sit in the spreadsheet.

    ``rows[i][j]`` is the cell in spreadsheet row ``first_row + i`` and column ``first_col + j``
    (both 1-based). Empty cells are ``""``. ``unread`` holds the cells read as ``""`` that are
    not empty (.xlsx): (row, column), 1-based, -> the error value the cell shows, or
    :data:`~sync.reading.unread.UNCALCULATED` for a formula saved without its result.
    """

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1
    unread: dict[tuple[int, int], str] = field(default_factory=dict)

    def unread_problem(self, row: int, col: int) -> str | None:
        """Why the cell at spreadsheet ``row`` and ``col`` (1-based) holds no value it could
        read although it is not empty, as the end of a sentence; None for any other cell."""
        shown = self.unread.get((row, col)) if self.unread else None
        if shown is None:
            return None
        if shown == UNCALCULATED:
            return (
                "holds a formula that was never calculated; open the file in Excel or "
                "LibreOffice, save it, and import again."
            )
        return (
            f"shows {shown}, an error in the workbook, not a value; correct the formula in the "
            "workbook or clear the cell."
        )


class Workbook:
    """A workbook opened for reading values. Use :func:`open_workbook`."""

    def __init__(self, path: Path, kind: str, book: Any, sheets: list[SheetInfo]) -> None:
        self.path = path
        self.kind = kind  # "xlsx", "xls" or "ods"
        self.epoch_1904 = False
        self._book = book
        self.sheets = sheets
        self._parts: dict[str, str] = {}  # sheet name -> worksheet part (xlsx)
        self._xls_grids: dict[str, tuple[int, int]] | None = None
        self._zip_path: Path | None = None
        self._unread: dict[str, dict[tuple[int, int], str]] = {}  # sheet name -> its cells

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet_named(self, name: str) -> SheetInfo:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        for sheet in self.sheets:
            if sheet.name.strip().casefold() == name.strip().casefold():
                return sheet
        names = ", ".join(f'"{s.name}"' for s in self.sheets) or "none"
        raise SheetChoiceError(f'{self.path} has no sheet named "{name}" (its sheets: {names}).')

    def read(self, name: str) -> RawSheet:
        """The values of sheet ``name``; refuses sheets whose grid would not fit in memory."""
        if self.kind == "xlsx":
            self._check_area(name)
        elif self.kind == "xls":
            self._check_xls_area(name)
        try:
            sheet = self._book.get_sheet_by_name(name)
            start = sheet.start
            rows = sheet.to_python() if start is not None else []
        except calamine.WorksheetNotFound:
            raise WorkbookError(
                f'{self.path}: sheet "{name}" is listed, but its contents are missing from the '
                "file; the file is damaged. Re-save it in Excel or LibreOffice and try again."
            ) from None
        except BaseException as e:  # calamine raises its own errors and, rarely, Rust panics
            _reraise_interrupts(e)
            raise WorkbookError(
                f'{self.path}: sheet "{name}" cannot be read ({reason(e)}); the file is damaged '
                "or was written by a program authtrack does not understand; re-save it in Excel "
                "or LibreOffice and try again."
            ) from None
        if start is None:
            return RawSheet(name, [])
        return RawSheet(
            name,
            rows,
            first_row=start[0] + 1,
            first_col=start[1] + 1,
            unread=self._unread.get(name, {}),
        )

    def close(self) -> None:
        try:
            self._book.close()
        except Exception:  # already closed: nothing left to release
            return

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the grid-size guard ---------------------------------------------------------------

    def _check_xls_area(self, name: str) -> None:
        if self._xls_grids is None:
            try:
                self._xls_grids = xlsguard.sheet_grids(self.path)
            except (xlsguard.XlsLayoutError, struct.error, IndexError) as e:
                raise WorkbookError(
                    f"{self.path} is damaged ({e}); open it in Excel or LibreOffice and save it "
                    "as .xlsx."
                ) from None
        rows, cols = self._xls_grids.get(name, (0, 0))
        if rows * cols > MAX_CELLS:
            raise WorkbookError(
                f'{self.path}: sheet "{name}" spreads values over {rows:,} rows and {cols:,} '
                "columns, far more than an authorization log; delete the stray cells far below "
                "or right of the table (Ctrl+End shows them) and save again."
            )

    def _check_area(self, name: str) -> None:
        assert self._zip_path is not None
        part = self._parts.get(name)
        with zipfile.ZipFile(self._zip_path) as zf:
            names = set(zf.namelist())
            parts = [part] if part in names else grids.worksheet_parts(names)
            for p in parts:
                stretch, (rows, cols), unread = grids.measure(zf, p, MAX_CELLS)
                if stretch is not None:
                    declared, row, length = stretch
                    where = f"from row {row:,} on " if row else ""
                    rows_said = f"declares {declared:,} rows" if declared else "is huge"
                    raise WorkbookError(
                        f'{self.path}: sheet "{name}" {rows_said} but holds '
                        f"nothing {where}for {length:,} rows and more (saved formatted down to "
                        "the bottom of the sheet, as LibreOffice does); delete the empty rows "
                        "below the table, save, and import again."
                    )
                if rows * cols > MAX_CELLS:
                    raise WorkbookError(
                        f'{self.path}: sheet "{name}" spreads values over {rows:,} rows and '
                        f"{cols:,} columns, far more than an authorization log; delete the stray "
                        "cells far below or right of the table (Ctrl+End shows them) and save "
                        "again."
                    )
                if p == part:  # (a part not known for the sheet: its cells cannot be placed)
                    self._unread[name] = unread


def open_workbook(path: str | Path) -> Workbook:
    """Sniff, guard and open ``path``; raise :class:`WorkbookError` when it cannot be used."""
    path = Path(path)
    if path.suffix.lower() in _CSV_SUFFIXES and not _binary(path):
        from sync.reading.csvbook import open_csv  # (a workbook-shaped reader of its own)

        return open_csv(path)
    kind = sniff(path)
    if kind == "ods":  # calamine unpacks every .ods sheet when opening: check them first
        _check_ods(path)
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        metadata = book.sheets_metadata
    except calamine.PasswordError:
        raise WorkbookError(password_message(path)) from None
    except BaseException as e:
        _reraise_interrupts(e)
        raise WorkbookError(
            f"{path} cannot be opened as a workbook ({reason(e)}); it is damaged or incomplete. "
            "Re-save it in Excel or LibreOffice and try again."
        ) from None
    sheets = [
        SheetInfo(m.name, m.visible == calamine.SheetVisibleEnum.Visible)
        for m in metadata
        if m.typ == calamine.SheetTypeEnum.WorkSheet
    ]
    wb = Workbook(path, kind, book, sheets)
    if kind == "xlsx":
        wb._zip_path = path
        wb._parts, wb.epoch_1904 = grids.xlsx_layout(path)
    return wb


_CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})


def _binary(path: Path) -> bool:
    """Whether a file named .csv is in fact a workbook (zip or OLE): sniffed like one."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return False  # (the CSV reader says why it cannot be read)
    return head.startswith((b"PK", b"\xd0\xcf\x11\xe0"))


def _check_ods(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        sizes = grids.ods_grid_sizes(grids.read_part(zf, "content.xml"))
    for name, (rows, cols) in sizes.items():
        if rows * cols > MAX_CELLS:
            raise WorkbookError(
                f'{path}: sheet "{name}" repeats values over {rows:,} rows and {cols:,} columns, '
                "far more than an authorization log; delete the stray cells below or right of "
                "the table and save again."
            )


def _reraise_interrupts(e: BaseException) -> None:
    if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise e
