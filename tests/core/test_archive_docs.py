"""docs/archive.md's script reads a real archive with only the standard library and
`cryptography`: it lists the notes, and refuses a wrong passphrase or a changed file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAST_KDF
from tests.core.helpers import ARCHIVE_PASS, demo_workspace

DOC = Path(__file__).resolve().parents[2] / "docs" / "archive.md"


def _script() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Reading an archive without noteapp") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "docs/archive.md has no Python script in its reading section"
    return match.group(1)


def _run(script: Path, archive: Path, passphrase: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTEAPP_")}
    env["NOTEAPP_ARCHIVE_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-I", str(script), str(archive)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    from noteapp.services.archive import export_archive

    tmp = tmp_path_factory.mktemp("docs")
    ws = demo_workspace(tmp)
    try:
        codes = {c.id: c.code for c in ws.clients.list()}
        expected = sorted(
            (n.session.date.isoformat(), n.id, codes[n.client_id], n.template_id, n.status.value)
            for n in ws.notes.list(include_psychotherapy=False)
        )
        lines = ["  ".join((d, code, t, s, i)) for d, i, code, t, s in expected]
        export_archive(ws, out=tmp / "a", passphrase=ARCHIVE_PASS, params=FAST_KDF)
    finally:
        ws.close()
    return tmp / "a", lines


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "list_notes.py"
    path.write_text(_script(), encoding="utf-8")
    return path


def test_the_documented_script_lists_the_notes(
    archived: tuple[Path, list[str]], script: Path
) -> None:
    archive, expected = archived
    # Only the standard library and cryptography: no noteapp import anywhere in it.
    assert "noteapp." not in _script().replace("noteapp archive", "")
    result = _run(script, archive, ARCHIVE_PASS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected
    assert len(expected) > 5


def test_the_documented_script_refuses_a_wrong_passphrase_and_damage(
    archived: tuple[Path, list[str]], script: Path, tmp_path: Path
) -> None:
    archive, _ = archived
    wrong = _run(script, archive, "not the passphrase")
    assert wrong.returncode != 0 and "InvalidTag" in wrong.stderr
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x04
    damaged = tmp_path / "damaged"
    damaged.write_bytes(bytes(data))
    result = _run(script, damaged, ARCHIVE_PASS)
    assert result.returncode != 0 and "InvalidTag" in result.stderr
