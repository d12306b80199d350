"""Visible text of WordprocessingML, as comparable lines, read with lxml only.

The walk reads only what :mod:`noteapp.export.allowlist` lists and records everything else
in a :class:`Findings` (verification then fails): it never looks inside an element it does
not model, so a symbol character, alternate content, a text box or a tracked change can
never add text the comparison does not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from noteapp.export import allowlist as al
from noteapp.export.allowlist import PIC, WP, A, w
from noteapp.export.formatting import Direction, Findings, check_properties
from noteapp.export.geometry import grid_problem, picture_problem
from noteapp.export.text import has_rtl, is_rtl, normalise

W = al.W
# Resolves an image relationship id to the bytes it shows (None: not an embedded image).
ImageLookup = Callable[[str], bytes | None]

_P, _TBL, _TR, _TC, _R = w("p"), w("tbl"), w("tr"), w("tc"), w("r")
_T, _BR, _CR = w("t"), w("br"), w("cr")
_FLD_CHAR, _INSTR, _FLD_SIMPLE = w("fldChar"), w("instrText"), w("fldSimple")
_SIMPLE_TEXT = {
    w("tab"): "\t",
    w("ptab"): "\t",
    w("noBreakHyphen"): "\u2011",
    w("softHyphen"): "\u00ad",
}


@dataclass
class Part:
    """How to read one content part: where it is (for sentences) and what it may hold."""

    where: str  # "the body", "the first-page header" …
    found: Findings
    fields: bool = False  # page-number fields (headers and footers)
    images: ImageLookup | None = None  # the letterhead logo (the body only)
    shown_images: list[bytes] = field(default_factory=list)


def block_lines(container: Any, part: Part | None = None) -> list[str]:
    """Lines of a body, header or table cell: one per paragraph, one per table row."""
    part = part or Part("the document", Findings())
    lines: list[str] = []
    _blocks(container, lines, part)
    return lines


def _blocks(container: Any, out: list[str], part: Part) -> None:
    for child in container:
        tag = child.tag
        if not isinstance(tag, str) or tag in al.INVISIBLE_MARKS:
            continue  # XML comments and bookmarks show nothing
        if tag == _P:
            text = normalise(_paragraph(child, part))
            if text:
                out.append(text)
        elif tag == _TBL:
            _table(child, out, part)
        elif (tag == w("sectPr") and container.tag == w("body")) or (
            tag == w("tcPr") and container.tag == _TC
        ):
            check_properties(child, part.where, part.found)
        else:
            part.found.unknown(tag, part.where)


def _table(tbl: Any, out: list[str], part: Part) -> None:
    for child in tbl:
        tag = child.tag
        if not isinstance(tag, str) or tag in al.INVISIBLE_MARKS:
            continue
        if tag == w("tblGrid"):
            for col in child:
                if isinstance(col.tag, str) and col.tag != w("gridCol"):
                    part.found.unknown(col.tag, part.where)
            problem = grid_problem(child, part.found.text_width)
            if problem is not None:
                part.found.formatting(problem, part.where)
        elif tag == w("tblPr"):
            check_properties(child, part.where, part.found)
        elif tag == _TR:
            cells: list[str] = []
            for cell in child:
                ctag = cell.tag
                if not isinstance(ctag, str) or ctag in al.INVISIBLE_MARKS:
                    continue
                if ctag == _TC:
                    cells.append("\n".join(block_lines(cell, part)))
                elif ctag in (w("trPr"), w("tblPrEx")):
                    check_properties(cell, part.where, part.found)
                else:
                    part.found.unknown(ctag, part.where)
            if any(cells):
                out.append("\t".join(cells))
        else:
            part.found.unknown(tag, part.where)


@dataclass
class _Field:
    """A page-number field being read: its instruction, then the value it shows."""

    instruction: list[str] = field(default_factory=list)
    result: list[str] = field(default_factory=list)
    in_result: bool = False


def _paragraph(p: Any, part: Part) -> str:
    parts: list[str] = []
    direction = Direction()
    state: list[_Field] = []  # the open complex field, if any
    for child in p:
        tag = child.tag
        if not isinstance(tag, str) or tag in al.INVISIBLE_MARKS:
            continue
        if tag == w("pPr"):
            check_properties(child, part.where, part.found, direction=direction)
        elif tag == _R:
            _run(child, parts, state, direction, part)
        elif tag == _FLD_SIMPLE and part.fields:
            _simple_field(child, parts, direction, part)
        else:
            part.found.unknown(tag, part.where)
    if state:
        part.found.unknown(_FLD_CHAR, part.where)  # a field left open across paragraphs
    text = "".join(parts)
    rtl = is_rtl(text)
    # The writer marks a paragraph right-to-left exactly when its text starts right-to-left,
    # and LibreOffice marks runs of right-to-left letters inside other paragraphs; a direction
    # added to other text can reorder what it shows ("14:00–14:53" read backwards).
    stray = not rtl and any(not has_rtl(run) for run in direction.rtl_runs)
    if direction.bidi != rtl or (direction.rtl and not rtl) or stray:
        part.found.formatting("a changed reading direction (w:bidi or w:rtl)", part.where)
    return text


def _run(r: Any, parts: list[str], state: list[_Field], direction: Direction, part: Part) -> None:
    own = Direction()  # this run's w:rtl
    start = len(parts)
    _run_children(r, parts, state, own, part)
    if own.rtl:
        direction.rtl_runs.append("".join(parts[start:]))


def _run_children(
    r: Any, parts: list[str], state: list[_Field], direction: Direction, part: Part
) -> None:
    for child in r:
        tag = child.tag
        if not isinstance(tag, str) or tag in al.INVISIBLE_MARKS:
            continue
        if tag not in al.RUN_CHILDREN:
            part.found.unknown(tag, part.where)
        elif tag in (_T, _INSTR) and len(child):
            # Text interrupted by a comment or other markup: a reader shows all of it, so
            # reading only the first piece could miss words.
            part.found.unknown(child[0].tag, part.where)
        elif tag == w("rPr"):
            check_properties(child, part.where, part.found, direction=direction)
        elif tag in (_FLD_CHAR, _INSTR):
            _complex_field(child, parts, state, part)
        elif state and not state[0].in_result:
            part.found.unknown(_INSTR, part.where)  # text inside a field's instruction
        else:
            target = state[0].result if state else parts
            if tag == _T:
                target.append(child.text or "")
            elif tag in (_BR, _CR):
                if child.get(w("type"), "textWrapping") == "textWrapping":
                    target.append("\n")  # page and column breaks only move text
            elif tag == w("drawing"):
                _drawing(child, part)
            else:
                target.append(_SIMPLE_TEXT[tag])


def _complex_field(el: Any, parts: list[str], state: list[_Field], part: Part) -> None:
    if not part.fields:
        part.found.unknown(el.tag, part.where)
        return
    if el.tag == _INSTR:
        if not state or state[0].in_result:
            part.found.unknown(_INSTR, part.where)
        else:
            state[0].instruction.append(el.text or "")
        return
    kind = el.get(w("fldCharType"))
    if kind == "begin":
        if state:
            part.found.add(f"The document contains a nested field in {part.where}.")
        state[:] = [_Field()]
    elif kind == "separate" and state and not state[0].in_result:
        state[0].in_result = True
    elif kind == "end" and state:
        current = state.pop()
        parts.append(_field_text("".join(current.instruction), current.result, part))
    else:
        part.found.unknown(el.tag, part.where)


def _simple_field(el: Any, parts: list[str], direction: Direction, part: Part) -> None:
    result: list[str] = []
    for child in el:
        if not isinstance(child.tag, str) or child.tag in al.INVISIBLE_MARKS:
            continue
        if child.tag != _R:
            part.found.unknown(child.tag, part.where)
            continue
        _run(child, result, [], direction, part)
    parts.append(_field_text(str(el.get(w("instr"), "")), result, part))


def _field_text(instruction: str, result: list[str], part: Part) -> str:
    """The comparable form of a page-number field; any other field is a finding."""
    match = al.PAGE_FIELD.match(instruction)
    if match is None:
        part.found.add(
            f"The document contains a field ({' '.join(instruction.split())[:40] or 'empty'}) "
            f"in {part.where} that the verifier cannot check; it may show text that was not "
            "signed."
        )
        return ""
    shown = "".join(result).strip()
    if shown and not shown.isdigit():
        part.found.add(
            f"A page-number field in {part.where} shows text instead of a number; it may "
            "show text that was not signed."
        )
    return f"{al.FIELD_OPEN}{match.group(1).upper()}{al.FIELD_CLOSE}"


# --- the letterhead logo ------------------------------------------------------------------

_DRAWING_TREE: dict[str, frozenset[str]] = {
    w("drawing"): frozenset({f"{{{WP}}}inline"}),
    f"{{{WP}}}inline": frozenset(
        f"{{{WP}}}{t}" for t in ("extent", "effectExtent", "docPr", "cNvGraphicFramePr")
    )
    | {f"{{{A}}}graphic"},
    f"{{{WP}}}cNvGraphicFramePr": frozenset({f"{{{A}}}graphicFrameLocks"}),
    f"{{{A}}}graphic": frozenset({f"{{{A}}}graphicData"}),
    f"{{{A}}}graphicData": frozenset({f"{{{PIC}}}pic"}),
    f"{{{PIC}}}pic": frozenset(f"{{{PIC}}}{t}" for t in ("nvPicPr", "blipFill", "spPr")),
    f"{{{PIC}}}nvPicPr": frozenset({f"{{{PIC}}}cNvPr", f"{{{PIC}}}cNvPicPr"}),
    f"{{{WP}}}docPr": frozenset({f"{{{A}}}extLst"}),
    f"{{{PIC}}}cNvPr": frozenset({f"{{{A}}}extLst"}),
    f"{{{PIC}}}cNvPicPr": frozenset({f"{{{A}}}picLocks"}),
    f"{{{PIC}}}blipFill": frozenset(f"{{{A}}}{t}" for t in ("blip", "srcRect", "stretch")),
    f"{{{A}}}blip": frozenset({f"{{{A}}}extLst"}),
    f"{{{A}}}extLst": frozenset({f"{{{A}}}ext"}),
    f"{{{A}}}stretch": frozenset({f"{{{A}}}fillRect"}),
    f"{{{PIC}}}spPr": frozenset({f"{{{A}}}xfrm", f"{{{A}}}prstGeom"}),
    f"{{{A}}}xfrm": frozenset({f"{{{A}}}off", f"{{{A}}}ext"}),
    f"{{{A}}}prstGeom": frozenset({f"{{{A}}}avLst"}),
}


def _drawing(drawing: Any, part: Part) -> None:
    """Only an inline picture of an embedded image, with no alternative text and no link."""
    if part.images is None:
        part.found.unknown(drawing.tag, part.where)
        return
    bad = _outside_tree(drawing)
    if bad is not None:
        part.found.unknown(bad.tag, part.where)
        return
    for el in drawing.iter(f"{{{WP}}}docPr", f"{{{PIC}}}cNvPr"):
        if (el.get("descr") or "").strip() or (el.get("title") or "").strip():
            part.found.add(
                f"A picture in {part.where} carries alternative text, which screen readers "
                "read aloud; the verifier cannot check it."
            )
    for inline in drawing.iterfind(f"{{{WP}}}inline"):
        problem = picture_problem(inline)
        if problem is not None:
            part.found.formatting(problem, part.where)
    _logo_bytes(drawing, part)


def _outside_tree(el: Any) -> Any | None:
    """The first element under ``el`` that the picture structure above does not allow."""
    parent = el.getparent()
    if el.tag == f"{{{A}}}ext" and parent is not None and parent.tag == f"{{{A}}}extLst":
        return None if el.get("uri") in al.DRAWING_EXTENSIONS else el
    allowed = _DRAWING_TREE.get(el.tag, frozenset())
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag not in allowed:
            return child
        bad = _outside_tree(child)
        if bad is not None:
            return bad
    return None


def _logo_bytes(drawing: Any, part: Part) -> None:
    blip = drawing.find(f".//{{{A}}}blip")
    graphic = drawing.find(f".//{{{A}}}graphicData")
    rid = None if blip is None else blip.get(f"{{{al.R}}}embed")
    if (
        blip is None
        or rid is None
        or blip.get(f"{{{al.R}}}link") is not None
        or graphic is None
        or graphic.get("uri") != al.PICTURE_URI
        or any(g.get("prst") != "rect" for g in drawing.iter(f"{{{A}}}prstGeom"))
        or part.images is None
    ):
        part.found.unknown(drawing.tag, part.where)
        return
    blob = part.images(rid)
    if blob is None:
        part.found.unknown(drawing.tag, part.where)
        return
    part.shown_images.append(blob)
