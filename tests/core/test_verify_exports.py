"""The tamper matrix: an untouched export verifies; editing the visible text, the embedded
content, a signature, or moving the proof from another note's export all fail. Plus
drafts, encrypted exports, psychotherapy notes, charts and the supervision round trip."""

from __future__ import annotations

import base64
import dataclasses
import json
import shutil
import zipfile
from datetime import date, time
from pathlib import Path

import docx
import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import CheckFailedError, InvalidInputError, RefusedError
from noteapp.domain.notes import RiskScreen, ScreenResult
from noteapp.services.paths import AppPaths
from noteapp.services.verification import Status, verify_docx
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_signing import FIELDS


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.profile.set(
        name="Dana Whitfield",
        credentials="LCSW",
        license_number="L-1",
        agency_name="Riverbend Counseling (demo)",
    )
    workspace.settings.update(confirm_passphrase_to_sign=False)
    return workspace


def signed_note(ws: Workspace, *, name: str = "Jordan Avery", plan: str = "Weekly CBT.") -> str:
    client = ws.clients.add(name=name, dob=date(1990, 4, 12), diagnoses=[Diagnosis("F41.1", "GAD")])
    note = ws.notes.new(client_id=client.id, template_id="birp", fields={**FIELDS, "plan": plan})
    ws.notes.save(
        note.id,
        session=dataclasses.replace(
            note.session,
            date=date(2026, 1, 5),
            start=time(9),
            end=time(9, 50),
            service_code="90834",
            place_of_service="11",
            risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
        ),
    )
    ws.signing.sign_note(note.id)
    return note.id


def rewrite_part(src: Path, dest: Path, name_contains: str, edit) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if name_contains in info.filename:
                data = edit(data)
            zout.writestr(info, data)


