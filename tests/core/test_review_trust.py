"""Review import takes every identity from signed content and trusts only trusted keys;
no one reviews their own note; untrusted signers are named, with the key trusted for that
name (issue #9, points 4, 5 and 16). Synthetic people only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.errors import RefusedError
from noteapp.services.paths import AppPaths
from noteapp.services.signing import ITEM_KIND, review_record_id
from noteapp.services.trust import same_clinician
from noteapp.services.verification import Status
from noteapp.services.workspace import Workspace
from noteapp.signing.proof import item_to_dict
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_verify_exports import signed_note

Factory = Callable[..., Workspace]


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.profile.set(
        name="Dana Whitfield", credentials="LCSW", license_number="L-1", agency_name="Demo"
    )
    workspace.settings.update(confirm_passphrase_to_sign=False)
    return workspace


@pytest.fixture
def other_vault(tmp_path: Path) -> Iterator[Factory]:
    """Make more vaults (a supervisor, an impostor, a twin); closed at the end."""
    made: list[Workspace] = []

    def make(name: str, credentials: str, *, license_number: str = "", role: str = "") -> Workspace:
        n = len(made)
        ws, _ = Workspace.create(
            tmp_path / f"v{n}.noteapp",
            PASSPHRASE,
            params=FAST_KDF,
            paths=AppPaths(tmp_path / f"v{n}-data", tmp_path / f"v{n}-config"),
        )
        kwargs: dict[str, Any] = {"license_number": license_number}
        if role:
            kwargs["role"] = role
        ws.profile.set(name=name, credentials=credentials, **kwargs)
        ws.settings.update(confirm_passphrase_to_sign=False)
        made.append(ws)
        return ws

    yield make
    for w in made:
        w.close()


def trust(into: Workspace, whom: Workspace, folder: Path) -> None:
    key = whom.signing.export_public_key(folder / f"{whom.signing.own_key().fingerprint[:4]}.key")  # type: ignore[union-attr]
    into.signing.trust_key_file(key)


def cosigned_by(ws: Workspace, reviewer: Workspace, note_id: str, folder: Path) -> Path:
    """Export `note_id` from `ws` and have `reviewer` co-sign it; the co-signed file."""
    exported = folder / f"{note_id}.docx"
    if not exported.exists():
        ws.exports.export_note(note_id, exported)
    out = folder / f"{note_id}-cosigned-{len(list(folder.glob('*-cosigned-*')))}.docx"
    reviewer.review.cosign(exported, out, statement="Reviewed.")
    return out


def item_records(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    """Every version of every signed-item record (to prove nothing else changed)."""
    ids = {r.id for r in ws._vault.load_kind(ITEM_KIND).records}
    return {i: [r.data for r in ws._vault.history(ITEM_KIND, i)] for i in ids}


# --- point 5: the record a review is stored under comes from signed content -------------


def test_a_forged_item_id_cannot_overwrite_another_notes_signature(
    ws: Workspace, other_vault: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the co-signature's `id` in the file named note B's signature record, and
    the import wrote a second version of it (B could no longer be exported)."""
    note_a = signed_note(ws)
    note_b = signed_note(ws, name="Riley Quimby")
    b_signature_id = ws.signing.items(note_b)[0].id
    sup = other_vault("Morgan Hale", "PhD", role="supervisor")
    trust(ws, sup, tmp_path)  # a trusted supervisor: only the id is hostile
    exported = tmp_path / "a.docx"
    ws.exports.export_note(note_a, exported)
    hostile = tmp_path / "hostile.docx"
    with monkeypatch.context() as m:  # the sender's own software names B's record
        m.setattr("noteapp.services.signing.new_id", lambda: b_signature_id)
        report = sup.review.cosign(exported, hostile, statement="Reviewed.")
    assert report.ok and report.proof is not None
    assert report.proof.notes[0].items[-1].id == b_signature_id  # the id is only a claim
    before = item_records(ws)

    result = ws.review.import_reviewed(hostile)

    (stored,) = result.attached
    assert stored.id == review_record_id(stored) != b_signature_id
    after = item_records(ws)
    assert {k: v for k, v in after.items() if k != stored.id} == before  # nothing else moved
    assert len(after[stored.id]) == 1
    ws.signing.reload()
    assert [i.type.value for i in ws.signing.items(note_b)] == ["note"]
    assert [i.type.value for i in ws.signing.items(note_a)] == ["note", "cosignature"]
    for note_id in (note_a, note_b):  # both still export and verify
        out = tmp_path / f"{note_id}.docx"
        ws.exports.export_note(note_id, out)
        assert ws.review.verify(out).status == Status.VALID_TRUSTED


