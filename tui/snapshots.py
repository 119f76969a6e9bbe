"""What the app's worker threads work out from each read of the data file, off the UI thread.

A read gives a :class:`Snapshot`: the data and the notifications the screens draw from. The
:class:`SnapshotMaker` works it out (:meth:`~SnapshotMaker.complete`), keeping the live view
between reads so that after a save only the clients it touched are worked out again; starts the
first read while Textual starts, taking the counts and notifications a process before this one
kept in the derived cache (:mod:`priorauth.services.launch`) when they fit; keeps them there for
the next process; and, once the screens have painted, warms what the next switch or save needs.
Every read of the store happens under the app's store lock, shared with the maker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from dataclasses import dataclass, field

from priorauth import notify, rules
from priorauth.data import Data
from priorauth.errors import AuthTrackError
from priorauth.services import launch
from priorauth.services.live import LiveView
from priorauth.services.tracker import Tracker
from tui import kept_rows
from tui.rows import auth_rows, client_rows


@dataclass(frozen=True)
class Snapshot:
    """What a read of the data file gives the screens. ``notifications`` None: the first,
    partial snapshot, posted before the usage of every authorization is worked out, so the
    clients appear at once and their counts a moment later."""

    data: Data
    notifications: list[notify.Notification] | None = field(default_factory=list)


class SnapshotMaker:
    """The worker side of the app's reads (see the module docstring). ``store_lock``: held for
    every use of the tracker's store (the store is not shared between threads otherwise)."""

    def __init__(self, tracker: Tracker, store_lock: threading.Lock) -> None:
        self.tracker = tracker
        self.store_lock = store_lock
        self.live = LiveView()  # what was worked out from the last read, kept for the next
        self.cached_day: dt.date | None = None  # the day this app last kept values for
        self._launch: tuple[Data, launch.Launch] | None = None  # the cache's values, read early
        self._unchecked: Data | None = None  # shown with the cache's rows, clients not built yet

    def read_early(self) -> None:
        """Start reading the data file while Textual starts (the read worker finds it done),
        with the counts and notifications a process before this one worked out for it, when the
        derived cache holds them (:mod:`priorauth.services.launch`); else build the services,
        which the counts need, while the first rows are drawn. Errors are left for the worker,
        which reports them."""
        store = self.tracker.store
        with contextlib.suppress(AuthTrackError):
            with self.store_lock:
                # (the lines read by the meta record's index, their checksums checked after the
                # first paint when the cache fits the content that record names: launch_holds;
                # the read 95 -> 47 ms before the counts at agency scale)
                data = store.snapshot(check_later=True)
                found = launch.load(store, data, self.tracker.today)
                if found is not None:
                    self._launch = (data, found)
                    return
                if not store.check_lines():  # (nothing is worked out from unchecked lines)
                    data = self.tracker.data()
                client_rows(data, self.tracker.today, counts=False)
            len(data.services.values())  # (no lock needed: a snapshot does not change)

    def launched(self, data: Data) -> launch.Launch | None:
        """The derived cache's values for ``data``, as read early or read now (None: none)."""
        early, self._launch = self._launch, None
        if early is not None and early[0] is data:
            return early[1]
        with self.store_lock:
            return launch.load(self.tracker.store, data, self.tracker.today)

    def keep(self, data: Data, again: bool = False) -> None:
        """Keep what was worked out from ``data`` in the derived cache (never fatal); ``again``:
        even when it holds this content and day already."""
        today = self.tracker.today
        self.cached_day = today
        if not again and launch.kept(self.tracker.store, data, today):
            return  # (an operation that saved nothing, or another app was quicker)
        # (from the snapshot alone: others may save meanwhile)
        found = launch.body(data, today, kept_rows.keep(data, today))
        with self.store_lock:
            if self.tracker.store.cached_snapshot() is data:  # (not when the file changed since)
                launch.write(self.tracker.store, data, today, found)

    def complete(self, data: Data, cached: launch.Launch | None = None) -> Snapshot:
        """Work out, in the worker, what every screen needs from a new snapshot (cached in
        ``data.derived``): usage of each authorization, the clients' rows, notifications. The
        live view keeps them between reads: after a save only the clients it touched are worked
        out again. ``cached``: the values of the derived cache for ``data``, taken as they are."""
        today = self.tracker.today
        self.live.apply(data, today)
        if cached is not None:
            # The rows kept with the cache name every client: the first paint needs no client
            # built (45 ms at agency scale); launch_holds checks them against the clients after.
            rows = kept_rows.rows_of(cached.screens)
            launch.use(data, today, cached, clients=None if rows is None else rows.keys())
            if rows is not None:
                kept_rows.seed(self.live, data, today, rows)
                self._unchecked = data
            self.cached_day = today
        client_rows(data, today)
        found = notify.compute(data, today)
        visible = notify.visible(data, found, self.tracker.user, today)
        return Snapshot(data, visible)

    def launch_holds(self, data: Data) -> bool:
        """After the first paint from the cache: whether what it took on trust holds. The file's
        lines, read with their checksums left for now (:meth:`read_early`), are those its meta
        record names, the cache's key (else the file was changed by hand, its size and time
        kept); and the rows the cache held (taken by client id, without building a client) are
        of exactly the clients of ``data`` (else the cache was edited, or a program erred).
        When not, what is on screen must not stay there: see :meth:`afresh`."""
        with self.store_lock:
            if not self.tracker.store.check_lines():
                self._unchecked = None
                return False
        if self._unchecked is not data:
            return True
        self._unchecked = None
        rows = client_rows(data, self.tracker.today)
        return kept_rows.fits(data, {row.id: row for row in rows})

    def afresh(self) -> Snapshot:
        """Everything worked out again from the file, nothing taken from the cache: a new
        snapshot (of the same tables, or of the file read and checked whole when its lines did
        not hold), which the screens draw anew."""
        with self.store_lock:
            self.tracker.store.forget_snapshot()
            data = self.tracker.data()
        self.live = LiveView()
        return self.complete(data)

    def warm(self, data: Data, auth_screen_shown: bool) -> None:
        """After the screens have their data: bring the Authorizations screen's rows up to date
        in the worker once it has been shown (never before: nobody may look at it), so that
        switching back to it does not stall the UI."""
        if auth_screen_shown:
            auth_rows(data, self.tracker.today)
        # the look-ups the next save's changes are carried over with (see LiveView.apply; the
        # services' assignment too, when the counts came from the derived cache)
        rules.services_by_authorization(data)
        len(data.services_by_client)
        len(data.auths_by_client)
        # what the app holds of the file: its records, not their text (80 MB at agency scale)
        with self.store_lock:
            self.tracker.store.shed_text()
        # (the caller gives the memory back, once, after keeping the derived cache)
