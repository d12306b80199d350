"""Where text lands: page size and margins, columns, tab stops, tables and cell margins.

Formatting can keep every signed word in the file and still take it off the page. In
LibreOffice each of these showed nothing of a signed sentence or of the session table, on
files that verified: a tab stop or a default tab stop 21 inches out before the sentence (a
tab at the start of a line is not text, so the comparable lines are unchanged), indents
from both sides that meet, a table or a cell margin of 21 inches, a row of exact height, a
21-inch page margin, a page 0.07 inch tall, two columns 21 inches apart. So every length
that places text is bounded here so that the text keeps room on a page of a sensible size;
what is outside a bound is a finding (security requirement "fail closed").
"""

from __future__ import annotations

from typing import Any

from noteapp.export.allowlist import w

MIN_PAGE_TWIPS = 4320  # 3 in: no paper a note is printed on is smaller
MAX_PAGE_TWIPS = 31680  # 22 in (Word's own maximum)
MAX_MARGIN_TWIPS = 2880  # 2 in, each side, and for the header and footer distance
MAX_GUTTER_TWIPS = 1440
# What is left between the margins: at least 5 in wide (Letter and A4 with noteapp's 0.8 in
# margins leave 6.9 and 6.7 in), so that indents within their own bound (2 in a side) always
# leave a line of text.
MIN_TEXT_WIDTH_TWIPS = 7200
MIN_TEXT_HEIGHT_TWIPS = 7200
# Readers use their own paper when a section names none: the narrower of Letter and A4.
DEFAULT_PAGE = (11906, 15840)
MAX_DEFAULT_TAB_TWIPS = 1440
MAX_TABLE_INDENT_TWIPS = 720  # Word outdents tables by the cell margin (~0.08 in)
TABLE_OVERHANG_TWIPS = 288  # rounding of column widths by a re-save
MAX_CELL_MARGIN_TWIPS = 576
MAX_CELL_SPACING_TWIPS = 576
MAX_ROW_INDENT_TWIPS = 720  # w:wBefore / w:wAfter
# The narrowest column keeps a third of an inch for text inside the widest cell margins.
MIN_COLUMN_TWIPS = 2 * MAX_CELL_MARGIN_TWIPS + 480


def _int(el: Any, attr: str) -> int | None:
    value = el.get(w(attr))
    if value is None:
        return None
    try:
        return int(float(str(value)))
    except ValueError:
        return None


def _length(el: Any, attr: str, default: int) -> int | None:
    """A length attribute; None when present but not a number (itself a finding)."""
    return default if el.get(w(attr)) is None else _int(el, attr)


def page_text_width(sect: Any | None) -> int:
    """The width between the margins of a section (its page size and margins, or defaults)."""
    size = None if sect is None else sect.find(w("pgSz"))
    margins = None if sect is None else sect.find(w("pgMar"))
    width = DEFAULT_PAGE[0] if size is None else _length(size, "w", DEFAULT_PAGE[0]) or 0
    if margins is None:
        return width - 2 * 1440  # readers' default margins: 1 in
    left = _length(margins, "left", 1440) or 0
    right = _length(margins, "right", 1440) or 0
    return width - left - right - (_length(margins, "gutter", 0) or 0)


def section_problems(sect: Any) -> list[str]:
    """What in a section's page setup can take text off the page (plain words, for findings)."""
    problems: list[str] = []
    size = sect.find(w("pgSz"))
    width, height = DEFAULT_PAGE
    if size is not None:
        width = _length(size, "w", width) or 0
        height = _length(size, "h", height) or 0
    if not (
        MIN_PAGE_TWIPS <= width <= MAX_PAGE_TWIPS and MIN_PAGE_TWIPS <= height <= MAX_PAGE_TWIPS
    ):
        problems.append("a page too small or too large to hold the text (w:pgSz)")
    margins = sect.find(w("pgMar"))
    if margins is not None:
        values = {
            side: _length(margins, side, 0)
            for side in ("top", "right", "bottom", "left", "header", "footer", "gutter")
        }
        limit = {"gutter": MAX_GUTTER_TWIPS}
        if any(
            v is None or not 0 <= v <= limit.get(k, MAX_MARGIN_TWIPS) for k, v in values.items()
        ):
            problems.append("page margins that push the text off the page (w:pgMar)")
        elif (
            page_text_width(sect) < MIN_TEXT_WIDTH_TWIPS
            or height - (values["top"] or 0) - (values["bottom"] or 0) < MIN_TEXT_HEIGHT_TWIPS
        ):
            problems.append("page margins that leave the text too little room (w:pgMar)")
    for cols in sect.iterfind(w("cols")):
        number = _length(cols, "num", 1)
        if number != 1 or len(cols.findall(w("col"))) > 1:
            problems.append("text set in several columns (w:cols)")
    for grid in sect.iterfind(w("docGrid")):
        if grid.get(w("type"), "default") not in ("default", "lines"):
            problems.append("a character grid that spaces letters (w:docGrid)")
    for numbers in sect.iterfind(w("pgNumType")):
        # Page numbers as words, from another start, or with chapter numbers are not what
        # the footer's page fields were checked to show.
        fmt = numbers.get(w("fmt"), "decimal")
        extra = {str(a).rsplit("}", 1)[-1] for a in numbers.attrib} - {"fmt", "start"}
        if fmt != "decimal" or _length(numbers, "start", 1) != 1 or extra:
            problems.append("page numbers shown differently (w:pgNumType)")
    return problems


