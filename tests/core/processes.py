"""Running noteapp and test children in their own processes (the CLI as a user runs it, and
children that die at chosen moments). Not a test module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import PASSPHRASE

REPO = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, home: Path, passphrase: str = PASSPHRASE
) -> subprocess.CompletedProcess[str]:
    """`noteapp ARGS` in a fresh process, with its own data folder and the passphrase."""
    env = {
        **os.environ,
        "NOTEAPP_HOME": str(home),
        "NOTEAPP_PASSPHRASE": passphrase,
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "noteapp", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def run_child(script: Path, *args: str, passphrase: str, first_line: str) -> int:
    """A child script (passphrase in NOTEAPP_CRASH_PASSPHRASE); checks the line it prints
    before its work begins, and returns its exit code."""
    env = {**os.environ, "NOTEAPP_CRASH_PASSPHRASE": passphrase, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.stdout.startswith(first_line), done.stderr
    return done.returncode


def die_after(function: Any) -> Any:
    """For children: run `function`, then die at once (no cleanup, as a SIGKILL would)."""

    def run_then_die(*args: Any, **kwargs: Any) -> Any:
        function(*args, **kwargs)
        os._exit(9)

    return run_then_die
