"""Which sheet of a workbook is the appointment list: :func:`open_list` for the import,
:func:`is_appointment_list` for the app's import screen (an appointment list or an authorization
log?)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync.errors import SheetChoiceError
from sync.reading.workbook import Workbook, open_workbook
from sync.recognising.appointments import A, find_header


def open_list(path: Path, sheet: str | None) -> tuple[Workbook, Any, Any]:
    """The workbook, the sheet's raw values and its header (a clear sentence when none).

    Without ``sheet``, the one sheet that reads as an appointment list; a workbook with several
    (a tab per month) is refused with their names, to be imported one ``--sheet`` at a time (an
    import changes nothing a previous one recorded the same way). ``--sheet all``, which merges
    an authorization log's monthly tabs, is refused the same way.
    """
    wb = open_workbook(path)
    try:
        every = sheet is not None and sheet.strip().casefold() == "all"
        if every and any(n.strip().casefold() == "all" for n in wb.sheet_names):
            every = False  # a sheet really named "All"
        names = [wb.sheet_named(sheet).name] if sheet and not every else wb.sheet_names
        found = []
        for name in names:
            raw = wb.read(name)
            header = find_header(raw.rows)
            if header is not None:
                found.append((raw, header))
        lists = [f for f in found if f[1].columns.keys() & _SCHEDULE_COLS]
        if every or (sheet is None and len(lists) > 1):
            _refuse_several(path, [raw.name for raw, _ in lists or found])
        best = max(found, key=lambda f: len(f[1].columns), default=None)
        if best is None:
            where = f'sheet "{names[0]}"' if sheet else "any sheet"
            raise SheetChoiceError(
                f"{path}: {where} has no header row authtrack recognises as an appointment list; "
                "it needs columns for the client (id, or name and date of birth), the date of "
                "service and the procedure code."
            )
    except BaseException:
        wb.close()
        raise
    return wb, best[0], best[1]


def _refuse_several(path: Path, names: list[str]) -> None:
    if not names:
        raise SheetChoiceError(
            f"{path}: no sheet has a header row authtrack recognises as an appointment list; it "
            "needs columns for the client (id, or name and date of birth), the date of service "
            "and the procedure code."
        )
    quoted = ", ".join(f'"{n}"' for n in names)
    if len(names) == 1:
        raise SheetChoiceError(
            f"{path}: only sheet {quoted} is an appointment list; import it with --sheet "
            f"{quoted} (--sheet all is for an authorization log's monthly tabs)."
        )
    raise SheetChoiceError(
        f"{path} holds {len(names)} appointment lists (sheets {quoted}); import them one at a "
        f'time, oldest first, with --sheet NAME (such as --sheet "{names[0]}"): importing a list '
        "again changes nothing it already recorded."
    )


def is_appointment_list(path: Path, sheet: str | None = None) -> bool:
    """Whether ``path`` reads as an appointment list rather than an authorization log: a sheet
    whose header names a status, a time, an appointment id or a duration, and no authorization
    number or period. Unusable files are left to the import to refuse (False)."""
    from sync.errors import WorkbookError
    from sync.recognising.columns import Col
    from sync.recognising.headers import find_header as find_log_header

    try:
        with open_workbook(path) as wb:
            names = [wb.sheet_named(sheet).name] if sheet else wb.sheet_names
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
