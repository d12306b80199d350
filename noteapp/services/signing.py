"""Signing notes, corrections (addendum / amendment / late entry), and the proofs and export
models built from what was signed. Trusted public keys for supervision live here too.

Signing runs the documentation checklist first (blocking items stop it), asks for the
passphrase again when the setting says so, and locks the note for good.
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
from noteapp.services.clients import ClientService
from noteapp.services.notes import NoteService
from noteapp.services.profile import ProfileService
from noteapp.services.settings import SettingsService
from noteapp.services.tracked import TrackedRecord
from noteapp.signing import payloads
from noteapp.signing.canonical import sign_payload
from noteapp.signing.payloads import envelope
from noteapp.signing.proof import NoteProof, check_note_proof, item_from_dict, item_to_dict
from noteapp.vault.store import StoredRecord, Vault

ITEM_KIND = "signed_item"
TRUSTED_KIND = "trusted_key"
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
        self._items: dict[str, list[SignedItem]] = {}
        self.problems: list[RecordIntegrityError] = []
        self.reload()

    def reload(self) -> None:
        self._items = {}
        result = self._vault.load_kind(ITEM_KIND)
        self.problems = list(result.failures)
        recovered: set[str] = set()
        for r in result.records:
            versions = [r] if r.version == 1 else self._overwritten(r.id)
            for v in versions:
                item = item_from_dict(v.data)
                self._items.setdefault(item.note_id, []).append(item)
                if r.version > 1:
                    recovered.add(item.note_id)
        for note_id in recovered:
            self._items[note_id] = chain_order(self._items[note_id])

    def _overwritten(self, record_id: str) -> builtins.list[StoredRecord]:
        """Signed items are written once. A record with later versions was overwritten by a
        review import before imports took their ids from signed content; every version is
        a signed item of its own (the first is the signature that was overwritten), so each
        goes back to the note it names instead of being lost."""
        try:
            return self._vault.history(ITEM_KIND, record_id)
        except RecordIntegrityError as exc:
            self.problems.append(exc)
            return []

    # --- reading -----------------------------------------------------------------------

    def items(self, note_id: str) -> builtins.list[SignedItem]:
        """The note's signed items in the order they were made (note first)."""
        return list(self._items.get(note_id, []))

    def note_item(self, note_id: str) -> SignedItem | None:
        return next((i for i in self._items.get(note_id, []) if i.type.is_document), None)

    def corrections(self, note_id: str) -> builtins.list[SignedItem]:
        return [i for i in self._items.get(note_id, []) if i.type.is_correction]

    def reviews(self, note_id: str) -> builtins.list[SignedItem]:
        return [
            i
            for i in self._items.get(note_id, [])
            if i.type in (ItemType.COSIGNATURE, ItemType.RETURN)
        ]

    # --- supervision queues (the Today page) --------------------------------------------

    def returned(self) -> builtins.list[tuple[str, SignedItem]]:
        """Signed notes whose latest review is a return with no correction since: (note id,
        the return), the supervisor's comments still to act on."""
        out = []
        for note_id, items in list(self._items.items()):
            if not items or items[0].type != ItemType.NOTE:
                continue
            last = _last_review(items)
            if (
                last is not None
                and last.type == ItemType.RETURN
                and not _corrected_after(items, last)
            ):
                out.append((note_id, last))
        return out

    def awaiting_cosignature(self) -> builtins.list[str]:
        """Ids of signed notes with the supervisor: never reviewed, or returned and corrected
        since (the latest review decides; a co-signature ends the wait)."""
        out = []
        for note_id, items in list(self._items.items()):
            if not items or items[0].type != ItemType.NOTE:
                continue
            last = _last_review(items)
            if last is None or (last.type == ItemType.RETURN and _corrected_after(items, last)):
                out.append(note_id)
        return out

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
        self._vault.put(ITEM_KIND, item.id, item_to_dict(item), expected_version=0)
        self._audit.record(
            action,
            kind="note",
            record_id=item.note_id,
            detail={"item": item.id, "type": item.type.value},
        )
        self._items.setdefault(item.note_id, []).append(item)

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
        out = []
        for r in self._vault.load_kind(TRUSTED_KIND).records:
            d = r.data
            out.append(
                TrustedKey(
                    d["fingerprint"],
                    bytes.fromhex(d["public_key"]),
                    d["name"],
                    d.get("credentials", ""),
                    d.get("added_on", ""),
                )
            )
        return sorted(out, key=lambda k: k.name.casefold())

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


def _last_review(items: Sequence[SignedItem]) -> SignedItem | None:
    """The latest co-signature or return, if any."""
    reviews = [i for i in items if i.type in (ItemType.COSIGNATURE, ItemType.RETURN)]
    return reviews[-1] if reviews else None


def _corrected_after(items: Sequence[SignedItem], review: SignedItem) -> bool:
    return any(i.type.is_correction and i.signed_at > review.signed_at for i in items)


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
