"""Issue #9, point 1: edits a reader sees but the old verifier did not model now fail
verification with a plain sentence (they all verified as "Valid … text is unchanged")."""

from __future__ import annotations

from pathlib import Path

from noteapp.services.verification import Status, verify_docx
from tests.core import test_verify_exports as signed_exports
from tests.export import docx_edit as ed

RISK = "Suicidal ideation: denied"
ws, exported = signed_exports.ws, signed_exports.exported  # fixtures


def _failed(path: Path, expected: str) -> str:
    report = verify_docx(path)
    assert report.status == Status.INVALID, report.summary
    assert not report.ok
    text = " ".join(report.problems)
    assert expected in text, text
    assert report.summary.startswith("Verification FAILED: ")
    return text


def test_symbol_characters_inserting_glyphs_fail(exported: Path, tmp_path: Path) -> None:
    # LibreOffice shows "Suicidal ideation: NOT denied".
    glyphs = "".join(f'<w:sym w:font="Arial" w:char="{ord(c):04X}"/>' for c in "NOT ")

    def edit(xml: str) -> str:
        return xml.replace(
            "Suicidal ideation: denied",
            f'Suicidal ideation: </w:t></w:r><w:r>{glyphs}</w:r><w:r><w:t xml:space="preserve">'
            "denied",
            1,
        )

    forged = ed.edit_document(exported, tmp_path / "sym.docx", edit)
    _failed(forged, "The document contains a symbol character (w:sym) in the body")


def test_alternate_content_whose_fallback_differs_fails(exported: Path, tmp_path: Path) -> None:
    # A reader that does not understand the Choice shows the Fallback instead.
    def alternate(paragraph: str) -> str:
        fallback = paragraph.replace("Suicidal ideation: denied", "Suicidal ideation: endorsed")
        return (
            f'<mc:AlternateContent xmlns:mc="{ed.MC_NS}"><mc:Choice Requires="w14">{paragraph}'
            f"</mc:Choice><mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent>"
        )

    forged = ed.edit_document(exported, tmp_path / "mc.docx", ed.paragraph_with(RISK, alternate))
    _failed(forged, "alternate content (mc:AlternateContent)")


def test_a_first_page_header_naming_another_client_fails(exported: Path, tmp_path: Path) -> None:
    forged = ed.add_page_part(
        exported,
        tmp_path / "first.docx",
        kind="header",
        ref_type="first",
        text="Riley Quimby · Date of birth 1985-02-03",
        title_page=True,
    )
    problems = _failed(forged, "The first-page header does not match the signed client details")
    assert "Riley Quimby" in problems


def test_even_page_headers_and_footers_fail(exported: Path, tmp_path: Path) -> None:
    step = ed.add_page_part(
        exported, tmp_path / "a.docx", kind="header", ref_type="even", text="Riley Quimby"
    )
    step = ed.add_page_part(
        step, tmp_path / "b.docx", kind="footer", ref_type="even", text="Page 1 of 1"
    )
    forged = ed.even_and_odd_pages(step, tmp_path / "even.docx")
    problems = _failed(forged, "The even-page header does not match the signed client details")
    assert "The even-page footer is not the one noteapp writes" in problems


def test_the_untouched_export_still_verifies(exported: Path) -> None:
    report = verify_docx(exported)
    assert report.ok, report.problems
