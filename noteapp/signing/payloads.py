"""Every signed payload, built in one place: what a note, a plan or safety-plan version, a
correction, a review and a file's list of contents assert.

Pure functions of domain values and a time: the services gather the values and sign the
result (`noteapp.signing.canonical`). Keeping the shapes here means one module says, byte for
byte, what each kind of signature covers — docs/signing.md describes exactly these. Changing a
shape changes what old signatures mean: never do it for an existing format string.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from noteapp.domain.clients import Client
from noteapp.domain.document import Document, document_to_dict
from noteapp.domain.medications import adherence_to_dict
from noteapp.domain.notes import Note, risk_assessment_to_dict, session_to_dict
from noteapp.domain.profile import ClinicianProfile
from noteapp.domain.signatures import ItemType
from noteapp.signing.canonical import FORMATS, chain_hash

PLAN_ATTESTATION = "I developed this treatment plan with the client and attest that it is accurate."


def signed_times(now: datetime) -> tuple[str, str]:
    """(UTC ISO time, the same time as the signer reads it in their time zone)."""
    local = now.astimezone()
    zone = local.tzname() or local.strftime("UTC%z")
    return now.isoformat(timespec="seconds"), f"{local.strftime('%Y-%m-%d %H:%M')} {zone}"


def client_block(client: Client) -> dict[str, Any]:
    """Who a signed document is about (the same block in notes, plans and safety plans)."""
    return {
        "id": client.id,
        "code": client.code,
        "name": client.name,
        "dob": client.dob.isoformat() if client.dob else "",
    }


def author_block(profile: ClinicianProfile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "credentials": profile.credentials,
        "license_number": profile.license_number,
        "role": profile.role.value,
        "fingerprint": profile.fingerprint,
    }


def letterhead_block(profile: ClinicianProfile) -> dict[str, Any]:
    return {
        "agency_name": profile.agency_name,
        "agency_address": profile.agency_address,
        "agency_phone": profile.agency_phone,
    }


def envelope(item_type: ItemType, record_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What every signed item states first: its format, its type and the record it is about
    (so a signature over one kind of statement can never pass for another)."""
    return {
        "format": FORMATS[item_type.value],
        "type": item_type.value,
        "note_id": record_id,
        **payload,
    }


def _signed_by(profile: ClinicianProfile, now: datetime) -> dict[str, Any]:
    signed_at, display = signed_times(now)
    return {"author": author_block(profile), "signed_at": signed_at, "signed_at_display": display}


def note_payload(
    *,
    note: Note,
    client: Client,
    template: tuple[str, int, str],
    document: Document,
    profile: ClinicianProfile,
    attestation: str,
    now: datetime,
) -> dict[str, Any]:
    """Everything a note asserts, plus how it reads (the rendered document).

    `template` is (id, version, name) of the template the note was written with."""
    template_id, version, name = template
    signed_at, display = signed_times(now)
    return {
        "client": client_block(client),
        "template": {"id": template_id, "version": version, "name": name},
        "session": session_to_dict(note.session),
        "fields": dict(note.fields),
        "goal_progress": list(note.goal_progress),
        "measures": list(note.measures),
        # Only when present, so the payloads of other notes keep their exact shape.
        **(
            {"risk_assessment": risk_assessment_to_dict(note.risk_assessment)}
            if note.risk_assessment is not None
            else {}
        ),
        **({"overrides": [dict(o) for o in note.overrides]} if note.overrides else {}),
        **({"adherence": [adherence_to_dict(e) for e in note.adherence]} if note.adherence else {}),
        "document": document_to_dict(document),
        "author": author_block(profile),
        "letterhead": letterhead_block(profile),
        "attestation": attestation,
        "signed_at": signed_at,
        "signed_at_display": display,
    }


def record_payload(
    *,
    client: Client,
    template: tuple[str, int, str],
    on: date,
    key: str,
    record: dict[str, Any],
    document: Document,
    attestation: str,
) -> dict[str, Any]:
    """What a plan or safety-plan version asserts (`key`: "plan" or "safety_plan"); the
    author, letterhead and time are added by :func:`document_payload` when it is signed."""
    template_id, version, name = template
    return {
        "client": client_block(client),
        "template": {"id": template_id, "version": version, "name": name},
        "session": {"date": on.isoformat()},
        key: record,
        "document": document_to_dict(document),
        "attestation": attestation,
    }


def referral_payload(
    *, client: Client, on: date, record: dict[str, Any], document: Document, attestation: str
) -> dict[str, Any]:
    """What a referral letter asserts: the referral as it was sent (with its recipient) and
    the letter as it reads; author, letterhead and time come from :func:`document_payload`."""
    return record_payload(
        client=client,
        template=("referral-letter", 1, "Referral letter"),
        on=on,
        key="referral",
        record=record,
        document=document,
        attestation=attestation,
    )


def incident_payload(
    *,
    reference: str,
    type_label: str,
    occurred_at: datetime,
    clients: list[Client],
    record: dict[str, Any],
    document: Document,
    attestation: str,
) -> dict[str, Any]:
    """What an incident report asserts. It is about an event, not one client: no "client"
    block (so it can never pass for a record of one client's chart); the clients it names
    are listed under "clients", and "report" is what the export shows in their place."""
    return {
        "report": {
            "reference": reference,
            "type": type_label,
            "occurred_at": occurred_at.isoformat(timespec="minutes"),
        },
        "clients": [client_block(c) for c in clients],
        "template": {"id": "incident-report", "version": 1, "name": "Incident report"},
        "session": {"date": occurred_at.date().isoformat()},
        "incident": record,
        "document": document_to_dict(document),
        "attestation": attestation,
    }


def document_payload(
    payload: dict[str, Any], *, profile: ClinicianProfile, now: datetime
) -> dict[str, Any]:
    """A non-note document's payload with its signer, letterhead and time."""
    signed_at, display = signed_times(now)
    return {
        **payload,
        "author": author_block(profile),
        "letterhead": letterhead_block(profile),
        "signed_at": signed_at,
        "signed_at_display": display,
    }


def correction_payload(
    *,
    amends: str,
    previous: str,
    text: str,
    reason: str,
    date_of_service: str,
    profile: ClinicianProfile,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An addendum, amendment, late entry or plan review: chained by hash after the signed
    document (`amends`) and the correction before it (`previous`)."""
    return {
        "amends": amends,
        "previous": previous,
        "text": text.strip(),
        "reason": reason.strip(),
        "date_of_service": date_of_service,
        **_signed_by(profile, now),
        **(extra or {}),
    }


def review_payload(
    *,
    chain: list[str],
    item_type: ItemType,
    text: str,
    profile: ClinicianProfile,
    now: datetime,
) -> dict[str, Any]:
    """A co-signature (statement) or a return (comments) over the note and the corrections
    of its time (`chain`: their hashes in order)."""
    key = "statement" if item_type == ItemType.COSIGNATURE else "comments"
    return {
        "covers": chain_hash(chain),
        key: text.strip(),
        **_signed_by(profile, now),
    }


def manifest_payload(
    statement: dict[str, Any], *, profile: ClinicianProfile, now: datetime
) -> dict[str, Any]:
    """A file's list of contents (noteapp.signing.manifest.contents) with its signer."""
    return {**statement, **_signed_by(profile, now)}
