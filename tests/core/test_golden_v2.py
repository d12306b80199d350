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
from noteapp.vault import codec
from noteapp.vault.audit import AuditLog
from noteapp.vault.format import record_ad_v2
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
RECOVERY_KEY = "WHDE-RVYY-PW5X-LAMW-TLPV-YHEZ-R3GZ-7VRM"
DEVICE_KEY = bytes.fromhex("5eed" * 16)
# create, keychain slot, keychain entry, 8 writes (each with its entry), 2 writes of the blob
GENERATION = 13
BLOB = "search/index"

SHA256 = {
    "valid_v2.noteapp": "c0d94c9da682ca60fda6bd37d2837a86189a4ffcf9ccd809b7f2f3f3756616d8",
    "flipped_bit_record_v2.noteapp": (
        "9e2c1c99cd3fcab07e5c5369607309955dcdbbc28ed96e117539848f5fdd0865"
    ),
    "flipped_bit_header_v2.noteapp": (
        "a44acccdbe46daf3f3075403a177e05a90e7664b10041260f7ddfb948ea70624"
    ),
    "tampered_header_v2.noteapp": (
        "24f3ebe09671918f5fda54083eca3fb9ff26c768874bb8f79ba4236e3536af9b"
    ),
    "truncated_v2.noteapp": "2717cb7eb323fa7407ea5fe6615e1d8ee1ea08bf3f2f4d659b439eec86f0b44c",
    "inflated_kdf_v2.noteapp": "991c78f73b666c85c9b27e8cf07fe61a7a44936285d2abf8e15e5af66ab7f78c",
    "swapped_records_v2.noteapp": (
        "337c0039501471c58e589898782b81044612d6e1fd460ceebe6e44dc8e93ba36"
    ),
    "rolled_back_v2.noteapp": "0ef512364a30bedc470c1b2b3de9065010f5941201f6f41aec6e2259321688bb",
    "deleted_middle_version_v2.noteapp": (
        "ff182840ee06eb8f6704db85be13b10cd3e090690e6eb29decbc34abf0e5a4da"
    ),
    "replayed_list_v2.noteapp": (
        "f9e8bd5ccf8c4f76ceeeeeeccd85b45c29a38386edede223a0f4917418455e3a"
    ),
    "moved_record_v2.noteapp": "413be50785cac84764168d32747bf7088f627738bfa878386fa1296a2e5a4da1",
    "stale_blob_v2.noteapp": "262d798dd12f660bbb6e1961c5c3334f05bda3e75e211d650ddffa345cd5c8cf",
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
    # Format 2's groups and summaries: each note is in its contact's group.
    assert [r.id for r in vault.load_group("psychotherapy_note", CONTACT_A).records] == [PSY_1]
    assert vault.load_group("psychotherapy_note", CONTACT_B).records == []
    assert [r.id for r in vault.load_group("session_note", CONTACT_A).records] == [NOTE_1]
    assert [r.id for r in vault.load_group("session_note", CONTACT_B).records] == [NOTE_2]
    summaries = {s.id: (s.version, s.data) for s in vault.summaries("session_note")}
    assert summaries == {NOTE_1: (3, {"signed": True}), NOTE_2: (1, {"signed": False})}
    assert [s.data for s in vault.summaries("contact")] == [None, None]
    assert vault.get_blob(BLOB) == b"synthetic index v2 " * 20
    assert vault.blob_names() == [BLOB]
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
        vault.put_blob(BLOB, b"rebuilt")
        AuditLog(vault).append("edit", kind="session_note", record_id=NOTE_1)
    with unlocked(path) as vault:
        assert vault.get("session_note", NOTE_1).data == {"text": "an addendum"}
        assert vault.generation == GENERATION + 3
        assert [r.data for r in vault.history("session_note", NOTE_1)][-2:] == [
            EXPECTED[("session_note", NOTE_1)][-1],
            {"text": "an addendum"},
        ]
        assert vault.load_group("session_note", CONTACT_A).records[0].version == 4
        assert vault.get_blob(BLOB) == b"rebuilt"
        assert vault.verify_all() == []


def test_valid_v2_stores_compressed_versions_and_older_ones_as_deltas(tmp_path: Path) -> None:
    with unlocked(golden(tmp_path, "valid_v2.noteapp")) as vault:
        cipher = vault.cipher_for("session_note")
        codecs = {}
        for version, parent, prev_tag, blob in vault.connection.execute(
            "SELECT version, parent, prev_tag, blob FROM records WHERE id=? ORDER BY version",
            (NOTE_1,),
        ):
            ad = record_ad_v2(vault.vault_id, "session_note", NOTE_1, version, parent, prev_tag)
            codecs[version] = cipher.decrypt(blob, ad)[0]
        assert codecs == {1: codec.DELTA, 2: codec.DELTA, 3: codec.RECORD_DEFLATED}
        assert parent == vault.group_key(CONTACT_A)


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
    """The signed final text deleted and the draft marked current: never shown as current.
    Every read that comes across it fails closed (its chart, its kind); another chart's
    notes still read."""
    with unlocked(golden(tmp_path, "rolled_back_v2.noteapp")) as vault:
        for read in (
            lambda: vault.get("session_note", NOTE_1),
            lambda: vault.history("session_note", NOTE_1),
            lambda: vault.load_group("session_note", CONTACT_A),
            lambda: vault.load_kind("session_note"),
            vault.verify_all,
        ):
            with pytest.raises(RecordsRolledBackError) as info:
                read()
            assert info.value.kind == "session_note"
            assert "Draft two" not in str(info.value)
        assert vault.get("session_note", NOTE_2).version == 1  # another chart
        assert len(vault.load_kind("contact").records) == 2  # other kinds read


def test_replayed_list_is_refused(tmp_path: Path) -> None:
    """Contact A's list of current notes put back as it was before the signed version: the
    state's digest of the lists no longer holds, so no note of that kind is trusted."""
    with unlocked(golden(tmp_path, "replayed_list_v2.noteapp")) as vault:
        for read in (
            lambda: vault.get("session_note", NOTE_1),
            lambda: vault.get("session_note", NOTE_2),
            lambda: vault.summaries("session_note"),
            lambda: vault.load_group("session_note", CONTACT_B),
        ):
            with pytest.raises(RecordsRolledBackError) as info:
                read()
            assert info.value.kind == "session_note"
        assert vault.get("psychotherapy_note", PSY_1).version == 2


def test_record_moved_to_another_chart_is_refused(tmp_path: Path) -> None:
    """NOTE_2's row claims contact A's group: it is in neither list as it stands."""
    with unlocked(golden(tmp_path, "moved_record_v2.noteapp")) as vault:
        for read in (
            lambda: vault.get("session_note", NOTE_2),
            lambda: vault.load_group("session_note", CONTACT_A),
            lambda: vault.load_group("session_note", CONTACT_B),
        ):
            with pytest.raises(RecordsRolledBackError):
                read()
        assert vault.get("session_note", NOTE_1).version == 3


def test_stale_blob_is_refused(tmp_path: Path) -> None:
    with unlocked(golden(tmp_path, "stale_blob_v2.noteapp")) as vault:
        with pytest.raises(RecordsRolledBackError) as info:
            vault.get_blob(BLOB)
        assert "indexes" in str(info.value)
        assert b"synthetic index" not in str(info.value).encode()
        assert vault.get("session_note", NOTE_1).version == 3  # records are not affected


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
    assert outcomes["replayed_list_v2.noteapp"][0] == "RecordsRolledBackError"
    assert outcomes["moved_record_v2.noteapp"][0] == "RecordsRolledBackError"
    assert outcomes["stale_blob_v2.noteapp"][0] == "RecordsRolledBackError"
    # Distinct where the cause differs: a replayed list, a moved row and a rolled-back
    # version all say the current records are not the ones saved last (the same remedy).
    assert outcomes["replayed_list_v2.noteapp"] == outcomes["rolled_back_v2.noteapp"]
    assert outcomes["moved_record_v2.noteapp"] == outcomes["rolled_back_v2.noteapp"]
    distinct = {
        v
        for k, v in outcomes.items()
        if k not in ("replayed_list_v2.noteapp", "moved_record_v2.noteapp")
    }
    assert len(distinct) == len(outcomes) - 2


def test_golden_files_were_made_with_the_fast_kdf_and_format_2() -> None:
    uri = f"{(DATA / 'valid_v2.noteapp').as_uri()}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    try:
        raw = conn.execute("SELECT value FROM meta WHERE key='header'").fetchone()[0]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 16384
    finally:
        conn.close()
    assert b'"memory_kib":19456' in raw
    assert b'"iterations":2' in raw
    assert b'"format":2' in raw
