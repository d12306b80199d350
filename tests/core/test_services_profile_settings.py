"""ProfileService (with the Ed25519 key made on first save) and SettingsService."""

from __future__ import annotations

import re
from typing import Any

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.profile import Role
from noteapp.services.paths import AppPaths
from noteapp.services.settings import Settings
from noteapp.services.workspace import Workspace

PASSPHRASE = "correct horse battery staple"  # the workspace fixture's (tests/conftest.py)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
FINGERPRINT_RE = re.compile(r"^[0-9A-F]{4}( [0-9A-F]{4}){7}$")


def _reopen(ws: Workspace, clock: FakeClock, paths: AppPaths) -> Workspace:
    path = ws._vault.path
    ws.close()
    return Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)


# --- profile ---------------------------------------------------------------------------


def test_no_profile_at_first(workspace: Any) -> None:
    assert workspace.profile.get() is None


def test_first_set_creates_signing_key(workspace: Any) -> None:
    ws: Workspace = workspace
    p = ws.profile.set(name=" Dana Whitfield ", credentials="LCSW", role="supervisor")
    assert (p.name, p.credentials, p.role) == ("Dana Whitfield", "LCSW", Role.SUPERVISOR)
    assert len(p.public_key) == 32
    assert FINGERPRINT_RE.match(p.fingerprint), p.fingerprint
    assert len(ws.profile.private_signing_key()) == 32
    actions = [(e.action, e.detail) for e in ws.audit.entries()]
    assert ("key-create", {"fingerprint": p.fingerprint}) in actions
    assert actions[-1][0] == "profile-create"
    assert ws.profile.get() == p


def test_later_sets_keep_the_same_key(workspace: Any, clock: FakeClock, paths: AppPaths) -> None:
    ws: Workspace = workspace
    first = ws.profile.set(name="Dana Whitfield")
    private = bytes(ws.profile.private_signing_key())
    second = ws.profile.set(credentials="LCSW", license_number=" L-123 ", agency_name="Riverbend")
    assert (second.public_key, second.fingerprint) == (first.public_key, first.fingerprint)
    assert second.name == "Dana Whitfield" and second.license_number == "L-123"
    assert [e.action for e in ws.audit.entries()].count("key-create") == 1
    assert ws.audit.entries()[-1].action == "profile-edit"
    ws2 = _reopen(ws, clock, paths)
    try:
        assert ws2.profile.get() == second
        assert bytes(ws2.profile.private_signing_key()) == private
    finally:
        ws2.close()


def test_name_is_required(workspace: Any) -> None:
    ws: Workspace = workspace
    with pytest.raises(InvalidInputError):
        ws.profile.set(credentials="LCSW")
    with pytest.raises(InvalidInputError):
        ws.profile.set(name="   ")
    # Nothing half-made: no profile and no orphan key.
    assert ws.profile.get() is None
    assert not ws._vault.exists("signing_key", "me")
    p = ws.profile.set(name="Dana Whitfield")
    with pytest.raises(InvalidInputError):
        ws.profile.set(name="")
    assert ws.profile.get() == p


def test_role_validation(workspace: Any) -> None:
    ws: Workspace = workspace
    with pytest.raises(InvalidInputError):
        ws.profile.set(name="Dana Whitfield", role="admin")
    assert ws.profile.set(name="Dana Whitfield", role=Role.CLINICIAN).role is Role.CLINICIAN
    assert ws.profile.set(role="supervisor").role is Role.SUPERVISOR


def test_supervised_is_a_yes_or_no_kept_across_reopening(
    workspace: Any, clock: FakeClock, paths: AppPaths
) -> None:
    ws: Workspace = workspace
    assert ws.profile.set(name="Dana Whitfield").supervised is False
    with pytest.raises(InvalidInputError):
        ws.profile.set(supervised="yes")
    assert ws.profile.set(supervised=True).supervised is True
    path = ws.vault_path
    ws.close()
    again = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        assert again.profile.get().supervised is True  # type: ignore[union-attr]
    finally:
        again.close()


def test_unknown_and_protected_fields_refused(workspace: Any) -> None:
    ws: Workspace = workspace
    ws.profile.set(name="Dana Whitfield")
    for field in ("public_key", "fingerprint", "nickname"):
        with pytest.raises(InvalidInputError):
            ws.profile.set(**{field: b"x"})


