"""A new authorization's lines attached with their rows as TableRows (LineRows made only when
asked for, the sheet, row numbers and settled flags read from the table) give what the LineRows
LineMaker.settled makes give: the same rows when read, the same settled flags, the same
authorization once settle_line_usage has settled it, and the same plan words (described)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import service_lines
from priorauth.model import Authorization
from sync.planning import lines
from sync.planning.line_rows import TableRows
from tests.unit.test_line_settled import _counted_log, _state


def _draft(number: str = "ABA-1") -> Any:
    auth = Authorization(client=-1, payer=1, id=-1, auth_number=number)
    return SimpleNamespace(
        auth=auth, before=None, lines=None, index=0, units_used=1, visits_used=None,
        units_left=None, visits_left=None,
    )  # fmt: skip


def _as_made_apart(maker: lines.LineMaker, d: Any, indices: list[int]) -> None:
    """attach's former way for a new authorization: a LineRow made for every row at once."""
    rows = list(map(maker.settled(), indices))
    service_lines.hold_lines(d.auth, [r.line for r in rows])
    notes = maker._notes
    if notes is not None:
        written = [n for i in indices if (n := notes[i])]
        d.auth.notes = "; ".join(dict.fromkeys(written)) if written[1:] else "".join(written)
    d.lines = rows
    d.units_used = d.visits_used = d.units_left = d.visits_left = None


def _settled(d: Any) -> tuple[list[Any], list[str]]:
    merger = SimpleNamespace(today=None, has_services=lambda: False, warnings=[])
    lines.settle_line_usage(merger, [d])  # type: ignore[arg-type]
    held = service_lines.lines_of(d.auth)
    return [[(k, _state(v)) for k, v in vars(line).items()] for line in held], merger.warnings


@settings(max_examples=300, deadline=None)
@given(_counted_log(), st.data())
def test_table_rows_are_the_line_rows_made_apart(log: tuple[Any, Any], data: Any) -> None:
    table, cols = log
    n = len(table.rows)
    indices = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1)))
    quick, apart = _draft(), _draft()
    lines.LineMaker(cols, table).attach(quick, indices)
    _as_made_apart(lines.LineMaker(cols, table), apart, indices)
    assert type(quick.lines) is TableRows
    # the flags settle_line_usage reads from the table, and the sheet and numbers described
    # reads, are the LineRows'
    assert quick.lines.settled == [r.settled for r in apart.lines]
    assert quick.lines.sheet == apart.lines[0].sheet
    assert [quick.lines.where[i] for i in quick.lines.indices] == [r.row for r in apart.lines]
    assert lines.described([quick]) == lines.described([apart])
    # settled: the same lines, the same warnings (and the rows the same when read)
    assert _settled(quick) == _settled(apart)
    assert repr(quick.auth) == repr(apart.auth)  # (repr: a NaN count is not equal to itself)
    assert repr(list(quick.lines)) == repr(apart.lines) and quick.lines == list(quick.lines)
    assert repr([quick.lines[k] for k in range(len(indices))]) == repr(apart.lines)
    # described of rows read one by one (the general way) is the table's too
    made = _draft()
    lines.LineMaker(cols, table).attach(made, indices)
    assert lines.described([SimpleNamespace(auth=made.auth, lines=list(made.lines))]) == (
        lines.described([made])
    )


def test_lines_read_later_are_described_when_read() -> None:
    """The plan's service lines, worked out when first read, are described's, also once the
    plan is written (which gives the records their ids) and whatever happens to the list of
    drafts given."""
    table = SimpleNamespace(rows=[2, 3, 4], sheet="Log", parts=[], sheet_at=lambda i: "Log")
    cols = SimpleNamespace(
        codes=[["97153"], ["97155"], ["97156"]],
        cap=None,
        copied=[("units_authorized", [10, 20, 30], None)],
        units_used=[1, 2, 3],
        visits_used=None,
        units_left=None,
        visits_left=None,
    )
    d, alone = _draft("ABA-7"), _draft("ABA-8")
    lines.LineMaker(cols, table).attach(d, [0, 1, 2])
    drafts = [alone, d]
    expected = lines.described(drafts)
    later = lines.LinesReadLater(drafts)
    drafts.clear()
    d.auth.id, d.auth.client = 12, 3  # (as applying the plan does)
    assert len(later) == 1 and later == expected and list(later) == expected
    assert later[0] == expected[0] and later[:1] == expected and bool(later)
    assert [str(g) for g in later] == [
        "ABA-7: 3 rows read as one authorization with 3 service "
        'lines (sheet "Log", rows 2, 3, 4: 97153; 97155; 97156).'
    ]
    assert not lines.LinesReadLater([alone]) and lines.LinesReadLater([]) == []
