"""Workspace: create, unlock (and failed unlocks), passphrase changes, KDF parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import (
    InvalidInputError,
    VaultExistsError,
    VaultInUseError,
    WrongSecretError,
)
from noteapp.services import workspace as workspace_module
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace, kdf_params

PASSPHRASE = "correct horse battery staple"  # the workspace fixture's (tests/conftest.py)
FAST_KDF = Argon2Params(memory_kib=19 * 1024, iterations=2, lanes=1)
NEW = "a different but long passphrase"


def _unlock(path: Path, secret: str, clock: FakeClock, paths: AppPaths) -> Workspace:
    return Workspace.unlock(path, secret, clock=clock, paths=paths)


def test_create_refuses_short_passphrase_and_existing_vault(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    with pytest.raises(InvalidInputError):
        Workspace.create(tmp_path / "v.noteapp", "short", params=FAST_KDF, clock=clock)
    assert not (tmp_path / "v.noteapp").exists()
    ws, recovery = Workspace.create(
        tmp_path / "v.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths
    )
    try:
        assert len(recovery.split("-")) == 8
        assert [e.action for e in ws.audit.entries()] == ["vault-create"]
        with pytest.raises(VaultExistsError):
            Workspace.create(tmp_path / "v.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock)
    finally:
        ws.close()


def test_second_unlock_while_open_is_refused(
    workspace: Any, clock: FakeClock, paths: AppPaths
) -> None:
    with pytest.raises(VaultInUseError):
        _unlock(workspace._vault.path, PASSPHRASE, clock, paths)


def test_unlock_audit_entries(workspace: Any, clock: FakeClock, paths: AppPaths) -> None:
    ws: Workspace = workspace
    path = ws._vault.path
    ws.close()
    for _ in range(2):
        with pytest.raises(WrongSecretError):
            _unlock(path, "wrong passphrase", clock, paths)
    ws2 = _unlock(path, PASSPHRASE, clock, paths)
    ws2.close()
    ws3 = _unlock(path, PASSPHRASE, clock, paths)
    try:
        entries = [(e.action, e.detail) for e in ws3.audit.entries()]
        unlocks = [x for x in entries if x[0].startswith("unlock")]
        assert unlocks == [
            ("unlock-failed", {"attempts": 2}),
            ("unlock", {"method": "passphrase"}),
            ("unlock", {"method": "passphrase"}),  # the count was reset
        ]
        assert ws3.audit.verify().ok
    finally:
        ws3.close()


def test_change_passphrase(workspace: Any, clock: FakeClock, paths: AppPaths) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimby")
    ws.change_passphrase(current=PASSPHRASE, new=NEW)
    assert ws.audit.entries()[-1].action == "passphrase-change"
    assert ws._vault.header.slot("passphrase").kdf == FAST_KDF  # type: ignore[union-attr]
    path = ws._vault.path
    ws.close()
    with pytest.raises(WrongSecretError):
        _unlock(path, PASSPHRASE, clock, paths)
    ws2 = _unlock(path, NEW, clock, paths)
    try:
        assert [c.name for c in ws2.clients.list()] == ["Avery Quimby"]
    finally:
        ws2.close()


def test_change_passphrase_wrong_current_changes_nothing(
    workspace: Any, clock: FakeClock, paths: AppPaths
) -> None:
    ws: Workspace = workspace
    header = ws._vault.header
    n_audit = len(ws.audit.entries())
    with pytest.raises(WrongSecretError):
        ws.change_passphrase(current="not my passphrase", new=NEW)
    with pytest.raises(InvalidInputError):
        ws.change_passphrase(current=PASSPHRASE, new="short")
    assert ws._vault.header == header
    assert len(ws.audit.entries()) == n_audit
    path = ws._vault.path
    ws.close()
    with pytest.raises(WrongSecretError):
        _unlock(path, NEW, clock, paths)
    _unlock(path, PASSPHRASE, clock, paths).close()


def test_set_passphrase_after_recovery_key(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    path = tmp_path / "v.noteapp"
    ws, recovery = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.clients.add(name="Avery Quimby")
    ws.close()
    with pytest.raises(WrongSecretError):
        Workspace.unlock_with_recovery_key(
            path, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", clock=clock, paths=paths
        )
    # Typed loosely: lower case, spaces instead of dashes.
    ws2 = Workspace.unlock_with_recovery_key(
        path, recovery.lower().replace("-", " "), clock=clock, paths=paths
    )
    try:
        unlock = [e for e in ws2.audit.entries() if e.action == "unlock"][-1]
        assert unlock.detail == {"method": "recovery-key"}
        fails = [e for e in ws2.audit.entries() if e.action == "unlock-failed"]
        assert [e.detail for e in fails] == [{"attempts": 1}]
        with pytest.raises(InvalidInputError):
            ws2.set_passphrase("short", params=FAST_KDF)
        ws2.set_passphrase(NEW, params=FAST_KDF)
    finally:
        ws2.close()
    ws3 = _unlock(path, NEW, clock, paths)
    try:
        assert [c.name for c in ws3.clients.list()] == ["Avery Quimby"]
        assert "passphrase-change" in [e.action for e in ws3.audit.entries()]
    finally:
        ws3.close()
    # The recovery key still works after the passphrase changed.
    Workspace.unlock_with_recovery_key(path, recovery, clock=clock, paths=paths).close()


def test_lock_drops_keys(workspace: Any) -> None:
    ws: Workspace = workspace
    assert ws._vault.is_unlocked
    ws.close()
    assert not ws._vault.is_unlocked


# --- kdf_params ------------------------------------------------------------------------


def test_kdf_params_explicit() -> None:
    assert kdf_params(memory_mib=19, iterations=2, lanes=1) == FAST_KDF
    assert kdf_params(memory_mib=128) == Argon2Params(
        128 * 1024, crypto.ARGON2_FLOOR_ITERATIONS, crypto.ARGON2_DEFAULT_LANES
    )
    assert kdf_params(iterations=5).memory_kib == 64 * 1024


@pytest.mark.parametrize(
    "kw",
    [
        {"memory_mib": 8},
        {"iterations": 1},
        {"lanes": 0},
        {"lanes": 17},
        {"memory_mib": 5000},
        {"iterations": 21},
    ],
)
def test_kdf_params_out_of_range(kw: dict[str, int]) -> None:
    with pytest.raises(InvalidInputError) as err:
        kdf_params(**kw)
    assert " " in str(err.value)  # a sentence, not a bare field name


def test_kdf_params_default_is_calibrated(monkeypatch: pytest.MonkeyPatch) -> None:
    calibrated = Argon2Params(256 * 1024, 3, 4)
    monkeypatch.setattr(workspace_module.crypto, "calibrate_argon2", lambda: calibrated)
    assert kdf_params() is calibrated
