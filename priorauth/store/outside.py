"""Records another program changed in the data file without giving them a new revision."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from priorauth.store.tables import Build, Table

OUTSIDE_EDITOR = "another program"  # who changed a record that kept its revision


def mark_outside_edits(
    before: Mapping[str, Table],
    after: Mapping[str, Table],
    builders: Mapping[str, Build],
    mtime: float,
) -> int:
    """Give a new revision to each record another program changed without giving it one.

    ``after`` is a file read whole because its checksum failed (an editor or a script wrote
    it); ``before``, this process's previous read. A record whose content differs from before
    under the same revision was changed outside authtrack: it is read as the next revision, by
    :data:`OUTSIDE_EDITOR`, so that a save of the copy opened before is refused as a conflict
    rather than silently undoing that change. Its next commit writes the new revisions (a
    table read whole is written whole). Returns how many records were marked."""
    when = dt.datetime.fromtimestamp(mtime, dt.UTC).isoformat(timespec="seconds")
    marked = 0
    for name, table in after.items():
        old = before.get(name)
        if old is None or not old.parsed or name not in builders:
            continue  # nobody here holds a record of it: nothing of ours can be stale
        for record_id, record in table.items():
            previous = old.get(record_id)
            if previous is None:
                continue
            if previous.rev == record.rev and previous != record:
                record.rev += 1
                record.updated_by, record.updated_at = OUTSIDE_EDITOR, when
                marked += 1
            elif previous.updated_by == OUTSIDE_EDITOR and previous.rev == record.rev + 1:
                # read again before a commit wrote the mark (a failed save): keep the mark
                as_stored = dataclasses.replace(
                    previous,
                    rev=record.rev,
                    updated_by=record.updated_by,
                    updated_at=record.updated_at,
                )
                if as_stored == record:
                    record.rev, record.updated_by = previous.rev, OUTSIDE_EDITOR
                    record.updated_at = previous.updated_at
                    marked += 1
    return marked
