"""`noteapp archive export / verify / import`: a demo vault out and into a new vault, the
same JSON from every show and list, and clear errors for damage and wrong passphrases."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.core.helpers import ARCHIVE_PASS, KDF, Result, init_vault, json_of, run


@pytest.fixture
def source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A small demo vault: clients, notes (some signed), plans, measures, safety plans and
    one psychotherapy note."""
    path = tmp_path / "source.noteapp"
    monkeypatch.setenv("NOTEAPP_ARCHIVE_PASSPHRASE", ARCHIVE_PASS)
    init_vault(capsys, path, monkeypatch)
    r = run(capsys, "--vault", str(path), "demo", "--clients", "3", "--notes", "12")
    assert r.code == 0, r.err
    return path


def export(capsys: pytest.CaptureFixture[str], vault: Path, out: Path, *extra: str) -> Result:
    return run(capsys, "--vault", str(vault), "archive", "export", "--out", str(out), *KDF, *extra)


def shows(capsys: pytest.CaptureFixture[str], vault: Path) -> dict[str, Any]:
    """Everything the contract compares, as JSON, keyed by command."""
    v = ["--vault", str(vault)]
    seen: dict[str, Any] = {}
    clients = json_of(capsys, *v, "client", "list")
    seen["client list"] = clients
    for c in clients:
        cid = c["id"]
        seen[f"client show {cid}"] = json_of(capsys, *v, "client", "show", cid)
        seen[f"plan show {cid}"] = _json_or_code(capsys, *v, "plan", "show", "--client", cid)
        seen[f"measure list {cid}"] = json_of(capsys, *v, "measure", "list", "--client", cid)
        seen[f"safety-plan show {cid}"] = _json_or_code(
            capsys, *v, "safety-plan", "show", "--client", cid
        )
    notes = json_of(capsys, *v, "note", "list")
    seen["note list"] = notes
    for n in notes:
        seen[f"note show {n['id']}"] = json_of(capsys, *v, "note", "show", n["id"])
    return seen


