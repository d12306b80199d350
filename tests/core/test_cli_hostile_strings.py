"""Issue #9, point 2: strings from a file are never printed raw. A forged (but validly
signed) export carries escape sequences, a C1 CSI and a bidi override in its template and
client names; `verify` shows them as visible escapes in text, and escaped in --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from noteapp.cli.main import main
from noteapp.services.verification import verify_docx
from noteapp.services.workspace import Workspace
from tests.core import hostile_export as hostile
from tests.core import test_verify_exports as signed_exports

ws = signed_exports.ws  # fixture


@pytest.fixture
def forged(ws: Workspace, tmp_path: Path) -> Path:
    path = hostile.forged_export(ws, signed_exports.signed_note(ws), tmp_path / "forged.docx")
    report = verify_docx(path)
    assert report.ok, report.problems  # the forger's own signature checks out
    assert report.notes[0].title == hostile.TEMPLATE_NAME  # the data itself is exact
    return path


def _no_raw_controls(text: str) -> None:
    for char in hostile.RAW:
        assert char not in text, repr(char)


def test_verify_text_output_shows_control_characters_visibly(
    forged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(forged)]) == 0
    out = capsys.readouterr().out
    _no_raw_controls(out)
    assert "BIRP\\x1b[2J\\x1b[H\\x9b32mValid: every signer is trusted\\x1b[0m" in out
    assert "client C0001\\x1b[1A\\x1b[2K" in out
    assert out.splitlines()[0].startswith("Valid, but from a signer you have not marked")


def test_verify_json_escapes_them_and_keeps_the_exact_value(
    forged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(forged), "--json"]) == 0
    out = capsys.readouterr().out
    _no_raw_controls(out)
    assert "\\u001b[2J" in out and "\\u009b32m" in out
    doc = json.loads(out)
    assert doc["notes"][0]["title"] == hostile.TEMPLATE_NAME
    assert doc["notes"][0]["client_code"] == hostile.CLIENT_CODE
    assert doc["contents"]["valid"] is True


def test_a_failed_verification_quoting_the_file_is_escaped(
    forged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.export import docx_edit as ed

    # The header names the client: change it so the failure quotes the hostile name.
    def header(data: bytes) -> bytes:
        return data.replace(b"Jordan", "Jordan\u202e".encode(), 1)

    tampered = ed.rewrite(forged, tmp_path / "t.docx", {"word/header1.xml": header})
    assert main(["verify", str(tampered)]) == 1
    out = capsys.readouterr().out
    _no_raw_controls(out)
    assert "The page header does not match" in out and "\\u202e" in out


def test_error_lines_escape_what_they_quote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / f"note{hostile.ESC}[2J{hostile.CSI}.docx"
    assert main(["verify", str(missing)]) == 2
    err = capsys.readouterr().err
    _no_raw_controls(err)
    assert "\\x1b[2J\\x9b.docx" in err