def proof_part_name(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return next(
            n for n in z.namelist() if n.startswith("customXml/") and b"noteappProof" in z.read(n)
        )


def edit_proof(src: Path, dest: Path, change) -> None:  # type: ignore[no-untyped-def]
    part = proof_part_name(src)

    def edit(data: bytes) -> bytes:
        start = data.index(b">", data.index(b"<noteappProof")) + 1
        end = data.index(b"</noteappProof>")
        proof = json.loads(base64.b64decode(data[start:end]))
        change(proof)
        encoded = base64.b64encode(json.dumps(proof).encode())
        return data[:start] + encoded + data[end:]

    rewrite_part(src, dest, part, edit)


@pytest.fixture
def exported(ws: Workspace, tmp_path: Path) -> Path:
    note_id = signed_note(ws)
    ws.signing.add_correction(
        note_id, kind="amendment", text="Next session is 1/19.", reason="Wrong date"
    )
    out = tmp_path / "note.docx"
    ws.exports.export_note(note_id, out)
    return out


def test_untouched_export_verifies_without_any_vault(exported: Path) -> None:
    report = verify_docx(exported)
    assert report.status == Status.VALID_UNKNOWN_SIGNER, report.problems
    roles = [s.role for s in report.notes[0].signers]
    assert roles == ["Author", "Amendment"]
    signer = report.notes[0].signers[0]
    assert (signer.name, signer.credentials) == ("Dana Whitfield", "LCSW")
    assert len(signer.fingerprint) == 39 and signer.signed_at.startswith("2026-01-05")


def test_own_vault_trusts_its_key(ws: Workspace, exported: Path) -> None:
    assert ws.review.verify(exported).status == Status.VALID_TRUSTED


def test_editing_the_visible_text_in_word_fails(exported: Path, tmp_path: Path) -> None:
    d = docx.Document(str(exported))
    para = next(p for p in d.paragraphs if "Weekly CBT" in p.text)
    para.runs[0].text = para.runs[0].text.replace("Weekly", "Monthly")
    tampered = tmp_path / "edited.docx"
    d.save(str(tampered))
    report = verify_docx(tampered)
    assert report.status == Status.INVALID
    assert "does not match what was signed" in report.summary
    assert "Monthly" in report.summary


def test_editing_a_table_cell_fails(exported: Path, tmp_path: Path) -> None:
    d = docx.Document(str(exported))
    cell = next(c for t in d.tables for r in t.rows for c in r.cells if c.text == "90834")
    cell.paragraphs[0].runs[0].text = "90837"
    d.save(str(tmp_path / "cell.docx"))
    assert verify_docx(tmp_path / "cell.docx").status == Status.INVALID


def test_editing_the_embedded_content_fails(exported: Path, tmp_path: Path) -> None:
    def change(proof: dict) -> None:  # type: ignore[type-arg]
        proof["notes"][0][0]["payload"]["fields"]["plan"] = "Monthly CBT."

    edit_proof(exported, tmp_path / "content.docx", change)
    report = verify_docx(tmp_path / "content.docx")
    assert report.status == Status.INVALID
    assert any("edited" in p for p in report.problems)


def test_altering_a_signature_fails(exported: Path, tmp_path: Path) -> None:
    def change(proof: dict) -> None:  # type: ignore[type-arg]
        sig = bytearray(base64.b64decode(proof["notes"][0][1]["signature"]))
        sig[5] ^= 0x01
        proof["notes"][0][1]["signature"] = base64.b64encode(bytes(sig)).decode()

    edit_proof(exported, tmp_path / "sig.docx", change)
    report = verify_docx(tmp_path / "sig.docx")
    assert report.status == Status.INVALID
    assert not report.notes[0].signers[1].valid


def test_moving_the_proof_from_another_notes_export_fails(
    ws: Workspace, exported: Path, tmp_path: Path
) -> None:
    other = signed_note(ws, name="Riley Quimby", plan="Fortnightly check-in.")
    other_file = tmp_path / "other.docx"
    ws.exports.export_note(other, other_file)
    with zipfile.ZipFile(other_file) as z:
        other_proof = z.read(proof_part_name(other_file))
    rewrite_part(
        exported, tmp_path / "moved.docx", proof_part_name(exported), lambda _data: other_proof
    )
    report = verify_docx(tmp_path / "moved.docx")
    assert report.status == Status.INVALID
    assert "does not match what was signed" in report.summary


def test_a_file_without_proof_is_reported_unsigned(exported: Path, tmp_path: Path) -> None:
    # What a word processor that drops custom XML does: the parts and their links are gone.
    import re

    stripped = tmp_path / "stripped.docx"
    with zipfile.ZipFile(exported) as zin, zipfile.ZipFile(stripped, "w") as zout:
        for info in zin.infolist():
            if info.filename.startswith("customXml/"):
                continue
            data = zin.read(info.filename)
            if info.filename.endswith(".rels"):
                data = re.sub(rb"<Relationship [^>]*customXml[^>]*/>", b"", data)
            zout.writestr(info, data)
    report = verify_docx(stripped)
    assert report.status == Status.UNSIGNED and not report.ok
    assert "no noteapp signature" in report.summary


def test_not_a_docx_is_a_clear_failure(tmp_path: Path) -> None:
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip at all")
    report = verify_docx(junk)
    assert report.status == Status.INVALID and report.summary


def test_drafts_export_only_when_asked_and_say_draft(ws: Workspace, tmp_path: Path) -> None:
    client = ws.clients.add(name="Casey Ellery")
    note = ws.notes.new(client_id=client.id, template_id="soap", fields={"subjective": "Hi."})
    with pytest.raises(RefusedError):
        ws.exports.export_note(note.id, tmp_path / "d.docx")
    ws.exports.export_note(note.id, tmp_path / "d.docx", draft=True)
    d = docx.Document(str(tmp_path / "d.docx"))
    assert "DRAFT" in " ".join(p.text for p in d.sections[0].header.paragraphs)
    assert verify_docx(tmp_path / "d.docx").status == Status.UNSIGNED


def test_psychotherapy_notes_need_explicit_inclusion(ws: Workspace, tmp_path: Path) -> None:
    client = ws.clients.add(name="Casey Ellery")
    note = ws.notes.new(
        client_id=client.id,
        template_id="psychotherapy",
        fields={"process_notes": "Private process note."},
    )
    with pytest.raises(RefusedError, match="Psychotherapy"):
        ws.exports.export_note(note.id, tmp_path / "p.docx", draft=True)
    ws.exports.export_note(note.id, tmp_path / "p.docx", draft=True, include_psychotherapy=True)
    assert (tmp_path / "p.docx").exists()


def test_encrypted_export_opens_with_its_password(ws: Workspace, tmp_path: Path) -> None:
    note_id = signed_note(ws)
    out = tmp_path / "secret.docx"
    ws.exports.export_note(note_id, out, password="a long file password")
    assert out.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE container, not a zip
    assert b"Jordan" not in out.read_bytes()
    assert verify_docx(out, password="a long file password").ok
    assert not verify_docx(out).ok
    with pytest.raises(InvalidInputError):
        ws.exports.export_note(note_id, tmp_path / "short.docx", password="short")


def test_chart_export_holds_every_signed_note(ws: Workspace, tmp_path: Path) -> None:
    note_id = signed_note(ws)
    client_id = ws.notes.get(note_id).client_id
    second = ws.notes.new(client_id=client_id, template_id="birp", fields=FIELDS)
    ws.notes.save(
        second.id,
        session=dataclasses.replace(ws.notes.get(note_id).session, date=date(2025, 12, 29)),
    )
    ws.signing.sign_note(second.id)
    out = tmp_path / "chart.docx"
    ws.exports.export_chart(client_id, out, date_from=date(2025, 12, 1), date_to=date(2026, 1, 31))
    report = verify_docx(out)
    assert report.ok and len(report.notes) == 2
    assert ws.exports.default_name(
        client_id=client_id, date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)
    ).startswith("C0001_2026-01-01")
    with pytest.raises(InvalidInputError):
        ws.exports.export_chart(
            client_id, tmp_path / "none.docx", date_from=date(2025, 1, 1), date_to=date(2025, 1, 2)
        )


