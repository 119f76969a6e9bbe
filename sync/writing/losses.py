"""What of a practice's workbook write-back cannot carry over, said in a practice's words.

Write-back reads and saves the log with openpyxl. Charts, pivot tables, merged titles, styles,
drop-downs, comments, hyperlinks, page set-up and macros (in a .xlsm) come through; what does not
is found here by looking inside the file before anything is written:

- the Excel 2010 part of highlights ("extension lists"): a data bar's newer settings (solid fill,
  negative bars, axis — LibreOffice writes them for every data bar it saves), icon sets and
  highlights Excel keeps only there, drop-down lists whose words come from another sheet, and
  sparklines;
- pictures (when the image library is not installed), shapes, text boxes and buttons;
- slicers, timelines, threaded comments' replies, and macros in a workbook not named .xlsm.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from importlib.util import find_spec
from pathlib import Path

_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"')
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"')
_EXT_CF = re.compile(rb"<x14:conditionalFormatting\b.*?</x14:conditionalFormatting>", re.S)
_EXT_DV = re.compile(rb"<x14:dataValidation\b")
_SPARK = re.compile(rb"<x14:sparklineGroup\b")
_SHAPE = re.compile(rb"<(?:\w+:)?sp\b[ >]")
_PIC = re.compile(rb"<(?:\w+:)?pic\b[ >]")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _unescape(name: bytes) -> str:
    text = name.decode("utf-8", "replace")
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """A part's relationships, id -> the target's path inside the zip."""
    folder, base = posixpath.split(part)
    try:
        xml = zf.read(f"{folder}/_rels/{base}.rels")
    except KeyError:
        return {}
    pairs = {i: t for i, t in _REL.findall(xml)} | {i: t for t, i in _REL_ALT.findall(xml)}
    out = {}
    for rid, target in pairs.items():
        t = target.decode("utf-8", "replace")
        out[rid.decode()] = (
            t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(folder, t))
        )
    return out


def sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, its part) in the workbook's order."""
    try:
        xml = zf.read("xl/workbook.xml")
    except KeyError:
        return []
    rels = _rels(zf, "xl/workbook.xml")
    return [(_unescape(n), rels[r.decode()]) for n, r in _SHEET.findall(xml) if r.decode() in rels]


def would_lose(path: Path) -> list[str]:
    """What writing ``path`` back would lose, one sentence part per thing, in words; [] when
    nothing."""
    found: list[str] = []
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return found
    with zf:
        names = set(zf.namelist())
        pictures = shapes = 0
        for sheet, part in sheet_parts(zf):
            try:
                xml = zf.read(part)
            except KeyError:
                continue
            found += _sheet_losses(sheet, xml)
            for target in _rels(zf, part).values():
                if re.match(r"xl/drawings/drawing\d*\.xml$", target) and target in names:
                    drawing = zf.read(target)
                    pictures += len(_PIC.findall(drawing))
                    shapes += len(_SHAPE.findall(drawing))
        if pictures and find_spec("PIL") is None:
            found.append(f"{_plural(pictures, 'picture')} (logos, scanned images)")
        if shapes:
            found.append(f"{_plural(shapes, 'shape or text box', 'shapes and text boxes')}")
        for pattern, one, many in (
            (r"^xl/slicers/slicer\d*\.xml$", "slicer (filter button)", "slicers (filter buttons)"),
            (r"^xl/timelines/timeline\d*\.xml$", "timeline filter", None),
            (r"^xl/ctrlProps/", "button or check box", "buttons and check boxes"),
        ):
            n = sum(1 for name in names if re.search(pattern, name))
            if n:
                found.append(_plural(n, one, many))
        threads = sum(1 for name in names if re.match(r"xl/threadedComments/.*\.xml$", name))
        if threads:
            found.append(
                "the replies in threaded comments (each comment's first note stays, as a note)"
            )
        if "xl/vbaProject.bin" in names and path.suffix.lower() != ".xlsm":
            found.append("macros (save the log as .xlsm to keep them)")
    return found


def _sheet_losses(sheet: str, xml: bytes) -> list[str]:
    if b"<extLst" not in xml and b":extLst" not in xml:
        return []
    out = []
    ext_cf = _EXT_CF.findall(xml)
    bars = sum(1 for block in ext_cf if b"dataBar" in block)
    others = len(ext_cf) - bars
    if bars:
        out.append(
            f'sheet "{sheet}": the newer settings of {_plural(bars, "data bar")} (solid colour, '
            "bars for negative numbers, the axis); the bars stay, drawn the older way"
        )
    if others:
        out.append(
            f'sheet "{sheet}": {_plural(others, "highlight")} (conditional formatting) kept only '
            "in Excel 2010's form, such as icon sets"
        )
    dv = len(_EXT_DV.findall(xml))
    if dv:
        out.append(
            f'sheet "{sheet}": {_plural(dv, "drop-down list")} that take their choices from '
            "another sheet"
        )
    spark = len(_SPARK.findall(xml))
    if spark:
        out.append(f'sheet "{sheet}": {_plural(spark, "sparkline group")} (small in-cell charts)')
    return out
