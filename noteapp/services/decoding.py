"""Turning stored records into domain values, one way for every service.

A record that decrypts but whose content does not make a domain value (a required field
missing, a wrong type, an unknown status — written by an older or a damaged noteapp, or
something that is not a note at all) is damaged like one that fails to decrypt: reported,
named, never shown as empty, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from noteapp.domain.errors import NoteappError, RecordIntegrityError
from noteapp.vault.reading import damaged_error
from noteapp.vault.store import LoadResult, StoredRecord

T = TypeVar("T")

# What a *_from_dict raises on content it does not understand.
_UNDERSTOOD = (KeyError, TypeError, ValueError, AttributeError, IndexError, NoteappError)


def decode(record: StoredRecord, parse: Callable[[StoredRecord], T]) -> T:
    """The domain value of a record; RecordIntegrityError if its content is not one."""
    try:
        return parse(record)
    except RecordIntegrityError:
        raise
    except _UNDERSTOOD:
        raise damaged_error(record.kind, record.id, record.version, undecodable=True) from None


def decode_all(
    result: LoadResult, parse: Callable[[StoredRecord], T]
) -> tuple[list[tuple[StoredRecord, T]], list[RecordIntegrityError]]:
    """Every record of a load that makes a domain value, and the failures (the load's own,
    then those whose content is not understood), in the load's order."""
    values: list[tuple[StoredRecord, T]] = []
    failures = list(result.failures)
    for record in result.records:
        try:
            values.append((record, decode(record, parse)))
        except RecordIntegrityError as err:
            failures.append(err)
    return values, failures
