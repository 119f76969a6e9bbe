"""Property (issue 18): a log generated in any of the house styles imports as the records it was
generated from; when the import cannot know (day-first dates that all read either way) it says
which order it chose, never different records without a word."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from priorauth import coverage
from priorauth.data import Data
from priorauth.model import LineMeasure, Priority
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
from tests.helpers import log_styles as styles
from tests.helpers.sync_helpers import TODAY

STYLES = ("plain", "us_text", "day_first", "blocks", "two_row", "ehr", "two_payer", "hours")
HEADER = ["Client", "DOB", "Payer", "Member ID", "Auth #", "CPT", "Start", "End", "Units"]
HEADER += ["Used"]
SERVICES = ["Personal Care", "Respite", "Skilled Nursing"]
SECONDARY = "Medicaid"  # every client's secondary payer in the two-payer style


@st.composite
def logs(draw: Any) -> tuple[str, list[tuple[Any, ...]]]:
    """(style, one tuple per authorization: name, DOB, payer, member, number, code, start, end,
    units, used). In the two-payer style a row's authorization is its primary's, its
    secondary's or both (``_payers``); in the hours style the code is a service named in words
    and the counts are hours in quarter hours."""
    style = draw(st.sampled_from(STYLES))
    out = []
    number = 0
    for c in range(draw(st.integers(1, 5))):
        name = f"Client{chr(65 + c)}, Pat"
        dob = draw(st.dates(dt.date(1950, 1, 1), dt.date(2015, 12, 31)))
        payer = draw(st.sampled_from(["Aetna", "Cigna"]))
        member = f"M{c}"
        for _ in range(draw(st.integers(1, 2))):
            number += 1
            start = draw(st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)))
            end = start + dt.timedelta(days=draw(st.integers(30, 365)))
            units: Any = draw(st.integers(1, 500))
            used: Any = draw(st.integers(0, units))
            code = draw(st.sampled_from(["90837", "90834", "97153"]))
            if style == "hours":
                units, used = units / 4, used / 4  # quarter hours
                code = draw(st.sampled_from(SERVICES))
            record = (name, dob, payer, member, f"N-{number}", code, start, end, units, used)
            if style == "two_payer":
                who = draw(st.sampled_from(["primary", "secondary", "both"]))
                theirs = (*record[:2], SECONDARY, f"S{c}", f"{record[4]}S", *record[5:])
                out += [record] * (who != "secondary") + [theirs] * (who != "primary")
            else:
                out.append(record)
    return style, out


def _cells(style: str, r: tuple[Any, ...]) -> list[Any]:
    name, dob, payer, member, number, code, start, end, units, used = r
    if style in ("us_text", "day_first"):
        fmt = "%m/%d/%Y" if style == "us_text" else "%d/%m/%Y"
        dob, start, end = (f"{d:{fmt}}" for d in (dob, start, end))
    return [name, dob, payer, member, number, code, start, end, units, used]


def _write(path: Path, style: str, records: list[tuple[Any, ...]]) -> Path:
    rows: list[list[Any]] = []
    merges: list[str] = []
    if style == "blocks":
        rows.append(HEADER)
        last = None
        for r in records:
            if r[0] != last:
                if last is not None:
                    rows.append([None] * len(HEADER))
                rows.append([r[0], r[1]] + [None] * (len(HEADER) - 2))
                last = r[0]
            rows.append([None, None, *_cells(style, r)[2:]])
    elif style == "two_row":
        rows.append(["Patient", None, "Insurance", None, "Authorization", None, None, None])
        rows[-1] += ["Units", None]
        rows.append(["Name", "DOB", "Plan", "ID #", "Number", "Code", "Start", "End"])
        rows[-1] += ["Approved", "Used"]
        merges = ["A1:B1", "C1:D1", "E1:H1", "I1:J1"]
        rows += [_cells(style, r) for r in records]
    elif style == "ehr":
        title = [["Sunrise Behavioral Health"], ["Authorization Report"], ["Printed on today"]]
        for page in range(0, len(records), 3):
            rows += [*title, HEADER]
            rows += [_cells(style, r) for r in records[page : page + 3]]
            rows += [["Confidential"], [None] * 9 + [f"Page {page // 3 + 1}"]]
    elif style == "two_payer":
        rows = _payers(records)
    elif style == "hours":
        rows = [["Client", "DOB", "Payer", "Member ID", "Auth #", "Service Type", "Start", "End"]]
        rows[0] += ["Total Hrs Auth", "Hrs Used"]
        rows += [_cells(style, r) for r in records]
    else:
        rows = [HEADER] + [_cells(style, r) for r in records]
    return styles.book(path, {"Log": rows}, {"Log": merges})


def _key(record: tuple[Any, ...]) -> tuple[str, str]:
    return record[0], record[4]  # client and auth number: one authorization


def _records(data: Data) -> list[tuple[Any, ...]]:
    """Every authorization as the generator's tuple (the service's name where it has no
    code), sorted."""
    out = []
    for a in data.authorizations.values():
        client = data.clients[a.client]
        held = [i for i in client.insurances if i.payer_id == a.payer]
        out.append(
            (
                client.name,
                client.dob,
                data.payers[a.payer].name,
                held[0].member_id if held else None,
                a.auth_number,
                a.procedure_codes[0] if a.procedure_codes else a.group,
                a.start_date,
                a.end_date,
                a.units_authorized,
                a.carried_units_used,
            )
        )
    return sorted(out, key=_key)


def _payers(records: list[tuple[Any, ...]]) -> list[list[Any]]:
    """The two-payer sheet: one row per authorization of the primary, of the secondary or of
    both (a secondary's record follows its primary's on one row when both have one), the
    units each payer's own, the used count shared."""
    header = ["Client", "DOB"]
    header += [f"{p} {w}" for p in ("Primary", "Secondary") for w in ("Ins", "ID", "Auth #")]
    header += ["Primary Units Auth", "Secondary Units Auth", "CPT", "Start", "End", "Units Used"]
    rows: list[list[Any]] = [header]
    primaries: dict[str, str] = {}  # each client's primary payer (Aetna if only a coverage)
    for r in records:
        if r[2] != SECONDARY:
            primaries.setdefault(r[0], r[2])
    k = 0
    while k < len(records):
        r = records[k]
        mine = r if r[2] != SECONDARY else None
        theirs = r if r[2] == SECONDARY else None
        nxt = records[k + 1] if k + 1 < len(records) else None
        if mine is not None and nxt is not None and nxt[4] == f"{r[4]}S":
            theirs, k = nxt, k + 1
        k += 1
        primary = mine or r
        payer = primaries.get(r[0], "Aetna")
        member = f"M{r[3][1:]}"
        rows.append(
            [
                r[0],
                r[1],
                payer,
                member,
                mine[4] if mine else None,
                SECONDARY,
                f"S{r[3][1:]}",
                theirs[4] if theirs else None,
                mine[8] if mine else None,
                theirs[8] if theirs else None,
                primary[5],
                primary[6],
                primary[7],
                primary[9],
            ]
        )
    return rows


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(logs())
def test_any_log_in_any_style_imports_as_generated_or_says_why_not(
    log: tuple[str, list[tuple[Any, ...]]],
) -> None:
    style, records = log
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = _write(folder / "log.xlsx", style, records)
        tracker = Tracker(Store(folder / "data.json", user="alice"), today=TODAY)
        plan = plan_import(path, tracker.data(), today=TODAY, user="alice")
        assert not plan.errors, [str(e) for e in plan.errors]
        apply_import(tracker, plan)
        data = tracker.data()
        got = _records(data)
        want = sorted(records, key=_key)
        if style == "hours":
            assert {a.measure for a in data.authorizations.values()} == {LineMeasure.HOURS}
            assert sorted(g.name for g in data.groups.values()) == sorted({r[5] for r in records})
        if style == "two_payer":  # every client is insured by both payers, at their priority
            for client in data.clients.values():
                held = coverage.all_coverages(client)
                assert [(data.payers[i.payer_id].name == SECONDARY, i.priority) for i in held] == [
                    (False, Priority.PRIMARY),
                    (True, Priority.SECONDARY),
                ]
        if got != want:
            # only a day-first log whose every date reads either way may come out month first,
            # and then the report says so
            assert style == "day_first"
            assert any("read month first (the practice's date order)" in w for w in plan.warnings)
