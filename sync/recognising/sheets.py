"""Which sheet of a workbook is the authorization log: the one named with ``--sheet``, else the
sheet whose header row looks most like a log (a payer column counts most, then being visible,
then having rows under the header). Two equally likely sheets are refused, naming both."""

from __future__ import annotations

from pathlib import Path

from sync.errors import SheetChoiceError, WorkbookError
from sync.reading.workbook import RawSheet, Workbook
from sync.recognising.columns import Col
from sync.recognising.headers import Header, find_header
from sync.recognising.tabs import in_time_order

__all__ = ["ALL_SHEETS", "choose_log_sheet", "choose_sheet", "choose_sheets"]

ALL_SHEETS = "all"  # --sheet all: every log tab, oldest to newest


def choose_sheets(wb: Workbook) -> list[tuple[RawSheet, Header]]:
    """Every sheet of ``wb`` that is an authorization log with a payer column, oldest first
    (``--sheet all``: one tab per month)."""
    found = [(raw, header) for _, raw, header in _candidates(wb) if Col.PAYER in header.columns]
    if not found:
        choose_sheet(wb, None)  # says why there is none
    order = in_time_order([raw.name for raw, _ in found])
    by_name = {raw.name: (raw, header) for raw, header in found}
    return [by_name[name] for name in order]


def _candidates(wb: Workbook) -> list[tuple[tuple[int, int, int], RawSheet, Header]]:
    found: list[tuple[tuple[int, int, int], RawSheet, Header]] = []
    for info in wb.sheets:
        try:
            raw = wb.read(info.name)
        except WorkbookError:
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
    return found


def choose_sheet(wb: Workbook, wanted: str | None) -> tuple[RawSheet, Header]:
    """The log sheet's raw values and its header row (a clear sentence when there is none)."""
    raw, header, _ = choose_log_sheet(wb, wanted)
    return raw, header


def choose_log_sheet(wb: Workbook, wanted: str | None) -> tuple[RawSheet, Header, list[str]]:
    """As :func:`choose_sheet`, and, when it chose, the name of every sheet that looks like a
    log (a header with a payer column), oldest first: more than one, and the import's preview
    says so and offers the others (none listed when ``wanted`` names the sheet)."""
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
        return raw, header, []
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
    # (the sheets with a header as good as the best's: monthly tabs, a copy, a template)
    logs = in_time_order([f[1].name for f in found if f[0][0] == best[0][0]])
    if len(ties) > 1:
        order = in_time_order([f[1].name for f in ties])
        names = ", ".join(f'"{n}"' for n in order)
        raise SheetChoiceError(
            f"{path} has {len(ties)} sheets that look equally like authorization logs "
            f'({names}); choose one with --sheet, e.g. --sheet "{order[-1]}", or merge them '
            "oldest to newest with --sheet all.",
            sheets=logs,
        )
    _need_payer(path, best[1].name, best[2])
    return best[1], best[2], logs


def _need_payer(path: Path, sheet: str, header: Header) -> None:
    if Col.PAYER not in header.columns:
        raise SheetChoiceError(
            f'{path}: sheet "{sheet}" has no payer (insurance) column; authtrack needs to know '
            'which payer issued each authorization: add a "Payer" column.'
        )
