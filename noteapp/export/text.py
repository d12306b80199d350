"""Text rules shared by the writer and the reader: XML-safe cleaning and whitespace norms."""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"

# Everything XML 1.0 cannot hold: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Separators Word and LibreOffice may turn into breaks of their own: treat them as new lines.
_LINE_SEPARATORS = re.compile("\r\n|[\r\u0085\u2028\u2029]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NL = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


def clean_text(text: str) -> str:
    """Return ``text`` with every character XML cannot hold replaced by U+FFFD (visible).

    Line separators (CR, CRLF, NEL, U+2028/U+2029) become ``\\n`` so that a line break is
    written as a Word line break whatever way the text spelled it.
    """
    return _LINE_SEPARATORS.sub("\n", _NOT_XML.sub(REPLACEMENT, text))


def normalise(text: str) -> str:
    """Return the comparable form of visible text.

    Harmless differences go: any run of whitespace other than a line break (tabs,
    non-breaking and other Unicode spaces) becomes one space; spaces next to a line break
    and at either end are dropped, as are line breaks at either end. Every other
    character, including the number of line breaks inside the text, is kept.
    """
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_NL.sub("\n", text)
    return text.strip(" \n")


def split_paragraphs(text: str) -> list[str]:
    """Split cleaned text into paragraphs at blank lines; empty paragraphs are dropped."""
    return [part for part in _BLANK_LINES.split(text) if normalise(part)]


def is_rtl(text: str) -> bool:
    """True when the first character with a strong direction is right-to-left (Arabic, Hebrew …)."""
    for ch in text:
        direction = unicodedata.bidirectional(ch)
        if direction in ("L", "R", "AL"):
            return direction != "L"
    return False


def has_rtl(text: str) -> bool:
    """True when ``text`` holds any right-to-left letter (Hebrew, Arabic …)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)
