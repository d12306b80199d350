"""noteapp.crypto: AEAD, Argon2id parameters and calibration, HKDF/HMAC, Ed25519."""

from __future__ import annotations

import hashlib
import re
import time
from types import SimpleNamespace

import pytest

from noteapp import crypto
from noteapp.crypto import Argon2Params, DecryptionError
from noteapp.domain.errors import InvalidInputError
from noteapp.services.workspace import kdf_params

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
AD = b"noteapp v1 record\0vault\0note\0id\x001"

# RFC 8032, section 7.1, test 1 (empty message).
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
    "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

# --- AEAD ----------------------------------------------------------------------------------


@pytest.mark.parametrize("plaintext", [b"", b"x", "Синтетический текст שלום 🌱".encode() * 50])
def test_aead_round_trip(plaintext: bytes) -> None:
    blob = crypto.aead_encrypt(KEY, plaintext, AD)
    assert len(blob) == crypto.NONCE_BYTES + len(plaintext) + 16
    assert crypto.aead_decrypt(KEY, blob, AD) == plaintext
    cipher = crypto.Aead(bytearray(KEY))
    assert cipher.decrypt(cipher.encrypt(plaintext, AD), AD) == plaintext
    # Both interfaces are the same AES-256-GCM layout.
    assert cipher.decrypt(blob, AD) == plaintext
    assert crypto.aead_decrypt(KEY, cipher.encrypt(plaintext, AD), AD) == plaintext


def test_aead_fresh_nonce_per_encryption() -> None:
    blobs = {crypto.aead_encrypt(KEY, b"same text", AD) for _ in range(50)}
    assert len(blobs) == 50
    assert len({b[: crypto.NONCE_BYTES] for b in blobs}) == 50
    cipher = crypto.Aead(KEY)
    assert len({cipher.encrypt(b"same", AD)[: crypto.NONCE_BYTES] for _ in range(50)}) == 50


def test_plaintext_not_in_ciphertext() -> None:
    plaintext = b"SYNTHETIC-DISTINCTIVE-PLAINTEXT" * 4
    assert plaintext[:16] not in crypto.aead_encrypt(KEY, plaintext, AD)


@pytest.mark.parametrize(
    "wrong_ad",
    [b"", AD + b"\0", AD[:-1] + b"2", AD.replace(b"note", b"nota"), b"x" * len(AD)],
)
def test_aead_wrong_associated_data_fails(wrong_ad: bytes) -> None:
    blob = crypto.aead_encrypt(KEY, b"secret", AD)
    with pytest.raises(DecryptionError):
        crypto.aead_decrypt(KEY, blob, wrong_ad)
    with pytest.raises(DecryptionError):
        crypto.Aead(KEY).decrypt(blob, wrong_ad)


def test_aead_wrong_key_fails() -> None:
    blob = crypto.aead_encrypt(KEY, b"secret", AD)
    with pytest.raises(DecryptionError):
        crypto.aead_decrypt(OTHER_KEY, blob, AD)
    with pytest.raises(DecryptionError):
        crypto.Aead(OTHER_KEY).decrypt(blob, AD)


def test_aead_every_single_bit_flip_fails() -> None:
    blob = crypto.aead_encrypt(KEY, b"short secret", AD)
    cipher = crypto.Aead(KEY)
    for i in range(len(blob)):
        for bit in (0, 7):
            tampered = bytearray(blob)
            tampered[i] ^= 1 << bit
            with pytest.raises(DecryptionError):
                cipher.decrypt(bytes(tampered), AD)


@pytest.mark.parametrize("cut", [0, 1, crypto.NONCE_BYTES, crypto.NONCE_BYTES + 15])
def test_aead_too_short_or_truncated_fails(cut: int) -> None:
    blob = crypto.aead_encrypt(KEY, b"secret", AD)
    with pytest.raises(DecryptionError):
        crypto.aead_decrypt(KEY, blob[:cut], AD)
    with pytest.raises(DecryptionError):
        crypto.Aead(KEY).decrypt(blob[:cut], AD)
    with pytest.raises(DecryptionError):
        crypto.aead_decrypt(KEY, blob[:-1], AD)  # tag cut short by one byte
    with pytest.raises(DecryptionError):
        crypto.aead_decrypt(KEY, blob + b"\0", AD)  # a byte appended


# --- HKDF, HMAC, hashes --------------------------------------------------------------------


def test_hkdf_separates_purposes_and_is_deterministic() -> None:
    a = crypto.hkdf(KEY, b"noteapp v1 records")
    b = crypto.hkdf(KEY, b"noteapp v1 compartment psychotherapy")
    assert len(a) == len(b) == crypto.KEY_BYTES
    assert a != b
    assert a == crypto.hkdf(bytearray(KEY), b"noteapp v1 records")
    assert a != crypto.hkdf(OTHER_KEY, b"noteapp v1 records")
    assert len(crypto.hkdf(KEY, b"x", length=64)) == 64


