"""The CLI as a real process: exit codes, one-line errors, never a traceback; help texts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from noteapp.cli import client_cmds
from noteapp.cli.main import COMMAND_MODULES, build_parser, main
from noteapp.services.workspace import Workspace

PASS = "correct horse battery staple"
KDF = ["--kdf-memory-mib", "19", "--kdf-iterations", "2", "--kdf-lanes", "1"]


def noteapp(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NOTEAPP_")}
    full_env["NOTEAPP_HOME"] = os.environ["NOTEAPP_HOME"]
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "noteapp", *argv],
        capture_output=True,
        text=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def assert_clean_failure(proc: subprocess.CompletedProcess[str], code: int) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("noteapp: ")
    assert proc.stderr.count("\n") == 1, proc.stderr


@pytest.fixture(scope="module")
def made_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("proc")
    path = home / "v.noteapp"
    env = {"NOTEAPP_HOME": str(home), "NOTEAPP_NEW_PASSPHRASE": PASS}
    proc = subprocess.run(
        [sys.executable, "-m", "noteapp", "--vault", str(path), "init", *KDF],
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("NOTEAPP_")}, **env},
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "RECOVERY KEY" in proc.stderr and proc.stdout == ""
    return path


def test_process_success_and_error_classes(made_vault: Path, tmp_path: Path) -> None:
    env = {"NOTEAPP_VAULT": str(made_vault), "NOTEAPP_PASSPHRASE": PASS}
    added = noteapp("client", "add", "--name", "Jordan Avery", env=env)
    assert added.returncode == 0 and added.stderr == ""
    assert len(added.stdout.strip()) == 32
    # 2: bad input, bad usage, no passphrase available
    assert_clean_failure(noteapp("client", "add", "--name", "X", "--diagnosis", "Q", env=env), 2)
    assert_clean_failure(noteapp("client", "frobnicate", env=env), 2)
    assert_clean_failure(noteapp("client", "list", env={"NOTEAPP_VAULT": str(made_vault)}), 2)
    # 3: wrong passphrase
    wrong = {**env, "NOTEAPP_PASSPHRASE": "not the passphrase"}
    assert_clean_failure(noteapp("client", "list", env=wrong), 3)
    # 4: missing
    missing = {**env, "NOTEAPP_VAULT": str(tmp_path / "missing.noteapp")}
    assert_clean_failure(noteapp("client", "list", env=missing), 4)
    # 4: in use by another process
    ws = Workspace.unlock(made_vault, PASS)
    try:
        assert_clean_failure(noteapp("client", "list", env=env), 4)
    finally:
        ws.close()
    # 4: corrupt
    corrupt = tmp_path / "corrupt.noteapp"
    corrupt.write_bytes(b"SQLite format 3\0" + os.urandom(8000))
    assert_clean_failure(noteapp("client", "list", env={**env, "NOTEAPP_VAULT": str(corrupt)}), 4)
    # 2: a file system error (the restore target's folder is a file)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    snap = tmp_path / "snap.noteapp"
    assert noteapp("backup", "--out", str(snap), env=env).returncode == 0
    assert_clean_failure(noteapp("restore", str(snap), "--to", str(blocker / "v"), env=env), 2)


def test_process_help_and_version() -> None:
    top = noteapp("--help")
    assert top.returncode == 0
    for word in ("init", "passwd", "unlock-with-recovery", "profile", "client", "backup"):
        assert word in top.stdout
    for word in ("restore", "audit", "demo", "NOTEAPP_PASSPHRASE", "exit codes"):
        assert word in top.stdout
    sub = noteapp("client", "add", "--help")
    assert sub.returncode == 0 and "--diagnosis" in sub.stdout and "--vault" in sub.stdout
    version = noteapp("--version")
    assert version.returncode == 0 and version.stdout.startswith("noteapp ")


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    commands = [["init"], ["passwd"], ["unlock-with-recovery"], ["backup"], ["restore"]]
    commands += [["demo"], ["profile", "set"], ["profile", "show"], ["audit", "list"]]
    commands += [["audit", "verify"]]
    commands += [["client", c] for c in ("add", "list", "show", "edit", "discharge", "delete")]
    for argv in commands:
        assert main([*argv, "--help"]) == 0
        text = capsys.readouterr().out
        assert f"noteapp {' '.join(argv)}" in text and "--vault" in text
    assert parser.prog == "noteapp" and len(COMMAND_MODULES) >= 6


def test_unexpected_error_is_one_line_without_client_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(_args: object) -> int:
        raise RuntimeError("Jordan Avery was here")

    monkeypatch.setattr(client_cmds, "run_list", boom)
    assert main(["client", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("noteapp: unexpected error (RuntimeError)")
    assert "Jordan" not in err and "Traceback" not in err and err.count("\n") == 1
    monkeypatch.setenv("NOTEAPP_DEBUG", "1")
    assert main(["client", "list"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["client"]) == 2
    assert main(["--no-such-option"]) == 2
    assert main(["client", "add"]) == 2  # --name is required
    assert main(["demo", "--clients", "many"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
