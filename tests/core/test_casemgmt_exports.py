"""The tamper matrix for referral letters and incident reports (issue 13): an untouched
export verifies without a vault; editing the visible text, a table cell, the page header,
the embedded content or a signature, swapping in another report's proof, or dropping a
notification recorded after signing all fail. And the chart export: the medication list is
in it, incident reports are not."""

from __future__ import annotations

import base64
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from noteapp.services.verification import Status, verify_docx
from noteapp.services.workspace import Workspace
from tests.core.casemgmt_helpers import a_client, a_note, ready
from tests.core.test_verify_exports import edit_proof, proof_part_name, rewrite_part

FIELDS = {
    "occurred_at": "2026-01-04 14:30",
    "place": "Waiting room",
    "what_happened": "The client slipped on a wet floor near the entrance.",
    "immediate_actions": "First aid offered; wet-floor sign placed.",
    "injuries": "Bruised elbow.",
    "people": [{"role": "staff", "name": "A. Moreno", "detail": "witness"}],
}


def _referral(ws: Workspace, out: Path) -> tuple[Path, str]:
    client = a_client(ws)
    pcp = ws.contacts.add(
        client_id=client.id,
        name="Dr. Casey Lin",
        role="primary care physician",
        organization="Riverside Family Medicine",
    )
    r = ws.referrals.add(
        client_id=client.id,
        contact_id=pcp.id,
        reason="Medication evaluation for persistent insomnia.",
        sent_on=date(2026, 1, 2),
        follow_up=date(2026, 1, 16),
    )
    ws.referrals.sign_letter(r.id)
    ws.exports.export_signed_record(r.id, out, what="referral")
    return out, "Medication evaluation"


def _incident(ws: Workspace, out: Path) -> tuple[Path, str]:
    client = a_client(ws)
    report = ws.incidents.new(type_ref="fall", fields=FIELDS, client_ids=[client.id])
    ws.incidents.sign(report.id)
    ws.incidents.add_notification(report.id, to="Practice manager", how="in person")
    ws.exports.export_signed_record(report.id, out, what="incident")
    return out, "slipped on a wet floor"


MAKERS = {"referral": _referral, "incident": _incident}


@pytest.fixture(params=sorted(MAKERS))
def exported(
    request: pytest.FixtureRequest, workspace: Workspace, tmp_path: Path
) -> tuple[Path, str]:
    ws = ready(workspace)
    return MAKERS[request.param](ws, tmp_path / f"{request.param}.docx")


def test_untouched_exports_verify_without_a_vault(exported: tuple[Path, str]) -> None:
    path, _text = exported
    report = verify_docx(path)
    assert report.status == Status.VALID_UNKNOWN_SIGNER, report.problems
    assert report.notes[0].signers[0].name == "Dana Whitfield"


def test_the_file_names_and_titles(workspace: Workspace, tmp_path: Path) -> None:
    ws = ready(workspace)
    path, _ = _incident(ws, tmp_path / "i.docx")
    report = verify_docx(path)
    assert (report.notes[0].title, report.notes[0].reference) == ("Incident report", "IR-2026-001")
    assert report.notes[0].subject == "report IR-2026-001"
    assert [s.role for s in report.notes[0].signers] == ["Incident report", "Addendum"]
    incident = ws.incidents.list()[0]
    assert ws.exports.signed_file_name(incident.id) == "IR-2026-001_2026-01-04_incident.docx"
    d = docx.Document(str(path))
    assert d.sections[0].header.paragraphs[0].text == "Incident report IR-2026-001"
    body = "\n".join(p.text for p in d.paragraphs)
    assert "Client name" not in "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert "Report hash:" in body


def test_editing_the_visible_text_fails(exported: tuple[Path, str], tmp_path: Path) -> None:
    path, text = exported
    d = docx.Document(str(path))
    para = next(p for p in d.paragraphs if text in p.text)
    para.runs[0].text = para.runs[0].text.replace(text, text.upper())
    d.save(str(tmp_path / "edited.docx"))
    report = verify_docx(tmp_path / "edited.docx")
    assert report.status == Status.INVALID
    assert "does not match what was signed" in report.summary


