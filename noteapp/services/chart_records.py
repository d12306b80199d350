"""One kind of case-management record (contacts, releases, referrals, medications, incident
reports) as its service keeps it: read, written with the version it was read at, audited.

Every read goes through `for_chart(client_id)`, `get(id)` or, for the few questions that
span the caseload (referrals to follow up, reports overdue), `every()`. Nothing else touches
the vault for these kinds, so moving them to per-chart, on-demand loading changes this one
class. A record that fails to decrypt is kept in `problems` and named when asked for; it is
never shown as missing or empty.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Generic, Protocol, TypeVar

from noteapp.domain.errors import NotFoundError, RecordIntegrityError
from noteapp.services.audit import AuditService
from noteapp.services.damaged_record import damaged_error, find_damaged
from noteapp.vault.store import Vault


class _Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def record_version(self) -> int: ...


R = TypeVar("R", bound=_Record)


class ChartRecords(Generic[R]):
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        kind: str,
        label: str,
        load: Callable[[dict[str, Any], int], R],
        dump: Callable[[R], dict[str, Any]],
        chart_of: Callable[[R], str],
    ) -> None:
        self._vault = vault
        self._audit = audit
        self.kind = kind
        self._label = label  # "contact": for "No contact with id …"
        self._dump = dump
        self._chart_of = chart_of
        self._records: dict[str, R] = {}
        # Called with the record after each change, or with its id after a removal.
        self.listeners: list[Callable[[R | str], None]] = []
        result = vault.load_kind(kind)
        self.problems: list[RecordIntegrityError] = list(result.failures)
        for r in result.records:
            try:
                self._records[r.id] = load(r.data, r.version)
            except (KeyError, ValueError, TypeError, AttributeError):
                # Authentic but not a shape this kind has: fail closed, as for damage —
                # named, never shown as empty, never written back.
                self.problems.append(damaged_error(kind, r.id))

    # --- reading -----------------------------------------------------------------------

    def for_chart(self, client_id: str) -> builtins.list[R]:
        """The records of one client's chart, in the order they were made."""
        return [r for r in self._records.values() if self._chart_of(r) == client_id]

    def every(self) -> builtins.list[R]:
        """Every record of the kind: only for questions across the caseload."""
        return list(self._records.values())

    def get(self, record_id: str) -> R:
        """By id, or by a unique prefix of 6 or more characters (what the CLI prints short)."""
        found = self._records.get(record_id)
        if found is not None:
            return found
        matches = [r for r in self._records.values() if r.id.startswith(record_id)]
        if len(record_id) >= 6 and len(matches) == 1:
            return matches[0]
        damaged = find_damaged(self.problems, record_id, prefix=not matches)
        if damaged is not None:
            raise damaged
        raise NotFoundError(f"No {self._label} with id '{record_id[:32]}'.")

    def history(self, record_id: str) -> builtins.list[dict[str, Any]]:
        """Every stored version's data, oldest first."""
        return [r.data for r in self._vault.history(self.kind, self.get(record_id).id)]

    # --- writing -----------------------------------------------------------------------

    def write(self, record: R, action: str, *, detail: dict[str, Any] | None = None) -> R:
        """A new version, refused if the record changed since it was read (its
        `record_version`; 0 for a new record). Audited with ids only."""
        before = self._records.get(record.id)
        with self._vault.transaction():
            version = self._vault.put(
                self.kind,
                record.id,
                self._dump(record),
                expected_version=record.record_version,
            )
            self._audit.record(action, kind=self.kind, record_id=record.id, detail=detail)
            stored: R = replace(record, record_version=version)  # type: ignore[type-var]
            self._records[record.id] = stored
            self._vault.on_rollback(lambda: self._restore(record.id, before))
        self._notify(stored)
        return stored

    def delete(self, record: R, action: str = "delete") -> None:
        before = self._records.get(record.id)
        with self._vault.transaction():
            self._vault.delete(self.kind, record.id, expected_version=record.record_version)
            self._audit.record(action, kind=self.kind, record_id=record.id)
            self._records.pop(record.id, None)
            self._vault.on_rollback(lambda: self._restore(record.id, before))
        self._notify(record.id)

    def _restore(self, record_id: str, before: R | None) -> None:
        # The transaction that wrote it was rolled back: memory follows what was committed.
        if before is None:
            self._records.pop(record_id, None)
        else:
            self._records[record_id] = before

    def _notify(self, changed: R | str) -> None:
        for listener in self.listeners:
            listener(changed)
