"""Every log a practice keeps (issue 18), continued: two payers on one row, hours and services
named in words, values with words around them. Each imports exactly, with the warnings it
deserves, re-imports without a change, and survives export -> import into an empty file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from priorauth import coverage
from priorauth.data import Data
from priorauth.model import CapPeriod, LineMeasure, ProcedureGroup
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.errors import WorkbookError
from sync.importer import ImportPlan, apply_import, plan_import
from sync.writing.exporter import export_workbook
from sync.writing.writeback import write_back
from tests.helpers import log_styles as styles
from tests.helpers.sync_helpers import TODAY

D = dt.date
H = LineMeasure.HOURS
U = LineMeasure.UNITS


def auths(data: Data) -> list[tuple[Any, ...]]:
    """Every authorization as (client, DOB, payer, its member id, its payer's priority, number,
    codes, start, end, units, units used, visits, visits used, status, active, measure, group,
    cap), sorted."""
    out = []
    for a in data.authorizations.values():
        client = data.clients[a.client]
        cov = coverage.coverage_for(client, a.payer, a.start_date)
        out.append(
            (
                client.name,
                client.dob,
                data.payers[a.payer].name,
                a.member_id,
                cov.priority.value if cov else None,
                a.auth_number,
                tuple(a.procedure_codes),
                a.start_date,
                a.end_date,
                a.units_authorized,
                a.carried_units_used,
                a.visits_authorized,
                a.carried_visits_used,
                a.status.value,
                a.active,
                a.measure,
                a.group,
                (a.cap_amount, a.cap_period),
            )
        )
    return sorted(out, key=repr)


def coverages(data: Data) -> list[tuple[Any, ...]]:
    """Every client's coverages as (client, payer, priority, member id, start, end), sorted."""
    return sorted(
        (
            c.name,
            data.payers[i.payer_id].name,
            i.priority.value,
            i.member_id,
            i.start_date,
            i.end_date,
        )
        for c in data.clients.values()
        for i in coverage.all_coverages(c)
    )


def groups(data: Data) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((g.name, tuple(g.codes)) for g in data.groups.values())


def imported(tracker: Tracker, path: Path) -> ImportPlan:
    plan = plan_import(path, tracker.data(), today=TODAY, user="alice")
    assert not plan.errors, [str(e) for e in plan.errors]
    apply_import(tracker, plan)
    return plan


