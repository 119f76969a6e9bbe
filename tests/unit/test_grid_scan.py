"""The grid guard's search for far cell references finds what _FAR_REF alone finds, chunk by
chunk: looking first for where a far reference may start changes no answer."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.reading import grids


def _scan_with_far_ref_alone(xml: bytes, chunk: int, limit: int | None) -> tuple[bool, int]:
    """The scan as it was: every chunk (with the tail before it) searched with _FAR_REF."""
    tail = b""
    far_row = 0
    for start in range(0, len(xml), chunk):
        text = tail + xml[start : start + chunk]
        for m in grids._FAR_REF.finditer(text):
            if m.group(1) is not None:
                return True, far_row
            far_row = max(far_row, int(m.group(2)))
            if limit is None or far_row * grids._WIDEST > limit:
                return False, far_row
        tail = text[-grids._FAR_REF_LENGTH :]
    return False, far_row


REFS = st.builds(
    lambda name, quote, letters, digits, end: b"<c " + name + b"=" + quote + letters + digits + end,
    st.sampled_from([b"r", b"xr", b"ref"]),
    st.sampled_from([b'"', b"'"]),
    st.sampled_from([b"A", b"Z", b"AA", b"XFD", b"a", b""]),
    st.sampled_from([b"1", b"99999", b"100000", b"1048576", b"12345678", b"123456789", b""]),
    st.sampled_from([b'"><v>1</v></c>', b"'/>", b"x", b"", b'" s="1"/>']),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(
    refs=st.lists(REFS, max_size=12),
    chunk=st.integers(min_value=13, max_value=64),
    limit=st.sampled_from([None, 3_000_000, 100]),
)
def test_the_far_reference_scan_finds_what_the_full_pattern_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refs: list[bytes], chunk: int, limit
) -> None:
    xml = b"<worksheet><sheetData>" + b"".join(refs) + b"</sheetData></worksheet>"
    path = tmp_path / "sheet.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    monkeypatch.setattr(grids, "_CHUNK", chunk)
    with zipfile.ZipFile(path) as zf:
        far_column, far_row, _ = grids._scan_far(
            zf, "xl/worksheets/sheet1.xml", limit=limit, count_values=False
        )
    assert (far_column, far_row) == _scan_with_far_ref_alone(xml, chunk, limit)


ROWS = st.lists(
    st.sampled_from(
        [
            b'<row r="9"><c r="A9"><v>1</v></c></row>',
            b'<row r="9"><c r="A9" s="1"/></row>',
            b'<row r="9"/>',
            b'<row r="9"><c r="B9" t="inlineStr"><is><t>x</t></is></c></row>',
        ]
    ),
    max_size=60,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(
    rows=ROWS,
    pieces=st.lists(st.integers(min_value=1, max_value=97), min_size=1, max_size=8),
    stretch=st.sampled_from([3, 10, 40]),
)
def test_the_empty_stretch_does_not_depend_on_how_the_xml_is_fed(
    monkeypatch: pytest.MonkeyPatch, rows: list[bytes], pieces: list[int], stretch: int
) -> None:
    """measure() feeds the stretch search the chunks the far-reference search reads; it reads
    them again as its own blocks (4 KB, then _CHUNK at a time), so any feeding names the same
    row and length as feeding the whole part at once."""
    monkeypatch.setattr(grids, "_CHUNK", 48)
    monkeypatch.setattr(grids, "_HEAD", 80)  # (past the <dimension>)
    monkeypatch.setattr(grids, "EMPTY_STRETCH", stretch)
    xml = b'<worksheet><dimension ref="A1:J1048576"/><sheetData>' + b"".join(rows)
    xml += b"</sheetData></worksheet>"

    def scan(sizes: list[int]) -> tuple[int, int, int] | None:
        found = grids._StretchScan(big=False)
        at, i = 0, 0
        while at < len(xml) and not found.done:
            size = sizes[i % len(sizes)]
            found.feed(xml[at : at + size])
            at, i = at + size, i + 1
        found.finish()
        return found.found

    whole = scan([len(xml)])
    assert scan(pieces) == whole
    if b"<v>" not in xml and b"<t>" not in xml and len(rows) >= stretch:  # (it does search)
        assert whole is not None
