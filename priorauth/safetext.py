"""Text from data never drives a terminal: control characters shown, or dropped on import.

A cell holding ``_x001B_`` becomes a real ESC when a workbook is read, and ESC, BEL, CR and the
bidirectional overrides in a client's name can retitle or clear a terminal, hide a line, or make a
line read backwards. One table decides what those characters look like:

- C0 controls (except tab and newline) and DEL in caret notation: ESC is ``^[``, BEL ``^G``, CR
  ``^M``, DEL ``^?``;
- C1 controls (U+0080–U+009F) and the bidirectional controls (U+202A–U+202E, U+2066–U+2069, and
  the marks U+200E, U+200F, U+061C) as U+FFFD, the replacement character.

:func:`shown` applies it to anything printed (the CLI wraps its output streams in it, the TUI
applies it to every text it renders); :func:`cleaned` drops those characters from imported cells.
"""

from __future__ import annotations

from typing import TextIO

REPLACEMENT = "\ufffd"
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]

SHOWN: dict[int, str] = {c: "^" + chr(c + 64) for c in range(0x20) if c not in (0x09, 0x0A)}
SHOWN[0x7F] = "^?"
SHOWN.update({c: REPLACEMENT for c in range(0x80, 0xA0)})
SHOWN.update({c: REPLACEMENT for c in _BIDI})
_DROPPED: dict[int, None] = dict.fromkeys(SHOWN)


def shown(text: str) -> str:
    """``text`` safe to print on a terminal (tab and newline kept; see the module docstring)."""
    if text.isprintable():  # the common case, at C speed (tab and newline are not "printable")
        return text
    return text.translate(SHOWN)


def cleaned(text: str) -> str:
    """``text`` without the characters :func:`shown` would have to replace (for imported cells)."""
    if text.isprintable():
        return text
    return text.translate(_DROPPED)


def unsafe(text: str) -> bool:
    """Whether ``text`` holds a character that :func:`shown` replaces."""
    return not text.isprintable() and text.translate(_DROPPED) != text


class ShownStream:
    """A text stream that writes everything through :func:`shown` to ``inner``.

    ``unfiltered`` is ``inner`` itself, for the program's own terminal codes (a progress bar).
    """

    def __init__(self, inner: TextIO) -> None:
        self.unfiltered = inner

    def write(self, text: str) -> int:
        self.unfiltered.write(shown(text))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> object:  # flush, isatty, fileno, encoding, buffer...
        return getattr(self.unfiltered, name)