def test_hmac_and_constant_time_equal() -> None:
    mac = crypto.hmac_sha256(KEY, b"header")
    assert len(mac) == 32
    assert crypto.constant_time_equal(mac, crypto.hmac_sha256(bytearray(KEY), b"header"))
    assert not crypto.constant_time_equal(mac, crypto.hmac_sha256(KEY, b"headeR"))
    assert not crypto.constant_time_equal(mac, crypto.hmac_sha256(OTHER_KEY, b"header"))
    assert crypto.sha256(b"abc") == hashlib.sha256(b"abc").digest()


def test_random_bytes_and_wipe() -> None:
    assert len(crypto.random_bytes(32)) == 32
    assert crypto.random_bytes(32) != crypto.random_bytes(32)
    buf = bytearray(b"\xff" * 40)
    crypto.wipe(buf)
    assert buf == bytearray(40)


# --- Argon2id ------------------------------------------------------------------------------

FAST = Argon2Params(memory_kib=19 * 1024, iterations=2, lanes=1)


def test_derive_is_deterministic_and_salted() -> None:
    salt = b"s" * crypto.SALT_BYTES
    k1 = crypto.derive_passphrase_key("pässphrase 🌱", salt, FAST)
    assert len(k1) == crypto.KEY_BYTES
    assert k1 == crypto.derive_passphrase_key("pässphrase 🌱", salt, FAST)
    assert k1 != crypto.derive_passphrase_key("pässphrase 🌱", b"t" * crypto.SALT_BYTES, FAST)
    assert k1 != crypto.derive_passphrase_key("passphrase 🌱", salt, FAST)
    assert k1 != crypto.derive_passphrase_key("pässphrase 🌱", salt, Argon2Params(19 * 1024, 3, 1))


@pytest.mark.parametrize(
    "params",
    [
        Argon2Params(19 * 1024 - 1, 2, 1),  # memory below OWASP's minimum
        Argon2Params(19 * 1024, 1, 1),  # iterations below OWASP's minimum
        Argon2Params(8 * 1024, 1, 1),
        Argon2Params(64 * 1024, 3, 0),  # no lanes
    ],
)
def test_check_explicit_refuses_weak_settings(params: Argon2Params) -> None:
    with pytest.raises(ValueError):
        params.check_explicit()


@pytest.mark.parametrize(
    "params",
    [
        Argon2Params(19 * 1024, 2, 1),  # exactly OWASP's minimum is allowed
        Argon2Params(64 * 1024, 3, 4),
        Argon2Params(1024 * 1024, 3, 16),  # exactly the memory bound and the cost bound
        Argon2Params(256 * 1024, 10, 4),  # the most calibration ever picks
        Argon2Params(300 * 1024, 10, 4),  # exactly the iteration bound, cost within
    ],
)
def test_check_explicit_and_bounds_accept_sane_settings(params: Argon2Params) -> None:
    params.check_explicit()
    params.check_bounds()


@pytest.mark.parametrize(
    "params",
    [
        Argon2Params(1024 * 1024 + 1, 1, 4),  # memory > 1 GiB
        Argon2Params(4 * 1024 * 1024, 3, 4),  # 4 GiB (accepted before issue #9)
        Argon2Params(64 * 1024 * 1024, 3, 4),  # 64 GiB
        Argon2Params(64 * 1024, 11, 4),  # iterations > 10
        Argon2Params(64 * 1024, 20, 4),  # 20 passes (accepted before issue #9)
        Argon2Params(1024 * 1024, 4, 4),  # both within bounds, the cost beyond 3 GiB-passes
        Argon2Params(512 * 1024, 7, 4),
        Argon2Params(64 * 1024, 1000, 4),
        Argon2Params(64 * 1024, 3, 17),  # lanes > 16
        Argon2Params(0, 3, 4),
        Argon2Params(-1, 3, 4),
        Argon2Params(64 * 1024, 0, 4),
        Argon2Params(64 * 1024, 3, 0),
        Argon2Params(8 * 4 - 1, 3, 4),  # less than 8 KiB per lane
    ],
)
def test_bounds_refuse_and_derive_refuses_before_any_work(params: Argon2Params) -> None:
    with pytest.raises(ValueError):
        params.check_bounds()
    with pytest.raises(ValueError):
        params.check_explicit()
    start = time.perf_counter()
    with pytest.raises(ValueError):
        crypto.derive_passphrase_key("x", b"s" * crypto.SALT_BYTES, params)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("memory_mib", "iterations", "lanes"),
    [
        (18, 3, 4),
        (64, 1, 4),
        (4097, 3, 4),
        (1025, 2, 4),
        (64, 11, 4),
        (1024, 4, 4),
        (64, 3, 17),
        (64, 3, 0),
    ],
)
def test_explicit_kdf_settings_from_the_user_are_refused(
    memory_mib: int, iterations: int, lanes: int
) -> None:
    with pytest.raises(InvalidInputError):
        kdf_params(memory_mib=memory_mib, iterations=iterations, lanes=lanes)


