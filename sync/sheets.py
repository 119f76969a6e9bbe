"""Which sheet of a workbook is the authorization log: the one named with ``--sheet``, else the
sheet whose header row looks most like a log (a payer column counts most, then being visible,
then having rows under the header). Two equally likely sheets are refused, naming both."""

from __future__ import annotations

from pathlib import Path

from sync.columns import Col
from sync.errors import SheetChoiceError, WorkbookError
from sync.headers import Header, find_header
from sync.workbook import RawSheet, Workbook

__all__ = ["choose_sheet"]


def choose_sheet(wb: Workbook, wanted: str | None) -> tuple[RawSheet, Header]:
    """The log sheet's raw values and its header row (a clear sentence when there is none)."""
    path = wb.path
    if wanted is not None:
        info = wb.sheet_named(wanted)
        raw = wb.read(info.name)
        header = find_header(raw.rows)
        if header is None:
            raise SheetChoiceError(
                f'{path}: sheet "{info.name}" has no header row authtrack recognises; it needs '
                "columns for the client, the payer and the authorization (such as Auth #, "
                "Start Date, Units)."
            )
        _need_payer(path, info.name, header)
        return raw, header
    found: list[tuple[tuple[int, int, int], RawSheet, Header]] = []
    damaged: list[WorkbookError] = []
    for info in wb.sheets:
        try:
            raw = wb.read(info.name)
        except WorkbookError as e:
            damaged.append(e)
            continue
        header = find_header(raw.rows)
        if header is None:
            continue
        rank = (
            header.score + (3 if Col.PAYER in header.columns else 0),
            int(info.visible),
            int(len(raw.rows) > header.index + 1),
        )
        found.append((rank, raw, header))
    if damaged:  # never a lesser sheet in its place, unasked: it may well be the log
        if len(damaged) == len(wb.sheets):
            raise damaged[0]
        raise WorkbookError(
            f"{str(damaged[0]).rstrip('.')}; or choose another sheet with --sheet NAME."
        )
    if not found:
        if not wb.sheet_names:
            raise SheetChoiceError(f"{path} has no worksheets; it holds no authorization log.")
        names = ", ".join(f'"{n}"' for n in wb.sheet_names)
        raise SheetChoiceError(
            f"{path} has no sheet that looks like an authorization log (sheets: {names}); "
            "authtrack looks for a header row naming the client, the payer and the "
            "authorization (Auth #, Start Date, Units...)."
        )
    found.sort(key=lambda f: f[0], reverse=True)
    best = found[0]
    ties = [f for f in found if f[0] == best[0]]
    if len(ties) > 1:
        names = ", ".join(f'"{f[1].name}"' for f in ties)
        raise SheetChoiceError(
            f"{path} has {len(ties)} sheets that look equally like authorization logs "
            f'({names}); choose one with --sheet, e.g. --sheet "{ties[0][1].name}".'
        )
    _need_payer(path, best[1].name, best[2])
    return best[1], best[2]


def _need_payer(path: Path, sheet: str, header: Header) -> None:
    if Col.PAYER not in header.columns:
        raise SheetChoiceError(
            f'{path}: sheet "{sheet}" has no payer (insurance) column; authtrack needs to know '
            'which payer issued each authorization: add a "Payer" column.'
        )
