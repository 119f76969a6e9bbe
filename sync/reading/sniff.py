"""What kind of file is this, judged by its content before any reader sees it.

Empty files, CSV or web pages renamed .xlsx, Word documents, password-protected (encrypted OLE)
files, truncated or damaged zips and zip bombs (judged by the sizes the zip declares) are refused
with one sentence naming the file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from sync.errors import WorkbookError, reason

MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # declared size of all parts together
MAX_PARTS = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def sniff(path: Path) -> str:
    """The kind of workbook in ``path`` ("xlsx", "xls", "ods"), judged by content, not name."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise WorkbookError(f"{path} is a folder, not a workbook.")
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise WorkbookError(f"{path} does not exist.") from None
    except PermissionError:
        raise WorkbookError(f"{path} cannot be read: permission denied.") from None
    except OSError as e:
        raise WorkbookError(f"{path} cannot be read ({e.strerror or e}).") from None
    if size == 0:
        raise WorkbookError(f"{path} is empty (0 bytes); it is not a workbook.")
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(path, size)
    if head.startswith(_ZIP_MAGICS):
        return _sniff_zip(path)
    raise WorkbookError(_not_a_workbook(path))


def _sniff_ole(path: Path, size: int) -> str:
    """Old .xls files and encrypted (password-protected) .xlsx files are both OLE containers."""
    with open(path, "rb") as f:
        blob = f.read() if size <= 64 * 1024 * 1024 else f.read(8 * 1024 * 1024)
    if _utf16("EncryptedPackage") in blob or _utf16("EncryptionInfo") in blob:
        raise WorkbookError(password_message(path))
    if _utf16("Workbook") in blob or _utf16("Book") in blob:
        return "xls"
    if _utf16("WordDocument") in blob:
        raise WorkbookError(f"{path} is a Word document, not a workbook.")
    raise WorkbookError(
        f"{path} is an old Office file but not an Excel workbook; open it in Excel and save it "
        "as .xlsx."
    )


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as e:
        raise WorkbookError(
            f"{path} is damaged or incomplete ({reason(e)}); was the copy cut short? Copy it "
            "again or re-save it in Excel."
        ) from None
    if len(infos) > MAX_PARTS:
        raise WorkbookError(f"{path} holds {len(infos):,} parts; that is not an Excel workbook.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise WorkbookError(
            f"{path} would unpack to {total / 1024**2:,.0f} MB, far more than any authorization "
            "log; refusing to open it (it may be a zip bomb)."
        )
    names = {i.filename for i in infos}
    if any(n.endswith("workbook.xml") for n in names) or any(
        n.endswith("workbook.bin") for n in names
    ):
        if any(n.endswith("workbook.bin") for n in names):
            raise WorkbookError(
                f"{path} is a binary Excel workbook (.xlsb); save it as .xlsx and try again."
            )
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        with zipfile.ZipFile(path) as zf:
            mimetype = zf.read("mimetype")[:100]
        if b"spreadsheet" in mimetype:
            return "ods"
        raise WorkbookError(f"{path} is an OpenDocument file, but not a spreadsheet (.ods).")
    if any(n.startswith("word/") for n in names):
        raise WorkbookError(f"{path} is a Word document, not a workbook.")
    if any(n.startswith("ppt/") for n in names):
        raise WorkbookError(f"{path} is a PowerPoint file, not a workbook.")
    raise WorkbookError(f"{path} is a zip archive, but holds no workbook.")


def _not_a_workbook(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(4096)
    text = head.decode("utf-8", errors="ignore") if head else ""
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html", "<table")) or "<html" in lowered[:500]:
        return (
            f"{path} is a web page (HTML) with an Excel name, not a workbook; open it in Excel "
            "and save it as .xlsx."
        )
    if lowered.startswith("<?xml"):
        return (
            f"{path} is an XML file, not an Excel workbook; open it in Excel and save it as .xlsx."
        )
    if text and printable >= 0.95 * len(text) and ("\n" in text or len(head) < 4096):
        if any(sep in text for sep in (",", ";", "\t")):
            return (
                f"{path} is a CSV (plain text) file, not an Excel workbook; open it in Excel "
                "and save it as .xlsx."
            )
        return f"{path} is a plain text file, not a workbook."
    return f"{path} is not an Excel (.xlsx, .xlsm, .xls) or OpenDocument (.ods) workbook."


def password_message(path: Path) -> str:
    return (
        f"{path} is password-protected (encrypted); open it in Excel, remove the password "
        "(File > Info > Protect Workbook), save, and import that copy."
    )
