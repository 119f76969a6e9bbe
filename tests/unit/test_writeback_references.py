"""`export --into` keeps the practice's workbook working: every reference to a moved cell follows
it, ranges that ended at the last row take the new rows, and the log's own words are used."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from priorauth.model import Authorization, RequestStatus
from priorauth.services.tracker import Tracker
from sync.errors import WorkbookError
from sync.importer import apply_import, plan_import
from sync.writing import styled
from sync.writing.writeback import write_back
from tests.helpers.practice_log import FIRST, TOTAL, imported, write_log
from tests.helpers.sync_helpers import TODAY

NEW_TOTAL = TOTAL + 2  # two authorizations appended above it


@pytest.fixture
def written(tracker: Tracker, tmp_path: Path) -> tuple[Path, object]:
    log = write_log(tmp_path / "log.xlsx")
    imported(tracker, log, TODAY)
    told: list[list[str]] = []
    result = write_back(tracker.data(), log, today=TODAY, confirm=lambda n: told.append(n) or True)
    assert told == []  # nothing that could not follow
    return result.path, result


def test_two_appended_three_changed(written: tuple[Path, object]) -> None:
    _, result = written
    assert result.updated_rows == [3, 4, 6] and result.appended_rows == [8, 9]  # type: ignore[attr-defined]
    assert result.unfollowed == []  # type: ignore[attr-defined]


def test_the_total_and_everything_pointing_at_it_follow(written: tuple[Path, object]) -> None:
    path, _ = written
    wb = load_workbook(path)
    ws, dash = wb["Log"], wb["Dashboard"]
    assert ws[f"A{NEW_TOTAL}"].value == "TOTAL"
    assert ws[f"A{NEW_TOTAL}"].hyperlink.target == "https://example.org/how-we-count"
    assert ws["A8"].hyperlink is None  # the link moved with its cell
    assert [ws.cell(row=NEW_TOTAL, column=c).value for c in (6, 7, 8)] == [
        "=SUM(F3:F9)",
        "=SUM(G3:G9)",
        "=SUM(H3:H9)",
    ]
    assert dash["B1"].value == f"=Log!G{NEW_TOTAL}"  # not the patient row now at row 8
    assert dash["B2"].value == "=SUM(Log!F3:F9)"  # a range that ended at the last row grows
    assert dash["B3"].value == f"=Log!$H${NEW_TOTAL}"
    assert dash["B4"].value == "=Log!A3"  # above the new rows: unchanged
    assert dash["B5"].value == "=SUM(UsedRange)"
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    assert names == {"TotalUsed": f"Log!$G${NEW_TOTAL}", "UsedRange": "Log!$G$3:$G$9"}
    assert [ws[f"H{r}"].value for r in (8, 9)] == ["=F8-G8", "=F9-G9"]  # their row formula


def test_ranges_tables_and_charts_take_the_new_rows(written: tuple[Path, object]) -> None:
    path, _ = written
    wb = load_workbook(path)
    ws = wb["Log"]
    (table,) = ws.tables.values()
    assert table.ref == "A2:J9" and table.autoFilter.ref == "A2:J9"
    formats = {
        str(cf.sqref): [f for r in cf.rules for f in r.formula] for cf in ws.conditional_formatting
    }
    assert formats == {"A3:J9": ["$H3<=2"], "G3:G9": [f"$F${NEW_TOTAL}"]}
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert lists == {'"Active,Pending,Closed"': "I3:I9", '"Y,N"': "J3:J9"}
    assert ws.print_area == f"'Log'!$A$1:$J${NEW_TOTAL}"
    (chart,) = wb["Dashboard"]._charts
    (series,) = chart.series
    assert series.val.numRef.f == "'Log'!$G$3:$G$9"
    assert series.cat.numRef.f == "'Log'!$C$3:$C$9"


def test_the_logs_own_words(written: tuple[Path, object]) -> None:
    path, _ = written
    ws = load_workbook(path)["Log"]
    rows = {r[2]: r for r in ws.iter_rows(min_row=FIRST, max_row=9, values_only=True)}
    assert (rows["B-1"][8], rows["B-1"][9]) == ("Closed", "N")  # made inactive in authtrack
    assert (rows["D-1"][8], rows["D-1"][9]) == ("Active", "Y")  # was Pending, now approved
    assert (rows["C-2"][8], rows["C-2"][9]) == ("Pending", "N")  # new, pending
    assert (rows["A-2"][8], rows["A-2"][9]) == ("Closed", "N")  # new, not active
    assert {r[8] for r in rows.values()} <= {"Active", "Pending", "Closed"}
    assert rows["A-1"][4].year == 2027 and rows["A-1"][4].month == 3  # the changed end date


def test_the_written_log_imports_back_unchanged(
    tracker: Tracker, written: tuple[Path, object]
) -> None:
    path, _ = written
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert plan.errors == []
    assert (len(plan.created), len(plan.updated)) == (0, 0)


def test_rows_appended_at_the_end_fall_inside_the_filter_formats_and_lists(
    tracker: Tracker, tmp_path: Path
) -> None:
    """A log with no total row: the new rows go below it, and its ranges take them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append(["Client", "Payer", "Auth #", "Start", "Approved", "Status"])
    ws.append(["Lee, Ann", "Aetna", "A-1", dt.date(2026, 9, 1), 24, "Current"])
    ws.append(["Kim, Bo", "Aetna", "B-1", dt.date(2026, 10, 1), 12, "Current"])
    ws.auto_filter.ref = "A1:F3"
    fill = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")
    ws.conditional_formatting.add("A2:F3", FormulaRule(formula=["$E2<10"], fill=fill))
    words = DataValidation(type="list", formula1="Lists!$A$1:$A$3")
    words.add("F2:F3")
    ws.add_data_validation(words)
    lists = wb.create_sheet("Lists")
    for word in ("Current", "Pending", "Ended"):
        lists.append([word])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=5, min_row=2, max_row=3))
    ws.add_chart(chart, "H2")
    log = tmp_path / "log.xlsx"
    wb.save(log)
    apply_import(tracker, plan_import(log, tracker.data(), today=TODAY))
    data = tracker.data()
    a1 = next(a for a in data.authorizations.values() if a.auth_number == "A-1")
    tracker.save_authorization(
        Authorization(
            client=a1.client,
            payer=a1.payer,
            auth_number="A-2",
            units_authorized=30,
            start_date=a1.end_date or TODAY,
            status=RequestStatus.PENDING,
            active=False,
        )
    )
    result = write_back(tracker.data(), log, today=TODAY)
    assert result.appended_rows == [4]
    out = load_workbook(result.path)["Log"]
    assert out.auto_filter.ref == "A1:F4"
    assert [str(cf.sqref) for cf in out.conditional_formatting] == ["A2:F4"]
    assert [str(dv.sqref) for dv in out.data_validations.dataValidation] == ["F2:F4"]
    assert out._charts[0].series[0].val.numRef.f == "'Log'!$E$2:$E$4"
    assert out["F4"].value == "Pending"  # in the words of their list, kept on another sheet


