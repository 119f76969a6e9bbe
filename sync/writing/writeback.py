"""Write authtrack's authorizations back into the practice's own log workbook.

Rows of their log sheet that match an authorization (matched exactly as an import would) are
updated in place, cell by cell and only where the meaning differs, in the log's own style;
authorizations the log lacks are appended at the end of its table (before a total row, whose
sums are extended). Every reference to a row that moves follows it, and the log's ranges (filter,
conditional formats, drop-downs, Excel Tables, chart series, names) take the new rows
(:mod:`sync.writing.references`); what cannot follow is named before anything is written. Values are
written in the log's own words: its drop-down lists' (Active / Pending / Closed, Y / N), else its
cells' habits. Their column order, header names, extra columns, formulas, other sheets and
cell formatting are left alone; formulas keep their stored results where their inputs did not
change and get new ones where authtrack can work them out (:mod:`sync.writing.results`). The
result goes to a new file unless told otherwise; what the
workbook has that cannot be carried over (:mod:`sync.writing.losses`) is said before writing.
"""

from __future__ import annotations

import copy
import datetime as dt
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from priorauth import rules, service_lines, usage
from priorauth.data import Data
from priorauth.model import Authorization
from sync.errors import WorkbookError
from sync.parsing import cells, notes
from sync.parsing.logsheet import FOLLOWERS, IDENTITY, LogTable, read_log
from sync.planning.merge import Merger
from sync.planning.merge_auths import merge_log
from sync.progress import Progress, no_progress
from sync.reading.sniff import sniff
from sync.reading.workbook import open_workbook
from sync.recognising.columns import Col
from sync.recognising.sheets import choose_sheet
from sync.writing import cellsafe, printed, results, styled
from sync.writing.losses import would_lose
from sync.writing.references import Move, follow
from sync.writing.rows import AUTH_INDEX, authorization_row, sorted_authorizations
from sync.writing.saving import save_workbook
from sync.writing.service_lines import line_values
from sync.writing.writeback_lines import row_lines


@dataclass
class WriteBackResult:
    path: Path  # the workbook written
    sheet: str
    updated_rows: list[int] = field(default_factory=list)  # their rows whose cells changed
    unchanged_rows: int = 0
    appended_rows: list[int] = field(default_factory=list)  # rows added for new authorizations
    unknown_rows: list[int] = field(default_factory=list)  # their rows authtrack does not have
    cells_changed: int = 0
    dropped: list[str] = field(default_factory=list)
    # references in the workbook that could not follow the rows added, in words
    unfollowed: list[str] = field(default_factory=list)
    formulas: str = ""  # what became of the formulas' stored results, in words

    def summary(self) -> str:
        def rows(n: int, new: str = "") -> str:
            return f"{n} {new}row{'s' if n != 1 else ''}"

        text = (
            f'Wrote {self.path}: sheet "{self.sheet}", {rows(len(self.updated_rows))} updated '
            f"({self.cells_changed} cell{'s' if self.cells_changed != 1 else ''}), "
            f"{rows(len(self.appended_rows), 'new ')} appended, {self.unchanged_rows} unchanged."
        )
        if self.unknown_rows:
            n = len(self.unknown_rows)
            text += (
                f" {rows(n)} of the log {'is' if n == 1 else 'are'} not in authtrack and "
                f"{'was left as it is' if n == 1 else 'were left as they are'} (import the log to "
                "bring them in)."
            )
        if self.formulas:
            text += " " + self.formulas
        return text


def default_output(log: Path) -> Path:
    """LOG.xlsx -> LOG.authtrack.xlsx beside it (their own file is never overwritten by
    default)."""
    return log.with_name(f"{log.stem}.authtrack{log.suffix}")


def dropped_features(path: Path) -> list[str]:
    """What of this workbook write-back cannot carry over, in a practice's words
    (:func:`sync.writing.losses.would_lose`)."""
    return would_lose(path)


