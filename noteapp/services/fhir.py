"""A FHIR R4 (4.0.1) Bundle of the caseload, for systems that speak FHIR.

A `collection` Bundle: a Patient per client, a Condition per ICD-10-CM diagnosis, a
Practitioner for the clinician, an Observation per measure total (PHQ-9 and GAD-7 with their
LOINC codes), a Questionnaire per instrument used and a QuestionnaireResponse with the item
answers, and a DocumentReference per signed note (and signed treatment or safety plan)
carrying its verifiable .docx. Psychotherapy notes only when asked. The file is plain JSON
(FHIR has no encryption of its own): it is written owner-only and audited, and the docs say
to treat it like a chart export. See docs/archive.md.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from noteapp.domain.clients import Client, ClientStatus
from noteapp.domain.measures import Measure
from noteapp.domain.notes import NoteStatus
from noteapp.domain.signatures import ItemType
from noteapp.export.files import write_atomic
from noteapp.export.writer import render_docx_bytes
from noteapp.measures import Instrument, load_instruments
from noteapp.services.workspace import Workspace

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# LOINC codes (checked against loinc.org and the US Core / PRO implementation guides):
# instrument id → (panel code, panel display, total-score code, total-score display).
LOINC_CODES = {
    "phq9": (
        "44249-1",
        "PHQ-9 quick depression assessment panel [Reported.PHQ]",
        "44261-6",
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    ),
    "gad7": (
        "69737-5",
        "Generalized anxiety disorder 7 item (GAD-7)",
        "70274-6",
        "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    ),
}
PROGRESS_NOTE = ("11506-3", "Progress note")
_NAMESPACE = uuid.UUID("8f0b7c1e-5d0a-4c7e-9a43-6d1f0a2b9c11")  # noteapp's FHIR ids


def _uuid(*parts: str) -> str:
    """A stable id for a resource made from noteapp record ids (same export, same ids)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _ref(resource_id: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource_id}"}


def _concept(system: str, code: str, display: str, text: str = "") -> dict[str, Any]:
    return {
        "coding": [{"system": system, "code": code, "display": display}],
        "text": text or display,
    }


def _patient(c: Client) -> dict[str, Any]:
    parts = c.name.split()
    names: list[dict[str, Any]] = [
        {"use": "official", "text": c.name, "family": parts[-1], "given": parts[:-1] or parts}
    ]
    if c.preferred_name:
        names.append({"use": "usual", "given": [c.preferred_name]})
    telecom = [
        {"system": system, "value": value, "use": "home"}
        for system, value in (("phone", c.contact.phone), ("email", c.contact.email))
        if value
    ]
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": _uuid("client", c.id),
        "identifier": [
            {"system": "urn:noteapp:client-code", "value": c.code},
            {"system": "urn:noteapp:client-id", "value": c.id},
        ],
        "active": c.status == ClientStatus.ACTIVE,
        "name": names,
    }
    if telecom:
        patient["telecom"] = telecom
    if c.dob:
        patient["birthDate"] = c.dob.isoformat()
    if c.contact.address:
        patient["address"] = [{"text": c.contact.address}]
    ec = c.emergency_contact
    if ec.name or ec.phone:
        contact: dict[str, Any] = {"name": {"text": ec.name or ec.phone}}
        if ec.relationship:
            contact["relationship"] = [{"text": ec.relationship}]
        if ec.phone:
            contact["telecom"] = [{"system": "phone", "value": ec.phone}]
        patient["contact"] = [contact]
    return patient


def _conditions(c: Client, patient_id: str) -> list[dict[str, Any]]:
    clinical = "active" if c.status == ClientStatus.ACTIVE else "inactive"
    return [
        {
            "resourceType": "Condition",
            "id": _uuid("diagnosis", c.id, d.code),
            "clinicalStatus": _concept(
                "http://terminology.hl7.org/CodeSystem/condition-clinical", clinical, clinical
            ),
            "verificationStatus": _concept(
                "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "confirmed",
                "Confirmed",
            ),
            "category": [
                _concept(
                    "http://terminology.hl7.org/CodeSystem/condition-category",
                    "problem-list-item",
                    "Problem List Item",
                )
            ],
            "code": _concept(ICD10CM, d.code, d.description or d.code),
            "subject": _ref(patient_id),
        }
        for d in c.diagnoses
    ]


def _questionnaire(instrument: Instrument) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": _uuid("instrument", instrument.id, str(instrument.version)),
        "url": f"urn:noteapp:instrument:{instrument.id}:{instrument.version}",
        "name": instrument.id.upper(),
        "title": instrument.title,
        "status": "active",
        "item": [
            {"linkId": str(n), "text": text, "type": "integer", "required": True}
            for n, text in enumerate(instrument.items, start=1)
        ],
    }
    if instrument.id in LOINC_CODES:
        panel, display, _total, _total_display = LOINC_CODES[instrument.id]
        resource["code"] = [{"system": LOINC, "code": panel, "display": display}]
    if instrument.extra_question:
        resource["item"].append(
            {"linkId": "difficulty", "text": instrument.extra_question, "type": "string"}
        )
    return resource


