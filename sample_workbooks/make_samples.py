"""Write the sample authorization logs in this folder (synthetic people, no real patient data).

Each imitates a house style a practice might really keep, with the messiness DESIGN.md lists:
titles above the header, abbreviated and grouped headers, names on the first row of a client
only, dates as real dates / serial numbers / text, numbers stored as text, several codes per
cell, blank and total rows, formulas without cached values, the 1904 date system, an
instructions sheet, an old archive sheet. Run from the repository root:

    .venv/bin/python sample_workbooks/make_samples.py

The .ods and .xls copies are converted from an .xlsx by LibreOffice when ``soffice`` is
installed (they are committed, so the tests do not need it).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = Path(__file__).resolve().parent
D = dt.date
BOLD = Font(bold=True)
GREY = PatternFill("solid", fgColor="DDDDDD")


def front_desk_log(path: Path) -> None:
    """Small counseling practice: title rows, "Client" as Last, First written once per client
    (merged down), Eff/Exp, Approved/Used/Remaining with Remaining as a formula (no cached
    value, as openpyxl and many generators save it), a blank row, a total row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Auth Log"
    ws["A1"] = "Sunrise Counseling — Prior Authorization Log"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Updated 11/02/2026 by front desk. Call payer 2 weeks before Exp!"
    header = ["Client", "DOB", "Insurance", "Member ID", "Auth #", "CPT", "Eff", "Exp"]
    header += ["Approved", "Used", "Remaining", "Notes"]
    ws.append([])
    ws.append(header)
    for cell in ws[4]:
        cell.font, cell.fill = BOLD, GREY
    rows = [
        (
            "Alvarez, Marisol",
            D(1988, 3, 14),
            "Aetna",
            "W123456789",
            "A-2026-0117",
            "90837",
            D(2026, 1, 5),
            D(2026, 6, 30),
            24,
            24,
            "Renewed, see next row",
        ),
        (
            None,
            None,
            "Aetna",
            "W123456789",
            "A-2026-0733",
            "90837",
            D(2026, 7, 1),
            D(2026, 12, 31),
            24,
            17,
            "",
        ),
        (
            "Brennan, Tomasz",
            D(1975, 11, 2),
            "Blue Cross Blue Shield",
            "XBC99887766",
            "BC7781234",
            "90834, 90837",
            D(2026, 9, 1),
            D(2027, 2, 28),
            20,
            6,
            None,
        ),
        (
            "Castillo, Aiko",
            D(2011, 6, 21),
            "Cigna Behavioral Health",
            "U55512345",
            "CG-55-1290",
            "90832",
            D(2026, 3, 1),
            D(2026, 12, 5),
            12,
            11,
            "Parent: Hana",
        ),
        (None, None, None, None, None, None, None, None, None, None, None),
        (
            "Dubois, Kwame",
            D(1969, 1, 30),
            "Medicaid - State Plan",
            "MCD00431122",
            "",
            "H2019 HN",
            D(2026, 10, 1),
            None,
            None,
            3,
            "No auth # issued; tracking sessions",
        ),
        (
            "Eriksen, Leila",
            D(1999, 8, 8),
            "Optum / UnitedHealthcare",
            "OP7712309",
            "OPT-443120",
            "90837",
            D(2026, 8, 15),
            D(2027, 1, 15),
            16,
            16,
            "Exhausted: request more",
        ),
    ]
    r = 5
    for row in rows:
        ws.append([*row[:10], None, row[10]])
        if row[0] is not None or row[4] is not None:
            ws.cell(r, 11).value = f'=IF(I{r}="","",I{r}-J{r})'
        for c in (2, 7, 8):
            ws.cell(r, c).number_format = "mm/dd/yyyy"
        r += 1
    ws.merge_cells("A5:A6")
    ws.merge_cells("B5:B6")
    ws.append(
        [
            "Total",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            f"=SUM(I5:I{r - 1})",
            f"=SUM(J5:J{r - 1})",
        ]
    )
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["C"].width = 26
    ws.column_dimensions["L"].width = 36
    wb.save(path)


