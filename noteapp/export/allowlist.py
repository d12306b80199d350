"""What the verifier models, in one place: every WordprocessingML element and property whose
visible effect it understands, and the limits within which formatting leaves text readable.

Verification passes only what is listed here (security requirement "fail closed"). Anything
else in the body, a header or a footer — a symbol character, alternate content, a text box,
an embedded object, a tracked change, a field other than the page numbers — makes
verification fail with a sentence naming it. The lists are what the writer
(:mod:`noteapp.export.writer`) produces, what a LibreOffice or Word re-save of it
legitimately adds (bookmarks, proofing marks, rendered page breaks, run properties), and
plain formatting that cannot change which words a reader sees (bold, italic, underline,
fonts, spacing). Extending a list is a security decision: say why next to the entry.
"""

from __future__ import annotations

import re

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{tag}"


# --- structure: which children each container may hold --------------------------------

# Marks without any visible effect: bookmarks, proofing marks, editing permissions, and
# the page break Word records where it last laid out a page.
INVISIBLE_MARKS = frozenset(
    w(t)
    for t in (
        "bookmarkStart",
        "bookmarkEnd",
        "proofErr",
        "permStart",
        "permEnd",
        "lastRenderedPageBreak",
    )
)
# Children of the body, a header, a footer or a table cell (besides the marks above).
BLOCKS = frozenset(w(t) for t in ("p", "tbl"))
# Children of a paragraph: properties, runs, and (in headers and footers) page-number fields.
PARAGRAPH_CHILDREN = frozenset(w(t) for t in ("pPr", "r", "fldSimple"))
# Children of a run whose text the verifier reads (see extract.py for each one's meaning).
RUN_CHILDREN = frozenset(
    w(t)
    for t in (
        "rPr",
        "t",
        "tab",
        "ptab",
        "br",
        "cr",
        "noBreakHyphen",
        "softHyphen",
        "fldChar",
        "instrText",
        "drawing",  # only the letterhead logo: checked in extract.py
    )
)
TABLE_CHILDREN = frozenset(w(t) for t in ("tblPr", "tblGrid", "tr"))
ROW_CHILDREN = frozenset(w(t) for t in ("trPr", "tblPrEx", "tc"))
CELL_CHILDREN = frozenset(w(t) for t in ("tcPr", "p", "tbl"))

# --- properties: which children each property element may hold ------------------------

RUN_PROPERTIES = frozenset(
    w(t)
    for t in (
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",  # shows letters as capitals: the same words
        "smallCaps",
        "u",
        "bdr",
        "noProof",
        "lang",
        "kern",
        "cs",
        "snapToGrid",
        # Checked: superscript and subscript shrink text below the smallest size allowed.
        "vertAlign",
        # Checked for their values (formatting.py): they can hide, strike out or squeeze text.
        "strike",
        "dstrike",
        "vanish",
        "specVanish",
        "webHidden",
        "color",
        "sz",
        "szCs",
        "spacing",
        "w",
        "position",
        "highlight",
        "shd",
        "rtl",
    )
)
PARAGRAPH_PROPERTIES = frozenset(
    w(t)
    for t in (
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "widowControl",
        "suppressLineNumbers",
        "pBdr",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "adjustRightInd",
        "snapToGrid",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textAlignment",
        "outlineLvl",
        "cnfStyle",
        # Checked for their values or content.
        "numPr",
        "shd",
        "bidi",
        "spacing",
        "ind",
        "rPr",
        "sectPr",
    )
)
TABLE_PROPERTIES = frozenset(
    w(t)
    for t in (
        "tblStyle",
        "tblW",
        "jc",
        "tblBorders",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCellSpacing",
        "tblCaption",
        "tblDescription",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblInd",  # checked: a large negative indent moves the table off the page
        "shd",
    )
)
ROW_PROPERTIES = frozenset(
    w(t)
    for t in (
        "cantSplit",
        "tblHeader",
        "jc",
        "cnfStyle",
        "tblCellSpacing",
        "gridBefore",
        "gridAfter",
        "wBefore",
        "wAfter",
        "trHeight",  # checked: an exact row height clips its text
    )
)
CELL_PROPERTIES = frozenset(
    w(t)
    for t in (
        "tcW",
        "gridSpan",
        "vAlign",
        "tcBorders",
        "noWrap",
        "tcMar",
        "hideMark",
        "cnfStyle",
        "shd",
    )
)
SECTION_PROPERTIES = frozenset(
    w(t)
    for t in (
        "headerReference",
        "footerReference",
        "titlePg",
        "type",
        "pgSz",
        "pgMar",
        "pgNumType",
        "formProt",
        "docGrid",
        "cols",
        "vAlign",
        "pgBorders",
        "paperSrc",
        "printerSettings",
        "rtlGutter",
        "noEndnote",
        "footnotePr",
        "endnotePr",
        "textDirection",  # checked: only horizontal, left-to-right pages
    )
)
# Table styles may hold conditional formats; each is checked like direct formatting.
STYLE_PROPERTY_CONTAINERS = frozenset(w(t) for t in ("pPr", "rPr", "tblPr", "trPr", "tcPr"))