def _measure(m: Measure, instrument: Instrument | None, patient_id: str) -> list[dict[str, Any]]:
    """The total as an Observation, and the item answers as a QuestionnaireResponse."""
    out: list[dict[str, Any]] = []
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _uuid("measure", m.id),
        "status": "final",
        "category": [
            _concept(
                "http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey"
            )
        ],
        "code": {"text": f"{m.name} total score"},
        "subject": _ref(patient_id),
        "effectiveDateTime": m.on.isoformat(),
        "valueInteger": m.total,
    }
    if m.severity:  # FHIR strings are never empty
        observation["interpretation"] = [{"text": m.severity}]
    if m.instrument in LOINC_CODES:
        _p, _pd, code, display = LOINC_CODES[m.instrument]
        observation["code"] = _concept(LOINC, code, display, f"{m.name} total score")
    if m.answers is not None and instrument is not None:
        response_id = _uuid("measure-answers", m.id)
        items = [
            {"linkId": str(n), "text": text, "answer": [{"valueInteger": value}]}
            for n, (text, value) in enumerate(zip(instrument.items, m.answers, strict=False), 1)
        ]
        if m.difficulty:
            items.append(
                {
                    "linkId": "difficulty",
                    "text": instrument.extra_question,
                    "answer": [{"valueString": m.difficulty}],
                }
            )
        response: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "id": response_id,
            "questionnaire": f"urn:noteapp:instrument:{instrument.id}:{instrument.version}",
            "status": "completed",
            "subject": _ref(patient_id),
            "authored": (m.created_at.isoformat() if m.created_at else m.on.isoformat()),
            "item": items,
        }
        observation["derivedFrom"] = [_ref(response_id)]
        out.append(response)
    out.insert(0, observation)
    return out


def _documents(ws: Workspace, include_psychotherapy: bool) -> Iterable[dict[str, Any]]:
    """A DocumentReference per signed note and signed plan version, with its .docx."""
    client_ids = {c.id for c in ws.clients.list()}
    signed_notes = [
        n
        for n in ws.notes.list(
            status=NoteStatus.SIGNED, include_psychotherapy=include_psychotherapy
        )
        if n.client_id in client_ids
    ]
    record_ids: list[tuple[str, str]] = [(n.id, n.client_id) for n in reversed(signed_notes)]
    for cid in sorted(client_ids):
        ids = [p.id for p in ws.plans.versions(cid)] + [p.id for p in ws.safety_plans.versions(cid)]
        record_ids += [(i, cid) for i in ids if ws.signing.note_item(i)]
    for record_id, client_id in record_ids:
        item = ws.signing.note_item(record_id)
        if item is None:
            continue
        docx = render_docx_bytes(ws.exports.plan_job(record_id))
        session = item.payload.get("session")
        day = session.get("date") if isinstance(session, dict) else ""
        if item.type == ItemType.NOTE:
            kind = _concept(LOINC, *PROGRESS_NOTE)
            template = item.payload.get("template")
            if isinstance(template, dict) and template.get("name"):
                kind["text"] = str(template["name"])
        else:
            kind = {"text": item.type.label}
        reference: dict[str, Any] = {
            "resourceType": "DocumentReference",
            "id": _uuid("document", record_id),
            "identifier": [{"system": "urn:noteapp:record-id", "value": record_id}],
            "status": "current",
            "docStatus": "final",
            "type": kind,
            "subject": _ref(_uuid("client", client_id)),
            "author": [_ref(_uuid("practitioner", item.fingerprint))],
            "description": f"{item.type.label}, signed; verify with 'noteapp verify'",
            "content": [
                {
                    "attachment": {
                        "contentType": DOCX,
                        "data": base64.b64encode(docx).decode("ascii"),
                        "title": f"{record_id}.docx",
                    }
                }
            ],
        }
        if item.signed_at:
            reference["date"] = str(item.signed_at)
        if day:
            reference["context"] = {"period": {"start": str(day)}}
        yield reference


def build_bundle(ws: Workspace, *, include_psychotherapy: bool = False) -> dict[str, Any]:
    """The Bundle as a JSON-ready dict (validated in the tests with fhir.resources, R4)."""
    instruments = load_instruments()
    resources: list[dict[str, Any]] = []
    profile = ws.profile.get()
    if profile is not None:
        practitioner: dict[str, Any] = {
            "resourceType": "Practitioner",
            "id": _uuid("practitioner", profile.fingerprint),
            "name": [{"text": profile.name}],
        }
        if profile.credentials or profile.license_number:
            practitioner["qualification"] = [
                {
                    "code": {
                        "text": " ".join(
                            x for x in (profile.credentials, profile.license_number) if x
                        )
                    }
                }
            ]
        resources.append(practitioner)
    used: set[str] = set()
    for client in ws.clients.list():
        patient = _patient(ws.contacts.with_emergency(client))
        resources.append(patient)
        resources.extend(_conditions(client, patient["id"]))
        for m in ws.measures.list(client.id):
            used.add(m.instrument)
            resources.extend(_measure(m, instruments.get(m.instrument), patient["id"]))
    resources.extend(_questionnaire(instruments[i]) for i in sorted(used) if i in instruments)
    resources.extend(_documents(ws, include_psychotherapy))
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": ws.clock.now().isoformat(timespec="seconds")},
        "type": "collection",
        "timestamp": ws.clock.now().isoformat(timespec="seconds"),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def export_fhir(ws: Workspace, *, out: Path, include_psychotherapy: bool = False) -> dict[str, int]:
    """Write the Bundle to a new owner-only file; returns how many of each resource."""
    bundle = build_bundle(ws, include_psychotherapy=include_psychotherapy)
    counts: dict[str, int] = {}
    for entry in bundle["entry"]:
        kind = entry["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    data = json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")
    write_atomic(Path(out), lambda sink: sink.write(data))
    ws.audit.record(
        "fhir-export", detail={"resources": counts, "psychotherapy": include_psychotherapy}
    )
    return counts