def aba_agency_tracker(path: Path) -> None:
    """ABA agency: an instructions sheet first, first/last name columns, MRN, funder and
    subscriber id, priority, several codes per cell, dates typed as text, unit counts typed as
    text with trailing spaces, a weekly cap column, an extra column authtrack ignores."""
    wb = Workbook()
    info = wb.active
    info.title = "Instructions"
    for line in (
        "How to use this tracker",
        "1. One row per authorization. Units are 15-minute units.",
        "2. Update Units Used every Friday from the billing report.",
        "3. Do not sort the sheet by anything but Last Name.",
    ):
        info.append([line])
    ws = wb.create_sheet("Authorizations")
    ws.append(
        [
            "MRN",
            "Last Name",
            "First Name",
            "Birth Date",
            "Funder",
            "Subscriber ID",
            "Priority",
            "Prior Auth Number",
            "Service Codes",
            "Start",
            "End",
            "Units Approved",
            "Units Used",
            "Max/Week",
            "BCBA",
            "Case Notes",
            "Fax Sent",
        ]
    )
    for cell in ws[1]:
        cell.font = BOLD
    rows = [
        (
            "MRN-1001",
            "Nakamura",
            "Avery",
            "04/12/2017",
            "Medicaid - State Plan",
            "MCD7700112",
            "Primary",
            "PA-88120-01",
            "97153, 97155, 97156",
            "05/01/2026",
            "10/31/2026",
            "480 ",
            "455",
            "40 units per week",
            "jchen",
            "Reassessment due 10/15",
            "Y",
        ),
        (
            "MRN-1001",
            "Nakamura",
            "Avery",
            "04/12/2017",
            "Medicaid - State Plan",
            "MCD7700112",
            "Primary",
            "PA-88120-02",
            "97153, 97155, 97156",
            "11/01/2026",
            "04/30/2027",
            "520",
            "36",
            "40 units per week",
            "jchen",
            "",
            "Y",
        ),
        (
            "MRN-1002",
            "Okafor ",
            "Jordan",
            "09/30/2015",
            "Aetna",
            "W998877665",
            "Primary",
            "AET-ABA-5521",
            "97153/97155",
            "2026-07-01",
            "2026-12-31",
            "320",
            "188",
            "32 units/week",
            "aokafor",
            "",
            "N",
        ),
        (
            "MRN-1002",
            "Okafor",
            "Jordan",
            "09/30/2015",
            "Tricare East",
            "TR12345678",
            "Secondary",
            "TRI-0099812",
            "97153",
            "2026-07-01",
            "2026-12-31",
            "320",
            "0",
            "",
            "aokafor",
            "Secondary pays copay only",
            "N",
        ),
        (
            "MRN-1003",
            "Petrov",
            "Riley",
            "01/05/2019",
            "Cigna Behavioral Health",
            "U12312312",
            "Primary",
            "CG-ABA-7781",
            "97151",
            "11/15/2026",
            "12/15/2026",
            "16",
            "4",
            "",
            "mlopez",
            "Initial assessment",
            "",
        ),
        (
            "MRN-1004",
            "Quintero",
            "Skyler",
            "Jul 3, 2016",
            "Medicaid - State Plan",
            "MCD7700950",
            "Primary",
            "PA-90211-01",
            "97153, 97155",
            "Aug 1, 2026",
            "Jan 31, 2027",
            "unlimited",
            "210",
            "",
            "jchen",
            "Medicaid waiver: no unit cap",
            "Y",
        ),
    ]
    for row in rows:
        ws.append(list(row))
    wb.save(path)


