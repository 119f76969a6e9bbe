"""How authtrack's own workbooks look and print: one sans font named explicitly, one header
style, and a print set-up on every sheet (landscape, one page wide, the header row on every page,
a footer with the practice's name, the "as of" day and "Page N of M").

Shared by the canonical export (:mod:`sync.writing.exporter`) and the reports
(:mod:`sync.writing.report_export`) so both read as the same practice's paperwork.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

# A font every office suite has or substitutes metrically (LibreOffice: Carlito). Named on every
# style authtrack writes: a style that names no font is drawn in the suite's default, which in
# LibreOffice is a serif face.
FONT_NAME = "Calibri"
FONT_SIZE = 11
BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
HEADER_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TOTAL_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
NOTE_FONT = Font(name=FONT_NAME, size=FONT_SIZE, italic=True, color="595959")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
DATE_FORMAT = "mm/dd/yyyy"
DATETIME_FORMAT = "mm/dd/yyyy hh:mm"
COUNT_FORMAT = "#,##0"
DEFAULT_PRACTICE = "authtrack"


def as_of(today: dt.date) -> str:
    return f"as of {today:%m/%d/%Y}"


def header_height(headers: list[str], widths: list[float]) -> float:
    """The height (points) of a header row whose headings wrap at spaces in these widths (the
    row is given one: not every program fits a row to wrapped text when it opens the file)."""
    lines = max((_lines(h, int(w) - 3) for h, w in zip(headers, widths, strict=True)), default=1)
    return 15.0 * lines


def _lines(text: str, width: int) -> int:
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _footer_text(text: str) -> str:
    """Text for a header/footer field: "&" starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


def set_print(
    ws: Any,
    *,
    practice: str,
    today: dt.date,
    header_row: int,
    title_rows_from: int | None = None,
) -> None:
    """Landscape, fit to one page wide (as many pages down as it takes), rows
    ``title_rows_from``..``header_row`` repeated at the top of every page, grid lines, and a
    footer: practice name | as of day | Page N of M.

    In openpyxl's write-only mode this must be called before the first row is appended (the
    sheet properties holding "fit to page" are written with the first row).
    """
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = 1  # letter: the practices are in the US (dates are month-first)
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, footer=0.3)
    ws.print_options.gridLines = True
    ws.print_title_rows = f"{title_rows_from or header_row}:{header_row}"
    footer = ws.oddFooter
    footer.left.text = _footer_text(practice or DEFAULT_PRACTICE)
    footer.center.text = _footer_text(as_of(today))
    footer.right.text = "Page &P of &N"
    for part in (footer.left, footer.center, footer.right):
        part.font = FONT_NAME
        part.size = 9
