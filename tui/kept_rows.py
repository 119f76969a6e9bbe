"""The client list's rows, kept in the derived cache beside the data file (with the counts and
notifications :mod:`priorauth.services.launch` keeps): an app that starts on the content and day
they were worked out for shows them as they are, without building an authorization first.

Rows are plain values (:class:`tui.rows.ClientRow`); here they become JSON lists, field by
field, and back. A row that does not come back as exactly such a value (a field of another type,
a count that is not a number) makes the whole list unusable: the app works the rows out instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import typing
from pathlib import Path
from typing import Any

from priorauth.data import Data
from priorauth.model import ClientStatus
from priorauth.services.live import LiveView
from tui.rows import ClientRow, client_rows

KEY = "client_rows"  # in the cache's body of the screens' own values
CODE = "tui_code"  # ... and the name of the code that worked them out
_FIELDS = dataclasses.fields(ClientRow)
_HINTS = typing.get_type_hints(ClientRow)


def encode(rows: list[ClientRow]) -> list[list[Any]]:
    """The rows as JSON lists (dates as ISO text, the status as its value)."""
    return [[_encode(getattr(row, f.name)) for f in _FIELDS] for row in rows]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, ClientStatus):
        return value.value
    return value


def decode(raw: Any) -> dict[int, ClientRow] | None:
    """Rows by client id from :func:`encode`'s lists; None when any does not fit."""
    if type(raw) is not list:
        return None
    rows: dict[int, ClientRow] = {}
    try:
        for values in raw:
            if type(values) is not list or len(values) != len(_FIELDS):
                return None
            row = ClientRow(*(_decode(f.name, v) for f, v in zip(_FIELDS, values, strict=True)))
            rows[row.id] = row
    except (TypeError, ValueError):
        return None
    return rows


def _decode(name: str, value: Any) -> Any:
    hint = _HINTS[name]
    if value is None:
        if type(None) not in typing.get_args(hint):
            raise ValueError(f"{name}: not optional")
        return None
    kinds = typing.get_args(hint) or (hint,)
    if dt.date in kinds:
        return dt.date.fromisoformat(value)
    if hint is ClientStatus:
        return ClientStatus(value)
    if type(value) is bool:
        if bool not in kinds:
            raise ValueError(f"{name}: not a yes/no")
        return value
    if int in kinds or float in kinds:  # a count: hours keep their fractions
        if type(value) not in (int, float):
            raise ValueError(f"{name}: not a number")
    elif type(value) not in kinds:
        raise ValueError(f"{name}: a {type(value).__name__}")
    return value


def keep(data: Data, today: dt.date) -> dict[str, Any]:
    """The screens' values to keep with the cache for ``data`` on ``today``."""
    return {KEY: encode(client_rows(data, today)), CODE: code()}


@functools.cache
def code() -> str:
    """A name for the code the rows are worked out by (the TUI's, beside the rules the cache's
    own name covers): the size and time of this package's source files."""
    seen = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        with contextlib.suppress(OSError):
            st = path.stat()
            seen.update(f"{path.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return seen.hexdigest()[:32]


def use(live: LiveView, data: Data, today: dt.date, screens: dict[str, Any]) -> bool:
    """Let the live view answer the client list's rows from the cache (``data`` being the
    snapshot it applied last); False when the cache has none that fit every client."""
    if screens.get(CODE) != code():
        return False  # (kept by another version of the screens)
    rows = decode(screens.get(KEY))
    if rows is None or rows.keys() != data.clients.keys():
        return False
    live.seed(data, ("tui.client_rows", today, True), rows)  # (client_rows' own key, counted)
    return True
