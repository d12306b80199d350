"""Which fonts may draw signed text: text fonts the verifier knows, by name (an allow-list).

A font decides what each letter looks like. Symbol fonts draw letters as pictographs (Wingdings,
the URW "D050000L" that Linux installs as "Dingbats") or as other letters ("Standard Symbols
PS" shows "denied" as "δενιεδ"), and a list of such fonts can never be complete: LibreOffice
drew signed words in both of those, and in a theme's font, on files that verified. So a run's
fonts (direct, in a style, in the document defaults), every font of the theme (which
`w:asciiTheme` and the like select) and every alternative name in the font table must be a
text font listed here or a member of a listed text family; anything else is a finding. Bullet
glyphs of list levels may still use Symbol (formatting.py: `in_list_level`).

Adding a font is a security decision: only fonts whose letters are letters.
"""

from __future__ import annotations

from noteapp.export import allowlist as al

# Office, Windows and macOS text fonts, and the fonts of Office's default theme (its script
# fonts included: Word writes them into every theme part).
_OFFICE = (
    "aptos", "aptos display", "aptos narrow", "aptos serif", "aptos mono", "arial",
    "arial black", "arial narrow", "arial unicode ms", "avenir", "avenir next", "baskerville",
    "book antiqua", "bookman old style", "calibri", "calibri light", "cambria", "cambria math",
    "candara", "century", "century gothic", "century schoolbook", "comic sans ms", "consolas",
    "constantia", "corbel", "courier", "courier new", "franklin gothic book",
    "franklin gothic medium", "futura", "garamond", "geneva", "georgia", "gill sans",
    "gill sans mt", "helvetica", "helvetica neue", "lucida console", "lucida grande",
    "lucida sans", "lucida sans unicode", "menlo", "monaco", "optima", "palatino",
    "palatino linotype", "rockwell", "tahoma", "times", "times new roman", "trebuchet ms",
    "verdana", "cascadia code", "cascadia mono", "sf pro", "sf pro text", "sf pro display",
    "san francisco", "andale mono",
    # Scripts (Office theme and Windows): Arabic, Hebrew, Indic, Southeast Asian, East Asian.
    "angsana new", "cordia new", "browallia new", "daunpenh", "dokchampa", "estrangelo edessa",
    "euphemia", "gautami", "iskoola pota", "kalinga", "kartika", "latha", "mv boli", "mangal",
    "mongolian baiti", "moolboran", "nyala", "plantagenet cherokee", "raavi", "shruti",
    "sylfaen", "tunga", "vrinda", "leelawadee", "leelawadee ui", "nirmala ui", "ebrima",
    "gadugi", "javanese text", "myanmar text", "khmer ui", "lao ui", "shonar bangla",
    "vani", "utsaah", "aparajita", "kokila", "sakkal majalla", "traditional arabic",
    "simplified arabic", "arabic typesetting", "andalus", "david", "miriam", "frankruehl",
    "aharoni", "narkisim", "levenim mt", "gisha", "rod",
    "ms mincho", "ms gothic", "ms pmincho", "ms pgothic", "ms ui gothic", "meiryo", "meiryo ui",
    "ｍｓ 明朝", "ｍｓ ゴシック", "ｍｓ ｐ明朝", "ｍｓ ｐゴシック", "游明朝", "游ゴシック",
    "hiragino sans", "hiragino mincho pron", "hiragino kaku gothic pron",
    "simsun", "nsimsun", "simhei", "kaiti", "fangsong", "dengxian", "宋体", "黑体", "等线",
    "微软雅黑", "pmingliu", "mingliu", "新細明體", "細明體", "微軟正黑體", "pingfang sc",
    "pingfang tc", "heiti sc", "songti sc", "batang", "batangche", "gulim", "gulimche",
    "dotum", "dotumche", "gungsuh", "malgun gothic", "바탕", "굴림", "돋움", "맑은 고딕",
    "apple sd gothic neo",
    # Linux and LibreOffice: what a re-save on a Linux desktop writes.
    "carlito", "caladea", "gelasio", "open sans", "roboto", "ubuntu", "ubuntu mono",
    "cantarell", "freesans", "freeserif", "freemono", "linux libertine g", "linux libertine o",
    "linux biolinum g", "linux biolinum o", "nimbus sans", "nimbus sans narrow", "nimbus roman",
    "nimbus mono ps", "urw gothic", "urw bookman", "p052", "c059", "droid sans",
    "droid serif", "droid sans mono", "droid sans fallback", "wenquanyi micro hei",
    "wenquanyi zen hei", "ipagothic", "ipamincho", "ipapgothic", "ipapmincho", "takao gothic",
    "un batang", "un dotum", "amiri", "scheherazade", "ezra sil", "kacst book",
    "sans", "serif", "sans-serif", "monospace",
)  # fmt: skip
TEXT_FONTS = frozenset(_OFFICE)
# Families whose every member is a text font (a space ends the prefix: "Noto Sans Thai").
TEXT_FAMILIES = (
    "noto sans", "noto serif", "noto naskh", "noto kufi", "noto nastaliq", "noto mono",
    "dejavu ", "liberation ", "tex gyre ", "lohit ", "source sans", "source serif",
    "source code", "source han ", "segoe ui", "yu gothic", "yu mincho", "microsoft ",
    "ibm plex ", "fira ", "pt sans", "pt serif", "pt mono", "lato", "montserrat",
)  # fmt: skip
# Words in a name that mark a font of pictures, whatever family it claims to be in.
_PICTURE_WORDS = (
    "symbol", "dingbat", "wingding", "webding", "emoji", "icon", "ornament", "marlett",
    "mdl2", "fluent", "awesome", "glyph", "pictograph", "wingdng",
)  # fmt: skip


def font_problem(name: str) -> str | None:
    """None when ``name`` is a text font the verifier knows; else what to say about it."""
    key = " ".join(name.split()).casefold()
    if not key:
        return None  # no font named: the style's or the reader's default
    shown = name if len(name) <= 40 else name[:40] + "…"
    if key in al.SYMBOL_FONTS or any(word in key for word in _PICTURE_WORDS):
        return f"text set in a symbol font ({shown})"
    if key in TEXT_FONTS or key.startswith(TEXT_FAMILIES):
        return None
    return f"text set in a font the verifier does not know ({shown})"
