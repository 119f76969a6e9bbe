"""Helpers for driving the app in tests and benchmarks (Pilot): wait until the data file work is
done, and read the screen as plain text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.worker import WorkerState

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

    from tui.screens.client import ClientScreen


async def settle(pilot: Pilot[Any], rounds: int = 20) -> None:
    """Wait until no worker runs and every message they posted was handled."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        # every message queued so far handled (a zero pause waits for the screen's queues,
        # not for the process to look idle): the check below sees what the workers left
        await pilot.pause(0)
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy and not getattr(app, "_loading", False):
            await pilot.pause()
            return
    raise TimeoutError("the app kept working")


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 30.0
) -> None:
    """Let the app run (its file poll included) until ``condition()`` holds. The bound only
    fails a test whose screen never gets there; on a loaded machine it may take a while."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        await settle(pilot)
        if condition():
            return
        await asyncio.sleep(0.05)  # hand the loop to the app's timers (the data file poll)
    raise AssertionError("the screen never got there")


def screen_text(app: App[Any]) -> str:
    """What the terminal shows now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)


async def open_client(pilot: Pilot[Any], name: str) -> ClientScreen:
    """Filter the Clients screen to ``name`` and open the client."""
    from textual.widgets import Input

    from tui.screens.client import ClientScreen

    app = pilot.app
    await pilot.press("slash")
    app.screen.query_one("#filter", Input).value = name
    await pilot.pause()
    await pilot.press("enter", "enter")
    await settle(pilot)
    assert isinstance(app.screen, ClientScreen)
    return app.screen
