"""LibreOffice as a second reader: it shows the text, and a re-save keeps text and proof."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from noteapp.domain.document import Document, Heading, KeyValueTable, Paragraph
from noteapp.export import (
    expected_body_lines,
    expected_footer_lines,
    expected_header_lines,
    read_docx,
    write_docx,
)
from noteapp.services.verification import verify_docx
from noteapp.services.workspace import Workspace
from tests.core.test_verify_exports import signed_note
from tests.export import samples
from tests.export.pages import convert as _convert

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Skipped on a developer machine without LibreOffice; in CI (.ci/run installs it) never skipped.
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) is not installed"
)


def test_libreoffice_shows_client_headings_and_signature(tmp_path: Path) -> None:
    job = samples.job(samples.amended_note())
    src = tmp_path / "note.docx"
    write_docx(job, src)
    text = _convert(src, "txt:Text (encoded):UTF8", tmp_path / "txt", tmp_path / "profile")
    shown = text.read_text(encoding="utf-8-sig")
    assert "Jordan Avery" in shown
    for block in job.notes[0].document.blocks:
        if isinstance(block, Heading):
            assert block.text in shown
    signature = job.notes[0].signature
    assert signature is not None and signature.statement in shown
    assert "Amendment — 2026-03-06 by Dana Whitfield, LCSW" in shown


# Right-to-left paragraphs, and right-to-left words inside a left-to-right one: LibreOffice
# marks those runs w:rtl, which the verifier models (docs/exports.md).
RTL = Document(
    title="SOAP",
    blocks=(
        KeyValueTable((("Date of service", "2026-03-04"), ("שם", "דנה כהן 14:00–14:53"))),
        Heading(2, "תוכנית"),
        Paragraph("המטופל דיווח על שינה טובה יותר 6–7 שעות.\nالعميل بخير 12/3."),
        Paragraph("Mixed: English first, then עברית."),
    ),
)


@pytest.mark.parametrize(
    "job",
    [
        samples.job(samples.amended_note()),
        samples.job(replace(samples.signed_note(), signature=None), draft=True),
        samples.chart_job(5),
        samples.job(replace(samples.signed_note(), document=RTL)),
    ],
    ids=["amended", "draft", "chart", "right-to-left"],
)
def test_libreoffice_resave_keeps_text_and_proof(job: object, tmp_path: Path) -> None:
    assert isinstance(job, type(samples.job()))
    src = tmp_path / "note.docx"
    write_docx(job, src)
    resaved = _convert(src, "docx:MS Word 2007 XML", tmp_path / "resaved", tmp_path / "profile")
    result = read_docx(resaved)
    assert result.proof == job.proof
    assert result.findings == ()
    assert result.body_lines == expected_body_lines(job)
    assert result.header_lines == expected_header_lines(job)
    assert [f.lines for f in result.footers] == [expected_footer_lines(job)]


def test_libreoffice_resave_of_real_signed_exports_still_verifies(
    workspace: Workspace, tmp_path: Path
) -> None:
    """The fail-closed verifier models what LibreOffice writes: a re-save stays valid."""
    ws = workspace
    ws.profile.set(
        name="Dana Whitfield",
        credentials="LCSW",
        agency_name="Riverbend Counseling (demo)",
        logo_png=samples.logo_png(),
    )
    ws.settings.update(confirm_passphrase_to_sign=False)
    note_id = signed_note(ws)
    ws.signing.add_correction(note_id, kind="amendment", text="Next is 1/19.", reason="Typo")
    client_id = ws.notes.get(note_id).client_id
    files = [tmp_path / "note.docx", tmp_path / "chart.docx"]
    ws.exports.export_note(note_id, files[0])
    ws.exports.export_chart(client_id, files[1])
    for src in files:
        assert verify_docx(src).ok
        resaved = _convert(src, "docx:MS Word 2007 XML", tmp_path / "lo", tmp_path / "profile")
        report = verify_docx(resaved)
        assert report.ok, report.problems
