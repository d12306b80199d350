"""Signing notes, corrections (addendum / amendment / late entry), and the proofs and export
models built from what was signed. Trusted public keys for supervision live here too.

Signing runs the documentation checklist first (blocking items stop it), asks for the
passphrase again when the setting says so, and locks the note for good.

Signature records are grouped with the client of the note or plan they belong to: a note's
items are read with its client's (one group), and queues across the vault (returned notes,
notes awaiting a co-signature, plan reviews) read the items' summaries, not their payloads.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from noteapp import crypto
from noteapp.domain import json_input
from noteapp.domain.clock import Clock
from noteapp.domain.display import is_unsafe
from noteapp.domain.errors import (
    CheckFailedError,
    InvalidInputError,
    NotFoundError,
    RecordIntegrityError,
    RefusedError,
)
from noteapp.domain.ids import new_id
from noteapp.domain.notes import Note, NoteStatus
from noteapp.domain.profile import ClinicianProfile
from noteapp.domain.signatures import CORRECTION_TYPES, ItemType, SignedItem, TrustedKey
from noteapp.services.audit import AuditService
from noteapp.services.charts import Problems, Summaries
from noteapp.services.clients import ClientService
from noteapp.services.decoding import decode, decode_all
from noteapp.services.notes import NoteService
from noteapp.services.profile import ProfileService
from noteapp.services.settings import SettingsService
from noteapp.services.summaries import (
    ItemSummary,
    item_summary,
    item_summary_from,
    summary_of_item,
)
from noteapp.services.tracked import TrackedRecord
from noteapp.signing import payloads
from noteapp.signing.canonical import sign_payload
from noteapp.signing.payloads import envelope
from noteapp.signing.proof import NoteProof, check_note_proof, item_from_dict, item_to_dict
from noteapp.vault.store import StoredRecord, Vault

ITEM_KIND = "signed_item"
TRUSTED_KIND = "trusted_key"
# The types of the signed documents themselves (the first signature of a note or plan).
_DOCUMENTS = {t.value for t in ItemType if t.is_document}
# The kinds of record a signature record belongs to (grouped with their client).
# What a signature record can belong to; an incident report is in no client's chart (its
# signature records are grouped with no client, "").
OWNER_KINDS = ("note", "psychotherapy_note", "plan", "safety_plan", "referral", "incident")
DEFAULT_ATTESTATION = (
    "I attest that this note accurately documents the services I provided on the date of service."
)
PUBLIC_KEY_FORMAT = "noteapp-public-key/1"
# Blocking checklist rules a clinician may sign past by recording a reason (kept, audited).
OVERRIDABLE_RULES = ("risk_flag_followup",)


class SigningService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        notes: NoteService,
        clients: ClientService,
        profile: ProfileService,
        settings: SettingsService,
        clock: Clock,
        check_passphrase: Callable[[str], None],
    ) -> None:
        self._vault = vault
        self._audit = audit
        self._notes = notes
        self._clients = clients
        self._profile = profile
        self._settings = settings
        self._clock = clock
        self._check_passphrase = check_passphrase
        self.reload()

    def reload(self) -> None:
        """Forget what was read: the next call reads from the vault again."""
        self._items: dict[str, list[SignedItem]] = {}
        self._charts: set[str] = set()
        self._owners: dict[str, str] = {}  # note or plan id → its client
        self._overwritten_by_client: dict[str, builtins.list[SignedItem]] | None = None
        self._grouped: dict[str, builtins.list[ItemSummary]] | None = None  # by record
        self._problems = Problems()
        self._summaries: Summaries[ItemSummary] = Summaries(
            self._vault, (ITEM_KIND,), item_summary_from, self._summary_of
        )

    @property
    def problems(self) -> builtins.list[RecordIntegrityError]:
        """Damaged signature records this session came across."""
        return self._problems.errors

    def _load_chart(self, client_id: str) -> None:
        """Every signature record of one client's notes and plans."""
        if client_id in self._charts:
            return
        self._charts.add(client_id)
        recovered = self._recovered().get(client_id, [])
        values, failures = decode_all(self._vault.load_group(ITEM_KIND, client_id), _parse_item)
        self._problems.add(failures)
        for record, item in values:
            if record.version == 1:  # a later version: its every version is in `recovered`
                self._items.setdefault(item.note_id, []).append(item)
                self._owners[item.note_id] = client_id
        for item in recovered:
            self._items.setdefault(item.note_id, []).append(item)
        for note_id in {i.note_id for i in recovered}:
            self._items[note_id] = chain_order(self._items[note_id])

    def _recovered(self) -> dict[str, builtins.list[SignedItem]]:
        """Signed items are written once. A record with later versions was overwritten by a
        review import before imports took their ids from signed content; every version is
        a signed item of its own (the first is the signature that was overwritten), so each
        goes back to the note it names — whatever chart the record was grouped with —
        instead of being lost. Found once per session through the index, without reading
        any other record; by client."""
        if self._overwritten_by_client is None:
            found: dict[str, builtins.list[SignedItem]] = {}
            for record_id in self._vault.ids_with_versions(ITEM_KIND):
                try:
                    history = self._vault.history(ITEM_KIND, record_id)
                    items = [decode(r, _parse_item) for r in history]
                except RecordIntegrityError as exc:
                    self._problems.add([exc])
                    continue
                for item in items:
                    client = self.client_of(item.note_id)
                    if client is not None:
                        found.setdefault(client, []).append(item)
            self._overwritten_by_client = found
        return self._overwritten_by_client

    def client_of(self, record_id: str) -> str | None:
        """The client of a note, plan, safety plan, referral or incident report, from the
        group its record is listed in (no record is decrypted; a damaged one has its client
        all the same): "" for a record in no chart (an incident report), None if unknown."""
        known = self._owners.get(record_id)
        if known is None:
            known = self._notes.client_of_read(record_id)
        if known is not None:
            return known
        for kind in OWNER_KINDS:
            parent = self._vault.listed_parent(kind, record_id)
            if parent is not None:
                client = self._clients.owner_of(parent) if parent else ""
                if client is not None:
                    self._owners[record_id] = client
                return client
        return None

    def _summary_of(self, item_id: str) -> ItemSummary | None:
        stored = self._vault.get(ITEM_KIND, item_id)
        item = decode(stored, _parse_item)
        return summary_of_item(item)

    def summaries(self) -> builtins.list[ItemSummary]:
        """Every signature record's summary (what it belongs to, its type, when), in the
        order they were made; no payload is decrypted."""
        return list(self._summaries.all().values())

    def summary(self, item_id: str) -> ItemSummary | None:
        """One signature record's summary, from its group's list alone (it survives damage
        to the record itself: a damaged one still says what it belonged to)."""
        found = self._vault.summary(ITEM_KIND, item_id)
        if found is None:
            return None
        try:
            return item_summary_from(found)
        except (IndexError, KeyError, TypeError, ValueError):
            return None

    # --- reading -----------------------------------------------------------------------

    def items(self, note_id: str) -> builtins.list[SignedItem]:
        """The note's signed items in the order they were made (note first)."""
        client = self.client_of(note_id)
        if client is not None:
            self._load_chart(client)
        return list(self._items.get(note_id, []))

    def chart_items(self, client_id: str) -> builtins.list[SignedItem]:
        """Every signature record of one client's notes and plans."""
        self._load_chart(client_id)
        return [
            item
            for record_id, items in self._items.items()
            if self._owners.get(record_id) == client_id
            for item in items
        ]

    def note_item(self, note_id: str) -> SignedItem | None:
        return next((i for i in self.items(note_id) if i.type.is_document), None)

    def corrections(self, note_id: str) -> builtins.list[SignedItem]:
        return [i for i in self.items(note_id) if i.type.is_correction]

    def reviews(self, note_id: str) -> builtins.list[SignedItem]:
        return [i for i in self.items(note_id) if i.type in (ItemType.COSIGNATURE, ItemType.RETURN)]

    # --- queues across the vault (the Today page), from the summaries -------------------

    def _by_record(self) -> dict[str, builtins.list[ItemSummary]]:
        """The signature records that came after a signed document — corrections and
        reviews — by the note or plan they belong to, from the summaries. The queues need
        no more: the signed documents themselves (one per signed note) are not even made
        summaries of (the stored array's second item is the type)."""
        if self._grouped is None:
            out: dict[str, builtins.list[ItemSummary]] = {}
            for summary in self._summaries.matching(lambda data: data[1] not in _DOCUMENTS):
                if not summary.type.is_document:
                    out.setdefault(summary.note_id, []).append(summary)
            self._grouped = out
        return self._grouped

    def review_state(self) -> dict[str, tuple[ItemSummary | None, bool]]:
        """For every note or plan with a correction or review signed after it: its latest
        co-signature or return (None: never reviewed) and whether a correction was signed
        after that. A signed note that is not here was never reviewed nor corrected."""
        out: dict[str, tuple[ItemSummary | None, bool]] = {}
        for record_id, found in self._by_record().items():
            last = _last_review(found)
            out[record_id] = (last, last is not None and _corrected_after(found, last))
        return out

    def returned(self) -> builtins.list[tuple[str, SignedItem]]:
        """Signed notes whose latest review is a return with no correction since: (note id,
        the return), the supervisor's comments still to act on. Reads only those returns."""
        out = []
        for note_id, (last, corrected) in self.review_state().items():
            if last is not None and last.type == ItemType.RETURN and not corrected:
                item = self.item(last.id)
                if item is not None:
                    out.append((note_id, item))
        return out

    def awaiting_cosignature(self) -> builtins.list[str]:
        """Ids of signed notes with the supervisor: never reviewed, or returned and corrected
        since (the latest review decides; a co-signature ends the wait)."""
        state = self.review_state()
        out = []
        for note in self._notes.summaries(status=NoteStatus.SIGNED):
            last, corrected = state.get(note.id, (None, False))
            if last is None or (last.type == ItemType.RETURN and corrected):
                out.append(note.id)
        return out

    def last_signed(self, record_id: str, item_type: ItemType) -> str | None:
        """When the latest item of this type was signed for a record (e.g. its last plan
        review), from the summaries."""
        times = [s.signed_at for s in self._by_record().get(record_id, []) if s.type == item_type]
        return max(times) if times else None

    def item(self, item_id: str) -> SignedItem | None:
        """One signature record by id (None if it is not there or cannot be read)."""
        try:
            return decode(self._vault.get(ITEM_KIND, item_id), _parse_item)
        except (RecordIntegrityError, NotFoundError):
            return None

    def proof(self, note_id: str) -> NoteProof:
        items = self.items(note_id)
        if not items or not items[0].type.is_document:
            raise RefusedError("This note is not signed yet.")
        return NoteProof(tuple(items))

    # --- signing -----------------------------------------------------------------------

    def _signer(self) -> tuple[ClinicianProfile, bytearray]:
        profile = self._profile.get()
        if profile is None or not profile.name or not profile.credentials:
            raise InvalidInputError(
                "Set up your profile first (Settings → Profile): your name and credentials "
                "appear in every signature."
            )
        return profile, self._profile.private_signing_key()

    def _confirm(self, passphrase: str | None) -> None:
        if not self._settings.get().confirm_passphrase_to_sign:
            return
        if passphrase is None:
            raise InvalidInputError("Enter your passphrase to sign.")
        self._check_passphrase(passphrase)

    def _store(self, item: SignedItem, action: str) -> None:
        # Signed items are write-once: a second version of one would replace a signature.
        if self._vault.exists(ITEM_KIND, item.id):
            raise RefusedError("A signed record with this id exists already; nothing was written.")
        owner = self.client_of(item.note_id)
        if owner is None:
            raise RefusedError("This note or plan is not in this vault; nothing was signed.")
        current = self.items(item.note_id)  # its client's items are read before one is added
        self._vault.put(
            ITEM_KIND,
            item.id,
            item_to_dict(item),
            owner=owner,
            summary=item_summary(item),
            expected_version=0,
        )
        self._audit.record(
            action,
            kind="note",
            record_id=item.note_id,
            detail={"item": item.id, "type": item.type.value},
        )
        self._items[item.note_id] = [*current, item]
        self._summaries.stored(item.id, summary_of_item(item))
        self._grouped = None

    def _make_item(
        self, item_type: ItemType, note_id: str, payload: dict[str, Any], key: bytearray
    ) -> SignedItem:
        payload = envelope(item_type, note_id, payload)
        try:
            digest, signature = sign_payload(payload, key)
        finally:
            crypto.wipe(key)
        profile = self._profile.get()
        assert profile is not None
        return SignedItem(
            id=new_id(),
            type=item_type,
            note_id=note_id,
            payload=payload,
            hash=digest,
            signature=signature,
            public_key=profile.public_key,
        )

    def note_payload(
        self, note: Note, profile: ClinicianProfile, attestation: str
    ) -> dict[str, Any]:
        """Everything the note asserts, plus how it reads (the rendered document)."""
        template = self._notes.template_for(note)
        return payloads.note_payload(
            note=note,
            client=self._clients.get(note.client_id),
            template=(template.id, template.version, template.name),
            document=self._notes.render(note),
            profile=profile,
            attestation=attestation,
            now=self._clock.now(),
        )

    def sign_note(
        self,
        note_id: str,
        *,
        passphrase: str | None = None,
        attestation: str = DEFAULT_ATTESTATION,
        override_reason: str = "",
    ) -> SignedItem:
        """Check, sign and lock a draft. Raises CheckFailedError listing what blocks it.

        `override_reason` lets exactly the `risk_flag_followup` rule through (never another
        blocking rule): the reason is kept in the signed payload (`overrides`), shown in the
        note, and audited ("override"). It is ignored when that rule does not block."""
        note = self._ready_to_sign(note_id, override_reason=override_reason)
        self._confirm(passphrase)
        return self._sign(note, attestation)

    def sign_notes(
        self,
        note_ids: Sequence[str],
        *,
        passphrase: str | None = None,
        attestation: str = DEFAULT_ATTESTATION,
    ) -> builtins.list[SignedItem]:
        """Sign several ready drafts with one passphrase confirmation; all or none."""
        notes = [self._ready_to_sign(i) for i in note_ids]
        self._confirm(passphrase)
        with self._vault.transaction():
            return [self._sign(n, attestation) for n in notes]

    def _ready_to_sign(self, note_id: str, *, override_reason: str = "") -> Note:
        note = self._notes.get(note_id)
        if note.is_signed:
            raise RefusedError("This note is already signed.")
        result = self._notes.check(note)
        blocking = list(result.blocking)
        reason = " ".join(override_reason.split())
        overridden = [i for i in blocking if i.rule in OVERRIDABLE_RULES]
        if reason and overridden:
            if len(reason) > 2000:
                raise InvalidInputError("The override reason is too long (2,000 characters).")
            blocking = [i for i in blocking if i.rule not in OVERRIDABLE_RULES]
            note = replace(
                note,
                overrides=tuple(
                    {"rule": rule, "reason": reason}
                    for rule in dict.fromkeys(i.rule for i in overridden)
                ),
            )
        if blocking:
            reasons = "; ".join(i.message.rstrip(".") for i in blocking) + "."
            raise CheckFailedError(f"The note cannot be signed yet: {reasons}")
        return note

    def _sign(self, note: Note, attestation: str) -> SignedItem:
        profile, key = self._signer()
        note = self._notes.freeze_for_signing(note)
        payload = self.note_payload(note, profile, attestation.strip())
        item = self._make_item(ItemType.NOTE, note.id, payload, key)
        with self._vault.transaction():
            self._store(item, "sign")
            for o in note.overrides:
                self._audit.record(
                    "override",
                    kind="note",
                    record_id=note.id,
                    detail={"rule": o["rule"], "reason": o["reason"], "item": item.id},
                )
            self._notes.replace_signed(
                replace(
                    note, status=NoteStatus.SIGNED, signature_ids=(*note.signature_ids, item.id)
                )
            )
        return item

    def add_correction(
        self,
        note_id: str,
        *,
        kind: ItemType | str,
        text: str,
        reason: str = "",
        date_of_service: date | None = None,
        passphrase: str | None = None,
    ) -> SignedItem:
        """A signed addendum, amendment or late entry; the note itself never changes."""
        try:
            item_type = ItemType(kind)
        except ValueError as exc:
            raise InvalidInputError("The kind is addendum, amendment or late-entry.") from exc
        if item_type not in CORRECTION_TYPES:
            raise InvalidInputError("The kind is addendum, amendment or late-entry.")
        note = self._notes.get(note_id)
        if not note.is_signed:
            raise RefusedError("Corrections are added to signed notes; edit the draft instead.")
        if item_type in (ItemType.AMENDMENT, ItemType.LATE_ENTRY) and not reason.strip():
            raise InvalidInputError(f"{item_type.a_label.capitalize()} needs a reason.")
        covered = (date_of_service or note.session.date).isoformat()
        return self.append_item(
            note.id,
            item_type=item_type,
            text=text,
            reason=reason,
            passphrase=passphrase,
            date_of_service=covered if item_type == ItemType.LATE_ENTRY else "",
        )

    def append_item(
        self,
        record_id: str,
        *,
        item_type: ItemType,
        text: str,
        reason: str = "",
        date_of_service: str = "",
        passphrase: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> SignedItem:
        """Sign something that adds to a signed note or plan, chained after what exists."""
        signed = self.note_item(record_id)
        if signed is None:
            raise RefusedError("This record is not signed yet.")
        if not text.strip():
            raise InvalidInputError("A correction needs its text.")
        self._confirm(passphrase)
        profile, key = self._signer()
        chain = [signed.hash, *(c.hash for c in self.corrections(record_id))]
        payload = payloads.correction_payload(
            amends=signed.hash,
            previous=chain[-1],
            text=text,
            reason=reason,
            date_of_service=date_of_service,
            profile=profile,
            now=self._clock.now(),
            extra=extra,
        )
        item = self._make_item(item_type, record_id, payload, key)
        with self._vault.transaction():
            self._store(item, item_type.value)
        return item

    def sign_manifest(self, statement: dict[str, Any]) -> SignedItem:
        """Sign an exported file's list of contents (see noteapp.signing.manifest).

        No passphrase is asked: the manifest asserts nothing clinical, only what this file
        holds, and it counts only if this key also signed something in the file."""
        profile, key = self._signer()
        payload = payloads.manifest_payload(statement, profile=profile, now=self._clock.now())
        return self._make_item(ItemType.MANIFEST, new_id(), payload, key)

    def sign_document(
        self,
        record_id: str,
        *,
        item_type: ItemType,
        payload: dict[str, Any],
        passphrase: str | None = None,
        confirm: bool = True,
    ) -> SignedItem:
        """Sign a non-note document (a plan version): `payload` holds what it asserts and its
        rendered `document`; author, letterhead and time are added here."""
        if self.note_item(record_id) is not None:
            raise RefusedError("This is already signed.")
        if confirm:
            self._confirm(passphrase)
        profile, key = self._signer()
        full = payloads.document_payload(payload, profile=profile, now=self._clock.now())
        item = self._make_item(item_type, record_id, full, key)
        with self._vault.transaction():
            self._store(item, "sign")
        return item

    def review_payload(
        self,
        np: NoteProof,
        *,
        item_type: ItemType,
        text: str,
        profile: ClinicianProfile,
        upto: int | None = None,
    ) -> dict[str, Any]:
        chain = [np.note.hash, *(i.hash for i in np.items[1:] if i.type.is_correction)]
        return payloads.review_payload(
            chain=chain if upto is None else chain[:upto],
            item_type=item_type,
            text=text,
            profile=profile,
            now=self._clock.now(),
        )

    def make_review_item(
        self, np: NoteProof, *, item_type: ItemType, text: str, passphrase: str | None = None
    ) -> SignedItem:
        """A co-signature or a return, signed by this vault's profile (a supervisor)."""
        if item_type not in (ItemType.COSIGNATURE, ItemType.RETURN):
            raise InvalidInputError("A review is a co-signature or a return.")
        if item_type == ItemType.RETURN and not text.strip():
            raise InvalidInputError("Say what should be revised (the comments).")
        self._confirm(passphrase)
        profile, key = self._signer()
        payload = self.review_payload(np, item_type=item_type, text=text, profile=profile)
        return self._make_item(item_type, np.note.note_id, payload, key)

    def attach_reviews(
        self, items: Sequence[SignedItem], *, imported: bool = True
    ) -> builtins.list[SignedItem]:
        """Store co-signatures and returns received from a supervisor; all or none.

        Who may review is the caller's policy (trust, not one's own note); what is checked
        here is where a review may go. The record's identity comes from signed content only:
        its id is derived from the signed hash (an id carried next to the signature is a
        claim, and once named another note's signature record), it belongs to the note its
        signed `note_id` names, and it must cover that note and corrections kept here."""
        stored: list[SignedItem] = []
        seen: set[str] = set()
        for item in items:
            if item.type not in (ItemType.COSIGNATURE, ItemType.RETURN):
                raise InvalidInputError("A review is a co-signature or a return.")
            ours = self.items(item.note_id)
            if not ours or not ours[0].type.is_document:
                raise RefusedError("This review is not about a note signed in this vault.")
            if any(i.hash == item.hash for i in ours) or item.hash in seen:
                raise RefusedError("This review was already imported.")
            if not check_note_proof(NoteProof((*ours, item)))[-1].ok:
                raise RefusedError(
                    "This review does not cover the note and corrections kept in this vault."
                )
            seen.add(item.hash)
            stored.append(replace(item, id=review_record_id(item)))
        try:
            with self._vault.transaction():
                for item in stored:
                    self._store(item, f"{item.type.value}-import" if imported else item.type.value)
        except BaseException:
            self.reload()  # what is in memory follows what was committed
            raise
        return stored

    # --- trusted keys ------------------------------------------------------------------

    def export_public_key(self, dest: Path) -> Path:
        profile = self._profile.get()
        if profile is None:
            raise InvalidInputError("Set up your profile first: it creates your signing key.")
        doc = {
            "format": PUBLIC_KEY_FORMAT,
            "name": profile.name,
            "credentials": profile.credentials,
            "license_number": profile.license_number,
            "fingerprint": profile.fingerprint,
            "public_key": profile.public_key.hex(),
        }
        dest = Path(dest)
        if dest.exists():
            raise InvalidInputError("A file already exists there; choose another name.")
        dest.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return dest

    def own_profile(self) -> ClinicianProfile | None:
        """This vault's clinician (who signs here), or None before the profile is set up."""
        return self._profile.get()

    def own_key(self) -> TrustedKey | None:
        profile = self._profile.get()
        if profile is None or not profile.public_key:
            return None
        return TrustedKey(
            profile.fingerprint, profile.public_key, profile.name, profile.credentials
        )

    def trusted_keys(self) -> builtins.list[TrustedKey]:
        """The trusted keys that can be read (a damaged one is reported, never a crash)."""
        values, failures = decode_all(self._vault.load_kind(TRUSTED_KIND), _parse_trusted)
        self._problems.add(failures)
        return sorted((k for _r, k in values), key=lambda k: k.name.casefold())

    def trust_key_file(self, path: Path, *, name: str = "") -> TrustedKey:
        key = read_public_key_file(Path(path))
        return self.trust_key(replace(key, name=name.strip() or key.name))

    def trust_key(self, key: TrustedKey, *, action: str = "key-trust") -> TrustedKey:
        """Trust a public key (from a key file, or certified by the agency's administrator)."""
        trusted = replace(key, added_on=self._clock.now().date().isoformat())
        record_id = key.fingerprint.replace(" ", "").lower()
        with self._vault.transaction():
            TrackedRecord(self._vault, TRUSTED_KIND, record_id).write(
                {
                    "fingerprint": trusted.fingerprint,
                    "public_key": trusted.public_key.hex(),
                    "name": trusted.name,
                    "credentials": trusted.credentials,
                    "added_on": trusted.added_on,
                },
            )
            self._audit.record(action, kind=TRUSTED_KIND, record_id=record_id)
        return trusted

    def untrust(self, fingerprint: str) -> None:
        record_id = fingerprint.replace(" ", "").lower()
        with self._vault.transaction():
            if not TrackedRecord(self._vault, TRUSTED_KIND, record_id).delete():
                raise NotFoundError("No trusted key with that fingerprint.")
            self._audit.record("key-untrust", kind=TRUSTED_KIND, record_id=record_id)


def _parse_item(record: StoredRecord) -> SignedItem:
    return item_from_dict(record.data)


def _parse_trusted(record: StoredRecord) -> TrustedKey:
    d = record.data
    return TrustedKey(
        d["fingerprint"],
        bytes.fromhex(d["public_key"]),
        d["name"],
        d.get("credentials", ""),
        d.get("added_on", ""),
    )


def _last_review(found: Sequence[ItemSummary]) -> ItemSummary | None:
    """The latest co-signature or return, if any."""
    reviews = [s for s in found if s.type in (ItemType.COSIGNATURE, ItemType.RETURN)]
    # Two reviews signed at the same instant (the supervisor's clock is not ours): the one
    # stored later is the latest — the summaries come in the order they were stored.
    return max(enumerate(reviews), key=lambda p: (p[1].signed_at, p[0]))[1] if reviews else None


def _corrected_after(found: Sequence[ItemSummary], review: ItemSummary) -> bool:
    return any(s.type.is_correction and s.signed_at > review.signed_at for s in found)


def chain_order(items: Sequence[SignedItem]) -> builtins.list[SignedItem]:
    """A note's items in an order its proof checks in: the signed document, corrections
    following their `previous` links, then reviews (which cover a prefix of that chain)."""
    docs = [i for i in items if i.type.is_document]
    corrections = [i for i in items if i.type.is_correction]
    rest = [i for i in items if not i.type.is_document and not i.type.is_correction]
    ordered: list[SignedItem] = []
    previous = docs[0].hash if docs else ""
    while True:
        nxt = next(
            (c for c in corrections if c not in ordered and c.payload.get("previous") == previous),
            None,
        )
        if nxt is None:
            break
        ordered.append(nxt)
        previous = nxt.hash
    return [*docs, *ordered, *(c for c in corrections if c not in ordered), *rest]


def review_record_id(item: SignedItem) -> str:
    """The vault id of a received review: from its signed hash, never from the file."""
    return item.hash[:32]


def read_public_key_file(path: Path) -> TrustedKey:
    """A public-key file made by `noteapp keys export` (small JSON)."""
    try:
        raw = path.read_bytes()[:65537]
    except OSError as exc:
        raise InvalidInputError(f"Cannot read the key file {path.name}.") from exc
    try:
        doc = json_input.loads(raw.decode("utf-8"), what="public-key file")
        if not isinstance(doc, dict) or doc.get("format") != PUBLIC_KEY_FORMAT:
            raise ValueError
        public = bytes.fromhex(doc["public_key"])
        if len(public) != 32:
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InvalidInputError("That is not a noteapp public-key file.") from exc
    fingerprint = crypto.key_fingerprint(public)
    if doc.get("fingerprint") not in (None, fingerprint):
        raise InvalidInputError("The key file's fingerprint does not match its key.")
    name, credentials = str(doc.get("name", "")), str(doc.get("credentials", ""))
    # A person's name never holds control, bidi or invisible characters: a key file whose
    # name does could make a trust prompt or a list read as someone else's key.
    if any(is_unsafe(c) for c in name + credentials):
        raise InvalidInputError(
            "The key file's name holds control or invisible characters; it was not read."
        )
    return TrustedKey(fingerprint, public, name, credentials)
