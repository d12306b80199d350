"""The administrator's part of charts: assigning clients to members (as clinician or
supervisor), unassigning, removing a member, the agency recovery key, and the agency's audit.

Every change of who may read a chart is a new key epoch: a fresh random chart key, wrapped to
each assigned member's certified X25519 key and to the agency recovery key, with a record
signed by the administrator naming the members and committing to the key. New versions use
it from then on; a member no longer listed gets no new key, and their login sees no rows.
The administrator never needs to read a chart: the key is made, wrapped and wiped here.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp import crypto
from noteapp.agency.envelope import open_audit
from noteapp.agency.keys import (
    RECOVERY_MEMBER,
    AgencyInfo,
    ChartRole,
    Epoch,
    commitment,
    read_epoch,
    unwrap_key,
    wrap_key,
)
from noteapp.agency.signed import sign_doc
from noteapp.domain.clock import Clock
from noteapp.domain.errors import InvalidInputError, NoteappError, RefusedError
from noteapp.services.agency import AgencyService, read_secret
from noteapp.services.agency_local import chart_uuid
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService

if TYPE_CHECKING:
    from noteapp.agency.server import AdminServer, EpochWrite

Members = tuple[tuple[str, ChartRole], ...]


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    login: str
    member_id: str
    action: str
    chart_id: str
    first_seq: int
    last_seq: int
    count: int


@dataclass(frozen=True)
class DeviceEntry:
    member_id: str
    login: str
    device: str
    entry: dict[str, Any]


@dataclass(frozen=True)
class AgencyAudit:
    access: tuple[AccessEntry, ...]
    devices: tuple[DeviceEntry, ...]
    problems: tuple[str, ...]


class ChartAdmin:
    def __init__(
        self,
        *,
        agency: AgencyService,
        clients: ClientService,
        audit: AuditService,
        clock: Clock,
    ) -> None:
        self._agency = agency
        self._clients = clients
        self._audit = audit
        self._clock = clock

    def client_id(self, client: str) -> str:
        """A client here (id or code), or the full id of a client that lives only in a
        member's vault."""
        try:
            return self._clients.get(client).id
        except NoteappError:
            if len(client) == 32 and all(c in "0123456789abcdef" for c in client):
                return client
            raise

    def assign(self, *, client: str, member: str, role: ChartRole | str) -> int:
        """Assign a client to a member as clinician or supervisor (a new key epoch)."""
        try:
            role = ChartRole(role)
        except ValueError:
            raise InvalidInputError("The role is 'clinician' or 'supervisor'.") from None
        client_id = self.client_id(client)

        def change(members: Members, who: str) -> Members:
            kept = tuple((m, r) for m, r in members if m != who)
            return (*kept, (who, role))

        return self._change(client_id, member, change, "agency-assign", role.value)

    def unassign(self, *, client: str, member: str) -> int:
        client_id = self.client_id(client)

        def change(members: Members, who: str) -> Members:
            if all(m != who for m, _ in members):
                raise RefusedError("That member is not assigned to this client.")
            return tuple((m, r) for m, r in members if m != who)

        return self._change(client_id, member, change, "agency-unassign", "")

    def _change(
        self,
        client_id: str,
        member: str,
        change: Callable[[Members, str], Members],
        action: str,
        role: str,
    ) -> int:
        m = self._agency.require_membership()
        with self._agency.admin_server(m) as server:
            agency = self._agency.agency(server, m)
            row = self._agency.find_member(server, agency, member)
            number = self._rotate(
                server, agency, chart_uuid(client_id), lambda ms: change(ms, row.member_id)
            )
        detail = {"chart": chart_uuid(client_id), "member": row.member_id, "epoch": number}
        self._audit.record(
            action, kind="client", record_id=client_id, detail={**detail, "role": role}
        )
        return number

    def _rotate(
        self,
        server: AdminServer,
        agency: AgencyInfo,
        chart_id: str,
        change: Callable[[Members], Members],
    ) -> int:
        from noteapp.agency.server import EpochWrite

        certs = self._agency.certificates(server, agency)
        private, public = self._agency.signing_keys()

        def build(head: int, epoch: int) -> EpochWrite:
            members: Members = ()
            if epoch:
                current = server.current_epoch_record(chart_id)
                if current is None:
                    raise RefusedError("The chart's current key record is missing on the server.")
                members = read_epoch(
                    current[1], agency=agency, chart_id=chart_id, epoch=epoch
                ).members
            members = change(members)
            for who, _role in members:
                cert = certs.get(who)
                if cert is None or not cert.active:
                    raise RefusedError(
                        "That member's keys are not certified yet (they join, then you certify "
                        "them with `noteapp agency member certify`)."
                    )
            number = epoch + 1
            key = bytearray(crypto.random_bytes(crypto.KEY_BYTES))
            try:
                record = Epoch(
                    chart_id,
                    number,
                    commitment(key, agency.agency_id, chart_id, number),
                    members,
                    head,
                )
                wraps = [
                    (
                        who,
                        wrap_key(
                            key, to=certs[who].keys.x25519, agency_id=agency.agency_id,
                            chart_id=chart_id, epoch=number, member=who,
                        ),
                    )
                    for who, _ in members
                ]  # fmt: skip
                wraps.append(
                    (
                        RECOVERY_MEMBER,
                        wrap_key(
                            key, to=agency.recovery_x25519, agency_id=agency.agency_id,
                            chart_id=chart_id, epoch=number, member=RECOVERY_MEMBER,
                        ),
                    )
                )  # fmt: skip
            finally:
                crypto.wipe(key)
            body = record.body(agency.agency_id, self._clock.now().isoformat())
            return EpochWrite(
                record=sign_doc(body, private, public),
                assignments=tuple((who, r.value) for who, r in members),
                wraps=tuple(wraps),
            )

        return server.new_epoch(chart_id, build)

    def remove_member(self, who: str) -> builtins.list[str]:
        """Remove a member: their login loses access at once, and every chart they could read
        gets a new key epoch without them (what they synced before stays on their device)."""
        m = self._agency.require_membership()
        with self._agency.admin_server(m) as server:
            agency = self._agency.agency(server, m)
            row = self._agency.find_member(server, agency, who)
            if row.member_id == m.member_id:
                raise RefusedError("The administrator cannot remove themselves.")
            charts = server.charts_of(row.member_id)
            role = server.agency_row()
            assert role is not None
            server.deactivate(member_id=row.member_id, login=row.login, member_role=role[1])
            for chart_id in charts:
                self._rotate(
                    server, agency, chart_id,
                    lambda ms: tuple((x, r) for x, r in ms if x != row.member_id),
                )  # fmt: skip
        self._audit.record(
            "agency-member-remove", detail={"member": row.member_id, "charts": len(charts)}
        )
        return charts

    def recover(self, recovery_key_file: Path) -> int:
        """With the agency recovery key (kept offline): give every currently assigned member
        the keys of each earlier epoch of their charts that nobody has shared with them yet —
        for a chart whose earlier readers have all left. Returns how many were shared."""
        m = self._agency.require_membership()
        recovery = read_secret(recovery_key_file)
        if crypto.exchange_public_key(recovery) != m.recovery_x25519:
            raise InvalidInputError("That recovery key is not this agency's.")
        shared = 0
        with self._agency.admin_server(m) as server:
            agency = self._agency.agency(server, m)
            certs = self._agency.certificates(server, agency)
            heads = server.chart_heads()
            records = server.epochs([h.chart_id for h in heads])
            wraps = {
                (w.chart_id, w.epoch, w.member_id): w
                for w in server.wraps([h.chart_id for h in heads])
            }
            for head in heads:
                epochs = {
                    n: read_epoch(raw, agency=agency, chart_id=head.chart_id, epoch=n)
                    for n, raw in records.get(head.chart_id, [])
                }
                if not epochs:
                    continue
                current = epochs[max(epochs)]
                for number, epoch in epochs.items():
                    held = wraps.get((head.chart_id, number, RECOVERY_MEMBER))
                    missing = [
                        who for who, _ in current.members
                        if (head.chart_id, number, who) not in wraps and who in certs
                    ]  # fmt: skip
                    if held is None or not missing:
                        continue
                    key = unwrap_key(
                        recovery, held.wrapped, agency_id=agency.agency_id,
                        chart_id=head.chart_id, epoch=epoch, member=RECOVERY_MEMBER,
                    )  # fmt: skip
                    rows = [
                        (
                            head.chart_id, number, who,
                            wrap_key(
                                key, to=certs[who].keys.x25519, agency_id=agency.agency_id,
                                chart_id=head.chart_id, epoch=number, member=who,
                            ),
                        )
                        for who in missing
                    ]  # fmt: skip
                    server.add_wraps(rows, by=m.member_id)
                    shared += len(rows)
        self._audit.record("agency-recover", detail={"shared": shared})
        return shared

    def audit(self) -> AgencyAudit:
        """Who pulled or pushed what (the server's access log) and every device's own audit
        log, as its member sent it (administrator only)."""
        m = self._agency.require_membership()
        problems: list[str] = []
        devices: list[DeviceEntry] = []
        with self._agency.admin_server(m) as server:
            agency = self._agency.agency(server, m)
            certs = self._agency.certificates(server, agency)
            access = tuple(AccessEntry(*vars(r).values()) for r in server.access_log())
            for member_id, device, last_seq, blob in server.device_audit():
                cert = certs.get(member_id)
                if cert is None:
                    problems.append(f"An audit log from an uncertified member ({member_id[:8]}).")
                    continue
                try:
                    entries = open_audit(
                        blob, admin_x25519_private=m.x25519_private,
                        author=crypto.Verifier(cert.keys.ed25519), agency_id=agency.agency_id,
                        member=member_id, device=device, last_seq=last_seq,
                    )  # fmt: skip
                except NoteappError as exc:
                    problems.append(str(exc))
                    continue
                devices += [DeviceEntry(member_id, cert.keys.login, device, e) for e in entries]
        return AgencyAudit(access, tuple(devices), tuple(problems))
