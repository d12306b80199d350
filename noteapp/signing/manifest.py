"""The manifest: a signed list of what an exported file holds, so the file is bound as a whole.

Each signed item proves itself, but not that it is all there is: without a manifest a
forger could drop the last amendment or a supervisor's return, add an unsigned summary
page, or splice a signed note about another client into a chart, and every remaining
signature would still check out. The manifest states the client (id and code), every
record in order with the hash of each of its signed items in order, the chart title, and
the hashes of the unsigned presentation parts (summary pages, the letterhead logo). It is
signed by whoever wrote the file — the exporter, or the supervisor who wrote a reviewed
copy — and only counts if that key signed something in the file.
"""

from __future__ import annotations

import json
from typing import Any

from noteapp import crypto
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.signing.proof import NoteProof, Proof, check_item

OLDER_EXPORT = (
    "This file was exported by an older noteapp that did not bind the file as a whole, so "
    "a removed, added or swapped note would not show; ask the sender for a fresh export."
)
MAX_LISTED = 5000


def presentation_hash(document: dict[str, Any]) -> str:
    """SHA-256 (hex) of a summary document's canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return crypto.sha256(text.encode("utf-8")).hex()


def _s(d: Any, key: str) -> str:
    value = d.get(key, "") if isinstance(d, dict) else ""
    return value if isinstance(value, str) else ""


def record_title(np: NoteProof) -> tuple[str, str]:
    """(title, date) of a record, for people: ("BIRP Progress Note", "2026-01-05")."""
    payload = np.note.payload
    title = _s(payload.get("template"), "name") or np.note.type.label
    return title, _s(payload.get("session"), "date") or _s(payload, "effective_date")


def contents(proof: Proof, *, made_by: str) -> dict[str, Any]:
    """The manifest's statement about ``proof`` (author and time are added when signing)."""
    client = proof.notes[0].note.payload.get("client")
    records = []
    for np in proof.notes:
        title, date = record_title(np)
        records.append(
            {
                "id": np.note.note_id,
                "type": np.note.type.value,
                "title": title,
                "date": date,
                "items": [{"type": i.type.value, "hash": i.hash} for i in np.items],
            }
        )
    return {
        "made_by": made_by,
        "client": {"id": _s(client, "id"), "code": _s(client, "code")},
        "chart_title": proof.chart_title,
        "records": records,
        "presentation": {
            "extra": [presentation_hash(e) for e in proof.extra],
            "logo_png": crypto.sha256(proof.logo_png).hex() if proof.logo_png else "",
        },
    }


def manifest_problems(proof: Proof) -> list[str]:
    """What is wrong with the file as a whole: [] when it holds exactly what was listed."""
    manifest = proof.manifest
    if manifest is None:
        return [OLDER_EXPORT]
    own = [f"The file's list of contents: {p}." for p in check_item(manifest)]
    if own:
        return own
    problems = _listed_problems(manifest, proof)
    signers = {i.public_key for np in proof.notes for i in np.items}
    if manifest.public_key not in signers:
        # Said after what differs: when a reviewer's only item was removed, "the return is
        # missing" is the news; a list from a stranger's key vouches for nothing either way.
        problems.append(
            "The file's list of contents is signed by a key that signed nothing in the file, "
            "so it cannot vouch for what the file holds."
        )
    return problems


def _listed_problems(manifest: SignedItem, proof: Proof) -> list[str]:
    listed = manifest.payload.get("records")
    if not isinstance(listed, list) or len(listed) > MAX_LISTED:
        return ["The file's list of contents is malformed."]
    problems = _record_problems(listed, proof)
    client = manifest.payload.get("client")
    for np in proof.notes:
        if _s(np.note.payload.get("client"), "id") != _s(client, "id"):
            title, date = record_title(np)
            problems.append(
                f"The {title} of {date or 'no date'} is about another client than the file "
                f"(client {_s(np.note.payload.get('client'), 'code') or 'unknown'}): it was "
                "mixed in from another record."
            )
    if manifest.payload.get("chart_title", "") != proof.chart_title:
        problems.append("The chart title is not the one the file was exported with.")
    presentation = manifest.payload.get("presentation")
    if not isinstance(presentation, dict):
        return [*problems, "The file's list of contents is malformed."]
    if presentation.get("extra") != [presentation_hash(e) for e in proof.extra]:
        problems.append(
            "The summary pages (such as the outcome measures) are not the ones the file was "
            "exported with: a page was added, removed or changed."
        )
    logo = crypto.sha256(proof.logo_png).hex() if proof.logo_png else ""
    if presentation.get("logo_png") != logo:
        problems.append("The letterhead logo is not the one the file was exported with.")
    return problems


def _record_problems(listed: list[Any], proof: Proof) -> list[str]:
    held = {np.note.note_id: np for np in proof.notes}
    names = {}
    problems = []
    for rec in listed:
        if not isinstance(rec, dict) or not isinstance(rec.get("items"), list):
            return ["The file's list of contents is malformed."]
        rid = _s(rec, "id")
        names[rid] = f"the {_s(rec, 'title') or 'record'} of {_s(rec, 'date') or 'no date'}"
        if rid not in held:
            problems.append(f"The file is missing {names[rid]}, which its list of contents names.")
    listed_ids = [_s(r, "id") for r in listed]
    for np in proof.notes:
        if np.note.note_id not in names:
            title, date = record_title(np)
            problems.append(
                f"The file holds the {title} of {date or 'no date'}, which its list of "
                "contents does not name: it was added after export."
            )
    present = [i for i in listed_ids if i in held]
    if present != [np.note.note_id for np in proof.notes if np.note.note_id in names]:
        problems.append("The file's records are not in the order its list of contents gives.")
    for rec in listed:
        record = held.get(_s(rec, "id"))
        if record is not None:
            problems.extend(_item_problems(rec["items"], record, names[_s(rec, "id")]))
    return problems


def _item_problems(listed: list[Any], np: NoteProof, name: str) -> list[str]:
    want = [(_s(i, "type"), _s(i, "hash")) for i in listed]
    have = [(i.type.value, i.hash) for i in np.items]
    problems = []
    for kind, digest in want:
        if (kind, digest) not in have:
            problems.append(f"The file is missing the {_label(kind)} listed for {name}.")
    for kind, digest in have:
        if (kind, digest) not in want:
            problems.append(
                f"The file holds a {_label(kind)} for {name} that its list of contents does "
                "not name."
            )
    if not problems and want != have:
        problems.append(f"The signed items of {name} are not in the order listed.")
    return problems


_PHRASES = {
    "cosignature": "supervisor's co-signature",
    "return": "supervisor's “returned for revision”",
    "note": "signed note",
}


def _label(kind: str) -> str:
    if kind in _PHRASES:
        return _PHRASES[kind]
    try:
        return ItemType(kind).label.lower()
    except ValueError:
        return "signed item"
