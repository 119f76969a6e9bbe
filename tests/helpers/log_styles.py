"""Synthetic authorization logs in the house styles practices and EHR exports really produce
(issue 18), built with openpyxl, and the helpers their tests share: the records an import made,
and the round trips every style must survive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from priorauth.data import Data
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import ImportPlan, apply_import, plan_import
from sync.writing.exporter import export_workbook
from tests.helpers.sync_helpers import TODAY

D = dt.date


def book(
    path: Path,
    sheets: dict[str, Sequence[Sequence[Any]]],
    merges: dict[str, list[str]] | None = None,
) -> Path:
    """A workbook with one sheet per entry, its rows as given (None = an empty cell)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


def records(data: Data) -> list[tuple[Any, ...]]:
    """Every authorization as (client, DOB, payer, member id, priority, number, codes, start, end,
    units, units used, visits, visits used, status, active), sorted."""
    out = []
    for a in data.authorizations.values():
        client = data.clients[a.client]
        payer = data.payers[a.payer].name
        ins = [i for i in client.insurances if i.payer_id == a.payer]
        member = ins[0].member_id if ins else None
        priority = ins[0].priority.value if ins else None
        out.append(
            (
                client.name,
                client.dob,
                payer,
                member,
                priority,
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
            )
        )
    return sorted(out, key=repr)


def import_log(
    tracker: Tracker, path: Path, **kwargs: Any
) -> tuple[ImportPlan, list[tuple[Any, ...]]]:
    plan = plan_import(path, tracker.data(), today=TODAY, user="alice", **kwargs)
    assert not plan.errors, [str(e) for e in plan.errors]
    apply_import(tracker, plan)
    return plan, records(tracker.data())


def assert_round_trips(tracker: Tracker, path: Path, tmp_path: Path, **kwargs: Any) -> None:
    """Re-importing the log changes nothing; export -> import into an empty file gives the
    same records."""
    again = plan_import(path, tracker.data(), today=TODAY, user="alice", **kwargs)
    assert not again.errors
    assert (len(again.created), len(again.updated)) == (0, 0)
    assert not again.has_changes
    exported = export_workbook(tracker.data(), tmp_path / "export.xlsx", today=TODAY)
    fresh = Tracker(Store(tmp_path / "fresh.json", user="alice"), today=TODAY)
    plan = plan_import(exported, fresh.data(), today=TODAY, user="alice")
    assert not plan.errors
    apply_import(fresh, plan)
    assert records(fresh.data()) == records(tracker.data())


# --- the styles -------------------------------------------------------------------------------

DAY_FIRST_HEADER = ["Client", "DOB", "Payer", "Member ID", "Auth #", "CPT", "Start", "End"]
DAY_FIRST_HEADER += ["Units", "Used"]


def day_first_log(path: Path) -> Path:
    """DD/MM/YYYY text, as a practice outside the US (or its EHR) writes it. The End and DOB
    columns show their order (31/07, 23/11); every Start date reads either way."""
    rows = [
        DAY_FIRST_HEADER,
        [
            "Lee, Ann",
            "23/11/1984",
            "Aetna",
            "W1",
            "A-1",
            "90837",
            "06/01/2026",
            "30/06/2026",
            24,
            5,
        ],
        ["Kim, Bo", "02/03/1990", "Aetna", "W2", "B-1", "90834", "10/02/2026", "31/07/2026", 12, 0],
        ["Ng, Cy", "15/05/1975", "Cigna", "C9", "C-1", "90837", "01/03/2026", "28/02/2027", 30, 2],
    ]
    return book(path, {"Log": rows})


def ambiguous_log(path: Path) -> Path:
    """Text dates no column can tell the order of: every day is 12 or less."""
    rows = [
        DAY_FIRST_HEADER,
        [
            "Lee, Ann",
            D(1984, 11, 23),
            "Aetna",
            "W1",
            "A-1",
            "90837",
            "01/02/2026",
            "06/12/2026",
            24,
            5,
        ],
        [
            "Kim, Bo",
            D(1990, 3, 2),
            "Aetna",
            "W2",
            "B-1",
            "90834",
            "03/04/2026",
            "10/11/2026",
            12,
            0,
        ],
    ]
    return book(path, {"Log": rows})


PLACEHOLDER_HEADER = ["Client", "DOB", "Payer", "Auth #", "CPT", "Start", "End", "Units"]


