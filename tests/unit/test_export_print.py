"""The export and the reports as a practice manager prints them: page set-up, fonts, and
highlights that say what the notifications say (tested in openpyxl, not visually)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from priorauth import notify, reports
from priorauth.attention import ATTENTION
from priorauth.model import Authorization, Client, ClientInsurance, Payer, Service
from priorauth.services.tracker import Tracker
from sync.writing.exporter import export_workbook
from sync.writing.report_export import write_report
from tests.helpers.sync_helpers import TODAY

D = dt.date
PRACTICE = "Riverside Family Therapy & Wellness"


def clinic(tracker: Tracker) -> dict[str, int]:
    """A client with an authorization for each highlight: running low (2 of 24 visits left,
    ending in 3 months), used up, over-used, past its end date, expiring, and a quiet one."""
    aetna = tracker.save_payer(Payer(name="Aetna"))
    ids = {}

    def auth(number: str, codes: list[str], **fields: object) -> None:
        client = tracker.save_client(
            Client(
                client_id=f"C{len(ids) + 1}",
                first_name="Ann",
                last_name=f"Lee {number.title()}",
                clinician="mlopez",
                insurances=[ClientInsurance(payer_id=aetna.id, member_id="W1")],
            )
        )
        fields.setdefault("start_date", D(2026, 9, 1))
        fields.setdefault("end_date", D(2027, 2, 28))
        saved = tracker.save_authorization(
            Authorization(
                client=client.id,
                payer=aetna.id,
                auth_number=number,
                procedure_codes=codes,
                **fields,  # type: ignore[arg-type]
            )
        ).authorization
        ids[number] = saved.id

    auth("LOW", ["90832"], visits_authorized=24, carried_visits_used=22)
    auth("USEDUP", ["90834"], units_authorized=1_200, carried_units_used=1_200)
    auth("OVER", ["90837"], units_authorized=10, carried_units_used=13)
    auth("PAST", ["90791"], start_date=D(2026, 5, 1), end_date=D(2026, 11, 1))
    auth("SOON", ["90846"], end_date=D(2026, 12, 10))
    auth("QUIET", ["90847"], units_authorized=50, carried_units_used=5)
    quiet = tracker.data().authorizations[ids["QUIET"]]
    tracker.record_service(
        Service(client=quiet.client, payer=aetna.id, date=D(2026, 11, 2), procedure_code="90847")
    )
    return ids


@pytest.fixture
def exported(tracker: Tracker, tmp_path: Path) -> tuple[Tracker, Path]:
    clinic(tracker)
    path = export_workbook(tracker.data(), tmp_path / "out.xlsx", today=TODAY, practice=PRACTICE)
    return tracker, path


def assert_prints_as_report(ws: Worksheet, header_row: int) -> None:
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${header_row}:${header_row}" or ws.print_title_rows in (
        f"{header_row}:{header_row}",
    )
    footer = ws.oddFooter
    assert footer.left.text == PRACTICE.replace("&", "&&")
    assert footer.center.text == "as of 11/23/2026"
    assert footer.right.text == "Page &P of &N"


def test_every_sheet_of_the_export_prints_landscape_one_page_wide(
    exported: tuple[Tracker, Path],
) -> None:
    _, path = exported
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert_prints_as_report(ws, 3 if ws.title == "Legend" else 1)


def test_headers_and_body_name_one_sans_font(exported: tuple[Tracker, Path]) -> None:
    _, path = exported
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if ws.title == "Legend" or ws.max_row < 2:
            continue
        header = ws[1]
        assert all(c.font.name == "Calibri" and c.font.b for c in header)
        body = [c for row in ws.iter_rows(min_row=2, max_row=3) for c in row if c.value]
        assert body and all(c.font.name == "Calibri" for c in body)
    # the workbook's default style, which every unstyled cell is drawn in, names it too
    assert wb._fonts[0].name == "Calibri"


def test_attention_words_are_the_notifications_of_the_day(
    exported: tuple[Tracker, Path],
) -> None:
    tracker, path = exported
    ws = load_workbook(path)["Authorizations"]
    header = [c.value for c in ws[1]]
    rows = {
        r[6]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    assert rows["LOW"]["Attention"] == "Running low"  # 2 of 24 visits, ending in 3 months
    assert rows["USEDUP"]["Attention"] == "Used up"
    assert rows["USEDUP"]["Units Authorized"] == 1200
    assert rows["OVER"]["Attention"] == "Over-used"
    assert rows["PAST"]["Attention"] == "Past end date"
    assert rows["SOON"]["Attention"] == "Expiring"
    assert rows["QUIET"]["Attention"] is None
    kinds = {(n.authorization, n.kind) for n in notify.compute(tracker.data(), TODAY)}
    data = tracker.data()
    by_number = {a.auth_number: a.id for a in data.authorizations.values()}
    assert (by_number["LOW"], "low_remaining") in kinds
    assert (by_number["USEDUP"], "exhausted") in kinds and (by_number["OVER"], "exhausted") in kinds
    assert (by_number["PAST"], "expired") in kinds
    assert not any(auth == by_number["QUIET"] for auth, _ in kinds)


def test_each_word_has_its_fill_and_the_legend_says_what_it_means(
    exported: tuple[Tracker, Path],
) -> None:
    _, path = exported
    wb = load_workbook(path)
    ws = wb["Authorizations"]
    fills = {}
    for cf in ws.conditional_formatting:
        assert str(cf.sqref) == "A2:AE7"  # the whole row, every data row
        for rule in cf.rules:
            word = rule.formula[0].split('"')[1]
            fills[word] = rule.dxf.fill.fgColor.rgb[-6:]
            assert rule.stopIfTrue and rule.formula[0].endswith("$AE2))")
    assert fills == {a.word: a.colour for a in ATTENTION.values()}
    legend = wb["Legend"]
    shown = {
        row[0].value: (row[0].fill.fgColor.rgb[-6:], row[1].value)
        for row in legend.iter_rows(min_row=4, max_row=3 + len(ATTENTION))
    }
    assert shown == {a.word: (a.colour, a.meaning) for a in ATTENTION.values()}
    assert shown["Running low"][0] == fills["Running low"]


def test_counts_have_thousands_separators_and_confirmed_at_is_a_date_time(
    tracker: Tracker, tmp_path: Path
) -> None:
    clinic(tracker)
    data = tracker.data()
    low = next(a for a in data.authorizations.values() if a.auth_number == "LOW")
    tracker.confirm_to_billing(low)
    path = export_workbook(tracker.data(), tmp_path / "out.xlsx", today=TODAY)
    ws = load_workbook(path)["Authorizations"]
    header = [c.value for c in ws[1]]
    by_number = {
        row[6].value: dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)
    }
    assert by_number["USEDUP"]["Units Authorized"].number_format == "#,##0"
    at = by_number["LOW"]["Confirmed At"]
    assert at.is_date and isinstance(at.value, dt.datetime)
    assert "hh:mm" in at.number_format and "UTC" in at.number_format
    stored = tracker.data().authorizations[low.id].confirmed_at
    moment = dt.datetime.fromisoformat(stored).astimezone(dt.UTC).replace(tzinfo=None)
    assert abs((at.value - moment).total_seconds()) < 1


def test_reports_have_a_title_an_as_of_line_and_totals_below_the_filter(
    tracker: Tracker, tmp_path: Path
) -> None:
    clinic(tracker)
    data = tracker.data()
    names = {"mlopez": "Maria Lopez, LCSW"}
    util = reports.build("utilization", data, TODAY, clinicians=names)
    wb = load_workbook(write_report(util, tmp_path / "u.xlsx", practice=PRACTICE))
    for ws in wb.worksheets:
        assert_prints_as_report(ws, 3)
        assert ws["A1"].value.startswith("Utilization by") and ws["A1"].font.b
        assert ws["A2"].value == f"As of 11/23/2026 · {PRACTICE}"
        assert all(c.font.b and c.font.name == "Calibri" for c in ws[3])
        assert all(c.fill.fgColor.rgb[-6:] == "D9E1F2" for c in ws[3])
        assert ws.freeze_panes == "A4"
        last = ws.max_row
        assert ws.cell(row=last, column=1).value == "All"
        assert all(c.font.b for c in ws[last])
        assert ws.auto_filter.ref.endswith(str(last - 1))  # the total is outside the filter
    by_clinician = wb["By Clinician"]
    assert by_clinician["A4"].value == "Maria Lopez, LCSW"  # the name, not the login
    assert by_clinician["C4"].value == 1260 and by_clinician["C4"].number_format == "#,##0"
    expiring = reports.build("expiring", data, TODAY, days=30, clinicians=names)
    ws = load_workbook(write_report(expiring, tmp_path / "e.xlsx", practice=PRACTICE))["Expiring"]
    header = [c.value for c in ws[3]]
    row = dict(zip(header, ws[4], strict=True))
    assert row["Clinician"].value == "Maria Lopez, LCSW"
    assert row["Days Left"].value == 17 and not row["Days Left"].font.b
    soon = reports.build("expiring", data, D(2026, 12, 5), days=30, clinicians=names)
    ws = load_workbook(write_report(soon, tmp_path / "s.xlsx"))["Expiring"]
    days_left = ws.cell(row=4, column=header.index("Days Left") + 1)
    assert days_left.value == 5 and days_left.font.b and days_left.font.color.rgb[-6:] == "C00000"
    assert ws.oddFooter.left.text == "authtrack"  # no practice name given