def test_what_cannot_follow_is_named_before_anything_is_written(
    tracker: Tracker, tmp_path: Path
) -> None:
    log = write_log(tmp_path / "log.xlsx")
    wb = load_workbook(log)
    wb["Dashboard"]["B6"] = '=INDIRECT("Log!G8")'
    wb.save(log)
    imported(tracker, log, TODAY)
    told: list[list[str]] = []

    def refuse(notes: list[str]) -> bool:
        told.append(notes)
        return False

    out = tmp_path / "new.xlsx"
    with pytest.raises(WorkbookError, match="nothing was written"):
        write_back(tracker.data(), log, today=TODAY, out=out, confirm=refuse)
    assert not out.exists()
    (notes,) = told
    assert notes == [
        'Cell B6 on sheet "Dashboard" finds its cells by an address written as text '
        "(INDIRECT); if that address is on the rows that moved, change it by hand."
    ]
    result = write_back(tracker.data(), log, today=TODAY, out=out)
    assert result.unfollowed == notes and out.exists()


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        (["Active", "Pending", "Closed"], "Expired", "Closed"),
        (["Active", "Pending", "Closed"], "Approved", "Active"),
        (["Active", "Pending", "Closed"], "Requested", "Pending"),
        (["Approved", "Requested", "Denied"], "Pending", "Requested"),
        (["Open", "Closed"], "Denied", "Closed"),
        (None, "Expired", "Expired"),
    ],
)
def test_status_in_the_logs_words(words: list[str] | None, text: str, expected: str) -> None:
    assert styled.status_in_words(words, text) == expected


@pytest.mark.parametrize(
    ("words", "yes", "no"),
    [(["Y", "N"], "Y", "N"), (["Yes", "No"], "Yes", "No"), (["✓"], "✓", None)],
)
def test_flags_in_the_logs_words(words: list[str], yes: str, no: str | None) -> None:
    assert (styled.in_words(words, True), styled.in_words(words, False)) == (yes, no)


def test_a_pending_row_a_person_marks_active_imports_as_approved(
    tracker: Tracker, tmp_path: Path
) -> None:
    """In a log whose Status list is Active / Pending / Closed, changing Pending to Active is how
    a person records the approval; importing it used to fail ("A pending authorization cannot
    be active")."""
    log = write_log(tmp_path / "log.xlsx")
    imported(tracker, log, TODAY)
    written = write_back(tracker.data(), log, today=TODAY).path
    wb = load_workbook(written)
    row = next(r for r in wb["Log"].iter_rows(min_row=FIRST) if r[2].value == "C-2")
    assert (row[8].value, row[9].value) == ("Pending", "N")
    row[8].value, row[9].value = "Active", "Y"
    wb.save(written)
    plan = plan_import(written, tracker.data(), today=TODAY)
    assert plan.errors == []
    apply_import(tracker, plan)
    c2 = next(a for a in tracker.data().authorizations.values() if a.auth_number == "C-2")
    assert (c2.status, c2.active) == (RequestStatus.APPROVED, True)
