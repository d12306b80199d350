"""Shared by the archive, CSV and FHIR tests: running the CLI in-process, and a small demo
workspace with fast key derivation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from noteapp.cli.main import main
from noteapp.domain.clock import FakeClock
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE

KDF = ["--kdf-memory-mib", "19", "--kdf-iterations", "2", "--kdf-lanes", "1"]
ARCHIVE_PASS = "archive passphrase for tests"


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    code = main(list(argv))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def json_of(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    r = run(capsys, *argv, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def init_vault(capsys: pytest.CaptureFixture[str], path: Path, mp: pytest.MonkeyPatch) -> list[str]:
    """`noteapp init` a vault at `path` (passphrase PASSPHRASE); returns ["--vault", path]."""
    mp.setenv("NOTEAPP_NEW_PASSPHRASE", PASSPHRASE)
    mp.setenv("NOTEAPP_PASSPHRASE", PASSPHRASE)
    assert run(capsys, "--vault", str(path), "init", *KDF).code == 0
    mp.delenv("NOTEAPP_NEW_PASSPHRASE")
    return ["--vault", str(path)]


def new_workspace(folder: Path, name: str = "vault") -> Workspace:
    ws, _ = Workspace.create(
        folder / f"{name}.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        clock=FakeClock(),
        paths=AppPaths(folder / f"{name}-data", folder / f"{name}-config"),
    )
    return ws


def reopen_workspace(folder: Path, name: str = "vault") -> Workspace:
    return Workspace.unlock(
        folder / f"{name}.noteapp",
        PASSPHRASE,
        clock=FakeClock(),
        paths=AppPaths(folder / f"{name}-data", folder / f"{name}-config"),
    )


def demo_workspace(folder: Path, name: str = "vault") -> Workspace:
    """Three demo clients with notes (some signed), plans, measures and safety plans."""
    from noteapp.demo import fill_demo

    ws = new_workspace(folder, name)
    fill_demo(ws, clients=3, notes=12, passphrase=PASSPHRASE)
    return ws
