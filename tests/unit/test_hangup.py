"""tui.hangup: a terminal whose other end closed is noticed (the app then exits)."""

from __future__ import annotations

import os

from tui.hangup import hung_up


def test_a_live_terminal_is_not_hung_up() -> None:
    master, slave = os.openpty()
    try:
        assert not hung_up(slave)
    finally:
        os.close(master)
        os.close(slave)


def test_a_terminal_whose_other_end_closed_is_hung_up() -> None:
    master, slave = os.openpty()
    os.close(master)  # the SSH session, or tmux, went away
    try:
        assert hung_up(slave)
    finally:
        os.close(slave)


def test_a_file_that_is_no_terminal_is_not_taken_for_one_alive() -> None:
    read, write = os.pipe()
    try:
        assert hung_up(read)  # (never a terminal: the watch is only started on one)
    finally:
        os.close(read)
        os.close(write)
