"""The paper-size setting: Letter or A4, its default from the computer's locale, and every
export (notes, drafts, charts, plans, safety plans, client copies, encrypted and co-signed
copies) laid out on it — while the exports still verify."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.shared import Twips

from noteapp.domain.errors import InvalidInputError
from noteapp.domain.paper import PaperSize, paper_for_locale, region_of_locale
from noteapp.export.crypt import decrypt_bytes
from noteapp.services.paper import system_paper_size
from noteapp.services.paths import AppPaths
from noteapp.services.verification import Status, verify_docx
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_plans import signed_plan
from tests.core.test_safety_plans import signed as signed_safety_plan
from tests.core.test_verify_exports import signed_note

A4 = (Twips(11906), Twips(16838))
LETTER = (Twips(12240), Twips(15840))


def page(path: Path, password: str | None = None) -> tuple[int, int]:
    data = decrypt_bytes(path, password) if password else path.read_bytes()
    section = docx.Document(io.BytesIO(data)).sections[0]
    return section.page_width, section.page_height


# --- the default: the computer's locale ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "region", "paper"),
    [
        ("en_US.UTF-8", "US", PaperSize.LETTER),
        ("fr_CA.UTF-8", "CA", PaperSize.LETTER),
        ("es_MX", "MX", PaperSize.LETTER),
        ("en_PH.utf8", "PH", PaperSize.LETTER),
        ("en_GB.UTF-8", "GB", PaperSize.A4),
        ("de_DE@euro", "DE", PaperSize.A4),
        ("en-AU", "AU", PaperSize.A4),  # BCP 47, as macOS writes it
        ("sr_Latn_RS.UTF-8", "RS", PaperSize.A4),
        ("C", None, None),
        ("C.UTF-8", None, None),
        ("POSIX", None, None),
        ("en", None, None),
        ("es_419", None, None),  # Latin America: both papers in use, so no answer
        ("", None, None),
    ],
)
def test_paper_of_a_locale(name: str, region: str | None, paper: PaperSize | None) -> None:
    assert region_of_locale(name) == region
    assert paper_for_locale(name) == paper


def test_system_default_follows_posix_precedence() -> None:
    linux = "linux"
    assert system_paper_size({"LANG": "en_GB.UTF-8"}, platform=linux) is PaperSize.A4
    assert system_paper_size({"LANG": "en_US.UTF-8"}, platform=linux) is PaperSize.LETTER
    # LC_PAPER is the category for paper; LC_ALL overrides every category.
    both = {"LANG": "en_US.UTF-8", "LC_PAPER": "de_DE.UTF-8"}
    assert system_paper_size(both, platform=linux) is PaperSize.A4
    assert system_paper_size({**both, "LC_ALL": "en_CA.UTF-8"}, platform=linux) is (
        PaperSize.LETTER
    )
    # Empty counts as unset; a locale with no region, or none at all, falls back to Letter.
    assert system_paper_size({"LC_ALL": "", "LANG": "nl_NL.UTF-8"}, platform=linux) is (
        PaperSize.A4
    )
    assert system_paper_size({"LANG": "C.UTF-8"}, platform=linux) is PaperSize.LETTER
    assert system_paper_size({}, platform=linux) is PaperSize.LETTER


def test_paper_dimensions() -> None:
    assert (PaperSize.A4.width_twips, PaperSize.A4.height_twips) == (11906, 16838)
    assert (PaperSize.LETTER.width_twips, PaperSize.LETTER.height_twips) == (12240, 15840)


# --- the setting -----------------------------------------------------------------------------


def test_setting_defaults_to_the_locale_and_overrides_it(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_PAPER", raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert workspace.settings.get().paper_size == ""
    assert workspace.settings.paper_size() is PaperSize.A4
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert workspace.settings.paper_size() is PaperSize.LETTER
    workspace.settings.update(paper_size="a4")
    assert workspace.settings.paper_size() is PaperSize.A4
    # It lives in the vault: it survives reopening, whatever the locale says.
    path = workspace._vault.path
    workspace.close()
    again = Workspace.unlock(path, PASSPHRASE, paths=AppPaths(tmp_path / "d", tmp_path / "c"))
    try:
        assert again.settings.paper_size() is PaperSize.A4
    finally:
        again.close()


@pytest.mark.parametrize("bad", ["legal", "A4 ", "LETTER", 4, None])
def test_unknown_paper_is_refused_and_nothing_changes(workspace: Workspace, bad: object) -> None:
    workspace.settings.update(paper_size="a4")
    with pytest.raises(InvalidInputError, match="paper size"):
        workspace.settings.update(paper_size=bad)
    assert workspace.settings.get().paper_size == "a4"


# --- every export uses it --------------------------------------------------------------------


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.profile.set(
        name="Dana Whitfield", credentials="LCSW", license_number="L-1", agency_name="Demo"
    )
    workspace.settings.update(confirm_passphrase_to_sign=False)
    return workspace


def test_note_export_in_a4_has_a4_pages_and_verifies(ws: Workspace, tmp_path: Path) -> None:
    note_id = signed_note(ws)
    ws.settings.update(paper_size="a4")
    out = ws.exports.export_note(note_id, tmp_path / "note.docx")
    assert page(out) == A4
    assert verify_docx(out, trusted_keys=[ws.signing.own_key()]).status == Status.VALID_TRUSTED
    ws.settings.update(paper_size="letter")
    assert page(ws.exports.export_note(note_id, tmp_path / "letter.docx")) == LETTER


def test_every_kind_of_export_follows_the_setting(ws: Workspace, tmp_path: Path) -> None:
    note_id = signed_note(ws)
    client_id = ws.notes.get(note_id).client_id
    plan = signed_plan(ws, client_id)
    safety = signed_safety_plan(ws, client_id)
    draft = ws.notes.new(client_id=client_id, template_id="birp", fields={}).id
    ws.settings.update(paper_size="a4")
    written = [
        ws.exports.export_note(draft, tmp_path / "draft.docx", draft=True),
        ws.exports.export_chart(client_id, tmp_path / "chart.docx"),
        ws.exports.export_plan(plan.id, tmp_path / "plan.docx"),
        ws.exports.export_safety_plan(safety.id, tmp_path / "safety.docx"),
        ws.exports.export_client_copy(safety.id, tmp_path / "copy.docx"),
    ]
    for path in written:
        assert page(path) == A4, path.name
    protected = ws.exports.export_note(note_id, tmp_path / "locked.docx", password="s3cret-pw")
    assert page(protected, "s3cret-pw") == A4
    for path in written[1:4]:  # the signed ones still verify on A4
        report = verify_docx(path, trusted_keys=[ws.signing.own_key()])
        assert report.status == Status.VALID_TRUSTED, path.name


def test_a_reviewed_copy_uses_the_reviewers_paper(ws: Workspace, tmp_path: Path) -> None:
    exported = ws.exports.export_note(signed_note(ws), tmp_path / "note.docx")
    assert page(exported) in (A4, LETTER)
    sup, _ = Workspace.create(
        tmp_path / "sup.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        paths=AppPaths(tmp_path / "s-data", tmp_path / "s-config"),
    )
    try:
        sup.profile.set(name="Morgan Hale", credentials="PhD", role="supervisor")
        sup.settings.update(confirm_passphrase_to_sign=False, paper_size="a4")
        ws.settings.update(paper_size="letter")
        exported = ws.exports.export_note(ws.notes.list()[0].id, tmp_path / "letter.docx")
        cosigned = tmp_path / "cosigned.docx"
        report = sup.review.cosign(exported, cosigned, statement="Reviewed and agree.")
        assert report.ok
        assert page(exported) == LETTER
        assert page(cosigned) == A4
    finally:
        sup.close()
