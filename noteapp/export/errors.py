"""Typed errors of the Word export: plain sentences, never client data."""

from __future__ import annotations

from noteapp.domain.errors import CheckFailedError, InvalidInputError, WrongSecretError


class ExportReadError(CheckFailedError):
    """A .docx could not be read back for verification (damaged, hostile or not a .docx).

    It is a failed check (exit 1): verification of that file did not succeed.
    """


class ExportEncryptedError(ExportReadError):
    """The file is password-protected; decrypt it first (it cannot be read as it is)."""


class ExportPasswordError(WrongSecretError):
    """The password given for an encrypted .docx is wrong (exit 3, like a wrong passphrase)."""


class ExportWriteError(InvalidInputError):
    """The export could not be written (e.g. the folder is missing or not writable)."""
