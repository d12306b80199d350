"""The parts that define how the content looks: styles, list levels and embedded fonts.

A style the content uses could hide or recolour signed text, a list level could show words
of its own before each item ("NOT"), and an embedded font could draw one letter as another.
Only what the content actually uses is checked (Word's template defines hundreds of styles
that never apply), following each style's `basedOn` chain and the document defaults.
"""

from __future__ import annotations

from typing import Any

from noteapp.export import allowlist as al
from noteapp.export.allowlist import A, w
from noteapp.export.fonts import font_problem
from noteapp.export.formatting import Findings, check_properties

STYLES = "the document's styles"
LISTS = "the document's list definitions"
FONTS = "the document's font table"
THEME = "the document's theme"
MAX_STYLE_CHAIN = 50  # basedOn loops in a hostile file must end
# Readers pick one of two definitions with the same id differently (LibreOffice took the
# first list of a repeated id and showed its "NOT"; python-docx's lookup the last), so a
# repeated id is a finding: the verifier would be guessing which one a reader shows.
_TWICE = (
    "The document defines {what} twice under one id; readers may use either definition, so "
    "it cannot be verified."
)


def check_styles(root: Any | None, found: Findings) -> None:
    """Check the document defaults, the default styles and every style the content uses."""
    if root is None:
        return
    defaults = root.find(w("docDefaults"))
    if defaults is not None:
        for pr in defaults.iter(w("rPr"), w("pPr")):
            check_properties(pr, STYLES, found, in_style=True)
    styles = list(root.iterfind(w("style")))
    by_id = {str(s.get(w("styleId"), "")): s for s in styles}
    if len(by_id) < len(styles):
        found.add(_TWICE.format(what="a style"))
    wanted = set(found.styles)
    wanted.update(i for i, s in by_id.items() if str(s.get(w("default"), "")) in ("1", "true"))
    seen: set[str] = set()
    for style_id in sorted(wanted):
        current = by_id.get(style_id)
        for _ in range(MAX_STYLE_CHAIN):
            if current is None or style_id in seen:
                break
            seen.add(style_id)
            _check_style(current, found)
            based = current.find(w("basedOn"))
            style_id = "" if based is None else str(based.get(w("val"), ""))
            current = by_id.get(style_id)


def _check_style(style: Any, found: Findings) -> None:
    for child in style:
        if child.tag in al.STYLE_PROPERTY_CONTAINERS:
            check_properties(child, STYLES, found, in_style=True)
        elif child.tag == w("tblStylePr"):  # a table style's conditional formats
            for pr in child:
                if pr.tag in al.STYLE_PROPERTY_CONTAINERS:
                    check_properties(pr, STYLES, found, in_style=True)


def check_numbering(root: Any | None, found: Findings) -> None:
    """Every list level the content uses must show a bullet glyph and nothing else."""
    if root is None:
        return  # no definitions: Word and LibreOffice show no bullet at all
    _repeated_list_ids(root, found)
    if not found.numbering:
        return
    nums = {str(n.get(w("numId"), "")): n for n in root.iterfind(w("num"))}
    abstracts = {str(a.get(w("abstractNumId"), "")): a for a in root.iterfind(w("abstractNum"))}
    style_nums = {n for n, _ in found.numbering if n is not None}
    for num_id, level in sorted(found.numbering, key=lambda x: (x[0] or "", x[1])):
        for candidate in [num_id] if num_id is not None else sorted(style_nums):
            if candidate in ("", "0"):
                continue  # numId 0 switches numbering off
            lvl = _level(nums.get(candidate), abstracts, level, found)
            if lvl is not None:
                _check_level(lvl, found)