def write_back(
    data: Data,
    log: str | Path,
    *,
    today: dt.date,
    out: str | Path | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    confirm: Callable[[list[str]], bool] | None = None,
) -> WriteBackResult:
    """Update the log ``log`` with ``data`` and save the result to ``out`` (default
    :func:`default_output`). Raises :class:`WorkbookError` when the log cannot be used.

    Before anything is written, ``confirm`` is told (in words) what of the workbook would be lost:
    what cannot be carried over (``result.dropped``) and what could not follow the rows added
    (``result.unfollowed``); it returns False to write nothing (a :class:`WorkbookError`)."""
    progress = progress or no_progress
    log = Path(log)
    out = Path(out) if out is not None else default_output(log)
    if sniff(log) != "xlsx":
        raise WorkbookError(
            f"{log}: authtrack can write back only into .xlsx or .xlsm workbooks; save the log "
            "as .xlsx in Excel or LibreOffice first."
        )
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookError(f"{out}: the result is an Excel workbook; give it a .xlsx name.")
    progress(0, 3, "reading the log")
    with open_workbook(log) as wb:
        raw, header = choose_sheet(wb, sheet)
        table = read_log(raw, header, epoch_1904=wb.epoch_1904)
        assert table is not None
    if table.header.slots:  # (a row would be written with one payer's values in another's cells)
        raise WorkbookError(
            f'{log}, sheet "{table.sheet}": its rows hold several payers each (Primary ..., '
            "Secondary ...); authtrack cannot write back into such a log yet: export to a new "
            "workbook instead."
        )
    matched, unknown, drafts = _match(data, table, today)
    lines = row_lines(table, drafts, matched)  # each row of an ABA-style log: its own line
    unknown = sorted({*unknown, *lines.unknown})
    result = WriteBackResult(out, table.sheet, unknown_rows=unknown, dropped=dropped_features(log))
    progress(1, 3, "updating rows")
    try:
        with warnings.catch_warnings():  # what it drops was said before (would_lose)
            warnings.simplefilter("ignore")
            book = load_workbook(log, keep_vba=log.suffix.lower() == ".xlsm", keep_links=True)
    except Exception as e:  # openpyxl raises many kinds on odd files; say which file, plainly
        raise WorkbookError(f"{log} cannot be opened for writing back ({e}).") from None
    ws = book[table.sheet]
    epoch_1904 = book.epoch == CALENDAR_MAC_1904
    before = results.stored(log, book)  # each formula's stored result, before anything changes
    writer = _RowWriter(data, table, today, epoch_1904, vocabulary(book, ws, table))
    for row, auth in sorted(matched.items()):
        changed = writer.update(ws, row, auth, lines.line_of.get(row), lines.notes.get(row))
        if changed:
            result.updated_rows.append(row)
            result.cells_changed += changed
        else:
            result.unchanged_rows += 1
    in_log = {a.id for a in matched.values()}
    new: list[tuple[Authorization, int | None]] = []
    for a in sorted_authorizations(data):
        if a.id in in_log:
            continue
        several = Col.CODES in table.values and len(service_lines.lines_of(a)) > 1
        new += [(a, k) for k in range(len(service_lines.lines_of(a)))] if several else [(a, None)]
    new += lines.missing
    if new:
        end = max(table.rows) if table.rows else table.header.index + raw.first_row
        result.appended_rows, result.unfollowed = writer.append(book, ws, end, new)
    losses = result.dropped + result.unfollowed
    if losses and confirm is not None and not confirm(losses):
        raise WorkbookError(f"{out}: nothing was written.")
    progress(2, 3, "saving")
    settled = results.settle(book, before, writer.moved, writer.written)
    result.formulas = settled.words()
    save_workbook(
        book, out, "writing the workbook", lambda data: results.patch(data, settled, epoch_1904)
    )
    progress(3, 3, "saving")
    return result


def _match(
    data: Data, table: LogTable, today: dt.date
) -> tuple[dict[int, Authorization], list, list]:
    """Their row number -> the authorization it is (as an import would match it); the rows
    authtrack does not have; the drafts (with the rows of each authorization's lines)."""
    merger = Merger(data, today)
    drafts = merge_log(merger, table)
    matched = {d.row: data.authorizations[d.before.id] for d in drafts if d.before is not None}
    unknown = sorted(
        {d.row for d in drafts if d.before is None} | {table.rows[i] for i in table.bad}
    )
    return matched, unknown, drafts


def vocabulary(book: Any, ws: Any, table: LogTable) -> dict[Col, list[str]]:
    """The words each column's drop-down list (data validation) allows, where it has one."""
    rows = table.rows[:50] or [table.header.index + 2]
    out: dict[Col, list[str]] = {}
    for col, j in table.header.columns.items():
        letter = get_column_letter(table.first_col + j)
        for dv in ws.data_validations.dataValidation:
            if dv.type != "list" or not dv.formula1:
                continue
            if not any(f"{letter}{r}" in dv.sqref for r in rows):
                continue
            words = _list_words(book, ws, dv.formula1)
            if words:
                out[col] = words
                break
    return out


