"""The audit log as the UI and CLI see it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from noteapp.vault.audit import AuditEntry, AuditLog, AuditVerification
from noteapp.vault.store import Vault


class AuditService:
    def __init__(self, vault: Vault) -> None:
        self._log = AuditLog(vault)

    def record(
        self,
        action: str,
        *,
        kind: str = "",
        record_id: str = "",
        detail: dict[str, Any] | None = None,
    ) -> AuditEntry:
        return self._log.append(action, kind=kind, record_id=record_id, detail=detail)

    def entries(self) -> list[AuditEntry]:
        return self._log.entries()

    def last_of(self, actions: Collection[str]) -> tuple[int, str]:
        """How many entries record one of `actions`, and the time of the latest ("")."""
        found = [e for e in self._log.entries() if e.action in actions]
        return len(found), (found[-1].time if found else "")

    def read(self) -> tuple[list[AuditEntry], list[int]]:
        """Entries, and the sequence numbers of any that could not be read (reported)."""
        return self._log.read()

    def verify(self) -> AuditVerification:
        return self._log.verify()

    def replace_log(self, entries: list[AuditEntry]) -> None:
        """Replace the whole log with an archive's (import into a new vault; chain checked)."""
        self._log.replace_all(entries)
