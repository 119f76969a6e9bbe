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
