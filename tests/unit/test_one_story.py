"""Box 23, the no_active_auth notification and the client list tell one story (see "one story"
in priorauth.rules): an inactive authorization covering the day is shown, flagged, and offered
to be made active; a client-list row speaks of one authorization only."""

from __future__ import annotations

from priorauth.box23 import box23
from tests.unit.test_notify import AETNA, CIGNA, TODAY, D, auth, client, of_kind, world
from tui.rows import client_row


def test_inactive_covering_authorization_is_one_story() -> None:
    ended = auth(
        id=1,
        auth_number="AET-OLD",
        start_date=D(2026, 5, 1),
        end_date=D(2026, 10, 31),
        active=False,
    )
    covering = auth(id=2, auth_number="AET-55501", active=False)  # 09/01–12/31, inactive
    data = world(ended, covering)
    ann = data.clients[1]
    # box 23 shows it, flagged
    box = box23(data, ann, TODAY)[ann.insurances[0].priority]
    assert box.value == "AET-55501" and box.inactive
    assert box.note == "Aetna authorization AET-55501 (inactive: make it active?)"
    # the notification says the same thing, never "no authorization ... the last one ended"
    (n,) = of_kind(data, TODAY, "no_active_auth")
    assert n.message == (
        "11/23/2026 is covered only by inactive Aetna authorization AET-55501 "
        "(09/01/2026–12/31/2026) — make it active?"
    )
    assert "last one ended" not in n.message and n.authorization == 2
    # the client list speaks of the same authorization, flagged in words
    row = client_row(data, ann, TODAY)
    assert row.auth_number == "AET-55501 off" and row.next_end == D(2026, 12, 31)


def test_nothing_covering_still_says_when_the_last_one_ended() -> None:
    ended = auth(id=1, start_date=D(2026, 5, 1), end_date=D(2026, 10, 31), active=False)
    data = world(ended)
    ann = data.clients[1]
    (n,) = of_kind(data, TODAY, "no_active_auth")
    assert "the last one ended 10/31/2026" in n.message
    box = box23(data, ann, TODAY)[ann.insurances[0].priority]
    assert box.value == "" and not box.inactive
    assert client_row(data, ann, TODAY).auth_number == ""


def test_active_covering_authorization_raises_nothing() -> None:
    data = world(auth(id=1), auth(id=2, auth_number="OTHER", active=False))
    assert not of_kind(data, TODAY, "no_active_auth")
    box = box23(data, data.clients[1], TODAY)
    assert not next(iter(box.values())).inactive


def test_a_client_row_never_mixes_two_authorizations() -> None:
    """The primary's authorization gives the number AND the end date, even when another payer's
    active authorization ends sooner."""
    from priorauth.model import ClientInsurance, Priority

    insured = [
        ClientInsurance(payer_id=AETNA, priority=Priority.PRIMARY),
        ClientInsurance(payer_id=CIGNA, priority=Priority.SECONDARY),
    ]
    primary = auth(id=1, auth_number="AET-1", end_date=D(2027, 2, 28))
    secondary = auth(id=2, auth_number="CIG-2", payer=CIGNA, end_date=D(2026, 11, 30))
    data = world(primary, secondary, clients=[client(insurances=insured)])
    row = client_row(data, data.clients[1], TODAY)
    assert (row.auth_number, row.next_end) == ("AET-1", D(2027, 2, 28))
    # an active primary that no longer covers today (expired, still active) is the one shown
    expired = auth(id=1, auth_number="AET-1", end_date=D(2026, 11, 1))
    data = world(expired, secondary, clients=[client(insurances=insured)])
    row = client_row(data, data.clients[1], TODAY)
    assert (row.auth_number, row.next_end, row.end_level) == ("AET-1", D(2026, 11, 1), "out")
