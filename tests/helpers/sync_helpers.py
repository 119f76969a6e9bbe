"""Small workbooks for the Excel sync tests, written with openpyxl in a temporary folder."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_workbooks"
# The odd real-world workbooks live in shared/, beside the checkout (CI lays a copy there too).
# (a worktree one level deeper finds it beside its parent)
CORPUS = next(
    (p / "shared" / "corpus" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared" / "corpus",
)
TODAY = dt.date(2026, 11, 23)

LOG_HEADER = ["Client", "DOB", "Payer", "Member ID", "Auth #", "CPT", "Start", "End"]
LOG_HEADER += ["Units", "Used"]


def log_row(
    name: str = "Lee, Ann",
    number: str = "A-1",
    *,
    payer: str = "Aetna",
    dob: dt.date | None = dt.date(1990, 4, 2),
    member: str = "W123",
    codes: str = "90837",
    start: Any = dt.date(2026, 9, 1),
    end: Any = dt.date(2027, 2, 28),
    units: Any = 24,
    used: Any = 5,
) -> list[Any]:
    return [name, dob, payer, member, number, codes, start, end, units, used]


def workbook(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    title: str = "Log",
    header: Sequence[str] | None = None,
    extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> Path:
    """A workbook whose sheet ``title`` has ``header`` (default LOG_HEADER) then ``rows``."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header if header is not None else LOG_HEADER))
    for row in rows:
        ws.append(list(row))
    for name, sheet_rows in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(list(row))
    wb.save(path)
    return path


def edit_part(path: Path, part: str, edit: Any, target: Path | None = None) -> Path:
    """Copy the zip ``path`` to ``target`` (default: in place) with ``part`` changed by
    ``edit(text) -> text``."""
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    target = target or path
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return target


def add_far_cell(path: Path, ref: str = "XFD1048576", value: str = "<v>1</v>") -> Path:
    """Put one value far away from the table (what a stray keystroke does)."""
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)  # type: ignore[union-attr]

    def edit(xml: str) -> str:
        return xml.replace(
            "</sheetData>", f'<row r="{row}"><c r="{ref}">{value}</c></row></sheetData>'
        )

    return edit_part(path, "xl/worksheets/sheet1.xml", edit)