def test_logo_must_be_a_small_png(workspace: Any) -> None:
    ws: Workspace = workspace
    ws.profile.set(name="Dana Whitfield")
    assert ws.profile.set(logo_png=PNG).logo_png == PNG
    for bad in (b"\xff\xd8\xff\xe0JFIF" + b"\0" * 64, b"", PNG + b"\0" * (2 * 1024 * 1024)):
        with pytest.raises(InvalidInputError):
            ws.profile.set(logo_png=bad)
    assert ws.profile.get().logo_png == PNG  # type: ignore[union-attr]
    assert ws.profile.set(logo_png=None).logo_png is None


def test_profile_repr_leaks_no_identity(workspace: Any) -> None:
    p = workspace.profile.set(name="Dana Whitfield", license_number="L-987")
    assert "Dana" not in repr(p) and "L-987" not in repr(p)


# --- settings --------------------------------------------------------------------------


def test_settings_defaults(workspace: Any) -> None:
    s = workspace.settings.get()
    assert s == Settings()
    assert (s.auto_lock_minutes, s.backup_keep, s.auto_backup, s.confirm_passphrase_to_sign) == (
        10,
        10,
        True,
        True,
    )
    assert s.backup_dir == ""


def test_settings_update_persists(workspace: Any, clock: FakeClock, paths: AppPaths) -> None:
    ws: Workspace = workspace
    new = ws.settings.update(auto_lock_minutes=0, backup_keep=3, confirm_passphrase_to_sign=False)
    assert ws.settings.get() == new
    ws2 = _reopen(ws, clock, paths)
    try:
        assert ws2.settings.get() == Settings(
            auto_lock_minutes=0, backup_keep=3, confirm_passphrase_to_sign=False
        )
    finally:
        ws2.close()


@pytest.mark.parametrize(
    "bad",
    [
        {"auto_lock_minutes": -1},
        {"auto_lock_minutes": 241},
        {"backup_keep": 0},
        {"backup_keep": 366},
    ],
)
def test_settings_validation(workspace: Any, bad: dict[str, int]) -> None:
    ws: Workspace = workspace
    with pytest.raises(InvalidInputError):
        ws.settings.update(**bad)
    assert ws.settings.get() == Settings()
    assert not ws._vault.exists("settings", "settings")


def test_settings_bounds_inclusive(workspace: Any) -> None:
    s = workspace.settings.update(auto_lock_minutes=240, backup_keep=365)
    assert (s.auto_lock_minutes, s.backup_keep) == (240, 365)
    assert workspace.settings.update(backup_keep=1).backup_keep == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"nope": 1},
        {"auto_lock_minutes": "5"},
        {"backup_keep": 2.5},
        {"auto_backup": "no"},
        {"backup_keep": True},
    ],
)
def test_settings_type_validation(workspace: Any, bad: dict[str, object]) -> None:
    # A wrongly typed value once saved broke every later close() and delete (backup rotation).
    ws: Workspace = workspace
    with pytest.raises(InvalidInputError):
        ws.settings.update(**bad)
    assert ws.settings.get() == Settings()
    ws.clients.add(name="Avery Quimby")
    assert ws.backups.auto_backup_if_changed() is not None


# --- reference data -------------------------------------------------------------------------


def test_reference_data_says_which_codes_are_psychotherapy(workspace: Any) -> None:
    ref = workspace.reference.get()
    psychotherapy = {c.code for c in ref.service_codes if c.psychotherapy}
    assert {"90832", "90834", "90837", "90846", "90847", "90853", "90839"} <= psychotherapy
    assert not {"90791", "T1017", "H0004", "90785"} & psychotherapy


def test_reference_saved_before_the_flag_takes_it_from_the_defaults(workspace: Any) -> None:
    from noteapp.services.reference import REFERENCE_KIND, ReferenceService

    # A practice's edited list from an earlier version: no "psychotherapy" key at all.
    legacy = {
        "service_codes": [
            {"code": "90834", "description": "Psychotherapy, 45 min", "min_minutes": 38},
            {"code": "X0001", "description": "Agency code"},
        ],
        "places_of_service": [{"code": "11", "description": "Office"}],
        "interventions": ["CBT"],
    }
    workspace._vault.put(REFERENCE_KIND, REFERENCE_KIND, legacy)
    reopened = ReferenceService(workspace._vault, workspace.audit)  # as after unlocking again
    codes = {c.code: c for c in reopened.get().service_codes}
    assert codes["90834"].psychotherapy and not codes["X0001"].psychotherapy
    saved = reopened.update({**legacy, "service_codes": legacy["service_codes"][:1]})
    assert saved.service_codes[0].psychotherapy