def test_supervision_round_trip(ws: Workspace, exported: Path, tmp_path: Path) -> None:
    sup, _ = Workspace.create(
        tmp_path / "sup.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        paths=AppPaths(tmp_path / "s-data", tmp_path / "s-config"),
    )
    try:
        sup.profile.set(name="Morgan Hale", credentials="PhD", role="supervisor")
        sup.settings.update(confirm_passphrase_to_sign=False)
        key = ws.signing.export_public_key(tmp_path / "dana.key")
        assert sup.review.verify(exported).status == Status.VALID_UNKNOWN_SIGNER
        sup.signing.trust_key_file(key)
        assert sup.review.verify(exported).status == Status.VALID_TRUSTED
        cosigned = tmp_path / "cosigned.docx"
        report = sup.review.cosign(exported, cosigned, statement="Reviewed and agree.")
        assert [s.role for s in report.notes[0].signers] == ["Author", "Amendment", "Co-signature"]
        returned = tmp_path / "returned.docx"
        sup.review.return_for_revision(exported, returned, comments="Add the PHQ-9 score.")
        morgan = sup.signing.export_public_key(tmp_path / "morgan.key")
    finally:
        sup.close()
    with pytest.raises(RefusedError, match="keys trust FILE"):  # the supervisor's key first
        ws.review.import_reviewed(cosigned)
    ws.signing.trust_key_file(morgan)
    result = ws.review.import_reviewed(cosigned)
    assert [i.type.value for i in result.attached] == ["cosignature"]
    assert ws.review.import_reviewed(cosigned).attached == ()  # already there
    ws.review.import_reviewed(returned)
    note_id = ws.review.verify(exported).notes[0].note_id
    assert [i.type.value for i in ws.signing.reviews(note_id)] == ["cosignature", "return"]
    # a tampered review file is not imported
    d = docx.Document(str(cosigned))
    para = next(p for p in d.paragraphs if "Reviewed and agree." in p.text)
    para.runs[0].text = "Reviewed."
    d.save(str(tmp_path / "bad.docx"))
    with pytest.raises(CheckFailedError):
        ws.review.import_reviewed(tmp_path / "bad.docx")


def test_review_of_another_vaults_note_is_refused(ws: Workspace, tmp_path: Path) -> None:
    other, _ = Workspace.create(
        tmp_path / "o.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        paths=AppPaths(tmp_path / "o-data", tmp_path / "o-config"),
    )
    try:
        other.profile.set(name="Avery Stone", credentials="LPC")
        other.settings.update(confirm_passphrase_to_sign=False)
        note_id = signed_note(other)
        out = tmp_path / "theirs.docx"
        other.exports.export_note(note_id, out)
    finally:
        other.close()
    with pytest.raises(RefusedError):
        ws.review.import_reviewed(out)
    shutil.rmtree(tmp_path / "o-data", ignore_errors=True)
