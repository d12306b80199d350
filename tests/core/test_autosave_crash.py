"""Autosave survives a kill: every save the editor was told about is there after SIGKILL."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def test_draft_text_acknowledged_before_a_kill_is_restored(tmp_path: Path) -> None:
    home = tmp_path / "home"
    paths = AppPaths(home / "data", home / "config")
    vault = tmp_path / "vault.noteapp"
    ws, _ = Workspace.create(vault, PASSPHRASE, params=FAST_KDF, paths=paths)
    client = ws.clients.add(name="Jordan Avery")
    note = ws.notes.new(client_id=client.id, template_id="soap", fields={"subjective": "Start."})
    ws.close()
    child = Path(__file__).with_name("autosave_child.py")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    rng = random.Random(5)
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, str(child), str(vault), str(home), note.id],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert proc.stdout is not None
        # Wait for the child to be saving, then kill it at a random moment.
        first = proc.stdout.readline()
        assert first.strip(), "the child did not start saving"
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        acknowledged = int([first, *rest.split()][-1])
        again = Workspace.unlock(vault, PASSPHRASE, paths=paths)
        try:
            restored = again.notes.get(note.id).text("subjective")
            # At most the one save in flight at the kill may also have landed.
            assert len(restored) >= acknowledged
            assert restored.startswith("Start.")
            assert again.notes.problems == []
            assert again.audit.verify().ok
        finally:
            again.close()
