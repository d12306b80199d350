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
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from noteapp import crypto
from noteapp.crypto import DecryptionError
from noteapp.domain.errors import RecordsRolledBackError
from noteapp.vault import codec
from noteapp.vault.container import VaultFile
from noteapp.vault.format import TAG_BYTES, current_ad
from noteapp.vault.reading import rolled_back_error

GroupKey = tuple[str, bytes]  # (kind, parent)
PARENT_BYTES = 16
_MAX_ID = 200


class Entry(NamedTuple):
    """One current version as its group's list names it. `written` orders records by their
    last write (the seq of the row that write inserted: rows are updated in place, so a
    current row's own seq is when the record was made). A tuple: a list of 50,000 is read
    in one pass when the Today page starts."""

    version: int
    tag: bytes
    summary: Any = None
    written: int = 0

    def __repr__(self) -> str:  # a summary holds PHI
        return f"Entry(version={self.version})"


class GroupList:
    """One group's current versions, id → Entry, in write order (a rewritten record moves to
    the end, as its newest row does).

    Read from the file, the entries are kept as parsed until something needs them checked
    one by one (a row compared with its entry, a write): a list across the vault of 50,000
    summaries reads them straight from the parsed rows (`rows`)."""

    def __init__(
        self,
        kind: str,
        parent: bytes,
        entries: dict[str, Entry] | None,
        owner: str = "",
        raw: list[Any] | None = None,
    ) -> None:
        self.kind = kind
        self.parent = parent
        self._entries = entries
        self._raw = raw
        # The owner's id, kept once for the group (its records' summaries need not repeat
        # it); "" for records that belong to nobody.
        self.owner = owner
        # (count, tag) of the row as stored; None while the group has no row.
        self.stored: tuple[int, bytes] | None = None

    @property
    def entries(self) -> dict[str, Entry]:
        if self._entries is None:
            try:
                self._entries = _checked(self._raw or [])
            except ValueError:
                raise group_damaged_error(self.kind) from None
            self._raw = None
        return self._entries

    def find(self, record_id: str) -> Entry | None:
        """One record's entry, checked alone when the list was not checked whole yet (a note
        opened from the Today page reads one entry of its chart's list, not all)."""
        if self._entries is not None:
            return self._entries.get(record_id)
        for row in self._raw or []:
            if type(row) is list and row and row[0] == record_id:
                try:
                    return _checked([row])[record_id]
                except ValueError:
                    raise group_damaged_error(self.kind) from None
        return None

    def rows(self) -> Iterator[tuple[str, int, Any]]:
        """(id, version, summary) of each current record, in write order."""
        if self._entries is not None:
            for record_id, entry in self._entries.items():
                yield record_id, entry.version, entry.summary
            return
        for row in self._raw or []:
            if type(row) is not list or len(row) != 5 or type(row[0]) is not str:
                raise group_damaged_error(self.kind)
            yield row[0], row[1], row[3]

    def __len__(self) -> int:
        return len(self._entries) if self._entries is not None else len(self._raw or [])

    def set(self, record_id: str, entry: Entry) -> None:
        self.entries.pop(record_id, None)
        self.entries[record_id] = entry

    def to_plain(self) -> bytes:
        rows = [[i, e.version, e.tag.hex(), e.summary, e.written] for i, e in self.entries.items()]
        doc = {"owner": self.owner, "records": rows}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def parse(cls, kind: str, parent: bytes, plain: bytes) -> GroupList:
        """Strict: anything unexpected raises ValueError (it was authenticated; fail closed).
        The entries are checked one by one when first used (`entries`)."""
        doc = json.loads(plain)
        if type(doc) is not dict or set(doc) != {"owner", "records"}:
            raise ValueError("list")
        owner, rows = doc["owner"], doc["records"]
        if type(owner) is not str or len(owner) > _MAX_ID or type(rows) is not list:
            raise ValueError("list")
        return cls(kind, parent, None, owner, rows)

    def __repr__(self) -> str:
        return f"GroupList({self.kind!r}, {len(self)} records)"


def _checked(rows: list[Any]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for row in rows:
        # `type(x) is int` (not isinstance): a bool is not a version.
        if type(row) is not list or len(row) != 5:
            raise ValueError("entry")
        record_id, version, tag, summary, written = row
        if (
            type(record_id) is not str
            or not 0 < len(record_id) <= _MAX_ID
            or record_id in entries
            or type(version) is not int
            or version < 1
            or type(written) is not int
            or written < 0
            or type(tag) is not str
            or len(tag) != 2 * TAG_BYTES
        ):
            raise ValueError("entry")
        entries[record_id] = Entry(version, bytes.fromhex(tag), summary, written)
    return entries


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
        self._parent_key: bytes | None = None
        self._parents: dict[str, bytes] = {}  # owner id → its group key, this session

    # --- groups --------------------------------------------------------------------------

    def group_key(self, owner: str) -> bytes:
        """The `parent` of the records an owner (e.g. a client id) holds; b"" for none.

        Keyed, so someone holding the file without the key sees which rows belong together
        but not whose they are (docs/security-design.md, "What the file shows")."""
        if not owner:
            return b""
        found = self._parents.get(owner)
        if found is None:
            if self._parent_key is None:
                self._parent_key = self.subkey("parent")
            found = crypto.hmac_sha256(self._parent_key, owner.encode())[:PARENT_BYTES]
            self._parents[owner] = found
        return found

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
        if len(found) != count or self.group_key(found.owner) != parent:
            raise group_damaged_error(kind)
        found.stored = (count, tag)
        return found

    def _lists_of(self, kind: str, pace: Callable[[], None] | None = None) -> list[GroupList]:
        """Every group list of a kind (`pace` is called after each: the app's background
        check of every record)."""
        if self.format_version < 2:
            return []
        self._check_current(kind)
        parents = [
            bytes(p)
            for (p,) in self._conn.execute("SELECT parent FROM current WHERE kind=?", (kind,))
            if isinstance(p, bytes)
        ]
        lists = []
        for p in parents:
            lists.append(self._list(kind, p))
            if pace is not None:
                pace()
        # Groups made in this transaction have no row yet.
        seen = set(parents)
        lists += [
            lst for (k, p), lst in self._lists.items() if k == kind and p not in seen and len(lst)
        ]
        return lists

    def _changed(self, lst: GroupList) -> None:
        self._dirty.add((lst.kind, lst.parent))

    def _confirm(
        self, kind: str, record_id: str, version: int, parent: bytes, tag: object
    ) -> GroupList:
        """The row found current for a record must be the version its group lists."""
        lst = self._list(kind, parent)
        entry = lst.find(record_id)
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
