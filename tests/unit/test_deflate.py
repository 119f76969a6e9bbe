"""priorauth.deflate (zlib-ng's, or the standard library's) gives zlib's values: the data file's
CRC-32s and the guard's inflated worksheets are those zlib gave."""

from __future__ import annotations

import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import deflate


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=5000), st.integers(0, 2**32 - 1))
def test_crc32_is_zlibs(data: bytes, start: int) -> None:
    assert deflate.crc32(data) == zlib.crc32(data)
    assert deflate.crc32(data, start) == zlib.crc32(data, start)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=20_000), st.sampled_from([1, 6, 9]))
def test_inflate_is_zlibs(data: bytes, level: int) -> None:
    packed = zlib.compressobj(level, zlib.DEFLATED, -15)
    stream = packed.compress(data) + packed.flush()
    d = deflate.decompressobj(-15)
    assert d.decompress(stream) == data and d.eof
