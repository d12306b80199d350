"""Clients: add, edit, discharge, delete (with confirmation and a backup first), list.

Clients are decrypted once after unlock and kept in memory; lists and filters never touch
the disk, and nothing about them is ever written anywhere in clear.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from noteapp.domain.clients import (
    Client,
    ClientStatus,
    Contact,
    Diagnosis,
    EmergencyContact,
    client_from_dict,
    client_to_dict,
    validate_client_code,
    validate_name,
)
from noteapp.domain.clock import Clock
from noteapp.domain.errors import InvalidInputError, NotFoundError, RecordIntegrityError
from noteapp.domain.ids import ClientId, new_id
from noteapp.services.audit import AuditService
from noteapp.services.backups import BackupService
from noteapp.services.damaged_record import find_damaged
from noteapp.vault.store import Vault

KIND = "client"
_TEXT_FIELDS = ("preferred_name", "pronouns")


class ClientService:
    def __init__(
        self, *, vault: Vault, audit: AuditService, backups: BackupService, clock: Clock
    ) -> None:
        self._vault = vault
        self._audit = audit
        self._backups = backups
        self._clock = clock
        self._clients: dict[str, Client] = {}
        # The stored version each client was read at: every update names it, so a change
        # made elsewhere in the meantime is refused instead of overwritten.
        self._versions: dict[str, int] = {}
        self.problems: list[RecordIntegrityError] = []
        # Called with the client after every change, or with its id after deletion.
        self.listeners: list[Callable[[Client | str], None]] = []
        # Codes (casefolded) of damaged clients, as known from signed records → their ids;
        # wired by the workspace, so `client show C0003` names the damage.
        self.damaged_codes: Callable[[], dict[str, str]] = dict
        # Wired by the workspace: a client saved with an emergency contact hands it to the
        # contact list (ContactService) in the same transaction and is stored without it.
        self.emergency_contact_sink: Callable[[Client], None] | None = None
        self.reload()

    def reload(self) -> None:
        result = self._vault.load_kind(KIND)
        self._clients = {r.id: client_from_dict(r.data) for r in result.records}
        self._versions = {r.id: r.version for r in result.records}
        self.problems = result.failures

    # --- reading -----------------------------------------------------------------------

    def list(self, *, status: ClientStatus | None = None, text: str = "") -> builtins.list[Client]:
        """Sorted by name; `text` filters on name, preferred name and code."""
        needle = text.casefold().strip()
        out = [
            c
            for c in self._clients.values()
            if (status is None or c.status == status)
            and (
                not needle
                or needle in c.name.casefold()
                or needle in c.code.casefold()
                or needle in c.preferred_name.casefold()
            )
        ]
        return sorted(out, key=lambda c: (c.name.casefold(), c.code))

    def get(self, client_id: str) -> Client:
        client = self._clients.get(client_id)
        if client is None:
            matches = [
                c for c in self._clients.values() if c.code.casefold() == client_id.casefold()
            ]
            if len(matches) == 1:
                return matches[0]
            # A damaged client is still there: say so, never "no such client".
            key = self.damaged_codes().get(client_id.casefold(), client_id)
            damaged = find_damaged(self.problems, key)
            if damaged is not None:
                raise damaged
            raise NotFoundError(f"No client with id or code '{client_id[:32]}'.")
        return client

    def version_of(self, client_id: str) -> int:
        """The stored version of a client's record as read (0 if unknown)."""
        return self._versions.get(client_id, 0)

    # --- writing -----------------------------------------------------------------------

    def _next_code(self) -> str:
        taken = {c.code.casefold() for c in self._clients.values()}
        n = len(self._clients) + 1
        while f"c{n:04d}" in taken:
            n += 1
        return f"C{n:04d}"

    def _check_code_free(self, code: str, client_id: str | None) -> None:
        for c in self._clients.values():
            if c.code.casefold() == code.casefold() and c.id != client_id:
                raise InvalidInputError(f"The client code '{code}' is already used.")

    def add(
        self,
        *,
        name: str,
        dob: date | None = None,
        code: str = "",
        preferred_name: str = "",
        pronouns: str = "",
        contact: Contact | None = None,
        emergency_contact: EmergencyContact | None = None,
        diagnoses: tuple[Diagnosis, ...] | builtins.list[Diagnosis] = (),
        admitted_on: date | None = None,
    ) -> Client:
        code = validate_client_code(code) if code else self._next_code()
        self._check_code_free(code, None)
        if dob and dob > self._clock.now().date():
            raise InvalidInputError("The date of birth is in the future.")
        client = Client(
            id=ClientId(new_id()),
            name=validate_name(name),
            code=code,
            preferred_name=preferred_name.strip(),
            dob=dob,
            pronouns=pronouns.strip(),
            contact=contact or Contact(),
            emergency_contact=emergency_contact or EmergencyContact(),
            diagnoses=tuple(diagnoses),
            admitted_on=admitted_on or self._clock.now().date(),
        )
        return self._store(client, "create")

    def import_clients(self, clients: builtins.list[Client], *, source: str) -> None:
        """Add checked clients (a CSV import) in one transaction: all or none. Ids and codes
        must be new; each is audited as created by the import."""
        taken = {c.code.casefold() for c in self._clients.values()}
        if len({c.code.casefold() for c in clients} | taken) != len(taken) + len(clients) or any(
            c.id in self._clients for c in clients
        ):
            raise InvalidInputError("A client code or id to import is already used.")
        with self._vault.transaction():
            clients = [self._hand_over_emergency_contact(c) for c in clients]
            for client in clients:
                self._vault.put(KIND, client.id, client_to_dict(client), expected_version=0)
                self._audit.record(
                    "create", kind=KIND, record_id=client.id, detail={"import": source}
                )
        for client in clients:
            self._clients[client.id] = client
            self._versions[client.id] = 1
            self._notify(client)

    def update(self, client_id: str, **changes: Any) -> Client:
        current = self.get(client_id)
        editable = {f.name for f in fields(Client)} - {"id", "status"}
        unknown = sorted(set(changes) - editable - {"id", "status"})
        if unknown:
            raise InvalidInputError(f"Unknown client field '{unknown[0][:40]}'.")
        if "name" in changes:
            changes["name"] = validate_name(changes["name"])
        if "code" in changes:
            changes["code"] = validate_client_code(changes["code"])
            self._check_code_free(changes["code"], current.id)
        if "diagnoses" in changes:
            changes["diagnoses"] = tuple(changes["diagnoses"])
        for key in _TEXT_FIELDS:
            if key in changes:
                changes[key] = str(changes[key]).strip()
        if changes.get("dob") and changes["dob"] > self._clock.now().date():
            raise InvalidInputError("The date of birth is in the future.")
        if {"id", "status"} & set(changes):
            raise InvalidInputError("Use discharge or reactivate to change a client's status.")
        return self._store(replace(current, **changes), "edit")

    def discharge(self, client_id: str, *, on: date | None = None, reason: str = "") -> Client:
        current = self.get(client_id)
        when = on or self._clock.now().date()
        if current.admitted_on and when < current.admitted_on:
            raise InvalidInputError("The discharge date is before the client was admitted.")
        return self._store(current.discharged(on=when, reason=reason.strip()), "discharge")

    def reactivate(self, client_id: str) -> Client:
        return self._store(self.get(client_id).reactivated(), "reactivate")

    def _store(self, client: Client, action: str) -> Client:
        """Save a new version of a client, checked against the version read (0 if new)."""
        with self._vault.transaction():
            client = self._hand_over_emergency_contact(client)
            version = self._vault.put(
                KIND,
                client.id,
                client_to_dict(client),
                expected_version=self._versions.get(client.id, 0),
            )
            self._audit.record(action, kind=KIND, record_id=client.id)
        self._clients[client.id] = client
        self._versions[client.id] = version
        self._notify(client)
        return client

    def _hand_over_emergency_contact(self, client: Client) -> Client:
        if self.emergency_contact_sink is None or client.emergency_contact == EmergencyContact():
            return client
        self.emergency_contact_sink(client)
        return replace(client, emergency_contact=EmergencyContact())

    def delete(self, client_id: str, *, confirm_code: str) -> Path:
        """Delete a client and every version of their record, after a backup (kept apart
        from rotation for the retention period); returns that backup's path.

        `confirm_code` must repeat the client's code: deletion is never one slip away.
        """
        current = self.get(client_id)
        if confirm_code.strip().casefold() != current.code.casefold():
            raise InvalidInputError("Type the client's code to confirm the deletion.")
        way_back = self._backups.backup_before_delete()
        with self._vault.transaction():
            self._vault.delete(KIND, current.id, expected_version=self._versions.get(current.id))
            self._audit.record("delete", kind=KIND, record_id=current.id)
        del self._clients[current.id]
        self._versions.pop(current.id, None)
        self._notify(current.id)
        return way_back

    def _notify(self, changed: Client | str) -> None:
        for listener in self.listeners:
            listener(changed)

    def history(self, client_id: str) -> builtins.list[Client]:
        return [client_from_dict(r.data) for r in self._vault.history(KIND, client_id)]
