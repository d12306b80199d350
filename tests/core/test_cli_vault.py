"""CLI vault commands: init, passwd, unlock-with-recovery, secrets and vault errors."""

from __future__ import annotations

import argparse
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest

from noteapp.cli import common
from noteapp.cli.main import build_parser, main
from noteapp.services.workspace import Workspace

PASS = "correct horse battery staple"
NEW = "a different but long passphrase"
KDF = ["--kdf-memory-mib", "19", "--kdf-iterations", "2", "--kdf-lanes", "1"]
KEY_RE = re.compile(r"\b([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})\b")


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    code = main(list(argv))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


@pytest.fixture
def vault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    path = tmp_path / "v.noteapp"
    monkeypatch.setenv("NOTEAPP_VAULT", str(path))
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    assert run(capsys, "init", *KDF).code == 0
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    monkeypatch.delenv("NOTEAPP_NEW_PASSPHRASE")
    return path


# --- init ------------------------------------------------------------------------------


def test_init_creates_vault_and_shows_key_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.noteapp"
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    r = run(capsys, "--vault", str(path), "init", *KDF)
    assert r.code == 0, r.err
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KEY_RE.search(r.err), "the recovery key is shown once on stderr"
    assert not KEY_RE.search(r.out)
    # And the vault opens with the passphrase.
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    assert run(capsys, "--vault", str(path), "client", "list").code == 0


def test_init_accepts_the_plain_passphrase_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plain.noteapp"
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    assert run(capsys, "init", *KDF, "--vault", str(path)).code == 0  # --vault after too
    assert run(capsys, "client", "list", "--vault", str(path)).code == 0
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", NEW)
    assert run(capsys, "client", "list", "--vault", str(path)).code == 3


def test_init_frames_the_key_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    r = run(capsys, "--vault", str(tmp_path / "t.noteapp"), "init", *KDF)
    assert r.code == 0
    assert "RECOVERY KEY" in r.out and KEY_RE.search(r.out)
    assert not KEY_RE.search(r.err)


