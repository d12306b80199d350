"""`noteapp archive export --fhir`: a FHIR R4 Bundle validated with fhir.resources (the R4
4.0.1 models), with the LOINC codes of PHQ-9 and GAD-7 and every signed note's .docx."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from noteapp.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.core.helpers import demo_workspace

# fhir.resources 6.x holds the R4 (4.0.1) models; 7 and later moved to R5/R4B.
fhir_bundle = pytest.importorskip("fhir.resources.bundle")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Workspace]:
    ws = demo_workspace(tmp_path)
    yield ws
    ws.close()


def _bundle(ws: Workspace, tmp_path: Path, **kw: Any) -> dict[str, Any]:
    from noteapp.services.fhir import export_fhir

    out = tmp_path / "bundle.json"
    export_fhir(ws, out=out, **kw)
    assert out.stat().st_mode & 0o077 == 0
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_is_valid_fhir_r4(demo: Workspace, tmp_path: Path) -> None:
    bundle = _bundle(demo, tmp_path)
    parsed = fhir_bundle.Bundle.parse_obj(bundle)  # raises on anything R4 does not allow
    assert parsed.type == "collection"
    # Every entry's resource is validated as its own type, not as a bare Resource.
    assert {type(e.resource).__name__ for e in parsed.entry} >= {
        "Patient",
        "Condition",
        "Observation",
        "QuestionnaireResponse",
        "Questionnaire",
        "DocumentReference",
        "Practitioner",
    }
    # References resolve inside the bundle.
    urls = {e["fullUrl"] for e in bundle["entry"]}
    refs = [
        r["reference"]
        for e in bundle["entry"]
        for key in ("subject", "author", "derivedFrom")
        for r in _as_list(e["resource"].get(key))
    ]
    assert refs and set(refs) <= urls


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([value] if value else [])


def test_the_validator_rejects_what_r4_does_not_allow(demo: Workspace, tmp_path: Path) -> None:
    bundle = _bundle(demo, tmp_path)
    patient = _of(bundle, "Patient")[0]
    patient["pronouns"] = "they/them"  # not an R4 element
    with pytest.raises(Exception, match="pronouns"):
        fhir_bundle.Bundle.parse_obj(bundle)


def test_patients_conditions_and_measures(demo: Workspace, tmp_path: Path) -> None:
    bundle = _bundle(demo, tmp_path)
    clients = demo.clients.list()
    patients = _of(bundle, "Patient")
    assert len(patients) == len(clients)
    by_code = {p["identifier"][0]["value"]: p for p in patients}
    for c in clients:
        p = by_code[c.code]
        assert p["name"][0]["text"] == c.name
        assert p.get("birthDate") == (c.dob.isoformat() if c.dob else None)
    conditions = _of(bundle, "Condition")
    assert sorted(x["code"]["coding"][0]["code"] for x in conditions) == sorted(
        d.code for c in clients for d in c.diagnoses
    )
    assert {x["code"]["coding"][0]["system"] for x in conditions} == {
        "http://hl7.org/fhir/sid/icd-10-cm"
    }

    observations = _of(bundle, "Observation")
    measures = [m for c in clients for m in demo.measures.list(c.id)]
    assert len(observations) == len(measures)
    loinc = {
        "phq9": "44261-6",
        "gad7": "70274-6",
    }
    responses = {r["id"]: r for r in _of(bundle, "QuestionnaireResponse")}
    for m in measures:
        obs = next(
            o
            for o in observations
            if o["effectiveDateTime"] == m.on.isoformat()
            and o["valueInteger"] == m.total
            and o["code"]["text"].startswith(m.name)
        )
        if m.instrument in loinc:
            assert obs["code"]["coding"][0] == {
                "system": "http://loinc.org",
                "code": loinc[m.instrument],
                "display": obs["code"]["coding"][0]["display"],
            }
        if m.answers is not None:
            response_id = obs["derivedFrom"][0]["reference"].removeprefix("urn:uuid:")
            answers = [
                i["answer"][0]["valueInteger"]
                for i in responses[response_id]["item"]
                if i["linkId"] != "difficulty"
            ]
            assert answers == list(m.answers)
    assert any(m.instrument == "phq9" for m in measures)
    assert any(m.instrument == "gad7" for m in measures)
    panels = {q["code"][0]["code"] for q in _of(bundle, "Questionnaire") if "code" in q}
    assert panels == {"44249-1", "69737-5"}


def test_a_document_reference_per_signed_note_with_a_verifiable_docx(
    demo: Workspace, tmp_path: Path
) -> None:
    from noteapp.domain.notes import NoteStatus
    from noteapp.services.verification import verify_docx

    bundle = _bundle(demo, tmp_path)
    docs = _of(bundle, "DocumentReference")
    signed = demo.notes.list(status=NoteStatus.SIGNED, include_psychotherapy=False)
    note_docs = [d for d in docs if d["type"].get("coding", [{}])[0].get("code") == "11506-3"]
    assert sorted(d["identifier"][0]["value"] for d in note_docs) == sorted(n.id for n in signed)
    sample = note_docs[0]["content"][0]["attachment"]
    path = tmp_path / "from-fhir.docx"
    path.write_bytes(base64.b64decode(sample["data"]))
    assert verify_docx(path).ok
    actions = [e.action for e in demo.audit.entries()]
    assert actions[-1] == "fhir-export"


def test_psychotherapy_notes_stay_out_unless_included(demo: Workspace, tmp_path: Path) -> None:
    process = next(n for n in demo.notes.list() if n.psychotherapy)
    demo.signing.sign_note(process.id, passphrase=PASSPHRASE)
    ids = [d["identifier"][0]["value"] for d in _of(_bundle(demo, tmp_path), "DocumentReference")]
    assert process.id not in ids
    (tmp_path / "bundle.json").unlink()
    ids = [
        d["identifier"][0]["value"]
        for d in _of(_bundle(demo, tmp_path, include_psychotherapy=True), "DocumentReference")
    ]
    assert process.id in ids
