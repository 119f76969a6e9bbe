"""Errors for workbooks that cannot be used at all (the CLI exits 2 on these)."""

from __future__ import annotations

from priorauth.errors import AuthTrackError


class WorkbookError(AuthTrackError):
    """The file is not a workbook authtrack can use; ``str(error)`` names the file and why."""


class SheetChoiceError(WorkbookError):
    """The workbook has no log sheet, several equally likely ones, or no sheet by that name.

    ``sheets``: the sheets that look like logs, oldest first, when it has several to pick from."""

    def __init__(self, message: str, *, sheets: list[str] | None = None) -> None:
        super().__init__(message)
        self.sheets = list(sheets or [])


def reason(e: BaseException) -> str:
    """The first line of an exception's message (or its type), short enough for a sentence."""
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:200]
