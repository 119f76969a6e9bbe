"""The audit trail command, `init --shared` and `doctor`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import grp
import json
import os
import stat
from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth.model import AuditEntry, Authorization, Client, Service
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_audit_for_a_client_covers_its_authorizations_and_deleted_services(
    tracker: Tracker, practice, db_path: Path, capsys
) -> None:
    client = practice["client"]
    auth = tracker.save_authorization(
        Authorization(
            client=client.id,
            payer=practice["aetna"].id,
            auth_number="AET-9",
            units_authorized=10,
            start_date=dt.date(2026, 11, 1),
        )
    ).authorization
    tracker.save_authorization(dataclasses.replace(auth, units_authorized=12))
    service = tracker.record_service(
        Service(client=client.id, payer=practice["aetna"].id, date=dt.date(2026, 11, 3))
    ).service
    tracker.delete_service(service)
    code, out, err = _run(
        capsys, "--db", str(db_path), "audit", "--client", client.client_id, "--json"
    )
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["action"], r["record"]) for r in rows] == [
        ("create", "client"),
        ("create", "authorization"),
        ("update", "authorization"),
        ("create", "service"),
        ("delete", "service"),
    ]
    assert all(r["user"] == "alice" for r in rows)
    assert rows[2]["changes"] == {"units_authorized": {"before": 10, "after": 12}}
    code, text, _ = _run(capsys, "--db", str(db_path), "audit", "--client", client.client_id)
    assert "units_authorized: 10 → 12" in text and "alice" in text
    # payers and clients by name, as the app's audit shows them, not by their record ids
    aetna = practice["aetna"]
    assert f"    payer: Aetna (#{aetna.id})" in text
    assert f"    client: Lee, Ann (#{client.id})" in text
    assert f"{{payer_id: Aetna (#{aetna.id}), priority: primary" in text


def test_audit_names_a_service_by_code_day_and_client_and_writes_dates_as_the_app(
    tracker: Tracker, practice, db_path: Path, capsys
) -> None:
    client = practice["client"]
    service = tracker.record_service(
        Service(
            client=client.id,
            payer=practice["aetna"].id,
            date=dt.date(2026, 11, 2),
            procedure_code="90837",
        )
    ).service
    tracker.record_service(dataclasses.replace(service, units=2))
    tracker.delete_service(dataclasses.replace(service, units=2, rev=service.rev + 1))
    code, text, err = _run(capsys, "--db", str(db_path), "audit", "--client", client.client_id)
    assert code == 0, err
    assert f"service #{service.id}" not in text
    name = "the 90837 service of 11/02/2026 (Lee, Ann)"
    for verb in ("created", "changed", "deleted"):
        assert f"alice        {verb} {name}" in text, text
    assert "    date: 11/02/2026" in text and "    date: was 11/02/2026" in text
    assert "2026-11-02" not in text
    # scripts keep the stored values
    code, out, _ = _run(
        capsys, "--db", str(db_path), "audit", "--client", client.client_id, "--json"
    )
    assert json.loads(out)[-1]["changes"]["date"] == {"before": "2026-11-02", "after": None}


def test_audit_since_and_unknown_client(tracker: Tracker, practice, db_path: Path, capsys) -> None:
    code, out, _ = _run(capsys, "--db", str(db_path), "audit", "--since", "2099-01-01")
    assert code == 0 and "No changes match." in out
    code, _, err = _run(capsys, "--db", str(db_path), "audit", "--client", "NOPE")
    assert code == 2 and "no client with id 'NOPE'" in err
    code, _, err = _run(capsys, "--db", str(db_path), "audit", "--since", "lately")
    assert code == 2 and '--since: "lately" is not a date' in err
    # typed as in the app's forms: 11/23/2026 is 2026-11-23
    assert _run(capsys, "--db", str(db_path), "audit", "--since", "12/31/2099")[1] == out


def test_audit_cannot_be_changed_through_the_store(tracker: Tracker, practice) -> None:
    assert not hasattr(tracker, "delete_audit")
    entries = tracker.store.audit()
    entries[0].user = "someone else"  # a copy: the file keeps the truth
    assert tracker.store.audit()[0].user == "alice"


def _own_group() -> str:
    return grp.getgrgid(os.getgid()).gr_name


def test_init_shared_creates_modes_and_config(tmp_path: Path, capsys) -> None:
    folder, config = tmp_path / "srv" / "authtrack", tmp_path / "etc" / "config.toml"
    code, out, err = _run(
        capsys,
        "init",
        "--shared",
        str(folder),
        "--group",
        _own_group(),
        "--config",
        str(config),
        "--admin",
        "mlopez",
    )
    assert code == 0, err
    data_file = folder / "authtrack.json"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o2770
    assert stat.S_IMODE(data_file.stat().st_mode) == 0o660
    assert stat.S_IMODE(Path(f"{data_file}.lock").stat().st_mode) == 0o660
    assert stat.S_IMODE((folder / "backups").stat().st_mode) == 0o2770
    assert stat.S_IMODE(config.stat().st_mode) == 0o644
    text = config.read_text()
    assert f'data_file = "{data_file}"' in text and 'admin = ["mlopez"]' in text
    assert Store(data_file).snapshot().clients == {}
    # running it again keeps the data and the config
    Tracker(Store(data_file, user="x")).save_client(Client(last_name="Kept"))
    code, out, _ = _run(
        capsys, "init", "--shared", str(folder), "--group", _own_group(), "--config", str(config)
    )
    assert code == 0 and "kept as it is" in out
    assert [c.last_name for c in Store(data_file).snapshot().clients.values()] == ["Kept"]


def test_init_unknown_group_is_one_sentence(tmp_path: Path, capsys) -> None:
    code, _, err = _run(
        capsys,
        "init",
        "--shared",
        str(tmp_path / "s"),
        "--group",
        "no-such-group-x",
        "--config",
        str(tmp_path / "c.toml"),
    )
    assert code == 2 and "no Unix group named 'no-such-group-x'" in err
    assert not (tmp_path / "s").exists()


def test_doctor_finds_and_explains_problems(tmp_path: Path, capsys, monkeypatch) -> None:
    folder, config = tmp_path / "srv", tmp_path / "config.toml"
    assert (
        main(["init", "--shared", str(folder), "--group", _own_group(), "--config", str(config)])
        == 0
    )
    capsys.readouterr()
    monkeypatch.setenv("AUTHTRACK_CONFIG", str(config))
    monkeypatch.delenv("AUTHTRACK_DB", raising=False)
    code, out, _ = _run(capsys, "doctor")
    if os.getuid() == 0:
        assert code == 0, out
        assert "All good." in out
    data_file = folder / "authtrack.json"
    os.chmod(data_file, 0o664)
    os.chmod(folder, 0o770)  # setgid lost
    code, out, _ = _run(capsys, "doctor")
    assert code == 1
    assert "other accounts can read patient data" in out and f"fix: chmod o-rwx {data_file}" in out
    data_file.write_text("{oops")
    code, out, _ = _run(capsys, "doctor")
    assert code == 1 and "left untouched" in out and "backups" in out


def test_doctor_without_data_file(tmp_path: Path, capsys) -> None:
    code, out, _ = _run(capsys, "--db", str(tmp_path / "none.json"), "doctor")
    assert code == 1 and "does not exist yet" in out


def test_audit_names_an_authorization_by_its_number_or_its_start() -> None:
    """An authorization created without a number was "authorization #12" in the audit (an id
    staff see nowhere else): it reads by its start, from the record or, once deleted, from what
    its entries kept; one with a number reads by it, also where its summary was written first."""
    from priorauth.audit import RecordNames
    from priorauth.data import Data

    later = Authorization(id=7, client=1, payer=1, auth_number="", start_date=dt.date(2027, 1, 4))
    numbered = dataclasses.replace(later, id=8, auth_number="A-55")
    created = _entry("create", "authorizations", 9, "created authorization #9")
    created.changes.update(client=[None, 1], start_date=[None, "2026-11-02"])
    deleted = _entry("delete", "authorizations", 9, "deleted authorization #9")
    entries = [
        _entry("create", "authorizations", 7, "created authorization #7"),
        _entry("update", "authorizations", 8, "changed authorization #8"),
        created,
        deleted,
    ]
    data = Data(authorizations={7: later, 8: numbered})
    named = RecordNames(entries, data, {1: "Lee, Ann"})
    said = [named.summary(e) for e in entries]
    assert said == [
        "created authorization (no number) from 01/04/2027",
        "changed authorization A-55",
        "created authorization (no number) from 11/02/2026",
        "deleted authorization (no number) from 11/02/2026",
    ]
    assert named.record(entries[0], short=True) == "authorization (no number) from 01/04/27"
    assert named.record(entries[1], with_client=True) == "authorization A-55 (Lee, Ann)"
    payer = _entry("update", "payers", 3, "changed payer #3")
    assert named.summary(payer) == "changed payer #3"


def _entry(action: str, table: str, record_id: int, summary: str) -> AuditEntry:
    return AuditEntry(
        at="t", user="ann", action=action, table=table, record_id=record_id, summary=summary
    )
