"""CLI signing, corrections, Word export, verify, keys and the supervision round trip.

In-process through `noteapp.cli.main.main`, plus real processes for the exit codes and the
one-line errors (never a traceback). The CLI uses the real clock, so every date of service
here is today or earlier. Synthetic people only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from noteapp.cli import common
from noteapp.export import read_docx
from tests.core.test_cli_process import assert_clean_failure, noteapp
from tests.core.test_cli_records import KDF, PASS, json_of, run, vault
from tests.core.test_signing import FIELDS
from tests.export.test_roundtrip import _edit_first_paragraph as edit_word_in_body

# `vault` is the fixture of test_cli_records (a new vault in NOTEAPP_VAULT, passphrase set).
__all__ = ["vault"]

EXPORT_PASSWORD = "file-password-42"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ID_LINE = re.compile(r"^[0-9a-f]{32}\n$")
# What makes a BIRP note complete enough to sign (see `note check`).
SESSION = {
    "--start": "09:00",
    "--end": "09:50",
    "--service-code": "90834",
    "--place-of-service": "11",
    "--si": "denied",
    "--hi": "denied",
    "--diagnosis": "F41.1",
}
COMPLETE = [word for option in SESSION.items() for word in option]


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


@dataclass
class Clinic:
    """A clinician's vault with a profile, one client and a --fields file."""

    vault: Path
    client: str
    fields: Path
    tmp: Path


@pytest.fixture
def clinic(vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Clinic:
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
        "Riverbend Counseling (demo)",
    )
    assert r.code == 0, r.err
    r = run(
        capsys,
        "client",
        "add",
        "--name",
        "Jordan Avery",
        "--dob",
        "1990-04-12",
        "--diagnosis",
        "F41.1",
    )
    assert r.code == 0, r.err
    fields = tmp_path / "fields.json"
    fields.write_text(json.dumps(FIELDS), encoding="utf-8")
    return Clinic(vault=vault, client=r.out.strip(), fields=fields, tmp=tmp_path)


def new_note(capsys: pytest.CaptureFixture[str], clinic: Clinic, *extra: str) -> str:
    """A complete BIRP draft (today unless --date is in `extra`)."""
    r = run(
        capsys,
        "note",
        "new",
        "--client",
        clinic.client,
        "--template",
        "birp",
        "--fields",
        str(clinic.fields),
        *COMPLETE,
        *extra,
    )
    assert r.code == 0, r.err
    assert ID_LINE.match(r.out), r.out
    return r.out.strip()


def signed_note(capsys: pytest.CaptureFixture[str], clinic: Clinic, *extra: str) -> str:
    note_id = new_note(capsys, clinic, *extra)
    r = run(capsys, "note", "sign", note_id)
    assert r.code == 0, r.err
    return note_id


def export(capsys: pytest.CaptureFixture[str], *argv: str) -> int:
    r = run(capsys, "export", *argv)
    if r.code != 0:
        assert r.err.startswith("noteapp: ") and r.err.count("\n") == 1, r.err
    return r.code


