"""A 20,000-row log of 5,000 clients, most with four or more payers over the years (and some
with a new card from the same payer), imported with `authtrack import` (issue 11 §2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authtrack.cli import main
from bench.history_log import write_history_log
from priorauth.store.datafile import Store


def cli(db: Path, *args: str) -> int:
    return main(["--db", str(db), "--today", "2026-11-23", *args])


def test_a_log_with_years_of_payers_imports_whole_and_again_changes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_history_log(tmp_path / "history.xlsx", clients=5_000, per_client=4)
    assert cli(db_path, "import", str(log), "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["created"], first["skipped"], first["errors"]) == (20_000, 0, [])
    data = Store(db_path, user="t").snapshot()
    assert len(data.authorizations) == 20_000 and len(data.clients) == 5_000
    payers = [len({c.payer_id for c in client.insurances}) for client in data.clients.values()]
    assert sum(n >= 4 for n in payers) == 3_000  # three clients in five: a new payer each time
    new_cards = [c for c in data.clients.values() if len({i.member_id for i in c.insurances}) == 2]
    assert len(new_cards) == 1_000
    for client in new_cards[:50]:  # each authorization keeps the card it was issued under
        auths = sorted(
            (a for a in data.authorizations.values() if a.client == client.id),
            key=lambda a: a.start_date,
        )
        assert [a.member_id[-1] for a in auths] == ["0", "0", "1", "1"]
    assert cli(db_path, "import", str(log), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 20_000)
    assert again["written"] is False
