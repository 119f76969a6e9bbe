"""Patching a line of the data file whose documents were only edited (see
:mod:`priorauth.store.tables`): the edited documents serialised and put in place of their old
text, instead of the whole line serialised again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson


class Edit:
    """A line whose documents were only edited: its ``text`` as read or written, the id after
    its last (``end``) then, and the value that text holds of each edited id."""

    __slots__ = ("end", "text", "values")

    def __init__(self, text: bytes, end: int, values: dict[int, Any]) -> None:
        self.text, self.end, self.values = text, end, values

    def copy(self) -> Edit:
        return Edit(self.text, self.end, dict(self.values))


def patched(edit: Edit, items: Mapping[int, Any], end: int) -> bytes | None:
    """The line's new text: its old text with each edited document's text replaced by its new
    value's, exactly what ``tables.dump_docs`` makes of the line's values (None: the line
    cannot be patched so; it is then made whole).

    Each edited document is found at a document's start (the line's, or after a comma) as
    ``"id":`` followed by exactly the text its old value makes and then a comma or the line's
    end; the line's other documents are its text as read (checked by the file's CRC-32, and
    written from those same values). Nothing else matches there: a text value cannot hold an
    unescaped quote, and no record has an object keyed by numbers."""
    if edit.end != end:  # (documents were appended to the line since)
        return None
    text, pieces, at = edit.text, [], 0
    option = orjson.OPT_NON_STR_KEYS  # (as dump_docs)
    for key in sorted(edit.values):
        new = items.get(key)
        if new is None:
            return None
        head = b'"%d":' % key
        found = text.find(head, at)
        if found < 0 or (found and text[found - 1] != 44):  # 44: ","
            return None
        body = found + len(head)
        old = orjson.dumps(edit.values[key], option=option)
        after = body + len(old)
        if text[body:after] != old or (after < len(text) and text[after] != 44):
            return None
        pieces.append(text[at:body])
        pieces.append(orjson.dumps(new, option=option))
        at = after
    pieces.append(text[at:])
    return b"".join(pieces)
