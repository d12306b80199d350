"""Password protection: standard Office (Agile) encryption round trip and wrong passwords."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from noteapp.domain.errors import WrongSecretError
from noteapp.export import (
    ExportEncryptedError,
    ExportPasswordError,
    ExportReadError,
    decrypt_docx,
    encrypt_docx,
    expected_body_lines,
    is_encrypted,
    read_docx,
    write_docx,
)
from tests.export import samples

PASSWORD = "correct horse battery staple"  # synthetic


def test_encrypted_export_opens_with_its_password(tmp_path: Path) -> None:
    job = samples.job(samples.cosigned_note())
    plain, locked, opened = tmp_path / "p.docx", tmp_path / "l.docx", tmp_path / "o.docx"
    write_docx(job, plain)
    assert not is_encrypted(plain)
    encrypt_docx(plain, locked, PASSWORD)
    assert is_encrypted(locked)
    assert stat.S_IMODE(locked.stat().st_mode) == 0o600
    with pytest.raises(ExportEncryptedError):
        read_docx(locked)
    decrypt_docx(locked, opened, PASSWORD)
    result = read_docx(opened)
    assert result.body_lines == expected_body_lines(job)
    assert result.proof == job.proof


def test_wrong_password_is_a_plain_typed_error(tmp_path: Path) -> None:
    plain, locked = tmp_path / "p.docx", tmp_path / "l.docx"
    write_docx(samples.job(samples.signed_note()), plain)
    encrypt_docx(plain, locked, PASSWORD)
    with pytest.raises(ExportPasswordError) as err:
        decrypt_docx(locked, tmp_path / "o.docx", "wrong password")
    assert isinstance(err.value, WrongSecretError)
    assert str(err.value) == "The password for this document is wrong."
    assert not (tmp_path / "o.docx").exists()


def test_decrypting_a_plain_file_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "p.docx"
    write_docx(samples.job(samples.signed_note()), plain)
    with pytest.raises(ExportReadError):
        decrypt_docx(plain, tmp_path / "o.docx", PASSWORD)


def test_is_encrypted_on_odd_files(tmp_path: Path) -> None:
    odd = tmp_path / "odd"
    odd.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage")
    assert not is_encrypted(odd)
    assert not is_encrypted(tmp_path / "missing")


def test_a_job_is_encrypted_without_a_plain_copy_and_read_with_its_password(
    tmp_path: Path,
) -> None:
    job = samples.job(samples.amended_note())
    locked = tmp_path / "l.docx"
    encrypt_docx(job, locked, PASSWORD)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.docx"]
    assert is_encrypted(locked)
    result = read_docx(locked, password=PASSWORD)
    assert result.body_lines == expected_body_lines(job)
    assert result.proof == job.proof
    with pytest.raises(ExportPasswordError):
        read_docx(locked, password="nope")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.docx"]


def test_password_is_ignored_for_a_plain_file(tmp_path: Path) -> None:
    job = samples.job(samples.signed_note())
    write_docx(job, tmp_path / "p.docx")
    assert read_docx(tmp_path / "p.docx", password=PASSWORD).body_lines == expected_body_lines(job)
