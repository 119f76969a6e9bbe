"""Roles are enforced in the domain, for every action that changes data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from priorauth import notify
from priorauth.errors import PermissionDenied
from priorauth.model import Authorization, Client, Payer, ProcedureGroup, Service
from priorauth.roles import ACTION_ROLES, Access, Role, access_for
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store.config import Config, ConfigError
from priorauth.store.datafile import Store
from tests.conftest import TODAY


def _first_auth(t: Tracker) -> Authorization:
    return min(
        (a for a in t.data().authorizations.values() if a.active and a.auth_number),
        key=lambda a: a.id,
    )


def _a_service(t: Tracker) -> Service:
    return min(t.data().services.values(), key=lambda s: s.id)


def _a_notification(t: Tracker) -> notify.Notification:
    return notify.compute(t.data(), TODAY)[0]


def _ensure_payer(t: Tracker) -> None:
    with t.store.transaction() as tx:
        t.ensure_payer(tx, "Brand New Payer")


# action name -> (what it needs, how to do it)
MUTATIONS: dict[str, tuple[str, Callable[[Tracker], Any]]] = {
    "save_payer (new)": ("edit", lambda t: t.save_payer(Payer(name="Humana"))),
    "save_payer (edit)": (
        "admin",
        lambda t: t.save_payer(dataclasses.replace(t.data().payer_named("Aetna"), notes="x")),
    ),
    "ensure_payer": ("edit", _ensure_payer),
    "save_group": ("admin", lambda t: t.save_group(ProcedureGroup(name="X", codes=["90791"]))),
    "save_client": ("edit", lambda t: t.save_client(Client(first_name="Zed", last_name="Z"))),
    "save_authorization": (
        "edit",
        lambda t: t.save_authorization(dataclasses.replace(_first_auth(t), notes="edited")),
    ),
    "make_active": ("edit", lambda t: t.make_active(_first_auth(t))),
    "confirm_to_billing": ("confirm", lambda t: t.confirm_to_billing(_first_auth(t))),
    "renew": ("edit", lambda t: t.renew(_first_auth(t))),
    "record_service": (
        "edit",
        lambda t: t.record_service(dataclasses.replace(_a_service(t), id=0, rev=0)),
    ),
    "delete_service": ("edit", lambda t: t.delete_service(_a_service(t))),
    "delete_authorization": ("delete", lambda t: t.delete_authorization(_first_auth(t))),
    "delete_client": ("delete", lambda t: t.delete_client(t.data().clients[1])),
    "delete": ("delete", lambda t: t.delete(_a_service(t))),
    "dismiss": ("dismiss", lambda t: t.dismiss(_a_notification(t))),
    "snooze": ("dismiss", lambda t: t.snooze(_a_notification(t))),
    "restore": ("dismiss", lambda t: t.restore(_a_notification(t))),
    "save_settings": (
        "admin",
        lambda t: t.save_settings(dataclasses.replace(t.settings(), low_percent=25)),
    ),
}
READ_ONLY = {"data", "can", "new_insurance", "notifications", "settings", "today", "user"}


def test_every_public_tracker_method_is_classified() -> None:
    public = {name for name in dir(Tracker) if not name.startswith("_")}
    covered = {name.split(" ")[0] for name in MUTATIONS} | READ_ONLY
    assert public - covered == set(), "add new Tracker methods to MUTATIONS or READ_ONLY"


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    build_demo(Store(path, user="setup"), today=TODAY)
    return path


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(MUTATIONS))
def test_role_allows_or_refuses_each_action(demo_file: Path, role: Role, action: str) -> None:
    needed, do = MUTATIONS[action]
    tracker = Tracker(Store(demo_file, user="pat"), today=TODAY, policy=Access("pat", role, "test"))
    before = demo_file.read_bytes()
    if role >= ACTION_ROLES[needed]:
        do(tracker)
    else:
        with pytest.raises(PermissionDenied) as info:
            do(tracker)
        message = str(info.value)
        assert f"needs the {ACTION_ROLES[needed].label} role" in message
        assert f"you (pat) are {role.label}" in message
        assert demo_file.read_bytes() == before  # nothing written
    assert tracker.can(needed) == (role >= ACTION_ROLES[needed])


def test_confirm_needs_billing_not_staff(demo_file: Path) -> None:
    staff = Tracker(Store(demo_file, user="sam"), today=TODAY, policy=Access("sam", Role.STAFF, ""))
    billing = Tracker(
        Store(demo_file, user="bea"), today=TODAY, policy=Access("bea", Role.BILLING, "")
    )
    with pytest.raises(
        PermissionDenied, match="Confirming authorizations to billing needs the billing role"
    ):
        staff.confirm_to_billing(_first_auth(staff))
    confirmed = billing.confirm_to_billing(_first_auth(billing))
    assert confirmed.confirmed_by == "bea" and confirmed.display_number.endswith(" C")
    assert dt.datetime.fromisoformat(confirmed.confirmed_at).tzinfo is not None


def _config(roles: dict[str, Any] | None) -> Config:
    return Config(
        path=Path("/etc/authtrack/config.toml"), values={} if roles is None else {"roles": roles}
    )


def test_no_roles_table_means_single_user_admin() -> None:
    access = access_for("anyone", _config(None))
    assert access.role is Role.ADMIN and "single-user" in access.source


def test_roles_from_users_and_groups_highest_wins() -> None:
    config = _config(
        {
            "admin": ["mlopez"],
            "billing": ["group:billing"],
            "staff": ["group:frontdesk", "jchen"],
            "viewer": ["group:clinicians"],
            "default": "viewer",
        }
    )
    assert access_for("mlopez", config, groups=[]).role is Role.ADMIN
    assert access_for("jchen", config, groups=["clinicians"]).role is Role.STAFF
    bea = access_for("bea", config, groups=["frontdesk", "billing"])
    assert bea.role is Role.BILLING and "group billing" in bea.source
    assert access_for("stranger", config, groups=["users"]).role is Role.VIEWER


def test_default_role_configurable_and_bad_roles_rejected() -> None:
    assert access_for("x", _config({"default": "staff"}), groups=[]).role is Role.STAFF
    with pytest.raises(ConfigError, match="unknown role 'boss'"):
        access_for("x", _config({"boss": ["x"]}), groups=[])
    with pytest.raises(ConfigError, match="must be a list"):
        access_for("x", _config({"admin": "x"}), groups=[])


def test_cli_uses_the_system_config_roles(tmp_path: Path, demo_file: Path, monkeypatch) -> None:
    from authtrack.cli import main
    from authtrack.context import Context
    from priorauth.store.config import load_config
    from priorauth.store.identity import current_user

    config = tmp_path / "config.toml"
    config.write_text(f'[roles]\nviewer = ["{current_user()}"]\ndefault = "viewer"\n')
    monkeypatch.setenv("AUTHTRACK_SYSTEM_CONFIG", str(config))
    monkeypatch.setattr(
        "priorauth.store.config.TRUSTED_OWNER", os.getuid()
    )  # root's, in production
    ctx = Context(db_path=demo_file, config=load_config())
    tracker = ctx.tracker()
    assert not tracker.can("edit") and tracker.can("view")
    with pytest.raises(PermissionDenied):
        tracker.save_client(Client(last_name="Nope"))
    assert main(["--db", str(demo_file), "audit", "--since", "2000-01-01"]) == 0  # viewing is fine


def test_a_user_config_chooses_a_data_file_but_never_a_role(tmp_path: Path, monkeypatch) -> None:
    from priorauth.store.config import load_config
    from priorauth.store.identity import current_user

    system = tmp_path / "system.toml"
    system.write_text('data_file = "/srv/a.json"\n[roles]\nadmin = ["boss"]\ndefault = "viewer"\n')
    monkeypatch.setenv("AUTHTRACK_SYSTEM_CONFIG", str(system))
    monkeypatch.setattr("priorauth.store.config.TRUSTED_OWNER", os.getuid())
    mine = tmp_path / "mine.toml"
    mine.write_text(f'data_file = "/srv/b.json"\n[roles]\nadmin = ["{current_user()}"]\n')
    monkeypatch.setenv("AUTHTRACK_CONFIG", str(mine))
    config = load_config()
    assert config.data_file == Path("/srv/b.json") and config.path == system
    assert access_for(current_user(), config).role is Role.VIEWER
    mine.write_text('data_file = "/srv/b.json"\n')  # no [roles] at all: still not admin
    assert access_for(current_user(), load_config()).role is Role.VIEWER


def test_a_system_config_others_can_change_is_refused(tmp_path: Path, monkeypatch) -> None:
    from priorauth.store.config import load_config

    system = tmp_path / "system.toml"
    system.write_text('[roles]\nadmin = ["boss"]\n')
    monkeypatch.setenv("AUTHTRACK_SYSTEM_CONFIG", str(system))
    monkeypatch.setattr("priorauth.store.config.TRUSTED_OWNER", os.getuid())
    os.chmod(system, 0o664)
    with pytest.raises(ConfigError, match="accounts other than root may change it"):
        load_config()
    os.chmod(system, 0o644)
    monkeypatch.setattr("priorauth.store.config.TRUSTED_OWNER", os.getuid() + 1)
    with pytest.raises(ConfigError, match=r"belongs to .*, not root; authtrack will not start"):
        load_config()
    monkeypatch.setattr("priorauth.store.config.TRUSTED_OWNER", os.getuid())
    os.chmod(tmp_path, 0o777)
    try:
        with pytest.raises(ConfigError, match=f"its folder {tmp_path} may be changed"):
            load_config()
    finally:
        os.chmod(tmp_path, 0o755)


def test_the_system_config_override_cannot_escape_the_real_one(tmp_path: Path, monkeypatch) -> None:
    from priorauth.store import config as config_module

    real = tmp_path / "etc-config.toml"
    real.write_text('[roles]\ndefault = "viewer"\n')
    monkeypatch.setattr(config_module, "SYSTEM_CONFIG", real)
    monkeypatch.setenv("AUTHTRACK_SYSTEM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setattr(config_module.os, "geteuid", lambda: 1000)  # a staff account
    assert config_module.system_config_path() == real
    monkeypatch.setattr(config_module.os, "geteuid", lambda: 0)  # root may point elsewhere
    assert config_module.system_config_path() == tmp_path / "none.toml"


def test_without_a_system_config_a_file_in_another_accounts_folder_gives_viewer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_file = tmp_path / "authtrack.json"
    no_system = Config()
    assert access_for("pat", no_system, data_file=data_file).role is Role.ADMIN
    monkeypatch.setattr("priorauth.roles.os.geteuid", lambda: os.stat(tmp_path).st_uid + 1)
    access = access_for("pat", no_system, data_file=data_file)
    assert access.role is Role.VIEWER and "system config" in access.source
    # a system config without [roles] is root's own choice: everyone admin, as before
    assert access_for("pat", _config(None), data_file=data_file).role is Role.ADMIN
