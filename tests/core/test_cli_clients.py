"""CLI client commands: add, list, show (text and JSON), edit, discharge, delete."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture
def vault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    path = tmp_path / "v.noteapp"
    monkeypatch.setenv("NOTEAPP_VAULT", str(path))
    monkeypatch.setenv("NOTEAPP_NEW_PASSPHRASE", PASS)
    assert run(capsys, "init", *KDF).code == 0
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    return path


def add_jordan(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    r = run(
        capsys,
        "client",
        "add",
        "--name",
        "Jordan Avery",
        "--dob",
        "1990-04-12",
        "--diagnosis",
        "f41.1:Generalized anxiety disorder",
        "F32.1",
        "--preferred-name",
        "Jo",
        "--pronouns",
        "they/them",
        "--phone",
        "555-0101",
        "--email",
        "jordan@example.org",
        "--emergency-name",
        "Sam Avery",
        "--emergency-relationship",
        "sibling",
        "--admitted",
        "2025-06-01",
        *extra,
    )
    assert r.code == 0, r.err
    return r.out.strip()


def json_of(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    r = run(capsys, *argv, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_add_prints_only_the_id(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = run(capsys, "client", "add", "--name", "Riley Quimby")
    assert r.code == 0
    lines = r.out.splitlines()
    assert len(lines) == 1 and len(lines[0]) == 32 and int(lines[0], 16) >= 0


def test_add_show_json_shape(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = add_jordan(capsys, "--code", "JA-1")
    shown = json_of(capsys, "client", "show", client_id)
    assert shown["id"] == client_id
    assert shown["name"] == "Jordan Avery"
    assert shown["code"] == "JA-1"
    assert shown["dob"] == "1990-04-12"
    assert shown["admitted_on"] == "2025-06-01"
    assert shown["status"] == "active"
    assert shown["preferred_name"] == "Jo"
    assert shown["contact"]["email"] == "jordan@example.org"
    assert shown["emergency_contact"]["relationship"] == "sibling"
    assert shown["diagnoses"] == [
        {"code": "F41.1", "description": "Generalized anxiety disorder"},
        {"code": "F32.1", "description": ""},
    ]
    # The code works wherever an id does.
    assert json_of(capsys, "client", "show", "ja-1")["id"] == client_id


def test_show_text_has_diagnoses_status_contacts(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = add_jordan(capsys)
    r = run(capsys, "client", "show", client_id)
    assert r.code == 0
    for expected in (
        "Jordan Avery",
        "Jo",
        client_id,
        "active",
        "1990-04-12",
        "555-0101",
        "Sam Avery (sibling)",
        "F41.1",
        "Generalized anxiety disorder",
        "F32.1",
    ):
        assert expected in r.out


def test_list_text_columns_and_json(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = add_jordan(capsys)
    second = run(capsys, "client", "add", "--name", "Avery Zeller", "--code", "AZ").out.strip()
    r = run(capsys, "client", "list")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "DOB", "STATUS", "ID"]
    # Aligned: the id column starts at the same offset on every line.
    offsets = {line.index(cid) for line, cid in zip(lines[1:], (second, first), strict=True)}
    assert len(offsets) == 1 and lines[0].index("ID") in offsets
    listed = json_of(capsys, "client", "list")
    assert isinstance(listed, list)
    assert [c["id"] for c in listed] == [second, first]  # sorted by name
    assert {"id", "code", "name", "dob", "status", "diagnoses"} <= set(listed[0])


def test_bad_icd10_and_bad_date_exit_2(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["--diagnosis", "XYZ"],
        ["--diagnosis", "F41.1", "F4"],
        ["--dob", "1990-13-01"],
        ["--dob", "12/04/1990"],
        ["--dob", "2999-01-01"],
        ["--code", "bad code!"],
    ):
        r = run(capsys, "client", "add", "--name", "Jordan Avery", *argv)
        assert r.code == 2, argv
        assert r.out == "" and r.err.startswith("noteapp: ") and r.err.count("\n") == 1
    assert json_of(capsys, "client", "list") == []


def test_show_unknown_client_exits_2(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = run(capsys, "client", "show", "nobody")
    assert r.code == 2 and "No client" in r.err


def test_edit_discharge_reactivate(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = add_jordan(capsys)
    assert run(capsys, "client", "edit", client_id).code == 2  # nothing to change
    r = run(capsys, "client", "edit", client_id, "--phone", "555-0199", "--diagnosis", "F43.10")
    assert r.code == 0, r.err
    shown = json_of(capsys, "client", "show", client_id)
    assert shown["contact"] == {
        "phone": "555-0199",
        "email": "jordan@example.org",
        "address": "",
    }
    assert [d["code"] for d in shown["diagnoses"]] == ["F43.10"]
    assert run(capsys, "client", "edit", client_id, "--no-diagnoses").code == 0
    assert json_of(capsys, "client", "show", client_id)["diagnoses"] == []

    r = run(capsys, "client", "discharge", client_id, "--date", "2026-01-02", "--reason", "Done")
    assert r.code == 0, r.err
    shown = json_of(capsys, "client", "show", client_id)
    assert shown["status"] == "discharged" and shown["discharged_on"] == "2026-01-02"
    assert json_of(capsys, "client", "list", "--status", "active") == []
    assert len(json_of(capsys, "client", "list", "--status", "discharged")) == 1
    assert run(capsys, "client", "discharge", client_id, "--date", "soon").code == 2
    assert run(capsys, "client", "reactivate", client_id).code == 0
    assert json_of(capsys, "client", "show", client_id)["status"] == "active"


def test_delete_needs_the_code_and_backs_up_first(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = add_jordan(capsys, "--code", "JA-1")
    assert run(capsys, "client", "delete", client_id).code == 2  # --confirm is required
    r = run(capsys, "client", "delete", client_id, "--confirm", "WRONG")
    assert r.code == 2
    assert len(json_of(capsys, "client", "list")) == 1
    r = run(capsys, "client", "delete", client_id, "--confirm", "JA-1")
    assert r.code == 0, r.err
    assert json_of(capsys, "client", "list") == []
    actions = [e["action"] for e in json_of(capsys, "audit", "list")]
    assert actions.index("backup") < actions.index("delete")


def test_damaged_client_record_is_reported_not_dropped(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    damaged_id = add_jordan(capsys)
    kept_id = run(capsys, "client", "add", "--name", "Riley Quimby").out.strip()
    conn = sqlite3.connect(vault)
    try:
        (blob,) = conn.execute(
            "SELECT blob FROM records WHERE kind='client' AND id=? AND latest=1", (damaged_id,)
        ).fetchone()
        conn.execute(
            "UPDATE records SET blob=? WHERE kind='client' AND id=? AND latest=1",
            (bytes(blob[:-1]) + bytes([blob[-1] ^ 1]), damaged_id),
        )
        conn.commit()
    finally:
        conn.close()
    r = run(capsys, "client", "list", "--json")
    assert r.code == 4  # printed, but incomplete: the vault is partly damaged
    listed = json.loads(r.out)
    assert [c["id"] for c in listed if not c["damaged"]] == [kept_id]
    assert [c["id"] for c in listed if c["damaged"]] == [damaged_id]
    assert "warning" in r.err and damaged_id[:8] in r.err
    assert "Jordan" not in r.err
