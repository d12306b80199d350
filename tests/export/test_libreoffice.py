"""LibreOffice as a second reader: it shows the text, and a re-save keeps text and proof."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from noteapp.domain.document import Heading
from noteapp.export import expected_body_lines, expected_header_lines, read_docx, write_docx
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


@pytest.mark.parametrize(
    "job",
    [
        samples.job(samples.amended_note()),
        samples.job(replace(samples.signed_note(), signature=None), draft=True),
        samples.chart_job(5),
    ],
    ids=["amended", "draft", "chart"],
)
def test_libreoffice_resave_keeps_text_and_proof(job: object, tmp_path: Path) -> None:
    assert isinstance(job, type(samples.job()))
    src = tmp_path / "note.docx"
    write_docx(job, src)
    resaved = _convert(src, "docx:MS Word 2007 XML", tmp_path / "resaved", tmp_path / "profile")
    result = read_docx(resaved)
    assert result.proof == job.proof
    assert result.body_lines == expected_body_lines(job)
    assert result.header_lines == expected_header_lines(job)
