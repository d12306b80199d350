"""Read a .docx back for verification: visible lines, header lines and the proof part."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from noteapp.export.crypt import CFB_MAGIC, decrypt_bytes
from noteapp.export.errors import ExportEncryptedError, ExportReadError
from noteapp.export.package import check_unambiguous
from noteapp.export.pages import PagePart, ReadResult, read_package
from noteapp.export.proof import find_proof

MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200  # repetitive WordprocessingML of a large chart reaches ~100:1; bombs are ~1000:1
RATIO_FLOOR_BYTES = 1024 * 1024  # small members compress well and are harmless
MAX_MEMBERS = 5000
__all__ = ["PagePart", "ReadResult", "check_package", "read_docx"]


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(8)
    except OSError:
        raise ExportReadError("The file could not be opened.") from None


def check_package(source: Path | BinaryIO) -> None:
    """Refuse what python-docx must not open: not a zip, encrypted, a zip bomb, or a package
    with a part, relationship or content type named twice (see package.py)."""
    if isinstance(source, Path):
        head = _head(source)
    else:
        head = source.read(8)
        source.seek(0)
    if head == CFB_MAGIC:
        raise ExportEncryptedError(
            "This document is password-protected; give its password to read it."
        )
    if not head.startswith(b"PK"):
        raise ExportReadError("This file is not a Word document (.docx).")
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            _check_sizes(infos)
            check_unambiguous(zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ExportReadError("This file is not a Word document (.docx) or is damaged.") from None
    finally:
        if not isinstance(source, Path):
            source.seek(0)


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise ExportReadError("This document has too many parts to be a note export.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and (
            info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO
        ):
            raise ExportReadError(
                "This document unpacks to far more than its size (a possible zip bomb); "
                "it was not opened."
            )
    if total > MAX_TOTAL_BYTES:
        raise ExportReadError("This document unpacks to more than 50 MB; it was not opened.")


def _load(source: Path | BinaryIO) -> Any:
    import docx

    if isinstance(source, Path):
        source = io.BytesIO(source.read_bytes())
    source.seek(0)
    try:
        return docx.Document(source)
    except ExportReadError:
        raise
    except Exception:  # python-docx, lxml and zipfile raise many kinds
        raise ExportReadError(
            "This Word document is damaged or incomplete and could not be read."
        ) from None


def read_docx(path: Path, *, password: str | None = None) -> ReadResult:
    """Read ``path``: body and header lines as a reader sees them, and the proof part.

    A password-protected file is decrypted in memory when ``password`` is given (no plain
    copy on disk), else :class:`ExportEncryptedError`; a wrong password raises
    :class:`ExportPasswordError`. Anything that is not a readable, reasonable .docx raises
    :class:`ExportReadError`.
    """
    path = Path(path)
    source: Path | BinaryIO = path
    if password is not None and _head(path) == CFB_MAGIC:
        source = io.BytesIO(decrypt_bytes(path, password))
    check_package(source)
    doc = _load(source)
    try:
        result = read_package(doc.part)
        proof = find_proof(doc.part.package)
    except ExportReadError:
        raise
    except Exception:  # a damaged part must still give a plain sentence
        raise ExportReadError(
            "This Word document is damaged or incomplete and could not be read."
        ) from None
    return replace(result, proof=proof)
