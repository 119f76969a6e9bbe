"""zlib's crc32_combine, which Python's zlib lacks: the CRC-32 of joined texts from theirs."""

from __future__ import annotations

import os
import zlib

from hypothesis import given
from hypothesis import strategies as st

from priorauth.store import crc


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_the_crc_of_two_texts_joined_is_combined_from_theirs(a: bytes, b: bytes) -> None:
    assert crc.combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_long_texts_combine_too() -> None:
    a, b = os.urandom(1000), os.urandom(crc.WORTH_BYTES * 3 + 17)
    assert crc.combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    assert crc.combine(0, zlib.crc32(b), len(b)) == zlib.crc32(b)  # (after nothing)
