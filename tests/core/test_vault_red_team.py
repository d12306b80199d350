"""Red team: a closed vault file edited without the key, in fields it keeps in clear.

Both edits below used to make every command stop with "unexpected error (ValueError)" or
"(… DecryptionError)" — no sentence naming the cause, and no way into the vault short of
editing the file back. A garbled failed-unlock counter is now dropped and the drop audited
(vault/container.py); a damaged audit head is a typed error, exit 4 (vault/audit.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from noteapp.domain.errors import AuditDamagedError
from tests.core.helpers import new_workspace, reopen_workspace, run

KEEP = "correct horse battery staple"


@pytest.fixture
def closed_vault(tmp_path: Path) -> Path:
    ws = new_workspace(tmp_path)
    ws.clients.add(name="Jordan Avery")
    path = ws.vault_path
    ws.close()
    return path


def _set_meta(path: Path, key: str, value: object) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT OR REPLACE INTO meta VALUES(?, ?)", (key, value))
        conn.commit()
    finally:
        conn.close()


def _client_list(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", KEEP)
    result = run(capsys, "--vault", str(path), "client", "list")
    return result.code, result.err


@pytest.mark.parametrize("value", ["lots", "9" * 5000, 1e400, 10**12, -3, 2.5])
def test_a_garbled_failed_unlock_counter_does_not_lock_the_clinician_out(
    value: object,
    closed_vault: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _set_meta(closed_vault, "failed_unlocks", value)
    code, err = _client_list(closed_vault, capsys, monkeypatch)
    assert "unexpected error" not in err
    assert code == 0, err
    actions = _audit_actions(closed_vault)
    assert actions.count("unlock-counter-altered") == 1  # dropped, and said so
    assert "unlock-failed" not in actions  # no made-up count of attempts


def test_a_counter_noteapp_wrote_is_still_reported(closed_vault: Path) -> None:
    _set_meta(closed_vault, "failed_unlocks", 3)
    actions = _audit_actions(closed_vault)
    assert "unlock-failed" in actions and "unlock-counter-altered" not in actions


def _audit_actions(path: Path) -> list[str]:
    ws = reopen_workspace(path.parent)
    try:
        return [e.action for e in ws.audit.entries()]
    finally:
        ws.close()


def test_a_damaged_audit_head_is_named(
    closed_vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_meta(closed_vault, "audit_head", b"x" * 40)
    code, err = _client_list(closed_vault, capsys, monkeypatch)
    assert "unexpected error" not in err
    assert "audit log's head was altered or damaged" in err
    assert code == 4, err
    with pytest.raises(AuditDamagedError):
        reopen_workspace(closed_vault.parent)
