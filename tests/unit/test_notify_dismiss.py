"""Dismiss and snooze, per user, through the real data file; practice settings shared by all."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from priorauth import notify
from priorauth.errors import ConflictError, PermissionDenied, ValidationError
from priorauth.model import Authorization, Client, ClientInsurance, Payer, Service
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store

TODAY = dt.date(2026, 11, 23)


def as_user(db_path: Path, user: str, today: dt.date = TODAY, **kw: object) -> Tracker:
    return Tracker(Store(db_path, user=user), today=today, **kw)  # type: ignore[arg-type]


@pytest.fixture
def setup(db_path: Path) -> dict[str, object]:
    """Client Ann with an Aetna authorization ending in 10 days, 17 of 20 units used."""
    admin = as_user(db_path, "admin")
    aetna = admin.save_payer(Payer(name="Aetna"))
    ann = admin.save_client(
        Client(
            first_name="Ann",
            last_name="Lee",
            clinician="alice",
            insurances=[ClientInsurance(payer_id=aetna.id)],
        )
    )
    auth = admin.save_authorization(
        Authorization(
            client=ann.id,
            payer=aetna.id,
            auth_number="A100",
            units_authorized=20,
            carried_units_used=17,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 12, 3),
        )
    ).authorization
    return {"aetna": aetna, "ann": ann, "auth": auth}


def kinds(tracker: Tracker, **kw: bool) -> list[str]:
    return sorted(n.kind for n in tracker.notifications(**kw))


def find(tracker: Tracker, kind: str) -> notify.Notification:
    (n,) = [n for n in tracker.notifications(everything=True) if n.kind == kind]
    return n


def test_dismissed_is_hidden_for_that_user_only(db_path: Path, setup: dict) -> None:
    alice, bob = as_user(db_path, "alice"), as_user(db_path, "bob")
    assert kinds(alice) == ["expiring", "low_remaining"]
    alice.dismiss(find(alice, "expiring"))
    assert kinds(alice) == ["low_remaining"]
    assert kinds(alice, everything=True) == ["expiring", "low_remaining"]
    assert kinds(bob) == ["expiring", "low_remaining"]  # per user
    assert kinds(as_user(db_path, "alice", TODAY + dt.timedelta(days=5))) == ["low_remaining"]
    data = alice.data()
    (d,) = data.dismissals.values()
    assert (d.user, d.key, d.until) == ("alice", "expiring:1", None)
    entry = alice.store.audit()[-1]
    assert entry.user == "alice" and entry.table == "dismissals" and entry.action == "create"
    assert "expiring:1" in entry.summary


def test_dismissed_returns_when_the_end_date_changes(db_path: Path, setup: dict) -> None:
    alice = as_user(db_path, "alice")
    alice.dismiss(find(alice, "expiring"))
    auth = alice.data().authorizations[setup["auth"].id]
    alice.save_authorization(dataclasses.replace(auth, end_date=dt.date(2026, 12, 5)))
    assert kinds(alice) == ["expiring", "low_remaining"]


def test_dismissed_low_returns_with_new_usage(db_path: Path, setup: dict) -> None:
    alice = as_user(db_path, "alice")
    alice.dismiss(find(alice, "low_remaining"))
    assert kinds(alice) == ["expiring"]
    ann, aetna = setup["ann"], setup["aetna"]
    alice.record_service(Service(client=ann.id, payer=aetna.id, date=dt.date(2026, 11, 20)))
    assert kinds(alice) == ["expiring", "low_remaining"]
    assert "2 of 20 units left" in find(alice, "low_remaining").message


def test_snooze_returns_after_the_days(db_path: Path, setup: dict) -> None:
    alice = as_user(db_path, "alice")
    d = alice.snooze(find(alice, "expiring"))  # 7 days by default
    assert d.until == TODAY + dt.timedelta(days=7)
    assert kinds(alice) == ["low_remaining"]
    assert kinds(as_user(db_path, "alice", TODAY + dt.timedelta(days=6))) == ["low_remaining"]
    back = as_user(db_path, "alice", TODAY + dt.timedelta(days=7))
    assert kinds(back) == ["expiring", "low_remaining"]
    alice.snooze(find(alice, "low_remaining"), days=2)
    assert kinds(as_user(db_path, "alice", TODAY + dt.timedelta(days=1))) == []
    assert kinds(as_user(db_path, "alice", TODAY + dt.timedelta(days=2))) == ["low_remaining"]


def test_snoozed_returns_early_when_facts_change(db_path: Path, setup: dict) -> None:
    alice = as_user(db_path, "alice")
    alice.snooze(find(alice, "low_remaining"), days=30)
    ann, aetna = setup["ann"], setup["aetna"]
    alice.record_service(Service(client=ann.id, payer=aetna.id, date=dt.date(2026, 11, 20)))
    assert "low_remaining" in kinds(alice)


def test_dismissing_again_updates_one_record_and_restore_undoes(db_path: Path, setup: dict) -> None:
    alice = as_user(db_path, "alice")
    n = find(alice, "expiring")
    alice.snooze(n, days=3)
    alice.dismiss(n)
    (d,) = alice.data().dismissals.values()
    assert d.until is None and d.rev == 2
    alice.restore(n)
    assert not alice.data().dismissals
    assert kinds(alice) == ["expiring", "low_remaining"]
    alice.restore(n)  # nothing to undo: no error, nothing written


def test_ended_snoozes_are_cleared_when_the_user_dismisses_again(
    db_path: Path, setup: dict
) -> None:
    alice, bob = as_user(db_path, "alice"), as_user(db_path, "bob")
    alice.snooze(find(alice, "expiring"), days=1)
    bob.snooze(find(bob, "expiring"), days=1)
    later = as_user(db_path, "alice", TODAY + dt.timedelta(days=2))
    later.dismiss(find(later, "low_remaining"))
    left = sorted((d.user, d.key) for d in later.data().dismissals.values())
    assert left == [("alice", "low_remaining:1"), ("bob", "expiring:1")]


def test_snooze_needs_a_day(db_path: Path, setup: dict) -> None:
    alice = as_user(db_path, "alice")
    with pytest.raises(ValidationError):
        alice.snooze(find(alice, "expiring"), days=0)


def test_mine_is_the_clients_whose_clinician_is_the_user(db_path: Path, setup: dict) -> None:
    assert kinds(as_user(db_path, "alice"), mine=True) == ["expiring", "low_remaining"]
    assert kinds(as_user(db_path, "bob"), mine=True) == []


def test_visible_leaves_others_untouched(db_path: Path, setup: dict) -> None:
    alice = as_user(db_path, "alice")
    alice.dismiss(find(alice, "expiring"))
    data = alice.data()
    every = notify.compute(data, TODAY)
    assert [n.kind for n in notify.visible(data, every, "alice", TODAY)] == ["low_remaining"]
    assert notify.visible(data, every, "carol", TODAY) == every
    hider = notify.hiding(
        data, every[0] if every[0].kind == "expiring" else every[1], "alice", TODAY
    )
    assert hider is not None and hider.user == "alice"


# --- practice settings --------------------------------------------------------------------------


def test_settings_are_shared_and_change_the_threshold(db_path: Path, setup: dict) -> None:
    admin, bob = as_user(db_path, "admin"), as_user(db_path, "bob")
    assert bob.settings().low_percent == 20
    settings = admin.settings()
    settings.low_percent, settings.low_floor = 10, 1  # 3 of 20 left = 15 %: no longer low
    admin.save_settings(settings)
    assert bob.settings().low_percent == 10
    assert kinds(bob) == ["expiring"]
    again = bob.settings()
    again.low_floor = 3
    as_user(db_path, "admin").save_settings(again)
    assert kinds(bob) == ["expiring", "low_remaining"]
    assert as_user(db_path, "admin").store.audit()[-1].table == "settings"


def test_settings_need_admin_and_valid_values(db_path: Path, setup: dict) -> None:
    def deny_admin(action: str) -> None:
        if action == "admin":
            raise PermissionDenied("Only an administrator can change practice settings.")

    clerk = as_user(db_path, "clerk", policy=deny_admin)
    with pytest.raises(PermissionDenied):
        clerk.save_settings(clerk.settings())
    admin = as_user(db_path, "admin")
    bad = admin.settings()
    bad.low_percent = 120
    with pytest.raises(ValidationError, match="percent"):
        admin.save_settings(bad)
    assert not admin.data().settings


def test_stale_settings_are_refused(db_path: Path, setup: dict) -> None:
    first, second = as_user(db_path, "admin"), as_user(db_path, "boss")
    mine, theirs = first.settings(), second.settings()
    mine.low_percent = 30
    first.save_settings(mine)
    theirs.low_percent = 40
    with pytest.raises(ConflictError, match="The practice settings were changed by admin"):
        second.save_settings(theirs)
    assert second.settings().low_percent == 30


def test_dismissing_follows_the_role_policy(db_path: Path, setup: dict) -> None:
    def no_dismiss(action: str) -> None:
        if action == "dismiss":
            raise PermissionDenied("Dismissing notifications needs the viewer role.")

    locked = as_user(db_path, "guest", policy=no_dismiss)
    n = find(locked, "expiring")
    for act in (locked.dismiss, locked.snooze, locked.restore):
        with pytest.raises(PermissionDenied):
            act(n)
    assert not locked.data().dismissals
