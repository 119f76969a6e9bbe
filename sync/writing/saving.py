"""Saving a workbook: through :mod:`priorauth.store.safefile`, like every file authtrack writes."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl.utils.exceptions import IllegalCharacterError

from priorauth.errors import AuthTrackError
from priorauth.store.safefile import check_folder_path, write_atomic
from sync.errors import WorkbookError


def save_workbook(
    book: Any,
    path: Path,
    doing: str = "writing the workbook",
    then: Callable[[bytes], bytes] | None = None,
) -> Path:
    """Write the openpyxl workbook ``book`` to ``path`` atomically (a whole file or none), through
    the descriptor of its temporary file: a new file mode 0660 in a folder shared through its
    set-group-ID bit, else 0600; a file replaced keeps its mode (less world rights) and group (a
    log written back in place). Refusals and failures are one sentence
    (:class:`~sync.errors.WorkbookError`). ``then`` changes the saved bytes before they are
    written (write-back stores formula results)."""
    try:
        _save(book, path, doing, then)
    except BaseException:
        _discard(book)
        raise
    return path


def _save(book: Any, path: Path, doing: str, then: Callable[[bytes], bytes] | None) -> None:
    def fill(f: BinaryIO) -> None:
        if then is None:
            book.save(f)
            return
        buffer = io.BytesIO()
        book.save(buffer)
        f.write(then(buffer.getvalue()))

    try:
        write_atomic(path, fill, doing=doing, keep_mode=True, personal=True)
    except IllegalCharacterError:
        raise WorkbookError(
            f"{path}: a value holds a character a workbook cannot store; nothing was written."
        ) from None
    except AuthTrackError as e:
        raise WorkbookError(str(e)) from None


def _discard(book: Any) -> None:
    """After a failed save, end a write-only workbook's row writers now (openpyxl leaves them
    to complain about their closed files whenever they are collected)."""
    for ws in getattr(book, "worksheets", []):
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            with contextlib.suppress(Exception):
                rows.close()


def check_target(path: Path) -> None:
    """Refuse, before a workbook is built, a target that :func:`save_workbook` would refuse."""
    try:
        check_folder_path(path.parent if str(path.parent) else Path("."), path)
    except AuthTrackError as e:
        raise WorkbookError(str(e)) from None
