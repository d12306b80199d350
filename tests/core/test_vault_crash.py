"""Never lose a save: a writer SIGKILLed at random moments loses nothing it acknowledged.

The child (crash_writer.py) prints an acknowledgement only after a write has returned. After
each kill the vault must open at once (the OS lock died with the process), hold every
acknowledged version with exactly the acknowledged data, load without failures, keep
multi-record transactions whole, and have an intact audit chain.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.errors import VaultInUseError
from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("crash_writer.py")
ITERATIONS = 30
KINDS = ("note", "batch", "psychotherapy_note")
ACK = re.compile(r"^ACK (\S+) (\S+) (\d+) ([0-9a-f]{64})$")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock semantics"),
]


def digest(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_and_kill(path: Path, seed: int, delay: float, wait_ready: bool, log: Path) -> list[str]:
    """Start the writer, SIGKILL it `delay` seconds after it is ready (or after start)."""
    env = {**os.environ, "NOTEAPP_CRASH_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO)}
    with open(log, "ab") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(path), str(seed)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=REPO,
            env=env,
        )
    watchdog = threading.Timer(60, proc.kill)  # never hang the suite on a stuck child
    watchdog.start()
    try:
        assert proc.stdout is not None
        if wait_ready:
            first = proc.stdout.readline()
            assert first == b"READY\n", f"writer did not start: {log.read_text()[-2000:]}"
        time.sleep(delay)  # the kill moment itself is what is random here
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        assert proc.wait() == -signal.SIGKILL, f"writer ended on its own: {log.read_text()}"
    finally:
        watchdog.cancel()
        proc.kill()
        if proc.stdout is not None:
            proc.stdout.close()
    # A line cut by the kill has no newline (or is incomplete): only whole lines count.
    return [line for line in rest.decode("utf-8", "replace").split("\n")[:-1] if line]


def check_vault(path: Path, acked: dict[tuple[str, str, int], str], context: str) -> None:
    try:
        vault = Vault.open(path)
    except VaultInUseError:  # pragma: no cover - the failure we look for
        pytest.fail(f"vault still locked after the writer died ({context})")
    try:
        vault.unlock_with_passphrase(PASSPHRASE)
        stored: dict[tuple[str, str, int], str] = {}
        for kind in KINDS:
            result = vault.load_kind(kind)
            assert result.failures == [], f"{context}: {result.failures}"
            batches: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
            for record in result.records:
                if kind == "batch":
                    batches[record.data["batch"]].append(record.data)
            for members in batches.values():  # a transaction is whole or absent
                assert sorted(m["i"] for m in members) == list(range(members[0]["size"])), context
        assert vault.verify_all() == [], context
        for (kind, record_id, version), expected in acked.items():
            if (kind, record_id, version) not in stored:
                for record in vault.history(kind, record_id):
                    stored[(kind, record.id, record.version)] = digest(record.data)
            assert (kind, record_id, version) in stored, (
                f"{context}: acknowledged {kind}/{record_id} v{version} is missing"
            )
            assert stored[(kind, record_id, version)] == expected, (
                f"{context}: {kind}/{record_id} v{version} differs from what was acknowledged"
            )
        verification = AuditLog(vault).verify()
        assert verification.ok, f"{context}: {verification.message}"
    finally:
        vault.close()


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    seed = int(os.environ.get("NOTEAPP_CRASH_SEED", random.SystemRandom().randrange(2**32)))
    rng = random.Random(seed)
    path = tmp_path / "crash.noteapp"
    vault, _ = Vault.create(path, PASSPHRASE, params=FAST_KDF)
    vault.close()
    log = tmp_path / "writer-stderr.log"
    acked: dict[tuple[str, str, int], str] = {}
    started = time.monotonic()
    for i in range(ITERATIONS):
        # Mostly kill while writing; every fifth time anywhere from start-up on (during the
        # open, the WAL recovery or the unlock).
        wait_ready = i % 5 != 4
        delay = rng.uniform(0.0, 0.3) if wait_ready else rng.uniform(0.0, 0.6)
        context = f"seed={seed} iteration={i} delay={delay:.3f} ready={wait_ready}"
        lines = run_and_kill(path, rng.randrange(2**31), delay, wait_ready, log)
        for line in lines:
            m = ACK.match(line)
            if m is None:
                continue
            kind, record_id, version, data_hash = m.groups()
            key = (kind, record_id, int(version))
            assert key not in acked, f"{context}: {key} acknowledged twice"
            acked[key] = data_hash
        check_vault(path, acked, context)
    elapsed = time.monotonic() - started
    # The test must have tested something: acknowledged creates, new versions and batches.
    assert len(acked) >= 50, f"only {len(acked)} acknowledged writes (seed={seed})"
    assert any(v > 1 for _, _, v in acked), "no new versions were acknowledged"
    assert any(k == "batch" for k, _, _ in acked), "no transactions were acknowledged"
    assert elapsed < 90, f"crash test took {elapsed:.0f} s"


def test_check_vault_notices_a_lost_write(tmp_path: Path) -> None:
    """The checker above fails when an acknowledged write is missing or different."""
    path = tmp_path / "v.noteapp"
    vault, _ = Vault.create(path, PASSPHRASE, params=FAST_KDF)
    vault.put("note", "n1", {"x": 1})
    vault.close()
    check_vault(path, {("note", "n1", 1): digest({"x": 1})}, "sanity")
    with pytest.raises(AssertionError, match="missing"):
        check_vault(path, {("note", "n1", 2): digest({"x": 1})}, "lost")
    with pytest.raises(AssertionError, match="differs"):
        check_vault(path, {("note", "n1", 1): digest({"x": 2})}, "changed")
