"""A log's "Confirmed = Yes" is kept as confirmed (imported), with the log's own who and when."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from python_calamine import CalamineWorkbook

from priorauth import rules
from priorauth.model import Authorization
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import
from sync.writing.exporter import export_workbook
from tests.helpers.sync_helpers import LOG_HEADER, TODAY, log_row, workbook
from tui.screens.client_view import auth_detail

HEADER = [*LOG_HEADER, "Confirmed", "Confirmed By", "Confirmed At"]


def _log(path: Path) -> Path:
    return workbook(
        path,
        [
            [*log_row("Lee, Ann", "A-1"), "Yes", "Jo Park", dt.datetime(2026, 10, 1, 9, 30)],
            [*log_row("Kim, Bo", "B-1"), "Y", None, None],
            [*log_row("Diaz, Cy", "C-1"), "No", None, None],
        ],
        header=HEADER,
    )


def _by_number(tracker: Tracker) -> dict[str, Authorization]:
    return {a.auth_number: a for a in tracker.data().authorizations.values()}


def test_the_logs_who_and_when_are_kept_and_marked_imported(
    tracker: Tracker, tmp_path: Path
) -> None:
    log = _log(tmp_path / "log.xlsx")
    apply_import(tracker, plan_import(log, tracker.data(), today=TODAY, user="alice"))
    auths = _by_number(tracker)
    a1, b1, c1 = auths["A-1"], auths["B-1"], auths["C-1"]
    assert a1.confirmed_imported and a1.confirmed_by == "Jo Park"
    assert a1.confirmed_at == "2026-10-01T09:30:00+00:00"
    assert a1.confirmation == "confirmed (imported), by Jo Park"
    assert b1.confirmed and b1.confirmed_imported and (b1.confirmed_by, b1.confirmed_at) == ("", "")
    assert b1.display_number == "B-1 C (imported)"
    assert not c1.confirmed and c1.display_number == "C-1"
    assert "alice" not in {a.confirmed_by for a in auths.values()}  # not who ran the import

    # the app's detail line says so
    detail = auth_detail(tracker.data(), b1, rules.usage(tracker.data(), b1, TODAY), TODAY)
    assert "confirmed (imported)" in detail.plain

    # importing the same log again changes nothing
    again = plan_import(log, tracker.data(), today=TODAY, user="bob")
    assert (len(again.created), len(again.updated)) == (0, 0)

    # billing confirming it in authtrack makes it their own
    own = tracker.confirm_to_billing(b1)
    assert own.confirmed_by == "alice" and not own.confirmed_imported
    assert own.display_number == "B-1 C"


def test_the_export_says_imported_and_reimports_it_so(tracker: Tracker, tmp_path: Path) -> None:
    apply_import(tracker, plan_import(_log(tmp_path / "log.xlsx"), tracker.data(), today=TODAY))
    tracker.confirm_to_billing(_by_number(tracker)["C-1"])
    out = export_workbook(tracker.data(), tmp_path / "export.xlsx", today=TODAY)
    with CalamineWorkbook.from_path(str(out)) as wb:
        rows = wb.get_sheet_by_name("Authorizations").to_python()
    header = rows[0]
    said = {
        r[header.index("Auth Number")]: (
            r[header.index("Confirmed")],
            r[header.index("Confirmed By")],
        )
        for r in rows[1:]
        if r[0]
    }
    assert said == {
        "A-1": ("Yes (imported)", "Jo Park"),
        "B-1": ("Yes (imported)", ""),
        "C-1": ("Yes", tracker.store.user),
    }

    fresh = Tracker(Store(tmp_path / "fresh.json", user="bob"), today=TODAY)
    apply_import(fresh, plan_import(out, fresh.data(), today=TODAY, user="bob"))
    auths = _by_number(fresh)
    assert auths["A-1"].confirmed_imported and auths["A-1"].confirmed_by == "Jo Park"
    assert auths["B-1"].confirmed_imported and auths["B-1"].confirmed_by == ""
    c1 = auths["C-1"]  # confirmed in authtrack: still its own, by whoever confirmed it
    assert not c1.confirmed_imported and c1.confirmed_by == tracker.store.user
