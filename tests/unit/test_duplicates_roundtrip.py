"""Issue 14: a data file written before the one-number rule, holding two authorizations of one
payer under one number, still exports and re-imports without loss (into an empty file and into
itself): the rows are told apart by number, start date and codes, with a warning naming them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from priorauth.model import Authorization, Service
from priorauth.services.tracker import Tracker
from priorauth.store.codec import to_doc
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
from sync.writing.exporter import export_workbook
from tests.helpers.sync_helpers import TODAY, log_row, workbook

_KEEP = ("auth_number", "payer", "start_date", "end_date", "procedure_codes", "units_authorized")


def _plant(tracker: Tracker, practice) -> tuple[Authorization, Authorization]:
    def auth(start: dt.date, units: int, number: str) -> Authorization:
        return Authorization(
            client=practice["client"].id,
            payer=practice["aetna"].id,
            auth_number=number,
            procedure_codes=["90837"],
            units_authorized=units,
            start_date=start,
            end_date=start + dt.timedelta(days=89),
        )

    a = tracker.save_authorization(auth(dt.date(2026, 6, 1), 10, "OLD-7")).authorization
    b = tracker.save_authorization(auth(dt.date(2026, 9, 1), 24, "NEW-8")).authorization
    with tracker.store.transaction() as tx:  # (past validation: a file from before the rule)
        b = tx.update(dataclasses.replace(b, auth_number="OLD-7"))
    return a, tracker.data().authorizations[b.id]


def _facts(tracker: Tracker) -> list[tuple]:
    data = tracker.data()
    return sorted(
        (*(str(getattr(a, f)) for f in _KEEP if f != "payer"), data.payer_name(a.payer))
        for a in data.authorizations.values()
    )


def test_duplicates_export_and_import_into_an_empty_file(
    tracker: Tracker, practice, tmp_path: Path
) -> None:
    a, _ = _plant(tracker, practice)
    # a service pinned to the older of the two follows it, not its twin
    tracker.record_service(
        Service(
            client=a.client,
            payer=a.payer,
            date=dt.date(2026, 6, 10),
            procedure_code="90837",
            authorization=a.id,
        )
    )
    book = export_workbook(tracker.data(), tmp_path / "export.xlsx", today=TODAY)
    empty = Tracker(Store(tmp_path / "new.json", user="alice"), today=TODAY)
    plan = plan_import(book, empty.data(), today=TODAY, user="alice")
    assert not plan.errors
    (warning,) = [w for w in plan.warnings if "OLD-7" in w]
    assert "authorization OLD-7 with this payer is also on row 2" in warning
    assert len(plan.created) == 2
    apply_import(empty, plan)
    assert _facts(empty) == _facts(tracker)
    data = empty.data()
    (service,) = data.services.values()
    assert data.authorizations[service.authorization].start_date == dt.date(2026, 6, 1)


def test_duplicates_reimported_into_their_own_file_change_nothing(
    tracker: Tracker, practice, tmp_path: Path
) -> None:
    a, b = _plant(tracker, practice)
    before = {i: to_doc(x) for i, x in tracker.data().authorizations.items()}
    book = export_workbook(tracker.data(), tmp_path / "export.xlsx", today=TODAY)
    plan = plan_import(book, tracker.data(), today=TODAY, user="alice")
    assert not plan.errors and not plan.created and not plan.updated
    assert len(plan.unchanged) == 2
    apply_import(tracker, plan)
    assert {i: to_doc(x) for i, x in tracker.data().authorizations.items()} == before
    # a change to one of them, made in the export, goes to that one, not to its twin
    import openpyxl

    wb = openpyxl.load_workbook(book)
    ws = wb["Authorizations"]
    heads = [c.value for c in ws[1]]
    units, start = heads.index("Units Authorized") + 1, heads.index("Start Date") + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, start).value.date() == a.start_date:
            ws.cell(r, units).value = 12
    wb.save(book)
    plan = plan_import(book, tracker.data(), today=TODAY)
    assert [i.changes for i in plan.updated] == [["units authorized 10 → 12"]]
    apply_import(tracker, plan)
    auths = tracker.data().authorizations
    assert (auths[a.id].units_authorized, auths[b.id].units_authorized) == (12, 24)


def test_a_row_repeated_with_the_same_start_and_codes_is_still_refused(
    tracker: Tracker, practice, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "log.xlsx", [log_row(number="R-1"), log_row(number="R-1")])
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert "authorization R-1 with this payer is already on row 2" in str(plan.errors[0])
