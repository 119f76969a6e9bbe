"""DESIGN.md's rule: one active authorization per client and payer *for the same procedure
codes*. Occupational therapy and speech from one Medicaid plan are both active; one listing no
codes overlaps everything; box 23 then gives each service its own number (issue 12)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from priorauth import rules
from priorauth.box23 import box23
from priorauth.model import Authorization, Client, ClientInsurance, Payer, Priority
from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from tests.helpers.sync_helpers import TODAY, log_row, workbook

D = dt.date


def _child(tracker: Tracker) -> tuple[Client, Payer]:
    medicaid = tracker.save_payer(Payer(name="State Medicaid"))
    kid = tracker.save_client(
        Client(
            first_name="Noa",
            last_name="Park",
            dob=D(2019, 5, 1),
            insurances=[ClientInsurance(payer_id=medicaid.id, priority=Priority.PRIMARY)],
        )
    )
    return kid, medicaid


def _auth(kid: Client, payer: Payer, number: str, codes: list[str]) -> Authorization:
    return Authorization(
        client=kid.id,
        payer=payer.id,
        auth_number=number,
        procedure_codes=codes,
        visits_authorized=24,
        start_date=D(2026, 9, 1),
        end_date=D(2027, 2, 28),
    )


def test_codes_overlap() -> None:
    assert not rules.codes_overlap(["92507"], ["97530"])
    assert rules.codes_overlap(["92507"], ["92507", "97530"])
    assert rules.codes_overlap([], ["97530"])  # no codes: every code
    assert rules.codes_overlap(["97153"], ["97153-HN"])  # the base covers its modified form
    assert not rules.codes_overlap(["97153-HN"], ["97153-HO"])


def test_speech_and_ot_of_one_payer_are_both_active(tracker: Tracker) -> None:
    kid, medicaid = _child(tracker)
    speech = tracker.save_authorization(_auth(kid, medicaid, "SLP-1", ["92507"])).authorization
    saved = tracker.save_authorization(_auth(kid, medicaid, "OT-1", ["97530"]))
    assert saved.deactivated == []  # nothing said "is no longer active"
    ot = saved.authorization
    data = tracker.data()
    assert data.authorizations[speech.id].active and data.authorizations[ot.id].active
    claims = box23(data, data.clients[kid.id], D(2026, 12, 1), "92507")
    assert claims[Priority.PRIMARY].value == "SLP-1"
    claims = box23(data, data.clients[kid.id], D(2026, 12, 1), "97530")
    assert claims[Priority.PRIMARY].value == "OT-1"


def test_overlapping_codes_or_none_still_make_the_other_inactive(tracker: Tracker) -> None:
    kid, medicaid = _child(tracker)
    first = tracker.save_authorization(_auth(kid, medicaid, "SLP-1", ["92507"])).authorization
    again = _auth(kid, medicaid, "SLP-2", ["92507", "92526"])
    assert [a.id for a in rules.other_active(tracker.data(), again)] == [first.id]
    tracker.save_authorization(again)
    assert not tracker.data().authorizations[first.id].active
    no_codes = _auth(kid, medicaid, "ANY-1", [])
    assert len(rules.other_active(tracker.data(), no_codes)) == 1  # overlaps everything


def test_an_import_keeps_both_active_and_old_ones_history(tracker: Tracker, tmp_path: Path) -> None:
    rows = [
        log_row("Park, Noa", "SLP-1", payer="State Medicaid", codes="92507"),
        log_row("Park, Noa", "OT-1", payer="State Medicaid", codes="97530"),
        # an assessment authorized once, ended, never renewed: history, not a third active one
        log_row(
            "Park, Noa",
            "EVAL-1",
            payer="State Medicaid",
            codes="92523",
            start=D(2026, 3, 1),
            end=D(2026, 3, 31),
        ),
    ]
    plan = plan_import(workbook(tmp_path / "log.xlsx", rows), tracker.data(), today=TODAY)
    apply_import(tracker, plan)
    active = {a.auth_number: a.active for a in tracker.data().authorizations.values()}
    assert active == {"SLP-1": True, "OT-1": True, "EVAL-1": False}
