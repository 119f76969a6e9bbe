"""A hand-edited data file: 27 edits, each refused by every batch command with one sentence
naming the record and field (exit 2, no traceback), and the file left byte for byte as it was."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from authtrack.cli import main
from priorauth.services.demo import build_demo
from priorauth.store.datafile import Store
from tests.conftest import TODAY

Doc = dict[str, Any]


def _first(doc: Doc, table: str) -> Doc:
    return doc[table][min(doc[table], key=int)]


def _set(table: str, field: str, value: Any) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        _first(doc, table)[field] = value

    return edit


def _drop(table: str, field: str) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        del _first(doc, table)[field]

    return edit


def _insurance(field: str, value: Any) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        client = next(c for c in doc["clients"].values() if c["insurances"])
        client["insurances"][0][field] = value

    return edit


def _text(old: str, new: str) -> Callable[[bytes], bytes]:
    """An edit of the file's text (what a JSON parser cannot show afterwards)."""

    def edit(raw: bytes) -> bytes:
        text = json.dumps(json.loads(raw))  # as an editor's "format document" would leave it
        assert old in text, old
        return text.replace(old, new, 1).encode()

    return edit


def _dup_field(raw: bytes) -> bytes:
    """Give the first authorization its payer twice, the second one another payer's id: the
    parser would silently keep the last (the edit that moved 35 authorizations)."""
    doc = json.loads(raw)
    auth_id = min(doc["authorizations"], key=int)
    auth = doc["authorizations"][auth_id]
    body = json.dumps(auth)[1:-1]
    doc["authorizations"][auth_id] = {"@": 0}
    text = json.dumps(doc).replace('{"@": 0}', "{" + body + ', "payer": 999}', 1)
    return text.encode()


VARIANTS: dict[str, tuple[Callable[[Any], Any], str]] = {
    # name: (edit of the parsed file, or of its bytes for names starting "raw"; what is named)
    "raw-empty": (lambda raw: b"", "is empty (0 bytes)"),
    "raw-blank": (lambda raw: b"  \n", "is empty (3 bytes)"),
    "raw-truncated": (lambda raw: raw[: len(raw) // 2], "JSON error"),
    "raw-duplicate-field": (_dup_field, "authorization #1 has the field payer twice"),
    "raw-duplicate-record": (
        _text('"clients": {"1": ', '"clients": {"1": {}, "1": '),
        "client #1 appears twice",
    ),
    "raw-duplicate-table": (_text('"payers": {', '"payers": {}, "payers": {'), "payers twice"),
    "raw-top-list": (lambda raw: b"[" + raw + b"]", "not an authtrack data file"),
    "dob-number": (_set("clients", "dob", 19900402), "client #1 has dob 19900402"),
    "dob-feb-30": (_set("clients", "dob", "2026-02-30"), 'dob "2026-02-30", which is not a real'),
    "dob-words": (_set("clients", "dob", "last spring"), 'dob "last spring"'),
    "auth-no-client": (_drop("authorizations", "client"), "authorization #1 has no client"),
    "auth-no-payer": (_drop("authorizations", "payer"), "authorization #1 has no payer"),
    "service-no-date": (_drop("services", "date"), "service #1 has no date"),
    "insurances-text": (
        _set("clients", "insurances", "Aetna primary"),
        'insurances "Aetna primary", which is not a list of insurances',
    ),
    "insurance-no-payer": (
        lambda doc: _insurance("payer_id", None)(doc),
        "whose payer_id None is not a whole number",
    ),
    "insurance-priority": (_insurance("priority", "quaternary"), 'priority "quaternary"'),
    "units-text": (_set("authorizations", "units_authorized", "ten"), 'units_authorized "ten"'),
    "units-bool": (_set("authorizations", "units_authorized", True), "units_authorized True"),
    "active-text": (_set("authorizations", "active", "yes"), 'active "yes", which is not true'),
    "codes-text": (_set("authorizations", "procedure_codes", "97153"), 'procedure_codes "97153"'),
    "codes-numbers": (
        _set("authorizations", "procedure_codes", [97153]),
        "procedure_codes [97153]",
    ),
    "status-unknown": (
        _set("authorizations", "status", "maybe"),
        'status "maybe", which is not one',
    ),
    "end-date-number": (_set("authorizations", "end_date", 20261130), "end_date 20261130"),
    "payer-name-null": (_set("payers", "name", None), "payer #1 has name None, which is not text"),
    "rev-text": (_set("services", "rev", "3"), 'service #1 has rev "3"'),
    "auth-is-list": (
        lambda doc: doc["authorizations"].update({"1": [1, 2]}),
        "authorization #1 is [1, 2] instead of an object",
    ),
    "clients-table-list": (
        lambda doc: doc.update(clients=[]),
        "table clients is [] instead of an object",
    ),
    "record-key-words": (
        lambda doc: doc["payers"].update({"first": doc["payers"].pop("1")}),
        "record keyed 'first'",
    ),
    "unknown-client": (_set("authorizations", "client", 9999), "refers to client #9999"),
    "audit-user-number": (_set("audit", "user", 42), "audit entry #1 has user 42"),
}


@pytest.fixture(scope="module")
def good_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    """A demo practice's file as the app writes it, and a workbook exported from it."""
    folder = tmp_path_factory.mktemp("good")
    path = folder / "authtrack.json"
    build_demo(Store(path, user="alice"), today=TODAY)
    workbook = folder / "log.xlsx"
    assert main(["--db", str(path), "export", str(workbook)]) == 0
    return path.read_bytes(), workbook


def _edited(good: bytes, name: str) -> bytes:
    edit, _ = VARIANTS[name]
    if name.startswith("raw"):
        return edit(good)
    doc = json.loads(good)
    edit(doc)
    return json.dumps(doc).encode()


def test_there_are_27_or_more_variants() -> None:
    assert len(VARIANTS) >= 27


@pytest.mark.parametrize("name", list(VARIANTS))
def test_a_hand_edited_file_is_named_and_left_alone(
    name: str, good_file: tuple[bytes, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, workbook = good_file
    path = tmp_path / "authtrack.json"
    bad = _edited(good, name)
    path.write_bytes(bad)
    _, named = VARIANTS[name]
    out = tmp_path / "out.xlsx"
    commands = [
        ["notifications", "--json"],
        ["report", "expiring", "--today", TODAY.isoformat()],
        ["export", str(out)],
        ["import", str(workbook)],
    ]
    for command in commands:
        code = main(["--db", str(path), "--today", TODAY.isoformat(), *command])
        captured = capsys.readouterr()
        assert code == 2, (command, captured.out, captured.err)
        err = captured.err
        assert "Traceback" not in err and "unexpected error" not in err, err
        assert err.count("\n") == 1 and err.startswith(f"authtrack: {path}"), err
        assert named in err, (named, err)
        assert re.search(r"left untouched", err), err
        assert path.read_bytes() == bad  # never saved over
    assert not out.exists()


def test_the_unedited_file_still_opens(good_file: tuple[bytes, Path], tmp_path: Path) -> None:
    good, _ = good_file
    path = tmp_path / "authtrack.json"
    path.write_bytes(json.dumps(json.loads(good)).encode())  # another layout: checked whole
    data = Store(path).snapshot()
    assert data.clients and data.authorizations and data.services
