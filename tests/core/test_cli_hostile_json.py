"""JSON a user hands to the CLI, nested or sized beyond bounds: a sentence and the documented
exit code (2 for input files, 1 for `verify`), never "unexpected error", nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from noteapp.export import write_docx
from noteapp.export.proof import proof_xml
from tests.core.test_cli_plans import Clinic, clinic, draft_note
from tests.core.test_cli_process import assert_clean_failure, noteapp
from tests.core.test_cli_records import PASS, run, vault
from tests.core.test_cli_signing import json_of_failure, no_vault, one_line_error
from tests.export import samples
from tests.export.test_hostile import _rewrite

# Fixtures of test_cli_records and test_cli_plans: a new vault, and a clinician with a client.
__all__ = ["clinic", "vault"]

DEEP = "[" * 100_000 + "]" * 100_000  # 200 kB: json.loads gave up with a RecursionError
TOO_DEEP = "This {what} nests data more deeply than noteapp allows (64 levels); it was not read."
LONG_NUMBER = '{"subjective": ' + "9" * 5000 + "}"  # Python reads at most 4,300 digits
TOO_LONG = "This {what} holds a number of more than 4,300 digits; it was not read."


def _commands(clinic: Clinic, note_id: str, path: str) -> dict[str, list[str]]:
    """Every command that reads a JSON file the user names → its arguments."""
    return {
        "fields file": ["note", "new", "--client", clinic.client, "--template", "birp",
                        "--fields", path],
        "plan file": ["plan", "import", "--client", clinic.client, path],
        "safety-plan file": ["safety-plan", "import", "--client", clinic.client, path],
        "crisis-lines file": ["safety-plan", "crisis-lines", "--file", path],
        "risk assessment file": ["note", "risk", note_id, "--file", path],
        "ratings file": ["note", "rate", note_id, "--file", path],
    }  # fmt: skip


@pytest.mark.parametrize(("content", "sentence"), [(DEEP, TOO_DEEP), (LONG_NUMBER, TOO_LONG)])
def test_input_files_beyond_bounds_exit_2(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], content: str, sentence: str
) -> None:
    note_id = draft_note(capsys, clinic)
    before = run(capsys, "note", "show", note_id, "--json").out
    path = clinic.tmp / "hostile.json"
    path.write_text(content, encoding="utf-8")
    for what, argv in _commands(clinic, note_id, str(path)).items():
        r = run(capsys, *argv)
        assert (r.code, r.out) == (2, ""), (what, r.err)
        assert r.err == f"noteapp: {sentence.format(what=what)}\n"
    r = run(capsys, "note", "edit", note_id, "--fields", str(path))
    assert r.code == 2 and one_line_error(r.err)
    assert run(capsys, "note", "show", note_id, "--json").out == before
    assert (
        json.loads(run(capsys, "plan", "versions", "--client", clinic.client, "--json").out) == []
    )
    assert run(capsys, "safety-plan", "show", "--client", clinic.client).code == 2


def test_a_deep_key_file_is_not_a_key_file(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    path = clinic.tmp / "deep.noteapp-key"
    path.write_text("[" * 30_000 + "]" * 30_000, encoding="utf-8")  # within its 64 kB
    r = run(capsys, "keys", "trust", str(path))
    assert (r.code, r.err) == (2, "noteapp: That is not a noteapp public-key file.\n")
    assert json.loads(run(capsys, "keys", "list", "--json").out)["trusted"] == []


@pytest.fixture
def deep_proof_docx(tmp_path: Path) -> Path:
    """A Word file whose signature part is a deeply nested JSON document."""
    good = tmp_path / "good.docx"
    write_docx(samples.job(samples.signed_note(), logo=False), good)
    changes = {"customXml/noteappProof1.xml": proof_xml(DEEP.encode())}
    return _rewrite(good, tmp_path / "deep.docx", changes)


def test_verify_of_a_deeply_nested_proof_exits_1(
    deep_proof_docx: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_vault(monkeypatch)
    r = run(capsys, "verify", str(deep_proof_docx))
    assert r.code == 1 and r.err == ""
    reason = TOO_DEEP.format(what="signature proof")
    assert r.out.splitlines()[0] == f"The signature part is damaged: {reason}"
    report = json_of_failure(capsys, "verify", str(deep_proof_docx), "--json")
    assert report["ok"] is False and report["problems"] == [reason]


def test_review_import_of_a_deeply_nested_proof_stores_nothing(
    clinic: Clinic, deep_proof_docx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = run(capsys, "review", "import", str(deep_proof_docx))
    assert r.code in (1, 2) and one_line_error(r.err), r.err
    assert TOO_DEEP.format(what="signature proof") in r.err


def test_in_a_real_process_one_line_and_the_exit_code(
    clinic: Clinic, deep_proof_docx: Path, tmp_path: Path
) -> None:
    path = tmp_path / "deep-plan.json"
    path.write_text(DEEP, encoding="utf-8")
    env = {"NOTEAPP_VAULT": str(clinic.vault), "NOTEAPP_PASSPHRASE": PASS}
    proc = noteapp("plan", "import", "--client", clinic.client, str(path), env=env)
    assert_clean_failure(proc, 2)
    assert TOO_DEEP.format(what="plan file") in proc.stderr
    proc = noteapp("verify", str(deep_proof_docx))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
    assert TOO_DEEP.format(what="signature proof") in proc.stdout
