"""What a new process needs first, kept between processes: the day's notifications and the
counts the client list shows, in the data file's derived cache (:mod:`priorauth.store.derived`).

Working them out needs every service built and assigned to its authorization (at agency scale
a second and a half of CPU in every app that starts and every ``authtrack notifications``).
The first process to work them out for a content and a day keeps them (:func:`save`); a process
that reads exactly that content on that day takes them from there (:func:`load`) and shows
them at once. They are the values a full computation gives, to the value: the cache holds what
:func:`priorauth.notify.compute` returned and the usage :func:`shown_usage` worked out, and it is
used only for the content and day it was worked out from (tests/unit/test_launch_cache.py
compares it with a fresh computation on random data).

The counts the client list shows for a client are those of its standing authorization
(:func:`standing`): its usage, or for an authorization of several lines the usage of its line
with the least left (:func:`shown_usage`), the one reader of that for the screens and the cache.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import stat
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from priorauth import coverage, notify, rules, usage
from priorauth.data import KEEPER, Data
from priorauth.errors import AuthTrackError
from priorauth.model import Authorization, Client
from priorauth.notify import Notification
from priorauth.practice import practice_settings
from priorauth.store import derived
from priorauth.store.datafile import Store
from priorauth.store.shared import Finding
from priorauth.usage import Usage

SHOWN = "launch.shown_usage"  # Data.derived[(SHOWN, day)]: {authorization id: (Usage, line)}
_NOTE_FIELDS = [f.name for f in dataclasses.fields(Notification)]
_USAGE_FIELDS = [f.name for f in dataclasses.fields(Usage)]


def standing(data: Data, client: Client, today: dt.date) -> Authorization | None:
    """The authorization whose number, counts and end the client list shows for ``client``: the
    standing one of its main coverage's payer (rules, "one story")."""
    ins = coverage.main_coverage(client, today)
    return rules.standing_authorization(data, client.id, ins.payer_id, today) if ins else None


def shown_usage(data: Data, auth: Authorization, today: dt.date) -> tuple[Usage, str]:
    """The counts the client list shows for ``auth`` and the line they are of ("" for one line):
    its usage, or its line with the least left. Kept per snapshot and day (and taken from the
    cache when the snapshot's values came from there)."""
    known = data.derived.get((SHOWN, today))
    if known is None:
        known = data.derived[(SHOWN, today)] = {}
    found = known.get(auth.id)
    if found is None:
        if auth.lines:
            least = usage.least_remaining(auth, rules.services_for(data, auth), today)
            found = (least.usage, least.label)
        else:
            found = (rules.usage(data, auth, today), "")
        known[auth.id] = found
    return found


@dataclass(frozen=True)
class Launch:
    """The values a cache held for one snapshot and day."""

    notifications: list[Notification]  # notify.compute's, most urgent first
    shown: dict[int, tuple[Usage, str]]  # shown_usage's, by authorization id
    # of the clients and authorizations the notifications are about: what a digest names them
    # by (client id, name, clinician; number), so that printing one needs no records built
    people: dict[int, tuple[str, str, str]]
    numbers: dict[int, str]
    screens: dict[str, Any]  # what the screens keep of their own (the client list's rows), as JSON


def people_of(data: Data, notes: Iterable[Notification]) -> dict[int, tuple[str, str, str]]:
    """(client id, name, clinician) of each client ``notes`` are about."""
    found = {}
    for n in notes:
        client = data.clients.get(n.client)
        if client is not None:
            found[n.client] = (client.client_id, client.name, client.clinician)
    return found


def numbers_of(data: Data, notes: Iterable[Notification]) -> dict[int, str]:
    """The number of each authorization ``notes`` are about."""
    found = {}
    for n in notes:
        auth = data.authorizations.get(n.authorization) if n.authorization is not None else None
        if auth is not None:
            found[auth.id] = auth.auth_number
    return found


def key_of(data: Data) -> str | None:
    """The content key of the file ``data`` was read from (None: none, see derived.read)."""
    key = data.derived.get(derived.CONTENT_KEY)
    return key if isinstance(key, str) else None


