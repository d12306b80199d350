"""What is current, per group: the encrypted list of a chart's current record versions.

Records are grouped by `parent` — a keyed hash of the id of the record that owns them (a
note's, a measure's or a plan's client; nothing for a client, a setting or a template). Per
kind and group, one row of the `current` table holds the list of that group's current
versions, in write order: id, version, tag, and the small summary the service gave with the
record (what lists across the vault show without decrypting a body). The list is encrypted
with the kind's key, bound to kind and group, and its tag is summed into the state (state.py),
so it is exactly the list noteapp wrote last.

Reading one chart therefore costs what the chart holds: the kind's group rows are summed once
per session (one small row per chart), then one list is decrypted and its records read.
Lists are cached for the session; a write changes a list in memory and the lists changed in a
transaction are sealed once, at its outermost commit, together with the state.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from noteapp import crypto
from noteapp.crypto import DecryptionError
from noteapp.domain.errors import RecordsRolledBackError
from noteapp.vault import codec
from noteapp.vault.container import VaultFile
from noteapp.vault.format import TAG_BYTES, current_ad
from noteapp.vault.reading import rolled_back_error

GroupKey = tuple[str, bytes]  # (kind, parent)
PARENT_BYTES = 16
_TAG_HEX = re.compile(r"^[0-9a-f]{32}$")
_MAX_ID = 200


@dataclass(frozen=True)
class Entry:
    """One current version as its group's list names it."""

    version: int
    tag: bytes
    summary: Any = None

    def __repr__(self) -> str:  # a summary holds PHI
        return f"Entry(version={self.version})"


class GroupList:
    """One group's current versions, id → Entry, in write order (a rewritten record moves to
    the end, as its newest row does)."""

    def __init__(self, kind: str, parent: bytes, entries: dict[str, Entry]) -> None:
        self.kind = kind
        self.parent = parent
        self.entries = entries
        # (count, tag) of the row as stored; None while the group has no row.
        self.stored: tuple[int, bytes] | None = None

    def set(self, record_id: str, entry: Entry) -> None:
        self.entries.pop(record_id, None)
        self.entries[record_id] = entry

    def to_plain(self) -> bytes:
        rows = [[i, e.version, e.tag.hex(), e.summary] for i, e in self.entries.items()]
        return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def parse(cls, kind: str, parent: bytes, plain: bytes) -> GroupList:
        """Strict: anything unexpected raises ValueError (it was authenticated; fail closed)."""
        rows = json.loads(plain)
        if not isinstance(rows, list):
            raise ValueError("list")
        entries: dict[str, Entry] = {}
        for row in rows:
            if not (isinstance(row, list) and len(row) == 4):
                raise ValueError("entry")
            record_id, version, tag, summary = row
            valid = (
                isinstance(record_id, str)
                and 0 < len(record_id) <= _MAX_ID
                and isinstance(version, int)
                and not isinstance(version, bool)
                and version >= 1
                and isinstance(tag, str)
                and _TAG_HEX.match(tag)
            )
            if not valid or record_id in entries:
                raise ValueError("entry")
            entries[record_id] = Entry(version, bytes.fromhex(tag), summary)
        return cls(kind, parent, entries)

    def __repr__(self) -> str:
        return f"GroupList({self.kind!r}, {len(self.entries)} records)"


def group_damaged_error(kind: str) -> RecordsRolledBackError:
    return RecordsRolledBackError(
        f"The list of current {kind} records of one chart is damaged or was altered outside "
        "noteapp: noteapp cannot tell which versions are current there and will not guess. "
        "Restore the vault from your most recent backup.",
        kind=kind,
    )


