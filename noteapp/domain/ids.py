"""Typed identifiers and id generation for records kept in the vault."""

from __future__ import annotations

import secrets
from typing import NewType

ClientId = NewType("ClientId", str)
NoteId = NewType("NoteId", str)
RecordId = NewType("RecordId", str)
VaultId = NewType("VaultId", str)


def new_id() -> str:
    """A random, opaque 128-bit id in hex.

    Random rather than sequential so that ids reveal nothing about how many clients or notes
    a practice has, or in which order they were created.
    """
    return secrets.token_hex(16)
