"""Named opaque blobs: values the layers above keep in the vault that are not records (the
persisted search index, for one).

A blob is compressed (unless its writer asks otherwise) and encrypted under its own subkey
(HKDF "noteapp v2 blobs"; a name of the psychotherapy compartment, "psychotherapy…", under
"noteapp v2 blobs compartment psychotherapy"), with associated data binding vault id and
name, so it cannot be moved to another name or vault. Its tag is summed into the state like
a group list ("@blobs": PRF(name, tag) per blob), so an older image of a blob put back in
the file — a stale search index, say — is refused, not used. Writes join the caller's
transaction: a blob changes together with the records it describes, or not at all. The API
(put_blob, get_blob, delete_blob, blob_names) is stable.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from noteapp.crypto import Aead, DecryptionError
from noteapp.domain.errors import InvalidInputError, RecordsRolledBackError, VaultLockedError
from noteapp.vault import codec, files
from noteapp.vault.container import COMPARTMENT_PREFIXES
from noteapp.vault.current import CurrentFile
from noteapp.vault.format import BLOBS_ENTRY, TAG_BYTES, blob_ad
from noteapp.vault.state import VaultState

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidInputError("Invalid blob name.")


def blobs_altered_error() -> RecordsRolledBackError:
    return RecordsRolledBackError(
        "The vault's stored indexes are not the ones noteapp saved last: one was removed, "
        "replaced by an older copy or damaged outside noteapp. Restore the vault from your most "
        "recent backup.",
        kind=BLOBS_ENTRY,
    )


class BlobStore(CurrentFile):
    """Named, encrypted, authenticated blobs beside the records (format 2)."""

    def _blob_cipher(self, name: str = "") -> Aead:
        """The blobs' key; a name of the psychotherapy compartment ("psychotherapy…") has
        that compartment's own blob key."""
        self._key()
        if self._blobs is None or self._compartment_blobs is None:
            raise VaultLockedError("This vault's format has no blobs; it is upgraded on unlock.")
        return self._compartment_blobs if name.startswith(COMPARTMENT_PREFIXES) else self._blobs

    @files.reads_storage
    def check_blobs(self) -> None:
        """Once per session: the blobs' tags sum to the state's entry for them."""
        self._blob_cipher()
        if self._state is None or BLOBS_ENTRY in self._checked_kinds:
            return
        with self._thread_lock:
            assert self._state_keys is not None
            rows = self._conn.execute("SELECT name, tag FROM blobs").fetchall()
            if self._state_keys.digest_of_blobs(rows) != self._state.of(BLOBS_ENTRY):
                raise blobs_altered_error()
            self._checked_kinds.add(BLOBS_ENTRY)

    def put_blob(self, name: str, data: bytes, *, compress: bool = True) -> None:
        """Store (or replace) a blob; joins the caller's transaction if there is one.
        `compress=False` stores it as it is (still encrypted): for large values read often,
        whose inflating would cost more than their extra bytes."""
        _check_name(name)
        if not isinstance(data, bytes):
            raise InvalidInputError("A blob is bytes.")
        cipher = self._blob_cipher(name)
        self.check_blobs()
        with self.transaction() as conn:
            assert self._state is not None and self._state_keys is not None
            old = conn.execute("SELECT tag FROM blobs WHERE name=?", (name,)).fetchone()
            blob = cipher.encrypt(
                codec.encode(data, compress=compress), blob_ad(self.vault_id, name)
            )
            tag = blob[-TAG_BYTES:]
            conn.execute(
                "INSERT INTO blobs(name, tag, blob) VALUES(?,?,?) ON CONFLICT(name) "
                "DO UPDATE SET tag=excluded.tag, blob=excluded.blob",
                (name, tag, blob),
            )
            before = (self._state_keys.blob_element(name, bytes(old[0])), 1) if old else None
            after = (self._state_keys.blob_element(name, tag), 1)
            self._state = self._state.replacing(BLOBS_ENTRY, before, after)

    @files.reads_storage
    def get_blob(self, name: str) -> bytes | None:
        """A blob's bytes, or None if there is none by that name. A blob that fails its check
        raises RecordsRolledBackError (never stale data)."""
        _check_name(name)
        cipher = self._blob_cipher(name)
        self.check_blobs()
        row = self._conn.execute(
            "SELECT tag, CAST(blob AS BLOB) FROM blobs WHERE name=?", (name,)
        ).fetchone()
        if row is None:
            return None
        tag, blob = row
        if not isinstance(blob, bytes) or blob[-TAG_BYTES:] != tag:
            raise blobs_altered_error()
        try:
            return codec.decode(cipher.decrypt(blob, blob_ad(self.vault_id, name)))
        except (DecryptionError, codec.CodecError):
            raise blobs_altered_error() from None

    def delete_blob(self, name: str) -> bool:
        """Remove a blob; False if there was none. Joins the caller's transaction."""
        _check_name(name)
        self._blob_cipher()
        self.check_blobs()
        with self.transaction() as conn:
            assert self._state is not None and self._state_keys is not None
            old = conn.execute("SELECT tag FROM blobs WHERE name=?", (name,)).fetchone()
            if old is None:
                return False
            conn.execute("DELETE FROM blobs WHERE name=?", (name,))
            before = (self._state_keys.blob_element(name, bytes(old[0])), 1)
            self._state = self._state.replacing(BLOBS_ENTRY, before, None)
        return True

    def reset_blobs(self) -> None:
        """Drop every blob, whatever state they are in: blobs are derived from the records
        (an index), so after `get_blob` refused altered ones the caller rebuilds them.
        Joins the caller's transaction."""
        self._blob_cipher()
        with self.transaction() as conn:
            assert self._state is not None
            conn.execute("DELETE FROM blobs")
            kinds = {k: d for k, d in self._state.kinds.items() if k != BLOBS_ENTRY}
            self._state = VaultState(self._state.generation, MappingProxyType(kinds))
            self._checked_kinds.add(BLOBS_ENTRY)
            # Rolled back, the old (refused) blobs are back: they must be checked again.
            self.on_rollback(lambda: self._checked_kinds.discard(BLOBS_ENTRY))

    @files.reads_storage
    def blob_names(self, prefix: str = "") -> list[str]:
        self._blob_cipher()
        return [
            str(n)
            for (n,) in self._conn.execute(
                "SELECT name FROM blobs WHERE name>=? AND name<? ORDER BY name",
                (prefix, prefix + "\uffff"),
            )
        ]
