"""Issue 14: the sheets of a workbook that look like logs travel with the plan (or with the
refusal to guess between equally likely ones), for the app to offer them."""

from __future__ import annotations

from pathlib import Path

import pytest

from priorauth.services.tracker import Tracker
from sync.errors import SheetChoiceError
from sync.importer import plan_import
from tests.helpers.sync_helpers import LOG_HEADER, TODAY, log_row, workbook


def test_equally_likely_sheets_are_listed_with_the_refusal(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "tabs.xlsx",
        [log_row()],
        title="Nov 2026",
        extra_sheets={"Oct 2026": [LOG_HEADER, log_row()]},
    )
    with pytest.raises(SheetChoiceError) as e:
        plan_import(path, tracker.data(), today=TODAY)
    assert e.value.sheets == ["Oct 2026", "Nov 2026"]  # oldest first
    assert plan_import(path, tracker.data(), sheet="all", today=TODAY).log_sheets == [
        "Oct 2026",
        "Nov 2026",
    ]


def test_a_chosen_sheet_names_the_other_candidates(tracker: Tracker, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "log.xlsx",
        [log_row()],
        extra_sheets={"Template": [LOG_HEADER], "Notes": [["hi"]]},
    )
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert plan.sheet == "Log"
    assert plan.log_sheets == ["Log", "Template"]
    # a named sheet, or a workbook with one log, lists none
    assert plan_import(path, tracker.data(), sheet="Log", today=TODAY).log_sheets == []
    single = workbook(tmp_path / "one.xlsx", [log_row()])
    assert plan_import(single, tracker.data(), today=TODAY).log_sheets == []
