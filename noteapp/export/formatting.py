"""Formatting that could change what a reader sees: checked against the limits in
:mod:`noteapp.export.allowlist`, wherever it is set (directly, in a style the document
uses, in the document defaults, or in a list level).

Each property is judged on its own, so no combination can slip through: hiding and
strike-through are never allowed, text colours must read on a white page, shading must be
light enough for any allowed text colour, sizes and scaling stay legible, and reading
direction follows the text. What is found is collected in :class:`Findings` as plain
sentences; verification fails if there is any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from noteapp.export import allowlist as al
from noteapp.export import geometry
from noteapp.export.allowlist import describe, w
from noteapp.export.fonts import font_problem

MAX_FINDINGS = 20  # a hostile file could hold thousands; the first ones say enough
_PROPERTIES = {
    w("rPr"): al.RUN_PROPERTIES,
    w("pPr"): al.PARAGRAPH_PROPERTIES,
    w("tblPr"): al.TABLE_PROPERTIES,
    w("tblPrEx"): al.TABLE_PROPERTIES,
    w("trPr"): al.ROW_PROPERTIES,
    w("tcPr"): al.CELL_PROPERTIES,
    w("sectPr"): al.SECTION_PROPERTIES,
}
_HIDING = frozenset(w(t) for t in ("strike", "dstrike", "vanish", "specVanish", "webHidden"))


@dataclass
class Findings:
    """Everything a reader might show that the verifier does not model, in plain sentences."""

    sentences: list[str] = field(default_factory=list)
    # The narrowest width between the page margins of any section (tab stops, tables).
    text_width: int = geometry.page_text_width(None)
    # What the content uses, checked once all parts are read (styles, list levels).
    styles: set[str] = field(default_factory=set)
    numbering: set[tuple[str | None, str]] = field(default_factory=set)

    def add(self, sentence: str) -> None:
        if sentence not in self.sentences and len(self.sentences) < MAX_FINDINGS:
            self.sentences.append(sentence)

    def unknown(self, tag: object, where: str) -> None:
        self.add(
            f"The document contains {describe(tag)} in {where} that the verifier cannot "
            "check; it may show text that was not signed."
        )

    def formatting(self, what: str, where: str) -> None:
        self.add(f"The document has {what} in {where}; it may hide or change what was signed.")


@dataclass
class Direction:
    """Reading direction set on a paragraph (`w:bidi`, the paragraph mark's `w:rtl`) or on
    one run (`w:rtl`), compared with the text it applies to."""

    bidi: bool = False
    rtl: bool = False
    rtl_runs: list[str] = field(default_factory=list)  # text of runs marked right-to-left


def is_on(el: Any) -> bool:
    """A WordprocessingML on/off property: present means on unless its value says off."""
    return str(el.get(w("val"), "true")).lower() not in al.ON_OFF_FALSE


def _int(el: Any, attr: str) -> int | None:
    value = el.get(w(attr))
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _luminance(hex_colour: str) -> float | None:
    """WCAG relative luminance of RRGGBB, or None when it is not a colour."""
    if len(hex_colour) != 6:
        return None
    try:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return None
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_colour_ok(value: str) -> bool:
    if value.lower() == "auto":  # black on a light background
        return True
    lum = _luminance(value)
    return lum is not None and 1.05 / (lum + 0.05) >= al.MIN_TEXT_CONTRAST


def _fill_ok(value: str | None) -> bool:
    if value is None or value.lower() in ("auto", "none"):
        return True
    lum = _luminance(value)
    return lum is not None and lum >= al.MIN_FILL_LUMINANCE


def check_properties(
    pr: Any,
    where: str,
    found: Findings,
    *,
    direction: Direction | None = None,
    in_style: bool = False,
    in_list_level: bool = False,
) -> None:
    """Check one property element (rPr, pPr, tblPr, trPr, tcPr, sectPr) and its children."""
    allowed = _PROPERTIES.get(pr.tag)
    if allowed is None:
        found.unknown(pr.tag, where)
        return
    for child in pr:
        if not isinstance(child.tag, str):
            continue  # an XML comment shows nothing
        if child.tag not in allowed:
            found.unknown(child.tag, where)
            continue
        _check_value(pr.tag, child, where, found, direction, in_style, in_list_level)
    if pr.tag == w("sectPr"):
        for problem in geometry.section_problems(pr):
            found.formatting(problem, where)


def _check_value(
    parent: str,
    el: Any,
    where: str,
    found: Findings,
    direction: Direction | None,
    in_style: bool,
    in_list_level: bool,
) -> None:
    tag = el.tag
    local = tag.rsplit("}", 1)[-1]
    if tag in _HIDING:
        if is_on(el):
            found.formatting(describe(tag), where)
    elif tag == w("color"):
        if el.get(w("themeColor")) is not None:
            found.formatting("a theme text colour (w:themeColor)", where)
        elif not _text_colour_ok(str(el.get(w("val"), "auto"))):
            found.formatting("text coloured too light to read (w:color)", where)
    elif local in ("sz", "szCs"):
        size = _int(el, "val")
        if size is None or size < al.MIN_HALF_POINTS:
            found.formatting(f"text smaller than 6 pt (w:{local})", where)
    elif tag == w("w"):
        scale = _int(el, "val")
        if scale is None or not al.MIN_SCALE_PERCENT <= scale <= al.MAX_SCALE_PERCENT:
            found.formatting("squeezed or stretched letters (w:w)", where)
    elif tag == w("position"):
        raise_by = _int(el, "val")
        if raise_by is None or abs(raise_by) > al.MAX_RAISE_HALF_POINTS:
            found.formatting("text raised or lowered off its line (w:position)", where)
    elif tag == w("spacing") and parent == w("rPr"):
        spacing = _int(el, "val")
        if spacing is None or spacing < al.MIN_CHAR_SPACING_TWIPS:
            found.formatting("overlapping letters (w:spacing)", where)
    elif tag == w("spacing"):
        _line_spacing(el, where, found)
    elif tag == w("highlight"):
        name = str(el.get(w("val"), "none"))
        if name != "none" and not _fill_ok(al.HIGHLIGHT_COLOURS.get(name, "")):
            found.formatting("dark highlighting (w:highlight)", where)
    elif tag == w("shd"):
        _shading(el, where, found)
    elif tag == w("rFonts"):
        if not in_list_level:
            _fonts(el, where, found)
    elif local in ("rtl", "bidi"):
        if is_on(el):
            if in_style or direction is None:
                found.formatting(f"right-to-left reading set in a style (w:{local})", where)
            elif local == "rtl":
                direction.rtl = True
            else:
                direction.bidi = True
    elif tag == w("ind"):
        _indent(el, where, found)
    elif tag == w("tblInd"):
        indent = _int(el, "w")
        if indent is None or not al.MIN_INDENT_TWIPS <= indent <= geometry.MAX_TABLE_INDENT_TWIPS:
            found.formatting("a table moved off the page (w:tblInd)", where)
    elif tag == w("trHeight"):
        # An exact height clips whatever does not fit: a larger font or spacing before the
        # text hid a whole row of session details (LibreOffice). At least-heights grow.
        if el.get(w("hRule")) == "exact":
            found.formatting(
                "a table row of exact height that can clip its text (w:trHeight)", where
            )
    elif tag == w("tabs"):
        _report(geometry.tab_problem(el, found.text_width, al.MIN_INDENT_TWIPS), where, found)
    elif tag in (w("tcMar"), w("tblCellMar")):
        _report(geometry.cell_margin_problem(el), where, found)
    elif tag in (w("tblW"), w("tcW")):
        _report(geometry.width_problem(el, found.text_width), where, found)
    elif local in ("tblCellSpacing", "wBefore", "wAfter"):
        limit = {"tblCellSpacing": geometry.MAX_CELL_SPACING_TWIPS}
        value = _int(el, "w")
        if value is None or not 0 <= value <= limit.get(local, geometry.MAX_ROW_INDENT_TWIPS):
            found.formatting(f"table cells moved apart or off the page (w:{local})", where)
    elif tag == w("vertAlign"):
        # Superscript shrinks text to about 58 %: from the 6 pt minimum to 3.5 pt.
        if el.get(w("val"), "baseline") != "baseline":
            found.formatting("text set as superscript or subscript (w:vertAlign)", where)
    elif tag == w("textDirection"):
        if el.get(w("val")) not in ("lrTb", "tb"):
            found.formatting("vertical or rotated text (w:textDirection)", where)
    elif tag == w("numPr"):
        num = el.find(w("numId"))
        lvl = el.find(w("ilvl"))
        num_id = None if num is None else str(num.get(w("val"), ""))
        found.numbering.add((num_id, "0" if lvl is None else str(lvl.get(w("val"), "0"))))
    elif tag == w("pStyle") or tag == w("rStyle") or tag == w("tblStyle"):
        found.styles.add(str(el.get(w("val"), "")))
    elif tag in (w("rPr"), w("sectPr")):
        check_properties(el, where, found, direction=direction, in_style=in_style)


def _report(problem: str | None, where: str, found: Findings) -> None:
    if problem is not None:
        found.formatting(problem, where)


def _line_spacing(el: Any, where: str, found: Findings) -> None:
    rule = el.get(w("lineRule"), "auto")
    line = _int(el, "line")
    if rule == "exact":
        found.formatting("exact line spacing that can clip text (w:spacing)", where)
    elif rule == "auto" and line is not None and line < al.MIN_LINE_AUTO:
        found.formatting("overlapping lines (w:spacing)", where)


def _shading(el: Any, where: str, found: Findings) -> None:
    if any(el.get(w(a)) is not None for a in ("themeFill", "themeColor")):
        found.formatting("theme shading (w:shd)", where)
        return
    pattern = el.get(w("val"), "clear")
    if pattern in ("clear", "nil"):
        fill = el.get(w("fill"))
    elif pattern == "solid":
        fill = el.get(w("color"))
    else:
        found.formatting("patterned shading (w:shd)", where)
        return
    if not _fill_ok(None if fill is None else str(fill)):
        found.formatting("dark shading behind text (w:shd)", where)


def _fonts(el: Any, where: str, found: Findings) -> None:
    # The theme fonts (w:asciiTheme …) are checked where they are defined, in the theme.
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        name = el.get(w(attr))
        problem = None if name is None else font_problem(str(name))
        if problem is not None:
            found.formatting(problem, where)


def _indent(el: Any, where: str, found: Findings) -> None:
    for name in el.attrib:
        local = str(name).rsplit("}", 1)[-1]
        value = _int(el, local)
        if value is None:
            found.formatting("a malformed indentation (w:ind)", where)
            return
        if local.endswith("Chars"):
            value = value * 12  # hundredths of a character, about 12 twips each at 10 pt
        low = 0 if local in ("firstLine", "hanging", "firstLineChars", "hangingChars") else None
        if value > al.MAX_INDENT_TWIPS or value < (al.MIN_INDENT_TWIPS if low is None else low):
            found.formatting("text indented off the page (w:ind)", where)
            return