# --- limits on values -------------------------------------------------------------------

MIN_HALF_POINTS = 12  # text smaller than 6 pt is not something a reader is meant to read
MIN_SCALE_PERCENT = 75  # character scaling below this squeezes words out of legibility
MAX_SCALE_PERCENT = 200
MAX_RAISE_HALF_POINTS = 12  # raising or lowering text more than 6 pt moves it off its line
MIN_CHAR_SPACING_TWIPS = -20  # condensing by more than 1 pt makes letters overlap
MIN_LINE_AUTO = 180  # line spacing below 0.75 of a line makes lines overlap
# 2 in a side: indents from both sides (each source sets its own) still leave a line of text
# within the narrowest page the verifier accepts (geometry.MIN_TEXT_WIDTH_TWIPS).
MAX_INDENT_TWIPS = 2880
MIN_INDENT_TWIPS = -720  # further left is off the printable page
MIN_TEXT_CONTRAST = 4.5  # text colour against a white page (WCAG AA)
MIN_FILL_LUMINANCE = 0.5  # shading and highlight must stay light, so dark text shows on them

ON_OFF_FALSE = frozenset({"0", "false", "off"})

# Fonts whose letters are pictographs: a signed word set in them is unreadable. Allowed only
# for the bullet glyph of a list level, where Word and LibreOffice use Symbol themselves.
SYMBOL_FONTS = frozenset(
    {
        "symbol",
        "wingdings",
        "wingdings 2",
        "wingdings 3",
        "webdings",
        "marlett",
        "mt extra",
        "zapf dingbats",
        "zapfdingbats",
        "bookshelf symbol 7",
        "ms outlook",
        "ms reference specialty",
    }
)
# A list level may show one bullet glyph and nothing else (the writer makes bullet lists only;
# a numbering level's text could otherwise add words such as "NOT").
BULLET_GLYPHS = frozenset("•◦▪▫●○■□–-·*o\uf0b7\uf0a7\uf06f\uf0d8\uf076\uf0a8")
BULLET_FORMATS = frozenset({"bullet", "none"})

HIGHLIGHT_COLOURS = {
    "black": "000000",
    "blue": "0000FF",
    "cyan": "00FFFF",
    "green": "00FF00",
    "magenta": "FF00FF",
    "red": "FF0000",
    "yellow": "FFFF00",
    "white": "FFFFFF",
    "darkBlue": "000080",
    "darkCyan": "008080",
    "darkGreen": "008000",
    "darkMagenta": "800080",
    "darkRed": "800000",
    "darkYellow": "808000",
    "darkGray": "808080",
    "lightGray": "C0C0C0",
}

