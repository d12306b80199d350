"""Shared fixtures. Core tests must run without Qt: with NOTEAPP_FORBID_QT=1 (make
pytest-core) importing PySide6 anywhere fails the run."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from noteapp.crypto import Argon2Params
from noteapp.domain.clock import FakeClock
from noteapp.services.paths import AppPaths

# OWASP's minimum: fast enough for tests, still a real Argon2id run.
FAST_KDF = Argon2Params(memory_kib=19 * 1024, iterations=2, lanes=1)
PASSPHRASE = "correct horse battery staple"


class _ForbidQt:
    """A meta-path finder that refuses PySide6/shiboken6 imports during the core run."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.split(".")[0] in {"PySide6", "shiboken6"}:
            raise ImportError(f"the core imported {name}; only noteapp.ui may import Qt")
        return None


if os.environ.get("NOTEAPP_FORBID_QT") == "1":
    sys.meta_path.insert(0, _ForbidQt())  # type: ignore[arg-type]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("NOTEAPP_FORBID_QT") == "1" and "PySide6" in sys.modules:
        session.exitstatus = 1
        print("\nPySide6 was imported during the core test run.", file=sys.stderr)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test ever touches the real user's data folders or keychain-related env."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NOTEAPP_HOME", str(home))
    monkeypatch.delenv("NOTEAPP_VAULT", raising=False)
    monkeypatch.delenv("NOTEAPP_PASSPHRASE", raising=False)
    monkeypatch.delenv("NOTEAPP_NEW_PASSPHRASE", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(tmp_path / "data", tmp_path / "config")


@pytest.fixture
def workspace(tmp_path: Path, clock: FakeClock, paths: AppPaths) -> Iterator[object]:
    from noteapp.services.workspace import Workspace

    ws, _ = Workspace.create(
        tmp_path / "vault.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths
    )
    yield ws
    # Tests may have closed it already; closing twice must not fail the test.
    with contextlib.suppress(Exception):
        ws.close()