def test_init_refuses_to_overwrite(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = vault.read_bytes()
    r = run(capsys, "init", *KDF)
    assert r.code == 2
    assert "already exists" in r.err
    assert vault.read_bytes() == before


@pytest.mark.parametrize(
    "kdf",
    [
        ["--kdf-memory-mib", "18", "--kdf-iterations", "2", "--kdf-lanes", "1"],
        ["--kdf-memory-mib", "19", "--kdf-iterations", "1", "--kdf-lanes", "1"],
        ["--kdf-memory-mib", "64", "--kdf-iterations", "3", "--kdf-lanes", "0"],
    ],
)
def test_init_refuses_weak_kdf(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kdf: list[str],
) -> None:
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    r = run(capsys, "--vault", str(tmp_path / "w.noteapp"), "init", *kdf)
    assert r.code == 2
    assert r.err.startswith("noteapp: ") and r.err.count("\n") == 1
    assert not (tmp_path / "w.noteapp").exists()


def test_init_refuses_short_new_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", "short")
    r = run(capsys, "--vault", str(tmp_path / "s.noteapp"), "init", *KDF)
    assert r.code == 2 and "at least" in r.err
    assert not (tmp_path / "s.noteapp").exists()


def test_init_recovery_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "key.txt"
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    monkeypatch.setenv("NOTEAPP_VAULT", str(tmp_path / "k.noteapp"))
    r = run(capsys, "init", *KDF, "--recovery-key-file", str(key_file))
    assert r.code == 0, r.err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert KEY_RE.fullmatch(key_file.read_text().strip())
    assert not KEY_RE.search(r.out + r.err), "the key is written only to the file"


def test_init_refuses_existing_recovery_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text("keep me\n")
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    path = tmp_path / "k.noteapp"
    r = run(capsys, "--vault", str(path), "init", *KDF, "--recovery-key-file", str(key_file))
    assert r.code == 2
    assert key_file.read_text() == "keep me\n"
    assert not path.exists(), "no vault is made when its key could not be saved"


def test_init_prompts_twice_and_mismatch_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([PASS, PASS + "x"])
    monkeypatch.setattr(common, "stdin_is_tty", lambda: True)
    monkeypatch.setattr(common.getpass, "getpass", lambda prompt="": next(answers))
    path = tmp_path / "p.noteapp"
    r = run(capsys, "--vault", str(path), "init", *KDF)
    assert r.code == 2 and "differ" in r.err
    assert not path.exists()
    answers = iter([PASS, PASS])
    assert run(capsys, "--vault", str(path), "init", *KDF).code == 0


def test_no_secret_and_no_terminal_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(common, "stdin_is_tty", lambda: False)
    r = run(capsys, "--vault", str(tmp_path / "n.noteapp"), "init", *KDF)
    assert r.code == 2 and "NOTEAPP_NEW_PASSPHRASE" in r.err
    assert not (tmp_path / "n.noteapp").exists()


def test_missing_passphrase_without_terminal(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NOTEAPP_PASSPHRASE")
    monkeypatch.setattr(common, "stdin_is_tty", lambda: False)
    r = run(capsys, "client", "list")
    assert r.code == 2
    assert r.err == "noteapp: no passphrase given: set NOTEAPP_PASSPHRASE\n"


# --- secrets are never arguments -------------------------------------------------------


def _all_options(parser: argparse.ArgumentParser) -> list[str]:
    found: list[str] = []
    for action in parser._actions:
        found += action.option_strings
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _all_options(sub)
    return found


def test_no_option_takes_a_secret() -> None:
    options = _all_options(build_parser())
    assert "--recovery-key-file" in options
    # Files noteapp writes a new secret into (never reads one from an argument), and a flag.
    writes_a_secret = {"--recovery-key-file", "--password-file", "--no-password"}
    secretive = [
        o
        for o in options
        if any(w in o for w in ("pass", "secret", "key", "password")) and o not in writes_a_secret
    ]
    assert secretive == []


@pytest.mark.parametrize(
    "argv",
    [
        ["init", "--passphrase", PASS],
        ["passwd", "--new-passphrase", NEW],
        ["unlock-with-recovery", "--recovery-key", "AAAA-BBBB"],
        ["client", "list", PASS],
    ],
)
def test_secret_arguments_are_refused(
    vault: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    r = run(capsys, *argv)
    assert r.code == 2
    assert "horse" not in r.err, "a stray secret is not echoed back"


# --- unlocking errors ------------------------------------------------------------------


def test_wrong_passphrase_exits_3(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", "not the passphrase")
    r = run(capsys, "client", "list")
    assert r.code == 3
    assert r.out == ""
    assert r.err.startswith("noteapp: ") and r.err.count("\n") == 1


def test_missing_vault_exits_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    r = run(capsys, "--vault", str(tmp_path / "nowhere.noteapp"), "client", "list")
    assert r.code == 4 and "noteapp init" in r.err


def test_vault_in_use_exits_4(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = Workspace.unlock(vault, PASS)
    try:
        r = run(capsys, "client", "list")
    finally:
        ws.close()
    assert r.code == 4 and "another" in r.err
    assert run(capsys, "client", "list").code == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_corrupt_vault_exits_4(
    vault: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    data = vault.read_bytes()
    if damage == "garbage":
        vault.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        vault.write_bytes(data[:300])
    else:
        vault.write_bytes(b"")
    r = run(capsys, "client", "list")
    assert r.code == 4, r.err
    assert "Traceback" not in r.err and r.err.count("\n") == 1


# --- passwd and recovery ---------------------------------------------------------------


def test_passwd_then_unlock_with_new(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", NEW)
    r = run(capsys, "passwd", *KDF)
    assert r.code == 0, r.err
    assert run(capsys, "client", "list").code == 3  # the old one no longer opens it
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", NEW)
    assert run(capsys, "client", "list").code == 0
    actions = [e["action"] for e in _audit(capsys)]
    assert "passphrase-change" in actions


def test_passwd_with_wrong_current_changes_nothing(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", "wrong passphrase")
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", NEW)
    assert run(capsys, "passwd", *KDF).code == 3
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    assert run(capsys, "client", "list").code == 0


def _audit(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    import json

    r = run(capsys, "audit", "list", "--json")
    assert r.code == 0, r.err
    entries: list[dict[str, object]] = json.loads(r.out)
    return entries


def test_unlock_with_recovery_sets_new_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "key.txt"
    monkeypatch.setenv("NOTEAPP_VAULT", str(tmp_path / "r.noteapp"))
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    assert run(capsys, "init", *KDF, "--recovery-key-file", str(key_file)).code == 0
    # A well-formed but wrong key is a wrong secret (3).
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("-".join(["ABCD"] * 8) + "\n")
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", NEW)
    assert run(capsys, "unlock-with-recovery", "--recovery-key-file", str(wrong), *KDF).code == 3
    r = run(capsys, "unlock-with-recovery", "--recovery-key-file", str(key_file), *KDF)
    assert r.code == 0, r.err
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    assert run(capsys, "client", "list").code == 3
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", NEW)
    assert run(capsys, "client", "list").code == 0


def test_unlock_with_recovery_needs_a_key(
    vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", NEW)
    monkeypatch.setattr(common, "stdin_is_tty", lambda: False)
    r = run(capsys, "unlock-with-recovery")
    assert r.code == 2 and "--recovery-key-file" in r.err
    r = run(capsys, "unlock-with-recovery", "--recovery-key-file", str(tmp_path / "none.txt"))
    assert r.code == 2 and "Traceback" not in r.err
