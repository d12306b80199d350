"""What a pulled record version must be before it is written here (beyond the envelope's
own checks): a kind that belongs to a chart, of this chart, readable as its kind, written
by a member whose role in the chart allows it, and — for signed items — signed by that very
member's certified key. Co-signatures and returns get the checks of `review import`:
identity from signed content, the reviewer a certified supervisor of the chart, never the
note's own author, covering the note and corrections as kept here.

A version that fails is refused (kept out of this vault and reported); the chart goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from noteapp import crypto
from noteapp.agency.envelope import VersionBody
from noteapp.agency.keys import Certificate, ChartRole
from noteapp.agency.kinds import CHART_KINDS, SIGNABLE_KINDS, WritePolicy
from noteapp.agency.merge import Synced
from noteapp.domain.clients import client_from_dict
from noteapp.domain.contacts import contact_from_dict, release_from_dict
from noteapp.domain.measures import measure_from_dict
from noteapp.domain.medications import medication_from_dict
from noteapp.domain.notes import note_from_dict
from noteapp.domain.plans import plan_from_dict
from noteapp.domain.referrals import referral_from_dict
from noteapp.domain.safety_plan import safety_plan_from_dict
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.services.signing import review_record_id
from noteapp.services.trust import same_clinician
from noteapp.signing.proof import (
    NoteProof,
    ProofError,
    check_item,
    check_note_proof,
    item_from_dict,
)

_DECODERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "client": client_from_dict,
    "note": note_from_dict,
    "psychotherapy_note": note_from_dict,
    "measure": measure_from_dict,
    "plan": plan_from_dict,
    "safety_plan": safety_plan_from_dict,
    "contact": contact_from_dict,
    "release": release_from_dict,
    "referral": referral_from_dict,
    "medication": medication_from_dict,
}
REVIEWS = (ItemType.COSIGNATURE, ItemType.RETURN)


@dataclass(frozen=True)
class Context:
    """What a check needs to know about the chart and this vault."""

    client_id: str
    records: dict[tuple[str, str], Synced]
    certs: dict[str, Certificate]
    items_of: Callable[[str], Sequence[SignedItem]]  # a note's signed items as kept here


def refusal(body: VersionBody, *, author: str, role: ChartRole, ctx: Context) -> str:
    """Why this version may not be written here ("" when it may)."""
    spec = CHART_KINDS.get(body.kind)
    if spec is None:
        return "it is not a kind of record that belongs to a chart"
    known = ctx.records.get((body.kind, body.record_id))
    if role == ChartRole.SUPERVISOR and not spec.supervisors:
        return "a supervisor of the chart may only co-sign or return notes"
    if spec.policy == WritePolicy.AUTHOR and known and known.creator and known.creator != author:
        return "it changes a record that belongs to another member"
    if body.data is None:
        if not spec.deletable or known is None or known.creator != author:
            return "it deletes a record its author may not delete"
        return ""
    if spec.policy == WritePolicy.ONCE and known is not None and known.vid != body.vid:
        return "it changes a record that is written once"
    if body.kind == "signed_item":
        return _signed_item(body, author=author, role=role, ctx=ctx)
    if body.kind == "template_snapshot":
        source = body.data.get("source")
        digest = body.record_id.rsplit(".", 1)[-1]
        if not isinstance(source, str) or crypto.sha256(source.encode()).hex()[:16] != digest:
            return "its template does not match its id"
        return ""
    try:
        _DECODERS[body.kind](body.data)
    except (KeyError, ValueError, TypeError, AttributeError):
        return "it is not a readable record of its kind"
    own_id = body.data.get("id")
    client = body.record_id if body.kind == "client" else body.data.get("client_id")
    if own_id != body.record_id or client != ctx.client_id:
        return "it names another record or another client than its place in the chart"
    return ""


def _signed_item(body: VersionBody, *, author: str, role: ChartRole, ctx: Context) -> str:
    assert body.data is not None
    try:
        item = item_from_dict(body.data)
    except ProofError:
        return "it is not a readable signed record"
    if check_item(item):
        return "its signature does not verify"
    cert = ctx.certs.get(author)
    if cert is None or item.public_key != cert.keys.ed25519:
        return "it is signed with a key that is not its author's certified key"
    owner = next(
        (
            ctx.records[(k, item.note_id)]
            for k in SIGNABLE_KINDS
            if (k, item.note_id) in ctx.records
        ),
        None,
    )
    if owner is None:
        return "it is about a record that is not in this chart"
    if item.type not in REVIEWS:
        if item.id != body.record_id:
            return "its id is not the one it was signed under"
        if role != ChartRole.CLINICIAN or owner.creator != author:
            return "it signs a record its author did not write"
        return ""
    if role != ChartRole.SUPERVISOR:
        return "only a supervisor of the chart co-signs or returns its notes"
    if body.record_id != review_record_id(item):
        return "its id is not the one its signed content gives"
    ours = list(ctx.items_of(item.note_id))
    if not ours or not ours[0].type.is_document:
        return "it reviews a note that is not signed here yet"
    if item.public_key == ours[0].public_key or same_clinician(item.author, ours[0].author):
        return "it is a review by the note's own author"
    if not check_note_proof(NoteProof((*ours, item)))[-1].ok:
        return "it does not cover the note and corrections kept here"
    return ""
