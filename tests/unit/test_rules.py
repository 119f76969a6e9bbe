"""The rules of DESIGN.md: usage, visits as distinct days, one active, box 23, validation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from priorauth import rules, validate
from priorauth.box23 import box23
from priorauth.errors import ValidationError, ValidationErrors
from priorauth.model import (
    Authorization,
    CapPeriod,
    Client,
    ClientInsurance,
    Payer,
    Priority,
    RequestStatus,
    Service,
)
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from tests.conftest import TODAY

D = dt.date


def _auth(practice, **fields) -> Authorization:
    values = dict(
        client=practice["client"].id,
        payer=practice["aetna"].id,
        auth_number="AET-1",
        procedure_codes=["90837"],
        units_authorized=10,
        visits_authorized=4,
        start_date=D(2026, 11, 1),
        end_date=D(2027, 1, 31),
    )
    values.update(fields)
    return Authorization(**values)


def _service(practice, day: dt.date, units: int = 1, code: str = "90837", payer=None) -> Service:
    return Service(
        client=practice["client"].id,
        payer=(payer or practice["aetna"]).id,
        date=day,
        procedure_code=code,
        units=units,
    )


def test_visits_are_distinct_days_and_units_add_up(tracker: Tracker, practice) -> None:
    auth = tracker.save_authorization(_auth(practice, carried_units_used=2, carried_visits_used=1))
    for day, units in ((D(2026, 11, 2), 1), (D(2026, 11, 2), 2), (D(2026, 11, 9), 1)):
        tracker.record_service(_service(practice, day, units))
    data = tracker.data()
    use = rules.usage(data, data.authorizations[auth.authorization.id], TODAY)
    assert use.units_used == 2 + 4  # carried + 1 + 2 + 1
    assert use.visits_used == 1 + 2  # carried + two distinct days (Nov 2 counted once)
    assert use.units_remaining == 4
    assert use.visits_remaining == 1
    assert rules.describe_count(use.units_remaining, use.units_authorized) == "4 of 10 left"


def test_future_services_are_scheduled_not_used(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice))
    tracker.record_service(_service(practice, D(2026, 11, 20)))
    tracker.record_service(_service(practice, D(2026, 11, 30), units=2))
    tracker.record_service(_service(practice, D(2026, 12, 7)))
    data = tracker.data()
    (auth,) = data.authorizations.values()
    use = rules.usage(data, auth, TODAY)
    assert (use.units_used, use.visits_used) == (1, 1)
    assert (use.units_scheduled, use.visits_scheduled) == (3, 2)
    assert use.units_remaining == 9
    assert use.units_remaining_after_scheduled == 6
    assert use.visits_remaining_after_scheduled == 1


def test_over_utilization_is_negative_and_warned(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice, units_authorized=2, visits_authorized=None))
    tracker.record_service(_service(practice, D(2026, 11, 2)))
    last = tracker.record_service(_service(practice, D(2026, 11, 3)))
    assert any("last of the 2 units" in w for w in last.warnings)
    over = tracker.record_service(_service(practice, D(2026, 11, 4)))
    assert any("over its 2 units by 1" in w for w in over.warnings)
    data = tracker.data()
    use = rules.usage(data, over.authorization, TODAY)
    assert use.units_remaining == -1
    assert use.over_utilized and use.exhausted
    assert use.visits_remaining is None  # no cap on visits, stated as such
    assert rules.describe_count(use.visits_remaining, use.visits_authorized) == "no cap"
    assert rules.describe_count(use.units_remaining, 2) == "1 over (of 2)"


def test_blank_auth_number_tracks_sessions(tracker: Tracker, practice) -> None:
    result = tracker.save_authorization(_auth(practice, auth_number=""))
    service = tracker.record_service(_service(practice, D(2026, 11, 5)))
    assert service.authorization is not None
    assert service.authorization.id == result.authorization.id
    assert result.authorization.display_number == "(no number)"
    # said by its start, never by a record id staff see nowhere else ("authorization #1")
    assert result.message == "Saved the authorization without a number starting 11/01/2026."


def test_one_active_per_client_and_payer(tracker: Tracker, practice) -> None:
    first = tracker.save_authorization(_auth(practice)).authorization
    other_payer = tracker.save_authorization(
        _auth(practice, payer=practice["cigna"].id, auth_number="CIG-1")
    )
    assert other_payer.deactivated == []  # a different payer is not touched
    second = tracker.save_authorization(
        _auth(practice, auth_number="AET-2", start_date=D(2027, 2, 1), end_date=D(2027, 4, 30))
    )
    assert [a.id for a in second.deactivated] == [first.id]
    assert "AET-1 is no longer active" in second.message
    data = tracker.data()
    assert not data.authorizations[first.id].active
    assert data.authorizations[second.authorization.id].active
    assert data.authorizations[other_payer.authorization.id].active
    # switching back with make_active deactivates the second one
    back = tracker.make_active(data.authorizations[first.id])
    assert [a.id for a in back.deactivated] == [second.authorization.id]
    active = [
        a for a in tracker.data().authorizations.values() if a.active and a.payer == first.payer
    ]
    assert [a.id for a in active] == [first.id]


def test_covering_authorization_prefers_active_and_matches_codes(
    tracker: Tracker, practice
) -> None:
    old = tracker.save_authorization(
        _auth(practice, auth_number="OLD", procedure_codes=["90837", "90834"])
    ).authorization
    new = tracker.save_authorization(
        _auth(practice, auth_number="NEW", procedure_codes=["90837"])
    ).authorization
    data = tracker.data()
    client, aetna = practice["client"].id, practice["aetna"].id
    assert rules.covering_authorization(data, client, aetna, D(2026, 11, 10), "90837").id == new.id
    # only the inactive one lists 90834: it still covers that code
    assert rules.covering_authorization(data, client, aetna, D(2026, 11, 10), "90834").id == old.id
    # modifiers: an authorization for the base code covers the code with a modifier
    assert (
        rules.covering_authorization(data, client, aetna, D(2026, 11, 10), "90837-HN").id == new.id
    )
    assert rules.covering_authorization(data, client, aetna, D(2026, 11, 10), "97153") is None
    assert rules.covering_authorization(data, client, aetna, D(2026, 10, 31), "90837") is None
    assert rules.covering_authorization(data, client, aetna, D(2027, 2, 1), "90837") is None
    assert rules.covering_authorization(data, client, aetna, D(2027, 1, 31), "90837").id == new.id


def test_requested_and_denied_do_not_cover(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice, status=RequestStatus.PENDING, active=False))
    data = tracker.data()
    assert (
        rules.covering_authorization(
            data, practice["client"].id, practice["aetna"].id, D(2026, 11, 10)
        )
        is None
    )


def test_open_ended_authorization(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice, end_date=None, units_authorized=None))
    data = tracker.data()
    found = rules.covering_authorization(
        data, practice["client"].id, practice["aetna"].id, D(2031, 1, 1)
    )
    assert found is not None and found.end_date is None


def test_box23_for_primary_and_secondary(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice, auth_number="AET-77"))
    tracker.save_authorization(
        _auth(practice, payer=practice["cigna"].id, auth_number="CIG-55", procedure_codes=[])
    )
    data = tracker.data()
    client = data.clients[practice["client"].id]
    box = box23(data, client, D(2026, 12, 1))
    assert box[Priority.PRIMARY].value == "AET-77"
    assert box[Priority.SECONDARY].value == "CIG-55"  # its own payer's number, not the primary's
    after = box23(data, client, D(2027, 3, 1))
    assert after[Priority.PRIMARY].value == ""
    assert "no authorization from Aetna covers 03/01/2027" in after[Priority.PRIMARY].note


def test_box23_blank_for_payer_without_prior_auth(tracker: Tracker) -> None:
    medicare = tracker.save_payer(Payer(name="Medicare", prior_auth_required=False))
    data = tracker.data()
    ins = tracker.new_insurance(data, medicare.id, priority=Priority.PRIMARY)
    assert ins.prior_auth_required is False  # the payer's default is applied
    client = tracker.save_client(Client(first_name="Bo", last_name="Ng", insurances=[ins]))
    box = box23(tracker.data(), client, TODAY)
    assert box[Priority.PRIMARY].value == ""
    assert "does not require prior authorization" in box[Priority.PRIMARY].note


def test_service_outside_any_authorization_warns(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice))
    result = tracker.record_service(_service(practice, D(2027, 3, 1)))
    assert result.authorization is None
    assert result.warnings == [
        "No Aetna authorization covers 03/01/2027 for 90837: the claim may be denied."
    ]
    assert [s.id for s in rules.uncovered_services(tracker.data())] == [result.service.id]


def test_renewal_copies_and_moves_dates(tracker: Tracker, practice) -> None:
    auth = tracker.save_authorization(_auth(practice, carried_units_used=3)).authorization
    tracker.confirm_to_billing(auth)
    renewed = tracker.renew(auth)
    assert renewed.id != auth.id
    assert (renewed.client, renewed.payer, renewed.procedure_codes) == (
        auth.client,
        auth.payer,
        auth.procedure_codes,
    )
    assert (renewed.units_authorized, renewed.visits_authorized) == (10, 4)
    assert renewed.start_date == D(2027, 2, 1)
    assert renewed.end_date == D(2027, 2, 1) + (auth.end_date - auth.start_date)
    assert renewed.status == RequestStatus.REQUESTED and renewed.requested_on == TODAY
    assert renewed.auth_number == "" and not renewed.confirmed and not renewed.active
    assert renewed.carried_units_used == 0 and renewed.renewal_of == auth.id
    assert tracker.data().authorizations[auth.id].active  # the current one stays active


def test_a_renewal_saved_unchanged_records_no_change_nobody_made(
    tracker: Tracker, practice
) -> None:
    # r made the renewal without a member id and its form's ctrl+s filled in the card's: the
    # audit said "changed authorization: member_id (blank) → W123" though nobody changed it.
    auth = tracker.save_authorization(_auth(practice, member_id="")).authorization
    assert auth.member_id == "W123"  # the card in force, as a save gives it
    renewed = tracker.renew(auth)
    assert renewed.member_id == "W123"
    before = len(tracker.store.audit())
    tracker.save_authorization(dataclasses.replace(renewed))  # the form saved as it came
    assert len(tracker.store.audit()) == before


def test_confirm_to_billing_and_reconfirm_after_change(tracker: Tracker, practice) -> None:
    auth = tracker.save_authorization(_auth(practice)).authorization
    confirmed = tracker.confirm_to_billing(auth)
    assert confirmed.confirmed_by == "alice" and confirmed.display_number == "AET-1 C"
    notes_only = tracker.save_authorization(
        dataclasses.replace(confirmed, notes="called payer")
    ).authorization
    assert notes_only.confirmed  # notes do not reach billing
    changed = tracker.save_authorization(
        dataclasses.replace(notes_only, units_authorized=12)
    ).authorization
    assert not changed.confirmed  # billing must re-confirm changed counts


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"end_date": D(2026, 10, 1)}, "end_date", "is before the start date"),
        ({"units_authorized": -1}, "units_authorized", "cannot be negative"),
        ({"visits_authorized": -3}, "visits_authorized", "cannot be negative"),
        ({"carried_units_used": -1}, "carried_units_used", "cannot be negative"),
        ({"payer": 999}, "payer", "known payer"),
        ({"procedure_codes": ["9083"]}, "procedure_codes", "is not a procedure code"),
        ({"cap_amount": 2, "cap_period": None}, "cap_period", "per week or per month"),
        ({"start_date": None}, "start_date", "needs a start"),
        ({"status": "maybe"}, "status", "Unknown request status"),
    ],
)
def test_authorization_validation(tracker: Tracker, practice, fields, field, words) -> None:
    with pytest.raises(ValidationError) as info:
        tracker.save_authorization(_auth(practice, **fields))
    errors = info.value.errors if isinstance(info.value, ValidationErrors) else [info.value]
    assert any(e.field == field and words in str(e) for e in errors), [str(e) for e in errors]
    assert tracker.data().authorizations == {}  # nothing saved


def test_cap_and_codes_are_normalised(tracker: Tracker, practice) -> None:
    saved = tracker.save_authorization(
        _auth(
            practice,
            procedure_codes=["h2019 hn", "90837", " 90837 "],
            cap_amount=2,
            cap_period=CapPeriod.WEEK,
        )
    ).authorization
    assert saved.procedure_codes == ["H2019-HN", "90837"]


def test_client_validation(tracker: Tracker, practice) -> None:
    aetna = practice["aetna"]
    with pytest.raises(ValidationError, match=r"Unknown insurance priority"):
        tracker.save_client(
            Client(
                last_name="X",
                insurances=[ClientInsurance(payer_id=aetna.id, priority="quaternary")],
            )
        )
    with pytest.raises(ValidationError, match="two primary insurances"):
        tracker.save_client(
            Client(
                last_name="X",
                insurances=[
                    ClientInsurance(payer_id=aetna.id),
                    ClientInsurance(payer_id=practice["cigna"].id),
                ],
            )
        )
    with pytest.raises(ValidationError, match="needs a first or last name"):
        tracker.save_client(Client())
    with pytest.raises(ValidationError, match="Unknown payer"):
        tracker.save_client(Client(last_name="X", insurances=[ClientInsurance(payer_id=77)]))
    with pytest.raises(ValidationError, match="already belongs to Lee, Ann"):
        tracker.save_client(Client(last_name="Y", client_id=practice["client"].client_id.lower()))
    with pytest.raises(ValidationError, match="already a payer named"):
        tracker.save_payer(Payer(name=" aetna "))


def test_authorization_needs_client_insurance_with_payer(tracker: Tracker, practice) -> None:
    other = tracker.save_payer(Payer(name="Humana"))
    with pytest.raises(ValidationError, match="has no insurance with Humana"):
        tracker.save_authorization(_auth(practice, payer=other.id))


def test_a_client_without_insurance_is_told_to_add_one(tracker: Tracker, practice) -> None:
    """The forms offer the payers a client is insured with: none, for a client with no
    insurance, and "choose a known payer" pointed at an empty list."""
    bare = tracker.save_client(Client(first_name="Nina", last_name="Nocov"))
    data = tracker.data()
    auth = Authorization(client=bare.id, payer=0, start_date=D(2026, 11, 1))
    words = "Nocov, Nina has no insurance yet: add the payer to the client first."
    assert words in [str(p) for p in validate.authorization_problems(data, auth)]
    service = Service(client=bare.id, payer=0, date=D(2026, 11, 2))
    assert words in [str(p) for p in validate.service_problems(data, service)]
    insured = Service(client=practice["client"].id, payer=0, date=D(2026, 11, 2))
    assert "Choose a known payer for this service." in [
        str(p) for p in validate.service_problems(data, insured)
    ]


def test_client_ids_generated(tracker: Tracker, practice) -> None:
    assert practice["client"].client_id == "C0001"
    second = tracker.save_client(Client(first_name="Cy", last_name="Oh"))
    assert second.client_id == "C0002"


def test_deleting_authorization_unpins_services(tracker: Tracker, practice) -> None:
    auth = tracker.save_authorization(_auth(practice)).authorization
    pinned = _service(practice, D(2026, 11, 5))
    pinned.authorization = auth.id
    result = tracker.record_service(pinned)
    tracker.delete(tracker.data().authorizations[auth.id])
    data = tracker.data()
    assert data.authorizations == {}
    assert data.services[result.service.id].authorization is None


def test_deleting_client_removes_its_records(tracker: Tracker, practice) -> None:
    tracker.save_authorization(_auth(practice))
    tracker.record_service(_service(practice, D(2026, 11, 5)))
    tracker.delete(tracker.data().clients[practice["client"].id])
    data = tracker.data()
    assert (data.clients, data.authorizations, data.services) == ({}, {}, {})
    actions = [(e.action, e.table) for e in tracker.store.audit()[-3:]]
    assert actions == [("delete", "services"), ("delete", "authorizations"), ("delete", "clients")]


def test_only_approved_authorizations_can_be_active_or_confirmed(
    tracker: Tracker, practice
) -> None:
    with pytest.raises(ValidationError, match="A pending authorization cannot be active"):
        tracker.save_authorization(_auth(practice, status=RequestStatus.PENDING, active=True))
    requested = tracker.save_authorization(
        _auth(practice, status=RequestStatus.REQUESTED, active=False)
    ).authorization
    with pytest.raises(ValidationError, match="Only an approved authorization can be confirmed"):
        tracker.confirm_to_billing(requested)
    with pytest.raises(ValidationError, match="cannot be active"):
        tracker.make_active(requested)


def test_look_ups_carried_to_the_next_snapshot_match_fresh_ones(tracker: Tracker, practice) -> None:
    """Recording a service hands the snapshot's service look-ups on with the service added;
    they must be what working them out again gives."""
    tracker.save_authorization(_auth(practice))
    tracker.save_authorization(_auth(practice, auth_number="CIG-1", payer=practice["cigna"].id))
    days = [D(2026, 11, 20), D(2026, 11, 2), D(2026, 12, 7), D(2026, 11, 2), D(2027, 3, 1)]
    payers = [None, practice["cigna"], None, None, None]
    for day, payer in zip(days, payers, strict=True):
        data = tracker.data()
        rules.services_by_authorization(data)  # worked out, as the app does
        assert data.services_by_client is not None
        tracker.record_service(_service(practice, day, payer=payer))
        carried = tracker.data()
        assert rules.ASSIGNED in carried.derived  # carried, not recomputed
        fresh = Store(tracker.store.path).snapshot()
        assert {k: [s.id for s in v] for k, v in carried.derived[rules.ASSIGNED].items() if v} == {
            k: [s.id for s in v] for k, v in rules.services_by_authorization(fresh).items() if v
        }
        assert {k: [s.id for s in v] for k, v in carried.services_by_client.items()} == {
            k: [s.id for s in v] for k, v in fresh.services_by_client.items()
        }
    assert [s.id for s in rules.uncovered_services(carried)] == [5]  # March: no authorization


def test_box23_for_a_code_no_line_holds_names_the_code(tracker: Tracker, practice) -> None:
    """An authorization covers the day but not the code asked for: the note names the code, so
    it does not read as if nothing covered the day."""
    tracker.save_authorization(_auth(practice, auth_number="AET-77"))
    data = tracker.data()
    client = data.clients[practice["client"].id]
    assert box23(data, client, D(2026, 12, 1), "90837")[Priority.PRIMARY].value == "AET-77"
    box = box23(data, client, D(2026, 12, 1), "97153")[Priority.PRIMARY]
    assert box.value == ""
    assert "no authorization from Aetna covers 97153 on 12/01/2026" in box.note
