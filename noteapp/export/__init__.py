"""Word export: write a signed note or chart as .docx, read it back, protect it with a password.

The only importer of python-docx and msoffcrypto-tool; no object of theirs leaves this
package. See docs/exports.md.
"""

from __future__ import annotations

from noteapp.export.client_copy import write_client_copy
from noteapp.export.crypt import decrypt_docx, encrypt_docx, is_encrypted
from noteapp.export.errors import (
    ExportEncryptedError,
    ExportPasswordError,
    ExportReadError,
    ExportWriteError,
)
from noteapp.export.expected import (
    expected_body_lines,
    expected_footer_lines,
    expected_header_lines,
    expected_images,
)
from noteapp.export.names import default_file_name
from noteapp.export.reader import PagePart, ReadResult, read_docx
from noteapp.export.text import clean_text
from noteapp.export.writer import write_docx

__all__ = [
    "ExportEncryptedError",
    "ExportPasswordError",
    "ExportReadError",
    "ExportWriteError",
    "PagePart",
    "ReadResult",
    "clean_text",
    "decrypt_docx",
    "default_file_name",
    "encrypt_docx",
    "expected_body_lines",
    "expected_footer_lines",
    "expected_header_lines",
    "expected_images",
    "is_encrypted",
    "read_docx",
    "write_client_copy",
    "write_docx",
]
