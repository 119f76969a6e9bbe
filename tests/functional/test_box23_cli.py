"""`authtrack box23`: each claim's own payer's number for a date of service and a code, as the
CLI contract says (text and --json; exit 1 when a payer that needs one has none; 2 on bad use)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from priorauth.model import Authorization, Client, ClientInsurance, Payer, Priority, Service
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.cli import Ran, run_main


@pytest.fixture
def box23(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """`authtrack --today 2026-11-23 --db DB box23 ARGS...` ("today" pinned), in process."""

    def run(db: Path, *args: str) -> Ran:
        return run_main(capsys, "--today", "2026-11-23", "--db", str(db), "box23", *args)

    return run


@pytest.fixture
def practice(db_path: Path) -> Path:
    """A child insured by Medicaid (primary) and Aetna (secondary); Medicaid authorizes speech
    (92507) and occupational therapy (97530) under two numbers, Aetna one number with no codes."""
    t = Tracker(Store(db_path, user="alice"), today=dt.date(2026, 11, 23))
    medicaid = t.save_payer(Payer(name="State Medicaid"))
    aetna = t.save_payer(Payer(name="Aetna"))
    kid = t.save_client(
        Client(
            client_id="C7",
            first_name="Noa",
            last_name="Park",
            dob=dt.date(2019, 5, 1),
            insurances=[
                ClientInsurance(payer_id=medicaid.id, priority=Priority.PRIMARY, member_id="MC1"),
                ClientInsurance(payer_id=aetna.id, priority=Priority.SECONDARY, member_id="AE9"),
            ],
        )
    )
    for number, code in (("SLP-100", "92507"), ("OT-200", "97530")):
        t.save_authorization(
            Authorization(
                client=kid.id,
                payer=medicaid.id,
                auth_number=number,
                procedure_codes=[code],
                visits_authorized=24,
                start_date=dt.date(2026, 9, 1),
                end_date=dt.date(2027, 2, 28),
            )
        )
    t.save_authorization(
        Authorization(
            client=kid.id,
            payer=aetna.id,
            auth_number="AET-1",
            start_date=dt.date(2026, 10, 1),
            end_date=dt.date(2026, 12, 31),
        )
    )
    return db_path


def test_each_claim_gets_its_own_payers_number_for_the_code(
    practice: Path, box23: Callable[..., Ran]
) -> None:
    speech = box23(practice, "C7", "--date", "2026-12-01", "--code", "92507", "--json")
    assert speech.returncode == 0, speech.stderr
    out = json.loads(speech.stdout)
    assert out == {
        "client_id": "C7",
        "date": "2026-12-01",
        "code": "92507",
        "claims": [
            {
                "priority": "primary",
                "payer": "State Medicaid",
                "member_id": "MC1",
                "auth_number": "SLP-100",
                "covered": True,
            },
            {
                "priority": "secondary",
                "payer": "Aetna",
                "member_id": "AE9",
                "auth_number": "AET-1",
                "covered": True,
            },
        ],
    }
    ot = json.loads(
        box23(practice, "C7", "--date", "2026-12-01", "--code", "97530", "--json").stdout
    )
    assert [c["auth_number"] for c in ot["claims"]] == ["OT-200", "AET-1"]


def test_a_payer_needing_an_authorization_without_one_exits_1(
    practice: Path, box23: Callable[..., Ran]
) -> None:
    after = box23(practice, "C7", "--date", "2027-01-15", "--code", "92507")
    assert after.returncode == 1  # Aetna's ended 12/31/2026
    lines = after.stdout.splitlines()
    assert lines[0] == "Box 23 for Park, Noa (C7), 01/15/2027 for 92507:"
    assert (
        "SLP-100" in lines[1]
        and "no authorization from Aetna covers 92507 on 01/15/2027" in lines[2]
    )


def test_default_date_is_today(practice: Path, box23: Callable[..., Ran]) -> None:
    out = json.loads(box23(practice, "C7", "--code", "92507", "--json").stdout)
    assert out["date"] == "2026-11-23" and out["claims"][0]["auth_number"] == "SLP-100"


def test_the_date_is_typed_as_in_the_app(practice: Path, box23: Callable[..., Ran]) -> None:
    """--date reads dates by the forms' grammar: 11/23/2026 and 2026-11-23 are one day, and
    "today" and offsets count from the command's today."""
    iso = json.loads(box23(practice, "C7", "--date", "2026-12-01", "--json").stdout)
    for typed in ("12/01/2026", "12/1/26", "Dec 1 2026", "+8"):
        assert json.loads(box23(practice, "C7", "--date", typed, "--json").stdout) == iso
    today = json.loads(box23(practice, "C7", "--date", "today", "--json").stdout)
    assert today["date"] == "2026-11-23"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("C99",), "no client with id 'C99'"),
        (("C7", "--date", "13/45/2026"), '--date: "13/45/2026" is not a date'),
        (("C7", "--date", "someday"), "write it as 11/23/2026 or 2026-11-23"),
        (("C7", "--code", "hello"), "is not a procedure code"),
        (("C7", "--code", "92507, 97530"), "takes one procedure code"),
    ],
)
def test_bad_use_is_one_sentence_and_exit_2(
    practice: Path, args: tuple[str, ...], words: str, box23: Callable[..., Ran]
) -> None:
    bad = box23(practice, *args)
    assert bad.returncode == 2 and words in bad.stderr and "Traceback" not in bad.stderr


def test_a_day_needing_two_numbers_says_the_claim_must_be_split(
    practice: Path, box23: Callable[..., Ran]
) -> None:
    t = Tracker(Store(practice, user="alice"), today=dt.date(2026, 11, 23))
    data = t.data()
    kid = data.client_with_id("C7")
    medicaid = data.payer_named("State Medicaid")
    assert kid is not None and medicaid is not None
    for code in ("92507", "97530"):  # speech and OT on the same day
        t.record_service(
            Service(
                client=kid.id, payer=medicaid.id, date=dt.date(2026, 12, 1), procedure_code=code
            )
        )
    text = box23(practice, "C7", "--date", "2026-12-01")
    assert text.returncode == 0, text.stderr
    assert (
        "  primary claim: Split the claim: 92507 under SLP-100, 97530 under OT-200 (box 23 holds "
        "one number per claim)." in text.stdout.splitlines()
    )
    out = json.loads(box23(practice, "C7", "--date", "2026-12-01", "--json").stdout)
    primary, secondary = out["claims"]
    assert primary["split"] == [
        {"auth_number": "SLP-100", "codes": ["92507"]},
        {"auth_number": "OT-200", "codes": ["97530"]},
    ]
    assert "split" not in secondary  # Aetna's one number covers both codes
    assert secondary["auth_number"] == "AET-1"
    one = json.loads(
        box23(practice, "C7", "--date", "2026-12-01", "--code", "97530", "--json").stdout
    )
    assert one["claims"][0]["auth_number"] == "OT-200" and "split" in one["claims"][0]
