"""A line of the data file held by its checksum instead of its text (an open app's memory)."""

from __future__ import annotations

from priorauth.deflate import crc32


class LineRef:
    """A stored line no longer held in memory (see :meth:`Table.shed_text`): its first id,
    length and CRC-32. It stands for the line in every comparison of lines (equal to that line's
    text, and to another reference to it), never in what is written: a line held as a reference
    is made again from the values when written, and a transaction reads the file's text again
    first (``LockedJSONStorage``)."""

    __slots__ = ("crc", "length", "start")

    def __init__(self, start: int, length: int, crc: int) -> None:
        self.start, self.length, self.crc = start, length, crc

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LineRef):
            return (self.start, self.length, self.crc) == (other.start, other.length, other.crc)
        if isinstance(other, bytes):
            return len(other) == self.length and crc32(other) == self.crc
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.start, self.length, self.crc))
