"""Visible text of WordprocessingML, as comparable lines, read with lxml only."""

from __future__ import annotations

from lxml import etree

from noteapp.export.text import normalise

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _TBL, _TR, _TC, _R = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r")
_T, _TAB, _PTAB, _BR, _CR = _w("t"), _w("tab"), _w("ptab"), _w("br"), _w("cr")
_NB_HYPHEN, _SOFT_HYPHEN = _w("noBreakHyphen"), _w("softHyphen")
_TXBX = _w("txbxContent")
_RPR, _VANISH = _w("rPr"), _w("vanish")
# Text that is not shown: deleted revisions, field codes, and properties.
_SKIP = frozenset(
    {
        _w("del"),
        _w("moveFrom"),
        _w("delText"),
        _w("instrText"),
        _w("delInstrText"),
        _w("pPr"),
        _w("rPr"),
        _w("sectPr"),
        _w("tblPr"),
        _w("trPr"),
        _w("tcPr"),
        _w("tblGrid"),
        f"{{{MC}}}Fallback",  # the same content again, for older readers
    }
)
_CONTAINERS = frozenset(
    {_w("sdt"), _w("sdtContent"), _w("customXml"), _w("smartTag"), f"{{{MC}}}AlternateContent"}
)
_CHOICE = f"{{{MC}}}Choice"
_OFF = ("0", "false", "off")


def block_lines(container: etree._Element) -> list[str]:
    """Lines of a body, header or table cell: one per paragraph, one per table row."""
    lines: list[str] = []
    _blocks(container, lines)
    return lines


def _blocks(container: etree._Element, out: list[str]) -> None:
    for child in container:
        tag = child.tag
        if tag == _P:
            nested: list[str] = []
            text = normalise(_paragraph_text(child, nested))
            if text:
                out.append(text)
            out.extend(nested)
        elif tag == _TBL:
            _table(child, out)
        elif tag in _CONTAINERS or tag == _CHOICE:
            _blocks(child, out)


def _table(tbl: etree._Element, out: list[str]) -> None:
    for row in _children(tbl, _TR):
        cells = ["\n".join(block_lines(cell)) for cell in _children(row, _TC)]
        if any(cells):
            out.append("\t".join(cells))


def _children(parent: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with ``tag``, looking through content controls and custom XML."""
    found: list[etree._Element] = []
    for child in parent:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _CONTAINERS or child.tag == _CHOICE:
            found.extend(_children(child, tag))
    return found


def _paragraph_text(p: etree._Element, nested: list[str]) -> str:
    parts: list[str] = []
    _inline(p, parts, nested, hidden=False)
    return "".join(parts)


def _inline(node: etree._Element, parts: list[str], nested: list[str], *, hidden: bool) -> None:
    for child in node:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _R:
            run_hidden = hidden or _is_hidden(child)
            _inline(child, parts, nested, hidden=run_hidden)
        elif tag == _T:
            if not hidden:
                parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            if not hidden:
                parts.append("\t")
        elif tag in (_BR, _CR):
            if not hidden and child.get(_w("type"), "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag == _NB_HYPHEN:
            if not hidden:
                parts.append("\u2011")
        elif tag == _SOFT_HYPHEN:
            if not hidden:
                parts.append("\u00ad")
        elif tag == _TXBX:
            # A text box shows its own paragraphs: they follow the paragraph holding it.
            nested.extend(block_lines(child))
        else:
            _inline(child, parts, nested, hidden=hidden)


def _is_hidden(run: etree._Element) -> bool:
    rpr = run.find(_RPR)
    if rpr is None:
        return False
    vanish = rpr.find(_VANISH)
    return vanish is not None and vanish.get(_w("val"), "true").lower() not in _OFF
