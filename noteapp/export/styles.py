"""The look of an export: fonts, paragraph styles and page measures, set once per document."""

from __future__ import annotations

from functools import cache

from docx.oxml.parser import parse_xml
from lxml import etree

from noteapp.domain.paper import PaperSize
from noteapp.export import allowlist as al
from noteapp.export.allowlist import W

FONT = "Calibri"
INK = "1F3864"  # dark blue-grey for titles and headings: prints well in colour and grey
MUTED = "595959"  # secondary text: grey, still legible on a photocopy
RULE = "A6A6A6"
GRID = "BFBFBF"
KEY_FILL = "F2F2F2"
HEAD_FILL = "DCE3EE"
ALERT = "C00000"

# Page: the paper-size setting (US Letter or A4) with 0.8 in (2 cm) margins; twips (1/1440 in).
PAGE_MARGIN_TWIPS = 1152


def text_width_twips(paper: PaperSize) -> int:
    """The width between the margins: full-width tables and the footer's right tab use it."""
    return paper.width_twips - 2 * PAGE_MARGIN_TWIPS


BODY_HALF_POINTS = 21  # 10.5 pt

_FONTS = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'


def _rpr(size: int, *, bold: bool = False, italic: bool = False, color: str = "") -> str:
    parts = ["<w:rPr>", _FONTS]
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>')
    return "".join(parts)


def _spacing(before: int, after: int, line: int = 264) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'


def _style(
    style_id: str,
    name: str,
    ppr: str,
    rpr: str,
    *,
    based_on: str = "Normal",
    custom: bool = True,
    next_id: str = "",
    outline: int | None = None,
) -> str:
    attrs = ' w:customStyle="1"' if custom else ""
    if style_id == "Normal":
        attrs = ' w:default="1"'
    parts = [f'<w:style w:type="paragraph"{attrs} w:styleId="{style_id}">']
    parts.append(f'<w:name w:val="{name}"/>')
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_id:
        parts.append(f'<w:next w:val="{next_id}"/>')
    parts.append("<w:qFormat/>")
    if outline is not None:
        ppr = ppr + f'<w:outlineLvl w:val="{outline}"/>'
    parts.append(f"<w:pPr>{ppr}</w:pPr>{rpr}</w:style>")
    return "".join(parts)


def _heading(level: int, size: int, before: int) -> str:
    return _style(
        f"Heading{level}",
        f"heading {level}",
        "<w:keepNext/><w:keepLines/>" + _spacing(before, 60, 240),
        _rpr(size, bold=True, color=INK),
        custom=False,
        next_id="Normal",
        outline=level - 1,
    )


_RULE_BELOW = f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="4" w:color="{INK}"/></w:pBdr>'
_RULE_ABOVE = f'<w:pBdr><w:top w:val="single" w:sz="4" w:space="6" w:color="{RULE}"/></w:pBdr>'

