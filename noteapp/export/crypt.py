"""Password protection of a .docx with standard Office (Agile) encryption (msoffcrypto-tool)."""

from __future__ import annotations

import io
from pathlib import Path

from noteapp.domain.export_model import ExportJob
from noteapp.domain.progress import Progress
from noteapp.export.errors import ExportPasswordError, ExportReadError, ExportWriteError
from noteapp.export.files import write_atomic

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ENCRYPTED_BYTES = 100 * 1024 * 1024


def is_encrypted(path: Path) -> bool:
    """True when ``path`` is an Office file protected with a password."""
    try:
        with open(path, "rb") as fh:
            if fh.read(8) != CFB_MAGIC:
                return False
            import msoffcrypto

            fh.seek(0)
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # an unreadable compound file is not an encrypted export
        return False


def encrypt_docx(
    src: Path | ExportJob, dest: Path, password: str, *, progress: Progress | None = None
) -> None:
    """Encrypt into ``dest`` (atomic, 0600); Word and LibreOffice ask for the password.

    ``src`` is a plain .docx, or an :class:`ExportJob` rendered in memory so that no
    unencrypted copy is ever written to disk.
    """
    if not password:
        raise ExportWriteError("A password is needed to protect the export.")
    from msoffcrypto.format.ooxml import OOXMLFile

    if isinstance(src, ExportJob):
        from noteapp.export.writer import render_docx_bytes

        plain = render_docx_bytes(src, progress=progress)
    else:
        try:
            plain = Path(src).read_bytes()
        except OSError:
            raise ExportWriteError("The export to protect could not be read.") from None
    out = io.BytesIO()
    try:
        OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    except Exception:  # msoffcrypto raises its own kinds for odd input
        raise ExportWriteError("The export could not be protected with a password.") from None
    write_atomic(Path(dest), lambda fh: fh.write(out.getvalue()))


def decrypt_bytes(src: Path, password: str) -> bytes:
    """The plain .docx bytes of a password-protected ``src`` (kept in memory)."""
    import msoffcrypto
    from msoffcrypto import exceptions

    if not is_encrypted(src):
        raise ExportReadError("This document is not password-protected.")
    if Path(src).stat().st_size > MAX_ENCRYPTED_BYTES:
        raise ExportReadError("This document is too large to be a note export.")
    out = io.BytesIO()
    try:
        with open(src, "rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            office.load_key(password=password, verify_password=True)
            office.decrypt(out)
    except exceptions.InvalidKeyError:
        raise ExportPasswordError("The password for this document is wrong.") from None
    except Exception:  # damaged encryption headers
        raise ExportReadError("This password-protected document is damaged.") from None
    return out.getvalue()


def decrypt_docx(src: Path, dest: Path, password: str) -> None:
    """Decrypt a password-protected ``src`` into ``dest`` (atomic, 0600)."""
    plain = decrypt_bytes(Path(src), password)
    write_atomic(Path(dest), lambda fh: fh.write(plain))
