"""Golden files of vault format version 1 (tests/data; see its README.md).

Every format version ever shipped must stay readable. These files were made once by
tests/data/make_golden_v1.py and are kept forever; their sha256 is pinned below so nobody
regenerates them silently. Tests work on copies and never modify tests/data.
"""

from __future__ import annotations

import hashlib
import re
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
    RefusedError,
    VaultCorruptError,
    VaultHeaderTamperedError,
)
from noteapp.vault import migrate
from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault

DATA = Path(__file__).resolve().parents[1] / "data"

PASSPHRASE = "golden v1 synthetic passphrase: lantern orchard 4217"
RECOVERY_KEY = "CPBN-RAQA-IPT3-F2HR-XALB-SKI6-2MVP-MEG2"
DEVICE_KEY = bytes.fromhex("5eed" * 16)

SHA256 = {
    "valid_v1.noteapp": "e1a157b5001b032bfcce5085af58883f7d99029b2abec914b832b1418fbc121d",
    "flipped_bit_record_v1.noteapp": (
        "943301ef024f55a8434baa1d8eee9d8e959a31cbc86d89e13b4872beff851ee4"
    ),
    "flipped_bit_header_v1.noteapp": (
        "3c378dfffb3816269d5a5a03898242af5e9cf5bd2d2e7ded877cdb8055d46cb1"
    ),
    "truncated_v1.noteapp": "8408a0b2b33b751b1009321c3261fe2ae9a7c0a510d18e776b9bf62336b23937",
    "inflated_kdf_v1.noteapp": "37c7c0c970998a574529481951001c22b6967a36b30c1c55c594325a003fa7f1",
    "swapped_records_v1.noteapp": (
        "1c49b7e00b07154eeef6d74d2a92fb44cbf86cd0aace3a4ab6ad61b0c60bdfb1"
    ),
}

CONTACT_A = "ca0000a1000000000000000000000001"
CONTACT_B = "cb0000b2000000000000000000000002"
NOTE_1 = "d10000e1000000000000000000000003"
NOTE_2 = "d20000e2000000000000000000000004"
PSY_1 = "e10000f1000000000000000000000005"