@pytest.fixture
def amended(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> tuple[str, Path]:
    """A signed note with one amendment, exported to note.docx."""
    note_id = signed_note(capsys, clinic)
    r = run(
        capsys,
        "note",
        "addendum",
        note_id,
        "--kind",
        "amendment",
        "--text",
        "The GAD-7 score was 9, not 11.",
        "--reason",
        "Transcription error.",
    )
    assert r.code == 0, r.err
    path = clinic.tmp / "note.docx"
    assert export(capsys, note_id, "--out", str(path)) == 0
    return note_id, path


def no_vault(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTEAPP_VAULT", raising=False)


def one_line_error(err: str) -> bool:
    return err.startswith("noteapp: ") and err.count("\n") == 1 and "Traceback" not in err


# --- note sign -------------------------------------------------------------------------


def test_sign_a_complete_note(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    note_id = new_note(capsys, clinic)
    check = run(capsys, "note", "check", note_id)
    assert check.code == 0, check.out
    assert "Ready to sign." in check.out
    assert json_of(capsys, "note", "check", note_id)["can_sign"] is True
    assert json_of(capsys, "note", "show", note_id)["status"] == "draft"

    r = run(capsys, "note", "sign", note_id)
    assert r.code == 0, r.err
    assert r.out == ""
    assert "Signed and locked" in r.err
    fingerprint = json_of(capsys, "profile", "show")["fingerprint"]
    assert fingerprint in r.err
    shown = json_of(capsys, "note", "show", note_id)
    assert shown["status"] == "signed"
    assert shown["fields"] == FIELDS
    assert [n["id"] for n in json_of(capsys, "note", "list", "--status", "signed")] == [note_id]

    again = run(capsys, "note", "sign", note_id)
    assert again.code == 2 and one_line_error(again.err)
    assert "already signed" in again.err

    # A signed note is locked: editing is refused and nothing changes.
    edit = run(capsys, "note", "edit", note_id, "--service-code", "90837")
    assert edit.code == 2 and one_line_error(edit.err)
    assert "addendum" in edit.err
    assert json_of(capsys, "note", "show", note_id) == shown


def test_sign_an_incomplete_note_exits_1_with_the_reasons(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    r = run(capsys, "note", "new", "--client", clinic.client, "--template", "birp")
    assert r.code == 0, r.err
    note_id = r.out.strip()
    assert run(capsys, "note", "check", note_id).code == 1

    signed = run(capsys, "note", "sign", note_id)
    assert signed.code == 1
    assert one_line_error(signed.err), signed.err
    assert "cannot be signed" in signed.err
    for reason in ("“Behavior” is required", "“Plan” is required", "start and stop time"):
        assert reason in signed.err
    assert json_of(capsys, "note", "show", note_id)["status"] == "draft"
    # Still a draft, so still editable.
    assert run(capsys, "note", "edit", note_id, "--fields", str(clinic.fields)).code == 0


def test_sign_with_the_wrong_passphrase_exits_3(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id = new_note(capsys, clinic)
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", "not the passphrase at all")
    r = run(capsys, "note", "sign", note_id)
    assert r.code == 3 and one_line_error(r.err)
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASS)
    assert json_of(capsys, "note", "show", note_id)["status"] == "draft"


def test_sign_unknown_note_exits_2(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    r = run(capsys, "note", "sign", "0" * 32)
    assert r.code == 2 and one_line_error(r.err)


# --- note addendum ---------------------------------------------------------------------


def test_addendum_and_amendment(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    note_id = signed_note(capsys, clinic)
    no_reason = run(
        capsys, "note", "addendum", note_id, "--kind", "amendment", "--text", "GAD-7 was 9."
    )
    assert no_reason.code == 2 and one_line_error(no_reason.err)
    assert "reason" in no_reason.err and no_reason.out == ""

    r = run(
        capsys,
        "note",
        "addendum",
        note_id,
        "--kind",
        "amendment",
        "--text",
        "GAD-7 was 9.",
        "--reason",
        "Transcription error.",
    )
    assert r.code == 0, r.err
    assert ID_LINE.match(r.out), r.out  # the new id alone on its line

    r = run(capsys, "note", "addendum", note_id, "--text", "Client called to reschedule.")
    assert r.code == 0 and ID_LINE.match(r.out), r.err
    r = run(
        capsys,
        "note",
        "addendum",
        note_id,
        "--kind",
        "late-entry",
        "--text",
        "Phone call with the primary care office.",
        "--reason",
        "Not documented on the day.",
        "--date-of-service",
        days_ago(1),
    )
    assert r.code == 0 and ID_LINE.match(r.out), r.err
    # The note itself never changes.
    assert json_of(capsys, "note", "show", note_id)["fields"] == FIELDS


def test_addendum_on_a_draft_is_refused(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    draft = new_note(capsys, clinic)
    r = run(capsys, "note", "addendum", draft, "--text", "More information.")
    assert r.code == 2 and one_line_error(r.err)
    assert r.out == ""


def test_note_show_json_lists_the_addenda(
    amended: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    note_id, _ = amended
    assert len(json_of(capsys, "note", "show", note_id)["addenda"]) == 1


# --- export ----------------------------------------------------------------------------


def test_export_a_signed_note(
    amended: tuple[str, Path], clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    note_id, path = amended
    assert path.is_file()
    assert path.read_bytes()[:2] == b"PK"
    assert path.stat().st_mode & 0o777 == 0o600
    # An existing file is never overwritten.
    before = path.read_bytes()
    assert export(capsys, note_id, "--out", str(path)) == 2
    assert path.read_bytes() == before
    # A note or a client, not both, not neither.
    other = clinic.tmp / "other.docx"
    assert export(capsys, note_id, "--client", clinic.client, "--out", str(other)) == 2
    assert export(capsys, "--out", str(other)) == 2
    assert export(capsys, "0" * 32, "--out", str(other)) == 2
    assert not other.exists()


def test_export_a_draft_only_with_draft(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_note(capsys, clinic)
    out = clinic.tmp / "draft.docx"
    assert export(capsys, draft, "--out", str(out)) == 2
    assert not out.exists()
    assert export(capsys, draft, "--out", str(out), "--draft") == 0
    assert read_docx(out).header_lines[0] == "DRAFT — not signed"
    # A draft carries no signature: verify says so (a failed check, exit 1).
    monkeypatch.delenv("NOTEAPP_VAULT")
    r = run(capsys, "verify", str(out))
    assert r.code == 1 and "no noteapp signature" in r.out


def test_export_psychotherapy_note_needs_explicit_inclusion(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    r = run(capsys, "note", "new", "--client", clinic.client, "--template", "psychotherapy")
    assert r.code == 0, r.err
    note_id = r.out.strip()
    assert run(capsys, "note", "sign", note_id).code == 0
    out = clinic.tmp / "process.docx"
    assert export(capsys, note_id, "--out", str(out)) == 2
    assert not out.exists()
    assert export(capsys, note_id, "--out", str(out), "--include-psychotherapy") == 0
    assert out.is_file()


def test_encrypted_export_and_verify_with_its_password(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "stdin_is_tty", lambda: False)
    note_id = signed_note(capsys, clinic)
    out = clinic.tmp / "locked.docx"
    # No password and no terminal: refused before anything is written.
    assert export(capsys, note_id, "--out", str(out), "--encrypt") == 2
    monkeypatch.setenv("NOTEAPP_EXPORT_PASSWORD", "short")
    assert export(capsys, note_id, "--out", str(out), "--encrypt") == 2
    assert not out.exists()

    monkeypatch.setenv("NOTEAPP_EXPORT_PASSWORD", EXPORT_PASSWORD)
    r = run(capsys, "export", note_id, "--out", str(out), "--encrypt")
    assert r.code == 0, r.err
    assert "password-protected" in r.err
    data = out.read_bytes()
    assert data[:4] == OLE_MAGIC
    assert b"Jordan" not in data and FIELDS["plan"].encode() not in data
    assert out.stat().st_mode & 0o777 == 0o600

    no_vault(monkeypatch)
    monkeypatch.delenv("NOTEAPP_EXPORT_PASSWORD")
    r = run(capsys, "verify", str(out))
    assert r.code == 2 and one_line_error(r.err)
    assert "NOTEAPP_EXPORT_PASSWORD" in r.err

    monkeypatch.setenv("NOTEAPP_EXPORT_PASSWORD", EXPORT_PASSWORD)
    r = run(capsys, "verify", str(out))
    assert r.code == 0, r.out + r.err
    assert r.out.startswith("Valid")

    # A wrong file password is a failed check (exit 1), said plainly.
    monkeypatch.setenv("NOTEAPP_EXPORT_PASSWORD", "not-the-file-password")
    r = run(capsys, "verify", str(out))
    assert r.code == 1 and "Traceback" not in r.err
    assert "password" in r.out and "wrong" in r.out


def test_verify_asks_for_a_file_password_once(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id = signed_note(capsys, clinic)
    out = clinic.tmp / "locked.docx"
    monkeypatch.setenv("NOTEAPP_EXPORT_PASSWORD", EXPORT_PASSWORD)
    assert export(capsys, note_id, "--out", str(out), "--encrypt") == 0
    monkeypatch.delenv("NOTEAPP_EXPORT_PASSWORD")
    no_vault(monkeypatch)
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return EXPORT_PASSWORD

    monkeypatch.setattr(common, "stdin_is_tty", lambda: True)
    monkeypatch.setattr(common.getpass, "getpass", fake_getpass)
    r = run(capsys, "verify", str(out))
    assert r.code == 0, r.out + r.err
    assert len(prompts) == 1, prompts


def test_chart_export_verifies_every_note(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recent = signed_note(capsys, clinic, "--date", days_ago(7))
    today = signed_note(capsys, clinic)
    signed_note(capsys, clinic, "--date", days_ago(60))  # before --from
    new_note(capsys, clinic, "--date", days_ago(3))  # a draft: never in a chart
    out = clinic.tmp / "chart.docx"
    argv = ["--client", clinic.client, "--from", days_ago(30), "--to", days_ago(0)]
    assert export(capsys, *argv, "--out", str(out)) == 0
    assert out.stat().st_mode & 0o777 == 0o600
    bad = clinic.tmp / "bad.docx"
    assert export(capsys, "--client", clinic.client, "--from", "2026-13-01", "--out", str(bad)) == 2
    assert export(capsys, "--client", "nobody", "--out", str(bad)) == 2
    assert not bad.exists()

    no_vault(monkeypatch)
    report = json_of(capsys, "verify", str(out))
    assert report["ok"] is True
    assert [n["note_id"] for n in report["notes"]] == [recent, today]
    assert [n["date_of_service"] for n in report["notes"]] == [days_ago(7), days_ago(0)]
    text = run(capsys, "verify", str(out))
    assert text.code == 0 and "2 signature(s)" in text.out


# --- verify ----------------------------------------------------------------------------


def test_verify_needs_no_vault(
    amended: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id, path = amended
    no_vault(monkeypatch)
    monkeypatch.delenv("NOTEAPP_PASSPHRASE")
    r = run(capsys, "verify", str(path))
    assert r.code == 0, r.out + r.err
    assert r.out.startswith("Valid") and "not marked as trusted" in r.out
    assert "Dana Whitfield" in r.out and "(not trusted)" in r.out
    assert r.err == ""

    report = json_of(capsys, "verify", str(path))
    assert set(report) >= {"ok", "status", "summary", "problems", "notes"}
    assert report["ok"] is True and report["problems"] == []
    assert report["status"] == "valid-unknown-signer"
    (note,) = report["notes"]
    assert note["note_id"] == note_id and note["date_of_service"] == days_ago(0)
    assert [s["role"] for s in note["signatures"]] == ["Author", "Amendment"]
    for sig in note["signatures"]:
        assert set(sig) >= {
            "role",
            "signer",
            "credentials",
            "fingerprint",
            "signed_at",
            "trusted",
            "valid",
            "problems",
        }
        assert sig["signer"] == "Dana Whitfield" and sig["credentials"] == "LCSW"
        assert sig["valid"] is True and sig["trusted"] is False and sig["problems"] == []
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d \S+", sig["signed_at"]), sig


def test_verify_with_own_vault_trusts_own_key(
    amended: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = amended  # NOTEAPP_VAULT is the signer's vault
    report = json_of(capsys, "verify", str(path))
    assert report["status"] == "valid"
    fingerprint = json_of(capsys, "profile", "show")["fingerprint"]
    for sig in report["notes"][0]["signatures"]:
        assert sig["trusted"] is True and sig["fingerprint"] == fingerprint


def test_verify_finds_an_edited_word(
    amended: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = amended
    edit_word_in_body(path, "Weekly CBT", "Monthly CBT")
    no_vault(monkeypatch)
    r = run(capsys, "verify", str(path))
    assert r.code == 1 and "Traceback" not in r.err
    assert r.out.startswith("Verification FAILED")
    r = run(capsys, "verify", str(path), "--json")
    assert r.code == 1
    report = json.loads(r.out)
    assert report["ok"] is False and report["status"] == "invalid"
    summary = report["summary"]
    assert "does not match what was signed" in summary
    assert re.search(r"line \d+ reads “Monthly CBT", summary), summary
    assert "“Weekly CBT" in summary
    assert report["problems"]


def json_of_failure(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    r = run(capsys, *argv)
    assert r.code == 1, r.err
    document: dict[str, object] = json.loads(r.out)
    return document


def test_verify_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_vault(monkeypatch)
    text = tmp_path / "letter.docx"
    text.write_text("Dear colleague, this is not a Word file.\n", encoding="utf-8")
    r = run(capsys, "verify", str(text))
    # A check that failed (exit 1): the reason on stdout, nothing on stderr.
    assert r.code == 1 and r.err == ""
    assert r.out.splitlines()[0] == "This file is not a Word document (.docx)."
    report = json_of_failure(capsys, "verify", str(text), "--json")
    assert report["ok"] is False and report["notes"] == []
    assert report["problems"] == ["This file is not a Word document (.docx)."]

    r = run(capsys, "verify", str(tmp_path / "missing.docx"))
    assert r.code == 2 and one_line_error(r.err) and r.out == ""
    assert "missing.docx" in r.err


# --- keys and the supervision round trip -----------------------------------------------


@pytest.fixture
def supervisor(vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A second vault: the supervisor's (same passphrase, for brevity)."""
    path = tmp_path / "supervisor.noteapp"
    assert run(capsys, "--vault", str(path), "init", *KDF).code == 0
    r = run(
        capsys,
        "--vault",
        str(path),
        "profile",
        "set",
        "--name",
        "Morgan Hale",
        "--credentials",
        "PhD",
        "--role",
        "supervisor",
    )
    assert r.code == 0, r.err
    return path


def trust_key(
    capsys: pytest.CaptureFixture[str], owner: list[str], truster: list[str], key_file: Path
) -> None:
    """The vault `truster` (global options, [] = NOTEAPP_VAULT) trusts `owner`'s key."""
    assert run(capsys, *owner, "keys", "export", "--out", str(key_file)).code == 0
    assert run(capsys, *truster, "keys", "trust", str(key_file)).code == 0


def trust_supervisor(capsys: pytest.CaptureFixture[str], supervisor: Path, tmp: Path) -> None:
    """The clinician trusts the supervisor's key (a review from any other key is refused)."""
    trust_key(capsys, ["--vault", str(supervisor)], [], tmp / "morgan.noteapp-key")


def signed_note_in(
    capsys: pytest.CaptureFixture[str], vault_args: list[str], fields: Path, name: str
) -> str:
    """A new client `name` and a signed, complete BIRP note in another vault; its id."""
    client = run(capsys, *vault_args, "client", "add", "--name", name).out.strip()
    r = run(
        capsys,
        *vault_args,
        "note",
        "new",
        "--client",
        client,
        "--template",
        "birp",
        "--fields",
        str(fields),
        *COMPLETE,
    )
    assert r.code == 0, r.err
    note_id = r.out.strip()
    assert run(capsys, *vault_args, "note", "sign", note_id).code == 0
    return note_id


def test_supervision_round_trip(
    amended: tuple[str, Path],
    clinic: Clinic,
    supervisor: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, note_docx = amended
    sup = ["--vault", str(supervisor)]
    tmp = clinic.tmp
    key_file = tmp / "dana.noteapp-key"
    r = run(capsys, "keys", "export", "--out", str(key_file))
    assert r.code == 0, r.err
    dana = json_of(capsys, "profile", "show")["fingerprint"]
    assert dana in r.err and key_file.is_file()
    assert run(capsys, "keys", "export", "--out", str(key_file)).code == 2  # never overwritten

    # Before trusting: valid, but not trusted.
    before = json_of(capsys, *sup, "verify", str(note_docx))
    assert before["ok"] is True and before["status"] == "valid-unknown-signer"

    r = run(capsys, *sup, "keys", "trust", str(key_file))
    assert r.code == 0, r.err
    assert dana in r.err
    listed = json_of(capsys, *sup, "keys", "list")
    assert listed["own"]["name"] == "Morgan Hale"
    assert [(k["name"], k["credentials"], k["fingerprint"]) for k in listed["trusted"]] == [
        ("Dana Whitfield", "LCSW", dana)
    ]
    assert dana in run(capsys, *sup, "keys", "list").out

    report = json_of(capsys, *sup, "verify", str(note_docx))
    assert report["status"] == "valid"
    sigs = report["notes"][0]["signatures"]
    assert sigs and all(s["trusted"] is True for s in sigs)

    cosigned = tmp / "cosigned.docx"
    statement = "Reviewed; I agree with the assessment and plan."
    r = run(
        capsys,
        *sup,
        "review",
        "cosign",
        str(note_docx),
        "--out",
        str(cosigned),
        "--statement",
        statement,
    )
    assert r.code == 0, r.err
    assert cosigned.is_file()
    assert run(capsys, *sup, "review", "cosign", str(note_docx), "--out", str(cosigned)).code == 2
    report = json_of(capsys, *sup, "verify", str(cosigned))
    assert report["ok"] is True
    sigs = report["notes"][0]["signatures"]
    assert [s["role"] for s in sigs] == ["Author", "Amendment", "Co-signature"]
    assert sigs[2]["signer"] == "Morgan Hale" and sigs[2]["credentials"] == "PhD"
    assert all(s["trusted"] for s in sigs)

    returned = tmp / "returned.docx"
    r = run(
        capsys,
        *sup,
        "review",
        "return",
        str(note_docx),
        "--out",
        str(returned),
        "--comments",
        "Please add the GAD-7 trend.",
    )
    assert r.code == 0, r.err
    assert returned.is_file()
    # --comments is required.
    assert run(capsys, *sup, "review", "return", str(note_docx), "--out", str(tmp / "x")).code == 2

    # Back in the clinician's vault: only a trusted supervisor's review is imported.
    r = run(capsys, "review", "import", str(cosigned))
    assert r.code == 2 and one_line_error(r.err)
    assert "not marked as trusted" in r.err and "noteapp keys trust FILE" in r.err
    trust_supervisor(capsys, supervisor, tmp)
    r = run(capsys, "review", "import", str(cosigned))
    assert r.code == 0, r.err
    assert r.out.startswith("Co-signature: Morgan Hale")
    r = run(capsys, "review", "import", str(cosigned))
    assert r.code == 0, r.err
    assert "already" in r.err and r.out == ""
    r = run(capsys, "review", "import", str(returned))
    assert r.code == 0, r.err
    assert r.out.startswith("Returned for revision: Morgan Hale")


def test_review_refuses_tampered_and_foreign_files(
    amended: tuple[str, Path],
    clinic: Clinic,
    supervisor: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, note_docx = amended
    sup = ["--vault", str(supervisor)]
    tmp = clinic.tmp
    edit_word_in_body(note_docx, "Weekly CBT", "Monthly CBT")
    out = tmp / "cosigned.docx"
    r = run(capsys, *sup, "review", "cosign", str(note_docx), "--out", str(out))
    assert r.code == 1 and one_line_error(r.err)
    assert "Not reviewed" in r.err and not out.exists()
    r = run(capsys, "review", "import", str(note_docx))
    assert r.code == 1 and one_line_error(r.err)

    # A note signed in the supervisor's vault is not about any note in the clinician's.
    foreign_id = signed_note_in(capsys, sup, clinic.fields, "Riley Quimby")
    foreign = tmp / "foreign.docx"
    assert export(capsys, *sup, foreign_id, "--out", str(foreign)) == 0
    r = run(capsys, "review", "import", str(foreign))
    assert r.code == 2 and one_line_error(r.err)
    assert "nothing was imported" in r.err


def test_review_of_a_password_protected_file(
    amended: tuple[str, Path],
    clinic: Clinic,
    supervisor: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    note_id, _ = amended
    monkeypatch.setenv("NOTEAPP_EXPORT_PASSWORD", EXPORT_PASSWORD)
    locked = clinic.tmp / "locked.docx"
    assert export(capsys, note_id, "--out", str(locked), "--encrypt") == 0
    cosigned = clinic.tmp / "cosigned.docx"
    sup = ["--vault", str(supervisor)]
    r = run(capsys, *sup, "review", "cosign", str(locked), "--out", str(cosigned))
    assert r.code == 0, r.err
    assert cosigned.read_bytes()[:4] == OLE_MAGIC  # a protected file stays protected
    trust_supervisor(capsys, supervisor, clinic.tmp)
    r = run(capsys, "review", "import", str(cosigned))
    assert r.code == 0, r.err


def test_verify_with_a_vault_and_the_wrong_passphrase_exits_3(
    amended: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = amended
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", "not the passphrase at all")
    r = run(capsys, "verify", str(path))
    assert r.code == 3 and one_line_error(r.err)


# --- as real processes -----------------------------------------------------------------


def test_processes_exit_codes_and_no_traceback(
    amended: tuple[str, Path], clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    note_id, note_docx = amended
    r = run(capsys, "note", "new", "--client", clinic.client, "--template", "birp")
    incomplete = r.out.strip()
    tampered = clinic.tmp / "tampered.docx"
    tampered.write_bytes(note_docx.read_bytes())
    edit_word_in_body(tampered, "Weekly CBT", "Monthly CBT")
    env = {"NOTEAPP_VAULT": str(clinic.vault), "NOTEAPP_PASSPHRASE": PASS}

    ok = noteapp("verify", str(note_docx))  # no vault, no passphrase
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("Valid") and ok.stderr == ""

    bad = noteapp("verify", str(tampered))
    assert bad.returncode == 1, bad.stderr
    assert bad.stdout.startswith("Verification FAILED")
    assert "Traceback" not in bad.stderr + bad.stdout

    assert_clean_failure(noteapp("note", "sign", incomplete, env=env), 1)
    wrong = {**env, "NOTEAPP_PASSPHRASE": "not the passphrase at all"}
    assert_clean_failure(noteapp("note", "sign", incomplete, env=wrong), 3)
    missing = {**env, "NOTEAPP_VAULT": str(clinic.tmp / "missing.noteapp")}
    assert_clean_failure(noteapp("note", "sign", incomplete, env=missing), 4)
    assert_clean_failure(noteapp("verify", str(clinic.tmp / "missing.docx")), 2)

    locked = clinic.tmp / "locked.docx"
    enc = {**env, "NOTEAPP_EXPORT_PASSWORD": EXPORT_PASSWORD}
    made = noteapp("export", note_id, "--out", str(locked), "--encrypt", env=enc)
    assert made.returncode == 0, made.stderr
    assert locked.read_bytes()[:4] == OLE_MAGIC
    assert_clean_failure(noteapp("verify", str(locked)), 2)  # no password, stdin not a terminal
    opened = noteapp("verify", str(locked), env={"NOTEAPP_EXPORT_PASSWORD": EXPORT_PASSWORD})
    assert opened.returncode == 0, opened.stderr
