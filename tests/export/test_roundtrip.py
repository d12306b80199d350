"""write_docx → read_docx gives exactly the expected lines; any edit of visible text shows."""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings

from noteapp.domain.document import Document, Paragraph
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.export_model import ExportJob
from noteapp.export import (
    ExportWriteError,
    expected_body_lines,
    expected_footer_lines,
    expected_header_lines,
    expected_images,
    read_docx,
    write_docx,
)
from tests.export import samples
from tests.export.strategies import jobs


def _roundtrip(job: ExportJob, path: Path) -> None:
    write_docx(job, path)
    result = read_docx(path)
    assert result.findings == ()
    assert result.body_lines == expected_body_lines(job)
    assert result.header_lines == expected_header_lines(job)
    assert [h.lines for h in result.headers] == [expected_header_lines(job)]
    assert [f.lines for f in result.footers] == [expected_footer_lines(job)]
    assert list(result.images) == expected_images(job)
    assert result.proof == job.proof


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(job=jobs)
def test_any_job_reads_back_as_expected(job: ExportJob) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _roundtrip(job, Path(folder) / "out.docx")


@pytest.mark.parametrize(
    "job",
    [
        samples.job(samples.signed_note()),
        samples.job(samples.amended_note()),
        samples.job(samples.cosigned_note(), logo=False),
        samples.job(replace(samples.signed_note(), signature=None), draft=True),
        samples.chart_job(6),
    ],
    ids=["signed", "amended", "cosigned", "draft", "chart"],
)
def test_sample_jobs_read_back(job: ExportJob, tmp_path: Path) -> None:
    _roundtrip(job, tmp_path / "note.docx")


def test_signed_note_shows_signature_block(tmp_path: Path) -> None:
    job = samples.job(samples.amended_note())
    write_docx(job, tmp_path / "n.docx")
    lines = read_docx(tmp_path / "n.docx").body_lines
    assert "Client name\tJordan Avery" in lines
    assert "Amendment — 2026-03-06 by Dana Whitfield, LCSW" in lines
    assert "Date of service covered: 2026-03-05" in lines
    assert any(line.startswith("Electronically signed by Dana Whitfield") for line in lines)
    assert "Key fingerprint: 7F3A 91C2 0B5E D4A8 · Note hash: 3f9a1c7e52b0d4e8" in lines
    assert "Draft — not signed" not in lines
    assert read_docx(tmp_path / "n.docx").header_lines == [
        "Jordan Avery · Date of birth 1990-04-12"
    ]


def test_draft_is_marked_on_every_page_and_has_no_signature(tmp_path: Path) -> None:
    job = samples.job(replace(samples.signed_note(), signature=None))
    write_docx(job, tmp_path / "d.docx")
    result = read_docx(tmp_path / "d.docx")
    assert result.header_lines[0] == "DRAFT — not signed"
    assert "Draft — not signed" in result.body_lines
    assert not any(line.startswith("Electronically signed") for line in result.body_lines)


def test_chart_has_contents_and_a_page_per_note(tmp_path: Path) -> None:
    job = samples.chart_job(4)
    write_docx(job, tmp_path / "c.docx")
    lines = read_docx(tmp_path / "c.docx").body_lines
    assert lines[lines.index("Contents") + 1] == "Date of service\tNote\tStatus"
    assert "2026-01-15\tSOAP Progress Note\tSigned · 2 addenda" in lines
    body = docx.Document(str(tmp_path / "c.docx")).element.body
    breaks = body.findall(".//" + docx.oxml.ns.qn("w:pageBreakBefore"))
    assert len(breaks) == 4 + 1  # each note and the treatment plan start a page


def test_a_200_note_chart_round_trips(tmp_path: Path) -> None:
    job = samples.chart_job(200, logo=False)
    _roundtrip(job, tmp_path / "big.docx")


def _edit_first_paragraph(path: Path, old: str, new: str) -> None:
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if old in run.text:
                run.text = run.text.replace(old, new, 1)
                document.save(str(path))
                return
    raise AssertionError("text to edit not found")


def test_editing_one_word_in_a_paragraph_is_detected(tmp_path: Path) -> None:
    job = samples.job(samples.signed_note())
    path = tmp_path / "e.docx"
    write_docx(job, path)
    _edit_first_paragraph(path, "moderate progress", "excellent progress")
    assert read_docx(path).body_lines != expected_body_lines(job)
    assert read_docx(path).proof == job.proof  # the proof survives python-docx re-saves


def test_editing_a_table_cell_is_detected(tmp_path: Path) -> None:
    job = samples.job(samples.signed_note())
    path = tmp_path / "t.docx"
    write_docx(job, path)
    document = docx.Document(str(path))
    cell = next(
        row.cells[1]
        for table in document.tables
        for row in table.rows
        if row.cells[0].text == "Service code"
    )
    cell.paragraphs[0].runs[0].text = "90834 — Psychotherapy, 45 minutes"
    document.save(str(path))
    assert read_docx(path).body_lines != expected_body_lines(job)


def test_hidden_text_and_added_paragraphs_are_detected(tmp_path: Path) -> None:
    job = samples.job(samples.signed_note())
    path = tmp_path / "h.docx"
    write_docx(job, path)
    document = docx.Document(str(path))
    risk = next(p for p in document.paragraphs if p.text.startswith("Risk remains low"))
    risk.runs[0].font.hidden = True  # hiding signed text is refused as unmodelled formatting
    document.save(str(path))
    assert any("hidden text (w:vanish)" in f for f in read_docx(path).findings)
    write_docx(job, path)
    document = docx.Document(str(path))
    document.add_paragraph("Client later reported …")
    document.save(str(path))
    assert read_docx(path).body_lines != expected_body_lines(job)


def test_harmless_spacing_is_not_an_edit(tmp_path: Path) -> None:
    job = samples.job(samples.signed_note())
    path = tmp_path / "s.docx"
    write_docx(job, path)
    _edit_first_paragraph(path, "moderate progress", "moderate\u00a0 progress ")
    assert read_docx(path).body_lines == expected_body_lines(job)


def test_file_is_owner_only_and_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "n.docx"
    path.write_bytes(b"old")
    write_docx(samples.job(samples.signed_note()), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["n.docx"]


def test_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "n.docx"
    path.write_bytes(b"old")

    def boom(*_args: object, **_kw: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        write_docx(samples.job(samples.signed_note()), path)
    assert path.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["n.docx"]


def test_missing_folder_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(ExportWriteError) as err:
        write_docx(samples.job(samples.signed_note()), tmp_path / "nope" / "n.docx")
    assert isinstance(err.value, InvalidInputError)
    assert "Jordan" not in str(err.value)


def test_paragraph_text_keeps_line_breaks_and_splits_at_blank_lines(tmp_path: Path) -> None:
    doc = Document(title="T", blocks=(Paragraph("one\ntwo\n\nthree\r\nfour\x00"),))
    job = samples.job(replace(samples.signed_note(), document=doc))
    write_docx(job, tmp_path / "p.docx")
    lines = read_docx(tmp_path / "p.docx").body_lines
    assert "one\ntwo" in lines
    assert "three\nfour\ufffd" in lines
