"""Text normalisation for search: what counts as a word, and how words are compared.

Case and accents never matter (NFKD, full casefolding, combining marks dropped), and folding
never moves a word boundary, so a normalised text maps back to the original for highlights.
`index_text` is what the full-text engine is given: exactly these words, so the engine's
tokens and the words a query is split into are the same by construction.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache

WORD_RE = re.compile(r"\w+")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


class _LazyTable(dict[int, "str | None"]):
    """A str.translate table filled as characters come up. Computing it whole, for every
    code point, cost tens of milliseconds (hundreds on a busy machine) in each process that
    met one accented letter: more than a whole command-line search should."""

    def __init__(self, shape: Callable[[int], str | None]) -> None:
        super().__init__()
        self._shape = shape

    def __missing__(self, cp: int) -> str | None:
        value = self[cp] = self._shape(cp)
        return value


def _without_marks(cp: int) -> str | None:
    return None if unicodedata.combining(chr(cp)) else chr(cp)  # None: translate drops it


_COMBINING = _LazyTable(_without_marks)


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return folded if folded.isascii() else folded.translate(_COMBINING)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # exactly what \w matches


def _word_shape(cp: int) -> str:
    # Folding must not move word boundaries, or a word as typed would stop finding itself:
    # a symbol that folds to letters (℡ → tel) stays a separator, and a letter that folds
    # to punctuation (⑴ → (1)) keeps only its letters.
    char = chr(cp)
    if unicodedata.normalize("NFKD", char) == char and char.casefold() == char:
        return char
    folded = _fold(char)
    if _is_word(char):
        return char if all(map(_is_word, folded)) else "".join(filter(_is_word, folded))
    if any(map(_is_word, folded)) and not unicodedata.combining(char):
        return " "
    return char


_WORD_SHAPES = _LazyTable(_word_shape)


def normalize(text: str) -> str:
    """Case- and accent-fold text: NFKD, casefold, NFKD again, combining marks removed.

    Works character by character (no context), so it can be mapped back to the original,
    and never joins or splits words.
    """
    if text.isascii():
        return text.lower()
    return _fold(text.translate(_WORD_SHAPES))


@lru_cache(maxsize=4096)
def _normalize_char(char: str) -> str:
    return normalize(char)


def words(text: str) -> list[str]:
    """The normalised words of text, in order (duplicates kept)."""
    return WORD_RE.findall(normalize(text))


class Aligned:
    """A normalised copy of one field plus a map from its offsets back to the original."""

    __slots__ = ("_atomic", "_norm_starts", "_orig_starts", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self._norm_starts: list[int] = []
        self._orig_starts: list[int] = []
        self._atomic: list[bool] = []
        if original.isascii():
            self.text = original.lower()
            return
        parts: list[str] = []
        npos = last = 0

        def push(piece: str, orig: int, atomic: bool) -> None:
            nonlocal npos
            parts.append(piece)
            self._norm_starts.append(npos)
            self._orig_starts.append(orig)
            self._atomic.append(atomic)
            npos += len(piece)

        for run in _NON_ASCII_RUN.finditer(original):
            start, end = run.span()
            if start > last:
                push(original[last:start].lower(), last, False)
            for k in range(start, end):
                piece = _normalize_char(original[k])
                if piece:  # combining marks vanish; they ride along with their base
                    push(piece, k, True)
            last = end
        if last < len(original):
            push(original[last:].lower(), last, False)
        self.text = "".join(parts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering normalised [start, end), combining marks included."""
        if not self._norm_starts:
            return start, end
        orig_start = self._map(start)
        orig_end = self._map(end - 1) + 1
        original = self.original
        while orig_end < len(original) and not _normalize_char(original[orig_end]):
            orig_end += 1
        return orig_start, orig_end

    def _map(self, pos: int) -> int:
        j = bisect_right(self._norm_starts, pos) - 1
        if self._atomic[j]:
            return self._orig_starts[j]
        return self._orig_starts[j] + pos - self._norm_starts[j]


def index_text(text: str) -> str:
    """The text as the full-text engine's tokenizer gets it: its normalised words.

    The engine splits on ASCII characters other than letters, digits and "_" and lowercases
    ASCII — exactly what `words` does to ASCII text, so that (most) text goes in as it is.
    Anything else is reduced to its normalised words separated by spaces.
    """
    if text.isascii():
        return text
    return " ".join(WORD_RE.findall(normalize(text)))
