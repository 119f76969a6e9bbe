"""The field table (sync.recognising.fields) agrees with the code that reads and writes its
columns: one entry per column, headers read back as their own column, copied attributes that
are the authorization's, rows as long as the headers."""

from __future__ import annotations

import dataclasses
import datetime as dt

from priorauth.model import Authorization, Client
from sync.recognising import headers
from sync.recognising.fields import (
    AUTH_EXTRA_HEADERS,
    AUTH_HEADERS,
    COPIED,
    ERROR_COLUMNS,
    FIELDS,
    HEADING_RULES,
    WORDS,
    Col,
)
from sync.writing import rows

_AUTH = {f.name for f in dataclasses.fields(Authorization)}
_CLIENT = {f.name for f in dataclasses.fields(Client)}


def test_one_entry_per_column_and_distinct_headers() -> None:
    cols = [f.col for f in FIELDS]
    assert sorted(cols) == sorted(Col)
    written = [h for h, _ in AUTH_HEADERS + AUTH_EXTRA_HEADERS]
    assert len(written) == len(set(written))
    # the design's columns first, then the extra ones
    extras = [f.extra for f in FIELDS if f.header is not None]
    assert extras == sorted(extras)


def test_every_canonical_header_is_read_back_as_its_column() -> None:
    for header, col in AUTH_HEADERS + AUTH_EXTRA_HEADERS:
        assert headers.recognise(header) is col, header


def test_copied_attributes_are_the_authorizations() -> None:
    assert {name for name, _, _ in COPIED} <= _AUTH
    assert set(WORDS) <= _AUTH | _CLIENT
    # a validation problem names a column from the authorization's or its client's fields
    assert set(ERROR_COLUMNS) <= _AUTH | _CLIENT | {"client", "payer"}


def test_an_exported_row_is_as_long_as_the_headers() -> None:
    auth = Authorization(client=1, payer=1, auth_number="A1", units_authorized=10)
    row = rows.authorization_row(auth, None, {1: "Aetna"}, (), dt.date(2026, 1, 5))
    assert len(row) == len(AUTH_HEADERS) + len(AUTH_EXTRA_HEADERS)
    where = {col: j for j, (_, col) in enumerate(AUTH_HEADERS + AUTH_EXTRA_HEADERS)}
    assert row[where[Col.AUTH_NUMBER]] == "A1"
    assert row[where[Col.UNITS_AUTH]] == 10
    assert row[where[Col.PAYER]] == "Aetna"


def test_every_heading_is_reachable_and_ranked_once() -> None:
    """Each column's headings are tried in rank order across columns (first match wins); a
    heading whose own words land on another column would be dead, a shared rank ambiguous."""
    ranks = [h.rank for h, _ in HEADING_RULES]
    assert ranks == sorted(ranks) and len(ranks) == len(set(ranks))
    assert {col for _, col in HEADING_RULES} <= set(Col)
    for f in FIELDS:
        for heading in f.headings:
            text = " ".join(sorted(heading.needs))
            assert headers.recognise(text) is f.col, (text, f.col)


def test_rank_decides_between_columns_whose_words_a_heading_shares() -> None:
    # each header's words match two columns' headings; the lower rank wins
    cases = {
        "Billing Notes": Col.NOTES,
        "Units Used": Col.UNITS_USED,
        "Units/Wk": Col.CAP,
        "Hrs Left": Col.UNITS_LEFT,
        "Payer Reference": Col.PAYER_REF,
        "Insurance ID": Col.MEMBER_ID,
        "Auth Code": Col.AUTH_NUMBER,
        "Service Type": Col.GROUP,
        "Requested On": Col.REQUESTED_ON,
        "Confirmed By": Col.CONFIRMED_BY,
        "Auth Status": Col.STATUS,
        "Visits Used": Col.VISITS_USED,
    }
    for text, col in cases.items():
        assert headers.recognise(text) is col, text