class CurrentFile(VaultFile):
    """The vault file with its per-group lists of what is current (records: store.Vault)."""

    _lists: dict[GroupKey, GroupList]
    _dirty: set[GroupKey]

    def _forget_cache(self) -> None:
        super()._forget_cache()
        self._lists = {}
        self._dirty = set()

    # --- groups --------------------------------------------------------------------------

    def group_key(self, owner: str) -> bytes:
        """The `parent` of the records an owner (e.g. a client id) holds; b"" for none.

        Keyed, so someone holding the file without the key sees which rows belong together
        but not whose they are (docs/security-design.md, "What the file shows")."""
        if not owner:
            return b""
        return crypto.hmac_sha256(self.subkey("parent"), owner.encode())[:PARENT_BYTES]

    def _check_current(self, kind: str) -> None:
        """Refuse a kind whose group lists are not the ones noteapp last wrote.

        One small row per group (parent, count, tag), once per kind per session: every later
        change goes through this object and updates both."""
        if self._state is None or kind in self._checked_kinds:
            return
        # Under the write lock: another thread's commit must not fall between the rows read
        # here and the state compared (they share this connection and its transaction).
        with self._thread_lock:
            assert self._state_keys is not None
            rows = self._conn.execute(
                "SELECT parent, count, tag FROM current WHERE kind=?", (kind,)
            ).fetchall()
            self._compare(kind, self._state_keys.digest_of_groups(kind, rows))

    def _list(self, kind: str, parent: bytes) -> GroupList:
        """A group's list (checked, decrypted once per session); empty for a new group."""
        key = (kind, parent)
        found = self._lists.get(key)
        if found is not None:
            return found
        self._check_current(kind)
        row = self._conn.execute(
            "SELECT count, tag, CAST(blob AS BLOB) FROM current WHERE kind=? AND parent=?",
            (kind, parent),
        ).fetchone()
        found = GroupList(kind, parent, {}) if row is None else self._open_list(kind, parent, row)
        self._lists[key] = found
        return found

    def _open_list(self, kind: str, parent: bytes, row: tuple[Any, Any, Any]) -> GroupList:
        count, tag, blob = row
        if not isinstance(blob, bytes) or not isinstance(tag, bytes) or blob[-TAG_BYTES:] != tag:
            raise group_damaged_error(kind)
        try:
            plain = self.cipher_for(kind).decrypt(blob, current_ad(self.vault_id, kind, parent))
            found = GroupList.parse(kind, parent, codec.decode(plain))
        except (DecryptionError, ValueError):
            raise group_damaged_error(kind) from None
        if len(found.entries) != count:
            raise group_damaged_error(kind)
        found.stored = (count, tag)
        return found

    def _lists_of(self, kind: str) -> list[GroupList]:
        """Every group list of a kind."""
        if self.format_version < 2:
            return []
        self._check_current(kind)
        parents = [
            bytes(p)
            for (p,) in self._conn.execute("SELECT parent FROM current WHERE kind=?", (kind,))
            if isinstance(p, bytes)
        ]
        lists = [self._list(kind, p) for p in parents]
        # Groups made in this transaction have no row yet.
        seen = set(parents)
        lists += [
            lst
            for (k, p), lst in self._lists.items()
            if k == kind and p not in seen and lst.entries
        ]
        return lists

    def _changed(self, lst: GroupList) -> None:
        self._dirty.add((lst.kind, lst.parent))

    def _confirm(
        self, kind: str, record_id: str, version: int, parent: bytes, tag: object
    ) -> GroupList:
        """The row found current for a record must be the version its group lists."""
        lst = self._list(kind, parent)
        entry = lst.entries.get(record_id)
        if entry is None or entry.version != version or entry.tag != tag:
            raise rolled_back_error(kind)
        return lst

    # --- sealing at commit ----------------------------------------------------------------

    def _before_commit(self) -> None:
        """Seal every list changed in this transaction and update the state with them."""
        assert self._state_keys is not None and self._state is not None
        for key in sorted(self._dirty):
            lst = self._lists[key]
            kind, parent = key
            old = None
            if lst.stored is not None:
                count, tag = lst.stored
                old = (self._state_keys.group_element(kind, parent, count, tag), count)
            if not lst.entries:
                self._conn.execute("DELETE FROM current WHERE kind=? AND parent=?", key)
                self._state = self._state.replacing(kind, old, None)
                lst.stored = None
                continue
            blob = self.cipher_for(kind).encrypt(
                codec.encode(lst.to_plain()), current_ad(self.vault_id, kind, parent)
            )
            tag = blob[-TAG_BYTES:]
            count = len(lst.entries)
            self._conn.execute(
                "INSERT INTO current(kind, parent, count, tag, blob) VALUES(?,?,?,?,?) "
                "ON CONFLICT(kind, parent) DO UPDATE SET count=excluded.count, "
                "tag=excluded.tag, blob=excluded.blob",
                (kind, parent, count, tag, blob),
            )
            new = (self._state_keys.group_element(kind, parent, count, tag), count)
            self._state = self._state.replacing(kind, old, new)
            lst.stored = (count, tag)
        self._dirty.clear()

    def _after_rollback(self) -> None:
        """Lists changed in a rolled-back transaction are read again from the file."""
        for key in self._dirty:
            self._lists.pop(key, None)
        self._dirty.clear()
