"""Issue #9, point 3: an export is bound as a whole. A forger who rewrites both the proof and
the visible text (with noteapp's own writer) can no longer drop, add or mix signed content:
the manifest signed at export time says what the file holds."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from noteapp.domain.document import Document, Paragraph, document_to_dict
from noteapp.export import read_docx, write_docx
from noteapp.services.paths import AppPaths
from noteapp.services.verification import Status, verify_docx
from noteapp.services.workspace import Workspace
from noteapp.signing.manifest import OLDER_EXPORT, contents
from noteapp.signing.presentation import job_from_proof
from noteapp.signing.proof import Proof, proof_from_bytes, proof_to_bytes
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core import test_verify_exports as signed_exports

ws = signed_exports.ws  # fixture
signed_note = signed_exports.signed_note


def forge(src: Path, dest: Path, change: Callable[[Proof], Proof]) -> Path:
    """What a careful forger does: change the proof, then write the file it describes with
    noteapp's own writer, so the visible text matches the changed proof exactly."""
    proof = change(proof_from_bytes(read_docx(src).proof or b""))
    write_docx(dataclasses.replace(job_from_proof(proof), proof=proof_to_bytes(proof)), dest)
    return dest


def failed(path: Path, *expected: str) -> str:
    report = verify_docx(path)
    assert report.status == Status.INVALID, report.summary
    text = " ".join(report.problems)
    for part in expected:
        assert part in text, text
    return text


def drop_last_item(proof: Proof, index: int = 0) -> Proof:
    notes = list(proof.notes)
    notes[index] = dataclasses.replace(notes[index], items=notes[index].items[:-1])
    return dataclasses.replace(proof, notes=tuple(notes))


@pytest.fixture
def amended(ws: Workspace, tmp_path: Path) -> Path:
    note_id = signed_note(ws)
    ws.signing.add_correction(note_id, kind="addendum", text="Called client back.")
    ws.signing.add_correction(note_id, kind="amendment", text="Plan: CBT.", reason="Typo")
    out = tmp_path / "note.docx"
    ws.exports.export_note(note_id, out)
    assert verify_docx(out).ok
    return out


def test_removing_the_last_amendment_fails(amended: Path, tmp_path: Path) -> None:
    forged = forge(amended, tmp_path / "f.docx", drop_last_item)
    failed(forged, "The file is missing the amendment listed for the BIRP Progress Note")


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Workspace]:
    sup, _ = Workspace.create(
        tmp_path / "sup.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        paths=AppPaths(tmp_path / "s-data", tmp_path / "s-config"),
    )
    sup.profile.set(name="Morgan Hale", credentials="PhD", role="supervisor")
    sup.settings.update(confirm_passphrase_to_sign=False)
    yield sup
    sup.close()


def test_removing_a_supervisors_return_fails(
    supervisor: Workspace, amended: Path, tmp_path: Path
) -> None:
    returned = tmp_path / "returned.docx"
    report = supervisor.review.return_for_revision(amended, returned, comments="Add the GAD-7.")
    assert report.ok, report.problems
    assert report.contents is not None and report.contents.name == "Morgan Hale"
    forged = forge(returned, tmp_path / "f.docx", drop_last_item)
    failed(forged, "The file is missing the supervisor's “returned for revision”")


def test_adding_an_unsigned_page_fails(amended: Path, tmp_path: Path) -> None:
    page = Document(title="Outcome measures", blocks=(Paragraph("PHQ-9 2 (minimal)."),))

    def add_page(proof: Proof) -> Proof:
        return dataclasses.replace(proof, extra=(*proof.extra, document_to_dict(page)))

    forged = forge(amended, tmp_path / "f.docx", add_page)
    failed(forged, "The summary pages (such as the outcome measures) are not the ones")


def test_splicing_a_note_about_another_client_into_a_chart_fails(
    ws: Workspace, tmp_path: Path
) -> None:
    first = signed_note(ws)
    client_id = ws.notes.get(first).client_id
    chart = tmp_path / "chart.docx"
    ws.exports.export_chart(client_id, chart, date_from=date(2026, 1, 1))
    other = signed_note(ws, name="Riley Quimby", plan="Fortnightly check-in.")
    other_file = tmp_path / "other.docx"
    ws.exports.export_note(other, other_file)
    spliced_in = proof_from_bytes(read_docx(other_file).proof or b"").notes[0]

    def splice(proof: Proof) -> Proof:
        return dataclasses.replace(proof, notes=(*proof.notes, spliced_in))

    problems = failed(
        forge(chart, tmp_path / "f.docx", splice),
        "which its list of contents does not name: it was added after export",
        "is about another client than the file (client C0002)",
    )
    assert "Riley" not in problems  # names the record and the client code, never a name


def test_reordering_records_fails(ws: Workspace, tmp_path: Path) -> None:
    first = signed_note(ws)
    client_id = ws.notes.get(first).client_id
    second = ws.notes.new(client_id=client_id, template_id="birp", fields=signed_exports.FIELDS)
    ws.notes.save(second.id, session=ws.notes.get(first).session)
    ws.signing.sign_note(second.id)
    chart = tmp_path / "chart.docx"
    ws.exports.export_chart(client_id, chart)

    def swap(proof: Proof) -> Proof:
        return dataclasses.replace(proof, notes=tuple(reversed(proof.notes)))

    failed(forge(chart, tmp_path / "f.docx", swap), "not in the order its list of contents")


def test_a_manifest_from_a_key_that_signed_nothing_fails(
    supervisor: Workspace, amended: Path, tmp_path: Path
) -> None:
    def resign(proof: Proof) -> Proof:  # someone else vouches for a trimmed file
        trimmed = drop_last_item(proof)
        manifest = supervisor.signing.sign_manifest(contents(trimmed, made_by="export"))
        return dataclasses.replace(trimmed, manifest=manifest)

    failed(forge(amended, tmp_path / "f.docx", resign), "signed by a key that signed nothing")


def test_an_export_without_a_manifest_is_refused_as_older(amended: Path, tmp_path: Path) -> None:
    # What noteapp wrote before the manifest: format 1, no list of contents.
    older = tmp_path / "older.docx"
    proof = proof_from_bytes(read_docx(amended).proof or b"")
    data = proof_to_bytes(dataclasses.replace(proof, manifest=None)).replace(
        b'"noteapp-proof/2"', b'"noteapp-proof/1"'
    )
    write_docx(dataclasses.replace(job_from_proof(proof), proof=data), older)
    report = verify_docx(older)
    assert report.status == Status.INVALID
    assert report.summary == "Verification FAILED: " + OLDER_EXPORT
    assert [s.role for s in report.notes[0].signers] == ["Author", "Addendum", "Amendment"]


def test_the_exported_manifest_states_the_files_contents(amended: Path) -> None:
    proof = proof_from_bytes(read_docx(amended).proof or b"")
    assert proof.manifest is not None
    payload = proof.manifest.payload
    assert payload["made_by"] == "export" and payload["client"]["code"] == "C0001"
    [record] = payload["records"]
    assert [i["type"] for i in record["items"]] == ["note", "addendum", "amendment"]
    assert [i["hash"] for i in record["items"]] == [i.hash for i in proof.notes[0].items]
    with zipfile.ZipFile(amended) as z:
        assert not any("manifest" in n for n in z.namelist())  # it travels inside the proof
    report = verify_docx(amended)
    assert report.contents is not None and report.contents.valid
    assert report.contents.fingerprint == report.notes[0].signers[0].fingerprint
