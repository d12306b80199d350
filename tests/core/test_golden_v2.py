"""Golden files of vault format version 2 (tests/data; see its README.md).

Every format version ever shipped must stay readable. These files were made once by
tests/data/make_golden_v2.py and are kept forever; their sha256 is pinned below so nobody
regenerates them silently. Tests work on copies and never modify tests/data. Each broken file
has its own error.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from noteapp import crypto
from noteapp.domain.errors import (
    KdfParametersError,
    NoteappError,
    RecordIntegrityError,
    RecordsRolledBackError,
    VaultCorruptError,
    VaultHeaderDamagedError,
    VaultHeaderTamperedError,
    WrongSecretError,
)
from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault
from tests.core.test_golden import (
    CONTACT_A,
    CONTACT_B,
    EXPECTED,
    LOAD_ORDER,
    NOTE_1,
    NOTE_2,
    PSY_1,
)

DATA = Path(__file__).resolve().parents[1] / "data"

PASSPHRASE = "golden v2 synthetic passphrase: harbour meadow 5823"
RECOVERY_KEY = "ORUX-NMC2-BX3E-V4XD-ZVNJ-5QND-GLQW-VCRE"
DEVICE_KEY = bytes.fromhex("5eed" * 16)
GENERATION = 11  # create, keychain slot, keychain entry, then 8 writes (each with its entry)

SHA256 = {
    "valid_v2.noteapp": "8e95e2548b2f2e44cdaee5181417aec4f4923d0f31fc602e8308b8493f4fa645",
    "flipped_bit_record_v2.noteapp": (
        "e14c52d8890ad37c0a9a012adeccf2ce6b62ec8cf859225a69f57797739d552b"
    ),
    "flipped_bit_header_v2.noteapp": (
        "dac93b2fe88acd63442b6b3884614fb8d28bc04c2c8181bcbc76833903af062b"
    ),
    "tampered_header_v2.noteapp": (
        "45baa81f1b6cdc68b04248d5a3737f8b7910b6a795a48b79c44128334557eb7c"
    ),
    "truncated_v2.noteapp": "d1e541ec7858db3403869a6e57ca01d5546bbd1c4df2af2b3dfea19a5db9eb37",
    "inflated_kdf_v2.noteapp": "c3d9970817744aa8492b19709cbf6e75db893baee7b0e00bc8969e966c955673",
    "swapped_records_v2.noteapp": (
        "04f4f6c3ff3948a47f7f1d04defe380960d43db345a8b37eb4616831d6ac39af"
    ),
    "rolled_back_v2.noteapp": "d93da50758caa093aa0ca56ddd051e06bd02e226aab129d08bc8ddcb102ab4ba",
    "deleted_middle_version_v2.noteapp": (
        "873a4b236c323438fe6c08c85067e12527a2e3a62636e98fc674a74d0822806e"
    ),
}
AUDIT_ACTIONS = [
    "vault-create",
    "keychain-remember",
    *["create", "create", "create", "edit", "create", "create", "edit", "edit"],
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module", autouse=True)
def data_untouched() -> Any:
    """tests/data is the same after these tests as before (nothing opened in place)."""
    before = sorted(p.name for p in DATA.iterdir())
    yield
    assert sorted(p.name for p in DATA.iterdir()) == before
    for name, digest in SHA256.items():
        assert sha256(DATA / name) == digest


def golden(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copyfile(DATA / name, dest)
    return dest


def unlocked(path: Path) -> Vault:
    vault = Vault.open(path)
    try:
        vault.unlock_with_passphrase(PASSPHRASE)
    except BaseException:
        vault.close()
        raise
    return vault


@pytest.mark.parametrize("name", sorted(SHA256))
def test_golden_files_are_the_shipped_ones(name: str) -> None:
    assert sha256(DATA / name) == SHA256[name], (
        f"{name} changed. Golden files of a shipped format are kept forever: restore it "
        "from git instead of regenerating it."
    )


def test_no_unlisted_golden_files() -> None:
    assert sorted(p.name for p in DATA.glob("*_v2.noteapp")) == sorted(SHA256)


def _check_valid_contents(vault: Vault) -> None:
    assert vault.format_version == 2
    for (kind, record_id), versions in EXPECTED.items():
        assert vault.get(kind, record_id).data == versions[-1]
        history = vault.history(kind, record_id)
        assert [r.version for r in history] == list(range(1, len(versions) + 1))
        assert [r.data for r in history] == versions
    for kind, ids in LOAD_ORDER.items():
        result = vault.load_kind(kind)
        assert result.failures == []
        assert [r.id for r in result.records] == ids
    assert vault.count() == 5
    assert vault.verify_all() == []
    assert vault.generation == GENERATION
    log = AuditLog(vault)
    assert (log.verify().ok, log.verify().entries) == (True, 10)
    entries = log.entries()
    assert [e.action for e in entries] == AUDIT_ACTIONS
    assert entries[0].time == "2026-03-02T09:00:00+00:00"
    assert entries[-1].time == "2026-03-02T09:08:00+00:00"


def test_valid_v2_opens_every_way(tmp_path: Path) -> None:
    path = golden(tmp_path, "valid_v2.noteapp")
    with unlocked(path) as vault:
        assert vault.header.created == "2026-03-02T09:00:00+00:00"
        assert sorted(s.type for s in vault.header.slots) == ["keychain", "passphrase", "recovery"]
        _check_valid_contents(vault)
    with Vault.open(path) as vault:
        vault.unlock_with_recovery_key(RECOVERY_KEY)
        _check_valid_contents(vault)
    with Vault.open(path) as vault:
        vault.unlock_with_device_key(DEVICE_KEY)
        _check_valid_contents(vault)


def test_valid_v2_stays_writable(tmp_path: Path) -> None:
    path = golden(tmp_path, "valid_v2.noteapp")
    with unlocked(path) as vault:
        assert vault.put("session_note", NOTE_1, {"text": "an addendum"}, expected_version=3) == 4
        AuditLog(vault).append("edit", kind="session_note", record_id=NOTE_1)
    with unlocked(path) as vault:
        assert vault.get("session_note", NOTE_1).data == {"text": "an addendum"}
        assert vault.generation == GENERATION + 2
        assert vault.verify_all() == []


def test_flipped_bit_record(tmp_path: Path) -> None:
    with unlocked(golden(tmp_path, "flipped_bit_record_v2.noteapp")) as vault:
        with pytest.raises(RecordIntegrityError) as info:
            vault.get("session_note", NOTE_2)
        assert (info.value.kind, info.value.record_id) == ("session_note", NOTE_2)
        assert "damaged" in str(info.value)
        assert "مرحبا" not in str(info.value)
        result = vault.load_kind("session_note")  # the others still load: not a rollback
        assert [r.id for r in result.records] == [NOTE_1]
        assert [f.record_id for f in result.failures] == [NOTE_2]
        assert vault.get("psychotherapy_note", PSY_1).version == 2
        assert [f.record_id for f in vault.verify_all()] == [NOTE_2]


def test_flipped_bit_header_is_damage_found_before_any_key_derivation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = golden(tmp_path, "flipped_bit_header_v2.noteapp")

    def no_kdf(*args: object, **kwargs: object) -> None:
        raise AssertionError("Argon2 must not run")

    monkeypatch.setattr(crypto, "Argon2id", no_kdf)
    with pytest.raises(VaultHeaderDamagedError) as info:
        Vault.open(path)
    assert not isinstance(info.value, WrongSecretError)
    assert sha256(path) == SHA256["flipped_bit_header_v2.noteapp"]  # nothing written


def test_tampered_header_fails_its_mac_at_unlock(tmp_path: Path) -> None:
    with Vault.open(golden(tmp_path, "tampered_header_v2.noteapp")) as vault:
        assert vault.header.created == "2026-03-01T09:00:00+00:00"
        with pytest.raises(VaultHeaderTamperedError):
            vault.unlock_with_passphrase(PASSPHRASE)
        with pytest.raises(VaultHeaderTamperedError):
            vault.unlock_with_recovery_key(RECOVERY_KEY)
        assert not vault.is_unlocked


def test_truncated(tmp_path: Path) -> None:
    path = golden(tmp_path, "truncated_v2.noteapp")
    with pytest.raises(VaultCorruptError) as info:
        Vault.open(path).close()
    assert type(info.value) is VaultCorruptError
    assert sha256(path) == SHA256["truncated_v2.noteapp"]


def test_inflated_kdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = golden(tmp_path, "inflated_kdf_v2.noteapp")

    def no_kdf(*args: object, **kwargs: object) -> None:
        raise AssertionError("Argon2 must not run")

    monkeypatch.setattr(crypto, "Argon2id", no_kdf)
    start = time.perf_counter()
    with pytest.raises(KdfParametersError) as info:
        Vault.open(path)
    assert time.perf_counter() - start < 1.0
    assert "65536 MiB" in str(info.value)
    assert "1000 iterations" in str(info.value)
    assert sha256(path) == SHA256["inflated_kdf_v2.noteapp"]


def test_swapped_records(tmp_path: Path) -> None:
    with unlocked(golden(tmp_path, "swapped_records_v2.noteapp")) as vault:
        for record_id, other in ((CONTACT_A, "cb0000b2"), (CONTACT_B, "ca0000a1")):
            with pytest.raises(RecordIntegrityError) as info:
                vault.get("contact", record_id)
            assert "swapped" in str(info.value)
            assert f"contact/{other}" in str(info.value)
        result = vault.load_kind("contact")
        assert result.records == []
        assert sorted(f.record_id for f in result.failures) == [CONTACT_A, CONTACT_B]
        assert [r.id for r in vault.load_kind("session_note").records] == [NOTE_2, NOTE_1]


def test_rolled_back_newest_version_is_refused(tmp_path: Path) -> None:
    """The signed final text deleted and the draft marked current: never shown as current."""
    with unlocked(golden(tmp_path, "rolled_back_v2.noteapp")) as vault:
        for read in (
            lambda: vault.get("session_note", NOTE_1),
            lambda: vault.load_kind("session_note"),
            lambda: vault.get("session_note", NOTE_2),  # the whole kind is refused
        ):
            with pytest.raises(RecordsRolledBackError) as info:
                read()
            assert info.value.kind == "session_note"
            assert "Draft two" not in str(info.value)
        assert len(vault.load_kind("contact").records) == 2  # other kinds read


def test_deleted_middle_version_is_refused_in_the_history(tmp_path: Path) -> None:
    with unlocked(golden(tmp_path, "deleted_middle_version_v2.noteapp")) as vault:
        assert vault.get("session_note", NOTE_1).data == EXPECTED[("session_note", NOTE_1)][-1]
        with pytest.raises(RecordsRolledBackError) as info:
            vault.history("session_note", NOTE_1)
        assert "broken at version 2" in str(info.value)
        assert (info.value.kind, info.value.record_id) == ("session_note", NOTE_1)


def _outcome(tmp_path: Path, name: str) -> tuple[str, str]:
    """(error class, message) of opening, unlocking and reading everything."""
    try:
        with unlocked(golden(tmp_path, name)) as vault:
            for kind in LOAD_ORDER:
                failures = vault.load_kind(kind).failures
                if failures:
                    raise failures[0]
            vault.verify_all()
    except NoteappError as exc:
        return type(exc).__name__, str(exc).split(" It was not loaded")[0].split(" (")[0]
    return "ok", ""


def test_each_broken_file_gives_its_own_error(tmp_path: Path) -> None:
    outcomes = {name: _outcome(tmp_path, name) for name in SHA256}
    assert outcomes["valid_v2.noteapp"] == ("ok", "")
    assert outcomes["flipped_bit_record_v2.noteapp"][0] == "RecordIntegrityError"
    assert outcomes["swapped_records_v2.noteapp"][0] == "RecordIntegrityError"
    assert outcomes["flipped_bit_header_v2.noteapp"][0] == "VaultHeaderDamagedError"
    assert outcomes["tampered_header_v2.noteapp"][0] == "VaultHeaderTamperedError"
    assert outcomes["truncated_v2.noteapp"][0] == "VaultCorruptError"
    assert outcomes["inflated_kdf_v2.noteapp"][0] == "KdfParametersError"
    assert outcomes["rolled_back_v2.noteapp"][0] == "RecordsRolledBackError"
    assert outcomes["deleted_middle_version_v2.noteapp"][0] == "RecordsRolledBackError"
    # Distinct: the two record errors and the two rollback errors differ in what they say.
    assert len(set(outcomes.values())) == len(outcomes)


def test_golden_files_were_made_with_the_fast_kdf_and_format_2() -> None:
    uri = f"{(DATA / 'valid_v2.noteapp').as_uri()}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    try:
        raw = conn.execute("SELECT value FROM meta WHERE key='header'").fetchone()[0]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    finally:
        conn.close()
    assert b'"memory_kib":19456' in raw
    assert b'"iterations":2' in raw
    assert b'"format":2' in raw
