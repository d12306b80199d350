"""Red team, end to end: real signed exports forged so that LibreOffice shows text that was
not signed, each of which `noteapp verify` accepted before (exit 0, "valid"). Rendering
checked with tools/render-docx: "NOT" before the signed risk sentence; another client's name
in the page header; the risk sentence off the page; the sentence in dingbats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from noteapp.cli.main import main
from noteapp.services.verification import Status, verify_docx
from noteapp.services.workspace import Workspace
from tests.core import test_verify_exports as signed_exports
from tests.export import docx_edit as ed

RISK = "Suicidal ideation: denied"
OTHER_CLIENT = "Riley Quimby · Date of birth 1977-01-01"
ws, exported = signed_exports.ws, signed_exports.exported  # fixtures


def _numbered_with_a_twin(xml: bytes) -> bytes:
    """List 77 defined twice: the first (LibreOffice's pick) labels its item "NOT"."""
    text = xml.decode()
    words = '<w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="NOT"/></w:lvl>'
    bullet = '<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>'
    first = text.index("<w:abstractNum ")
    text = (
        text[:first]
        + f'<w:abstractNum w:abstractNumId="77">{bullet}</w:abstractNum>'
        + f'<w:abstractNum w:abstractNumId="78">{words}</w:abstractNum>'
        + text[first:]
    )
    twins = (
        '<w:num w:numId="77"><w:abstractNumId w:val="78"/></w:num>'
        '<w:num w:numId="77"><w:abstractNumId w:val="77"/></w:num>'
    )
    return text.replace("</w:numbering>", twins + "</w:numbering>").encode()


def _risk_in_list_77(xml: str) -> str:
    return ed.paragraph_with(
        RISK,
        lambda p: re.sub(
            r"<w:pPr>",
            '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="77"/></w:numPr>',
            p,
            count=1,
        ),
    )(xml)


def _forgeries(exported: Path, tmp_path: Path) -> dict[str, Path]:
    header = ed.add_related_part(
        exported,
        tmp_path / "header.docx",
        name="header9.xml",
        kind="header",
        data=ed.page_part_xml("header", OTHER_CLIENT),
        rid="rId1",  # the id of the signed header: LibreOffice follows the first one
        first=True,
    )
    listed = ed.rewrite(
        exported,
        tmp_path / "not.docx",
        {
            "word/document.xml": lambda b: _risk_in_list_77(b.decode()).encode(),
            "word/numbering.xml": _numbered_with_a_twin,
        },
    )
    fonts = ed.edit_document(
        exported, tmp_path / "font.docx", ed.run_properties(RISK, '<w:rFonts w:ascii="D050000L"/>')
    )
    return {"header": header, "not": listed, "font": fonts}


@pytest.mark.parametrize("which", ["header", "not", "font"])
def test_forged_exports_that_a_reader_shows_differently_fail(
    which: str, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = _forgeries(exported, tmp_path)[which]
    report = verify_docx(forged)
    assert report.status == Status.INVALID, report.summary
    assert not report.ok and report.problems
    assert main(["verify", str(forged)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out or "cannot be verified" in out


def test_the_untouched_export_still_verifies(exported: Path) -> None:
    assert verify_docx(exported).ok


def test_a_co_signature_by_the_notes_own_author_fails(ws: Workspace, tmp_path: Path) -> None:
    # Red team: the author signs a "supervisor co-signature" of her own note with her own key
    # (a script with her vault does it; the app's review flow refuses). Every signature checks
    # out and every signer is trusted, so it verified as a supervised note.
    from noteapp.domain.signatures import ItemType
    from noteapp.export import write_docx
    from noteapp.services.exports import sealed_job
    from noteapp.signing.proof import NoteProof, Proof

    np = ws.signing.proof(signed_exports.signed_note(ws))
    own = ws.signing.make_review_item(np, item_type=ItemType.COSIGNATURE, text="Agreed.")
    out = tmp_path / "self.docx"
    write_docx(sealed_job(ws.signing, Proof((NoteProof((*np.items, own)),)), made_by="x"), out)
    report = verify_docx(out, trusted_keys=ws.review.trusted())
    assert report.status == Status.INVALID, report.summary
    assert any("own author" in p for p in report.problems), report.problems