# Every version of every record, written independently of make_golden_v1.py.
EXPECTED: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("contact", CONTACT_A): [
        {"code": "SYN-001", "name": "Testperson Alpha", "born": "1980-01-01"},
    ],
    ("contact", CONTACT_B): [
        {"code": "SYN-002", "name": "Тестовая Бета שלום 🌱", "born": None},
    ],
    ("session_note", NOTE_1): [
        {"client": CONTACT_A, "text": "Draft one.", "minutes": 50},
        {"client": CONTACT_A, "text": "Draft two.", "minutes": 50},
        {"client": CONTACT_A, "text": "Final text.", "minutes": 53, "signed": True},
    ],
    ("session_note", NOTE_2): [
        {"client": CONTACT_B, "text": "مرحبا — synthetic\tline\nend"},
    ],
    ("psychotherapy_note", PSY_1): [
        {"client": CONTACT_A, "text": "Process note v1."},
        {"client": CONTACT_A, "text": "Process note v2."},
    ],
}
# load_kind order: by the write of each record's latest version.
LOAD_ORDER = {
    "contact": [CONTACT_A, CONTACT_B],
    "session_note": [NOTE_2, NOTE_1],
    "psychotherapy_note": [PSY_1],
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
    assert sorted(p.name for p in DATA.glob("*_v1.noteapp")) == sorted(SHA256)
    assert all(re.search(r"_v\d+\.noteapp$", p.name) for p in DATA.glob("*.noteapp"))


def _check_valid_contents(vault: Vault) -> None:
    for (kind, record_id), versions in EXPECTED.items():
        latest = vault.get(kind, record_id)
        assert latest.version == len(versions)
        assert latest.data == versions[-1]
        history = vault.history(kind, record_id)
        assert [r.version for r in history] == list(range(1, len(versions) + 1))
        assert [r.data for r in history] == versions
    for kind, ids in LOAD_ORDER.items():
        result = vault.load_kind(kind)
        assert result.failures == []
        assert [r.id for r in result.records] == ids
    assert sorted(vault.kinds()) == sorted(LOAD_ORDER)
    assert vault.count() == 5
    assert vault.verify_all() == []
    log = AuditLog(vault)
    verification = log.verify()
    assert (verification.ok, verification.entries) == (True, 10)
    entries = log.entries()
    assert [e.action for e in entries] == AUDIT_ACTIONS
    assert entries[0].time == "2026-01-05T09:00:00+00:00"
    assert entries[-1].time == "2026-01-05T09:08:00+00:00"
    assert (entries[-1].kind, entries[-1].record_id) == ("psychotherapy_note", PSY_1)
    assert entries[-1].detail == {"version": 2}


def test_valid_v1_opens_with_the_passphrase(tmp_path: Path) -> None:
    vault = unlocked(golden(tmp_path, "valid_v1.noteapp"))
    try:
        assert vault.header.format_version == 1
        assert vault.header.created == "2026-01-05T09:00:00+00:00"
        assert sorted(s.type for s in vault.header.slots) == ["keychain", "passphrase", "recovery"]
        assert vault.failed_unlocks_before_this_one == 0
        _check_valid_contents(vault)
    finally:
        vault.close()


@pytest.mark.parametrize(
    "spelling",
    [RECOVERY_KEY, RECOVERY_KEY.lower().replace("-", " "), "cpbnraqa1pt3f2hrxal8sk162mvpmeg2"],
)
def test_valid_v1_opens_with_the_recovery_key(tmp_path: Path, spelling: str) -> None:
    vault = Vault.open(golden(tmp_path, "valid_v1.noteapp"))
    try:
        vault.unlock_with_recovery_key(spelling)
        _check_valid_contents(vault)
    finally:
        vault.close()


def test_valid_v1_opens_with_the_device_key(tmp_path: Path) -> None:
    vault = Vault.open(golden(tmp_path, "valid_v1.noteapp"))
    try:
        vault.unlock_with_device_key(DEVICE_KEY)
        _check_valid_contents(vault)
    finally:
        vault.close()


def test_valid_v1_is_never_written_but_upgrades_and_stays_writable(tmp_path: Path) -> None:
    """noteapp writes only the current format: a v1 file is read as it is, and upgraded
    (tests/core/test_vault_upgrade.py) before anything is written to it."""
    path = golden(tmp_path, "valid_v1.noteapp")
    vault = unlocked(path)
    try:
        with pytest.raises(RefusedError):
            vault.put("session_note", NOTE_1, {"text": "an addendum"})
        with pytest.raises(RefusedError):
            AuditLog(vault).append("edit", kind="session_note", record_id=NOTE_1)
        assert migrate.upgrade(vault) is not None
        assert vault.put("session_note", NOTE_1, {"text": "an addendum"}) == 4
        AuditLog(vault).append("edit", kind="session_note", record_id=NOTE_1)
    finally:
        vault.close()
    vault = unlocked(path)
    try:
        assert vault.format_version == 2
        assert vault.get("session_note", NOTE_1).data == {"text": "an addendum"}
        assert AuditLog(vault).verify().entries == 11
    finally:
        vault.close()


def test_flipped_bit_record(tmp_path: Path) -> None:
    vault = unlocked(golden(tmp_path, "flipped_bit_record_v1.noteapp"))
    try:
        with pytest.raises(RecordIntegrityError) as info:
            vault.get("session_note", NOTE_2)
        err = info.value
        assert (err.kind, err.record_id) == ("session_note", NOTE_2)
        assert "session_note/d20000e2" in str(err)
        assert "swapped" not in str(err)
        assert "مرحبا" not in str(err)  # the message never holds record data
        result = vault.load_kind("session_note")
        assert [r.id for r in result.records] == [NOTE_1]
        assert result.records[0].data == EXPECTED[("session_note", NOTE_1)][-1]
        assert [(f.kind, f.record_id) for f in result.failures] == [("session_note", NOTE_2)]
        # Everything else reads.
        assert len(vault.load_kind("contact").records) == 2
        assert vault.get("psychotherapy_note", PSY_1).version == 2
        assert [f.record_id for f in vault.verify_all()] == [NOTE_2]
        assert AuditLog(vault).verify().ok
    finally:
        vault.close()


def test_flipped_bit_header(tmp_path: Path) -> None:
    path = golden(tmp_path, "flipped_bit_header_v1.noteapp")
    vault = Vault.open(path)
    try:
        assert vault.header.created == "2026-01-04T09:00:00+00:00"  # the flipped bit
        with pytest.raises(VaultHeaderTamperedError):
            vault.unlock_with_passphrase(PASSPHRASE)
        with pytest.raises(VaultHeaderTamperedError):
            vault.unlock_with_recovery_key(RECOVERY_KEY)
        with pytest.raises(VaultHeaderTamperedError):
            vault.unlock_with_device_key(DEVICE_KEY)
        assert not vault.is_unlocked
    finally:
        vault.close()


def test_truncated(tmp_path: Path) -> None:
    path = golden(tmp_path, "truncated_v1.noteapp")
    with pytest.raises(VaultCorruptError) as info:
        vault = Vault.open(path)
        try:
            vault.unlock_with_passphrase(PASSPHRASE)
        finally:
            vault.close()
    assert type(info.value) is VaultCorruptError
    assert sha256(path) == SHA256["truncated_v1.noteapp"]  # nothing written


def test_inflated_kdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = golden(tmp_path, "inflated_kdf_v1.noteapp")

    def no_kdf(*args: object, **kwargs: object) -> None:
        raise AssertionError("Argon2 must not run")

    monkeypatch.setattr(crypto, "Argon2id", no_kdf)
    start = time.perf_counter()
    with pytest.raises(KdfParametersError) as info:
        Vault.open(path)
    assert time.perf_counter() - start < 1.0
    assert "65536 MiB" in str(info.value)
    assert "1000 iterations" in str(info.value)
    assert sha256(path) == SHA256["inflated_kdf_v1.noteapp"]


def test_swapped_records(tmp_path: Path) -> None:
    vault = unlocked(golden(tmp_path, "swapped_records_v1.noteapp"))
    try:
        for record_id, other in ((CONTACT_A, "cb0000b2"), (CONTACT_B, "ca0000a1")):
            with pytest.raises(RecordIntegrityError) as info:
                vault.get("contact", record_id)
            message = str(info.value)
            assert "swapped" in message
            assert f"contact/{record_id[:8]}" in message
            assert f"contact/{other}" in message
            assert info.value.record_id == record_id
        result = vault.load_kind("contact")
        assert result.records == []
        assert sorted(f.record_id for f in result.failures) == [CONTACT_A, CONTACT_B]
        assert all("swapped" in str(f) for f in result.failures)
        assert [r.id for r in vault.load_kind("session_note").records] == [NOTE_2, NOTE_1]
        assert vault.get("psychotherapy_note", PSY_1).version == 2
    finally:
        vault.close()


def _outcome(tmp_path: Path, name: str) -> tuple[str, str]:
    """(error class, message) of opening, unlocking and reading everything."""
    try:
        vault = unlocked(golden(tmp_path, name))
        try:
            for kind in LOAD_ORDER:
                failures = vault.load_kind(kind).failures
                if failures:
                    raise failures[0]
        finally:
            vault.close()
    except NoteappError as exc:
        return type(exc).__name__, str(exc).split(" It was not loaded")[0].split(" (")[0]
    return "ok", ""


def test_each_broken_file_gives_its_own_error(tmp_path: Path) -> None:
    outcomes = {name: _outcome(tmp_path, name) for name in SHA256}
    assert outcomes["valid_v1.noteapp"] == ("ok", "")
    assert outcomes["flipped_bit_record_v1.noteapp"][0] == "RecordIntegrityError"
    assert outcomes["swapped_records_v1.noteapp"][0] == "RecordIntegrityError"
    assert outcomes["flipped_bit_header_v1.noteapp"][0] == "VaultHeaderTamperedError"
    assert outcomes["truncated_v1.noteapp"][0] == "VaultCorruptError"
    assert outcomes["inflated_kdf_v1.noteapp"][0] == "KdfParametersError"
    # Distinct: the two record errors differ in what they say (damaged vs swapped).
    assert len(set(outcomes.values())) == len(outcomes)


def test_golden_files_were_made_with_the_fast_kdf() -> None:
    """Keeps the golden tests fast: the valid file's KDF is OWASP's minimum."""
    conn = sqlite3.connect(f"{(DATA / 'valid_v1.noteapp').as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        raw = conn.execute("SELECT value FROM meta WHERE key='header'").fetchone()[0]
    finally:
        conn.close()
    assert b'"memory_kib":19456' in raw
    assert b'"iterations":2' in raw
    assert b'"format":1' in raw
