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
    """Rows by client id from :func:`encode`'s lists; None when any does not fit. (Checked and
    converted a column at a time, in C, not a call per field or per row: 5,000 rows 30 -> 12
    ms; the rows are built as :class:`priorauth.usage.Usage` is, see :func:`_row`.)"""
    if type(raw) is not list:
        return None
    size = len(_FIELDS)
    if not all(type(values) is list and len(values) == size for values in raw):
        return None
    columns: list[Any] = list(zip(*raw, strict=True)) if raw else [()] * size
    for kind, allowed in _ALLOWED.items():
        if any(not set(map(type, columns[i])) <= allowed for i in _INDEXES[kind]):
            return None
    try:
        for i in _INDEXES["date"]:
            columns[i] = [None if v is None else _DATE(v) for v in columns[i]]
        for i in _INDEXES["status"]:
            columns[i] = [_STATUS[v] for v in columns[i]]
    except (KeyError, ValueError):
        return None  # (a date or a status that is not one)
    rows = [_row(values) for values in zip(*columns, strict=True)]
    return {row.id: row for row in rows}


def _row(values: tuple[Any, ...]) -> ClientRow:
    """A ClientRow of ``values`` (in field order, already checked): its dict written at once.
    (The dataclass's own __init__ of a frozen class sets each of its 20 fields through
    object.__setattr__; this is the same row at a fraction of the cost. ClientRow has no
    __post_init__ and no slots: tests/unit/test_launch_cache.py compares the rows.)"""
    row = object.__new__(ClientRow)
    row.__dict__.update(zip(_NAMES, values, strict=True))
    return row


def _kind(name: str) -> str:
    """How a field of ClientRow is kept (a field of a kind not here fails at import: the row
    changed shape, and this module must learn it)."""
    hint = _HINTS[name]
    kinds = set(typing.get_args(hint) or (hint,)) - {type(None)}
    if kinds == {dt.date}:
        return "date"
    if kinds == {ClientStatus}:
        return "status"
    if kinds == {bool}:
        return "bool"
    if kinds <= {int, float}:
        return "count" if type(None) in typing.get_args(hint) else "int"
    if kinds == {str}:
        return "str"
    raise TypeError(f"ClientRow.{name} ({hint}) cannot be kept")


_INDEXES: dict[str, list[int]] = {k: [] for k in ("date", "status", "bool", "count", "int", "str")}
for _i, _f in enumerate(_FIELDS):
    _INDEXES[_kind(_f.name)].append(_i)
_NONE = type(None)
_ALLOWED = {  # the JSON types each kind may have (dates and the status converted after)
    "date": {str, _NONE},
    "status": {str},
    "bool": {bool},
    "count": {int, float, _NONE},
    "int": {int},
    "str": {str},
}
_NAMES = [f.name for f in _FIELDS]
_DATE = dt.date.fromisoformat
_STATUS = {status.value: status for status in ClientStatus}


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
    rows = rows_of(screens)
    if rows is None or not fits(data, rows):
        return False
    seed(live, data, today, rows)
    return True


def held(screens: dict[str, Any]) -> bool:
    """Whether the cache's screens' values hold client rows kept by this version of the screens
    (what :func:`rows_of` reads; without decoding them)."""
    return KEY in screens and screens.get(CODE) == code()


def rows_of(screens: dict[str, Any]) -> dict[int, ClientRow] | None:
    """The rows the cache's screens' values hold (by client id), when kept by this version of
    the screens and every one is a row; None otherwise."""
    if screens.get(CODE) != code():
        return None  # (kept by another version of the screens)
    return decode(screens.get(KEY))


def fits(data: Data, rows: dict[int, ClientRow]) -> bool:
    """Whether ``rows`` are of exactly the clients of ``data`` (builds the clients)."""
    return rows.keys() == data.clients.keys()


def seed(live: LiveView, data: Data, today: dt.date, rows: dict[int, ClientRow]) -> None:
    """Let ``data`` (the snapshot the live view applied last) answer the client list's rows from
    ``rows`` without building a client: :func:`tui.rows.client_rows` (its cache of the
    snapshot, the rows in the clients' order, as they were kept) and the live view's values,
    which the next save carries over. For rows of the clients of ``data`` only (see
    :func:`fits`: an app checks it once the rows are on screen)."""
    key = ("tui.client_rows", today, True)  # (client_rows' own key, counted)
    data.derived[key] = list(rows.values())
    live.seed(data, key, rows)
