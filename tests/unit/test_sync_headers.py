"""Header recognition by normalised words, and finding the header row below titles."""

from __future__ import annotations

import pytest

from sync.recognising.columns import AUTH_EXTRA_HEADERS, AUTH_HEADERS, Col
from sync.recognising.headers import find_header, recognise


@pytest.mark.parametrize(("text", "col"), AUTH_HEADERS + AUTH_EXTRA_HEADERS)
def test_the_canonical_headers_read_back(text: str, col: Col) -> None:
    assert recognise(text) == col


@pytest.mark.parametrize(
    ("text", "col"),
    [
        ("Patient", Col.NAME),
        ("Pt Name", Col.NAME),
        ("Client", Col.NAME),
        ("DOB", Col.DOB),
        ("Birthdate", Col.DOB),
        ("Ins.", Col.PAYER),
        ("Insurance Co.", Col.PAYER),
        ("Funder", Col.PAYER),
        ("Mbr ID", Col.MEMBER_ID),
        ("Subscriber #", Col.MEMBER_ID),
        ("Policy No.", Col.MEMBER_ID),
        ("Medicaid #", Col.MEMBER_ID),
        ("Auth #", Col.AUTH_NUMBER),
        ("PA #", Col.AUTH_NUMBER),
        ("Prior Auth No.", Col.AUTH_NUMBER),
        ("Authorization", Col.AUTH_NUMBER),
        ("CPT", Col.CODES),
        ("CPT Code(s)", Col.CODES),
        ("Service Code", Col.CODES),
        ("Eff", Col.START),
        ("Eff. Date", Col.START),
        ("From", Col.START),
        ("Exp", Col.END),
        ("Thru", Col.END),
        ("Expiration Date", Col.END),
        ("Units", Col.UNITS_AUTH),
        ("Approved", Col.UNITS_AUTH),
        ("Auth'd", Col.UNITS_AUTH),
        ("Auth Units", Col.UNITS_AUTH),
        ("Used", Col.UNITS_USED),
        ("Remaining", Col.UNITS_LEFT),
        ("Balance", Col.UNITS_LEFT),
        ("# Sessions", Col.VISITS_AUTH),
        ("Sessions Used", Col.VISITS_USED),
        ("Sessions Left", Col.VISITS_LEFT),
        ("Last Name", Col.LAST),
        ("First Name", Col.FIRST),
        ("MRN", Col.CLIENT_ID),
        ("Client #", Col.CLIENT_ID),
        ("Therapist", Col.CLINICIAN),
        ("Comments", Col.NOTES),
        ("Auth Status", Col.STATUS),
        ("Date Requested", Col.REQUESTED_ON),
        ("Call Ref #", Col.PAYER_REF),
        ("Auth Dates", Col.PERIOD),
        ("Max/Week", Col.CAP),
        ("Sent to Billing", Col.CONFIRMED),
        ("Ins Priority", Col.PRIORITY),
    ],
)
def test_names_practices_use(text: str, col: Col) -> None:
    assert recognise(text) == col


@pytest.mark.parametrize("text", ["Last Visit", "Fax Sent", "Client Status", "Date", ""])
def test_what_is_not_a_log_field(text: str) -> None:
    assert recognise(text) is None


def test_header_row_below_titles_and_blank_rows() -> None:
    rows = [
        ["Sunrise Counseling — Prior Authorization Log", "", "", "", ""],
        ["Updated 11/02/2026", "", "", "", ""],
        ["", "", "", "", ""],
        ["Client", "Insurance", "Auth #", "Eff", "Exp"],
        ["Lee, Ann", "Aetna", "A1", "1/1/26", "6/30/26"],
    ]
    header = find_header(rows)
    assert header is not None
    assert header.index == 3
    assert header.columns == {
        Col.NAME: 0,
        Col.PAYER: 1,
        Col.AUTH_NUMBER: 2,
        Col.START: 3,
        Col.END: 4,
    }


def test_group_header_above_approved_used_left() -> None:
    rows = [
        ["", "", "Sessions", "", "", "Units", "", ""],
        ["Patient", "Ins. Co.", "Approved", "Used", "Left", "Approved", "Used", "Left"],
    ]
    header = find_header(rows)
    assert header is not None
    assert header.columns[Col.VISITS_AUTH] == 2
    assert header.columns[Col.VISITS_USED] == 3
    assert header.columns[Col.VISITS_LEFT] == 4
    assert header.columns[Col.UNITS_AUTH] == 5
    assert header.columns[Col.UNITS_LEFT] == 7


COUNTS = {Col.UNITS_AUTH, Col.UNITS_USED, Col.UNITS_LEFT}
COUNTS |= {Col.VISITS_AUTH, Col.VISITS_USED, Col.VISITS_LEFT}


@pytest.mark.parametrize(
    ("header", "counts"),
    [
        (["Sessions", "Used"], {Col.VISITS_AUTH: 3, Col.VISITS_USED: 4}),
        (
            ["Approved", "Sessions Used", "Left"],
            {Col.VISITS_AUTH: 3, Col.VISITS_USED: 4, Col.VISITS_LEFT: 5},
        ),
        (
            ["Visits Auth'd", "Used", "Remaining"],
            {Col.VISITS_AUTH: 3, Col.VISITS_USED: 4, Col.VISITS_LEFT: 5},
        ),
        (
            ["Approved", "Used", "Remaining"],
            {Col.UNITS_AUTH: 3, Col.UNITS_USED: 4, Col.UNITS_LEFT: 5},
        ),
        (["Units", "Visits", "Used"], {Col.UNITS_AUTH: 3, Col.VISITS_AUTH: 4, Col.UNITS_USED: 5}),
    ],
)
def test_a_bare_used_or_left_counts_what_the_sheet_authorizes(
    header: list[str], counts: dict[Col, int]
) -> None:
    """A sheet that counts only sessions ("Sessions | Used") means sessions by "Used"."""
    found = find_header([["Patient", "Ins. Co.", "PA #", *header]])
    assert found is not None
    assert {c: j for c, j in found.columns.items() if c in COUNTS} == counts


def test_a_title_mentioning_units_does_not_rename_the_columns() -> None:
    rows = [
        ["Units and visits tracker", "", "", ""],
        ["Client", "Payer", "Auth #", "Approved"],
    ]
    header = find_header(rows)
    assert header is not None
    assert header.columns == {
        Col.NAME: 0,
        Col.PAYER: 1,
        Col.AUTH_NUMBER: 2,
        Col.UNITS_AUTH: 3,
    }


def test_no_header_without_a_client_column() -> None:
    rows = [["Date", "Payer", "Auth #", "Units"], ["1/1/26", "Aetna", "A1", 3]]
    assert find_header(rows) is None


def test_the_cached_header_words_and_fields_are_those_worked_out_afresh() -> None:
    """words() and recognise() keep their answers (pure functions of the text): a text read
    again gets what reading it the first time gives, whatever was read in between."""
    from sync.recognising import header_words, headers

    texts = [text for text, _ in AUTH_HEADERS + AUTH_EXTRA_HEADERS]
    texts += ["Auth #", "D.O.B.", "Sessions Left", "Aetna", "90837, 97153", "", "Units  Used"]
    for _ in range(2):
        for text in texts:
            assert header_words.words(text) == header_words.words.__wrapped__(text)
            assert recognise(text) is headers.recognise.__wrapped__(text)
