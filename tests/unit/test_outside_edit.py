"""A record changed in the file by another program (an editor), its revision left as it was:
the app's next save of its older copy is a conflict, never a silent undo of that change."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from priorauth.errors import ConflictError
from priorauth.model import Client
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from priorauth.store.outside import OUTSIDE_EDITOR
from tests.conftest import TODAY


def _edit_outside(path: Path, client_id: int, **fields: object) -> None:
    doc = json.loads(path.read_bytes())
    doc["clients"][str(client_id)].update(fields)  # rev untouched, as an editor leaves it
    path.write_text(json.dumps(doc, indent=1))


def test_a_save_over_an_outside_edit_is_a_conflict(db_path: Path, tracker: Tracker) -> None:
    client = tracker.save_client(Client(first_name="Ann", last_name="Lee", notes="first"))
    opened = tracker.data().clients[client.id]  # the app shows the record...
    _edit_outside(db_path, client.id, notes="fixed by hand")  # ...someone edits the file...
    mine = dataclasses.replace(opened, clinician="mlopez")
    with pytest.raises(ConflictError, match=f"changed by {OUTSIDE_EDITOR}"):
        tracker.save_client(mine)  # ...and the app's save would have undone their fix
    assert json.loads(db_path.read_bytes())["clients"][str(client.id)]["notes"] == "fixed by hand"
    again = tracker.data().clients[
        client.id
    ]  # reloaded: their change is there, and mine goes on it
    assert again.notes == "fixed by hand" and again.rev == opened.rev + 1
    saved = tracker.save_client(dataclasses.replace(again, clinician="mlopez"))
    stored = Store(db_path).snapshot().clients[client.id]
    assert (stored.notes, stored.clinician, stored.rev) == ("fixed by hand", "mlopez", saved.rev)


def test_another_app_that_opened_it_before_sees_the_conflict_too(
    db_path: Path, tracker: Tracker
) -> None:
    client = tracker.save_client(Client(first_name="Ann", last_name="Lee"))
    other = Tracker(Store(db_path, user="bob"), today=TODAY)
    theirs = other.data().clients[client.id]
    _edit_outside(db_path, client.id, last_name="Leigh")
    tracker.save_client(dataclasses.replace(tracker.data().clients[client.id], notes="mine"))
    with pytest.raises(ConflictError):  # bob's copy predates the outside edit and mine
        other.save_client(dataclasses.replace(theirs, notes="bob's"))
    stored = Store(db_path).snapshot().clients[client.id]
    assert (stored.last_name, stored.notes) == ("Leigh", "mine")


def test_records_the_outside_edit_did_not_touch_save_as_usual(
    db_path: Path, tracker: Tracker
) -> None:
    ann = tracker.save_client(Client(first_name="Ann", last_name="Lee"))
    bo = tracker.save_client(Client(first_name="Bo", last_name="Ng"))
    opened = tracker.data().clients[bo.id]
    _edit_outside(db_path, ann.id, notes="by hand")
    tracker.save_client(dataclasses.replace(opened, notes="mine"))
    assert Store(db_path).snapshot().clients[bo.id].notes == "mine"
