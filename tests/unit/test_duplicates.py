"""An authorization number is one payer's: saved once, refused twice, reported by doctor."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth import integrity, validate
from priorauth.errors import ValidationError
from priorauth.model import Authorization
from priorauth.services import bulk
from priorauth.services.tracker import Tracker


def _auth(practice, number: str, start: dt.date, payer: str = "aetna") -> Authorization:
    return Authorization(
        client=practice["client"].id,
        payer=practice[payer].id,
        auth_number=number,
        units_authorized=10,
        start_date=start,
        end_date=start + dt.timedelta(days=89),
    )


def test_same_number_same_payer_is_refused_naming_the_other(tracker: Tracker, practice) -> None:
    first = tracker.save_authorization(_auth(practice, "AET-55501", dt.date(2026, 9, 1)))
    with pytest.raises(ValidationError) as e:
        tracker.save_authorization(_auth(practice, "aet-55501 ", dt.date(2026, 12, 1)))
    message = str(e.value)
    assert "AET-55501 is already saved for Lee, Ann (09/01/2026–11/29/2026)" in message
    assert [a.id for a in tracker.data().authorizations.values()] == [first.authorization.id]
    # another payer may use the same number; a blank number is never a duplicate
    tracker.save_authorization(_auth(practice, "AET-55501", dt.date(2026, 9, 1), payer="cigna"))
    tracker.save_authorization(_auth(practice, "", dt.date(2026, 12, 1)))
    tracker.save_authorization(_auth(practice, "", dt.date(2027, 3, 1)))


def test_editing_into_a_taken_number_is_refused(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice, "A-1", dt.date(2026, 9, 1)))
    second = tracker.save_authorization(_auth(practice, "A-2", dt.date(2026, 12, 1)))
    with pytest.raises(ValidationError):
        tracker.save_authorization(dataclasses.replace(second.authorization, auth_number="A-1"))
    # editing it otherwise is fine
    tracker.save_authorization(dataclasses.replace(second.authorization, units_authorized=12))


def _plant_duplicate(tracker: Tracker, practice) -> tuple[Authorization, Authorization]:
    """A file written before the rule: two records with one number (written past validation)."""
    a = tracker.save_authorization(_auth(practice, "OLD-7", dt.date(2026, 6, 1))).authorization
    with tracker.store.transaction() as tx:
        b = tx.insert(_auth(practice, "OLD-7", dt.date(2026, 9, 1)))
    return a, b


def test_an_older_file_with_duplicates_can_still_be_edited(tracker: Tracker, practice) -> None:
    a, b = _plant_duplicate(tracker, practice)
    tracker.save_authorization(dataclasses.replace(b, notes="called the payer"))
    assert tracker.data().authorizations[b.id].notes == "called the payer"
    groups = integrity.duplicate_numbers(tracker.data())
    assert [[x.id for x in g] for g in groups] == [[a.id, b.id]]
    text = integrity.describe_duplicates(tracker.data(), groups[0])
    assert "Aetna authorization number OLD-7 is saved 2 times" in text
    assert "06/01/2026–08/29/2026" in text and "09/01/2026–11/29/2026" in text


def test_bulk_changes_use_the_same_rule(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice, "B-9", dt.date(2026, 9, 1)))
    data = tracker.data()
    new = dataclasses.replace(_auth(practice, "B-9", dt.date(2026, 12, 1)), id=-1)
    found = bulk.problems(data, bulk.Changes(authorizations=[new]), tracker.today)
    assert "already saved for Lee, Ann" in str(found[("authorizations", -1)][0])
    assert validate.same_number(data, new)


def test_doctor_reports_duplicate_numbers(
    tracker: Tracker, practice, db_path: Path, capsys
) -> None:
    _plant_duplicate(tracker, practice)
    code = main(["--db", str(db_path), "doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "PROBLEM  Aetna authorization number OLD-7 is saved 2 times" in out


def test_same_person_is_name_and_birth_date(tracker: Tracker, practice) -> None:
    from priorauth.model import Client

    data = tracker.data()
    ann = practice["client"]
    twin = Client(first_name=" ann", last_name="LEE ", dob=ann.dob)
    assert [c.id for c in integrity.same_person(data, twin)] == [ann.id]
    assert integrity.describe_client(data, ann) == (
        f"Lee, Ann ({ann.client_id}, no clinician, Aetna)"
    )
    assert integrity.same_person(data, ann) == []  # not itself
    assert integrity.same_person(data, dataclasses.replace(twin, dob=None)) == []
    assert integrity.same_person(data, dataclasses.replace(twin, dob=dt.date(1990, 4, 3))) == []
