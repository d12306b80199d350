"""The client's copy of a safety plan as .docx: plain, large and calm, for someone in distress.

Large type (items 16 pt, steps 20 pt), generous spacing, the crisis numbers first and very
prominent, the reasons for living in their own box, and nothing clinical: no codes, no
diagnosis, no signature or hash. Laid out so the last page is never a near-empty one:
"Keep this where you can find it" is said under the title, long steps may break between
items (never after the first or before the last), and the last step stays with the box.
Written atomically, owner-only (0600), like every export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.oxml.parser import parse_xml
from docx.shared import Emu, Inches, Twips
from lxml import etree

from noteapp.domain.paper import PaperSize
from noteapp.domain.safety_plan import ClientCopy
from noteapp.export.allowlist import W
from noteapp.export.files import write_atomic
from noteapp.export.proof import RT_CUSTOM_XML
from noteapp.export.text import clean_text
from noteapp.export.writer import make_paragraph

FONT = "Calibri"
INK = "1D4E5F"  # deep blue-green: calm, prints dark on grey photocopiers
TEXT = "262626"
SOFT = "404040"
CRISIS_FILL = "E8F1F6"
CRISIS_LINE = "8FB3C9"
REASONS_FILL = "FDF3E1"
REASONS_LINE = "E3C48E"
RULE = "BFCFD8"
MARGIN_TWIPS = 1080  # 0.75 in, on either paper (the paper-size setting: Letter or A4)
BOX_PAD_TWIPS = 240
BULLET_NUM_ID = "901"  # our own list definition, not the template's

KEEP_TOGETHER_ITEMS = 4  # a step this short never splits across pages
ITEM_HALF_POINTS = 32  # 16 pt: every item the client reads
PROMPT_HALF_POINTS = 28  # 14 pt
STEP_HALF_POINTS = 40  # 20 pt
CALL_HALF_POINTS = 52  # 26 pt: "Call or text 988"

_RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_FONTS = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'


def _rpr(size: int, *, bold: bool = False, italic: bool = False, color: str = TEXT) -> str:
    b = "<w:b/><w:bCs/>" if bold else ""
    i = "<w:i/><w:iCs/>" if italic else ""
    return (
        f'<w:rPr>{_FONTS}{b}{i}<w:color w:val="{color}"/>'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    )


def _spacing(before: int, after: int, line: int = 288) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'


def _style(style_id: str, ppr: str, rpr: str, *, default: bool = False) -> str:
    attrs = ' w:default="1"' if default else ' w:customStyle="1"'
    based = "" if default else '<w:basedOn w:val="Normal"/>'
    name = "Normal" if default else style_id
    return (
        f'<w:style w:type="paragraph"{attrs} w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{based}<w:qFormat/><w:pPr>{ppr}</w:pPr>{rpr}</w:style>"
    )


_STEP_RULE = f'<w:pBdr><w:bottom w:val="single" w:sz="8" w:space="4" w:color="{RULE}"/></w:pBdr>'
_KEEP = "<w:keepNext/><w:keepLines/>"

STYLES = {
    "Normal": _style("Normal", _spacing(0, 120), _rpr(ITEM_HALF_POINTS), default=True),
    "SafetyTitle": _style(
        "SafetyTitle", _KEEP + _spacing(0, 60, 240), _rpr(64, bold=True, color=INK)
    ),
    "SafetyFor": _style("SafetyFor", _KEEP + _spacing(0, 40), _rpr(30, color=SOFT)),
    "SafetyCrisisIntro": _style(
        "SafetyCrisisIntro",
        _KEEP + _spacing(80, 120, 264),
        _rpr(ITEM_HALF_POINTS, bold=True, color=TEXT),
    ),
    "SafetyCall": _style(
        "SafetyCall", _KEEP + _spacing(120, 0, 240), _rpr(CALL_HALF_POINTS, bold=True, color=INK)
    ),
    "SafetyCallName": _style("SafetyCallName", _spacing(20, 80, 264), _rpr(PROMPT_HALF_POINTS)),
    "SafetyStep": _style(
        "SafetyStep",
        _KEEP + _STEP_RULE + _spacing(360, 80, 252),
        _rpr(STEP_HALF_POINTS, bold=True, color=INK),
    ),
    "SafetyPrompt": _style(
        "SafetyPrompt",
        _KEEP + _spacing(0, 100, 264),
        _rpr(PROMPT_HALF_POINTS, italic=True, color=SOFT),
    ),
    "SafetyItem": _style(
        "SafetyItem",
        f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{BULLET_NUM_ID}"/></w:numPr>'
        + _spacing(0, 100, 288),
        _rpr(ITEM_HALF_POINTS),
    ),
    "SafetyWriteIn": _style(
        "SafetyWriteIn",
        f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="{RULE}"/></w:pBdr>'
        + _spacing(360, 0, 240),
        _rpr(ITEM_HALF_POINTS),
    ),
    "SafetyReasonsHead": _style(
        "SafetyReasonsHead",
        _KEEP + _spacing(80, 120, 252),
        _rpr(STEP_HALF_POINTS, bold=True, color=INK),
    ),
    "SafetyReason": _style("SafetyReason", _spacing(0, 120, 288), _rpr(36, color=TEXT)),
    # Under the title: said first, and never left alone on a last page of its own.
    "SafetyKeep": _style("SafetyKeep", _spacing(0, 280, 264), _rpr(28, bold=True, color=INK)),
}


def _footer(text_width: int) -> str:
    """The footer's style: "Page X of Y" on a right tab at this paper's right margin."""
    return _style(
        "SafetyFooter",
        f'<w:tabs><w:tab w:val="right" w:pos="{text_width}"/></w:tabs>' + _spacing(0, 0, 240),
        _rpr(22, color=SOFT),
    )


_DEFAULTS = (
    f"<w:docDefaults><w:rPrDefault>{_rpr(ITEM_HALF_POINTS)}</w:rPrDefault>"
    f"<w:pPrDefault><w:pPr>{_spacing(0, 120)}</w:pPr></w:pPrDefault></w:docDefaults>"
)

# A large round bullet with room after it; Symbol-font bullets of the template are avoided.
_ABSTRACT_NUM = (
    f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="{BULLET_NUM_ID}">'
    '<w:multiLevelType w:val="singleLevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>'
    '<w:pPr><w:ind w:left="620" w:hanging="400"/></w:pPr>'
    f'<w:rPr>{_FONTS}<w:color w:val="{INK}"/></w:rPr></w:lvl></w:abstractNum>'
)
_NUM = (
    f'<w:num xmlns:w="{W}" w:numId="{BULLET_NUM_ID}">'
    f'<w:abstractNumId w:val="{BULLET_NUM_ID}"/></w:num>'
)


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _sub(parent: Any, tag: str, **attrs: str) -> Any:
    el = etree.SubElement(parent, _q(tag))
    for key, value in attrs.items():
        el.set(_q(key), value)
    return el


def _install_styles(styles: Any, text_width: int) -> None:
    own = "".join([*STYLES.values(), _footer(text_width)])
    fresh = parse_xml(f'<w:styles xmlns:w="{W}">{_DEFAULTS}{own}</w:styles>')
    by_id = {el.get(_q("styleId")): el for el in styles.iterfind(_q("style"))}
    old_defaults = styles.find(_q("docDefaults"))
    new_defaults = fresh.find(_q("docDefaults"))
    if old_defaults is not None and new_defaults is not None:
        styles.replace(old_defaults, new_defaults)
    for style in list(fresh.iterfind(_q("style"))):
        old = by_id.get(style.get(_q("styleId")))
        if old is not None:
            styles.replace(old, style)
        else:
            styles.append(style)


def _install_bullets(doc: Any) -> None:
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(_q("num"))
    abstract = parse_xml(_ABSTRACT_NUM)
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(_NUM))


def _box(parent: Any, fill: str, line: str, width: int) -> Any:
    """A one-cell shaded box with a soft border, ``width`` twips wide; returns the cell."""
    tbl = _sub(parent, "tbl")
    pr = _sub(tbl, "tblPr")
    _sub(pr, "tblW", w=str(width), type="dxa")
    _sub(pr, "tblInd", w=str(BOX_PAD_TWIPS), type="dxa")
    borders = _sub(pr, "tblBorders")
    for side in ("top", "left", "bottom", "right"):
        _sub(borders, side, val="single", sz="12", space="0", color=line)
    _sub(pr, "tblLayout", type="fixed")
    margins = _sub(pr, "tblCellMar")
    pad = str(BOX_PAD_TWIPS)
    for side, space in (("top", "140"), ("left", pad), ("bottom", "180"), ("right", pad)):
        _sub(margins, side, w=space, type="dxa")
    _sub(pr, "tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0")
    _sub(_sub(tbl, "tblGrid"), "gridCol", w=str(width))
    tr = _sub(tbl, "tr")
    _sub(_sub(tr, "trPr"), "cantSplit")
    tc = _sub(tr, "tc")
    tcpr = _sub(tc, "tcPr")
    _sub(tcpr, "tcW", w=str(width), type="dxa")
    _sub(tcpr, "shd", val="clear", color="auto", fill=fill)
    return tc


def _field(p: Any, instr: str) -> None:
    fld = _sub(p, "fldSimple", instr=f" {instr} ")
    t = _sub(_sub(fld, "r"), "t")
    t.text = "1"


def _keep_item(index: int, count: int, final: bool) -> bool:
    """Whether item `index` (1-based) of `count` stays on the page of the next paragraph.

    A short step never splits. A longer one may, but never leaves its heading with a lone
    first item at the foot of a page, nor a lone last item at the top of the next; the last
    step's items stay with the reasons box that follows them. (The whole of every step kept
    together left half-empty pages, and a third page for one line.)"""
    if index == count:
        return final
    if count <= KEEP_TOGETHER_ITEMS or final:
        return True
    return index == 1 or index == count - 1


class _CopyBuilder:
    def __init__(self, copy: ClientCopy, paper: PaperSize) -> None:
        self.copy = copy
        self.paper = paper
        self.text_width = paper.width_twips - 2 * MARGIN_TWIPS
        self.doc: Any = docx.Document()
        part = self.doc.part
        _install_styles(part.styles.element, self.text_width)
        _install_bullets(self.doc)
        # The template's bibliography data and Word 2010 style copies are not ours to ship.
        for rid, rel in list(part.rels.items()):
            if rel.reltype in (_RT_STYLES_WITH_EFFECTS, RT_CUSTOM_XML):
                part.drop_rel(rid)
        body = self.doc.element.body
        for child in list(body):
            if child.tag != _q("sectPr"):
                body.remove(child)
        self.scratch = etree.Element(_q("body"))

    def p(self, parent: Any, text: str, style: str, *, keep_next: bool = False) -> Any:
        return make_paragraph(parent, clean_text(text), style, keep_next=keep_next)

    def build(self) -> None:
        c = self.copy
        self._page()
        s = self.scratch
        self.p(s, c.title, "SafetyTitle")
        made = f"Made on {c.made_on}" if c.made_on else ""
        name = clean_text(c.name).strip()
        self.p(s, " · ".join(x for x in (f"For {name}" if name else "", made) if x), "SafetyFor")
        self.p(s, c.keep_line, "SafetyKeep")
        if c.crisis_lines:
            cell = _box(s, CRISIS_FILL, CRISIS_LINE, self.text_width)
            self.p(
                cell,
                "If you feel you can't keep yourself safe, reach out now — any time, day or night:",
                "SafetyCrisisIntro",
            )
            for line in c.crisis_lines:
                self.p(cell, line.call, "SafetyCall", keep_next=True)
                detail = " — ".join(x for x in (line.name, line.notes) if x.strip())
                self.p(cell, detail, "SafetyCallName")
        for number, step in enumerate(c.steps, 1):
            self.p(s, step.heading, "SafetyStep")
            self.p(s, step.prompt, "SafetyPrompt")
            # The last step stays with the reasons box, so the copy never ends on a page
            # holding the box alone.
            final = number == len(c.steps)
            if step.items:
                n = len(step.items)
                for index, item in enumerate(step.items, 1):
                    self.p(s, item, "SafetyItem", keep_next=_keep_item(index, n, final))
            else:  # room to write by hand
                self.p(s, "", "SafetyWriteIn", keep_next=True)
                self.p(s, "", "SafetyWriteIn", keep_next=final)
        self.p(s, "", "Normal", keep_next=True)
        cell = _box(s, REASONS_FILL, REASONS_LINE, self.text_width)
        self.p(cell, "My reasons for living", "SafetyReasonsHead")
        if c.reasons_for_living:
            for reason in c.reasons_for_living:
                self.p(cell, reason, "SafetyReason")
        else:
            self.p(cell, "", "SafetyWriteIn")
        body = self.doc.element.body
        sect = body.find(_q("sectPr"))
        for child in list(s):
            sect.addprevious(child)
        props = self.doc.core_properties
        props.title = c.title
        props.author = props.comments = props.last_modified_by = ""
        props.subject = props.keywords = props.category = ""

    def _page(self) -> None:
        section = self.doc.sections[0]
        width, height = self.paper.width_twips, self.paper.height_twips
        section.page_width, section.page_height = Twips(width), Twips(height)
        margin = Emu(MARGIN_TWIPS * 635)
        section.top_margin = section.bottom_margin = margin
        section.left_margin = section.right_margin = margin
        section.header_distance = section.footer_distance = Inches(0.4)
        footer = section.footer
        footer.is_linked_to_previous = False
        ftr = footer._element
        for child in list(ftr):
            ftr.remove(child)
        p = make_paragraph(ftr, clean_text(self.copy.title) + "\tPage ", "SafetyFooter")
        _field(p, "PAGE")
        of = _sub(_sub(p, "r"), "t")
        of.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        of.text = " of "
        _field(p, "NUMPAGES")


def write_client_copy(copy: ClientCopy, path: Path, *, paper: PaperSize = PaperSize.LETTER) -> None:
    """Write the client copy to ``path`` on ``paper``, atomically (temp file, then rename),
    mode 0600."""
    builder = _CopyBuilder(copy, paper)
    builder.build()
    write_atomic(Path(path), builder.doc.save)
