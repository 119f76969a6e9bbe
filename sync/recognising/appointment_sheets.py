"""Which sheet of a workbook is the appointment list: :func:`open_list` for the import,
:func:`is_appointment_list` for the app's import screen (an appointment list or an authorization
log?)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync.errors import SheetChoiceError, WorkbookError
from sync.reading.workbook import Workbook, open_workbook
from sync.recognising.appointments import A, find_header
from sync.recognising.columns import Col
from sync.recognising.headers import find_header as find_log_header
from sync.recognising.sheets import ALL_SHEETS
from sync.recognising.tabs import in_time_order


def open_list(path: Path, sheet: str | None) -> tuple[Workbook, Any, Any]:
    """The workbook, the sheet's raw values and its header (a clear sentence when none); as
    :func:`open_lists`, refusing ``--sheet all`` over several lists."""
    wb, found = open_lists(path, sheet)
    if len(found) > 1:
        wb.close()
        _refuse_several(path, [raw.name for raw, _ in found])
    return wb, found[0][0], found[0][1]


def open_lists(path: Path, sheet: str | None) -> tuple[Workbook, list[tuple[Any, Any]]]:
    """The workbook, and the raw values and header of the list's sheet (a clear sentence when
    there is none).

    Without ``sheet``, the one sheet that reads as an appointment list; a workbook with several
    (a tab per month) is refused with their names, to be imported one ``--sheet`` at a time or
    all at once with ``--sheet all``: then every sheet that reads as an appointment list, oldest
    first (by the months their names give, as the authorization import's ``--sheet all``), to be
    merged (:func:`sync.recognising.tabs.merge_lists`).
    """
    wb = open_workbook(path)
    try:
        every = sheet is not None and sheet.strip().casefold() == ALL_SHEETS
        if every and any(n.strip().casefold() == ALL_SHEETS for n in wb.sheet_names):
            every = False  # a sheet really named "All"
        names = [wb.sheet_named(sheet).name] if sheet and not every else wb.sheet_names
        found = []
        for name in names:
            raw = wb.read(name)
            header = find_header(raw.rows)
            if header is not None:
                found.append((raw, header))
        lists = [f for f in found if f[1].columns.keys() & _SCHEDULE_COLS]
        if sheet is None and len(lists) > 1:
            _refuse_several(path, [raw.name for raw, _ in lists])
        if every and len(lists or found) > 1:
            by_name = {raw.name: (raw, header) for raw, header in lists or found}
            return wb, [by_name[name] for name in in_time_order(list(by_name))]
        pool = (lists or found) if every else found
        best = max(pool, key=lambda f: len(f[1].columns), default=None)
        if best is None:
            where = f'sheet "{names[0]}" has no' if sheet and not every else "no sheet has a"
            raise SheetChoiceError(
                f"{path}: {where} header row authtrack recognises as an appointment list; "
                "it needs columns for the client (id, or name and date of birth), the date of "
                "service and the procedure code."
            )
    except BaseException:
        wb.close()
        raise
    return wb, [best]


def _refuse_several(path: Path, names: list[str]) -> None:
    quoted = ", ".join(f'"{n}"' for n in names)
    raise SheetChoiceError(
        f"{path} holds {len(names)} appointment lists (sheets {quoted}); import them one at a "
        f'time, oldest first, with --sheet NAME (such as --sheet "{names[0]}"), or all at once '
        "with --sheet all: importing a list again changes nothing it already recorded."
    )


def is_appointment_list(path: Path, sheet: str | None = None) -> bool:
    """Whether ``path`` reads as an appointment list rather than an authorization log: a sheet
    whose header names a status, a time, an appointment id or a duration, and no authorization
    number or period. Unusable files are left to the import to refuse (False)."""
    try:
        with open_workbook(path) as wb:
            every = sheet is not None and sheet.strip().casefold() == ALL_SHEETS
            if every and any(n.strip().casefold() == ALL_SHEETS for n in wb.sheet_names):
                every = False  # a sheet really named "All"
            names = [wb.sheet_named(sheet).name] if sheet and not every else wb.sheet_names
            for name in names:
                raw = wb.read(name)
                header = find_header(raw.rows)
                if header is None or not (header.columns.keys() & _SCHEDULE_COLS):
                    continue
                log = find_log_header(raw.rows)
                if log is None or not (log.columns.keys() & {Col.AUTH_NUMBER, Col.PERIOD}):
                    return True
    except WorkbookError:
        return False
    return False


_SCHEDULE_COLS = frozenset({A.STATUS, A.TIME, A.APPOINTMENT_ID, A.MINUTES})


def has_schedule_columns(header: Any) -> bool:
    """Whether an appointment list's ``header`` names a status, a time, an appointment id or a
    duration: what only a schedule has."""
    return bool(header.columns.keys() & _SCHEDULE_COLS)


def is_authorization_log(path: Path, sheet: str) -> bool:
    """Whether sheet ``sheet`` of ``path`` reads as an authorization log rather than an
    appointment list: no status, time, appointment id or duration, and an authorization number
    with the authorization's end (or its period). Its start and "used" columns would otherwise
    be taken for a date of service and the units of a session (``import-services`` of the log)."""
    try:
        with open_workbook(path) as wb:
            raw = wb.read(wb.sheet_named(sheet).name)
    except WorkbookError:
        return False
    header = find_header(raw.rows)
    if header is not None and has_schedule_columns(header):
        return False
    log = find_log_header(raw.rows)
    if log is None:
        return False
    columns = log.columns.keys()
    return Col.PERIOD in columns or {Col.AUTH_NUMBER, Col.END} <= columns
