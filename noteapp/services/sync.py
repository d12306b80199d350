"""`noteapp sync`: pull what the agency's server has for this member's charts, check it, write
it here; then push this device's new versions (agency.md; docs/agency.md).

Order of a sync: the agency record (signed by the administrator key confirmed at join), the
certificates, the chart heads (never older than seen), each chart's key epochs (signed,
only moving forward) and this member's keys for them; chart keys shared with assigned members
who lack them; pulled versions checked (place, key, author, then what sync_checks asks) and
written in batches, each batch one transaction here; this device's versions pushed in
batches under the chart's lock; this device's audit log sent to the administrator. An
interruption at any point loses nothing and doubles nothing: what was written here is what
was applied, and a version pushed but not recorded comes back as this device's own.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from noteapp import crypto
from noteapp.agency import freshness
from noteapp.agency.envelope import (
    Place,
    VersionBody,
    blob_hash,
    open_version,
    seal_audit,
    seal_version,
)
from noteapp.agency.keys import ChartRole, read_epoch, unwrap_key, wrap_key
from noteapp.agency.merge import Synced
from noteapp.domain.clock import Clock
from noteapp.domain.errors import (
    NoteappError,
    NotFoundError,
    RefusedError,
    ServerIntegrityError,
)
from noteapp.domain.progress import Cancelled
from noteapp.domain.signatures import SignedItem, TrustedKey
from noteapp.services.agency import AgencyService
from noteapp.services.agency_local import LocalCharts, LocalScan, client_of_chart
from noteapp.services.agency_state import ChartState, Membership
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.signing import SigningService, chain_order
from noteapp.services.sync_apply import Applier
from noteapp.services.sync_checks import Context, refusal
from noteapp.services.sync_push import Outgoing, outgoing
from noteapp.services.sync_status import AgencyStatus, agency_status, conflicts, dismiss_conflict
from noteapp.signing.proof import item_from_dict

if TYPE_CHECKING:
    from noteapp.agency.server import Server, VersionRow

BATCH = 500
PUSH_RETRIES = 3
Progress = Callable[[str, int, int], None]


@dataclass
class SyncReport:
    pulled: int = 0
    written: int = 0
    pushed: int = 0
    charts: int = 0
    keys_shared: int = 0
    audit_sent: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failed

    @property
    def changed(self) -> bool:
        return bool(self.written)


class SyncService:
    def __init__(
        self,
        *,
        agency: AgencyService,
        local: LocalCharts,
        signing: SigningService,
        audit: AuditService,
        clock: Clock,
        clients: Callable[[], ClientService],
    ) -> None:
        self._agency = agency
        self._clients = clients
        self._local = local
        self._signing = signing
        self._audit = audit
        self._clock = clock
        self.batch = BATCH

    def status(self, *, probe: bool = True) -> AgencyStatus:
        """This device's membership and charts; with `probe`, whether the server answers and
        has certified this member (a short connection)."""
        return agency_status(
            agency=self._agency, local=self._local, clients=self._clients(), probe=probe
        )

    def conflicts(self) -> builtins.list[dict[str, Any]]:
        return conflicts(self._local)

    def dismiss_conflict(self, number: str) -> None:
        with self._local.transaction():
            if not dismiss_conflict(self._local, number):
                raise NotFoundError(f"No conflict numbered {number[:20]}.")
            self._audit.record("agency-conflict-dismiss", detail={"conflict": number})

    def sync(self, *, progress: Progress | None = None) -> SyncReport:
        m = self._agency.require_membership()
        try:
            with self._agency.server(m) as server:
                report = _Run(self, server, m, progress or (lambda *_: None)).run()
        except Cancelled:
            raise  # stopped between batches on purpose (locking): what went through stays
        except NoteappError as exc:
            self._remember(error=str(exc))
            raise
        self._remember(error="" if report.ok else (report.failed + report.refused)[0])
        self._audit.record(
            "agency-sync",
            detail={
                "pulled": report.pulled,
                "pushed": report.pushed,
                "written": report.written,
                "conflicts": len(report.conflicts),
                "refused": len(report.refused) + len(report.failed),
            },
        )
        return report

    def _remember(self, *, error: str) -> None:
        m = self._agency.require_membership()
        m.last_error = error[:500]
        if not error:
            m.last_sync = self._clock.now().isoformat()
        with self._local.transaction():
            self._agency.save_membership(m)


class _Run:
    def __init__(
        self, service: SyncService, server: Server, m: Membership, progress: Progress
    ) -> None:
        self.s = service
        self.server = server
        self.m = m
        self.progress = progress
        self.local = service._local
        self.report = SyncReport()
        self.states: dict[str, ChartState] = {}
        self.heads: dict[str, int] = {}
        self.written_items: dict[str, list[SignedItem]] = {}
        self._items: dict[str, list[SignedItem]] | None = None
        self.applier = Applier(local=self.local, me=m.member_id, clock=service._clock)

    # --- the whole run -----------------------------------------------------------------

    def run(self) -> SyncReport:
        agency = self.s._agency.agency(self.server, self.m)
        who = self.server.whoami()
        if who is None or who[0] != self.m.member_id:
            raise RefusedError("Your login no longer has access to the agency's charts.")
        self.agency = agency
        self.certs = self.s._agency.certificates(self.server, agency)
        mine = self.certs.get(self.m.member_id)
        signing_key, public = self.s._agency.signing_keys()
        if mine is None or not mine.active:
            raise RefusedError(
                "Your keys are not certified yet: read your fingerprint to your administrator "
                "(`noteapp agency status`), who certifies it."
            )
        if (mine.keys.ed25519, mine.keys.x25519) != (public, self.m.x25519_public):
            raise ServerIntegrityError(
                "The certificate the server holds for you is not for your keys."
            )
        self.public = public
        self.signer = crypto.Signer(signing_key)
        self._charts()
        self._pull_all()
        scan = self.local.scan(include_private=self.m.share_psychotherapy)
        for state in list(self.states.values()):
            self._push_chart(state, scan)
        self._send_audit()
        self._trust_members()
        return self.report

    # --- charts, epochs, keys ----------------------------------------------------------

    def _charts(self) -> None:
        saved = {
            c: ChartState.from_dict(d, version=v) for c, (d, v) in self.local.chart_states().items()
        }
        for head in self.server.chart_heads():
            client = client_of_chart(head.chart_id)
            state = saved.get(client) or ChartState(client, head.chart_id)
            freshness.check_head(head.chart_id, known=state.seq, served=head.head)
            self.states[client] = state
            self.heads[client] = head.head
        for client, state in saved.items():
            if client not in self.states and state.assigned:
                state.assigned = False  # unassigned: what was synced stays here
                self._save(state)
        self.report.charts = len(self.states)
        shares = self._load_epochs(list(self.states.values()))
        if shares:
            self.server.add_wraps(shares, by=self.m.member_id)
            self.report.keys_shared += len(shares)

    def _load_epochs(self, states: builtins.list[ChartState]) -> list[tuple[str, int, str, bytes]]:
        """Each chart's epochs (checked), this member's keys for them, and the keys this
        device should share with members who lack them."""
        ids = [s.chart_id for s in states]
        records = self.server.epochs(ids)
        have = {(w.chart_id, w.epoch, w.member_id): w for w in self.server.wraps(ids)}
        shares: list[tuple[str, int, str, bytes]] = []
        for state in states:
            served = [
                read_epoch(raw, agency=self.agency, chart_id=state.chart_id, epoch=n)
                for n, raw in records.get(state.chart_id, [])
            ]
            freshness.check_epochs(state.chart_id, known=state.epochs, served=served)
            changed = len(served) != len(state.epochs)
            state.epochs = {e.epoch: e for e in served}
            for e in served:
                wrap = have.get((state.chart_id, e.epoch, self.m.member_id))
                if e.epoch not in state.keys and wrap is not None:
                    state.keys[e.epoch] = unwrap_key(
                        self.m.x25519_private, wrap.wrapped, agency_id=self.agency.agency_id,
                        chart_id=state.chart_id, epoch=e, member=self.m.member_id,
                    )  # fmt: skip
                    changed = True
            shares += self._missing_wraps(state, have)
            if changed:
                with self.local.transaction():
                    self._save(state)
        return shares

    def _missing_wraps(
        self, state: ChartState, have: dict[tuple[str, int, str], Any]
    ) -> list[tuple[str, int, str, bytes]]:
        """Keys this device holds that members of the chart's current epoch lack (history
        for a newly assigned member): wrapped only to certified keys of listed members."""
        current = state.current_epoch
        if current is None:
            return []
        rows = []
        for number, key in state.keys.items():
            for member, _role in current.members:
                cert = self.certs.get(member)
                if (state.chart_id, number, member) in have or cert is None or not cert.active:
                    continue
                rows.append(
                    (
                        state.chart_id, number, member,
                        wrap_key(
                            key, to=cert.keys.x25519, agency_id=self.agency.agency_id,
                            chart_id=state.chart_id, epoch=number, member=member,
                        ),
                    )
                )  # fmt: skip
        return rows

    def _save(self, state: ChartState) -> None:
        state.version = self.local.save_chart_state(
            state.client_id, state.to_dict(), expected=state.version
        )

    # --- pulling -----------------------------------------------------------------------

    def _pull_all(self, only: str | None = None) -> None:
        total = sum(
            max(0, self.heads[c] - s.seq) for c, s in self.states.items() if only in (None, c)
        )
        done = 0
        stopped: set[str] = set()
        while True:
            ranges, budget = [], self.s.batch
            for client, state in self.states.items():
                head = self.heads[client]
                if (
                    only not in (None, client)
                    or client in stopped
                    or head <= state.seq
                    or budget <= 0
                ):
                    continue
                upto = min(head, state.seq + budget)
                ranges.append((state.chart_id, state.seq, upto))
                budget -= upto - state.seq
            if not ranges:
                return
            rows = self.server.pull(ranges, me=self.m.member_id)
            by_chart: dict[str, list[VersionRow]] = {}
            for row in rows:
                by_chart.setdefault(client_of_chart(row.chart_id), []).append(row)
            with self.local.transaction():
                for chart_id, _after, upto in ranges:
                    client = client_of_chart(chart_id)
                    got = by_chart.get(client, [])
                    if not self._apply_chart(self.states[client], got, upto):
                        stopped.add(client)
                    done += len(got)
            self.progress("pull", done, total)

    def _apply_chart(self, state: ChartState, rows: list[VersionRow], upto: int) -> bool:
        """Check one chart's batch whole, then write it; False when the chart cannot go
        further now (a refused server state, or a key this device does not have yet)."""
        try:
            freshness.check_sequence(
                state.chart_id, after=state.seq, seqs=[r.seq for r in rows], head=upto
            )
            if len(rows) != upto - state.seq:
                raise ServerIntegrityError(
                    f"The server left a gap in chart {state.chart_id[:8]} (versions missing). "
                    "Nothing from it was written."
                )
            opened = []
            previous = state.last_hash
            for row in rows:
                found = self._open_row(state, row, previous)
                if found is None:
                    break
                opened.append(found)
                previous = blob_hash(row.blob)
        except ServerIntegrityError as exc:
            self.report.failed.append(str(exc))
            return False
        for row, body, role, login in opened:
            self._apply_row(state, row, body, role, login)
        self._save(state)
        return len(opened) == len(rows)

    def _open_row(
        self, state: ChartState, row: VersionRow, previous: bytes
    ) -> tuple[VersionRow, VersionBody, ChartRole, str] | None:
        """The version at its place, checked by key, author and epoch (None: this device
        does not hold that epoch's key yet)."""
        epoch = freshness.epoch_at(state.epochs, row.seq)
        if epoch is None or epoch.epoch != row.epoch:
            raise ServerIntegrityError(
                f"The server served a version of chart {state.chart_id[:8]} under a key that "
                "was not in force at its place. Nothing from it was written."
            )
        role = epoch.role_of(row.author)
        cert = self.certs.get(row.author)
        if role is None or cert is None:
            raise ServerIntegrityError(
                f"The server served a version of chart {state.chart_id[:8]} by someone who "
                "could not write it. Nothing from it was written."
            )
        key = state.keys.get(row.epoch)
        if key is None:
            self.report.waiting.append(
                f"Chart {state.chart_id[:8]}: older history waits for a chart member's device "
                "to share its key."
            )
            return None
        place = Place(
            self.agency.agency_id, state.chart_id, row.seq, row.epoch, row.author, previous
        )
        body = open_version(
            row.blob,
            cipher=crypto.Aead(key),
            author=crypto.Verifier(cert.keys.ed25519),
            place=place,
        )
        return row, body, role, cert.keys.login

    def _apply_row(
        self, state: ChartState, row: VersionRow, body: VersionBody, role: ChartRole, login: str
    ) -> None:
        ctx = Context(state.client_id, state.records, self.certs, self._items_of)
        why = refusal(body, author=row.author, role=role, ctx=ctx)
        applied = None
        if not why:
            applied = self.applier.apply(state, body, author=row.author)
            why = applied.refused
        if why:
            text = f"A {body.kind} version from {login} was refused: {why}."
            state.refused.append({"seq": row.seq, "why": text})
            self.report.refused.append(text)
        elif applied is not None:
            self.report.written += applied.written
            if applied.conflict:
                state.conflicts.append(applied.conflict)
                self.report.conflicts.append(applied.conflict)
            if body.kind == "signed_item" and body.data is not None:
                item = item_from_dict(body.data)
                self.written_items.setdefault(item.note_id, []).append(item)
        state.seq, state.last_hash = row.seq, blob_hash(row.blob)
        self.report.pulled += 1

    def _items_of(self, note_id: str) -> list[SignedItem]:
        """A note's signed items as kept in this vault now (what earlier syncs and this one
        wrote too), in chain order."""
        if self._items is None:
            self._items = {}
            for _id, data in self.local.records("signed_item"):
                item = item_from_dict(data)
                self._items.setdefault(item.note_id, []).append(item)
        known = self._items.get(note_id, [])
        hashes = {i.hash for i in known}
        extra = [i for i in self.written_items.get(note_id, []) if i.hash not in hashes]
        return chain_order([*known, *extra])

    # --- pushing -----------------------------------------------------------------------

    def _push_chart(self, state: ChartState, scan: LocalScan) -> None:
        from noteapp.agency.server import ChartMoved

        current = state.current_epoch
        role = state.role_of(self.m.member_id)
        if current is None or role is None or current.epoch not in state.keys or not state.assigned:
            return
        for attempt in range(PUSH_RETRIES + 1):
            todo = outgoing(
                state, scan=scan, local=self.local, me=self.m.member_id, my_key=self.public,
                role=role, include_private=self.m.share_psychotherapy,
            )  # fmt: skip
            try:
                for start in range(0, len(todo), self.s.batch):
                    self._push_batch(state, todo[start : start + self.s.batch], current.epoch)
                    self.progress("push", min(start + self.s.batch, len(todo)), len(todo))
                return
            except ChartMoved:
                if attempt == PUSH_RETRIES:
                    self.report.waiting.append(
                        f"Chart {state.chart_id[:8]} kept changing on the server; the rest is "
                        "sent at the next sync."
                    )
                    return
                self._refresh(state)
                scan = self.local.scan(include_private=self.m.share_psychotherapy)
                current = state.current_epoch
                if (
                    current is None
                    or current.epoch not in state.keys
                    or state.role_of(self.m.member_id) is None
                ):
                    return

    def _refresh(self, state: ChartState) -> None:
        """Another device pushed (or the administrator changed the chart's keys) meanwhile:
        read the chart again, then push on top."""
        heads = {h.chart_id: h.head for h in self.server.chart_heads()}
        if state.chart_id not in heads:
            state.assigned = False
            return
        self.heads[state.client_id] = heads[state.chart_id]
        self._load_epochs([state])
        self._pull_all(only=state.client_id)

    def _push_batch(self, state: ChartState, batch: list[Outgoing], epoch: int) -> None:
        cipher = crypto.Aead(state.keys[epoch])
        seq, previous = state.seq, state.last_hash
        rows = []
        for item in batch:
            seq += 1
            place = Place(
                self.agency.agency_id, state.chart_id, seq, epoch, self.m.member_id, previous
            )
            blob = seal_version(item.body, cipher=cipher, signer=self.signer, place=place)
            rows.append((seq, blob))
            previous = blob_hash(blob)
        self.server.push(state.chart_id, epoch=epoch, author=self.m.member_id, rows=rows)
        with self.local.transaction():
            for item in batch:
                old = state.records.get(item.key)
                creator = old.creator if old and old.creator else self.m.member_id
                state.records[item.key] = Synced(item.local_version, item.body.vid, creator)
            state.seq, state.last_hash = seq, previous
            self.heads[state.client_id] = seq
            self._save(state)
        self.report.pushed += len(batch)

    # --- the audit log and trusted keys ------------------------------------------------

    def _send_audit(self) -> None:
        entries, _unreadable = self.s._audit.read()
        new = [e for e in entries if e.seq > self.m.audit_pushed][:5000]
        if not new:
            return
        last = new[-1].seq
        blob = seal_audit(
            [
                {"seq": e.seq, "time": e.time, "action": e.action, "kind": e.kind,
                 "record_id": e.record_id, "detail": e.detail}
                for e in new
            ],
            admin_x25519=self.agency.admin_x25519, signer=self.signer,
            agency_id=self.agency.agency_id, member=self.m.member_id,
            device=self.local.vault_id, last_seq=last,
        )  # fmt: skip
        self.server.add_device_audit(self.m.member_id, self.local.vault_id, last, blob)
        self.m.audit_pushed = last
        self.report.audit_sent = len(new)

    def _trust_members(self) -> None:
        """Certified colleagues' signing keys count as trusted here (verify, review)."""
        trusted = {k.public_key for k in self.s._signing.trusted_keys()}
        for cert in self.certs.values():
            k = cert.keys
            if not cert.active or k.ed25519 == self.public or k.ed25519 in trusted:
                continue
            self.s._signing.trust_key(
                TrustedKey(k.fingerprint, k.ed25519, k.name, k.credentials),
                action="agency-key-trust",
            )