def test_signed_items_are_write_once(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    note_a = signed_note(ws)
    note_b = signed_note(ws, name="Riley Quimby")
    taken = ws.signing.items(note_b)[0].id
    before = item_records(ws)
    monkeypatch.setattr("noteapp.services.signing.new_id", lambda: taken)
    with pytest.raises(RefusedError, match="exists already"):
        ws.signing.add_correction(note_a, kind="addendum", text="Called back.")
    assert item_records(ws) == before
    assert [i.type.value for i in ws.signing.items(note_a)] == ["note"]


def test_a_signature_overwritten_by_the_old_import_is_recovered(
    ws: Workspace, other_vault: Factory, tmp_path: Path
) -> None:
    """Vaults damaged before the fix: the overwritten record keeps both signed versions."""
    note_a = signed_note(ws)
    note_b = signed_note(ws, name="Riley Quimby")
    sup = other_vault("Morgan Hale", "PhD", role="supervisor")
    trust(ws, sup, tmp_path)
    report = sup.review.verify(cosigned_by(ws, sup, note_a, tmp_path))
    assert report.proof is not None
    cosign = report.proof.notes[0].items[-1]
    b_id = ws.signing.items(note_b)[0].id
    # What the old import did: a second version of B's signature record.
    ws._vault.put(ITEM_KIND, b_id, {**item_to_dict(cosign), "id": b_id})
    ws.signing.reload()
    assert [i.type.value for i in ws.signing.items(note_b)] == ["note"]
    assert [i.type.value for i in ws.signing.items(note_a)] == ["note", "cosignature"]
    for note_id in (note_a, note_b):
        out = tmp_path / f"{note_id}.docx"
        ws.exports.export_note(note_id, out)
        assert ws.review.verify(out).ok


# --- point 5: only trusted reviewers ----------------------------------------------------


def test_a_review_from_an_untrusted_key_is_refused_with_how_to_trust(
    ws: Workspace, other_vault: Factory, tmp_path: Path
) -> None:
    note = signed_note(ws)
    sup = other_vault("Morgan Hale", "PhD", role="supervisor")
    cosigned = cosigned_by(ws, sup, note, tmp_path)
    before = item_records(ws)
    with pytest.raises(RefusedError) as refused:
        ws.review.import_reviewed(cosigned)
    text = str(refused.value)
    assert "Morgan Hale" in text and "not marked as trusted" in text
    assert "noteapp keys trust FILE" in text and "Settings → Signing keys" in text
    assert sup.signing.own_key().fingerprint in text  # type: ignore[union-attr]
    assert item_records(ws) == before and ws.signing.reviews(note) == []
    trust(ws, sup, tmp_path)
    assert len(ws.review.import_reviewed(cosigned).attached) == 1


def test_an_impostor_under_a_trusted_name_is_refused_as_impersonation(
    ws: Workspace, other_vault: Factory, tmp_path: Path
) -> None:
    note = signed_note(ws)
    real = other_vault("Morgan Hale", "PhD", role="supervisor")
    impostor = other_vault("Morgan  hale", "PhD", role="supervisor")  # same name, other key
    trust(ws, real, tmp_path)
    forged = cosigned_by(ws, impostor, note, tmp_path)
    before = item_records(ws)
    with pytest.raises(RefusedError) as refused:
        ws.review.import_reviewed(forged)
    text = str(refused.value)
    assert "impersonation" in text
    assert real.signing.own_key().fingerprint in text  # type: ignore[union-attr]
    assert impostor.signing.own_key().fingerprint in text  # type: ignore[union-attr]
    assert item_records(ws) == before and ws.signing.reviews(note) == []

    # The Review screen's warnings say the same about the file.
    (warning,) = ws.review.trust_warnings(ws.review.verify(forged))
    assert warning.role == "Co-signature"
    assert warning.trusted_for_name == (real.signing.own_key().fingerprint,)  # type: ignore[union-attr]
    assert "impersonation" in warning.text


def test_a_forgery_under_the_authors_own_name_is_flagged(
    ws: Workspace, other_vault: Factory, tmp_path: Path
) -> None:
    """A supervisor who trusts Dana's key opens a note 'by Dana' signed with another key."""
    sup = other_vault("Morgan Hale", "PhD", role="supervisor")
    trust(sup, ws, tmp_path)
    forger = other_vault("Dana Whitfield", "LCSW", license_number="L-1")
    forged = tmp_path / "forged.docx"
    forger.exports.export_note(signed_note(forger), forged)
    report = sup.review.verify(forged)
    assert report.ok and not report.all_trusted
    (warning,) = sup.review.trust_warnings(report)
    assert warning.role == "Author" and warning.name == "Dana Whitfield"
    assert warning.trusted_for_name == (ws.signing.own_key().fingerprint,)  # type: ignore[union-attr]
    genuine = tmp_path / "genuine.docx"
    ws.exports.export_note(signed_note(ws), genuine)
    assert sup.review.trust_warnings(sup.review.verify(genuine)) == []


# --- point 16: no one reviews their own note ---------------------------------------------


def test_no_one_cosigns_their_own_note(ws: Workspace, tmp_path: Path) -> None:
    exported = tmp_path / "n.docx"
    ws.exports.export_note(signed_note(ws), exported)
    report = ws.review.verify(exported)
    assert "your own" in ws.review.own_note_reason(report)
    for review in (
        lambda out: ws.review.cosign(exported, out, statement="Agree."),
        lambda out: ws.review.return_for_revision(exported, out, comments="Fix it."),
    ):
        out = tmp_path / "reviewed.docx"
        with pytest.raises(RefusedError, match="own note"):
            review(out)
        assert not out.exists()


def test_the_same_clinician_with_another_key_cannot_cosign(
    ws: Workspace, other_vault: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = signed_note(ws)
    exported = tmp_path / "n.docx"
    ws.exports.export_note(note, exported)
    twin = other_vault("dana whitfield", "LCSW", license_number="L-1", role="supervisor")
    with pytest.raises(RefusedError, match="own note"):
        twin.review.cosign(exported, tmp_path / "twin.docx", statement="Agree.")
    # A file made anyway (an older version allowed it) is refused on import, even when the
    # second key is trusted.
    monkeypatch.setattr(type(twin.review), "own_note_reason", lambda _self, _report: "")
    made = tmp_path / "twin-made.docx"
    twin.review.cosign(exported, made, statement="Agree.")
    trust(ws, twin, tmp_path)
    with pytest.raises(RefusedError, match="note's own author"):
        ws.review.import_reviewed(made)
    assert ws.signing.reviews(note) == []


def test_same_clinician_rules() -> None:
    dana = {"name": "Dana Whitfield", "credentials": "LCSW", "license_number": "L-1"}
    assert same_clinician(dana, {**dana, "name": "DANA  Whitfield"})
    assert same_clinician({"fingerprint": "AB12"}, {"fingerprint": "AB12", "name": "Other"})
    assert not same_clinician(dana, {**dana, "license_number": "L-2"})  # a namesake
    assert same_clinician(dana, {**dana, "license_number": ""})  # then credentials decide
    assert same_clinician(
        {"name": "Morgan Hale", "credentials": "Ph.D."},
        {"name": "Morgan Hale", "credentials": "PhD"},
    )
    assert not same_clinician(
        {"name": "Morgan Hale", "credentials": "PhD"}, {"name": "Morgan Hale", "credentials": "LPC"}
    )
    assert not same_clinician({"name": ""}, {"name": ""})
