"""What an operating-system error means for a person: one sentence, in one place.

Every layer that touches files (the store, the workbook writers, the CLI's last resort) turns an
``OSError`` into the sentence this module gives, so a full disk or a refused permission reads the
same everywhere, and never as "unexpected error (...)".
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

NOTHING_CHANGED = "nothing was changed"


def sentence(error: OSError, path: str | os.PathLike[str] | None = None, doing: str = "") -> str:
    """One sentence for ``error`` met while ``doing`` (e.g. "writing the export") ``path``.

    ``path`` defaults to the file the error names. The sentence ends with what to do.
    """
    where = Path(path) if path is not None else (Path(error.filename) if error.filename else None)
    name = str(where) if where is not None else "the file"
    folder = str(where.parent) if where is not None else "the folder"
    doing = doing or "using"
    code = error.errno
    if code == errno.ENOSPC:
        return f"the disk holding {folder} is full; {NOTHING_CHANGED} — free some space and retry."
    if code == errno.EDQUOT:
        return (
            f"your disk quota on {folder} is used up; {NOTHING_CHANGED} — free some space "
            "and retry."
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied {doing} {name}; {NOTHING_CHANGED} — ask whoever set up authtrack "
            "to give your group access to it and its folder."
        )
    if code == errno.EROFS:
        return f"{folder} is on a read-only disk; {NOTHING_CHANGED}."
    if code == errno.ELOOP:
        return (
            f"{name} is a symbolic link; authtrack never reads or writes through one, so "
            f"{NOTHING_CHANGED} — remove the link."
        )
    if code == errno.EISDIR:
        return f"{name} is a folder, not a file; {NOTHING_CHANGED}."
    if code == errno.ENOTDIR:
        return f"part of the path {name} is not a folder; {NOTHING_CHANGED}."
    if code == errno.ENOENT:
        return f"{name}: the file or its folder does not exist; {NOTHING_CHANGED}."
    if code == errno.ENAMETOOLONG:
        return f"{name}: the name is too long for the disk; {NOTHING_CHANGED}."
    if code == errno.EIO:
        return f"the disk holding {folder} reported an input/output error; {NOTHING_CHANGED}."
    reason = error.strerror or type(error).__name__
    return f"{doing} {name} failed ({reason}); {NOTHING_CHANGED}."
