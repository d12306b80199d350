"""Red team: a closed vault file edited without the key, in fields it keeps in clear.

Both edits below make every command stop with "unexpected error (ValueError)" or "(…
DecryptionError)" — no sentence naming the cause, and no way into the vault short of
editing the file back. Vault-level: the fixes belong in vault/container.py and
vault/audit.py (being reworked in another branch), so the tests are strict xfails; see the
reasons for the fix each needs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.core.helpers import new_workspace, run

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


@pytest.mark.xfail(
    strict=True,
    reason="vault/container.py reads the clear failed-unlock counter with int(row[0]): a "
    "non-number or a 5,000-digit number raises ValueError at every unlock. Fix: take the "
    "counter only if it is an int in a sane range (0 … 10**9); otherwise drop it and record "
    "'the failed-unlock counter was altered' in the audit log at this unlock.",
)
@pytest.mark.parametrize("value", ["lots", "9" * 5000, 1e400])
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


@pytest.mark.xfail(
    strict=True,
    reason="vault/audit.py decrypts the audit head without catching DecryptionError, so a "
    "damaged head stops every command with 'unexpected error (DecryptionError)'. Fix: raise "
    "a typed error (e.g. AuditDamagedError, exit 4) naming the audit log's head as damaged "
    "and pointing to 'noteapp audit verify' and a backup, as the state check does.",
)
def test_a_damaged_audit_head_is_named(
    closed_vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_meta(closed_vault, "audit_head", b"x" * 40)
    code, err = _client_list(closed_vault, capsys, monkeypatch)
    assert "unexpected error" not in err
    assert "audit" in err.lower()
    assert code in (1, 4), err