_STYLES = [
    _style("Normal", "Normal", _spacing(0, 120), _rpr(BODY_HALF_POINTS), based_on="", custom=False),
    _style(
        "Title",
        "Title",
        "<w:keepNext/>" + _RULE_BELOW + _spacing(60, 160, 240),
        _rpr(32, bold=True, color=INK),
        custom=False,
        next_id="Normal",
    ),
    _heading(1, 27, 240),
    _heading(2, 24, 220),
    _heading(3, 22, 180),
    _style(
        "ListBullet",
        "List Bullet",
        '<w:numPr><w:numId w:val="1"/></w:numPr>' + _spacing(0, 60),
        _rpr(BODY_HALF_POINTS),
        custom=False,
    ),
    _style(
        "NoteappEntryHeading",
        "Noteapp Entry Heading",
        "<w:keepNext/><w:keepLines/>" + _RULE_ABOVE + _spacing(300, 60, 240),
        _rpr(22, bold=True, color=INK),
        based_on="Heading3",
        next_id="NoteappEntryMeta",
    ),
    _style(
        "NoteappEntryMeta",
        "Noteapp Entry Details",
        "<w:keepNext/>" + _spacing(0, 40),
        _rpr(19, italic=True, color=MUTED),
    ),
    _style(
        "NoteappAttestation",
        "Noteapp Attestation",
        "<w:keepNext/><w:keepLines/>" + _spacing(120, 80),
        _rpr(20, italic=True),
    ),
    _style(
        "NoteappSignature",
        "Noteapp Signature",
        "<w:keepNext/><w:keepLines/>" + _spacing(120, 20),
        _rpr(BODY_HALF_POINTS, bold=True),
    ),
    _style(
        "NoteappSignatureMeta",
        "Noteapp Signature Details",
        "<w:keepLines/>" + _spacing(0, 160),
        _rpr(18, color=MUTED),
    ),
    _style(
        "NoteappDraftSignature",
        "Noteapp Draft Marking",
        _spacing(160, 160),
        _rpr(24, bold=True, color=ALERT),
    ),
    _style(
        "NoteappLetterheadName",
        "Noteapp Letterhead Name",
        _spacing(0, 20, 240),
        _rpr(28, bold=True, color=INK),
    ),
    _style(
        "NoteappLetterheadLine",
        "Noteapp Letterhead Line",
        _spacing(0, 0, 240),
        _rpr(18, color=MUTED),
    ),
    _style("NoteappSpacer", "Noteapp Spacer", _spacing(0, 0, 240), _rpr(al.MIN_HALF_POINTS)),
    _style("NoteappTableText", "Noteapp Table Text", _spacing(30, 30, 240), _rpr(20)),
    _style(
        "NoteappTableKey",
        "Noteapp Table Key",
        _spacing(30, 30, 240),
        _rpr(20, bold=True),
        based_on="NoteappTableText",
    ),
    _style(
        "NoteappHeaderDraft",
        "Noteapp Header Draft",
        '<w:jc w:val="center"/>' + _spacing(0, 60, 240),
        _rpr(28, bold=True, color=ALERT),
    ),
    _style(
        "NoteappHeaderClient",
        "Noteapp Header Client",
        f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/></w:pBdr>'
        + _spacing(0, 0, 240),
        _rpr(18, color=MUTED),
    ),
]


def _footer(text_width: int) -> str:
    """The footer's style: "Page X of Y" on a right tab at the right margin of this paper."""
    return _style(
        "NoteappFooter",
        "Noteapp Footer",
        f'<w:tabs><w:tab w:val="right" w:pos="{text_width}"/></w:tabs>' + _spacing(0, 0, 240),
        _rpr(16, color=MUTED),
    )


_DEFAULTS = (
    f"<w:docDefaults><w:rPrDefault>{_rpr(BODY_HALF_POINTS)}</w:rPrDefault>"
    f"<w:pPrDefault><w:pPr>{_spacing(0, 120)}</w:pPr></w:pPrDefault></w:docDefaults>"
)


@cache
def _fragment(paper: PaperSize) -> bytes:
    styles = "".join([*_STYLES, _footer(text_width_twips(paper))])
    return f'<w:styles xmlns:w="{W}">{_DEFAULTS}{styles}</w:styles>'.encode()


def install_styles(styles: etree._Element, *, paper: PaperSize) -> None:
    """Replace the template's defaults and our paragraph styles in a styles part, once."""
    fresh = parse_xml(_fragment(paper))
    by_id = {el.get(f"{{{W}}}styleId"): el for el in styles.iterfind(f"{{{W}}}style")}
    old_defaults = styles.find(f"{{{W}}}docDefaults")
    new_defaults = fresh.find(f"{{{W}}}docDefaults")
    if old_defaults is not None and new_defaults is not None:
        styles.replace(old_defaults, new_defaults)
    for style in list(fresh.iterfind(f"{{{W}}}style")):
        old = by_id.get(style.get(f"{{{W}}}styleId"))
        if old is not None:
            styles.replace(old, style)
        else:
            styles.append(style)