def group_practice(path: Path) -> None:
    """Group practice: a hidden 2025 archive sheet, two header rows ("Sessions" over
    Approved / Used / Left), "Patient" as First Last, dates as plain serial numbers, an
    "Auth Period" range column, Status (Active / Expired / Pending), cached Left values written
    by Excel (one of them stale), blank rows between clinicians' blocks."""
    wb = Workbook()
    archive = wb.active
    archive.title = "2025"
    archive.append(["Patient", "Ins. Co.", "PA #", "Auth Period", "Sessions", "Used"])
    archive.append(["Harper Lindqvist", "Aetna", "A-2025-0042", "1/1/25 - 12/31/25", 20, 20])
    archive.sheet_state = "hidden"
    ws = wb.create_sheet("2026")
    ws.append(["Riverside Behavioral Health — 2026 authorizations"])
    ws.append([None, None, None, None, None, None, "Sessions", None, None, None, None])
    ws.append(
        [
            "Patient",
            "Birthdate",
            "Ins. Co.",
            "Ins. Priority",
            "PA #",
            "Procedure",
            "Approved",
            "Used",
            "Left",
            "Auth Period",
            "Status",
            "Therapist",
        ]
    )
    ws.merge_cells("G2:I2")
    for row in (ws[2], ws[3]):
        for cell in row:
            cell.font = BOLD
    ws["G2"].alignment = Alignment(horizontal="center")

    def serial(day: dt.date) -> int:
        return (day - D(1899, 12, 30)).days

    rows = [
        (
            "Harper Lindqvist",
            serial(D(1991, 2, 17)),
            "Aetna",
            "Primary",
            "A-2026-0042",
            "90837",
            20,
            14,
            6,
            "1/1/26 - 12/31/26",
            "Active",
            "mlopez",
        ),
        (
            "Harper Lindqvist",
            serial(D(1991, 2, 17)),
            "Aetna",
            "Primary",
            "A-2027-0003",
            "90837",
            20,
            0,
            20,
            "1/1/27 - 12/31/27",
            "Pending",
            "mlopez",
        ),
        (
            "Logan Whitfield",
            serial(D(1983, 12, 1)),
            "Cigna Behavioral Health",
            "1",
            "CG-26-88812",
            "90834",
            12,
            12,
            0,
            "3/1/26 - 8/31/26",
            "Expired",
            "mlopez",
        ),
        None,
        (
            "Nadia Xiong",
            serial(D(2004, 5, 9)),
            "Blue Cross Blue Shield",
            "Primary",
            "BC2026-4410",
            "90837, 90846",
            24,
            11,
            13,
            "6/15/26 - 12/14/26",
            "Active",
            "jchen",
        ),
        (
            "Nadia Xiong",
            serial(D(2004, 5, 9)),
            "Optum / UnitedHealthcare",
            "Secondary",
            "OP-2026-7",
            "90837",
            24,
            9,
            10,
            "6/15/26 - 12/14/26",
            "Active",
            "jchen",
        ),
        None,
        (
            "Rafael Yamamoto",
            serial(D(1958, 10, 23)),
            "Medicare Part B",
            "Primary",
            "",
            "90832",
            None,
            5,
            None,
            "9/1/26 - 2/28/27",
            "Active",
            "demo",
        ),
    ]
    for row in rows:
        ws.append(list(row) if row else [])
    r = 4
    for row in rows:
        if row and row[8] is not None:
            ws.cell(r, 9).value = f"=G{r}-H{r}"
        r += 1
    wb.save(path)
    # Excel stores the last calculated value of each formula; openpyxl cannot. Add them (the
    # Optum row's is stale: 10 where 24 - 9 = 15) as Excel would have saved them.
    cached = {row[4]: row[8] for row in rows if row and row[8] is not None}
    _add_cached_values(path, "xl/worksheets/sheet2.xml", rows, cached)


def _add_cached_values(path: Path, part: str, rows: list, cached: dict) -> None:
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    values = {}
    r = 4
    for row in rows:
        if row and row[8] is not None:
            values[f"I{r}"] = row[8]
        r += 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == part:
                xml = data.decode("utf-8")
                for ref, value in values.items():
                    xml = re.sub(
                        rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f>(<v\s*/>|<v></v>)?',
                        rf"\1<f>\2</f><v>{value}</v>",
                        xml,
                    )
                data = xml.encode("utf-8")
            zout.writestr(info, data)


