"""Reading records: decoding in batches, and the sentences for records that cannot be read.

Messages name the record by kind and short id, never by content, and say what happened:
damaged, swapped with another row, replayed from another copy, or rolled back / removed.
"""

from __future__ import annotations

import json
from typing import Any

from noteapp.domain.errors import RecordIntegrityError, RecordsRolledBackError

_DECODE_BATCH = 512
_NOT_LOADED = "It was not loaded; restore the vault from a backup."


def damaged_error(
    kind: str,
    record_id: str,
    version: int,
    *,
    holds: str | None = None,
    replayed: bool = False,
    undecodable: bool = False,
) -> RecordIntegrityError:
    where = f"{kind}/{record_id[:8]}"
    if holds is not None:
        text = (
            f"Record {where} holds the data of another record ({kind}/{holds[:8]}): "
            "rows were swapped or replayed."
        )
    elif replayed:
        text = (
            f"Record {where} (version {version}) holds another copy of that version, not the "
            "one saved last: rows were replayed from an older copy of the vault."
        )
    else:
        verb = "read" if undecodable else "decrypted"
        text = f"Record {where} (version {version}) is damaged and cannot be {verb}."
    return RecordIntegrityError(f"{text} {_NOT_LOADED}", kind=kind, record_id=record_id)


def rolled_back_error(kind: str) -> RecordsRolledBackError:
    return RecordsRolledBackError(
        f"The current {kind} records of this vault are not the ones noteapp saved last: a newer "
        "version was removed, an older one marked current, or a record deleted outside noteapp "
        "(or the file was damaged there). noteapp will not show older versions in their place. "
        "Restore the vault from your most recent backup.",
        kind=kind,
    )


def check_chain(kind: str, record_id: str, links: list[tuple[int, int, object, object]]) -> None:
    """A record's versions (version, latest, prev_tag, tag), oldest first, must be 1..N, each
    naming the tag of the one before, and only the newest current."""
    expected_prev: object = b""
    for number, (version, latest, prev_tag, tag) in enumerate(links, start=1):
        newest = number == len(links)
        if version != number or prev_tag != expected_prev or latest != int(newest):
            raise RecordsRolledBackError(
                f"The history of {kind}/{record_id[:8]} is broken at version {number}: versions "
                "were removed or altered outside noteapp. noteapp will not show an incomplete "
                "history. Restore the vault from your most recent backup.",
                kind=kind,
                record_id=record_id,
            )
        expected_prev = tag


class DecodeBatch:
    """Decode many records with one json.loads of an array: the decoder then shares one
    string object per dict key across the batch (a large memory saving at 50k notes)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.failures: list[RecordIntegrityError] = []
        self._done: list[tuple[str, int, dict[str, Any]]] = []
        self._pending: list[tuple[str, int, bytes]] = []

    def add(self, record_id: str, version: int, plaintext: bytes) -> None:
        self._pending.append((record_id, version, plaintext))
        if len(self._pending) >= _DECODE_BATCH:
            self._flush()

    def finish(
        self,
    ) -> tuple[list[tuple[str, int, dict[str, Any]]], list[RecordIntegrityError]]:
        self._flush()
        return self._done, self.failures

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            values = json.loads(b"[" + b",".join(p for _i, _v, p in batch) + b"]")
        except ValueError:
            values = None
        if isinstance(values, list) and len(values) == len(batch):
            self._done.extend((i, v, d) for (i, v, _p), d in zip(batch, values, strict=True))
            return
        for record_id, version, plaintext in batch:  # one bad record: find it, keep the rest
            try:
                self._done.append((record_id, version, json.loads(plaintext)))
            except ValueError:
                self.failures.append(damaged_error(self.kind, record_id, version, undecodable=True))