def _list_words(book: Any, ws: Any, source: str) -> list[str]:
    """A list's words: written in it ("Active,Pending,Closed") or in cells (Lists!$A$1:$A$3)."""
    source = source.strip().lstrip("=")
    if source.startswith('"'):
        return [w.strip() for w in source.strip('"').split(",") if w.strip()]
    sheet, _, ref = source.rpartition("!")
    name = sheet.strip("'").replace("''", "'") if sheet else ws.title
    if name not in book.sheetnames:
        return []
    try:
        found = book[name][ref.replace("$", "")]
    except (ValueError, KeyError):
        return []
    rows = found if isinstance(found, tuple) else ((found,),)
    words = []
    for row in rows:
        for cell in row if isinstance(row, tuple) else (row,):
            if cell.value not in (None, ""):
                words.append(str(cell.value).strip())
    return words


class _RowWriter:
    def __init__(
        self,
        data: Data,
        table: LogTable,
        today: dt.date,
        epoch_1904: bool,
        words: dict[Col, list[str]] | None = None,
    ) -> None:
        self.data = data
        self.table = table
        self.today = today
        self.epoch_1904 = epoch_1904
        self.payer_names = {p.id: p.name for p in data.payers.values()}
        self.by_auth = rules.services_by_authorization(data) if data.services else {}
        self.columns = sorted(table.header.columns.items(), key=lambda kv: kv[1])
        self.activity_words = False
        status = table.values.get(Col.STATUS) or []
        self.activity_words = any(v is not None and v[1] is not None for v in status)
        self.words = words or {}
        self.written: list[tuple[str, int, int]] = []  # cells set or added: formulas' inputs
        self.date_formats: dict[int, str] = {}  # each date column's own format, by column
        self.move: Move | None = None
        if styled.status_in_words(self.words.get(Col.STATUS), "Active") != "Approved":
            self.activity_words = self.activity_words or bool(self.words.get(Col.STATUS))

    def values(
        self, auth: Authorization, line: int | None = None, notes: str | None = None
    ) -> dict[Col, Any]:
        """What a row holding ``auth`` says (only its ``line``'s codes and counts when it holds
        one line; ``notes`` when the notes of a group of rows are settled apart)."""
        client = self.data.clients.get(auth.client)
        services = self.by_auth.get(auth.id, ())
        row = authorization_row(auth, client, self.payer_names, services, self.today)
        out = {col: row[i] for col, i in AUTH_INDEX.items()}
        if line is not None:
            out.update(line_values(usage.line_usages(auth, services, self.today)[line]))
        if notes is not None and not self.table.header.extra_notes:
            out[Col.NOTES] = notes
        out[Col.PERIOD] = (auth.start_date, auth.end_date)
        out[Col.FIRST] = client.first_name if client else ""
        out[Col.LAST] = client.last_name if client else ""
        if self.table.header.extra_notes:  # "Notes to self: ..." goes back to its own column
            out[Col.NOTES] = self.split_notes(auth)[0]
        return out

    def split_notes(self, auth: Authorization) -> tuple[str, dict[int, str]]:
        """The notes for the log's notes column, and each further notes column's part."""
        extra = self.table.header.extra_notes
        primary, parts = notes.split(auth.notes, list(extra.values()))
        return primary, {j: parts[heading] for j, heading in extra.items()}

    def update_notes(self, ws: Any, row: int, auth: Authorization) -> int:
        """The further notes columns of row ``row``: each its part of the notes."""
        changed = 0
        for j, text in self.split_notes(auth)[1].items():
            cell = ws.cell(row=row, column=self.table.first_col + j)
            if cell.data_type == "f" or cells.text(cell.value) == text:
                continue
            cellsafe.set_value(cell, text or None)
            self.written.append((ws.title, row, cell.column))
            changed += 1
        return changed

    def context(self, auth: Authorization, col: Col | None = None) -> dict[str, Any]:
        return {
            "active": auth.active,
            "end": auth.end_date,
            "today": self.today,
            "activity_words": self.activity_words,
            "vocabulary": self.words.get(col) if col is not None else None,
        }

    def update(
        self,
        ws: Any,
        row: int,
        auth: Authorization,
        line: int | None = None,
        notes: str | None = None,
    ) -> int:
        values = self.values(auth, line, notes)
        first_col = self.table.first_col
        changed = 0
        for col, j in self.columns:
            cell = ws.cell(row=row, column=first_col + j)
            if cell.data_type == "f":
                continue  # their formula: the spreadsheet recalculates it
            old = cell.value
            if (old is None or old == "") and col in (*IDENTITY, *FOLLOWERS):
                continue  # written once per client, filled down by the reader
            new = values.get(col)
            context = self.context(auth, col)
            if styled.same(col, old, new, self.epoch_1904, context):
                continue
            if (old is None or old == "") and (new is None or new == ""):
                continue
            value = styled.styled(col, old, new, self.epoch_1904, context)
            if value == old or (value is None and old in (None, "")):
                continue
            self.put(ws, cell, value)
            self.written.append((ws.title, row, cell.column))
            changed += 1
        if self.table.header.extra_notes:
            changed += self.update_notes(ws, row, auth)
        return changed

    def put(self, ws: Any, cell: Any, value: Any) -> None:
        """Set ``cell`` to ``value``; a date put in a cell not formatted as one (an empty cell of
        a continuation row, a row added after one) takes the format of its column's dates, not
        the ISO format openpyxl would give it."""
        was_date = is_date_format(cell.number_format)
        cellsafe.set_value(cell, value)
        if isinstance(value, dt.date) and not was_date:
            cell.number_format = self.date_format(ws, cell.column)

    def date_format(self, ws: Any, column: int) -> str:
        """The number format most of the log's dates in ``column`` have (else authtrack's)."""
        if column not in self.date_formats:
            seen: dict[str, int] = {}
            for row in self.table.rows:
                cell = ws.cell(row=row, column=column)
                if isinstance(cell.value, dt.date) and is_date_format(cell.number_format):
                    seen[cell.number_format] = seen.get(cell.number_format, 0) + 1
            self.date_formats[column] = max(seen, key=seen.__getitem__, default=printed.DATE_FORMAT)
        return self.date_formats[column]

    def moved(self, sheet: str, row: int) -> int:
        """Where a row of the log before write-back is now."""
        move = self.move
        if move is None or sheet != move.sheet or not move.inserted or row <= move.end:
            return row
        return row + move.n

    def append(
        self, book: Any, ws: Any, end: int, auths: list[tuple[Authorization, int | None]]
    ) -> tuple[list[int], list[str]]:
        """Add rows for ``auths`` (an authorization, and the line the row holds or None for all
        of it) after row ``end`` (the last data row), shaped like it; every
        reference in the workbook follows (:mod:`sync.writing.references`). Returns the rows and
        what could not follow, in words."""
        n = len(auths)
        below = ws.max_row > end and any(
            c.value not in (None, "") for r in ws.iter_rows(min_row=end + 1) for c in r
        )
        if below:
            _insert_rows(ws, end, n)
        move = self.move = Move(ws.title, end, n, inserted=below)
        follow(book, move)
        first_col = self.table.first_col
        template = {c.column: c for c in ws[end]} if end >= 1 else {}
        samples = {j: ws.cell(row=end, column=first_col + j).value for _, j in self.columns}
        rows = []
        for k, (auth, line) in enumerate(auths, start=1):
            r = end + k
            values = self.values(auth, line, auth.notes if line is None or line == 0 else "")
            for column, tpl in template.items():
                cell = ws.cell(row=r, column=column)
                if tpl.has_style:
                    cell._style = copy.copy(tpl._style)
                if tpl.data_type == "f" and isinstance(tpl.value, str):
                    cell.value = Translator(tpl.value, origin=tpl.coordinate).translate_formula(
                        cell.coordinate
                    )
            for col, j in self.columns:
                cell = ws.cell(row=r, column=first_col + j)
                if cell.data_type == "f":
                    continue
                value = values.get(col)
                self.put(
                    ws,
                    cell,
                    styled.styled(
                        col, samples.get(j), value, self.epoch_1904, self.context(auth, col)
                    ),
                )
            if self.table.header.extra_notes:
                self.update_notes(ws, r, auth)
            rows.append(r)
            width = max(ws.max_column, first_col + max((j for _, j in self.columns), default=0))
            self.written += [(ws.title, r, c) for c in range(1, width + 1)]
        return rows, list(dict.fromkeys(move.unfollowed))


def _insert_rows(ws: Any, end: int, n: int) -> None:
    """Insert ``n`` rows after ``end``; merged cells below move with their rows (references are
    moved by :func:`sync.writing.references.follow`)."""
    merged = [rng for rng in ws.merged_cells.ranges if rng.min_row > end]
    ws.insert_rows(end + 1, n)
    for rng in merged:
        rng.shift(0, n)
    for row in ws.iter_rows(min_row=end + n + 1):
        for cell in row:
            if cell.hyperlink is not None:  # a link's cell is kept by address: it moves too
                cell.hyperlink.ref = cell.coordinate


def shift_formula(formula: str, end: int, n: int) -> str:
    """References past row ``end`` move down ``n`` rows; a range ending at ``end`` grows
    (references on other sheets are left)."""
    return Move("", end, n, inserted=True).formula(formula, "", "")
