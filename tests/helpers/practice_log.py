"""A practice's own log that leans on its rows: a TOTAL row, a Dashboard sheet pointing at it, an
Excel Table, conditional formats, drop-down lists in the log's own words (Status: Active /
Pending / Closed; Active: Y / N), defined names, a chart and a print area. Used by the
write-back tests (in-process, and recalculated by LibreOffice)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from priorauth.model import Authorization, RequestStatus
from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import

D = dt.date
HEADER = ["Client", "Payer", "Auth #", "Start", "End", "Approved", "Used", "Left", "Status"]
HEADER += ["Active"]
ROWS = [
    ["Lee, Ann", "Aetna", "A-1", D(2026, 9, 1), D(2027, 2, 28), 24, 5, None, "Active", "Y"],
    ["Kim, Bo", "Cigna", "B-1", D(2026, 10, 1), D(2027, 3, 31), 12, 2, None, "Active", "Y"],
    ["Diaz, Cy", "Aetna", "C-1", D(2026, 8, 1), D(2027, 1, 31), 30, 10, None, "Active", "Y"],
    ["Ota, Dee", "Cigna", "D-1", D(2026, 11, 1), D(2027, 4, 30), 20, 0, None, "Pending", "N"],
    ["Fox, Eli", "Aetna", "E-1", D(2026, 7, 1), D(2026, 12, 31), 16, 16, None, "Active", "Y"],
]
FIRST, LAST = 3, 7  # the data rows
TOTAL = 8


def write_log(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Log"
    ws["A1"] = "Authorizations 2026"
    ws.append(HEADER)
    for i, row in enumerate(ROWS, start=FIRST):
        ws.append(row)
        ws[f"H{i}"] = f"=F{i}-G{i}"
        for col in "DE":
            ws[f"{col}{i}"].number_format = "mm/dd/yyyy"
    ws.append(["TOTAL", None, None, None, None, "=SUM(F3:F7)", "=SUM(G3:G7)", "=SUM(H3:H7)"])
    ws[f"A{TOTAL}"].hyperlink = "https://example.org/how-we-count"
    table = Table(displayName="Auths", ref=f"A2:J{LAST}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    red = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
    ws.conditional_formatting.add(f"A{FIRST}:J{LAST}", FormulaRule(formula=["$H3<=2"], fill=red))
    ws.conditional_formatting.add(
        f"G{FIRST}:G{LAST}", CellIsRule(operator="greaterThan", formula=["$F$8"], fill=red)
    )
    status = DataValidation(type="list", formula1='"Active,Pending,Closed"', allow_blank=True)
    status.add(f"I{FIRST}:I{LAST}")
    active = DataValidation(type="list", formula1='"Y,N"', allow_blank=True)
    active.add(f"J{FIRST}:J{LAST}")
    ws.add_data_validation(status)
    ws.add_data_validation(active)
    ws.print_area = f"A1:J{TOTAL}"
    dash = wb.create_sheet("Dashboard")
    dash["A1"], dash["B1"] = "Total visits used", f"=Log!G{TOTAL}"
    dash["A2"], dash["B2"] = "Approved", f"=SUM(Log!F{FIRST}:F{LAST})"
    dash["A3"], dash["B3"] = "Left", f"=Log!$H${TOTAL}"
    dash["A4"], dash["B4"] = "First client", "=Log!A3"
    dash["A5"], dash["B5"] = "Used, by name", "=SUM(UsedRange)"
    wb.defined_names["TotalUsed"] = DefinedName("TotalUsed", attr_text=f"Log!$G${TOTAL}")
    wb.defined_names["UsedRange"] = DefinedName("UsedRange", attr_text=f"Log!$G${FIRST}:$G${LAST}")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=7, min_row=FIRST, max_row=LAST))
    chart.set_categories(Reference(ws, min_col=3, min_row=FIRST, max_row=LAST))
    dash.add_chart(chart, "D2")
    wb.save(path)
    return path


def imported(tracker: Tracker, log: Path, today: dt.date) -> None:
    """The log brought into authtrack, then three changed and two added there."""
    apply_import(tracker, plan_import(log, tracker.data(), today=today, user="alice"))
    data = tracker.data()
    by_number = {a.auth_number: a for a in data.authorizations.values()}
    a1 = by_number["A-1"]
    tracker.save_authorization(dataclasses.replace(a1, end_date=D(2027, 3, 31)))
    tracker.save_authorization(dataclasses.replace(by_number["B-1"], active=False))
    tracker.save_authorization(
        dataclasses.replace(by_number["D-1"], status=RequestStatus.APPROVED, active=True)
    )
    c1 = by_number["C-1"]
    tracker.save_authorization(
        Authorization(
            client=a1.client,
            payer=c1.payer,
            auth_number="A-2",
            units_authorized=40,
            start_date=D(2027, 3, 1),
            end_date=D(2027, 8, 31),
            active=False,
        )
    )
    tracker.save_authorization(
        Authorization(
            client=c1.client,
            payer=c1.payer,
            auth_number="C-2",
            units_authorized=8,
            start_date=D(2027, 2, 1),
            end_date=D(2027, 7, 31),
            status=RequestStatus.PENDING,
            active=False,
        )
    )
