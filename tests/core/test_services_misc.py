"""IdleTimer, the passphrase strength hint, and the demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from noteapp.crypto import Argon2Params
from noteapp.demo import DEMO_PASSPHRASE, create_demo_vault, fill_demo
from noteapp.domain.clients import ClientStatus
from noteapp.domain.clock import FakeClock
from noteapp.domain.passphrase import estimate
from noteapp.services.autolock import IdleTimer
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace

FAST_KDF = Argon2Params(memory_kib=19 * 1024, iterations=2, lanes=1)

# --- IdleTimer -------------------------------------------------------------------------


def test_idle_timer_due_after_minutes(clock: FakeClock) -> None:
    t = IdleTimer(clock, 5)
    assert not t.due() and t.seconds_left() == 300
    clock.advance(299)
    assert not t.due()
    clock.advance(1)
    assert t.due() and t.seconds_left() == 0


def test_idle_timer_touch_resets(clock: FakeClock) -> None:
    t = IdleTimer(clock, 1)
    clock.advance(50)
    t.touch()
    clock.advance(50)
    assert not t.due()
    clock.advance(10)
    assert t.due()


def test_idle_timer_zero_is_never(clock: FakeClock) -> None:
    t = IdleTimer(clock, 0)
    clock.advance(10**7)
    assert not t.due() and t.seconds_left() is None


def test_idle_timer_set_minutes_restarts(clock: FakeClock) -> None:
    t = IdleTimer(clock, 0)
    clock.advance(1000)
    t.set_minutes(2)
    assert t.seconds_left() == 120
    clock.advance(120)
    assert t.due()


# --- passphrase strength -----------------------------------------------------------------


@pytest.mark.parametrize("weak", ["password", "Password1", "qwerty", "12345678", "aaaaaaaaaaaa"])
def test_common_passwords_are_very_weak(weak: str) -> None:
    assert estimate(weak).score == 0


def test_four_random_words_are_strong() -> None:
    for phrase in ("correct horse battery staple", "maple orbit velvet canyon"):
        s = estimate(phrase)
        assert s.score >= 3 and s.label in ("Good", "Strong")


def test_empty_and_short_passphrases_hint_about_length() -> None:
    empty = estimate("")
    assert (empty.score, empty.bits) == (0, 0)
    for short in ("x", "Tr0ub4!", "abcdefghi"):
        s = estimate(short)
        assert "10 characters" in s.hint
        assert s.score <= 2


def test_estimate_roughly_monotone() -> None:
    ladder = ["a", "abcxyz", "kqzvmwpt", "kqzvmwpt7R", "kqzvmwpt7R!xq", "kqzvm wpt7R!xq#Lp2 9vB"]
    scores = [estimate(p).score for p in ladder]
    bits = [estimate(p).bits for p in ladder]
    assert scores == sorted(scores)
    assert bits == sorted(bits)
    assert scores[0] == 0 and scores[-1] == 4


def test_estimate_never_negative_and_labels_match() -> None:
    labels = ["Very weak", "Weak", "Fair", "Good", "Strong"]
    for p in ("1234", "abcd", "0123456789", "ñandú", "日本語のパスフレーズ"):
        s = estimate(p)
        assert s.bits >= 0 and 0 <= s.score <= 4 and s.label == labels[s.score]


# --- demo ------------------------------------------------------------------------------


def _summary(ws: Workspace) -> list[tuple[object, ...]]:
    return [
        (c.name, c.code, c.dob, c.status, c.diagnoses, c.admitted_on, c.contact)
        for c in ws.clients.list()
    ]


def test_fill_demo_creates_clients_and_profile(workspace: Any) -> None:
    ws: Workspace = workspace
    ids = fill_demo(ws, clients=14)
    assert len(ids) == len(set(ids)) == 14
    assert len(ws.clients.list()) == 14
    assert len(ws.clients.list(status=ClientStatus.DISCHARGED)) == 2  # every 7th
    profile = ws.profile.get()
    assert profile is not None and "demo" in profile.license_number
    for c in ws.clients.list():
        assert c.dob is not None and c.dob < ws.clock.now().date()
        assert c.contact.email.endswith("@example.org")


def test_fill_demo_is_deterministic(tmp_path: Path, paths: AppPaths) -> None:
    summaries = []
    for n in range(2):
        ws, _ = Workspace.create(
            tmp_path / f"v{n}.noteapp",
            DEMO_PASSPHRASE,
            params=FAST_KDF,
            clock=FakeClock(),
            paths=paths,
        )
        try:
            fill_demo(ws, clients=10)
            summaries.append(_summary(ws))
        finally:
            ws.close()
    assert summaries[0] == summaries[1]
    assert len(summaries[0]) == 10


def test_fill_demo_keeps_an_existing_profile(workspace: Any) -> None:
    ws: Workspace = workspace
    mine = ws.profile.set(name="Real Clinician")
    fill_demo(ws, clients=2)
    assert ws.profile.get() == mine


def test_create_demo_vault_opens_with_demo_passphrase(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    path = tmp_path / "demo" / "demo.noteapp"
    ws = create_demo_vault(path, clients=5, paths=paths, clock=clock, params=FAST_KDF)
    before = _summary(ws)
    ws.close()
    ws2 = Workspace.unlock(path, DEMO_PASSPHRASE, clock=clock, paths=paths)
    try:
        assert _summary(ws2) == before and len(before) == 5
        assert ws2.profile.get() is not None
    finally:
        ws2.close()
