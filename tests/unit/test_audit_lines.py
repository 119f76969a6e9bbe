"""The audit trail says which of an authorization's service lines changed, and how, rather than
printing every line's every field before and after."""

from __future__ import annotations

import datetime as dt

from priorauth import audit
from priorauth.model import AuditEntry, Authorization, ServiceLine
from priorauth.service_lines import with_lines
from priorauth.services.tracker import Tracker


def _line(codes: str, units: int | None, carried: int = 0) -> dict:
    return {
        "codes": [codes],
        "group": "",
        "units_authorized": units,
        "visits_authorized": None,
        "carried_units_used": carried,
        "cap_amount": None,
    }


def _entry(before: list, after: list, action: str = "update") -> AuditEntry:
    return AuditEntry(
        at="2026-12-07T10:05:00+00:00",
        user="jchen",
        action=action,
        table="authorizations",
        record_id=1,
        summary="changed authorization A-1",
        changes={"lines": [before, after], "reminder_days": [30, 14]},
    )


def test_one_line_field_changed_is_all_the_audit_says_of_the_lines() -> None:
    before = [_line("97153", 320, 198), _line("97155", 40, 20), _line("97156", 12)]
    after = [_line("97153", 320, 198), _line("97155", 44, 20), _line("97156", 12)]
    entry = _entry(before, after)

    assert audit.describe_changes(entry) == [
        "line 2 units_authorized: 40 → 44",
        "reminder_days: 30 → 14",
    ]
    found = audit.changes(entry)
    assert [(c.label, c.before, c.after) for c in found] == [
        ("line 2 units authorized", "40", "44"),
        ("reminder days", "30", "14"),
    ]


def test_a_line_added_or_removed_is_shown_whole() -> None:
    one = [_line("97153", 320)]
    two = [_line("97153", 320), _line("97158", None)]
    added = audit.describe_changes(_entry(one, two))
    assert added[0] == (
        "line 2: (blank) → {codes: 97158, group: (blank), units_authorized: (blank), "
        "visits_authorized: (blank), carried_units_used: 0, cap_amount: (blank)}"
    )
    removed = audit.describe_changes(_entry(two, one))
    assert removed[0].startswith("line 2: {codes: 97158,") and removed[0].endswith("→ (blank)")


def test_created_records_and_plain_fields_read_as_before() -> None:
    lines = [_line("97153", 320)]
    created = _entry([], lines, action="create")
    assert audit.describe_changes(created)[0] == (
        "lines: {codes: 97153, group: (blank), units_authorized: 320, "
        "visits_authorized: (blank), carried_units_used: 0, cap_amount: (blank)}"
    )
    first = _entry([], lines)  # a single-line authorization given its first lines
    assert audit.describe_changes(first)[0].startswith("lines: (blank) → {codes: 97153,")


def test_a_second_line_added_reads_as_a_line_added_not_as_fields_blanked(
    tracker: Tracker, practice: dict
) -> None:
    """Giving a one-line authorization a second line moves its one line from the
    authorization's own fields into its lines: the audit says "line 1 units 320 → 240, line 2
    added", not "units 320 → (blank), codes 97153 → (blank)"."""
    client, aetna = practice["client"], practice["aetna"]
    auth = Authorization(
        client=client.id,
        payer=aetna.id,
        auth_number="A-1",
        procedure_codes=["97153"],
        units_authorized=320,
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2027, 4, 30),
    )
    saved = tracker.save_authorization(auth).authorization
    two = [
        ServiceLine(codes=["97153"], units_authorized=240),
        ServiceLine(codes=["97155"], units_authorized=40),
    ]
    tracker.save_authorization(with_lines(saved, two))
    added = tracker.store.audit()[-1]
    assert audit.describe_changes(added) == [
        "line 1 units_authorized: 320 → 240",
        "line 2: (blank) → {codes: 97155, group: (blank), units_authorized: 40, "
        "visits_authorized: (blank), carried_units_used: 0, carried_visits_used: 0, "
        "cap_amount: (blank), cap_period: (blank), cap_measure: units, measure: units}",
    ]
    assert [c.label for c in audit.changes(added)] == ["line 1 units authorized", "line 2"]

    back = tracker.data().authorizations[saved.id]
    tracker.save_authorization(
        with_lines(back, [ServiceLine(codes=["97153"], units_authorized=240)])
    )
    removed = audit.describe_changes(tracker.store.audit()[-1])
    assert len(removed) == 1 and removed[0].startswith("line 2: {codes: 97155,")
    assert removed[0].endswith("→ (blank)")
