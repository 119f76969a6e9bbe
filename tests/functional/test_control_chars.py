"""Terminal escapes from data: a log whose cells hold ``_x001B_]0;pwned_x0007_`` (a real ESC and
BEL once read) and U+202E (right-to-left override) never sends them to a terminal — not from the
import, not from any CLI output, not from the app's screen."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from authtrack.cli import main
from priorauth.model import Authorization, Client, ClientInsurance, Payer
from priorauth.safetext import cleaned, shown, unsafe
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.helpers.pilot import open_client, screen_text, settle
from tests.helpers.sync_helpers import edit_part, workbook
from tui.app import make_app

TODAY = dt.date(2026, 11, 23)
# what a cell says in the file (OOXML escapes) and what it becomes once read
PWN_XML = "_x001B_]0;pwned_x0007__x001B_[2J\u202e"
PWN = "\x1b]0;pwned\x07\x1b[2J\u202e"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HEADER = ["Client", "DOB", "Payer", "Member ID", "Auth #", "CPT", "Start", "End", "Units"]
HEADER += ["Used", "Notes", "Clinician"]


def _evil_log(path: Path, *, bad_date: bool = False) -> Path:
    row = ["NAMEX, Ann", dt.date(1990, 4, 2), "PAYERX", "MEMBERX", "AUTHX", "90837"]
    row += ["STARTX" if bad_date else dt.date(2026, 9, 1), dt.date(2026, 12, 1), 24, 5]
    row += ["NOTESX", "CLINX"]
    workbook(path, [row], header=HEADER)

    def edit(xml: str) -> str:
        for mark in ("NAMEX", "PAYERX", "MEMBERX", "AUTHX", "NOTESX", "CLINX", "STARTX"):
            xml = xml.replace(mark, f"{mark.lower()}{PWN_XML}")
        return xml

    return edit_part(path, "xl/worksheets/sheet1.xml", edit)


def _check(text: str) -> None:
    found = FORBIDDEN.findall(text)
    assert not found, f"control characters reached the terminal: {found!r} in {text[:300]!r}"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    _check(out)
    _check(err)
    return code, out + err


def test_shown_and_cleaned() -> None:
    assert shown(PWN) == "^[]0;pwned^G^[[2J\ufffd"
    assert shown("tab\tand\nnewline stay, \r\x7f\x85\u2066 do not") == (
        "tab\tand\nnewline stay, ^M^?\ufffd\ufffd do not"
    )
    assert cleaned("Lee" + PWN) == "Lee]0;pwned[2J" and not unsafe(cleaned(PWN))
    assert shown("[bold]Lee[/] 😀 Zoë") == "[bold]Lee[/] 😀 Zoë"


def test_the_import_drops_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "a.json"
    log = _evil_log(tmp_path / "log.xlsx")
    code, text = _cli(capsys, "--db", str(db), "import", str(log), "--dry-run")
    assert code == 0 and "^[" not in text  # the preview shows data already cleaned
    code, _ = _cli(capsys, "--db", str(db), "import", str(log))
    assert code == 0
    data = Store(db).snapshot()
    strings = [
        *(c.name for c in data.clients.values()),
        *(c.clinician for c in data.clients.values()),
        *(i.member_id for c in data.clients.values() for i in c.insurances),
        *(p.name for p in data.payers.values()),
        *(a.auth_number for a in data.authorizations.values()),
        *(a.notes for a in data.authorizations.values()),
    ]
    assert "namex]0;pwned[2J, Ann" in strings and "notesx]0;pwned[2J" in strings
    assert not any(unsafe(s) for s in strings)
    code, text = _cli(
        capsys, "--db", str(db), "import", str(_evil_log(tmp_path / "bad.xlsx", bad_date=True))
    )
    assert code == 1 and "startx" in text  # the error quotes the cell, shown safely


@pytest.fixture
def dirty_db(tmp_path: Path) -> Path:
    """A data file that already holds control characters (written before the import cleaned
    them, or by hand)."""
    db = tmp_path / "dirty.json"
    tracker = Tracker(Store(db, user="alice"), today=TODAY)
    payer = tracker.save_payer(Payer(name=f"Aetna{PWN}"))
    client = tracker.save_client(
        Client(
            first_name=f"Ann{PWN}",
            last_name=f"Lee{PWN}",
            dob=dt.date(1990, 4, 2),
            clinician=f"jchen{PWN}",
            notes=f"notes{PWN}",
            insurances=[ClientInsurance(payer_id=payer.id, member_id=f"W1{PWN}")],
        )
    )
    tracker.save_authorization(
        Authorization(
            client=client.id,
            payer=payer.id,
            auth_number=f"A-1{PWN}",
            procedure_codes=["90837"],
            units_authorized=10,
            carried_units_used=9,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 12, 1),
            notes=f"auth notes{PWN}",
        )
    )
    return db


def test_no_cli_output_carries_control_characters(
    dirty_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(dirty_db), "--today", TODAY.isoformat()]
    code, text = _cli(capsys, *db, "notifications")
    assert code == 0 and "Lee^[]0;pwned^G" in text
    code, text = _cli(capsys, *db, "notifications", "--json")
    assert code == 0 and json.loads(text)
    for kind in ("expiring", "utilization", "renewals"):
        code, text = _cli(capsys, *db, "report", kind)
        assert code == 0, text
    assert _cli(capsys, *db, "export", str(tmp_path / "e.xlsx"))[0] == 0
    assert _cli(capsys, *db, "audit", "--since", "2000-01-01")[0] == 0
    _cli(capsys, *db, "doctor")
    code, text = _cli(capsys, *db, "import", str(_evil_log(tmp_path / "log.xlsx")), "--dry-run")
    assert code == 0, text
    # an error sentence quoting a path from the command line is shown safely too
    code, text = _cli(capsys, *db, "export", str(tmp_path / f"no-such{PWN}" / "x.xlsx"))
    assert code == 2 and "no-such^[]0;pwned" in text


async def test_the_app_shows_no_control_characters(dirty_db: Path) -> None:
    app = make_app(dirty_db, today=TODAY, user="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Lee^[]0;pwned^G" in text  # shown, visibly
        _check(text)
        await open_client(pilot, "Lee")
        _check(screen_text(app))
        await pilot.press("e")  # the client's form: its inputs hold the names
        await settle(pilot)
        text = screen_text(app)
        assert "Ann^[]0;pwned" in text or "Lee^[]0;pwned" in text, text
        _check(text)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape", "3")
        await settle(pilot)
        _check(screen_text(app))
        await pilot.press("2")
        await settle(pilot)
        _check(screen_text(app))
        await pilot.press("6")
        await settle(pilot)
        _check(screen_text(app))