def placeholder_log(path: Path) -> Path:
    """What a log writes before the payer answers, and counts with words around them."""
    start, end = D(2026, 9, 1), D(2027, 2, 28)
    dob = D(1990, 4, 2)
    rows = [
        PLACEHOLDER_HEADER,
        ["Lee, Ann", dob, "Aetna", "pending", "90837", start, end, 24],
        ["Kim, Bo", dob, "Aetna", "Requested", "90837", start, end, 12],
        ["Ng, Cy", dob, "Aetna", "TBD", "90837", start, end, 10],
        ["Ode, Di", dob, "Aetna", "?", "90837", start, end, 8],
        ["Poe, Ed", dob, "Aetna", "N/A", "90837", start, end, 6],
        ["Roy, Fay", dob, "Aetna", "applied", "90837", start, end, 4],
        ["Sue, Gil", dob, "Aetna", "S-1", "90837", start, end, "TBD"],
        ["Tam, Hal", dob, "Aetna", "T-1", "90837", start, end, "see notes"],
        ["Uma, Ivy", dob, "Aetna", "U-1", "90837", start, end, "20 (renewed)"],
    ]
    return book(path, {"Log": rows})


EHR_HEADER = ["Patient Name", "DOB", "Payer", "Auth Number", "CPT", "Start", "End", "Units"]
EHR_HEADER += ["Used"]
_EHR_TITLE = [
    ["Sunrise Behavioral Health"],
    ["Authorization Utilization Report"],
    ["Date range: 09/01/2026 - 11/30/2026"],
    ["Printed on 11/23/2026 08:14 by jdoe"],
    [],
]


def ehr_report(path: Path) -> Path:
    """An EHR's report export: title block, page breaks repeating the title and the header,
    page footers, a confidentiality line, and a Grand Total row with text in a number column."""
    start, end = D(2026, 9, 1), D(2027, 2, 28)

    def row(name: str, number: str, units: int, used: int) -> list[Any]:
        return [name, D(1990, 4, 2), "Aetna", number, "90837", start, end, units, used]

    rows = [
        *_EHR_TITLE,
        EHR_HEADER,
        row("Lee, Ann", "A-1", 24, 5),
        row("Kim, Bo", "B-1", 12, 0),
        [None, None, None, None, None, None, None, None, None],
        ["CONFIDENTIAL: contains protected health information"],
        [None, None, None, None, None, None, None, None, "Page 1 of 2"],
        *_EHR_TITLE[:4],
        EHR_HEADER,
        row("Ng, Cy", "C-1", 30, 2),
        [None, None, None, "Grand Total", None, None, None, 66, 7],
        ["CONFIDENTIAL: contains protected health information"],
        [None, None, None, None, None, None, None, None, "Page 2 of 2"],
    ]
    return book(path, {"Report": rows})


BLOCK_HEADER = ["Client", "DOB", "Payer", "Member ID", "Auth #", "CPT", "Start", "End", "Units"]


def client_blocks(path: Path) -> Path:
    """One block per client: a row with the name (and DOB), then its authorizations with the
    name blank, a blank row between blocks."""
    e = ""
    rows = [
        BLOCK_HEADER,
        ["Lee, Ann", D(1984, 11, 23), e, e, e, e, e, e, e],
        [e, e, "Aetna", "W1", "A-1", "90837", D(2026, 3, 1), D(2026, 8, 31), 24],
        [e, e, "Aetna", "W1", "A-2", "90837", D(2026, 9, 1), D(2027, 2, 28), 12],
        [e, e, e, e, e, e, e, e, e],
        ["Kim, Bo", e, e, e, e, e, e, e, e],
        [e, e, "Cigna", "C5", "B-1", "90837", D(2026, 10, 1), D(2027, 3, 31), 20],
        [e, e, e, e, e, e, e, e, e],
        ["Ng, Cy", D(1975, 5, 15), e, e, e, e, e, e, e],
        [e, e, "Aetna", "W3", "C-1", "90837", D(2026, 9, 1), D(2027, 2, 28), 30],
    ]
    return book(path, {"Log": rows})


TWO_ROW_GROUPS = ["Patient", None, "Insurance", None, "Authorization", None, None, None]
TWO_ROW_GROUPS += ["Units", None, None, "Visits", None, None]
TWO_ROW_HEADER = ["Name", "DOB", "Plan", "ID #", "Number", "Code", "Start", "End"]
TWO_ROW_HEADER += ["Approved", "Used", "Left", "Approved", "Used", "Left"]
TWO_ROW_MERGES = ["A2:B2", "C2:D2", "E2:H2", "I2:K2", "L2:N2"]


def two_row_headings(path: Path) -> Path:
    """Merged group headings over bare sub-headings: "Number" is the auth number only under
    "Authorization", "ID #" the member id only under "Insurance"."""
    rows = [
        ["Authorization tracker"],
        TWO_ROW_GROUPS,
        TWO_ROW_HEADER,
        [
            "Lee, Ann",
            D(1984, 11, 23),
            "Aetna",
            "W1",
            "A-1",
            "90837",
            D(2026, 9, 1),
            D(2027, 2, 28),
            24,
            5,
            19,
            None,
            None,
            None,
        ],
        [
            "Kim, Bo",
            D(1990, 3, 2),
            "Medicaid",
            "MC77",
            "B-1",
            "97153",
            D(2026, 10, 1),
            D(2027, 3, 31),
            None,
            None,
            None,
            20,
            4,
            16,
        ],
    ]
    return book(path, {"Log": rows}, {"Log": TWO_ROW_MERGES})


