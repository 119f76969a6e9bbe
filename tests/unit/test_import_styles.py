"""Every log a practice keeps (issue 18): each house style imports exactly, with the warnings it
deserves, re-imports without a change, and survives export -> import into an empty file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from priorauth.services.tracker import Tracker
from sync.errors import SheetChoiceError
from sync.importer import plan_import
from tests.helpers import log_styles as styles
from tests.helpers.log_styles import assert_round_trips, import_log
from tests.helpers.sync_helpers import TODAY

D = dt.date


def test_day_first_dates_are_read_day_first_column_by_column(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.day_first_log(tmp_path / "log.xlsx")
    plan, got = import_log(tracker, path)
    assert got == [
        (
            "Kim, Bo",
            D(1990, 3, 2),
            "Aetna",
            "W2",
            "primary",
            "B-1",
            ("90834",),
            D(2026, 2, 10),
            D(2026, 7, 31),
            12,
            0,
            None,
            0,
            "approved",
            True,
        ),
        (
            "Lee, Ann",
            D(1984, 11, 23),
            "Aetna",
            "W1",
            "primary",
            "A-1",
            ("90837",),
            D(2026, 1, 6),
            D(2026, 6, 30),
            24,
            5,
            None,
            0,
            "approved",
            True,
        ),
        (
            "Ng, Cy",
            D(1975, 5, 15),
            "Cigna",
            "C9",
            "primary",
            "C-1",
            ("90837",),
            D(2026, 3, 1),
            D(2027, 2, 28),
            30,
            2,
            None,
            0,
            "approved",
            True,
        ),
    ]
    # Start shows no order of its own: it follows the sheet's other date columns, and says so
    assert plan.warnings == [
        'Sheet "Log": column G "Start" read day first (as the sheet\'s other date columns); '
        "3 dates that read either way read day first."
    ]
    orders = plan.to_json()["sheets"][0]["date_order"]
    assert [(o["column"], o["order"], o["ambiguous"]) for o in orders] == [
        ("B", "dmy", 1),
        ("G", "dmy", 3),
        ("H", "dmy", 0),
    ]
    assert orders[2]["reason"] == 'its dates, such as "30/06/2026", read only that way'
    assert_round_trips(tracker, path, tmp_path)


def test_a_column_without_evidence_takes_the_practice_order_or_the_option(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.ambiguous_log(tmp_path / "log.xlsx")
    month_first = plan_import(path, tracker.data(), today=TODAY)
    assert len(month_first.created) == 2 and not month_first.errors
    assert month_first.warnings == [
        'Sheet "Log": column G "Start" read month first (the practice\'s date order); 2 dates '
        "that read either way read month first.",
        'Sheet "Log": column H "End" read month first (the practice\'s date order); 2 dates '
        "that read either way read month first.",
    ]
    plan, got = import_log(tracker, path, date_order="dmy")
    assert [(r[0], r[7], r[8]) for r in got] == [
        ("Kim, Bo", D(2026, 4, 3), D(2026, 11, 10)),
        ("Lee, Ann", D(2026, 2, 1), D(2026, 12, 6)),
    ]
    assert "(--date-order dmy)" in plan.warnings[0]
    assert_round_trips(tracker, path, tmp_path, date_order="dmy")


def test_the_practice_setting_chooses_the_order_where_columns_show_none(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.ambiguous_log(tmp_path / "log.xlsx")
    data = tracker.data()
    data.settings["date_order"] = "dmy"
    plan = plan_import(path, data, today=TODAY)
    assert plan.sheets[0].dates[0].order == "dmy"
    assert plan.sheets[0].dates[0].reason == "the practice's date order"


def test_a_column_never_mixes_orders(tracker: Tracker, tmp_path: Path) -> None:
    header = styles.DAY_FIRST_HEADER
    rows = [
        header,
        ["Lee, Ann", "", "Aetna", "W1", "A-1", "90837", "31/01/2026", "30/06/2026", 24, 0],
        ["Kim, Bo", "", "Aetna", "W2", "B-1", "90837", "28/02/2026", "31/07/2026", 24, 0],
        ["Ng, Cy", "", "Aetna", "W3", "C-1", "90837", "01/31/2026", "31/08/2026", 24, 0],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert [(e.row, e.cell, e.message) for e in plan.errors] == [
        (
            4,
            "G4",
            '"01/31/2026" reads only month first, but this column\'s dates are day first '
            '(such as "31/01/2026"); one column holds one date order: check the cell.',
        )
    ]


def test_placeholders_are_requests_and_unknown_counts_never_look_unlimited(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.placeholder_log(tmp_path / "log.xlsx")
    plan, got = import_log(tracker, path)
    start, end, dob = D(2026, 9, 1), D(2027, 2, 28), D(1990, 4, 2)

    assert [(r[0], r[5], r[9], r[13], r[14]) for r in got] == [
        ("Kim, Bo", "", 12, "requested", False),
        ("Lee, Ann", "", 24, "pending", False),
        ("Ng, Cy", "", 10, "requested", False),
        ("Ode, Di", "", 8, "requested", False),
        ("Poe, Ed", "", 6, "requested", False),
        ("Roy, Fay", "", 4, "requested", False),
        ("Sue, Gil", "S-1", None, "pending", False),
        ("Tam, Hal", "T-1", None, "pending", False),
        ("Uma, Ivy", "U-1", 20, "approved", True),
    ]
    assert all(r[1:5] == (dob, "Aetna", "", "primary") and r[7:9] == (start, end) for r in got)
    assert plan.warnings == [
        'sheet "Log", row 8, column "Units" (H8): "TBD" is not a number of units yet: the '
        "authorization is kept as pending, its units unknown (not unlimited).",
        'sheet "Log", row 9, column "Units" (H9): "see notes" is not a number of units yet: the '
        "authorization is kept as pending, its units unknown (not unlimited).",
        'sheet "Log", row 10, column "Units" (H10): "20 (renewed)" was read as 20 units; the '
        "words around it were not imported.",
    ]
    assert_round_trips(tracker, path, tmp_path)


def test_an_ehr_report_export_skips_its_chrome_with_one_warning_each_kind(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.ehr_report(tmp_path / "report.xlsx")
    plan, got = import_log(tracker, path)
    start, end, dob = D(2026, 9, 1), D(2027, 2, 28), D(1990, 4, 2)
    assert got == [
        (
            name,
            dob,
            "Aetna",
            "",
            "primary",
            number,
            ("90837",),
            start,
            end,
            units,
            used,
            None,
            0,
            "approved",
            True,
        )
        for name, number, units, used in (
            ("Kim, Bo", "B-1", 12, 0),
            ("Lee, Ann", "A-1", 24, 5),
            ("Ng, Cy", "C-1", 30, 2),
        )
    ]
    say = 'Sheet "Report": skipped {}: report layout, not authorizations.'.format
    assert plan.warnings == [
        say("2 confidentiality notices (rows 10, 19)"),
        say("2 page footers (rows 11, 20)"),
        say("4 report heading lines (rows 12, 13, 14, 15)"),
        say("1 repeated header row (row 16)"),
        say("1 total row (row 18)"),
    ]
    report = plan.to_json()["sheets"][0]
    assert report["header_rows"] == [6]
    assert report["chrome_skipped"] == {
        "confidentiality notices": 2,
        "page footers": 2,
        "report heading lines": 4,
        "repeated header rows": 1,
        "total rows": 1,
    }
    assert_round_trips(tracker, path, tmp_path)


def test_one_block_per_client_fills_the_heading_down(tracker: Tracker, tmp_path: Path) -> None:
    path = styles.client_blocks(tmp_path / "log.xlsx")
    plan, got = import_log(tracker, path)
    lee = ("Lee, Ann", D(1984, 11, 23), "Aetna", "W1", "primary")
    assert got == [
        (
            "Kim, Bo",
            None,
            "Cigna",
            "C5",
            "primary",
            "B-1",
            ("90837",),
            D(2026, 10, 1),
            D(2027, 3, 31),
            20,
            0,
            None,
            0,
            "approved",
            True,
        ),
        (*lee, "A-1", ("90837",), D(2026, 3, 1), D(2026, 8, 31), 24, 0, None, 0, "approved", False),
        (*lee, "A-2", ("90837",), D(2026, 9, 1), D(2027, 2, 28), 12, 0, None, 0, "approved", True),
        (
            "Ng, Cy",
            D(1975, 5, 15),
            "Aetna",
            "W3",
            "primary",
            "C-1",
            ("90837",),
            D(2026, 9, 1),
            D(2027, 2, 28),
            30,
            0,
            None,
            0,
            "approved",
            True,
        ),
    ]
    assert plan.warnings == []
    assert plan.to_json()["sheets"][0]["headings_filled_down"] == 3
    assert_round_trips(tracker, path, tmp_path)


def test_two_row_headings_read_each_sub_heading_in_the_light_of_its_group(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.two_row_headings(tmp_path / "log.xlsx")
    plan, got = import_log(tracker, path)
    assert got == [
        (
            "Kim, Bo",
            D(1990, 3, 2),
            "Medicaid",
            "MC77",
            "primary",
            "B-1",
            ("97153",),
            D(2026, 10, 1),
            D(2027, 3, 31),
            None,
            0,
            20,
            4,
            "approved",
            True,
        ),
        (
            "Lee, Ann",
            D(1984, 11, 23),
            "Aetna",
            "W1",
            "primary",
            "A-1",
            ("90837",),
            D(2026, 9, 1),
            D(2027, 2, 28),
            24,
            5,
            None,
            0,
            "approved",
            True,
        ),
    ]
    assert plan.warnings == []
    # "ID #" under Insurance is the member id, never the practice's client id
    assert not any(c.client_id in ("W1", "MC77") for c in tracker.data().clients.values())
    report = plan.to_json()["sheets"][0]
    assert report["header_rows"] == [2, 3]
    assert [(c["heading"], c["field"]) for c in report["columns"]] == [
        ("Patient / Name", "client name"),
        ("Patient / DOB", "date of birth"),
        ("Insurance / Plan", "payer"),
        ("Insurance / ID #", "member id"),
        ("Authorization / Number", "authorization number"),
        ("Authorization / Code", "procedure codes"),
        ("Authorization / Start", "start date"),
        ("Authorization / End", "end date"),
        ("Units / Approved", "units authorized"),
        ("Units / Used", "units used"),
        ("Units / Left", "units remaining"),
        ("Visits / Approved", "visits authorized"),
        ("Visits / Used", "visits used"),
        ("Visits / Left", "visits remaining"),
    ]
    assert_round_trips(tracker, path, tmp_path)


def test_one_tab_per_month_is_refused_naming_the_newest_tab(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.month_tabs(tmp_path / "log.xlsx")
    with pytest.raises(SheetChoiceError) as refused:
        plan_import(path, tracker.data(), today=TODAY)
    assert str(refused.value) == (
        f'{path} has 3 sheets that look equally like authorization logs ("Jan 2026", '
        '"Feb 2026", "Mar 2026"); choose one with --sheet, e.g. --sheet "Mar 2026", or merge '
        "them oldest to newest with --sheet all."
    )


def test_sheet_all_merges_the_tabs_oldest_to_newest_the_latest_counts_winning(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.month_tabs(tmp_path / "log.xlsx")
    plan, got = import_log(tracker, path, sheet="all")
    start, end, dob = D(2026, 1, 1), D(2026, 12, 31), D(1990, 4, 2)
    assert got == [
        (
            name,
            dob,
            "Aetna",
            "",
            "primary",
            number,
            ("90837",),
            start,
            end,
            24,
            used,
            None,
            0,
            "approved",
            True,
        )
        for name, number, used in (
            ("Kim, Bo", "B-1", 4),
            ("Lee, Ann", "A-1", 9),
            ("Ng, Cy", "C-1", 1),
        )
    ]
    # each authorization from the newest tab that has it
    assert sorted((i.sheet, i.row) for i in plan.created) == [
        ("Jan 2026", 3),
        ("Mar 2026", 2),
        ("Mar 2026", 3),
    ]
    assert [s["sheet"] for s in plan.to_json()["sheets"]] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert plan.warnings == []
    assert_round_trips(tracker, path, tmp_path, sheet="all")


def test_a_dated_row_is_an_authorization_whatever_its_notes_say(
    tracker: Tracker, tmp_path: Path
) -> None:
    header = [*styles.MONTH_HEADER, "Notes"]
    start, end, dob = D(2026, 1, 1), D(2026, 12, 31), D(1990, 4, 2)
    rows = [
        header,
        ["Lee, Ann", dob, "Aetna", "A-1", "90837", start, end, 24, 2, ""],
        ["", "", "Aetna", "", "90834", start, end, 12, 0, "Total of 3 requests, page 2 of fax"],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan, got = import_log(tracker, path)
    assert [(r[0], r[5], r[6]) for r in got] == [
        ("Lee, Ann", "", ("90834",)),
        ("Lee, Ann", "A-1", ("90837",)),
    ]
    assert plan.warnings == []


def test_without_evidence_the_one_order_that_keeps_starts_before_ends_wins(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = [
        styles.DAY_FIRST_HEADER,
        ["Lee, Ann", "", "Aetna", "W1", "A-1", "90837", "02/01/2025", "01/02/2025", 24, 0],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan, got = import_log(tracker, path)
    assert (got[0][7], got[0][8]) == (D(2025, 1, 2), D(2025, 2, 1))
    assert plan.warnings[0] == (
        'Sheet "Log": column G "Start" read day first (only that order puts every start before '
        "its end); 1 date that read either way read day first."
    )
