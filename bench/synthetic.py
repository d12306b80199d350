"""A fast builder of large synthetic vaults for the growth benchmark (issue #11).

`noteapp demo` writes every note through the services (rendering each through Jinja, signing
each with a checklist run first): faithful, but ~45 s for 10,000 notes, far too slow for
200,000. This builder writes the same kinds of record in the same shapes — clients (through
the service), then per client notes in the demo's text (drafts with a draft history, signed
notes with their signature record: payload with the note's fields and a document of them,
really signed with the profile's Ed25519 key), measures (scored by the instrument data), a
treatment plan for every fourth client (through the service, signed), the audit entries a
clinician's work leaves — straight through `Vault.put`, with the owners and summaries the
services give, in one transaction per batch of clients. Every value is invented.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import FAST_KDF, PASSPHRASE
from noteapp.demo.text import fields_for
from noteapp.demo.vault import add_demo_clients, ensure_demo_profile
from noteapp.domain.clock import FakeClock
from noteapp.domain.document import Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.ids import NoteId, new_id
from noteapp.domain.measures import Measure, MeasureMode, measure_to_dict
from noteapp.domain.notes import Modality, Note, NoteStatus, SessionInfo, note_to_dict
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.measures import load_instruments, score_answers
from noteapp.services.paths import AppPaths
from noteapp.services.summaries import item_summary, measure_summary, note_summary
from noteapp.services.workspace import Workspace
from noteapp.signing import payloads
from noteapp.signing.canonical import sign_payload
from noteapp.signing.proof import item_to_dict
from noteapp.vault.audit import AuditLog

NOTES_PER_CLIENT = 50
# Notes still drafts (the rest signed): one client in ten has a draft from the last session,
# and a few older drafts are left here and there — about 0.7 %, the open drafts of a
# practice whose clinicians sign within the week.
DRAFT_SHARE = 0.005
LAST_SESSION_DRAFT = 10
MEASURE_EVERY = 2  # a PHQ-9 or GAD-7 with every other note
_TEMPLATES = ("dap", "soap", "birp", "girp")
_CODES = (("90834", 50), ("90837", 55), ("90832", 30))


def build(path: Path, notes: int, home: Path, *, seed: int = 11) -> dict[str, Any]:
    """A vault with about `notes` notes (50 per client); returns what was written."""
    start = time.perf_counter()
    clock = FakeClock(datetime(2026, 6, 1, 17, 0, tzinfo=UTC))
    paths = AppPaths(home, home)
    ws, _recovery = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    try:
        ensure_demo_profile(ws)
        ws.settings.update(confirm_passphrase_to_sign=False)
        clients = max(notes // NOTES_PER_CLIENT, 1)
        ids = add_demo_clients(ws, count=clients, seed=seed, sessions=NOTES_PER_CLIENT)
        writer = _Writer(ws, random.Random(seed))
        per_client = [notes // clients + (1 if i < notes % clients else 0) for i in range(clients)]
        for batch in range(0, clients, 100):
            with ws.transaction():
                for i in range(batch, min(batch + 100, clients)):
                    writer.chart(ws.clients.get(ids[i]), per_client[i], plan=i % 4 == 0, index=i)
        counts = writer.counts
    finally:
        ws.close()
    return {**counts, "clients": clients, "build_s": time.perf_counter() - start}


class _Writer:
    def __init__(self, ws: Workspace, rng: random.Random) -> None:
        self.ws = ws
        self.rng = rng
        self.vault = ws._vault
        self.audit = AuditLog(self.vault)
        profile = ws.profile.get()
        assert profile is not None
        self.profile = profile
        self.key = ws.profile.private_signing_key()
        self.templates = {t: ws.templates.get(t) for t in _TEMPLATES}
        self.snapshots = {t: ws.templates.snapshot(tpl) for t, tpl in self.templates.items()}
        self.instruments = load_instruments()
        self.counts = {"notes": 0, "versions": 0, "signed_items": 0, "measures": 0, "plans": 0}

    def chart(self, client: Any, count: int, *, plan: bool, index: int = 0) -> None:
        day = client.admitted_on or date(2025, 1, 1)
        today = self.ws.clock.now().date()
        step = max((today - day).days // max(count, 1), 1)
        for k in range(count):
            on = min(day + timedelta(days=k * step), today)
            last = k == count - 1 and count > 3 and index % LAST_SESSION_DRAFT == 0
            draft = self.rng.random() < DRAFT_SHARE or last
            self._note(client, on, k, signed=not draft)
            if k % MEASURE_EVERY == 0:
                self._measure(client, on)
        if plan:
            self._plan(client)

    def _note(self, client: Any, on: date, k: int, *, signed: bool) -> None:
        template_id = _TEMPLATES[k % len(_TEMPLATES)]
        template = self.templates[template_id]
        code, minutes = self.rng.choice(_CODES)
        fields = fields_for(template_id, client, self.rng, sessions=k)
        start = datetime(on.year, on.month, on.day, 9 + k % 8, 0, tzinfo=UTC)
        note = Note(
            id=NoteId(new_id()),
            client_id=client.id,
            template_id=template_id,
            template_version=template.version,
            template_snapshot=self.snapshots[template_id],
            session=SessionInfo(
                date=on,
                start=start.time(),
                end=(start + timedelta(minutes=minutes)).time(),
                service_code=code,
                modality=Modality.IN_PERSON,
                place_of_service="11",
                diagnoses=client.diagnoses,
            ),
            fields={key: value for key, value in list(fields.items())[:-1]},
            created_at=start,
            updated_at=start,
        )
        # The draft history: a first save, then the finished text (autosaves in between).
        self.counts["notes"] += 1
        self._put_note(note, "create")
        note = replace(note, fields=dict(fields), version=1)
        if not signed:
            self._put_note(note, "edit")
            return
        item = self._sign(client, template, note, start + timedelta(minutes=minutes + 40))
        note = replace(note, status=NoteStatus.SIGNED, signature_ids=(item.id,))
        self._put_note(note, "")

    def _put_note(self, note: Note, action: str) -> None:
        self.vault.put(
            "note",
            note.id,
            note_to_dict(note),
            owner=note.client_id,
            summary=note_summary(note),
            expected_version=note.version,
        )
        if action:
            self.audit.append(action, kind="note", record_id=note.id)
        self.counts["versions"] += 1

    def _sign(self, client: Any, template: Any, note: Note, at: datetime) -> SignedItem:
        document = Document(
            title=template.name,
            blocks=(
                KeyValueTable(
                    (
                        ("Client", client.name),
                        ("Date of service", note.session.date.isoformat()),
                        ("Service", note.session.service_code),
                    )
                ),
                *(
                    block
                    for s in template.sections
                    for block in (Heading(2, s.label), Paragraph(note.text(s.field_id)))
                ),
            ),
        )
        payload = payloads.note_payload(
            note=replace(note, status=NoteStatus.SIGNED),
            client=client,
            template=(template.id, template.version, template.name),
            document=document,
            profile=self.profile,
            attestation="I attest that this note accurately documents the services I provided.",
            now=at,
        )
        payload = payloads.envelope(ItemType.NOTE, note.id, payload)
        digest, signature = sign_payload(payload, self.key)
        item = SignedItem(
            id=new_id(),
            type=ItemType.NOTE,
            note_id=note.id,
            payload=payload,
            hash=digest,
            signature=signature,
            public_key=self.profile.public_key,
        )
        self.vault.put(
            "signed_item",
            item.id,
            item_to_dict(item),
            owner=client.id,
            summary=item_summary(item),
            expected_version=0,
        )
        self.audit.append(
            "sign", kind="note", record_id=note.id, detail={"item": item.id, "type": "note"}
        )
        self.counts["signed_items"] += 1
        return item

    def _measure(self, client: Any, on: date) -> None:
        inst = self.instruments["phq9" if self.rng.random() < 0.6 else "gad7"]
        answers = [self.rng.randint(0, 3) for _ in inst.items]
        if inst.id == "phq9":
            answers[-1] = 0  # no open risk flags across the caseload, as in a calm week
        score = score_answers(inst, answers)
        m = Measure(
            id=new_id(),
            client_id=client.id,
            instrument=inst.id,
            instrument_version=inst.version,
            name=inst.name,
            on=on,
            mode=MeasureMode.IN_SESSION,
            total=score.total,
            severity=score.severity,
            answers=score.answers,
            flags=score.flags,
            risk=score.risk,
            created_at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC),
        )
        self.vault.put(
            "measure",
            m.id,
            measure_to_dict(m),
            owner=client.id,
            summary=measure_summary(m),
            expected_version=0,
        )
        self.audit.append("create", kind="measure", record_id=m.id)
        self.counts["measures"] += 1

    def _plan(self, client: Any) -> None:
        today = self.ws.clock.now().date()
        plan = self.ws.plans.import_json(
            client.id,
            {
                "valid_from": (today - timedelta(days=60)).isoformat(),
                "valid_until": (today + timedelta(days=300)).isoformat(),
                "problems": [
                    {
                        "statement": "Low mood and withdrawal from activities most days.",
                        "goals": [
                            {
                                "statement": "Mood improves enough to return to valued routines.",
                                "objectives": [
                                    {
                                        "description": "PHQ-9 below 10 for four weeks.",
                                        "target": "PHQ-9 < 10",
                                        "measured_by": "PHQ-9 every 2 weeks",
                                        "target_date": (today + timedelta(days=60)).isoformat(),
                                        "interventions": [{"description": "Behavioral activation"}],
                                    }
                                ],
                            }
                        ],
                    }
                ],
            },
        )
        self.ws.plans.sign(plan.id)
        self.counts["plans"] += 1