def assert_round_trips(tracker: Tracker, path: Path, tmp_path: Path) -> None:
    """Re-importing the log changes nothing; export -> import into an empty file gives the
    same authorizations, coverages and groups."""
    again = plan_import(path, tracker.data(), today=TODAY, user="alice")
    assert not again.errors
    assert (len(again.created), len(again.updated)) == (0, 0)
    assert not again.has_changes
    exported = export_workbook(tracker.data(), tmp_path / "export.xlsx", today=TODAY)
    fresh = Tracker(Store(tmp_path / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(exported, fresh.data(), today=TODAY, user="alice")
    assert not plan.errors, [str(e) for e in plan.errors]
    apply_import(fresh, plan)
    data, back = tracker.data(), fresh.data()
    assert auths(back) == auths(data)
    assert coverages(back) == coverages(data)
    assert groups(back) == groups(data)
    # and the export imported into the data it came from changes nothing
    same = plan_import(exported, tracker.data(), today=TODAY, user="alice")
    assert not same.errors and not same.has_changes


# --- two payers on one row ----------------------------------------------------------------------


def test_two_payers_on_a_row_are_two_coverages_each_payer_with_its_own_authorization(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.two_payer_log(tmp_path / "log.xlsx")
    plan = imported(tracker, path)
    data = tracker.data()
    start, end = D(2026, 9, 1), D(2027, 2, 28)
    later = (D(2026, 10, 1), D(2027, 3, 31))
    none = (None, None)
    assert auths(data) == [
        (
            "Kim, Bo",
            D(1990, 3, 2),
            "Aetna",
            "W2",
            "primary",
            "AE-7",
            ("97110",),
            *later,
            None,
            0,
            20,
            3,
            "approved",
            True,
            U,
            "",
            none,
        ),
        (
            "Kim, Bo",
            D(1990, 3, 2),
            "Medicaid",
            "MC200",
            "secondary",
            "MB-2",
            ("97110",),
            *later,
            None,
            0,
            12,
            3,
            "approved",
            True,
            U,
            "",
            none,
        ),
        # Medicare is primary with no auth: Medicaid's authorization, never a numberless
        # Medicare one
        (
            "Lee, Ann",
            D(1984, 11, 23),
            "Medicaid",
            "MC100",
            "secondary",
            "MA-1",
            ("97110",),
            start,
            end,
            None,
            0,
            24,
            5,
            "approved",
            True,
            U,
            "",
            none,
        ),
        (
            "Ng, Cy",
            D(1975, 5, 15),
            "Cigna",
            "C9",
            "primary",
            "CG-1",
            ("92507",),
            start,
            end,
            None,
            0,
            30,
            2,
            "approved",
            True,
            U,
            "",
            none,
        ),
    ]
    assert coverages(data) == [
        ("Kim, Bo", "Aetna", "primary", "W2", None, None),
        ("Kim, Bo", "Medicaid", "secondary", "MC200", None, None),
        ("Lee, Ann", "Medicaid", "secondary", "MC100", None, None),
        ("Lee, Ann", "Medicare", "primary", "1EG4TE5", None, None),
        ("Ng, Cy", "Cigna", "primary", "C9", None, None),
    ]
    assert plan.warnings == []
    assert (len(plan.created), len(plan.unchanged)) == (4, 0)
    # the report says which payer each column is about
    meanings = {c["heading"]: c["field"] for c in plan.to_json()["sheets"][0]["columns"]}
    assert meanings["Primary ID"] == "member id (primary payer)"
    assert meanings["Secondary Auth #"] == "authorization number (secondary payer)"
    assert meanings["Secondary Visits Auth"] == "visits authorized (secondary payer)"
    assert meanings["Visits Used"] == "visits used"
    assert_round_trips(tracker, path, tmp_path)


def test_a_payer_cell_that_cannot_be_read_is_named_by_its_own_column(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = [
        styles.TWO_PAYER_HEADER,
        [
            "Lee, Ann",
            D(1984, 11, 23),
            "Medicare",
            "1EG",
            None,
            None,
            "Medicaid",
            "MC1",
            "M-1",
            "lots",
            "97110",
            D(2026, 9, 1),
            D(2027, 2, 28),
            5,
        ],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert [(e.row, e.column, e.cell) for e in plan.errors] == [(2, "Secondary Visits Auth", "J2")]


def test_a_row_where_no_payer_has_a_number_or_count_says_its_dates_were_not_imported(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = [
        styles.TWO_PAYER_HEADER,
        [
            "Lee, Ann",
            D(1984, 11, 23),
            "Medicare",
            "1EG",
            None,
            None,
            "Medicaid",
            "MC1",
            None,
            None,
            "97110",
            D(2026, 9, 1),
            D(2027, 2, 28),
            5,
        ],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan = imported(tracker, path)
    assert auths(tracker.data()) == []
    assert coverages(tracker.data()) == [
        ("Lee, Ann", "Medicaid", "secondary", "MC1", None, None),
        ("Lee, Ann", "Medicare", "primary", "1EG", None, None),
    ]
    assert plan.warnings == [
        'Sheet "Log", row 2: no payer on the row has an auth number or a count of its own, so '
        "its codes and dates were not imported as an authorization (each payer is kept as the "
        "client's insurance); give the payer that authorized them its number or count."
    ]


def test_payers_without_numbers_of_their_own_share_the_row_as_the_first_payers(
    tracker: Tracker, tmp_path: Path
) -> None:
    """ "Primary Insurance", "Secondary Insurance", one "Auth #": the authorization is the
    primary's, as on a log of one payer a row; the secondary is kept as an insurance."""
    header = ["Client", "DOB", "Primary Insurance", "Secondary Insurance", "Auth #", "CPT"]
    header += ["Start", "End", "Units"]
    rows = [
        header,
        [
            "Lee, Ann",
            D(1984, 11, 23),
            "Aetna",
            "Medicaid",
            "A-1",
            "90837",
            D(2026, 9, 1),
            D(2027, 2, 28),
            24,
        ],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan = imported(tracker, path)
    data = tracker.data()
    assert [(a[2], a[4], a[5], a[9]) for a in auths(data)] == [("Aetna", "primary", "A-1", 24)]
    assert [(c[1], c[2]) for c in coverages(data)] == [
        ("Aetna", "primary"),
        ("Medicaid", "secondary"),
    ]
    assert plan.warnings == []
    assert_round_trips(tracker, path, tmp_path)


def test_write_back_into_a_log_of_two_payers_a_row_is_refused_not_written_wrong(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.two_payer_log(tmp_path / "log.xlsx")
    imported(tracker, path)
    with pytest.raises(WorkbookError, match="several payers each") as refused:
        write_back(tracker.data(), path, today=TODAY, out=tmp_path / "back.xlsx")
    assert "export to a new workbook instead" in str(refused.value)
    assert not (tmp_path / "back.xlsx").exists()


# --- hours and services named in words ----------------------------------------------------------


def test_hours_keep_their_fractions_and_services_named_in_words_become_groups(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.hours_log(tmp_path / "log.xlsx")
    plan = imported(tracker, path)
    data = tracker.data()
    start, end = D(2026, 7, 1), D(2026, 12, 31)
    week = CapPeriod.WEEK
    assert auths(data) == [
        (
            "Kim, Bo",
            D(1950, 6, 1),
            "Medicaid Waiver",
            "MW2",
            "primary",
            "RS-1",
            (),
            start,
            end,
            40,
            10.75,
            None,
            0,
            "approved",
            True,
            H,
            "Respite",
            (4, week),
        ),
        (
            "Lee, Ann",
            D(1944, 2, 9),
            "Medicaid Waiver",
            "MW1",
            "primary",
            "PC-1",
            (),
            start,
            end,
            187.5,
            96.25,
            None,
            0,
            "approved",
            True,
            H,
            "Personal Care",
            (12.5, week),
        ),
        (
            "Ng, Cy",
            D(1938, 12, 24),
            "Aetna",
            "A9",
            "primary",
            "SN-1",
            (),
            start,
            end,
            100,
            0,
            None,
            0,
            "approved",
            True,
            H,
            "Skilled Nursing",
            (None, None),
        ),
    ]
    # each service is a procedure group of its name, its codes to be filled in later
    assert groups(data) == [("Personal Care", ()), ("Respite", ()), ("Skilled Nursing", ())]
    assert plan.warnings == []
    meanings = {c["heading"]: c["field"] for c in plan.to_json()["sheets"][0]["columns"]}
    assert meanings["Total Hrs Auth"] == "units authorized, in hours"
    assert meanings["Hrs Used"] == "units used, in hours"
    assert meanings["Hrs/Wk"] == "cap, in hours"
    assert meanings["Service Type"] == "service (procedure group)"
    assert_round_trips(tracker, path, tmp_path)


def test_the_export_writes_hours_as_hours_and_says_so(tracker: Tracker, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    imported(tracker, styles.hours_log(tmp_path / "log.xlsx"))
    out = export_workbook(tracker.data(), tmp_path / "export.xlsx", today=TODAY)
    ws = load_workbook(out, read_only=True)["Authorizations"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = rows[0]
    lee = next(r for r in rows if r[1] == "Lee, Ann")
    at = head.index
    assert (lee[at("Units Authorized")], lee[at("Units Used")], lee[at("Units Remaining")]) == (
        187.5,
        96.25,
        91.25,
    )
    assert (lee[at("Measure")], lee[at("Procedure Group")], lee[at("Cap")]) == (
        "Hours",
        "Personal Care",
        "12.5 hours per week",
    )


def test_a_service_the_practice_has_a_group_for_takes_the_groups_codes(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.save_group(ProcedureGroup(name="respite", codes=["S5150"]))
    path = styles.hours_log(tmp_path / "log.xlsx")
    imported(tracker, path)
    data = tracker.data()
    kim = next(a for a in auths(data) if a[0] == "Kim, Bo")
    assert (kim[6], kim[16]) == (("S5150",), "respite")
    assert groups(data) == [("Personal Care", ()), ("Skilled Nursing", ()), ("respite", ("S5150",))]
    assert_round_trips(tracker, path, tmp_path)


def test_a_codes_column_holding_service_names_keeps_them_as_groups(
    tracker: Tracker, tmp_path: Path
) -> None:
    header = ["Client", "DOB", "Payer", "Auth #", "Service", "Start", "End", "Units"]
    rows = [
        header,
        [
            "Lee, Ann",
            D(1944, 2, 9),
            "Aetna",
            "A-1",
            "Personal Care",
            D(2026, 7, 1),
            D(2026, 12, 31),
            100,
        ],
        ["Kim, Bo", D(1950, 6, 1), "Aetna", "B-1", "T1019", D(2026, 7, 1), D(2026, 12, 31), 80],
        ["Ng, Cy", D(1950, 6, 1), "Aetna", "C-1", "9O837", D(2026, 7, 1), D(2026, 12, 31), 8],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan = plan_import(path, tracker.data(), today=TODAY)
    # a mistyped code is still refused, naming the cell
    assert [(e.row, e.cell) for e in plan.errors] == [(4, "E4")]
    plan = plan_import(path, tracker.data(), today=TODAY, user="alice")
    apply_import(tracker, plan, skip_invalid=True)
    got = [(a[0], a[6], a[15], a[16]) for a in auths(tracker.data())]
    assert got == [("Kim, Bo", ("T1019",), U, ""), ("Lee, Ann", (), U, "Personal Care")]


def test_a_measure_column_of_units_refuses_a_fraction_naming_the_cell(
    tracker: Tracker, tmp_path: Path
) -> None:
    header = ["Client", "DOB", "Payer", "Auth #", "CPT", "Start", "End", "Units", "Measure"]
    rows = [
        header,
        [
            "Lee, Ann",
            D(1944, 2, 9),
            "Aetna",
            "A-1",
            "T1019",
            D(2026, 7, 1),
            D(2026, 12, 31),
            10.5,
            "Hours",
        ],
        [
            "Kim, Bo",
            D(1950, 6, 1),
            "Aetna",
            "B-1",
            "T1019",
            D(2026, 7, 1),
            D(2026, 12, 31),
            10.5,
            "Units",
        ],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert [(e.row, e.cell, e.message) for e in plan.errors] == [
        (
            3,
            "H3",
            "10.5 is not a whole number of units; write it like 24, or say Hours in the Measure "
            "column.",
        )
    ]


# --- words around values ------------------------------------------------------------------------


def test_values_with_words_around_them_are_read_with_a_warning_naming_the_cell(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = styles.words_log(tmp_path / "log.xlsx")
    plan = imported(tracker, path)
    dob, none = D(1990, 4, 2), (None, None)
    assert auths(tracker.data()) == [
        (
            "Kim, Bo",
            dob,
            "Aetna",
            "",
            "primary",
            "B-1",
            ("90837",),
            D(2026, 1, 5),
            D(2026, 12, 31),
            24,
            0,
            None,
            0,
            "approved",
            True,
            U,
            "",
            none,
        ),
        # "exp 3/31" after a start of 04/01/2026 is the next 31 March
        (
            "Lee, Ann",
            dob,
            "Aetna",
            "",
            "primary",
            "A-1",
            ("90837",),
            D(2026, 4, 1),
            D(2027, 3, 31),
            20,
            0,
            None,
            0,
            "approved",
            True,
            U,
            "",
            none,
        ),
        (
            "Ng, Cy",
            dob,
            "Aetna",
            "",
            "primary",
            "C-1",
            ("90834",),
            D(2026, 3, 1),
            D(2026, 8, 31),
            12,
            0,
            None,
            0,
            "approved",
            True,
            U,
            "",
            none,
        ),
    ]
    assert sorted(plan.warnings) == [
        'sheet "Log", row 2, column "End" (G2): "exp 3/31" was read as 03/31/2027, the year '
        "the row's other dates imply; the words around it were not imported.",
        'sheet "Log", row 2, column "Units" (H2): "20 (renewed)" was read as 20 units; the '
        "words around it were not imported.",
        'sheet "Log", row 3, column "Start" (F3): "eff 1/5/2026" was read as 01/05/2026; the '
        "words around it were not imported.",
        'sheet "Log", row 4, column "Start" (F4): "3/1" was read as 03/01/2026, the year the '
        "row's other dates imply (it has none; write dates like 03/31/2025).",
    ]
    assert_round_trips(tracker, path, tmp_path)


def test_a_date_without_a_year_and_nothing_to_take_it_from_is_an_error(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = [
        styles.WORDS_HEADER,
        ["Lee, Ann", D(1990, 4, 2), "Aetna", "A-1", "90837", "", "exp 3/31", 20],
        ["Kim, Bo", D(1990, 4, 2), "Aetna", "B-1", "90837", "3/1 - 3/31", "", 20],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert [(e.cell, e.message) for e in plan.errors] == [
        (
            "F3",
            '"3/1 - 3/31" is not a date; write dates like 03/31/2025.',
        ),
        (
            "G2",
            '"exp 3/31" is not a date (it has no year), and the row has no other date to take '
            "the year from; write dates like 03/31/2025.",
        ),
    ]


def test_a_cap_headed_in_hours_beside_counts_in_units_is_four_units_an_hour(
    tracker: Tracker, tmp_path: Path
) -> None:
    """ABA payers authorize "25 hours a week of 97153" with the units in units."""
    header = ["Client", "DOB", "Payer", "Auth #", "CPT", "Start", "End", "Units", "Hrs per week"]
    rows = [header, ["Lee, Ann", D(2015, 2, 9), "Aetna", "A-1", "97153", D(2026, 7, 1)]]
    rows[1] += [D(2026, 12, 31), 1300, 25]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    plan = imported(tracker, path)
    (lee,) = auths(tracker.data())
    assert (lee[9], lee[15], lee[17]) == (1300, U, (100, CapPeriod.WEEK))
    meanings = {c["heading"]: c["field"] for c in plan.to_json()["sheets"][0]["columns"]}
    assert meanings["Hrs per week"] == "cap, in hours (4 units an hour)"
    assert_round_trips(tracker, path, tmp_path)


def test_a_service_column_holding_a_code_gives_the_row_its_code(
    tracker: Tracker, tmp_path: Path
) -> None:
    header = ["Client", "DOB", "Payer", "Auth #", "Service Type", "Start", "End", "Units"]
    start, end = D(2026, 7, 1), D(2026, 12, 31)
    rows = [
        header,
        ["Lee, Ann", D(1944, 2, 9), "Aetna", "A-1", "T1019", start, end, 100],
        ["Kim, Bo", D(1950, 6, 1), "Aetna", "B-1", "OT", start, end, 80],
    ]
    path = styles.book(tmp_path / "log.xlsx", {"Log": rows})
    imported(tracker, path)
    data = tracker.data()
    assert [(a[0], a[6], a[16]) for a in auths(data)] == [
        ("Kim, Bo", (), "OT"),
        ("Lee, Ann", ("T1019",), ""),
    ]
    assert groups(data) == [("OT", ())]
    assert_round_trips(tracker, path, tmp_path)
