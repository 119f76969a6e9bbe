"""No column silently ignored (issue 11 §3): dotted and abbreviated headings read like their plain
forms, and every column with values that is not read is named, in the report and the preview."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from sync.recognising.columns import Col
from sync.recognising.headers import recognise
from tests.helpers.sync_helpers import TODAY, workbook
from tui.screens.import_screen import preview_rows

D = dt.date


@pytest.mark.parametrize(
    ("text", "col"),
    [
        ("D.O.B.", Col.DOB),
        ("D.O.B", Col.DOB),
        ("D/O/B", Col.DOB),
        ("Date  of\nBirth", Col.DOB),
        ("Client I.D.", Col.CLIENT_ID),
        ("Client No.", Col.CLIENT_ID),
        ("Auth\nNo.", Col.AUTH_NUMBER),
        ("Auth  Nbr", Col.AUTH_NUMBER),
        ("P.A. #", Col.AUTH_NUMBER),
        ("Auth.#", Col.AUTH_NUMBER),
        ("Mbr. ID #", Col.MEMBER_ID),
        ("Ins./Payer", Col.PAYER),
        ("Units\nApproved", Col.UNITS_AUTH),
        ("Exp. Date", Col.END),
    ],
)
def test_dots_slashes_numbers_and_line_breaks_read_like_the_plain_heading(
    text: str, col: Col
) -> None:
    assert recognise(text) == col


HEADER = ["Client", "D.O.B.", "Payer", "Auth\nNo.", "CPT", "Start", "End", "Units"]
HEADER += ["Referral Source", "Fax Sent", ""]


def _log(path: Path) -> Path:
    start, end = D(2026, 9, 1), D(2027, 2, 28)
    rows = [
        ["Lee, Ann", D(1990, 4, 2), "Aetna", "A-1", "90837", start, end, 24, "Dr. Hill", "", ""],
        ["Kim, Bo", D(1985, 1, 1), "Aetna", "B-1", "90834", start, end, 12, "", "", "call back"],
    ]
    return workbook(path, rows, header=HEADER)


EXPECTED_WARNINGS = [
    'Sheet "Log": column I "Referral Source" was not recognised and was not imported.',
    'Sheet "Log": column K has values but no heading; it was not imported.',
]


def test_every_unread_column_with_values_is_named(tracker: Tracker, tmp_path: Path) -> None:
    plan = plan_import(_log(tmp_path / "log.xlsx"), tracker.data(), today=TODAY, user="alice")
    assert not plan.errors
    assert plan.warnings == EXPECTED_WARNINGS  # "Fax Sent" is empty: nothing was lost
    assert plan.unread_columns == [("Log", "I", "Referral Source"), ("Log", "K", "")]
    (report,) = plan.to_json()["sheets"]
    assert report["header_rows"] == [1]
    assert report["not_read"] == [
        {"column": "I", "heading": "Referral Source"},
        {"column": "K", "heading": ""},
    ]
    assert report["columns"][1] == {"column": "B", "heading": "D.O.B.", "field": "date of birth"}
    apply_import(tracker, plan)
    data = tracker.data()
    assert sorted(c.dob for c in data.clients.values()) == [D(1985, 1, 1), D(1990, 4, 2)]
    assert sorted(a.auth_number for a in data.authorizations.values()) == ["A-1", "B-1"]


def test_the_import_screens_preview_lists_the_columns_not_imported(
    tracker: Tracker, tmp_path: Path
) -> None:
    plan = plan_import(_log(tmp_path / "log.xlsx"), tracker.data(), today=TODAY, user="alice")
    rows, full = preview_rows(plan)
    keys = [key for key, _ in rows]
    assert keys.index("unread") < keys.index("created")
    assert full["unread:0"] == 'column I: "Referral Source" on sheet "Log" was not imported'
    assert full["unread:1"] == 'column K: on sheet "Log" was not imported'
    assert any(text.startswith('column B "D.O.B.": date of birth') for text in full.values())
