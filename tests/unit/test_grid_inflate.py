"""The grid guard inflates a worksheet with zlib-ng (grids._inflated) where it used zipfile
(grids._chunks): the same chunks for every plain entry, and for any other entry, or a damaged
one, the same answer or the same error as zipfile's reading gives."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.reading import grids

PART = "xl/worksheets/sheet1.xml"
SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"


def _sheet(rows: int, far: str | None, seed: int) -> bytes:
    rng = random.Random(seed)
    cells = []
    for r in range(1, rows + 1):
        row = "".join(
            f'<c r="{col}{r}" t="n"><v>{rng.randint(0, 10 ** rng.randint(1, 9))}</v></c>'
            for col in "ABCDEFGHIJK"[: rng.randint(1, 11)]
        )
        cells.append(f'<row r="{r}">{row}</row>')
    if far:
        cells.append(f'<row r="9"><c r="{far}" t="n"><v>1</v></c></row>')
    body = "".join(cells)
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:K{rows}"/><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def _book(path: Path, xml: bytes, compression: int, level: int | None) -> None:
    with zipfile.ZipFile(path, "w", compression, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr(PART, xml)


def _outcome(read: object) -> object:
    try:
        return read()  # type: ignore[operator]
    except Exception as e:  # (the error as the guard's caller would see it)
        return (type(e), str(e))


def _both(path: Path) -> tuple[object, object]:
    """measure's answer (or error) as it reads now, and with zipfile alone."""

    def now() -> object:
        with zipfile.ZipFile(path) as zf:
            return grids.measure(zf, PART, 26_000_000)

    def before() -> object:
        with zipfile.ZipFile(path) as zf:
            return grids._measure(zf, PART, 26_000_000, grids._chunks)

    return _outcome(now), _outcome(before)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.integers(0, 3000),
    far=st.sampled_from([None, "AA9", "XFD9", "A150000"]),
    seed=st.integers(0, 10**6),
    level=st.sampled_from([0, 1, 6, 9]),
)
def test_the_same_chunks_as_zipfile(
    tmp_path: Path, rows: int, far: str | None, seed: int, level: int
) -> None:
    path = tmp_path / "book.xlsx"
    _book(path, _sheet(rows, far, seed), zipfile.ZIP_DEFLATED, level)
    with zipfile.ZipFile(path) as zf:
        assert list(grids._inflated(zf, PART)) == list(grids._chunks(zf, PART))
    now, before = _both(path)
    assert now == before


def test_a_stored_entry_is_read_by_zipfile(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _book(path, _sheet(50, "AB9", 1), zipfile.ZIP_STORED, None)
    with zipfile.ZipFile(path) as zf, pytest.raises(grids._NotPlain):
        list(grids._inflated(zf, PART))
    now, before = _both(path)
    assert now == before and now[1] != (0, 0)  # type: ignore[index]


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.xlsx")))
def test_the_sample_workbooks_read_alike(sample: str) -> None:
    with zipfile.ZipFile(SAMPLES / sample) as zf:
        for part in grids.worksheet_parts(set(zf.namelist())):
            assert list(grids._inflated(zf, part)) == list(grids._chunks(zf, part))


def _damaged(data: bytearray, how: str, rng: random.Random) -> None:
    """Damage the one deflated worksheet of a book written by _book (in place)."""
    at = data.find(PART.encode()) + len(PART)  # (its local header's name: the data follows)
    end = data.find(b"PK\x01\x02")  # (the central directory)
    if how == "flip":
        k = rng.randrange(at, end)
        data[k] ^= 1 << rng.randrange(8)
    elif how == "zero":
        k = rng.randrange(at, end)
        data[k : min(k + 64, end)] = bytes(len(data[k : min(k + 64, end)]))
    elif how == "crc":  # the central directory's CRC-32 of the part
        entry = data.find(b"PK\x01\x02", end + 4)  # (the part's: the second entry)
        data[entry + 16] ^= 0xFF
    elif how == "header":  # the local header's signature
        start = data.rfind(b"PK\x03\x04", 0, at)
        data[start + 3] ^= 0xFF
    else:  # the name in the local header
        data[at - 1] ^= 0x01


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    how=st.sampled_from(["flip", "zero", "crc", "header", "name"]),
    seed=st.integers(0, 10**6),
    rows=st.sampled_from([5, 400, 4000]),
)
def test_a_damaged_worksheet_gets_zipfiles_answer(
    tmp_path: Path, how: str, seed: int, rows: int
) -> None:
    path = tmp_path / "book.xlsx"
    _book(path, _sheet(rows, None, seed), zipfile.ZIP_DEFLATED, 6)
    data = bytearray(path.read_bytes())
    _damaged(data, how, random.Random(seed))
    path.write_bytes(bytes(data))
    now, before = _both(path)
    assert now == before


def test_the_same_chunks_with_the_standard_zlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where zlib-ng is not installed, priorauth.deflate is the standard zlib: the reader is the
    same."""
    monkeypatch.setattr(grids, "decompressobj", zlib.decompressobj)
    monkeypatch.setattr(grids, "crc32", zlib.crc32)
    path = tmp_path / "book.xlsx"
    _book(path, _sheet(3000, "AA9", 7), zipfile.ZIP_DEFLATED, 6)
    with zipfile.ZipFile(path) as zf:
        assert list(grids._inflated(zf, PART)) == list(grids._chunks(zf, PART))
    now, before = _both(path)
    assert now == before and now[1] != (0, 0)  # type: ignore[index]