def load(store: Store, data: Data, today: dt.date) -> Launch | None:
    """The cached values for ``data`` (a snapshot of ``store``) on ``today``; None when the
    cache is missing, of another content or day, or not as it should be."""
    body = derived.read(store.path, key_of(data), today.isoformat())
    if not isinstance(body, dict):
        return None
    try:
        notes = _notes(body["notifications"])
        shown = _shown(body["shown"])
        people = {int(i): (_text(a), _text(b), _text(c)) for i, (a, b, c) in body["people"].items()}
        numbers = {int(i): _text(number) for i, number in body["numbers"].items()}
        screens = body.get("screens", {})
        if type(screens) is not dict:
            raise TypeError("not the screens' values")
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # (a body of the right key but another shape: worked out again)
    return Launch(notes, shown, people, numbers, screens)


def _text(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("not a text")
    return value


def use(data: Data, today: dt.date, launch: Launch, clients: Collection[int] | None = None) -> None:
    """Let ``data`` (the snapshot the cache was of) answer from ``launch``: the counts the client
    list shows, and :func:`priorauth.notify.compute` (its own cache of the snapshot, and the
    snapshot's keeper of per-client values when it has one, so that the next save works out
    only what it touched). ``clients``: the id of every client of ``data``, when the caller
    knows them without building the clients (an app's first paint; it checks them against
    the clients after the paint, see ``tui.kept_rows.fits``)."""
    data.derived.setdefault((SHOWN, today), {}).update(launch.shown)
    settings = practice_settings(data)  # (notify.compute's key of its per-client values)
    key = ("notifications", today, settings.low_percent, settings.low_floor, settings.pace_weeks)
    # (what compute returned for this content and day: most urgent first, as it sorts them)
    data.derived[key] = tuple(launch.notifications)
    seed = getattr(data.derived.get(KEEPER), "seed", None)
    if seed is not None:
        ids = data.clients.keys() if clients is None else clients
        by_client: dict[int, tuple[Notification, ...]] = {i: () for i in ids}
        for n in launch.notifications:
            by_client[n.client] = (*by_client.get(n.client, ()), n)
        seed(data, key, by_client)


def save(store: Store, data: Data, today: dt.date) -> bool:
    """Work out (or take, when already worked out for ``data``) the values a new process needs
    and keep them in the cache; True when written (see :func:`priorauth.store.derived.write`)."""
    return write(store, data, today, body(data, today))


def kept(store: Store, data: Data, today: dt.date) -> bool:
    """Whether the cache already holds the values of ``data`` on ``today`` (by its first line:
    nothing to work out or write again)."""
    key = key_of(data)
    named = derived.header(store.path)
    return key is not None and named == {
        "format": derived.FORMAT,
        "program": derived.program(),
        "key": key,
        "day": str(today),
    }


def body(
    data: Data, today: dt.date, screens: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """What the cache keeps for ``data`` on ``today`` (worked out from the snapshot alone: no
    lock needed), with ``screens``, what the screens keep of their own (JSON values worked out
    from ``data`` on ``today``); None when ``data`` has no content key (see :func:`key_of`)."""
    if key_of(data) is None:
        return None
    notes = notify.compute(data, today)
    shown = [
        [auth.id, *shown_line(data, auth, today)]
        for auth in _standing_all(data, data.clients.values(), today)
    ]
    return {
        "notifications": [_note_row(n) for n in notes],
        "shown": shown,
        "people": people_of(data, notes),
        "numbers": numbers_of(data, notes),
        "screens": screens or {},
    }


def write(store: Store, data: Data, today: dt.date, found: dict[str, Any] | None) -> bool:
    """Keep ``found`` (:func:`body`) as the cache of ``data`` on ``today``, if ``store`` still
    holds that content (under the store's own lock: a worker of an app holds its own too)."""
    key = key_of(data)
    if found is None or key is None:
        return False
    return derived.write(store.storage, key, today.isoformat(), found)


def shown_line(data: Data, auth: Authorization, today: dt.date) -> list[Any]:
    use_, line = shown_usage(data, auth, today)
    return [line, *_row(use_)]


def _standing_all(data: Data, clients: Iterable[Client], today: dt.date) -> list[Authorization]:
    found: dict[int, Authorization] = {}
    for client in clients:
        auth = standing(data, client, today)
        if auth is not None:
            found[auth.id] = auth
    return list(found.values())


def _row(u: Usage) -> list[Any]:
    return [getattr(u, name) for name in _USAGE_FIELDS]


def _note_row(n: Notification) -> list[Any]:
    return [
        value.isoformat() if isinstance(value, dt.date) else value
        for value in (getattr(n, name) for name in _NOTE_FIELDS)
    ]


_DATE = _NOTE_FIELDS.index("date")
_AUTH = _NOTE_FIELDS.index("authorization")
_INTS = [_NOTE_FIELDS.index("client"), _NOTE_FIELDS.index("urgency")]
_TEXTS = [i for i, f in enumerate(dataclasses.fields(Notification)) if f.type in ("str", str)]


def _columns(rows: Any, size: int) -> list[Any]:
    """``rows`` (a list of lists of ``size`` values each) as columns; ValueError when not."""
    if type(rows) is not list or not all(type(row) is list and len(row) == size for row in rows):
        raise ValueError("not a list of rows")
    return list(zip(*rows, strict=True)) if rows else [()] * size


def _only(column: Any, *kinds: type) -> None:
    """ValueError unless every value of ``column`` is of one of ``kinds`` (exactly: no bool for
    an int). (Checked a column at a time, in C: 7,236 notifications 20 -> 8 ms.)"""
    if not set(map(type, column)) <= set(kinds):
        raise ValueError("a value of another type")


def _notes(rows: Any) -> list[Notification]:
    """The cached notifications (:func:`_note_row`'s lists) as they were; ValueError when any
    does not fit."""
    columns = _columns(rows, len(_NOTE_FIELDS))
    for i in _TEXTS:
        _only(columns[i], str)
    for i in _INTS:
        _only(columns[i], int)
    _only(columns[_AUTH], int, type(None))
    _only(columns[_DATE], str)
    columns[_DATE] = list(map(dt.date.fromisoformat, columns[_DATE]))
    return [_note(values) for values in zip(*columns, strict=True)]


def _note(values: tuple[Any, ...]) -> Notification:
    """A Notification of ``values`` (in field order, already checked), its dict written at once
    as :class:`priorauth.usage.Usage` does (a frozen dataclass's __init__ sets each field
    through object.__setattr__; Notification has no __post_init__ and no slots)."""
    note = object.__new__(Notification)
    note.__dict__.update(zip(_NOTE_FIELDS, values, strict=True))
    return note


def _shown(rows: Any) -> dict[int, tuple[Usage, str]]:
    """The cached counts of the client list (:func:`shown_line`'s lists, with the id first)."""
    columns = _columns(rows, 2 + len(_USAGE_FIELDS))
    _only(columns[1], str)
    for column in columns[2:]:
        _only(column, int, float, type(None))
    ids = map(int, columns[0])
    return {i: (Usage(*counts), line) for i, line, *counts in zip(ids, *columns[1:], strict=True)}


def cache_findings(data_file: Path, user: str) -> list[Finding]:
    """``authtrack doctor``: whether the derived cache beside ``data_file`` is what a fresh
    computation gives (for the content and day it names), or a link or folder planted there."""
    cache = derived.cache_path(data_file)
    try:
        st = os.lstat(cache)
    except OSError:
        return []  # none yet: the next process to work the values out writes it
    if not stat.S_ISREG(st.st_mode):
        return [
            Finding(
                False,
                f"{cache} is not a regular file (a link or folder): authtrack neither reads nor "
                "writes it, so every process works the counts out afresh",
                f"remove it (rm {cache}); authtrack writes a real one",
            )
        ]
    named = derived.header(data_file)
    store = Store(data_file, user=user)
    try:
        data = store.snapshot()
    except AuthTrackError:
        return []  # (the data file's own finding says why it cannot be read)
    day = named.get("day") if named else None
    try:
        today = dt.date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        today = None
    if named is None or today is None or named.get("key") != key_of(data):
        return [Finding(True, f"{cache} is of an earlier content of the data file (not used)")]
    if named.get("program") != derived.program() or named.get("format") != derived.FORMAT:
        return [Finding(True, f"{cache} was worked out by another version (not used)")]
    cached = load(store, data, today)
    if cached is None:
        return [Finding(True, f"{cache} cannot be read as it should (not used)")]
    fresh = Store(data_file, user=user).snapshot()
    found = notify.compute(fresh, today)
    shown = {
        a.id: shown_usage(fresh, a, today)
        for a in _standing_all(fresh, fresh.clients.values(), today)
    }
    if (
        cached.notifications != found
        or cached.shown != shown
        or cached.people != people_of(fresh, found)
        or cached.numbers != numbers_of(fresh, found)
    ):
        return [
            Finding(
                False,
                f"{cache} holds counts or notifications a fresh computation does not give (edited "
                "outside authtrack?): apps and `authtrack notifications` would show them",
                f"remove it (rm {cache}); authtrack works them out again",
            )
        ]
    return [Finding(True, f"{cache} holds what a fresh computation gives for {today:%m/%d/%Y}")]
