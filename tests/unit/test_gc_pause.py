"""The collector pause a form holds while it is built (tui.gc_pause)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tui.gc_pause import GcPause


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_a_pause_turns_the_collector_off_until_it_ends() -> None:
    gc.enable()
    pause = GcPause()
    pause.start()
    pause.start()  # a second start changes nothing
    assert not gc.isenabled()
    pause.end()
    assert gc.isenabled()
    pause.end()  # nor does a second end
    assert gc.isenabled()


def test_a_pause_begun_with_the_collector_off_leaves_it_off() -> None:
    gc.disable()  # another pause, or Textual scrolling
    pause = GcPause()
    pause.start()
    pause.end()
    assert not gc.isenabled()


def test_an_end_without_a_start_does_nothing() -> None:
    gc.disable()
    GcPause().end()
    assert not gc.isenabled()


def test_what_was_made_while_paused_is_still_collected() -> None:
    gc.enable()
    pause = GcPause()
    pause.start()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the collector frees it
    pause.end()
    found = [o for o in gc.get_objects() if isinstance(o, Node)]
    assert len(found) == 2
    del a, b, found
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, Node)]