def _repeated_list_ids(root: Any, found: Findings) -> None:
    """A list, a list definition, a level of one or a level override given twice."""
    groups = [
        [str(n.get(w("numId"), "")) for n in root.iterfind(w("num"))],
        [str(a.get(w("abstractNumId"), "")) for a in root.iterfind(w("abstractNum"))],
    ]
    groups += [[str(x.get(w("ilvl"), "")) for x in a.iterfind(w("lvl"))] for a in root]
    groups += [
        [str(o.get(w("ilvl"), "")) for o in n.iterfind(w("lvlOverride"))]
        for n in root.iterfind(w("num"))
    ]
    if any(len(set(ids)) < len(ids) for ids in groups):
        found.add(_TWICE.format(what="a list or list level"))


def _level(num: Any | None, abstracts: dict[str, Any], level: str, found: Findings) -> Any:
    if num is None:
        return None
    for override in num.iterfind(w("lvlOverride")):
        if str(override.get(w("ilvl"), "")) == level and override.find(w("lvl")) is not None:
            return override.find(w("lvl"))
    ref = num.find(w("abstractNumId"))
    abstract = abstracts.get("" if ref is None else str(ref.get(w("val"), "")))
    if abstract is None:
        return None
    if abstract.find(w("numStyleLink")) is not None or abstract.find(w("styleLink")) is not None:
        found.add(
            "The document's lists are defined through a numbering style the verifier does "
            "not follow; they may show text that was not signed."
        )
        return None
    return next((x for x in abstract.iterfind(w("lvl")) if x.get(w("ilvl")) == level), None)


def _check_level(lvl: Any, found: Findings) -> None:
    fmt = lvl.find(w("numFmt"))
    text = lvl.find(w("lvlText"))
    glyph = "" if text is None else str(text.get(w("val"), ""))
    if (
        fmt is None
        or fmt.get(w("val")) not in al.BULLET_FORMATS
        or len(glyph) > 1
        or (glyph and glyph not in al.BULLET_GLYPHS)
    ):
        found.add(
            "A list in the document shows numbers or text of its own before its items "
            "(w:lvlText); the verifier cannot check it, so it may show text that was not signed."
        )
    if lvl.find(w("lvlPicBulletId")) is not None:
        found.unknown(w("lvlPicBulletId"), LISTS)
    for pr in lvl.iterfind(w("rPr")):
        check_properties(pr, LISTS, found, in_style=True, in_list_level=True)
    # The level's paragraph properties apply to the item itself (its indentation and tabs).
    for pr in lvl.iterfind(w("pPr")):
        check_properties(pr, LISTS, found, in_style=True)


def check_fonts(root: Any | None, found: Findings) -> None:
    """No embedded fonts (one can draw any letter as any other), and every alternative name a
    reader may put in place of a missing font is a text font (fonts.py)."""
    if root is None:
        return
    for tag in ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic"):
        if root.find(f".//{w(tag)}") is not None:
            found.add(
                "The document embeds a font (w:embedRegular); an embedded font can draw "
                "letters as other letters, so the verifier cannot check what it shows."
            )
            break
    for alt in root.iter(w("altName")):
        problem = font_problem(str(alt.get(w("val"), "")))
        if problem is not None:
            found.formatting(problem, FONTS)


def check_theme(root: Any | None, found: Findings) -> None:
    """Every font of the theme's font scheme: what `w:asciiTheme` and the like select (a
    theme naming a symbol font drew every heading as pictographs in LibreOffice)."""
    if root is None:
        return
    for scheme in root.iter(f"{{{A}}}fontScheme"):
        for el in scheme.iter(*(f"{{{A}}}{t}" for t in ("latin", "ea", "cs", "font"))):
            problem = font_problem(str(el.get("typeface", "")))
            if problem is not None:
                found.formatting(problem, THEME)


def even_and_odd_headers(settings: Any | None) -> bool:
    """True when the document shows different headers on even pages (w:evenAndOddHeaders)."""
    if settings is None:
        return False
    el = settings.find(w("evenAndOddHeaders"))
    return el is not None and str(el.get(w("val"), "true")).lower() not in al.ON_OFF_FALSE
