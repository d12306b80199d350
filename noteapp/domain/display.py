"""Show text from files and records harmlessly: control characters made visible.

A forged export or a hostile record can carry terminal escape sequences (ESC, CSI), bidi
overrides that reorder what a reader sees, or invisible format characters. Printed raw, a
terminal would obey them — for example drawing "every signer is trusted" over the real
verdict. Everything shown to a person that came from a file or a record goes through
:func:`visible`; JSON output goes through :func:`escape_json_text` (the data stays exact,
the dangerous characters travel as ``\\uXXXX`` escapes).
"""

from __future__ import annotations

import unicodedata

# Bidirectional controls (Trojan Source, CVE-2021-42574) and other invisible format marks,
# and letters that print as blanks (Hangul fillers, the Braille blank): printable, so they
# passed as text, and a run of them pushed "(not trusted)" off a forged "(trusted)" line.
_BIDI_AND_INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffa\ufffb"
    "\u115f\u1160\u3164\uffa0\u2800"
)


def is_unsafe(char: str) -> bool:
    """A character a terminal or a text widget could act on rather than show."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:  # C0, DEL, C1 (0x9B is a one-byte CSI)
        return True
    if char in _BIDI_AND_INVISIBLE:
        return True
    # Line and paragraph separators break lines in widgets; other Cf/Co/Cn are unseen.
    return unicodedata.category(char) in ("Zl", "Zp", "Cf", "Cs")


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every unsafe character written as an escape (``\\x1b``, ``\\u202e``).

    With ``multiline``, newlines and tabs are kept as they are (note sections); otherwise
    they are escaped too, so one value can never look like two lines of output. A literal
    backslash is left alone: the escapes are for reading, not for parsing back.
    """
    if text.isprintable() and not any(c in _BIDI_AND_INVISIBLE for c in text):
        return text  # the common case, without building a new string
    keep = "\n\t" if multiline else ""
    return "".join(_escape(c) if is_unsafe(c) and c not in keep else c for c in text)


def escape_json_text(serialized: str) -> str:
    """A JSON document with every unsafe character as a ``\\uXXXX`` escape.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but leaves C1 controls, DEL
    and bidi overrides raw. Those can only occur inside JSON strings, where ``\\uXXXX`` is
    the exact same value, so the data a script reads is unchanged.
    """
    if serialized.isprintable() and not any(c in _BIDI_AND_INVISIBLE for c in serialized):
        return serialized
    out = []
    for c in serialized:
        if c in "\n\t" or not is_unsafe(c):  # structural whitespace from indent=
            out.append(c)
        elif ord(c) > 0xFFFF:  # not reachable for Cf in practice; keep JSON's surrogate form
            v = ord(c) - 0x10000
            out.append(f"\\u{0xD800 + (v >> 10):04x}\\u{0xDC00 + (v & 0x3FF):04x}")
        else:
            out.append(f"\\u{ord(c):04x}")
    return "".join(out)
