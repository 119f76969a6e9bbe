"""The one guard every workbook cell written from data goes through: data never executes.

OWASP's rule for spreadsheet ("CSV") injection: text that starts with ``=``, ``+``, ``-``, ``@``,
tab, CR or LF — also after trimming, since a spreadsheet or the next reader may trim it — is
written as text, never as a formula, and marked with Excel's quote prefix so that it stays text
when someone edits the cell. Characters a workbook cannot hold (C0 controls other than tab and
newline) are dropped, so a stray control character never makes a save fail. The export, the
reports and the write-back all write their cells through :func:`set_value` or
:func:`write_only_cell`.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_FIRST_OK = frozenset(RISKY_START) | {" ", "#", "\u00a0"}  # '#': error codes like #N/A


def clean(text: str) -> str:
    """``text`` without the characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def risky(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (or an error value)."""
    return (
        text.startswith(RISKY_START)
        or text.strip().startswith(RISKY_START)
        or (text.strip() in ERROR_CODES)
    )


def plain(value: Any) -> bool:
    """A fast check: ``value`` needs no guarding (not text, or text that is surely harmless)."""
    if type(value) is not str or not value:
        return True
    return value[0] not in _FIRST_OK and value.isprintable()


def set_value(cell: Any, value: Any) -> None:
    """Put ``value`` in ``cell`` (openpyxl), text never becoming a formula."""
    if isinstance(value, str):
        value = clean(value)
    cell.value = value
    if isinstance(value, str) and (cell.data_type in ("f", "e") or risky(value)):
        _as_text(cell)


def write_only_cell(ws: Any, value: str) -> Any:
    """A write-only sheet's cell for ``value`` (text), or the plain text when it needs nothing."""
    value = clean(value)
    if not risky(value):
        return value
    cell = WriteOnlyCell(ws, value=value)
    _as_text(cell)
    return cell


def _as_text(cell: Any) -> None:
    cell.data_type = "s"  # stored as a shared string: never a formula
    if risky(cell.value):
        cell.quotePrefix = True  # Excel keeps it text when someone edits the cell
