"""Hostile or broken .docx files give a typed error with a plain sentence, never a crash."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from noteapp.domain.errors import CheckFailedError
from noteapp.export import ExportEncryptedError, ExportReadError, read_docx, write_docx
from noteapp.export.proof import proof_xml
from tests.export import samples


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.docx"
    write_docx(samples.job(samples.signed_note(), logo=False), path)
    return path


def _rewrite(src: Path, dest: Path, changes: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in changes:
                data = changes[info.filename]
                if data is not None:
                    zout.writestr(info.filename, data)
            else:
                zout.writestr(info, zin.read(info))
        for name, data in changes.items():
            if data is not None and name not in zin.namelist():
                zout.writestr(name, data)
    return dest


def _refused(path: Path) -> str:
    with pytest.raises(ExportReadError) as err:
        read_docx(path)
    assert isinstance(err.value, CheckFailedError)  # verification fails: exit 1
    message = str(err.value)
    assert message.endswith(".") and "Jordan" not in message
    return message


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"%PDF-1.7 not a word file")
    assert "not a Word document" in _refused(path)
    path.write_bytes(b"")
    _refused(path)


def test_truncated_and_bit_flipped(good: Path, tmp_path: Path) -> None:
    data = good.read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])
    _refused(cut)
    flipped = bytearray(data)
    for i in range(200, len(flipped), 97):
        flipped[i] ^= 0x5A
    bad = tmp_path / "flip.docx"
    bad.write_bytes(bytes(flipped))
    _refused(bad)


def test_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (4 * 1024 * 1024))
    assert "zip bomb" in _refused(bomb)
    big = tmp_path / "big.docx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as zf:
        for i in range(6):
            zf.writestr(f"word/media/image{i}.bin", b"\1" * (9 * 1024 * 1024))
    assert "50 MB" in _refused(big)


def test_missing_parts(good: Path, tmp_path: Path) -> None:
    _refused(_rewrite(good, tmp_path / "nodoc.docx", {"word/document.xml": None}))
    _refused(_rewrite(good, tmp_path / "noct.docx", {"[Content_Types].xml": None}))
    empty = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("hello.txt", "hi")
    _refused(empty)


def test_malformed_xml(good: Path, tmp_path: Path) -> None:
    _refused(_rewrite(good, tmp_path / "m.docx", {"word/document.xml": b"<w:document><w:body"}))
    entity = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<d>&b;</d>"
    )
    result_or_error = _rewrite(good, tmp_path / "ent.docx", {"word/document.xml": entity})
    with pytest.raises(ExportReadError):
        read_docx(result_or_error)


def test_encrypted_file_says_it_is_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "enc.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ExportEncryptedError) as err:
        read_docx(path)
    assert "password-protected" in str(err.value)


def test_missing_proof_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "np.docx"
    write_docx(replace(samples.job(samples.signed_note()), proof=None), path)
    assert read_docx(path).proof is None


def test_proof_part_deleted_but_still_referenced_is_damage(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as zf:
        names = [n for n in zf.namelist() if n.startswith("customXml/")]
    _refused(_rewrite(good, tmp_path / "np.docx", dict.fromkeys(names)))


@pytest.mark.parametrize(
    "blob",
    [
        b'<noteappProof xmlns="urn:noteapp:proof:1" version="1">@@not base64@@</noteappProof>',
        b'<noteappProof xmlns="urn:noteapp:proof:1" version="2">AAAA</noteappProof>',
        b'<noteappProof xmlns="urn:noteapp:proof:1" version="1">AAAA',
    ],
    ids=["bad-base64", "unknown-version", "malformed"],
)
def test_doctored_proof_part_is_refused(good: Path, tmp_path: Path, blob: bytes) -> None:
    doctored = _rewrite(good, tmp_path / "d.docx", {"customXml/noteappProof1.xml": blob})
    assert "signature part" in _refused(doctored)


def test_replaced_proof_is_read_as_is(good: Path, tmp_path: Path) -> None:
    # Verification (the lead's signing code) then finds the signatures do not match.
    other = _rewrite(good, tmp_path / "o.docx", {"customXml/noteappProof1.xml": proof_xml(b"x")})
    assert read_docx(other).proof == b"x"


def test_two_proofs_are_ambiguous(good: Path, tmp_path: Path) -> None:
    # A second proof part related from the document: refused rather than picking one.
    with zipfile.ZipFile(good) as zf:
        rels = zf.read("word/_rels/document.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
    rel = (
        '<Relationship Id="rId999" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/customXml" Target="../customXml/other.xml"/></Relationships>'
    )
    doubled = _rewrite(
        good,
        tmp_path / "two.docx",
        {
            "word/_rels/document.xml.rels": rels.replace("</Relationships>", rel).encode(),
            "customXml/other.xml": proof_xml(b"second"),
            "[Content_Types].xml": types.encode(),
        },
    )
    assert "more than one" in _refused(doubled)


def test_reader_accepts_bytes_written_elsewhere(good: Path) -> None:
    # Guard: the good file itself is fine, so the refusals above are about the damage.
    assert read_docx(good).proof is not None
    assert zipfile.is_zipfile(io.BytesIO(good.read_bytes()))
