"""Property tests: any JSON-able record round-trips exactly, and no plaintext reaches disk."""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noteapp.domain.clock import FakeClock
from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE

# Text as clinicians paste it: any code point except lone surrogates (which no UTF-8 file,
# keyboard or clipboard produces), plus hand-picked hard cases.
HARD_TEXT = [
    "",
    "\x00\x01\x07\x1b\x7f\u0085\u2028\u2029",  # control characters, odd line breaks
    "שלום עולם — מטופל",  # Hebrew (RTL)
    "مرحبا بالعالم \u200f\u202e",  # Arabic with RTL marks and an override
    "👩🏽‍⚕️🧠🌱 family: 👨‍👩‍👧‍👦",  # emoji with skin tones and ZWJ sequences
    "e\u0301 vs é, ﬁ ligature, \ufeff BOM, \ufffd",
    "{{ 7*7 }} <script>alert(1)</script> '; DROP TABLE records; --",
    '"quoted" \\backslash\\ \\u0000 not an escape',
]
text = st.one_of(st.sampled_from(HARD_TEXT), st.text(max_size=200))
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(text, children, max_size=5)
    ),
    max_leaves=25,
)
records = st.dictionaries(text, json_values, max_size=8)
kinds = st.sampled_from(["contact", "session_note", "psychotherapy_note", "psychotherapy.x"])

_ids = itertools.count()


@pytest.fixture(scope="module")
def shared_vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    """One vault for all examples (Argon2 and file creation once, not per example)."""
    path = tmp_path_factory.mktemp("prop") / "vault.noteapp"
    vault, _ = Vault.create(path, PASSPHRASE, params=FAST_KDF, clock=FakeClock())
    yield vault
    vault.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=kinds, data=records, update=records)
def test_any_json_record_round_trips_exactly(
    shared_vault: Vault, kind: str, data: dict[str, Any], update: dict[str, Any]
) -> None:
    record_id = f"r{next(_ids)}"
    assert shared_vault.put(kind, record_id, data) == 1
    assert shared_vault.put(kind, record_id, update) == 2
    got = shared_vault.get(kind, record_id)
    assert got.data == update
    # Exact: same JSON text, so types (int vs float, key order) survive too.
    assert json.dumps(got.data) == json.dumps(update)
    history = shared_vault.history(kind, record_id)
    assert [json.dumps(r.data) for r in history] == [json.dumps(data), json.dumps(update)]


def test_very_long_mixed_text_round_trips(shared_vault: Vault) -> None:
    long_text = "".join(HARD_TEXT) * 20_000  # about 2.5 MB of UTF-8
    data = {"text": long_text, "lines": ["x" * 10_000] * 50}
    shared_vault.put("session_note", "long", data)
    assert shared_vault.get("session_note", "long").data == data


# --- no plaintext on disk ------------------------------------------------------------------


def _disk_bytes(directory: Path) -> dict[str, bytes]:
    """Every file in the vault's folder: the database, -wal, -shm, lock, any temp file."""
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def _encodings(needle: str) -> list[bytes]:
    forms = [needle.encode("utf-8"), json.dumps(needle).encode()[1:-1]]
    forms.append(needle.encode("utf-16-le"))
    return [f for f in forms if len(f) >= 8]


def _assert_absent(files: dict[str, bytes], needles: list[str]) -> None:
    for name, content in files.items():
        for needle in needles:
            for form in _encodings(needle):
                assert form not in content, f"plaintext {needle[:20]!r} found in {name}"


def test_no_plaintext_in_the_files_while_open_and_after_close(tmp_path: Path) -> None:
    folder = tmp_path / "vaultdir"
    path = folder / "vault.noteapp"
    vault, recovery = Vault.create(path, PASSPHRASE, params=FAST_KDF, clock=FakeClock())
    needles = [
        "Zyxwvut Synthetic-Client-Name",
        "Qwertzuiop-Diagnosis-Text",
        "שלום-מטופל-סינתטי-ייחודי",
        "🧠🌱-synthetic-emoji-note-🌱🧠",
        "audit-detail-distinctive-value",
        "distinctive-key-name-in-record",
        PASSPHRASE,
        recovery,
        recovery.replace("-", ""),
    ]
    audit = AuditLog(vault)
    for i in range(30):
        with vault.transaction():
            vault.put(
                "contact",
                f"c{i}",
                {"name": needles[0], "dx": needles[1], "distinctive-key-name-in-record": i},
            )
            vault.put("session_note", f"n{i}", {"text": f"{needles[2]} {needles[3]} " * 20})
            vault.put("psychotherapy_note", f"p{i}", {"text": needles[1]})
            audit.append("edit", kind="contact", record_id=f"c{i}", detail={"x": needles[4]})
    data_key = bytes(vault._data_key or b"")
    assert len(data_key) == 32
    while_open = _disk_bytes(folder)
    assert any(name.endswith("-wal") and content for name, content in while_open.items())
    _assert_absent(while_open, needles)
    for content in while_open.values():
        assert data_key not in content
    vault.close()
    after_close = _disk_bytes(folder)
    _assert_absent(after_close, needles)
    for content in after_close.values():
        assert data_key not in content


def test_the_leak_check_can_fail(tmp_path: Path) -> None:
    """The detector above finds plaintext where there is some (else it proves nothing)."""
    (tmp_path / "x-wal").write_bytes(b"...Zyxwvut Synthetic-Client-Name...")
    with pytest.raises(AssertionError):
        _assert_absent(_disk_bytes(tmp_path), ["Zyxwvut Synthetic-Client-Name"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=st.text(min_size=1, max_size=300))
def test_no_plaintext_of_arbitrary_text_on_disk(shared_vault: Vault, payload: str) -> None:
    # A random marker makes every needle distinctive, whatever text Hypothesis picks
    # (plain "0000" would otherwise be found in any file).
    marker = secrets.token_hex(8)
    needle = f"{marker}{payload}"
    shared_vault.put("session_note", f"leak{next(_ids)}", {"text": needle, marker: payload})
    _assert_absent(_disk_bytes(shared_vault.path.parent), [needle, marker])
