"""Issue 14: a new client an import would make with the name and date of birth of one already on
file is warned about, naming that client (id, clinician, payer), in the preview and the report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from tests.helpers.sync_helpers import LOG_HEADER, TODAY, log_row, workbook

HEADER = [*LOG_HEADER, "Client ID"]


def test_a_new_client_like_an_existing_one_is_warned_about(
    tracker: Tracker, practice, tmp_path: Path
) -> None:
    ann = practice["client"]
    tracker.save_client(dataclasses.replace(ann, clinician="jdoe"))
    rows = [
        [*log_row("Lee, Ann", "A-1"), "X-9"],  # another id: a second record of Ann Lee
        [*log_row("Kim, Bo", "B-1"), "X-10"],  # nobody like her on file
    ]
    path = workbook(tmp_path / "log.xlsx", rows, header=HEADER)
    plan = plan_import(path, tracker.data(), today=TODAY, user="alice")
    (warning,) = [w for w in plan.warnings if "same name and date of birth" in w]
    assert warning.startswith('Sheet "Log", row 2: new client Lee, Ann (born 04/02/1990)')
    assert f"as Lee, Ann ({ann.client_id}, clinician jdoe, Aetna)" in warning
    assert f"give the row the client id {ann.client_id}" in warning
    assert "Kim" not in warning
    assert "1 warning" in plan.summary()
    assert warning in plan.to_json()["warnings"]  # (what --json and the report carry)
    result = apply_import(tracker, plan)  # a warning, not a refusal: the practice decides
    assert result.written
    assert len(tracker.data().clients) == 3


def test_the_same_client_by_name_and_birth_date_is_matched_not_warned(
    tracker: Tracker, practice, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "log.xlsx", [log_row("Lee, Ann", "A-1")])
    plan = plan_import(path, tracker.data(), today=TODAY, user="alice")
    assert not [w for w in plan.warnings if "same name" in w]
    assert not plan.clients_created
