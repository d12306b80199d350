"""The proof that travels inside an exported .docx: every signed item of each note.

Parsing is strict and bounded (a hostile file is expected), and `check_note_proof` verifies
every signature, every hash and the links between items: corrections amend the note's hash
and follow one another; co-signatures and returns cover the note plus the corrections that
existed when they were made.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from noteapp import crypto
from noteapp.domain import json_input
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.signing.canonical import chain_hash, payload_hash, verify_payload

# Version 2 adds the signed manifest (the file's list of contents). Version 1 is still
# read, so that verification can say plainly why such a file is not accepted any more.
PROOF_FORMAT = "noteapp-proof/2"
PROOF_FORMAT_V1 = "noteapp-proof/1"
MAX_PROOF_BYTES = 20 * 1024 * 1024
MAX_ITEMS_PER_NOTE = 200
MAX_NOTES = 5000


class ProofError(ValueError):
    """The proof is malformed (not the same as a failed signature)."""


@dataclass(frozen=True)
class NoteProof:
    items: tuple[SignedItem, ...]  # the note first, then corrections, co-signatures, returns

    @property
    def note(self) -> SignedItem:
        return self.items[0]

    def of_type(self, *types: ItemType) -> list[SignedItem]:
        return [i for i in self.items if i.type in types]


@dataclass(frozen=True)
class Proof:
    notes: tuple[NoteProof, ...]
    chart_title: str = ""
    logo_png: bytes | None = None  # presentation only: not signed, not verified
    # Summaries after the signed notes (e.g. the chart's measures table): shown and compared
    # like the rest of the visible text; their hashes are bound by the manifest.
    extra: tuple[dict[str, Any], ...] = ()
    # The file's list of contents, signed by whoever wrote the file (see signing.manifest).
    # None only in a version-1 proof, which verification refuses.
    manifest: SignedItem | None = None


def item_to_dict(item: SignedItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": item.type.value,
        "note_id": item.note_id,
        "payload": item.payload,
        "hash": item.hash,
        "signature": base64.b64encode(item.signature).decode(),
        "public_key": item.public_key.hex(),
    }


def item_from_dict(d: Any) -> SignedItem:
    if not isinstance(d, dict):
        raise ProofError("A signed item is not an object.")
    try:
        item = SignedItem(
            id=str(d["id"]),
            type=ItemType(d["type"]),
            note_id=str(d["note_id"]),
            payload=d["payload"],
            hash=str(d["hash"]),
            signature=base64.b64decode(d["signature"], validate=True),
            public_key=bytes.fromhex(d["public_key"]),
        )
    except (KeyError, ValueError, TypeError, binascii.Error) as exc:
        raise ProofError("A signed item is malformed.") from exc
    if not isinstance(item.payload, dict) or len(item.public_key) != 32:
        raise ProofError("A signed item is malformed.")
    return item


def proof_to_bytes(proof: Proof) -> bytes:
    doc: dict[str, Any] = {
        "format": PROOF_FORMAT,
        "chart_title": proof.chart_title,
        "notes": [[item_to_dict(i) for i in n.items] for n in proof.notes],
    }
    if proof.logo_png:
        doc["logo_png"] = base64.b64encode(proof.logo_png).decode()
    if proof.extra:
        doc["extra"] = list(proof.extra)
    if proof.manifest is not None:
        doc["manifest"] = item_to_dict(proof.manifest)
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")


def proof_from_bytes(data: bytes) -> Proof:
    if len(data) > MAX_PROOF_BYTES:
        raise ProofError("The signature proof is implausibly large.")
    try:
        doc = json_input.loads(data.decode("utf-8"), what="signature proof")
    except json_input.JsonLimitError as exc:
        raise ProofError(str(exc)) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProofError("The signature proof is not readable.") from exc
    if not isinstance(doc, dict) or doc.get("format") not in (PROOF_FORMAT, PROOF_FORMAT_V1):
        raise ProofError(
            "The signature proof is of an unknown format (perhaps from a newer noteapp)."
        )
    notes_raw = doc.get("notes")
    if not isinstance(notes_raw, list) or not (1 <= len(notes_raw) <= MAX_NOTES):
        raise ProofError("The signature proof holds no notes.")
    notes = []
    for raw in notes_raw:
        if not isinstance(raw, list) or not (1 <= len(raw) <= MAX_ITEMS_PER_NOTE):
            raise ProofError("The signature proof is malformed.")
        notes.append(NoteProof(tuple(item_from_dict(i) for i in raw)))
    logo = doc.get("logo_png")
    try:
        logo_png = base64.b64decode(logo, validate=True) if isinstance(logo, str) else None
    except (ValueError, binascii.Error):
        logo_png = None
    title = doc.get("chart_title", "")
    extra = doc.get("extra", [])
    if not isinstance(extra, list) or not all(isinstance(e, dict) for e in extra):
        raise ProofError("The signature proof is malformed.")
    manifest = None
    if doc["format"] == PROOF_FORMAT:
        manifest = item_from_dict(doc.get("manifest"))
        if manifest.type != ItemType.MANIFEST:
            raise ProofError("The signature proof's list of contents is malformed.")
    return Proof(
        tuple(notes),
        chart_title=title if isinstance(title, str) else "",
        logo_png=logo_png,
        extra=tuple(extra),
        manifest=manifest,
    )


@dataclass(frozen=True)
class ItemCheck:
    item: SignedItem
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_item(item: SignedItem) -> list[str]:
    """The item's own integrity: hash, signature, key matches the named signer."""
    problems = []
    try:
        actual = payload_hash(item.payload)
    except ValueError:
        return ["its content cannot be serialised canonically"]
    if actual != item.hash:
        problems.append("its content does not match its hash (the signed content was edited)")
    if not verify_payload(item.payload, item.signature, item.public_key):
        problems.append("the signature is not valid for this content and key")
    if item.fingerprint != crypto.key_fingerprint(item.public_key):
        problems.append("the key does not match the signer's fingerprint")
    if item.payload.get("type") != item.type.value or item.payload.get("note_id") != item.note_id:
        problems.append("the item's type or note does not match what was signed")
    return problems


def check_note_proof(proof: NoteProof) -> list[ItemCheck]:
    """Every item checked on its own and in its place in the chain."""
    checks: list[ItemCheck] = []
    note = proof.note
    chain = [note.hash]
    for index, item in enumerate(proof.items):
        problems = check_item(item)
        if index == 0:
            if not item.type.is_document:
                problems.append("the proof does not start with a signed note or plan")
        elif item.note_id != note.note_id:
            problems.append("it belongs to a different note")
        elif item.type.is_document:
            problems.append("a second note is in the same proof")
        elif item.type == ItemType.MANIFEST:
            problems.append("a list of contents is not part of a note")
        elif item.type.is_correction:
            if item.payload.get("amends") != note.hash:
                problems.append("it does not amend this note's signed content")
            if item.payload.get("previous") != chain[-1]:
                problems.append("it does not follow the previous correction")
            chain.append(item.hash)
        else:  # co-signature or return: covers the note and the corrections of its time
            covered = item.payload.get("covers")
            if covered not in {chain_hash(chain[: k + 1]) for k in range(len(chain))}:
                problems.append("it does not cover this note and its corrections")
            if item.public_key == note.public_key:
                # No one reviews their own note: a "supervisor co-signature" made with the
                # author's own key verified as a supervised note, every signer trusted.
                problems.append("it is signed by the note's own author, who cannot review it")
        checks.append(ItemCheck(item, tuple(problems)))
    return checks
