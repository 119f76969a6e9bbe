"""A CSV file read as a one-sheet workbook, so that both imports take scheduler and log exports.

UTF-8 with or without a byte-order mark, else Windows-1252 (what Excel for Windows writes as
"CSV"); the delimiter (comma, semicolon or tab) is sniffed from the first lines. Every cell is
text, as typed: the cell parsers read dates, counts and codes from text already.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sync.errors import WorkbookError
from sync.reading.workbook import RawSheet, SheetInfo, Workbook

MAX_BYTES = 256 * 1024 * 1024
_DELIMITERS = (",", ";", "\t")


def decode(raw: bytes) -> str:
    """UTF-8 (a BOM dropped), else Windows-1252, else Latin-1 (which decodes anything)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into the most columns."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", (-1, -1)
    for sep in _DELIMITERS:
        counts = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep)]
        if not counts:
            continue
        widest = max(counts)
        score = (int(widest > 1), sum(1 for c in counts if c == widest) * widest)
        if score > best_score:
            best, best_score = sep, score
    return best


def read_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV file; raises :class:`WorkbookError` when it cannot be read."""
    try:
        if path.is_dir():
            raise WorkbookError(f"{path} is a folder, not a CSV file.")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise WorkbookError(
                f"{path} is {size / 1024**2:,.0f} MB, far more than any export; refusing it."
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WorkbookError(f"{path} does not exist.") from None
    except PermissionError:
        raise WorkbookError(f"{path} cannot be read: permission denied.") from None
    except OSError as e:
        raise WorkbookError(f"{path} cannot be read ({e.strerror or e}).") from None
    if not raw.strip():
        raise WorkbookError(f"{path} is empty; it holds no rows.")
    if b"\x00" in raw[:4096]:
        raise WorkbookError(
            f"{path} is not a text (CSV) file; export it from the program again as CSV or .xlsx."
        )
    text = decode(raw)
    try:
        return [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
        ]
    except csv.Error as e:
        raise WorkbookError(f"{path} is not a CSV file authtrack can read ({e}).") from None


class CsvWorkbook(Workbook):
    """One sheet, named after the file (without its extension)."""

    def __init__(self, path: Path, rows: list[list[str]]) -> None:
        super().__init__(path, "csv", None, [SheetInfo(path.stem, True)])
        self._rows = rows

    def read(self, name: str) -> RawSheet:
        info = self.sheet_named(name)
        return RawSheet(info.name, self._rows)

    def close(self) -> None:
        return None


def open_csv(path: Path) -> CsvWorkbook:
    return CsvWorkbook(path, read_rows(path))