def test_editing_a_table_cell_fails(exported: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = exported
    d = docx.Document(str(path))
    cell = next(
        c
        for t in d.tables
        for r in t.rows
        for c in r.cells
        if c.text in ("Riverside Family Medicine", "Waiting room")
    )
    cell.paragraphs[0].runs[0].text = "Somewhere else"
    d.save(str(tmp_path / "cell.docx"))
    assert verify_docx(tmp_path / "cell.docx").status == Status.INVALID


def test_editing_the_page_header_fails(exported: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = exported
    d = docx.Document(str(path))
    head = d.sections[0].header.paragraphs[0]
    head.runs[0].text = "Someone else entirely"
    d.save(str(tmp_path / "header.docx"))
    report = verify_docx(tmp_path / "header.docx")
    assert report.status == Status.INVALID
    assert any("header" in p.lower() for p in report.problems)


def test_editing_the_embedded_content_fails(exported: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = exported

    def change(proof: dict) -> None:  # type: ignore[type-arg]
        payload = proof["notes"][0][0]["payload"]
        record = payload.get("referral") or payload.get("incident")
        record["reason" if "reason" in record else "place"] = "Changed after signing"

    edit_proof(path, tmp_path / "content.docx", change)
    report = verify_docx(tmp_path / "content.docx")
    assert report.status == Status.INVALID
    assert any("edited" in p for p in report.problems)


def test_altering_a_signature_fails(exported: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = exported

    def change(proof: dict) -> None:  # type: ignore[type-arg]
        sig = bytearray(base64.b64decode(proof["notes"][0][0]["signature"]))
        sig[3] ^= 0x01
        proof["notes"][0][0]["signature"] = base64.b64encode(bytes(sig)).decode()

    edit_proof(path, tmp_path / "sig.docx", change)
    report = verify_docx(tmp_path / "sig.docx")
    assert report.status == Status.INVALID
    assert not report.notes[0].signers[0].valid


def test_dropping_the_notification_made_after_signing_fails(
    workspace: Workspace, tmp_path: Path
) -> None:
    path, _ = _incident(ready(workspace), tmp_path / "i.docx")

    def change(proof: dict) -> None:  # type: ignore[type-arg]
        del proof["notes"][0][1]

    edit_proof(path, tmp_path / "dropped.docx", change)
    report = verify_docx(tmp_path / "dropped.docx")
    assert report.status == Status.INVALID
    assert any("missing the addendum" in p for p in report.problems)


def test_another_reports_proof_does_not_pass(workspace: Workspace, tmp_path: Path) -> None:
    ws = ready(workspace)
    first, _ = _incident(ws, tmp_path / "first.docx")
    other = ws.incidents.new(
        type_ref="property", fields={**FIELDS, "what_happened": "A window was broken."}
    )
    ws.incidents.sign(other.id)
    second = tmp_path / "second.docx"
    ws.exports.export_signed_record(other.id, second, what="incident")
    with zipfile.ZipFile(second) as z:
        proof = z.read(proof_part_name(second))
    rewrite_part(first, tmp_path / "moved.docx", proof_part_name(first), lambda _d: proof)
    assert verify_docx(tmp_path / "moved.docx").status == Status.INVALID


def test_drafts_are_not_exported(workspace: Workspace, tmp_path: Path) -> None:
    from noteapp.domain.errors import RefusedError

    ws = ready(workspace)
    report = ws.incidents.new(type_ref="fall", fields=FIELDS)
    with pytest.raises(RefusedError, match="not signed yet"):
        ws.exports.export_signed_record(report.id, tmp_path / "draft.docx", what="incident")
    assert not (tmp_path / "draft.docx").exists()


def test_the_chart_export_lists_medications_and_leaves_incidents_out(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = ready(workspace)
    client = a_client(ws)
    med = ws.medications.add(
        client_id=client.id,
        name="Sertraline",
        dose="50 mg",
        schedule="once daily",
        prescriber="Dr. Casey Lin",
        start=date(2025, 11, 1),
    )
    note_id = a_note(ws, client)
    ws.medications.record_adherence(note_id, [(med.id, "missed", "")])
    ws.signing.sign_note(note_id)
    report = ws.incidents.new(
        type_ref="fall", fields={**FIELDS, "place": "Quokka lounge"}, client_ids=[client.id]
    )
    ws.incidents.sign(report.id)
    out = tmp_path / "chart.docx"
    ws.exports.export_chart(client.id, out)
    assert verify_docx(out).status == Status.VALID_UNKNOWN_SIGNER
    d = docx.Document(str(out))
    paragraphs = [p.text for p in d.paragraphs]
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert "Medications" in paragraphs and "Sertraline 50 mg, once daily" in paragraphs
    assert "Dr. Casey Lin" in cells  # the prescriber, in the medication list
    assert "Missed" in cells  # the note's adherence, as signed
    assert not any("Quokka" in t for t in paragraphs + cells)
