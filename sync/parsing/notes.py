"""A log's notes columns, one text in authtrack and back.

A log may keep notes in more than one column ("Notes", "Notes to self", "Billing notes"): the
first is authtrack's notes as it is, each other one joins it on a line of its own labelled by its
heading ("Notes to self: ask about 97153"), and write-back sends each labelled part back to its
own column.
"""

from __future__ import annotations

from collections.abc import Sequence


def joined(primary: str, labelled: Sequence[tuple[str, str]]) -> str:
    """``primary`` then each (heading, text) with text, as "heading: text" on its own line."""
    parts = [primary] if primary else []
    parts += [f"{heading}: {text}" for heading, text in labelled if text]
    return "\n".join(parts)


def split(notes: str, headings: Sequence[str]) -> tuple[str, dict[str, str]]:
    """``notes`` apart again: the text for the first notes column, and each heading's text (a
    line starting "heading: " begins that heading's part; the lines after it belong to it until
    another heading's line)."""
    parts: dict[str, list[str]] = {h: [] for h in headings}
    primary: list[str] = []
    current = primary
    labels = [(f"{h}: ", h) for h in sorted(headings, key=len, reverse=True)]
    for line in notes.split("\n") if notes else []:
        for label, heading in labels:
            if line.startswith(label):
                current = parts[heading]
                current.append(line[len(label) :])
                break
        else:
            current.append(line)
    return "\n".join(primary), {h: "\n".join(lines) for h, lines in parts.items()}