def test_explicit_kdf_settings_from_the_user_fill_in_defaults() -> None:
    assert kdf_params(memory_mib=19, iterations=2, lanes=1) == FAST
    assert kdf_params(memory_mib=128) == Argon2Params(128 * 1024, 3, 4)
    assert kdf_params(iterations=5) == Argon2Params(64 * 1024, 5, 4)


def test_hostile_maximum_costs_at_most_a_few_calibrations() -> None:
    """The bounds a file may ask for: at most 1 GiB, and a time cost (memory x passes) at most
    a little above the most expensive setting calibration ever picks."""
    assert crypto.ARGON2_MAX_MEMORY_KIB == 1024 * 1024
    most_calibrated = 256 * 1024 * 10
    assert most_calibrated <= crypto.ARGON2_MAX_COST_KIB_PASSES <= 1.25 * most_calibrated
    Argon2Params(256 * 1024, 10, 4).check_bounds()


def test_bound_messages_name_the_limit() -> None:
    with pytest.raises(ValueError, match="at most 1024 MiB"):
        Argon2Params(2048 * 1024, 2, 4).check_bounds()
    with pytest.raises(ValueError, match="at most 10"):
        Argon2Params(64 * 1024, 12, 4).check_bounds()
    with pytest.raises(ValueError, match="memory x iterations"):
        Argon2Params(1024 * 1024, 4, 4).check_bounds()


def test_calibration_never_goes_below_the_floor() -> None:
    # Calibration runs Argon2 with 64 MiB to measure this machine: run it once only.
    params = crypto.calibrate_argon2()
    assert params.memory_kib >= 64 * 1024
    assert params.iterations >= 3
    assert params.lanes >= 4
    assert params.memory_kib % 1024 == 0
    assert params.memory_kib <= 1024 * 1024
    params.check_explicit()  # what calibration picks is also valid for a header on disk


def test_calibration_floor_holds_on_a_very_fast_or_very_slow_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Simulate the probe's measured duration; no real Argon2 work is done.
    for measured in (1e-9, 0.001, 5.0, 1000.0):
        ticks = iter([0.0, measured, 0.0, measured])  # the probe, then the chosen size
        monkeypatch.setattr(crypto, "time", SimpleNamespace(perf_counter=lambda t=ticks: next(t)))
        monkeypatch.setattr(crypto, "derive_passphrase_key", lambda *a: b"\0" * 32)
        params = crypto.calibrate_argon2(1.0)
        assert params.memory_kib >= crypto.ARGON2_FLOOR_MEMORY_KIB
        assert params.iterations >= crypto.ARGON2_FLOOR_ITERATIONS
        assert params.lanes == crypto.ARGON2_DEFAULT_LANES
        params.check_bounds()


# --- Ed25519 -------------------------------------------------------------------------------


def test_ed25519_known_answer_rfc8032() -> None:
    assert crypto.sign(RFC8032_SECRET, b"") == RFC8032_SIGNATURE
    assert crypto.verify_signature(RFC8032_PUBLIC, RFC8032_SIGNATURE, b"")


def test_ed25519_sign_verify_and_failures() -> None:
    private, public = crypto.generate_signing_keypair()
    assert len(private) == 32
    assert len(public) == 32
    message = "signed payload — ﷽ 🌱".encode()
    sig = crypto.sign(bytearray(private), message)
    assert len(sig) == 64
    assert crypto.verify_signature(public, sig, message)
    assert not crypto.verify_signature(public, sig, message + b" ")
    tampered = bytearray(sig)
    tampered[10] ^= 1
    assert not crypto.verify_signature(public, bytes(tampered), message)
    _, other_public = crypto.generate_signing_keypair()
    assert not crypto.verify_signature(other_public, sig, message)
    # Malformed inputs are a failed verification, not an exception.
    assert not crypto.verify_signature(public[:31], sig, message)
    assert not crypto.verify_signature(public, sig[:63], message)
    assert not crypto.verify_signature(b"", b"", message)


def test_fingerprint_format() -> None:
    _, public = crypto.generate_signing_keypair()
    fp = crypto.key_fingerprint(public)
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){7}", fp)
    assert fp == crypto.key_fingerprint(public)
    _, other = crypto.generate_signing_keypair()
    assert crypto.key_fingerprint(other) != fp
    # Pinned: fingerprints are printed on exports and compared by phone, so the format and
    # its domain separation may never change.
    assert crypto.key_fingerprint(RFC8032_PUBLIC) == "7238 F779 A5C8 B053 BBD5 71BE 1A2C F267"
    digest = hashlib.sha256(b"noteapp-ed25519-fingerprint\0" + RFC8032_PUBLIC).hexdigest()
    assert crypto.key_fingerprint(RFC8032_PUBLIC).replace(" ", "") == digest[:32].upper()
