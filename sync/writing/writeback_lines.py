"""Which service line each row of a practice's log holds, for write-back.

An ABA-style log writes one authorization on several rows, one per code: each row gets back the
line with its codes (its counts, used and remaining, cap), and a line authtrack has that the log
has no row for is appended as a row of its own. A log that writes an authorization on one row
with all its codes gets its totals, as before; one whose single row names one line's codes gets
that line, the others appended. Notes are the authorization's: on a group of rows they stay as
they are while they still say its notes, else the first row takes them and the others are
cleared (an import joins the rows' notes, so the round trip holds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from priorauth import service_lines
from priorauth.model import Authorization
from sync.parsing.logsheet import LogTable
from sync.planning.drafts import Draft
from sync.recognising.columns import Col

__all__ = ["RowLines", "row_lines"]


@dataclass
class RowLines:
    line_of: dict[int, int] = field(default_factory=dict)  # their row -> line index
    missing: list[tuple[Authorization, int]] = field(default_factory=list)  # lines to append
    unknown: list[int] = field(default_factory=list)  # rows whose line authtrack no longer has
    notes: dict[int, str] = field(default_factory=dict)  # their row -> the notes it should hold


def row_lines(table: LogTable, drafts: list[Draft], matched: dict[int, Authorization]) -> RowLines:
    """The line of each matched row (rows not in ``line_of`` hold the whole authorization)."""
    out = RowLines()
    codes_col = table.values.get(Col.CODES)
    if codes_col is None:
        return out  # (no codes column: one row holds an authorization's totals)
    notes_col = table.values.get(Col.NOTES)
    for d in drafts:
        auth = matched.get(d.row)
        if auth is None:
            continue
        lines = service_lines.lines_of(auth)
        rows = [(r.row, r.index) for r in d.lines or () if r.index is not None]
        rows = rows or [(d.row, d.index)]
        if len(lines) < 2 and len(rows) < 2:
            continue
        by_codes = {frozenset(line.codes): k for k, line in enumerate(lines)}
        placed: set[int] = set()
        for row, i in rows:
            k = by_codes.get(frozenset(codes_col[i] or ()))
            if k is None or k in placed:
                if len(rows) > 1:
                    out.unknown.append(row)
                continue
            out.line_of[row] = k
            placed.add(k)
            matched.setdefault(row, auth)
        if len(rows) == 1 and not placed:
            continue  # one row with all the codes: it keeps the totals
        out.missing += [(auth, k) for k in range(len(lines)) if k not in placed]
        if notes_col is not None and len(rows) > 1:
            held = [row for row, _ in rows if row in out.line_of]
            said = [notes_col[i] or "" for row, i in rows if row in out.line_of]
            if "; ".join(dict.fromkeys(n for n in said if n)) == auth.notes:
                out.notes.update(zip(held, said, strict=True))
            else:
                out.notes.update({row: "" for row in held})
                if held:
                    out.notes[held[0]] = auth.notes
    for row in out.unknown:
        matched.pop(row, None)
    return out
