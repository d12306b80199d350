"""One record a service keeps (settings, the dictionary, the goal library...), and the
version it was read at.

Every update names the version it replaces, so a change saved elsewhere in the meantime —
another window, another command — is refused with "changed elsewhere, reload" instead of
being silently overwritten.
"""

from __future__ import annotations

from typing import Any

from noteapp.domain.errors import NotFoundError
from noteapp.vault.store import Vault


class TrackedRecord:
    def __init__(self, vault: Vault, kind: str, record_id: str) -> None:
        self._vault = vault
        self.kind = kind
        self.record_id = record_id
        self._version: int | None = None  # None: not read yet in this session

    def read(self) -> dict[str, Any] | None:
        """The stored data, or None when there is none; remembers the version read."""
        try:
            stored = self._vault.get(self.kind, self.record_id)
        except NotFoundError:
            self._version = 0
            return None
        self._version = stored.version
        return stored.data

    def write(self, data: dict[str, Any]) -> int:
        """A new version; ConcurrentChangeError if it changed since it was read."""
        if self._version is None:
            self.read()  # never read here: the update replaces what is there now
        version = self._vault.put(self.kind, self.record_id, data, expected_version=self._version)
        self._remember(version)
        return version

    def delete(self) -> bool:
        """Remove it (False if there was nothing); refused like `write` if it changed."""
        if self._version is None:
            self.read()
        if not self._version:
            return False
        self._vault.delete(self.kind, self.record_id, expected_version=self._version)
        self._remember(0)
        return True

    def _remember(self, version: int) -> None:
        # If the caller's transaction is rolled back after this write (say its audit entry
        # hits a full disk), the stored version is the one before: remember that instead.
        before = self._version
        self._version = version
        self._vault.on_rollback(lambda: setattr(self, "_version", before))