MONTH_HEADER = ["Client", "DOB", "Payer", "Auth #", "CPT", "Start", "End", "Units", "Used"]


def month_tabs(path: Path) -> Path:
    """One tab per month, in the workbook's order newest first as some practices keep them: the
    same authorizations with their used counts growing, one new in March, one gone after
    January."""
    start, end, dob = D(2026, 1, 1), D(2026, 12, 31), D(1990, 4, 2)

    def row(name: str, number: str, used: int) -> list[Any]:
        return [name, dob, "Aetna", number, "90837", start, end, 24, used]

    sheets = {
        "Mar 2026": [MONTH_HEADER, row("Lee, Ann", "A-1", 9), row("Ng, Cy", "C-1", 1)],
        "Feb 2026": [MONTH_HEADER, row("Lee, Ann", "A-1", 6)],
        "Jan 2026": [MONTH_HEADER, row("Lee, Ann", "A-1", 2), row("Kim, Bo", "B-1", 4)],
    }
    return book(path, sheets)


PAYER_FIELDS = ("Ins", "ID", "Auth #", "Visits Auth")
TWO_PAYER_HEADER = ["Client", "DOB"]
TWO_PAYER_HEADER += [f"{p} {w}" for p in ("Primary", "Secondary") for w in PAYER_FIELDS]
TWO_PAYER_HEADER += ["CPT", "Start", "End", "Visits Used"]


def two_payer_log(path: Path) -> Path:
    """Two payers on one row, with the codes, dates and used visits they share: Medicare primary
    without an auth beside Medicaid secondary with one; two payers each with its own auth; a
    secondary left blank."""
    start, end = D(2026, 9, 1), D(2027, 2, 28)
    rows = [
        TWO_PAYER_HEADER,
        [
            "Lee, Ann",
            D(1984, 11, 23),
            "Medicare",
            "1EG4TE5",
            None,
            None,
            "Medicaid",
            "MC100",
            "MA-1",
            24,
            "97110",
            start,
            end,
            5,
        ],
        [
            "Kim, Bo",
            D(1990, 3, 2),
            "Aetna",
            "W2",
            "AE-7",
            20,
            "Medicaid",
            "MC200",
            "MB-2",
            12,
            "97110",
            D(2026, 10, 1),
            D(2027, 3, 31),
            3,
        ],
        [
            "Ng, Cy",
            D(1975, 5, 15),
            "Cigna",
            "C9",
            "CG-1",
            30,
            None,
            None,
            None,
            None,
            "92507",
            start,
            end,
            2,
        ],
    ]
    return book(path, {"Log": rows})


HOURS_HEADER = ["Client", "DOB", "Payer", "Member ID", "Auth #", "Service Type", "Start", "End"]
HOURS_HEADER += ["Total Hrs Auth", "Hrs Used", "Hrs/Wk"]


def hours_log(path: Path) -> Path:
    """Home care: services named in words, hours with their quarter hours, a weekly cap as a
    bare number under a heading that states the week."""
    start, end = D(2026, 7, 1), D(2026, 12, 31)
    rows = [
        HOURS_HEADER,
        [
            "Lee, Ann",
            D(1944, 2, 9),
            "Medicaid Waiver",
            "MW1",
            "PC-1",
            "Personal Care",
            start,
            end,
            187.5,
            96.25,
            12.5,
        ],
        [
            "Kim, Bo",
            D(1950, 6, 1),
            "Medicaid Waiver",
            "MW2",
            "RS-1",
            "Respite",
            start,
            end,
            40,
            10.75,
            4,
        ],
        [
            "Ng, Cy",
            D(1938, 12, 24),
            "Aetna",
            "A9",
            "SN-1",
            "Skilled Nursing",
            start,
            end,
            100,
            0,
            None,
        ],
    ]
    return book(path, {"Log": rows})


WORDS_HEADER = ["Client", "DOB", "Payer", "Auth #", "CPT", "Start", "End", "Units"]


def words_log(path: Path) -> Path:
    """Values with words around them: "20 (renewed)", "exp 3/31" (the year the start implies),
    "eff 1/5/2026", and a start without its year (the year its end implies)."""
    dob = D(1990, 4, 2)
    rows = [
        WORDS_HEADER,
        ["Lee, Ann", dob, "Aetna", "A-1", "90837", D(2026, 4, 1), "exp 3/31", "20 (renewed)"],
        ["Kim, Bo", dob, "Aetna", "B-1", "90837", "eff 1/5/2026", D(2026, 12, 31), 24],
        ["Ng, Cy", dob, "Aetna", "C-1", "90834", "3/1", D(2026, 8, 31), 12],
    ]
    return book(path, {"Log": rows})
