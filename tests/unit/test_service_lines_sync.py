"""Service lines in Excel (issue 12): an ABA-style log's rows of one number, one per code, import
as one authorization with a line each; the export's Service Lines sheet gives them back; the
write-back puts each line in its own row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authtrack.cli import main
from priorauth import service_lines, usage
from priorauth.model import (
    CapMeasure,
    CapPeriod,
    LineMeasure,
    ProcedureGroup,
    ServiceLine,
)
from priorauth.reports import Column, Report, Table
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sample_workbooks.samplegen import aba_lines
from sync.importer import ImportBlocked, apply_import, plan_import
from sync.recognising.columns import SERVICE_LINE_EXTRA_HEADERS, SERVICE_LINE_HEADERS
from sync.writing.exporter import export_workbook
from sync.writing.report_export import write_report
from tests.helpers.aba_log import (
    D,
    aba_log,
    aba_rows,
    by_number,
    imported,
    line,
    record,
    sheet,
)
from tests.helpers.sync_helpers import SAMPLES, TODAY


def test_an_aba_log_imports_one_authorization_per_number_with_its_lines(
    tracker: Tracker, tmp_path: Path
) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx"))
    data = tracker.data()
    auths = by_number(tracker)
    assert sorted(auths) == ["ABA-1", "ABA-2"]
    ann, bo = auths["ABA-1"], auths["ABA-2"]
    assert ann.lines == [
        line(["97153"], 320, 100, cap_amount=40, cap_period=CapPeriod.WEEK),
        line(["97155"], 40, 10),
        line(["97156"], 12, 2),
    ]
    assert bo.lines == [
        line(["97153"], 480),
        line(["97155"], 48),
        line(["97156"], 16),
        line(["97151"], 24, 8),
    ]
    for auth in (ann, bo):  # the authorization's own fields: the canonical form of several lines
        assert auth == service_lines.with_lines(auth, auth.lines)
        assert (auth.procedure_codes, auth.units_authorized, auth.cap_amount) == ([], None, None)
        assert (auth.start_date, auth.end_date) == (D(2026, 9, 1), D(2027, 2, 28))
        assert auth.active and auth.member_id == "W123"
        assert data.payer_name(auth.payer) == "Aetna"
    assert ann.notes == "BCBA; Parent training"  # each row's note, once
    assert data.clients[ann.client].name == "Lee, Ann"
    assert data.clients[bo.client].name == "Kim, Bo"
    use = usage.usage_of(ann, [], TODAY)
    assert (use.units_authorized, use.units_used, use.units_remaining) == (372, 112, 260)
    assert [u.usage.units_remaining for u in usage.line_usages(ann, [], TODAY)] == [220, 30, 10]


def test_the_preview_says_which_rows_became_one_authorization(
    tracker: Tracker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = aba_log(tmp_path / "aba.xlsx")
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert [str(g) for g in plan.service_lines] == [
        'ABA-1: 3 rows read as one authorization with 3 service lines (sheet "Log", rows 2, 3, '
        "4: 97153; 97155; 97156).",
        'ABA-2: 4 rows read as one authorization with 4 service lines (sheet "Log", rows 5, 6, '
        "7, 8: 97153; 97155; 97156; 97151).",
    ]
    assert "2 authorizations read from several rows, a service line per row." in plan.summary()
    assert len(plan.created) == 2 and plan.errors == []
    db = str(tmp_path / "d.json")
    assert main(["--db", db, "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Authorizations read from several rows, a service line per row (2):" in out
    assert "ABA-1: 3 rows read as one authorization with 3 service lines" in out
    assert main(["--db", db, "import", str(path), "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said["created"] == 2
    assert said["service_lines"][0] == {
        "sheet": "Log",
        "rows": [2, 3, 4],
        "auth_number": "ABA-1",
        "lines": [["97153"], ["97155"], ["97156"]],
        "message": str(plan.service_lines[0]),
    }


def test_reimporting_the_log_changes_nothing(tracker: Tracker, tmp_path: Path) -> None:
    path = aba_log(tmp_path / "aba.xlsx")
    imported(tracker, path)
    before = tracker.data().authorizations
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert (len(plan.created), len(plan.updated), len(plan.unchanged)) == (0, 0, 2)
    assert not plan.has_changes
    assert tracker.data().authorizations == before


def test_a_new_used_count_on_one_row_changes_that_line_only(
    tracker: Tracker, tmp_path: Path
) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx"))
    rows = aba_rows()
    rows[1][9] = 25  # 97155 used: 10 -> 25
    plan = plan_import(aba_log(tmp_path / "v2.xlsx", rows), tracker.data(), today=TODAY)
    assert (len(plan.updated), len(plan.unchanged)) == (1, 1)
    apply_import(tracker, plan)
    assert [x.carried_units_used for x in by_number(tracker)["ABA-1"].lines] == [100, 25, 2]


@pytest.mark.parametrize(
    ("change", "cell", "words"),
    [
        ({5: "97153"}, "F4", "whose row 2 already holds code 97153"),  # a code repeated
        ({5: "97153-HN"}, "F4", "whose row 2 already holds code 97153-HN"),  # its modified form
        ({6: D(2026, 10, 1)}, "E4", "with another start date"),
        ({7: D(2027, 3, 31)}, "E4", "with another end date"),
        ({0: "Roe, Jo"}, "E4", "with another client"),
        ({5: ""}, "F4", "a row without procedure codes"),
    ],
)
def test_rows_of_one_number_that_cannot_be_lines_are_refused_by_row_and_column(
    tracker: Tracker, tmp_path: Path, change: dict[int, Any], cell: str, words: str
) -> None:
    rows = aba_rows()[:3]
    for j, value in change.items():
        rows[2][j] = value
    plan = plan_import(aba_log(tmp_path / "bad.xlsx", rows), tracker.data(), today=TODAY)
    assert len(plan.errors) == 1
    error = plan.errors[0]
    assert (error.sheet, error.row, error.cell) == ("Log", 4, cell)
    assert words in error.message and "already on row 2" in error.message
    with pytest.raises(ImportBlocked):
        apply_import(tracker, plan)
    assert not tracker.store.path.exists()  # nothing saved
    assert plan.service_lines[0].rows == (2, 3)  # (the rows that can be lines are said as such)


def test_another_payer_with_the_same_number_stays_its_own_authorization(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = aba_rows()[:3]
    rows[2][2] = "Cigna"
    plan = plan_import(aba_log(tmp_path / "log.xlsx", rows), tracker.data(), today=TODAY)
    assert plan.errors == [] and len(plan.created) == 2  # as before lines: a number per payer


def test_a_count_below_zero_on_a_line_row_names_its_cell(tracker: Tracker, tmp_path: Path) -> None:
    rows = aba_rows()[:3]
    rows[1][8] = -40
    plan = plan_import(aba_log(tmp_path / "bad.xlsx", rows), tracker.data(), today=TODAY)
    assert [(e.sheet, e.row, e.cell) for e in plan.errors] == [("Log", 3, "I3")]
    assert "below zero" in plan.errors[0].message
    with pytest.raises(ImportBlocked):
        apply_import(tracker, plan)
    assert not tracker.store.path.exists()


def test_the_export_has_a_row_per_line_with_its_units_used(
    tracker: Tracker, tmp_path: Path
) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx"))
    ann = by_number(tracker)["ABA-1"]
    record(tracker, ann, "97155", D(2026, 10, 1), 4)
    record(tracker, ann, "97155", D(2026, 10, 8), 4)
    record(tracker, ann, "97153", D(2026, 10, 8), 16)
    record(tracker, ann, "97156", D(2026, 12, 2), 2)  # scheduled: not used yet
    path = export_workbook(tracker.data(), tmp_path / "out.xlsx", today=TODAY)
    rows = sheet(path, "Service Lines")
    assert list(rows[0]) == SERVICE_LINE_HEADERS + SERVICE_LINE_EXTRA_HEADERS
    start = dt.datetime(2026, 9, 1)
    capped = ("40 units per week", None, "units")
    assert rows[1:] == [  # Kim before Lee, each authorization's lines in order
        (
            "C0002",
            "ABA-2",
            "Aetna",
            start,
            "97153",
            480,
            0,
            480,
            None,
            0,
            None,
            None,
            None,
            "units",
        ),
        ("C0002", "ABA-2", "Aetna", start, "97155", 48, 0, 48, None, 0, None, None, None, "units"),
        ("C0002", "ABA-2", "Aetna", start, "97156", 16, 0, 16, None, 0, None, None, None, "units"),
        ("C0002", "ABA-2", "Aetna", start, "97151", 24, 8, 16, None, 0, None, None, None, "units"),
        ("C0001", "ABA-1", "Aetna", start, "97153", 320, 116, 204, None, 1, None, *capped),
        ("C0001", "ABA-1", "Aetna", start, "97155", 40, 18, 22, None, 2, None, None, None, "units"),
        ("C0001", "ABA-1", "Aetna", start, "97156", 12, 2, 10, None, 0, None, None, None, "units"),
    ]
    auths = sheet(path, "Authorizations")
    header = list(auths[0])
    lee = dict(zip(header, auths[2], strict=True))
    assert lee["Auth Number"] == "ABA-1"
    assert lee["Procedure Codes"] == "97153, 97155, 97156"  # one row, every code
    assert (lee["Units Authorized"], lee["Units Used"], lee["Units Remaining"]) == (372, 136, 236)
    assert lee["Visits Used"] == 2  # distinct days across its lines


def test_the_service_lines_sheet_prints_like_the_others(tracker: Tracker, tmp_path: Path) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx"))
    path = export_workbook(tracker.data(), tmp_path / "out.xlsx", today=TODAY)
    book = openpyxl.load_workbook(path)
    ws, auths = book["Service Lines"], book["Authorizations"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:N8"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == auths["A1"].fill.fgColor.rgb
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["D2"].number_format == auths["I2"].number_format  # a real date, shown the same


def test_export_imported_into_an_empty_file_reproduces_the_lines(
    tracker: Tracker, tmp_path: Path
) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx"))
    ann = by_number(tracker)["ABA-1"]
    record(tracker, ann, "97155", D(2026, 10, 1), 4)
    hours = dataclasses.replace(
        ann, id=0, rev=0, auth_number="ABA-9", start_date=D(2026, 3, 1), end_date=D(2026, 8, 31)
    )
    hours = service_lines.with_lines(
        hours,
        [
            line(["97153"], 80, measure=LineMeasure.HOURS, group="Direct therapy"),
            ServiceLine(
                codes=["97155", "97156"],
                units_authorized=12.5,  # hours keep their fractions
                carried_units_used=2.25,
                visits_authorized=6,
                carried_visits_used=1,
                cap_amount=2,
                cap_period=CapPeriod.MONTH,
                cap_measure=CapMeasure.VISITS,
                measure=LineMeasure.HOURS,
            ),
        ],
    )
    tracker.save_authorization(dataclasses.replace(hours, active=False))
    source = tracker.data()
    path = export_workbook(source, tmp_path / "out.xlsx", today=TODAY)
    same = plan_import(path, source, today=TODAY)
    assert (same.errors, same.warnings, same.has_changes) == ([], [], False)
    fresh = Tracker(type(tracker.store)(tmp_path / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(path, fresh.data(), today=TODAY)
    assert (plan.errors, plan.warnings) == ([], [])
    apply_import(fresh, plan)

    def lines(t: Tracker) -> dict[str, list[ServiceLine]]:
        return {a.auth_number: service_lines.lines_of(a) for a in t.data().authorizations.values()}

    assert lines(fresh) == lines(tracker)
    assert by_number(fresh)["ABA-9"].lines[1].units_authorized == 12.5


def _service_lines_edited(path: Path, edit: dict[str, Any]) -> Path:
    book = openpyxl.load_workbook(path)
    ws = book["Service Lines"]
    for ref, value in edit.items():
        ws[ref] = value
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("edit", "cell", "words"),
    [
        ({"E7": "97153"}, "E7", "code 97153 is already on row 6's line"),
        ({"F7": -3}, "F7", "below zero"),
        ({"N7": "minutes"}, "N7", "is not a measure"),
    ],
)
def test_a_bad_service_lines_row_is_named_and_nothing_is_saved(
    tracker: Tracker, tmp_path: Path, edit: dict[str, Any], cell: str, words: str
) -> None:
    imported(tracker, aba_log(tmp_path / "aba.xlsx"))
    path = export_workbook(tracker.data(), tmp_path / "out.xlsx", today=TODAY)
    _service_lines_edited(path, edit)
    fresh = Tracker(type(tracker.store)(tmp_path / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(path, fresh.data(), today=TODAY)
    lines_errors = [e for e in plan.errors if e.sheet == "Service Lines"]
    assert [(e.row, e.cell) for e in lines_errors] == [(7, cell)]
    assert words in lines_errors[0].message
    with pytest.raises(ImportBlocked):
        apply_import(fresh, plan)
    assert not fresh.store.path.exists()


# --- a property: any lines come back from the export exactly ----------------------------------

CODES = ["97151", "97153", "97155", "97156", "97158", "90837", "92507"]


@st.composite
def lines_strategy(draw: st.DrawFn) -> list[ServiceLine]:
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=4, unique=True))
    out = []
    for code in codes:
        units = draw(st.none() | st.integers(1, 2000))
        visits = draw(st.none() | st.integers(1, 60))
        cap = (
            None
            if units is None and visits is None
            else draw(  # (a cap needs counts)
                st.none()
                | st.tuples(
                    st.integers(1, 80),
                    st.sampled_from(list(CapPeriod)),
                    st.sampled_from(list(CapMeasure)),
                )
            )
        )
        out.append(
            ServiceLine(
                codes=[code],
                group=draw(st.sampled_from(["", "Direct therapy", "Parent training"])),
                units_authorized=units,
                visits_authorized=visits,
                carried_units_used=draw(st.integers(0, units or 50)),
                carried_visits_used=draw(st.integers(0, visits or 5)),
                cap_amount=cap[0] if cap else None,
                cap_period=cap[1] if cap else None,
                cap_measure=cap[2] if cap else CapMeasure.UNITS,
                measure=draw(st.sampled_from(list(LineMeasure))),
            )
        )
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(lines_strategy(), min_size=1, max_size=3),
    st.lists(st.tuples(st.integers(0, 120), st.integers(0, 6), st.integers(1, 8)), max_size=6),
)
def test_any_lines_come_back_from_the_export(
    tmp_path_factory: pytest.TempPathFactory,
    many: list[list[ServiceLine]],
    services: list[tuple[int, int, int]],
) -> None:
    folder = tmp_path_factory.mktemp("lines")
    source = Tracker(Store(folder / "source.json", user="alice"), today=TODAY)
    imported(source, aba_log(folder / "aba.xlsx", aba_rows()[:3]))
    for name in ("Direct therapy", "Parent training"):  # the groups the lines may be given as
        source.save_group(ProcedureGroup(name=name, codes=[]))
    ann = by_number(source)["ABA-1"]
    for k, lines in enumerate(many):
        start = D(2025, 1, 1) + dt.timedelta(days=200 * k)
        auth = dataclasses.replace(
            ann,
            id=0,
            rev=0,
            auth_number=f"P-{k}",
            start_date=start,
            end_date=start + dt.timedelta(days=180),
            active=False,
        )
        saved = source.save_authorization(service_lines.with_lines(auth, lines)).authorization
        for day, code, units in services:  # some services on its lines' codes
            if day < 180:
                code_k = lines[code % len(lines)].codes[0]
                record(source, saved, code_k, start + dt.timedelta(days=day), units)
    path = export_workbook(source.data(), folder / "out.xlsx", today=TODAY)
    again = plan_import(path, source.data(), today=TODAY)
    assert (again.errors, again.has_changes) == ([], False)
    fresh = Tracker(Store(folder / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(path, fresh.data(), today=TODAY)
    assert plan.errors == []
    apply_import(fresh, plan)

    def lines_by_number(t: Tracker) -> dict[str, list[ServiceLine]]:
        return {a.auth_number: service_lines.lines_of(a) for a in t.data().authorizations.values()}

    assert lines_by_number(fresh) == lines_by_number(source)


# --- the sample ABA agency log ----------------------------------------------------------------


def test_the_aba_sample_imports_one_authorization_per_number_with_its_lines(
    tracker: Tracker,
) -> None:
    planned = aba_lines.plan()
    assert all(3 <= len(a.lines) <= 4 for a in planned)
    plan = plan_import(SAMPLES / "aba_service_lines.xlsx", tracker.data(), today=TODAY)
    assert (plan.errors, plan.warnings) == ([], [])
    assert len(plan.service_lines) == len(planned)
    apply_import(tracker, plan)
    data = tracker.data()
    auths = by_number(tracker)
    assert sorted(auths) == sorted(a.number for a in planned)
    for want in planned:
        auth = auths[want.number]
        client = data.clients[auth.client]
        assert (client.client_id, client.name, client.dob) == (
            want.person.client_id,
            want.person.last_first,
            want.person.dob,
        )
        assert data.payer_name(auth.payer) == want.payer and auth.member_id == want.member_id
        assert (auth.start_date, auth.end_date) == (want.start, want.end)
        assert auth.lines == [line([x.code], x.units, x.used) for x in want.lines]
        assert auth.notes == "; ".join(x.note for x in want.lines if x.note)
        assert auth.active == (want.end >= TODAY)  # the current one; the one before it is history


def test_a_report_table_per_service_line_is_written_as_its_ownsheet(tmp_path: Path) -> None:
    """Reports are tables: a per-line table (what utilization per line gives) needs nothing of
    the workbook writer but its rows; hours keep their fractions as numbers."""
    columns = (
        Column("auth_number", "Auth Number"),
        Column("codes", "Procedure Codes"),
        Column("authorized", "Units Authorized", "int"),
        Column("used", "Units Used", "int"),
        Column("left", "Units Left", "int", urgent_at_most=5),
    )
    rows = (("ABA-1", "97153", 320, 116, 204), ("ABA-1", "97155", 40, 37.75, 2.25))
    table = Table("lines", "Utilization by service line", columns, rows, sheet="Service lines")
    report = Report("utilization", "Utilization", TODAY, (table,))
    path = write_report(report, tmp_path / "report.xlsx", practice="Little Steps")
    ws = openpyxl.load_workbook(path)["Service lines"]
    assert [c.value for c in ws[3]] == [c.title for c in columns]
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=4)] == [list(r) for r in rows]
    assert ws["E5"].font.b and not ws["E4"].font.b  # 2.25 left: at or below 5, emphasized


def test_authtrack_export_counts_the_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "d.json")
    log = aba_log(tmp_path / "aba.xlsx")
    assert main(["--db", db, "import", str(log)]) == 0
    capsys.readouterr()
    out = tmp_path / "out.xlsx"
    assert main(["--db", db, "export", str(out), "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert (said["authorizations"], said["service_lines"]) == (2, 7)
    assert len(sheet(out, "Service Lines")) == 1 + 7
