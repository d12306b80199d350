"""Signing: checklist gate, passphrase re-check, locking, corrections, proofs, trusted keys."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, time
from pathlib import Path

import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import (
    CheckFailedError,
    InvalidInputError,
    RefusedError,
    WrongSecretError,
)
from noteapp.domain.notes import NoteStatus, RiskScreen, ScreenResult
from noteapp.domain.signatures import ItemType
from noteapp.services.workspace import Workspace
from noteapp.signing.canonical import canonical_bytes, payload_hash
from noteapp.signing.manifest import contents, manifest_problems
from noteapp.signing.presentation import job_from_proof
from noteapp.signing.proof import (
    NoteProof,
    Proof,
    ProofError,
    check_note_proof,
    proof_from_bytes,
    proof_to_bytes,
)
from tests.conftest import PASSPHRASE

FIELDS = {
    "behavior": "Arrived on time; affect anxious, brightened later.",
    "intervention": "Cognitive restructuring of worry about work.",
    "response": "Identified two unhelpful thoughts and balanced alternatives.",
    "plan": "Weekly CBT; thought record homework.",
}


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.profile.set(
        name="Dana Whitfield",
        credentials="LCSW",
        license_number="L-1",
        agency_name="Riverbend Counseling (demo)",
    )
    return workspace


def ready_note(ws: Workspace) -> str:
    client = ws.clients.add(name="Jordan Avery", diagnoses=[Diagnosis("F41.1", "GAD")])
    note = ws.notes.new(client_id=client.id, template_id="birp", fields=FIELDS)
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
    return note.id


def test_canonical_bytes_are_stable_and_prefixed() -> None:
    a = canonical_bytes({"b": 1, "a": "é"})
    assert a == canonical_bytes({"a": "é", "b": 1})
    assert a.startswith(b"noteapp-signed-payload-v1\n")
    assert b" " not in a.split(b"\n", 1)[1]
    with pytest.raises(ValueError):
        canonical_bytes({"x": float("nan")})


def test_sign_locks_the_note_and_records_everything_it_asserts(ws: Workspace) -> None:
    note_id = ready_note(ws)
    item = ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    note = ws.notes.get(note_id)
    assert note.status == NoteStatus.SIGNED and note.signature_ids == (item.id,)
    p = item.payload
    assert p["fields"] == FIELDS
    assert p["session"]["service_code"] == "90834"
    assert p["client"]["name"] == "Jordan Avery"
    assert p["author"] == {
        "name": "Dana Whitfield",
        "credentials": "LCSW",
        "license_number": "L-1",
        "role": "clinician",
        "fingerprint": ws.profile.get().fingerprint,
    }
    assert p["template"]["id"] == "birp" and p["signed_at"].endswith("+00:00")
    assert item.hash == payload_hash(p)
    with pytest.raises(RefusedError):
        ws.notes.save(note_id, fields={"plan": "changed"})
    with pytest.raises(RefusedError):
        ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    assert [e.action for e in ws.audit.entries()].count("sign") == 1


def test_blocking_checklist_items_stop_signing(ws: Workspace) -> None:
    client = ws.clients.add(name="Riley Quimby")
    note = ws.notes.new(client_id=client.id, template_id="soap")
    with pytest.raises(CheckFailedError, match=r"cannot be signed yet: .*required and empty"):
        ws.signing.sign_note(note.id, passphrase=PASSPHRASE)
    assert ws.notes.get(note.id).status == NoteStatus.DRAFT
    assert ws.signing.items(note.id) == []


def test_passphrase_is_asked_again_unless_the_setting_is_off(ws: Workspace) -> None:
    note_id = ready_note(ws)
    with pytest.raises(WrongSecretError):
        ws.signing.sign_note(note_id, passphrase="not the passphrase")
    with pytest.raises(InvalidInputError):
        ws.signing.sign_note(note_id)
    assert ws.notes.get(note_id).status == NoteStatus.DRAFT
    ws.settings.update(confirm_passphrase_to_sign=False)
    ws.signing.sign_note(note_id)
    assert ws.notes.get(note_id).is_signed


def test_signing_needs_a_profile_with_credentials(workspace: Workspace) -> None:
    note_id = ready_note(workspace)
    with pytest.raises(InvalidInputError, match="profile"):
        workspace.signing.sign_note(note_id, passphrase=PASSPHRASE)


def test_corrections_chain_to_the_note_and_never_change_it(ws: Workspace) -> None:
    note_id = ready_note(ws)
    signed = ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    before = ws.notes.get(note_id)
    add = ws.signing.add_correction(
        note_id, kind="addendum", text="Client called to add…", passphrase=PASSPHRASE
    )
    amend = ws.signing.add_correction(
        note_id,
        kind="amendment",
        text="Next session is 1/12.",
        reason="Wrong date in plan",
        passphrase=PASSPHRASE,
    )
    late = ws.signing.add_correction(
        note_id,
        kind=ItemType.LATE_ENTRY,
        text="Collateral call.",
        reason="Written after the fact",
        date_of_service=date(2026, 1, 4),
        passphrase=PASSPHRASE,
    )
    assert ws.notes.get(note_id) == before
    assert add.payload["amends"] == amend.payload["amends"] == signed.hash
    assert add.payload["previous"] == signed.hash
    assert amend.payload["previous"] == add.hash and late.payload["previous"] == amend.hash
    assert late.payload["date_of_service"] == "2026-01-04"
    checks = check_note_proof(ws.signing.proof(note_id))
    assert [c.ok for c in checks] == [True, True, True, True]
    with pytest.raises(InvalidInputError, match=r"^An amendment needs a reason"):
        ws.signing.add_correction(note_id, kind="amendment", text="x", passphrase=PASSPHRASE)
    with pytest.raises(InvalidInputError, match=r"^A late entry needs a reason"):
        ws.signing.add_correction(note_id, kind="late-entry", text="x", passphrase=PASSPHRASE)
    with pytest.raises(InvalidInputError):
        ws.signing.add_correction(note_id, kind="rewrite", text="x", passphrase=PASSPHRASE)


def test_corrections_only_on_signed_notes(ws: Workspace) -> None:
    note_id = ready_note(ws)
    with pytest.raises(RefusedError):
        ws.signing.add_correction(note_id, kind="addendum", text="x", passphrase=PASSPHRASE)


def test_signatures_survive_reopening(ws: Workspace) -> None:
    from noteapp.services.workspace import Workspace as W

    note_id = ready_note(ws)
    ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    path, paths = ws._vault.path, ws.paths
    ws.close()
    again = W.unlock(path, PASSPHRASE, paths=paths)
    try:
        assert [c.ok for c in check_note_proof(again.signing.proof(note_id))] == [True]
    finally:
        again.close()


def test_tampering_with_any_part_of_a_proof_is_found(ws: Workspace) -> None:
    note_id = ready_note(ws)
    ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    ws.signing.add_correction(note_id, kind="addendum", text="More.", passphrase=PASSPHRASE)
    np = ws.signing.proof(note_id)
    note, addendum = np.items

    edited = dataclasses.replace(
        note, payload={**note.payload, "fields": {**FIELDS, "plan": "Monthly."}}
    )
    assert not check_note_proof(NoteProof((edited, addendum)))[0].ok
    rehashed = dataclasses.replace(edited, hash=payload_hash(edited.payload))
    assert "signature is not valid" in " ".join(
        check_note_proof(NoteProof((rehashed,)))[0].problems
    )
    bad_sig = dataclasses.replace(note, signature=bytes(64))
    assert not check_note_proof(NoteProof((bad_sig,)))[0].ok
    # an addendum moved onto another note's proof no longer amends it
    other_id = ready_note(ws)
    ws.signing.sign_note(other_id, passphrase=PASSPHRASE)
    other = ws.signing.proof(other_id).note
    checks = check_note_proof(NoteProof((other, addendum)))
    assert checks[0].ok and not checks[1].ok


def test_proof_round_trip_and_hostile_proofs(ws: Workspace) -> None:
    note_id = ready_note(ws)
    ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    proof = Proof((ws.signing.proof(note_id),), chart_title="")
    proof = dataclasses.replace(
        proof, manifest=ws.signing.sign_manifest(contents(proof, made_by="export"))
    )
    again = proof_from_bytes(proof_to_bytes(proof))
    assert again.notes[0].items == proof.notes[0].items
    assert again.manifest == proof.manifest and manifest_problems(again) == []
    job = job_from_proof(again)
    assert job.client.name == "Jordan Avery"
    assert job.notes[0].signature is not None
    assert job.notes[0].signature.statement.startswith(
        "Electronically signed by Dana Whitfield, LCSW (License L-1) on 2026-01-05"
    )
    for bad in (
        b"",
        b"{",
        b"[]",
        json.dumps({"format": "other"}).encode(),
        json.dumps({"format": "noteapp-proof/1", "notes": []}).encode(),
        json.dumps({"format": "noteapp-proof/1", "notes": [[{"id": 1}]]}).encode(),
        # version 2 must carry its list of contents
        proof_to_bytes(dataclasses.replace(proof, manifest=None)),
        b"x" * (21 * 1024 * 1024),
    ):
        with pytest.raises(ProofError):
            proof_from_bytes(bad)


def test_public_key_export_and_trust(ws: Workspace, tmp_path: Path) -> None:
    key_file = ws.signing.export_public_key(tmp_path / "dana.noteapp-key")
    data = json.loads(key_file.read_text())
    assert data["fingerprint"] == ws.profile.get().fingerprint
    assert "private" not in key_file.read_text()
    trusted = ws.signing.trust_key_file(key_file, name="Dana (supervisee)")
    assert [k.fingerprint for k in ws.signing.trusted_keys()] == [trusted.fingerprint]
    data["fingerprint"] = "0000 0000 0000 0000"
    forged = tmp_path / "forged"
    forged.write_text(json.dumps(data))
    with pytest.raises(InvalidInputError, match="does not match"):
        ws.signing.trust_key_file(forged)
    (tmp_path / "junk").write_text("not a key")
    with pytest.raises(InvalidInputError):
        ws.signing.trust_key_file(tmp_path / "junk")
    ws.signing.untrust(trusted.fingerprint)
    assert ws.signing.trusted_keys() == []
