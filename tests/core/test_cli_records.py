"""CLI profile, backup/restore, audit and demo commands."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from noteapp.cli import common
from noteapp.cli.main import main

PASS = "correct horse battery staple"
KDF = ["--kdf-memory-mib", "19", "--kdf-iterations", "2", "--kdf-lanes", "1"]


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


# --- profile ---------------------------------------------------------------------------


def test_profile_set_and_show(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "profile", "show").code == 2  # none yet
    assert run(capsys, "profile", "set", "--credentials", "LCSW").code == 2  # needs a name
    r = run(
        capsys,
        "profile",
        "set",
        "--name",
        "Dana Whitfield",
        "--credentials",
        "LCSW",
        "--license",
        "LCSW-000000",
        "--agency",
        "Riverbend Counseling",
    )
    assert r.code == 0, r.err
    shown = json_of(capsys, "profile", "show")
    assert shown["name"] == "Dana Whitfield"
    assert shown["credentials"] == "LCSW"
    assert shown["license_number"] == "LCSW-000000"
    assert shown["agency_name"] == "Riverbend Counseling"
    assert shown["role"] == "clinician"
    assert shown["supervised"] is False
    assert run(capsys, "profile", "set", "--supervised", "yes").code == 0
    assert json_of(capsys, "profile", "show")["supervised"] is True
    assert shown["fingerprint"] and shown["fingerprint"] in r.err
    # Updating changes only what is given; the signing key stays.
    assert run(capsys, "profile", "set", "--role", "supervisor").code == 0
    again = json_of(capsys, "profile", "show")
    assert again["role"] == "supervisor" and again["name"] == "Dana Whitfield"
    assert again["fingerprint"] == shown["fingerprint"]
    text = run(capsys, "profile", "show").out
    for expected in ("Dana Whitfield", "LCSW", "LCSW-000000", "supervisor", shown["fingerprint"]):
        assert expected in text
    assert run(capsys, "profile", "set", "--role", "boss").code == 2


# --- backup and restore ----------------------------------------------------------------


def test_backup_then_restore(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = run(capsys, "client", "add", "--name", "Jordan Avery").out.strip()
    snapshot = tmp_path / "snap.noteapp"
    r = run(capsys, "backup", "--out", str(snapshot))
    assert r.code == 0, r.err
    assert r.out.strip() == str(snapshot) and snapshot.is_file()
    assert run(capsys, "backup", "--out", str(snapshot)).code == 2  # never overwritten

    target = tmp_path / "restored.noteapp"
    r = run(capsys, "restore", str(snapshot), "--to", str(target))
    assert r.code == 0, r.err
    listed = json_of(capsys, "--vault", str(target), "client", "list")
    assert [c["id"] for c in listed] == [client_id]
    actions = [e["action"] for e in json_of(capsys, "--vault", str(target), "audit", "list")]
    assert "restore" in actions
    assert run(capsys, "--vault", str(target), "audit", "verify").code == 0


def test_restore_over_existing_keeps_the_old_vault(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = tmp_path / "snap.noteapp"
    assert run(capsys, "backup", "--out", str(snapshot)).code == 0
    added = run(capsys, "client", "add", "--name", "Riley Quimby").out.strip()
    r = run(capsys, "restore", str(snapshot))  # --to defaults to the current vault
    assert r.code == 0, r.err
    assert "before-restore" in r.err
    assert json_of(capsys, "client", "list") == []
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1
    old = json_of(capsys, "--vault", str(kept[0]), "client", "list")
    assert [c["id"] for c in old] == [added]


def test_two_restores_in_a_row_keep_both_previous_vaults(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = tmp_path / "snap.noteapp"
    assert run(capsys, "backup", "--out", str(snapshot)).code == 0
    added = run(capsys, "client", "add", "--name", "Riley Quimby").out.strip()
    assert run(capsys, "restore", str(snapshot)).code == 0
    assert run(capsys, "restore", str(snapshot)).code == 0
    kept = sorted(p for p in tmp_path.iterdir() if ".before-restore-" in p.name)
    assert len(kept) == 2
    # Same-second copies get a -N suffix; one of the two holds the client added before.
    lists = [[c["id"] for c in json_of(capsys, "--vault", str(k), "client", "list")] for k in kept]
    assert sorted(lists) == [[], [added]]


def test_restore_errors(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = tmp_path / "snap.noteapp"
    assert run(capsys, "backup", "--out", str(snapshot)).code == 0
    target = tmp_path / "t.noteapp"
    assert run(capsys, "restore", str(tmp_path / "none.noteapp"), "--to", str(target)).code == 4
    junk = tmp_path / "junk.noteapp"
    junk.write_bytes(b"\0" * 4096)
    assert run(capsys, "restore", str(junk), "--to", str(target)).code == 4
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", "not the passphrase")
    assert run(capsys, "restore", str(snapshot), "--to", str(target)).code == 3
    assert not target.exists()


# --- audit -----------------------------------------------------------------------------


def test_audit_list_and_verify(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = run(capsys, "client", "add", "--name", "Jordan Avery").out.strip()
    entries = json_of(capsys, "audit", "list")
    assert entries[0]["seq"] == 1 and entries[0]["action"] == "vault-create"
    assert set(entries[0]) == {"seq", "time", "action", "kind", "record_id"}
    created = [e for e in entries if e["action"] == "create"]
    assert created == [
        {
            "seq": created[0]["seq"],
            "time": created[0]["time"],
            "action": "create",
            "kind": "client",
            "record_id": client_id,
        }
    ]
    text = run(capsys, "audit", "list").out
    assert text.splitlines()[0].split() == ["SEQ", "TIME", "ACTION", "KIND", "RECORD"]
    assert "Jordan" not in text and client_id in text
    r = run(capsys, "audit", "verify")
    assert r.code == 0 and "intact" in r.out
    verified = json_of(capsys, "audit", "verify")
    assert verified["ok"] is True and verified["first_broken"] is None


def test_audit_verify_finds_tampering(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "client", "add", "--name", "Jordan Avery").code == 0
    conn = sqlite3.connect(vault)
    try:
        (blob,) = conn.execute("SELECT blob FROM audit WHERE seq = 2").fetchone()
        damaged = bytes([blob[0] ^ 1]) + bytes(blob[1:-1]) + bytes([blob[-1] ^ 0x80])
        conn.execute("UPDATE audit SET blob = ? WHERE seq = 2", (damaged,))
        conn.commit()
    finally:
        conn.close()
    r = run(capsys, "audit", "verify")
    assert r.code == 1
    assert "entry 2" in r.out.lower()
    r = run(capsys, "audit", "verify", "--json")
    assert r.code == 1 and json.loads(r.out)["first_broken"] == 2
    r = run(capsys, "audit", "list")
    assert r.code == 0 and "audit entry 2 cannot be read" in r.err


# --- demo ------------------------------------------------------------------------------


def test_demo_creates_a_vault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.noteapp"
    monkeypatch.setenv("NOTEAPP_VAULT", str(path))
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    r = run(capsys, "demo", "--clients", "4", "--notes", "3", *KDF)
    assert r.code == 0, r.err
    assert "notes in all" in r.err
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    assert len(json_of(capsys, "client", "list")) == 4
    assert json_of(capsys, "profile", "show")["name"]
    # On an existing vault the demo data is added to it.
    assert run(capsys, "demo", "--clients", "2").code == 0
    assert len(json_of(capsys, "client", "list")) == 6


def test_demo_refuses_without_a_new_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(common, "stdin_is_tty", lambda: False)
    path = tmp_path / "demo.noteapp"
    r = run(capsys, "--vault", str(path), "demo", *KDF)
    assert r.code == 2 and "NOTEAPP_NEW_PASSPHRASE" in r.err
    assert not path.exists()
    assert run(capsys, "--vault", str(path), "demo", "--clients", "-1").code == 2
