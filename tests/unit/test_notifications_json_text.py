"""`notifications --json` writes its list with orjson: the same text json.dumps(indent=2,
ensure_ascii=False) wrote before, to the character, for any texts (control characters, bidi
overrides and non-ASCII included: the output's filter sees the same text as before)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from authtrack.cmd_notifications import json_text

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.text(),
)
ROWS = st.lists(st.dictionaries(st.text(), VALUES, max_size=6), max_size=5)


@given(ROWS)
def test_the_text_is_what_json_dumps_wrote(rows: list[dict[str, object]]) -> None:
    assert json_text(rows) == json.dumps(rows, indent=2, ensure_ascii=False)


def test_an_empty_list_and_a_notification_with_control_characters() -> None:
    row = {"kind": "expiring", "client_name": "Lee\x1b[31m, Ann\u202e", "authorization": None}
    assert json_text([]) == "[]"
    assert json_text([row]) == json.dumps([row], indent=2, ensure_ascii=False)
    assert "\\u001b" in json_text([row])
