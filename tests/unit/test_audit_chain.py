"""The audit as a hash chain: intact after every kind of write, old files still open and are
chained from their first new write, an edit by hand is named, and root's seal shows a history
rewritten with the chain computed again."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from authtrack.cli import main
from priorauth.model import Client, Payer, field_values
from priorauth.services.tracker import Tracker
from priorauth.store import auditchain
from priorauth.store.datafile import Store
from priorauth.store.seal import seal_path
from tests.conftest import TODAY


def _verify(db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["--db", str(db), "audit", "--verify", *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _load(db: Path) -> dict[str, Any]:
    return json.loads(db.read_bytes())


def _save(db: Path, doc: dict[str, Any]) -> None:
    db.write_text(json.dumps(doc))


def _rechain(doc: dict[str, Any]) -> None:
    """What a careful insider does after editing the audit: compute the chain again."""
    value = auditchain.GENESIS
    for key in sorted(doc["audit"], key=int):
        entry = doc["audit"][key]
        entry["prev"] = value
        value = auditchain.link(value, entry)
    doc["meta"]["1"]["audit_chain"] = [int(max(doc["audit"], key=int)), value]


@pytest.fixture
def trail(db_path: Path, tracker: Tracker, practice: dict[str, Any]) -> Path:
    """A file with a few audited changes of each kind (single, bulk, update, delete)."""
    client = practice["client"]
    tracker.save_client(Client(**{**field_values(client), "notes": "moved"}))
    with tracker.store.transaction() as tx:
        tx.insert_many([Payer(name=f"P{i}") for i in range(3)], summary="imported")
    spare = tracker.save_payer(Payer(name="Spare"))
    with tracker.store.transaction() as tx:
        tx.delete(spare)
    return db_path


def test_every_write_keeps_the_chain(trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _verify(trail, capsys)
    entries = _load(trail)["audit"]
    assert code == 0, out
    assert f"the audit's {len(entries)} entries are intact" in out.lower()
    assert all(e["prev"] for e in entries.values())


def test_an_edited_entry_is_named(trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _load(trail)
    doc["audit"]["2"]["user"] = "someone-else"
    _save(trail, doc)
    code, out = _verify(trail, capsys)
    assert code == 1
    assert "audit entry #3" in out and "the entry before it (#2), was changed" in out
    assert out.count("\n") == 1 and "Traceback" not in out


def test_a_removed_entry_is_named(trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _load(trail)
    del doc["audit"]["3"]
    _save(trail, doc)
    code, out = _verify(trail, capsys)
    assert code == 1 and "audit entry #4" in out


def test_an_edited_last_entry_is_named(trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _load(trail)
    last = max(doc["audit"], key=int)
    doc["audit"][last]["summary"] = "nothing to see"
    _save(trail, doc)
    code, out = _verify(trail, capsys)
    assert code == 1 and f"audit entry #{last}" in out and "nothing to see" in out


def test_an_old_file_opens_and_is_chained_from_its_next_write(
    trail: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _load(trail)
    for entry in doc["audit"].values():
        del entry["prev"]
    del doc["meta"]["1"]["audit_chain"]
    _save(trail, doc)  # as the version before the chain wrote it
    old = len(doc["audit"])
    assert _verify(trail, capsys)[0] == 0
    Tracker(Store(trail, user="bob"), today=TODAY).save_payer(Payer(name="After"))
    entries = _load(trail)["audit"]
    assert [bool(entries[k].get("prev")) for k in sorted(entries, key=int)] == [False] * old + [
        True
    ]
    assert _verify(trail, capsys)[0] == 0
    doc = _load(trail)
    doc["audit"]["1"]["summary"] = "rewritten"  # an old entry is covered too
    _save(trail, doc)
    code, out = _verify(trail, capsys)
    assert code == 1 and f"audit entry #{old + 1}" in out


def test_usage(trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(trail), "audit", "--verify", "--seal"]) == 2
    assert main(["--db", str(trail), "audit", "--verify", "--user", "x"]) == 2
    assert main(["--db", str(trail.with_name("none.json")), "audit", "--verify"]) == 2


@pytest.fixture
def seals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if os.geteuid() != 0:
        pytest.skip("needs root: the seal is written by root alone (`audit --seal` refuses others)")
    folder = tmp_path / "seals"  # (root's own, in folders only root can change)
    monkeypatch.setenv("AUTHTRACK_SEAL_DIR", str(folder))
    return folder


def test_a_history_rewritten_and_rechained_is_caught_by_the_seal(
    trail: Path, seals: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(trail), "audit", "--seal"]) == 0
    assert "Sealed the audit" in capsys.readouterr().out
    path = seal_path(trail)
    assert path.parent == seals and stat.S_IMODE(path.stat().st_mode) == 0o600
    Tracker(Store(trail, user="bob"), today=TODAY).save_payer(Payer(name="Later"))
    assert _verify(trail, capsys)[0] == 0  # new entries after a seal are fine
    doc = _load(trail)
    doc["audit"]["2"]["user"] = "someone-else"
    _rechain(doc)
    _save(trail, doc)
    assert auditchain.walk(sorted((int(k), v) for k, v in doc["audit"].items())).broken is None
    code, out = _verify(trail, capsys)
    assert code == 1
    assert "audit entries #1 to #" in out and "no longer match root's seal" in out
    assert main(["--db", str(trail), "audit", "--seal"]) == 1  # a rewritten chain is not sealed
    assert main(["--db", str(trail), "doctor"]) == 1
    assert "no longer match root's seal" in capsys.readouterr().out


def test_entries_removed_after_a_seal_are_caught(
    trail: Path, seals: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(trail), "audit", "--seal"]) == 0
    doc = _load(trail)
    del doc["audit"][max(doc["audit"], key=int)]
    _rechain(doc)
    _save(trail, doc)
    code, out = _verify(trail, capsys)
    assert code == 1 and "entries were removed after that seal" in out


def test_a_seal_folder_root_does_not_own_is_refused(
    trail: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    folder = tmp_path / "open"
    folder.mkdir()
    os.chmod(folder, 0o777)  # anyone could plant a seal there
    monkeypatch.setenv("AUTHTRACK_SEAL_DIR", str(folder))
    code, out = _verify(trail, capsys)
    assert code == 2 and "AUTHTRACK_SEAL_DIR" in out and "is not used" in out
    if os.geteuid() == 0:  # (for anyone else, the folder is first of all not root's)
        assert "can be changed by accounts other than root" in out
