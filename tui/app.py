"""The authtrack terminal app: screens as modes, the shared data file read in workers, polling.

Every read and write of the data file runs in a worker thread under one lock (the store is not
shared between threads otherwise); the screens draw from ``app.data``, the latest snapshot, which
is immutable by convention. A poll (one ``stat`` a second) notices other users' saves and
refreshes the screens in place.

What the workers work out from a read (and the derived cache at start-up) is
:mod:`tui.snapshots`; the full screens and the app's keys are :mod:`tui.navigation`.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import traceback
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.filter import Monochrome, NoColor
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen

from priorauth import notify
from priorauth.data import Data
from priorauth.errors import AuthTrackError, ConflictError, DataFileError, PermissionDenied
from priorauth.roles import ACTION_ROLES, Access, Role
from priorauth.services.tracker import Policy, Tracker, allow_all
from priorauth.store.datafile import Store
from tui import (
    hangup,
    kept_rows,
    navigation,
    safe,  # noqa: F401  (control characters from data are shown, never sent)
)
from tui.commands import ScreenCommands
from tui.memory import give_back_memory
from tui.rows import client_rows
from tui.screens.base import BaseScreen
from tui.screens.dialogs import ConflictDialog
from tui.screens.help import HelpScreen
from tui.snapshots import Snapshot, SnapshotMaker
from tui.workbooks import Workbooks

POLL_SECONDS = 1.0

OpDone = Callable[[Any], object]
OpFailed = Callable[[AuthTrackError], bool]  # True: handled; False: show it the usual way


class Loaded(Message):
    def __init__(self, snapshot: Snapshot | None, error: AuthTrackError | None = None) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.error = error


class OpFinished(Message):
    def __init__(
        self,
        result: object,
        error: Exception | None,
        done: OpDone | None,
        failed: OpFailed | None,
    ) -> None:
        super().__init__()
        self.result = result
        self.error = error
        self.done = done
        self.failed = failed


class AuthTrackApp(App[int]):
    """Prior authorizations, by client, for the whole practice, over SSH."""

    TITLE = "authtrack"
    CSS_PATH = "app.tcss"
    COMMANDS = {ScreenCommands}
    MODES = navigation.MODES
    _tty: int | None = None  # the terminal watched for a hang-up (tui.hangup)
    DEFAULT_MODE = "clients"
    BINDINGS = navigation.BINDINGS

    notification_count: reactive[int] = reactive(0)
    day: reactive[dt.date] = reactive(dt.date.min)  # "today", followed past midnight

    def __init__(self, tracker: Tracker, workbooks: Workbooks | None = None) -> None:
        super().__init__()
        self.tracker = tracker
        self.workbooks = workbooks  # Excel import/export, handed over by the CLI (None: not here)
        self.data: Data | None = None
        self.partial = False  # data shown before usage and notifications were worked out
        self.notifications: list[notify.Notification] = []
        self.load_error: str = ""
        self.unexpected: list[str] = []  # tracebacks of bugs shown to the user (tests check it)
        self._store_lock = threading.Lock()
        self.snapshots = SnapshotMaker(tracker, self._store_lock)
        self._loading = False
        self._screens: weakref.WeakSet[BaseScreen] = weakref.WeakSet()
        self._permissions: dict[str, bool] = {}
        self._painted = threading.Event()
        self._preload = threading.Thread(target=self.snapshots.read_early, daemon=True)
        self._preload.start()

    @property
    def today(self) -> dt.date:
        return self.tracker.today

    def now(self) -> dt.datetime:
        """The app's clock for saying when things happened ("today 2:39 pm"): this moment's
        local time of day on the app's today (fixed with --today and in tests)."""
        real = dt.datetime.now().astimezone()
        return real.replace(year=self.today.year, month=self.today.month, day=self.today.day)

    @property
    def user(self) -> str:
        return self.tracker.user

    # --- start --------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if not self.is_headless and self.console.color_system in ("standard", "windows"):
            # 16 colours (TERM=xterm, many SSH clients): a theme made of the terminal's own
            # ANSI colours stays readable, where the default theme's shades collapse into one.
            self.theme = "ansi-dark"
            if self.no_color:
                # Textual chose its NO_COLOR filter for the default theme's shades (greys); on
                # the terminal's own colours it drew every cell black on black. Its filter for
                # an ANSI theme keeps the terminal's colours and drops the rest, as NO_COLOR asks.
                self._filters = [
                    NoColor() if isinstance(f, Monochrome) else f for f in self._filters
                ]
        self.day = self.tracker.today
        self._tty = None if self.is_headless else hangup.terminal_fd()
        self.set_interval(POLL_SECONDS, self.poll)
        self.reload()

    def watch_screen(self, screen: BaseScreen) -> None:
        """Register a screen for live refreshes."""
        self._screens.add(screen)

    @property
    def access(self) -> Access | None:
        """The user's role and why they have it, when the policy is a role (the CLI's)."""
        policy = self.tracker.policy
        return policy if isinstance(policy, Access) else None

    @property
    def role(self) -> str:
        """The user's role ("billing"): the highest one whose every action they may do."""
        if self.access is not None:
            return self.access.role.label
        found = ""
        for role in sorted(Role):
            if not all(self.may(a) for a, needed in ACTION_ROLES.items() if needed <= role):
                break
            found = role.label
        return found

    def refusal(self, action: str) -> str:
        """Why the user may not do ``action``: which role it needs (the policy's own words)."""
        try:
            self.tracker.policy(action)
        except PermissionDenied as e:
            return str(e)
        return ""

    def may(self, action: str) -> bool:
        """Whether the user may do ``action`` ("edit", "delete", "confirm", "import", "admin")."""
        allowed = self._permissions.get(action)
        if allowed is None:
            allowed = self._permissions[action] = self.tracker.can(action)
        return allowed

    # --- reading ------------------------------------------------------------------------------

    def poll(self) -> None:
        """Once a second: has anybody else saved? (one stat; the read itself runs in a worker)
        And is the terminal still there? (see tui.hangup)"""
        if self._tty is not None and hangup.hung_up(self._tty):
            self.exit(return_code=1)
            return
        if self._loading or self._store_lock.locked():
            return
        if self.tracker.today != self.day:  # past midnight: new day, new notifications
            self.day = self.tracker.today
            self.reload()
            return
        try:
            changed = self.tracker.store.changed_on_disk()
        except OSError:
            changed = True
        if changed:
            self.reload()
        elif self.tracker.store.recheck_due():  # nobody is saving: check the whole file now
            self.reload(recheck=True)

    def reload(self, recheck: bool = False) -> None:
        """Read the data file (in a worker) and refresh every screen. ``recheck``: read and
        check the whole file, not only the lines changed (see Store.recheck_due)."""
        if self._loading:
            return
        self._loading = True
        self.run_worker(lambda: self._read(recheck), thread=True, group="read", exit_on_error=False)

    def _read(self, recheck: bool = False) -> None:
        try:
            with self._store_lock:
                if recheck:
                    self.tracker.store.recheck()
                data = self.tracker.data()
        except AuthTrackError as e:
            self.post_message(Loaded(None, e))
            return
        cached, wrong = None, False
        if self.data is None:  # first paint: the counts kept by another process, if they fit
            cached = self.snapshots.launched(data)
        if self.data is None and cached is None:  # else the clients now, counts in a moment
            client_rows(data, self.tracker.today, counts=False)
            self._painted.clear()
            self.post_message(Loaded(Snapshot(data, None)))
            # The rest is pure Python: let the UI thread draw first instead of fighting it
            # for the interpreter lock.
            self._painted.wait(timeout=2.0)
        if cached is not None:
            self._painted.clear()
        self.post_message(Loaded(self.snapshots.complete(data, cached)))
        if cached is not None:  # let the counts be drawn before the services are built
            self._painted.wait(timeout=2.0)
            if not self.snapshots.launch_holds(data):  # a line, or the rows, did not hold
                snapshot = self.snapshots.afresh()
                self.post_message(Loaded(snapshot))
                data, cached, wrong = snapshot.data, None, True
        keep = cached is None and self.snapshots.cached_day != self.tracker.today
        # (rows another version of the screens kept are not read: keep this version's)
        again = wrong or (cached is not None and not kept_rows.held(cached.screens))
        cached = None  # (the cache's text and lists: let go before the memory is given back)
        self._warm(data)
        if keep or again:  # the first of the day here, or kept by `notifications` (no rows)
            self.snapshots.keep(data, again=again)  # for the next process that starts
        give_back_memory()

    def _warm(self, data: Data) -> None:
        """After the screens have their data (in the worker): see SnapshotMaker.warm."""
        # (the screen's module is imported when it is first shown: not shown if not imported)
        module = sys.modules.get("tui.screens.authorizations")
        shown = module is not None and any(
            isinstance(s, module.AuthorizationsScreen) for s in list(self._screens)
        )
        self.snapshots.warm(data, auth_screen_shown=shown)

    def on_loaded(self, message: Loaded) -> None:
        self._loading = False
        if message.error is not None:
            text = str(message.error)
            if text != self.load_error:
                self.load_error = text
                self.notify(text, title="Cannot read the data file", severity="error", timeout=20)
                for screen in list(self._screens):
                    if screen.is_attached:
                        screen.data_failed(text)
            return
        self.load_error = ""
        assert message.snapshot is not None
        self.apply(message.snapshot)

    def apply(self, snapshot: Snapshot) -> None:
        partial = snapshot.notifications is None
        if (
            snapshot.data is self.data
            and partial == self.partial
            and (partial or snapshot.notifications == self.notifications)
        ):
            return
        self.data = snapshot.data
        self.partial = partial
        if snapshot.notifications is not None:
            self.notifications = snapshot.notifications
            self.notification_count = len(snapshot.notifications)
        for screen in list(self._screens):
            if screen.is_attached:
                screen.data_changed()
        self.call_after_refresh(self._painted.set)

    # --- writing ------------------------------------------------------------------------------

    def store_call(
        self,
        op: Callable[[Tracker], Any],
        *,
        done: OpDone | None = None,
        failed: OpFailed | None = None,
    ) -> None:
        """Run ``op(tracker)`` in a worker under the store lock, then re-read and refresh.

        ``done(result)`` runs on the UI thread after the screens were refreshed. A domain error
        goes to ``failed(error)`` first; unless that returns True it is shown: a conflict as a
        dialog offering to reload, anything else as a message.
        """

        def work() -> None:
            result: object = None
            error: Exception | None = None
            snapshot: Snapshot | None = None
            data: Data | None = None
            with self._store_lock:
                try:
                    result = op(self.tracker)
                except AuthTrackError as e:
                    error = e
                except Exception as e:  # a bug: shown to the user, traceback kept
                    error = e
                    self.unexpected.append(traceback.format_exc())
                try:
                    data = self.tracker.data()
                except AuthTrackError as e:
                    error = error or e
            if data is not None:
                snapshot = self.snapshots.complete(data)
            if snapshot is not None:
                self.post_message(Loaded(snapshot))
            self.post_message(OpFinished(result, error, done, failed))
            if snapshot is not None:
                self._warm(snapshot.data)
                if error is None:
                    # this app's save: the next process starts from it
                    self.snapshots.keep(snapshot.data)
                give_back_memory()

        self.run_worker(work, thread=True, group="write", exit_on_error=False)

    def read_call(
        self,
        op: Callable[[Tracker], Any],
        *,
        then: Callable[[Any], Any] | None = None,
        done: OpDone,
        failed: OpFailed | None = None,
        group: str,
    ) -> None:
        """Run the read ``op(tracker)`` in a worker under the store lock, then ``then(result)``
        in the worker without the lock (pure computation: others may save meanwhile), then
        ``done(result)`` on the UI thread (errors as for :meth:`store_call`). Nothing is
        written, so nothing is re-read."""

        def work() -> None:
            result: object = None
            error: Exception | None = None
            try:
                with self._store_lock:
                    result = op(self.tracker)
                if then is not None:
                    result = then(result)
            except AuthTrackError as e:
                error = e
            except Exception as e:  # a bug: shown to the user, traceback kept
                error = e
                self.unexpected.append(traceback.format_exc())
            self.post_message(OpFinished(result, error, done, failed))

        self.run_worker(work, thread=True, group=group, exit_on_error=False)

    def on_op_finished(self, message: OpFinished) -> None:
        error = message.error
        if error is None:
            if message.done is not None:
                message.done(message.result)
            return
        if isinstance(error, AuthTrackError):
            if message.failed is not None and message.failed(error):
                return
            self.show_error(error)
        else:
            self.notify(
                f"Something went wrong ({type(error).__name__}: {error}); nothing was saved.",
                title="Unexpected error",
                severity="error",
                timeout=20,
            )

    def show_error(self, error: AuthTrackError) -> None:
        """A conflict offers to reload; other errors are one sentence in a message."""
        if isinstance(error, ConflictError):
            self.push_screen(ConflictDialog(str(error)), self._after_conflict)
            return
        title = "Data file problem" if isinstance(error, DataFileError) else "Not done"
        self.notify(str(error), title=title, severity="error", timeout=12)

    def _after_conflict(self, reload: bool | None) -> None:
        if reload:
            self.reload()

    # --- actions ------------------------------------------------------------------------------

    async def action_switch_mode(self, mode: str) -> None:
        """A screen's digit goes to that screen from anywhere: also from a client's tracker (or
        its audit) opened over it, back to the screen underneath, where it did nothing. A
        dialog or form on top stays (what is typed in it is not thrown away)."""
        if mode != self.current_mode:
            self.switch_mode(mode)
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
            self.pop_screen()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def make_app(
    db_path: Path,
    today: dt.date | None = None,
    user: str | None = None,
    policy: Policy | None = None,
    workbooks: Workbooks | None = None,
) -> AuthTrackApp:
    """Build the app from explicit arguments, the same way for the CLI and the tests.
    ``workbooks`` is the Excel import/export (``sync.workbooks.EXCEL`` from the CLI)."""
    store = Store(db_path, user=user)
    return AuthTrackApp(Tracker(store, today=today, policy=policy or allow_all), workbooks)
