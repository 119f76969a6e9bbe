"""Columns a practice keeps for itself: every notes column reaches authtrack's notes (labelled by
its heading) and goes back to its own column on write-back; the others are kept as they are and
named in the report, never "repeats a column already read"."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from sync.parsing import notes
from sync.recognising.columns import Col
from sync.recognising.headers import read_header
from sync.writing.writeback import write_back
from tests.helpers.sync_helpers import LOG_HEADER, TODAY, log_row, workbook

HEADER = [*LOG_HEADER, "Notes", "Notes to self", "Payer Phone", "Therapist", "Billing notes"]
KEPT = "the practice's own column: not imported, kept in the log as it is"


def _log(path: Path) -> Path:
    return workbook(
        path,
        [
            [*log_row(), "called payer", "ask about 97153", "1-800-555-0100", "Dr. Ruiz", None],
            [*log_row("Kim, Bo", "B-1"), None, "recheck\nin May", None, "Dr. Ruiz", "paid"],
            [*log_row("Diaz, Cy", "C-1"), "new", None, "1-800-555-0199", None, None],
        ],
        header=HEADER,
    )


def test_notes_columns_join_the_notes_and_the_others_are_named(
    tracker: Tracker, tmp_path: Path
) -> None:
    plan = plan_import(_log(tmp_path / "log.xlsx"), tracker.data(), today=TODAY)
    assert not any("repeats" in w for w in plan.warnings)
    (report,) = plan.sheets
    meaning = {heading: what for _, heading, what in report.columns}
    assert meaning["Notes"] == "notes"
    assert meaning["Notes to self"] == 'notes, as "Notes to self: ..."'
    assert meaning["Billing notes"] == 'notes, as "Billing notes: ..."'
    assert meaning["Payer Phone"] == KEPT  # not the payer
    assert meaning["Therapist"] == "clinician"
    assert any(f'"Payer Phone": {KEPT}' in line for line in report.lines())
    apply_import(tracker, plan)
    by_number = {a.auth_number: a for a in tracker.data().authorizations.values()}
    assert by_number["A-1"].notes == "called payer\nNotes to self: ask about 97153"
    assert by_number["B-1"].notes == "Notes to self: recheck\nin May\nBilling notes: paid"
    assert by_number["C-1"].notes == "new"


def test_each_part_goes_back_to_its_own_column(tracker: Tracker, tmp_path: Path) -> None:
    log = _log(tmp_path / "log.xlsx")
    apply_import(tracker, plan_import(log, tracker.data(), today=TODAY))
    unchanged = write_back(tracker.data(), log, today=TODAY, out=tmp_path / "same.xlsx")
    assert unchanged.cells_changed == 0 and unchanged.unchanged_rows == 3

    by_number = {a.auth_number: a for a in tracker.data().authorizations.values()}
    a1, b1 = by_number["A-1"], by_number["B-1"]
    tracker.save_authorization(
        dataclasses.replace(a1, notes="called payer twice\nNotes to self: fax sent")
    )
    tracker.save_authorization(dataclasses.replace(b1, notes="Billing notes: paid"))
    result = write_back(tracker.data(), log, today=TODAY, out=tmp_path / "out.xlsx")
    assert result.updated_rows == [2, 3] and result.cells_changed == 3
    ws = load_workbook(result.path)["Log"]
    k = HEADER.index("Notes") + 1
    assert [c.value for c in ws[2]][k - 1 :] == [
        "called payer twice", "fax sent", "1-800-555-0100", "Dr. Ruiz", None
    ]  # fmt: skip
    assert [c.value for c in ws[3]][k - 1 :] == [None, None, None, "Dr. Ruiz", "paid"]

    # and the log written back imports to the same notes
    again = plan_import(result.path, tracker.data(), today=TODAY)
    assert (len(again.created), len(again.updated)) == (0, 0)


def test_the_plain_notes_column_is_the_notes_wherever_it_is() -> None:
    header = read_header([["Client", "Payer", "Notes to self", "Notes", "Payer Fax"]], 0)
    assert header.columns[Col.NOTES] == 3  # the plain "Notes", after "Notes to self"
    assert header.extra_notes == {2: "Notes to self"}
    assert header.duplicate_columns == {4}


@given(
    st.text(alphabet="ab :\n", max_size=12),
    st.lists(st.text(alphabet="ab \n", max_size=8), min_size=2, max_size=2),
)
def test_split_undoes_joined(primary: str, texts: list[str]) -> None:
    headings = ["Notes to self", "Billing notes"]
    if any(line.startswith(f"{h}: ") for h in headings for line in primary.split("\n")):
        return
    labelled = list(zip(headings, texts, strict=True))
    text = notes.joined(primary, labelled)
    back_primary, parts = notes.split(text, headings)
    assert notes.joined(back_primary, [(h, parts[h]) for h in headings]) == text
    assert parts == {h: t for h, t in labelled}
    assert back_primary == primary or (not primary and back_primary == "")