def _json_or_code(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    r = run(capsys, *argv, "--json")
    return json.loads(r.out) if r.code == 0 else ("exit", r.code)


def test_round_trip_gives_the_same_json_everywhere(
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "practice.noteapp-archive"
    r = export(capsys, source, archive)
    assert r.code == 0, r.err
    assert r.out.strip() == str(archive)
    assert archive.stat().st_mode & 0o077 == 0  # owner-only
    audit_at_export = json_of(capsys, "--vault", str(source), "audit", "list")
    # Everything up to the export entry is in the archive (later ones are this listing's unlock).
    export_seq = next(e["seq"] for e in audit_at_export if e["action"] == "archive-export")
    expected_audit = audit_at_export[:export_seq]

    target = tmp_path / "target.noteapp"
    init_vault(capsys, target, monkeypatch)
    r = run(capsys, "--vault", str(target), "archive", "import", str(archive))
    assert r.code == 0, r.err

    before = shows(capsys, source)
    after = shows(capsys, target)
    assert before.keys() == after.keys()
    for key in before:
        assert after[key] == before[key], key
    assert any(k.startswith("plan show") and isinstance(v, dict) for k, v in after.items())
    assert any(k.startswith("safety-plan show") and isinstance(v, dict) for k, v in after.items())

    imported_audit = json_of(capsys, "--vault", str(target), "audit", "list")
    assert imported_audit[:export_seq] == expected_audit
    assert imported_audit[export_seq]["action"] == "archive-import"
    assert run(capsys, "--vault", str(target), "audit", "verify").code == 0

    # Signed items still verify, and the profile (and its key) came along.
    assert json_of(capsys, "--vault", str(target), "profile", "show") == json_of(
        capsys, "--vault", str(source), "profile", "show"
    )
    signed = [n for n in before["note list"] if n["status"] == "signed"]
    assert signed
    out = tmp_path / "again.docx"
    assert (
        run(capsys, "--vault", str(target), "export", signed[0]["id"], "--out", str(out)).code == 0
    )
    assert run(capsys, "verify", str(out)).code == 0


def test_psychotherapy_notes_only_when_asked(
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    listed = json_of(capsys, "--vault", str(source), "note", "list", "--include-psychotherapy")
    process = [n["id"] for n in listed if n["template"] == "psychotherapy"]
    assert process, "the demo vault should hold a psychotherapy note"

    without, with_ = tmp_path / "without.a", tmp_path / "with.a"
    assert export(capsys, source, without).code == 0
    assert export(capsys, source, with_, "--include-psychotherapy").code == 0
    names_without = _names(without)
    names_with = _names(with_)
    assert not any(n.startswith("records/psychotherapy") for n in names_without)
    assert any(n.startswith("records/psychotherapy") for n in names_with)
    # Their text is nowhere in the archive without the flag (not even in a signed item).
    blob_without = b"".join(_files(without).values())
    for note_id in process:
        shown = json_of(capsys, "--vault", str(source), "note", "show", note_id)
        text = next(v for v in shown["fields"].values() if isinstance(v, str) and len(v) > 20)
        assert text.encode() not in blob_without
        assert text.encode() in b"".join(_files(with_).values())


def test_verify_needs_no_vault_and_names_what_failed(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "a.noteapp-archive"
    assert export(capsys, source, archive).code == 0
    r = run(capsys, "--vault", str(tmp_path / "nothing-here"), "archive", "verify", str(archive))
    assert r.code == 0, r.err + r.out
    assert "Archive intact" in r.out
    report = json_of(capsys, "archive", "verify", str(archive))
    assert report["ok"] is True and report["problems"] == []
    assert report["archive"]["exports"] > 0

    data = bytearray(archive.read_bytes())
    for where in (10, 40, len(data) // 2, len(data) - 3):  # magic, header, a chunk, the end
        bad = tmp_path / f"flipped-{where}"
        flipped = bytearray(data)
        flipped[where] ^= 0x01
        bad.write_bytes(bytes(flipped))
        r = run(capsys, "archive", "verify", str(bad))
        assert r.code == 1, (where, r.out, r.err)
        assert "Traceback" not in r.err
        assert "damaged" in r.out or "not a noteapp archive" in r.out, r.out
    cut = tmp_path / "cut"
    cut.write_bytes(bytes(data[: len(data) - 100]))
    r = run(capsys, "archive", "verify", str(cut))
    assert r.code == 1 and "damaged" in r.out


def test_wrong_passphrase_has_its_own_error(
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "a.noteapp-archive"
    assert export(capsys, source, archive).code == 0
    monkeypatch.setenv("NOTEAPP_ARCHIVE_PASSPHRASE", "not the archive passphrase")
    r = run(capsys, "archive", "verify", str(archive))
    assert r.code == 3
    assert "Wrong archive passphrase" in r.err and "header is intact" in r.err


def test_import_refused_into_a_vault_with_records(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "a.noteapp-archive"
    assert export(capsys, source, archive).code == 0
    before = json_of(capsys, "--vault", str(source), "client", "list")
    r = run(capsys, "--vault", str(source), "archive", "import", str(archive))
    assert r.code == 2
    assert "already holds records" in r.err
    assert json_of(capsys, "--vault", str(source), "client", "list") == before


def test_import_of_a_damaged_archive_writes_nothing(
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "a.noteapp-archive"
    assert export(capsys, source, archive).code == 0
    data = bytearray(archive.read_bytes())
    data[len(data) // 3] ^= 0x80
    archive.write_bytes(bytes(data))
    target = tmp_path / "target.noteapp"
    init_vault(capsys, target, monkeypatch)
    r = run(capsys, "--vault", str(target), "archive", "import", str(archive))
    assert r.code == 1 and "damaged" in r.err
    assert json_of(capsys, "--vault", str(target), "client", "list") == []


def test_export_refuses_an_existing_file_and_short_passphrases(
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("keep me")
    assert export(capsys, source, taken).code == 2
    assert taken.read_text() == "keep me"
    monkeypatch.setenv("NOTEAPP_ARCHIVE_PASSPHRASE", "short")
    r = export(capsys, source, tmp_path / "new")
    assert r.code == 2 and "at least 8" in r.err
    assert not (tmp_path / "new").exists()
    monkeypatch.delenv("NOTEAPP_ARCHIVE_PASSPHRASE")
    r = export(capsys, source, tmp_path / "new")  # no terminal to ask on
    assert r.code == 2 and "NOTEAPP_ARCHIVE_PASSPHRASE" in r.err


# --- helpers: reading an archive the way docs/archive.md describes ---------------------


def _files(path: Path) -> dict[str, bytes]:
    from noteapp.services.archive_container import open_container

    with path.open("rb") as handle:
        plain = open_container(handle, ARCHIVE_PASS)
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _names(path: Path) -> list[str]:
    return list(_files(path))


def test_fhir_export_from_the_command_line(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "caseload.fhir.json"
    r = run(capsys, "--vault", str(source), "archive", "export", "--fhir", str(out))
    assert r.code == 0, r.err
    assert r.out.strip() == str(out)
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert "Patient" in r.err and "not encrypted" in r.err
    again = run(capsys, "--vault", str(source), "archive", "export", "--fhir", str(out))
    assert again.code == 2 and "already exists" in again.err
