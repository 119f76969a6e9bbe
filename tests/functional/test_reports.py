"""Reports: the figures on small snapshots, then the CLI's text, JSON and workbook."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from priorauth import report_rows, reports
from priorauth.model import (
    Authorization,
    Client,
    ClientInsurance,
    ClientStatus,
    Payer,
    PracticeSettings,
    Priority,
    RequestStatus,
)
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.writing.report_export import ReportExportError, write_report
from tests.helpers.cli import Ran, run_main
from tests.unit.test_notify import CIGNA, auth, client, service, world

D = dt.date
TODAY = D(2026, 11, 23)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


# --- expiring -----------------------------------------------------------------------------------


def test_expiring_within_n_days_inclusive() -> None:
    clients = [client(i) for i in range(1, 8)]
    clients[5] = client(6, status=ClientStatus.DISCHARGED)
    data = world(
        auth(client=1, end_date=days(30), auth_number="EXACTLY-N"),
        auth(client=2, end_date=days(31), auth_number="N-PLUS-1"),
        auth(client=3, end_date=TODAY, auth_number="TODAY", units_authorized=12),
        auth(client=4, end_date=days(-1), auth_number="YESTERDAY"),
        auth(client=5, end_date=days(3), auth_number="INACTIVE", active=False),
        auth(client=6, end_date=days(3), auth_number="DISCHARGED"),
        auth(client=7, end_date=days(3), auth_number="PENDING", status=RequestStatus.PENDING),
        clients=clients,
    )
    rows = report_rows.expiring(data, TODAY, 30)
    assert [(r.auth.auth_number, r.days_left) for r in rows] == [("TODAY", 0), ("EXACTLY-N", 30)]
    assert rows[0].use.units_remaining == 12 and rows[1].use.units_remaining is None
    assert [r.auth.auth_number for r in report_rows.expiring(data, TODAY, 0)] == ["TODAY"]


def test_expiring_shows_a_renewal_already_under_way() -> None:
    current = auth(end_date=days(10))
    request = auth(
        auth_number="",
        status=RequestStatus.PENDING,
        active=False,
        start_date=days(11),
        end_date=days(190),
        requested_on=D(2026, 11, 14),
        renewal_of=1,
    )
    report = reports.expiring_report(world(current, request), TODAY, 30)
    (row,) = report.tables[0].records()
    assert row["renewal"] == "pending 11/14/2026"
    assert row["end_date"] == days(10) and row["days_left"] == 10
    assert report.parameters == {"days": 30}


# --- utilization --------------------------------------------------------------------------------


def _utilization_world():
    clients = [
        client(1, clinician="alice"),
        client(2, clinician="bob"),
        client(
            3,
            clinician="alice",
            insurances=[ClientInsurance(payer_id=CIGNA, priority=Priority.PRIMARY)],
        ),
    ]
    return world(
        auth(client=1, units_authorized=20, carried_units_used=3, visits_authorized=10),
        auth(client=2, units_authorized=10, carried_units_used=10),
        auth(client=3, payer=CIGNA, visits_authorized=8, carried_visits_used=3),
        # not in force today: ignored
        auth(client=1, units_authorized=99, start_date=D(2026, 1, 1), end_date=D(2026, 6, 30)),
        auth(client=2, units_authorized=99, start_date=days(10), end_date=days(100)),
        auth(client=2, units_authorized=99, active=False),
        services=[
            service(D(2026, 11, 2), units=2),
            service(D(2026, 11, 9)),  # client 1: 3 + 3 units, 2 visits
            service(D(2026, 11, 10), client=3, payer=CIGNA),  # client 3: 4 visits
            service(days(3), units=5),  # scheduled: not used yet
        ],
        clients=clients,
    )


def test_utilization_by_payer() -> None:
    rows = report_rows.utilization(_utilization_world(), TODAY, "payer")
    figures = [
        (
            r.group,
            r.authorizations,
            r.units_authorized,
            r.units_used,
            r.units_percent,
            r.visits_authorized,
            r.visits_used,
            r.visits_percent,
        )
        for r in rows
    ]
    assert figures == [
        ("Aetna", 2, 30, 16, 53.3, 10, 2, 20.0),
        ("Cigna", 1, 0, 0, None, 8, 4, 50.0),
        ("All", 3, 30, 16, 53.3, 18, 6, 33.3),
    ]


def test_utilization_by_clinician() -> None:
    rows = report_rows.utilization(_utilization_world(), TODAY, "clinician")
    figures = [(r.group, r.units_used, r.units_percent, r.visits_percent) for r in rows]
    assert figures == [
        ("alice", 6, 30.0, 33.3),
        ("bob", 10, 100.0, None),
        ("All", 16, 53.3, 33.3),
    ]
    empty = report_rows.utilization(world(clients=[client()]), TODAY, "clinician")
    assert [(r.group, r.authorizations, r.units_percent) for r in empty] == [("All", 0, None)]


# --- renewals -----------------------------------------------------------------------------------


def _renewal_world():
    """Aetna answers in 10 days; with the default margin of 7, look 17 days ahead."""
    clients = [client(i) for i in range(1, 8)]
    return world(
        auth(client=1, auth_number="ENDS-17", end_date=days(17)),
        auth(client=2, auth_number="ENDS-18", end_date=days(18)),
        auth(client=3, auth_number="USED-UP", units_authorized=10, carried_units_used=10),
        auth(client=4, auth_number="PACE", units_authorized=20, carried_units_used=8),
        auth(client=5, auth_number="RENEWED", end_date=days(5)),
        auth(
            client=5,
            auth_number="",
            status=RequestStatus.REQUESTED,
            active=False,
            start_date=days(6),
            end_date=days(200),
        ),
        auth(client=6, auth_number="ENDED", end_date=days(-3)),
        services=[service(TODAY - dt.timedelta(days=d), units=2, client=4) for d in (0, 7, 14, 21)],
        clients=clients,
    )


def test_renewals_within_turnaround_plus_margin() -> None:
    rows = report_rows.renewals(_renewal_world(), TODAY)
    got = [(r.auth.auth_number, r.reason, r.needed_by, r.request_by) for r in rows]
    # PACE: 8 carried + 8 in the last 4 weeks = 16 of 20; 4 left at 2 a week = 14 days
    assert got == [
        ("ENDED", "ended 11/20/2026", days(-3), days(-13)),
        ("USED-UP", "used up", TODAY, days(-10)),
        ("PACE", "units run out around 12/07/2026", days(14), days(4)),
        ("ENDS-17", "ends 12/10/2026", days(17), days(7)),
    ]
    assert all(r.turnaround_days == 10 for r in rows)


def test_renewal_margin_is_configurable() -> None:
    data = _renewal_world()
    tight = report_rows.renewals(data, TODAY, PracticeSettings(renewal_margin_days=0))
    assert [r.auth.auth_number for r in tight] == ["ENDED", "USED-UP"]  # 10 days ahead only
    wide = reports.build("renewals", data, TODAY, days=8)
    assert [r["auth_number"] for r in wide.tables[0].records()][-1] == "ENDS-18"
    assert wide.parameters == {"margin_days": 8}


def test_a_margin_or_turnaround_past_the_calendar_is_no_crash() -> None:
    """A margin (or a payer's turnaround) typed as 99999999 days: every renewal is due, held
    within the calendar, instead of an OverflowError for everyone asking for the report."""
    data = _renewal_world()
    rows = report_rows.renewals(data, TODAY, PracticeSettings(renewal_margin_days=99_999_999))
    assert [r.auth.auth_number for r in rows][-2:] == ["ENDS-17", "ENDS-18"]
    assert reports.build("renewals", data, TODAY, days=10**12).tables[0].records()


def test_report_kinds_and_bad_kind() -> None:
    data = _renewal_world()
    for kind in reports.REPORTS:
        report = reports.build(kind, data, TODAY)
        assert report.kind == kind and report.tables
        for table in report.tables:
            assert all(len(row) == len(table.columns) for row in table.rows)
    with pytest.raises(ValueError):
        reports.build("nonsense", data, TODAY)


# --- workbook -----------------------------------------------------------------------------------


def test_workbook_has_real_dates_percents_and_no_formulas(tmp_path: Path) -> None:
    data = world(
        auth(end_date=days(5), units_authorized=10, carried_units_used=4),
        clients=[client(1, last_name='=HYPERLINK("http://x")', first_name="-1")],
    )
    target = write_report(reports.build("expiring", data, TODAY), tmp_path / "exp.xlsx")
    sheet = openpyxl.load_workbook(target)["Expiring"]
    header = [c.value for c in sheet[3]]
    assert header[:6] == [
        "Client ID",
        "Client Name",
        "Clinician",
        "Payer",
        "Auth Number",
        "End Date",
    ]
    row = {h: c for h, c in zip(header, sheet[4], strict=True)}
    assert row["Client Name"].value == '=HYPERLINK("http://x"), -1'
    assert row["Client Name"].data_type == "s"
    assert row["End Date"].value == dt.datetime(2026, 11, 28) and row["End Date"].is_date
    assert row["Units Remaining"].value == 6
    assert row["Visits Remaining"].value is None  # no cap: an empty cell
    util = write_report(reports.build("utilization", data, TODAY), tmp_path / "u.xlsx")
    book = openpyxl.load_workbook(util)
    assert book.sheetnames == ["By Payer", "By Clinician"]
    percent = book["By Payer"]["E4"]
    assert percent.value == pytest.approx(0.4) and percent.number_format == "0.0%"
    with pytest.raises(ReportExportError, match="xlsx"):
        write_report(reports.build("expiring", data, TODAY), tmp_path / "exp.csv")


# --- the CLI ------------------------------------------------------------------------------------


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """`authtrack --today 2026-11-23 ARGS...` in process: "today" pinned for every command, no
    outcome may depend on the real date."""
    return lambda *args: run_main(capsys, "--today", "2026-11-23", *args)


@pytest.fixture
def practice_file(db_path: Path) -> Path:
    t = Tracker(Store(db_path, user="admin"), today=TODAY)
    aetna = t.save_payer(Payer(name="Aetna", turnaround_days=10))
    ann = t.save_client(
        Client(
            client_id="P-17",
            first_name="Ann",
            last_name="Lee",
            clinician="alice",
            insurances=[ClientInsurance(payer_id=aetna.id)],
        )
    )
    t.save_authorization(
        Authorization(
            client=ann.id,
            payer=aetna.id,
            auth_number="A100",
            units_authorized=20,
            carried_units_used=5,
            start_date=D(2026, 9, 1),
            end_date=days(12),
        )
    )
    return db_path


def test_cli_report_json(practice_file: Path, cli: Callable[..., Ran]) -> None:
    base = ("--db", str(practice_file), "report")
    result = cli(*base, "expiring", "--days", "12", "--today", "2026-11-23", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["report"] == "expiring" and out["today"] == "2026-11-23" and out["days"] == 12
    (row,) = out["authorizations"]
    assert row["client_id"] == "P-17" and row["end_date"] == "2026-12-05"
    assert row["units_remaining"] == 15 and row["visits_remaining"] is None
    assert (
        json.loads(cli(*base, "expiring", "--days", "11", "--json").stdout)["authorizations"] == []
    )
    util = json.loads(cli(*base, "utilization", "--today", "2026-11-23", "--json").stdout)
    assert util["by_payer"][0] == {
        "payer": "Aetna",
        "authorizations": 1,
        "units_authorized": 20,
        "units_used": 5,
        "units_percent": 25.0,
        "visits_authorized": 0,
        "visits_used": 0,
        "visits_percent": None,
    }
    assert util["by_clinician"][0]["clinician"] == "alice"
    renew = json.loads(cli(*base, "renewals", "--today", "2026-11-23", "--json").stdout)
    assert [r["request_by"] for r in renew["renewals"]] == ["2026-11-25"]


def test_cli_report_text_and_xlsx(
    practice_file: Path, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    target = tmp_path / "renewals.xlsx"
    result = cli(
        "--db",
        str(practice_file),
        "report",
        "renewals",
        "--today",
        "2026-11-23",
        "--xlsx",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Renewals to request now (payer turnaround + 7 days) — as of 11/23/2026"
    assert lines[2].split()[:3] == ["Client", "ID", "Client"]
    assert "P-17" in lines[4] and "ends 12/05/2026" in lines[4] and "11/25/2026" in lines[4]
    assert str(target) in result.stderr
    sheet = openpyxl.load_workbook(target)["Renewals"]
    assert sheet["A1"].value.startswith("Renewals to request now")
    assert sheet["A2"].value == "As of 11/23/2026"  # no practice name in the config
    assert sheet["A4"].value == "P-17" and sheet["H4"].value == dt.datetime(2026, 11, 25)
    empty = cli("--db", str(practice_file), "report", "expiring", "--days", "3")
    assert empty.returncode == 0 and "(none)" in empty.stdout


def test_cli_report_usage_errors(
    practice_file: Path, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    base = ("--db", str(practice_file), "report")
    assert cli(*base, "utilization", "--days", "3").returncode == 2
    assert cli(*base, "expiring", "--days", "-1").returncode == 2
    assert cli(*base, "bogus").returncode == 2
    bad = cli(*base, "expiring", "--xlsx", str(tmp_path / "no" / "such" / "dir.xlsx"))
    assert bad.returncode == 2 and "dir.xlsx" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_report_names_the_practice_and_its_clinicians(
    practice_file: Path, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    """The system config's practice_name heads the report and signs every page; its [clinicians]
    table names clinicians instead of their logins (the practice's settings: root's config, as
    the roles are; the tests run as root, so the file in the test's folder is trusted)."""
    config = Path(os.environ["AUTHTRACK_SYSTEM_CONFIG"])
    config.write_text(
        'practice_name = "Riverside Family Therapy & Wellness"\n'
        '[clinicians]\nalice = "Alice Moreno, LCSW"\n',
        encoding="utf-8",
    )
    config.chmod(0o644)
    target = tmp_path / "expiring.xlsx"
    result = cli("--db", str(practice_file), "report", "expiring", "--today", "2026-11-23",
                 "--xlsx", str(target))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Alice Moreno, LCSW" in result.stdout
    sheet = openpyxl.load_workbook(target)["Expiring"]
    assert sheet["A2"].value == "As of 11/23/2026 · Riverside Family Therapy & Wellness"
    assert sheet["C4"].value == "Alice Moreno, LCSW"
    assert sheet.oddFooter.left.text == "Riverside Family Therapy && Wellness"
    export = tmp_path / "export.xlsx"
    result = cli("--db", str(practice_file), "export", str(export))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(export)
    assert book["Authorizations"].oddFooter.left.text == "Riverside Family Therapy && Wellness"
    assert book["Authorizations"]["X2"].value == "alice"  # the export keeps the login (round trip)


def test_the_text_report_says_no_number_for_a_blank_auth_number() -> None:
    """`authtrack report` prints a blank auth number "(no number)", as the app does; --json and
    the workbook keep the blank (the report's own values are left alone)."""
    import io

    from authtrack.cmd_report import write_text
    from priorauth.report_tables import Column, Report, Table

    columns = (Column("auth_number", "Auth Number"), Column("units_remaining", "Left", "int"))
    table = Table("expiring", "Expiring", columns, (("", 220), ("A-1", None)))
    out = io.StringIO()
    write_text(out, Report("expiring", "Expiring", dt.date(2026, 11, 23), (table,)))
    lines = out.getvalue().splitlines()
    assert lines[4].split() == ["(no", "number)", "220"] and lines[5].split() == ["A-1", "-"]
    assert table.rows[0][0] == ""
