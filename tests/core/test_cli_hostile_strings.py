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


def test_trusting_a_key_file_cannot_print_a_forged_confirmation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Red team: a key file whose name holds a newline and a confirmation naming a colleague's
    # real fingerprint; the clinician comparing fingerprints by phone reads the forged line.
    from noteapp import crypto
    from tests.core.helpers import init_vault

    vault = init_vault(capsys, tmp_path / "v.noteapp", monkeypatch)
    _private, public = crypto.generate_signing_keypair()
    forged_line = (
        "Trusted Dana Whitfield (LCSW) · fingerprint 6390 F674 E8CB 8D49 ABAA BDD6 6945 4B01."
    )
    key_file = tmp_path / "k.json"
    key_file.write_text(
        json.dumps(
            {
                "format": "noteapp-public-key/1",
                "name": f"Mallory\n{forged_line}",
                "credentials": "LCSW\r",
                "public_key": public.hex(),
            }
        ),
        encoding="utf-8",
    )
    # Refused at the mechanism: no person's name holds a newline, a carriage return or a bidi
    # override, so such a key file is never read (nor shown in the app's trust dialog).
    assert main([*vault, "keys", "trust", str(key_file)]) == 2
    err = capsys.readouterr().err
    assert not any(line.startswith(forged_line) for line in err.splitlines())
    assert "control or invisible characters" in err and "\r" not in err
    assert main([*vault, "keys", "list", "--json"]) == 0
    assert crypto.key_fingerprint(public) not in capsys.readouterr().out