# Fields: only the page numbers the writer puts in the footer; their shown value is computed
# by the reader's layout and must be a number. Word may add a "\* MERGEFORMAT" switch.
PAGE_FIELD = re.compile(
    r"^\s*(PAGE|NUMPAGES)((\s+\\\*\s+(MERGEFORMAT|Arabic))*)\s*$", re.IGNORECASE
)
# How a page-number field appears in comparable lines: a reader computes its value, so the
# lines hold the field's name between two Unicode noncharacters that no export text uses.
FIELD_OPEN, FIELD_CLOSE = "\ufdd0", "\ufdd1"

# Drawings: the letterhead logo only — an inline picture (never floating over text) showing
# an embedded image part, with no alternative text and no link.
PICTURE_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"
# Extensions Word writes into a picture that show nothing: the "use local DPI" flag inside
# a:blip, and the creation id of a drawing's properties (Word 2016 and later).
DRAWING_EXTENSIONS = frozenset(
    {"{28A0092B-C50C-407E-A947-70E740481C1C}", "{FF2B5EF4-FFF2-40B4-BE49-F238E27FC236}"}
)

# --- plain words for what was found -----------------------------------------------------

_NAMES = {
    "sym": "a symbol character (w:sym)",
    "AlternateContent": "alternate content (mc:AlternateContent) that readers show differently",
    "fldSimple": "a field (w:fldSimple)",
    "fldChar": "a field (w:fldChar)",
    "instrText": "a field instruction (w:instrText)",
    "txbxContent": "a text box (w:txbxContent)",
    "pict": "a drawing or text box (w:pict)",
    "object": "an embedded object (w:object)",
    "drawing": "a drawing (w:drawing)",
    "sdt": "a content control (w:sdt)",
    "customXml": "a custom XML element (w:customXml)",
    "smartTag": "a smart tag (w:smartTag)",
    "hyperlink": "a hyperlink (w:hyperlink)",
    "ins": "a tracked insertion (w:ins)",
    "del": "a tracked deletion (w:del)",
    "moveFrom": "a tracked move (w:moveFrom)",
    "moveTo": "a tracked move (w:moveTo)",
    "delText": "deleted text (w:delText)",
    "altChunk": "an imported document (w:altChunk)",
    "footnoteReference": "a footnote (w:footnoteReference)",
    "endnoteReference": "an endnote (w:endnoteReference)",
    "commentReference": "a comment (w:commentReference)",
    "commentRangeStart": "a comment (w:commentRangeStart)",
    "ruby": "phonetic guide text (w:ruby)",
    "oMath": "an equation (m:oMath)",
    "oMathPara": "an equation (m:oMathPara)",
    "background": "a page background (w:background)",
    "vanish": "hidden text (w:vanish)",
    "specVanish": "hidden text (w:specVanish)",
    "webHidden": "hidden text (w:webHidden)",
    "strike": "struck-through text (w:strike)",
    "dstrike": "struck-through text (w:dstrike)",
    "fitText": "text squeezed to a width (w:fitText)",
    "framePr": "a text frame (w:framePr)",
    "hidden": "a hidden table row (w:hidden)",
    "vMerge": "merged table cells (w:vMerge)",
    "hMerge": "merged table cells (w:hMerge)",
    "bidiVisual": "a table shown right to left (w:bidiVisual)",
    "tblpPr": "a floating table (w:tblpPr)",
    "lnNumType": "line numbering (w:lnNumType)",
}


def describe(tag: object) -> str:
    """Plain words for an element, e.g. "a symbol character (w:sym)"."""
    if not isinstance(tag, str):
        return "a processing instruction or comment"
    local = tag.rsplit("}", 1)[-1]
    if local in _NAMES:
        return _NAMES[local]
    prefix = {W: "w", MC: "mc", WP: "wp", A: "a", PIC: "pic"}.get(tag[1:].split("}", 1)[0], "")
    return f"an element the verifier does not know ({prefix + ':' if prefix else ''}{local})"
