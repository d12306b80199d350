"""The reader fails closed: whatever a reader would show that the verifier does not model —
in the body, any header or footer, the styles or the list definitions — is a finding with a
plain sentence (verification then fails), and what the writer produces has none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from noteapp.export import read_docx, write_docx
from tests.export import docx_edit as ed
from tests.export import samples

RISK = "Risk remains low"
MC = f'xmlns:mc="{ed.MC_NS}"'


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.docx"
    write_docx(samples.job(samples.signed_note()), path)
    assert read_docx(path).findings == ()
    return path


def _findings(path: Path) -> str:
    found = read_docx(path).findings
    assert found, "the edit was not noticed"
    for sentence in found:
        assert sentence.endswith(".") and "Jordan" not in sentence
    return " ".join(found)


# Each edit adds something a reader shows (or hides) that the verifier does not model.
BODY_EDITS = {
    "symbol": (
        ed.after_run_with(RISK, '<w:r><w:sym w:font="Wingdings" w:char="F04E"/></w:r>'),
        "a symbol character (w:sym)",
    ),
    "alternate-content-inline": (
        ed.after_run_with(
            RISK,
            f'<mc:AlternateContent {MC}><mc:Choice Requires="w14"><w:r><w:t/></w:r></mc:Choice>'
            "<mc:Fallback><w:r><w:t>NOT</w:t></w:r></mc:Fallback></mc:AlternateContent>",
        ),
        "alternate content (mc:AlternateContent)",
    ),
    "alternate-content-block": (
        ed.paragraph_with(
            RISK,
            lambda p: (
                f'<mc:AlternateContent {MC}><mc:Choice Requires="w14">{p}</mc:Choice>'
                f"<mc:Fallback>{p.replace('low', 'high')}</mc:Fallback></mc:AlternateContent>"
            ),
        ),
        "alternate content (mc:AlternateContent)",
    ),
    "text-box": (
        ed.after_run_with(
            RISK,
            '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
            "<w:txbxContent><w:p><w:r><w:t>NOT</w:t></w:r></w:p></w:txbxContent>"
            "</v:textbox></v:shape></w:pict></w:r>",
        ),
        "(w:pict)",
    ),
    "text-split-by-a-comment": (
        ed.after_run_with(RISK, "<w:r><w:t>x<!-- a reader shows what follows -->NOT</w:t></w:r>"),
        "a processing instruction or comment",
    ),
    "embedded-object": (ed.after_run_with(RISK, "<w:r><w:object/></w:r>"), "(w:object)"),
    "field": (
        ed.after_run_with(
            RISK, '<w:fldSimple w:instr=" MERGEFIELD x "><w:r><w:t>NOT</w:t></w:r></w:fldSimple>'
        ),
        "a field (w:fldSimple)",
    ),
    "complex-field": (
        ed.after_run_with(
            RISK,
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText>'
            '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>NOT</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        ),
        "a field (w:fldChar)",
    ),
    "tracked-deletion": (
        ed.after_run_with(
            RISK, '<w:del w:id="9" w:author="x"><w:r><w:delText>NOT</w:delText></w:r></w:del>'
        ),
        "a tracked deletion (w:del)",
    ),
    "content-control": (
        ed.paragraph_with(RISK, lambda p: f"<w:sdt><w:sdtContent>{p}</w:sdtContent></w:sdt>"),
        "a content control (w:sdt)",
    ),
    "hyperlink": (
        ed.after_run_with(RISK, "<w:hyperlink><w:r><w:t>x</w:t></w:r></w:hyperlink>"),
        "a hyperlink",
    ),
    "hidden": (ed.run_properties(RISK, "<w:vanish/>"), "hidden text (w:vanish)"),
    "struck-through": (ed.run_properties(RISK, "<w:strike/>"), "struck-through text"),
    "white": (ed.run_properties(RISK, '<w:color w:val="FFFFFF"/>'), "too light to read"),
    "theme-colour": (
        ed.run_properties(RISK, '<w:color w:val="000000" w:themeColor="background1"/>'),
        "theme text colour",
    ),
    "dark-shading": (
        ed.run_properties(RISK, '<w:shd w:val="clear" w:fill="101010"/>'),
        "dark shading",
    ),
    "dark-highlight": (ed.run_properties(RISK, '<w:highlight w:val="black"/>'), "highlighting"),
    "tiny": (ed.run_properties(RISK, '<w:sz w:val="2"/>'), "smaller than 6 pt"),
    "squeezed": (ed.run_properties(RISK, '<w:w w:val="5"/>'), "squeezed"),
    "raised": (ed.run_properties(RISK, '<w:position w:val="400"/>'), "raised or lowered"),
    "condensed": (ed.run_properties(RISK, '<w:spacing w:val="-200"/>'), "overlapping letters"),
    "fit-text": (ed.run_properties(RISK, '<w:fitText w:val="20" w:id="1"/>'), "(w:fitText)"),
    "symbol-font": (ed.run_properties(RISK, '<w:rFonts w:ascii="Wingdings"/>'), "symbol font"),
    "right-to-left": (ed.run_properties(RISK, "<w:rtl/>"), "reading direction"),
    "frame": (
        ed.paragraph_with(RISK, lambda p: p.replace("<w:pPr>", '<w:pPr><w:framePr w:x="9000"/>')),
        "a text frame (w:framePr)",
    ),
    "off-page": (
        ed.paragraph_with(RISK, lambda p: p.replace("<w:pPr>", '<w:pPr><w:ind w:left="-30000"/>')),
        "indented off the page",
    ),
    "background": (
        lambda xml: xml.replace("<w:body>", '<w:background w:color="000000"/><w:body>'),
        "a page background",
    ),
    "floating-picture": (
        lambda xml: xml.replace("<wp:inline", "<wp:anchor").replace("</wp:inline>", "</wp:anchor>"),
        "(wp:anchor)",
    ),
    "picture-alt-text": (
        lambda xml: re.sub(r"(<wp:docPr[^>]*?)(/?>)", r'\1 descr="NOT denied"\2', xml, count=1),
        "alternative text",
    ),
}


@pytest.mark.parametrize("name", sorted(BODY_EDITS))
def test_unmodelled_content_in_the_body_is_a_finding(name: str, good: Path, tmp_path: Path) -> None:
    edit, expected = BODY_EDITS[name]
    edited = ed.edit_document(good, tmp_path / f"{name}.docx", edit)
    assert expected in _findings(edited)


def test_a_first_page_header_is_read_and_compared(good: Path, tmp_path: Path) -> None:
    forged = ed.add_page_part(
        good,
        tmp_path / "f.docx",
        kind="header",
        ref_type="first",
        text="Riley Quimby",
        title_page=True,
    )
    headers = {h.label: h.lines for h in read_docx(forged).headers}
    assert headers["the first-page header"] == ["Riley Quimby"]
    assert headers["the page header"] == ["Jordan Avery · Date of birth 1990-04-12"]


def test_a_title_page_without_its_own_header_shows_none(good: Path, tmp_path: Path) -> None:
    def title_page(xml: str) -> str:
        return xml.replace("</w:sectPr></w:body>", "<w:titlePg/></w:sectPr></w:body>")

    edited = ed.edit_document(good, tmp_path / "t.docx", title_page)
    headers = {h.label: h.lines for h in read_docx(edited).headers}
    assert headers["the first-page header"] == []  # page 1 would show no client and no DRAFT


def test_even_page_headers_and_footers_are_read(good: Path, tmp_path: Path) -> None:
    step = ed.add_page_part(good, tmp_path / "a.docx", kind="header", ref_type="even", text="X")
    step = ed.add_page_part(step, tmp_path / "b.docx", kind="footer", ref_type="even", text="Y")
    result = read_docx(ed.even_and_odd_pages(step, tmp_path / "c.docx"))
    assert {h.label: h.lines for h in result.headers}["the even-page header"] == ["X"]
    assert {f.label: f.lines for f in result.footers}["the even-page footer"] == ["Y"]


def test_a_page_number_field_must_show_a_number(good: Path, tmp_path: Path) -> None:
    def footer(data: bytes) -> bytes:
        return re.sub(
            rb"(<w:fldSimple w:instr=\" PAGE \"><w:r>)<w:t[^>]*>1</w:t>",
            rb"\1<w:t>NOT denied</w:t>",
            data,
        )

    edited = ed.rewrite(good, tmp_path / "p.docx", {"word/footer1.xml": footer})
    assert "shows text instead of a number" in _findings(edited)


def test_a_style_that_hides_text_is_a_finding(good: Path, tmp_path: Path) -> None:
    def styles(data: bytes) -> bytes:
        xml = data.decode()
        start = xml.index('w:styleId="Normal"')
        at = xml.index("<w:rPr>", start) + len("<w:rPr>")
        return (xml[:at] + "<w:vanish/>" + xml[at:]).encode()

    edited = ed.rewrite(good, tmp_path / "s.docx", {"word/styles.xml": styles})
    assert "hidden text (w:vanish) in the document's styles" in _findings(edited)


def test_a_list_level_that_shows_words_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "bullets.docx"
    write_docx(samples.job(samples.signed_note()), path)  # the Plan section is a bullet list

    def numbering(data: bytes) -> bytes:
        return re.sub(
            rb'(<w:lvl w:ilvl="0"[^>]*>.*?<w:lvlText w:val=")[^"]*"', rb'\1NOT "', data, flags=re.S
        )

    edited = ed.rewrite(path, tmp_path / "n.docx", {"word/numbering.xml": numbering})
    assert "shows numbers or text of its own" in _findings(edited)


def test_an_embedded_font_is_a_finding(good: Path, tmp_path: Path) -> None:
    def fonts(data: bytes) -> bytes:
        return data.replace(b"</w:font>", b'<w:embedRegular r:id="rId1"/></w:font>', 1)

    edited = ed.rewrite(good, tmp_path / "f.docx", {"word/fontTable.xml": fonts})
    assert "embeds a font" in _findings(edited)


def test_the_number_of_findings_is_bounded(good: Path, tmp_path: Path) -> None:
    many = "".join(
        f'<w:r><w:sym w:font="x{i}" w:char="F04E"/><w:object/></w:r>' for i in range(500)
    )
    edited = ed.edit_document(good, tmp_path / "m.docx", ed.after_run_with(RISK, many))
    assert 1 <= len(read_docx(edited).findings) <= 20


def test_every_section_shows_its_own_headers(good: Path, tmp_path: Path) -> None:
    # A section break after the title: section 1 gets a header of its own naming someone else.
    step = ed.add_page_part(good, tmp_path / "a.docx", kind="header", ref_type="even", text="X Y")

    def section_break(xml: str) -> str:
        ref = '<w:headerReference w:type="even" r:id="rIdForgedheadereven"/>'
        xml = xml.replace(ref, "", 1)
        own = ref.replace('"even"', '"default"')
        brk = f"<w:p><w:pPr><w:sectPr>{own}</w:sectPr></w:pPr></w:p>"
        return xml.replace("<w:body>", "<w:body>" + brk, 1)

    result = read_docx(ed.edit_document(step, tmp_path / "s.docx", section_break))
    headers = {h.label: h.lines for h in result.headers}
    assert headers["the page header of section 1"] == ["X Y"]
    assert headers["the page header of section 2"] == ["Jordan Avery · Date of birth 1990-04-12"]
    assert headers["the page header of section 1"] != headers["the page header of section 2"]