def mac_1904_log(path: Path) -> None:
    """Saved on a Mac with the 1904 date system: real date cells and, in the "Requested" column,
    bare serial numbers that only make sense in 1904 days. One bad date and a negative count
    show what the import reports."""
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Auths"
    ws.append(
        [
            "Client #",
            "Client Name",
            "Payer",
            "Authorization Number",
            "CPT Code(s)",
            "Effective Date",
            "Expiration Date",
            "Units Authorized",
            "Units Used",
            "Visits Authorized",
            "Visits Used",
            "Requested",
            "Reference #",
            "Confirmed",
            "Remind (days)",
        ]
    )

    def serial_1904(day: dt.date) -> int:
        return (day - D(1904, 1, 1)).days

    rows = [
        (
            "C2001",
            "Garrido, Beatriz",
            "Aetna",
            "AET-771-002",
            "90791, 90837",
            D(2026, 4, 1),
            D(2026, 12, 31),
            26,
            19,
            26,
            18,
            serial_1904(D(2026, 3, 20)),
            "CALL-55821",
            "Yes",
            30,
        ),
        (
            "C2002",
            "Holloway, Dmitri",
            "Cigna Behavioral Health",
            "CG-0098-11",
            "90834",
            D(2026, 10, 1),
            D(2027, 3, 31),
            20,
            4,
            None,
            None,
            serial_1904(D(2026, 9, 18)),
            "",
            "No",
            14,
        ),
        (
            "C2003",
            "Ibarra, Olu",
            "Aetna",
            "AET-771-310",
            "90837",
            "13/45/2026",
            D(2027, 1, 31),
            12,
            -2,
            None,
            None,
            None,
            "",
            "",
            30,
        ),
    ]
    for row in rows:
        ws.append(list(row))
        for c in (6, 7):
            ws.cell(ws.max_row, c).number_format = "yyyy-mm-dd"
    wb.save(path)


def solo_therapist(path: Path) -> None:
    """A solo therapist's simple list: one row per client, sessions only, no numbers for the
    payer that issues none; converted to .ods (and .xls) by LibreOffice."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(
        [
            "Name",
            "Date of Birth",
            "Insurance",
            "Auth Number",
            "Sessions Authorized",
            "Sessions Used",
            "Start Date",
            "End Date",
            "Reminder",
        ]
    )
    rows = [
        (
            "Quinn Abernathy",
            D(1992, 7, 19),
            "Aetna",
            "AE55120",
            12,
            7,
            D(2026, 9, 1),
            D(2027, 2, 28),
            "1 month",
        ),
        (
            "Sawyer McAllister",
            D(1979, 3, 3),
            "Employee Assistance Program",
            "",
            6,
            2,
            D(2026, 10, 20),
            D(2027, 1, 20),
            "No",
        ),
        (
            "Finley O'Connor",
            D(2001, 12, 12),
            "Blue Cross Blue Shield",
            "BCB-2209-77",
            10,
            10,
            D(2026, 6, 1),
            D(2026, 11, 30),
            "Yes",
        ),
    ]
    for row in rows:
        ws.append(list(row))
        for c in (2, 7, 8):
            ws.cell(ws.max_row, c).number_format = "mm/dd/yyyy"
    wb.save(path)


def convert(source: Path, target: Path, filter_name: str) -> bool:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print(f"soffice not found: {target.name} left as it is")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [soffice, "--headless", "--convert-to", filter_name, "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        produced = next(Path(tmp).glob(f"{source.stem}.*"))
        shutil.move(produced, target)
    return True


def main() -> None:
    front_desk_log(HERE / "front_desk_log.xlsx")
    aba_agency_tracker(HERE / "aba_agency_tracker.xlsx")
    group_practice(HERE / "group_practice_2026.xlsx")
    mac_1904_log(HERE / "mac_1904_log.xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "solo_therapist.xlsx"
        solo_therapist(source)
        convert(source, HERE / "solo_therapist.ods", "ods")
        convert(source, HERE / "solo_therapist.xls", "xls:MS Excel 97")
    print(f"samples written to {HERE}")


if __name__ == "__main__":
    main()