def tab_problem(tabs: Any, text_width: int, min_indent: int) -> str | None:
    """A tab stop outside the lines of text: what follows a tab there is off the page."""
    for tab in tabs.iterfind(w("tab")):
        if tab.get(w("val")) == "clear":
            continue
        pos = _int(tab, "pos")
        if pos is None or not min_indent <= pos <= text_width:
            return "a tab stop outside the page's lines (w:tabs)"
    return None


def default_tab_problem(settings: Any | None) -> str | None:
    """The default tab stops (settings): a first stop beyond the lines moves text off them."""
    if settings is None:
        return None
    for el in settings.iterfind(w("defaultTabStop")):
        value = _int(el, "val")
        if value is None or not 0 <= value <= MAX_DEFAULT_TAB_TWIPS:
            return "default tab stops beyond the page's lines (w:defaultTabStop)"
    return None


def cell_margin_problem(margins: Any) -> str | None:
    """Cell margins (w:tcMar, w:tblCellMar): wide ones push a cell's text out of it."""
    for side in margins:
        if not isinstance(side.tag, str):
            continue
        value = _int(side, "w")
        if side.get(w("type"), "dxa") not in ("dxa", "nil") or value is None:
            return "a malformed cell margin (w:tcMar)"
        if not 0 <= value <= MAX_CELL_MARGIN_TWIPS:
            return "a cell margin that pushes text out of its cell (w:tcMar)"
    return None


def width_problem(el: Any, text_width: int) -> str | None:
    """A table or cell width (w:tblW, w:tcW): within the lines of text."""
    kind = el.get(w("type"), "dxa")
    value = str(el.get(w("w"), "0")).strip()
    if kind == "pct":
        number = _number(value.rstrip("%"))
        fifties = number * 50 if value.endswith("%") and number is not None else number
        return None if fifties is not None and 0 <= fifties <= 5000 else _WIDER
    if kind in ("auto", "nil"):
        return None
    number = _number(value)
    if kind != "dxa" or number is None or number > text_width + TABLE_OVERHANG_TWIPS:
        return _WIDER
    if el.tag == w("tcW") and 0 < number < MIN_COLUMN_TWIPS:
        return _NARROW
    return None


def grid_problem(grid: Any, text_width: int) -> str | None:
    """The table's columns (w:tblGrid): each wide enough, together within the lines."""
    widths = [_int(col, "w") for col in grid.iterfind(w("gridCol"))]
    if any(v is None or v < MIN_COLUMN_TWIPS for v in widths):
        return _NARROW
    if sum(v or 0 for v in widths) > text_width + TABLE_OVERHANG_TWIPS:
        return _WIDER
    return None


# The letterhead logo: the writer scales it into 2.2 × 0.75 in (writer.LOGO_MAX_*); a re-save
# may round. Larger, it fills pages (in Word a negative effect extent lets a picture overlap
# the text after it), so anything beyond is a finding.
EMU_PER_INCH = 914400
MAX_LOGO_EMU = (int(2.2 * EMU_PER_INCH * 1.05), int(0.75 * EMU_PER_INCH * 1.05))


def picture_problem(inline: Any) -> str | None:
    """The size of the letterhead logo's inline picture (wp:extent, wp:effectExtent)."""
    wp = inline.tag[1:].split("}", 1)[0]
    for extent in inline.iterfind(f"{{{wp}}}extent"):
        sizes = [_number(str(extent.get(k, ""))) for k in ("cx", "cy")]
        if any(v is None or not 0 <= v <= cap for v, cap in zip(sizes, MAX_LOGO_EMU, strict=True)):
            return "a picture larger than the letterhead logo (wp:extent)"
    for effect in inline.iterfind(f"{{{wp}}}effectExtent"):
        values = [_number(str(v)) for v in effect.attrib.values()]
        if any(v is None or not 0 <= v <= EMU_PER_INCH // 4 for v in values):
            return "a picture drawn beyond its place (wp:effectExtent)"
    return None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_WIDER = "a table wider than the page's lines (w:tblW, w:tcW, w:gridCol)"
_NARROW = "a table column too narrow to show its text (w:tcW, w:gridCol)"
