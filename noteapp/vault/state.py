"""Format 2's authenticated record of what is current.

A small encrypted document in `meta` ("state"): a generation counter, raised by every write
transaction, and per record kind the number of current records and a keyed multiset digest
of them — the sum modulo 2^256 of PRF(kind, id, version, tag) over the current version of
every record (Bellare–Micciancio's AdHash / MSet-Add-Hash with a secret key). A put or
delete changes the digest in O(1), in the same SQLite transaction as the row. Checking a
kind recomputes the sum from the small head of its current rows, so a deleted newest row, an
older row marked current, a record removed, or a current blob swapped for another copy of
the same version are all noticed, and nothing older is shown in its place.

Why a sum and a count rather than XOR: with XOR a duplicated element cancels out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from noteapp import crypto
from noteapp.crypto import DecryptionError
from noteapp.vault.format import state_ad

MODULUS = 1 << 256
_MAX_STATE_BYTES = 1 << 20


@dataclass(frozen=True)
class KindDigest:
    count: int = 0
    digest: int = 0

    def plus(self, element: int) -> KindDigest:
        return KindDigest(self.count + 1, (self.digest + element) % MODULUS)

    def minus(self, element: int) -> KindDigest:
        return KindDigest(self.count - 1, (self.digest - element) % MODULUS)


@dataclass(frozen=True)
class VaultState:
    """Immutable: every change makes a new state (a rolled-back transaction keeps the old)."""

    generation: int = 0
    kinds: Mapping[str, KindDigest] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, kind: str) -> KindDigest:
        return self.kinds.get(kind, KindDigest())

    def replacing(self, kind: str, old: int | None, new: int | None) -> VaultState:
        """The state after `old` (an element) stopped being current and `new` became so."""
        digest = self.of(kind)
        if old is not None:
            digest = digest.minus(old)
        if new is not None:
            digest = digest.plus(new)
        kinds = dict(self.kinds)
        if digest.count == 0 and digest.digest == 0:
            kinds.pop(kind, None)
        else:
            kinds[kind] = digest
        return VaultState(self.generation, MappingProxyType(kinds))

    def next_generation(self) -> VaultState:
        return VaultState(self.generation + 1, self.kinds)

    def to_bytes(self) -> bytes:
        doc = {
            "generation": self.generation,
            "kinds": {k: [d.count, f"{d.digest:064x}"] for k, d in sorted(self.kinds.items())},
        }
        return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()

    @staticmethod
    def from_bytes(raw: bytes) -> VaultState:
        """Strict: anything unexpected raises ValueError (it was authenticated, but fail closed)."""
        doc = json.loads(raw)
        if not isinstance(doc, dict) or set(doc) != {"generation", "kinds"}:
            raise ValueError("state")
        generation, kinds_raw = doc["generation"], doc["kinds"]
        if not _is_count(generation) or not isinstance(kinds_raw, dict):
            raise ValueError("state")
        kinds: dict[str, KindDigest] = {}
        for kind, value in kinds_raw.items():
            if not (isinstance(value, list) and len(value) == 2 and _is_count(value[0])):
                raise ValueError("state")
            if not isinstance(value[1], str) or len(value[1]) != 64:
                raise ValueError("state")
            kinds[kind] = KindDigest(value[0], int(value[1], 16))
        return VaultState(generation, MappingProxyType(kinds))


def _frame(part: bytes) -> bytes:
    return len(part).to_bytes(4, "big") + part


def _message(record_id: object, version: object, tag: object) -> bytes:
    """id ‖ version ‖ tag, each length-prefixed (the kind is the hash's prefix)."""
    if not isinstance(record_id, str) or not isinstance(tag, bytes):
        # A hostile edit can store any type in a cell: such a row can never match.
        return b"\xff" * 17
    rid, ver = record_id.encode(), str(version).encode()
    return _frame(rid) + _frame(ver) + _frame(tag)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class StateKeys:
    """The two keys of the state (both derived from the data key): one encrypts the state
    document, the other keys the digest elements."""

    def __init__(self, data_key: bytes | bytearray, vault_id: str) -> None:
        self._cipher = crypto.Aead(crypto.hkdf(data_key, b"noteapp v2 state"))
        self._digest_key = crypto.hkdf(data_key, b"noteapp v2 current versions digest")
        self._ad = state_ad(vault_id)

    def element(self, kind: str, record_id: str, version: int, tag: bytes) -> int:
        """One current version's contribution to its kind's digest."""
        return crypto.keyed_digest_sum(
            self._digest_key, _frame(kind.encode()), [_message(record_id, version, tag)]
        )

    def digest_of(self, kind: str, rows: Iterable[tuple[str, int, bytes]]) -> KindDigest:
        """The digest of (id, version, tag) rows of one kind, as stored."""
        messages = [_message(record_id, version, tag) for record_id, version, tag in rows]
        total = crypto.keyed_digest_sum(self._digest_key, _frame(kind.encode()), messages)
        return KindDigest(len(messages), total)

    def seal(self, state: VaultState) -> bytes:
        return self._cipher.encrypt(state.to_bytes(), self._ad)

    def open(self, blob: object) -> VaultState:
        """Raises ValueError when the stored state is missing, altered or from another vault."""
        if not isinstance(blob, bytes) or len(blob) > _MAX_STATE_BYTES:
            raise ValueError("state")
        try:
            return VaultState.from_bytes(self._cipher.decrypt(blob, self._ad))
        except DecryptionError as exc:
            raise ValueError("state") from exc
