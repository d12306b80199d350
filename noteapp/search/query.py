"""What a search text asks for: prefix words and "quoted phrases", as full-text expressions.

Every word must match as a word prefix (results as you type); a "quoted phrase" must match
consecutive words of one field, its last word as a prefix. Words are normalised exactly as
the index's text is (`words.index_text`), so a word is always found where it was written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from noteapp.domain.errors import InvalidInputError
from noteapp.search.words import words

# A pasted paragraph would become a query of hundreds of ANDs: bounded, with a sentence.
MAX_TERMS = 64
# Straight or typographic quotes (macOS substitutes them); an unterminated quote runs to the
# end, as the user is still typing the phrase.
_QUOTED = re.compile(r'["“”]([^"“”]*)["“”]?')


@dataclass(frozen=True)
class Query:
    """A parsed search text."""

    # One full-text expression per loose word ("w"*) and per phrase ("w1 w2"*), in order;
    # a document matches when every one matches in its title or one of its fields.
    exprs: tuple[str, ...]
    terms: tuple[str, ...]  # the normalised words of two letters or more, for highlighting
    highlight: re.Pattern[str] | None  # matches anywhere; hits.py keeps the word starts
    short_only: bool  # only one-letter words: nothing to search for


def _phrase_pattern(phrase: Sequence[str]) -> str:
    # Consecutive words with any non-word characters between; the last word may be partial.
    return r"\W+".join(re.escape(w) for w in phrase)


def _expr(phrase: Sequence[str]) -> str:
    # Words are runs of \w only, so they never hold a quote or an operator of the engine's
    # query syntax: inside quotes, "NOT" and "NEAR" are words like any other.
    return '"' + " ".join(phrase) + '"*'


def parse_query(text: str) -> Query:
    """Split text into prefix words and "quoted phrases", normalised like the index.

    Raises InvalidInputError for more than MAX_TERMS words and phrases.
    """
    loose: list[str] = []
    phrases: list[tuple[str, ...]] = []
    pos = 0
    for match in _QUOTED.finditer(text):
        loose += words(text[pos : match.start()])
        quoted = words(match.group(1))
        if len(quoted) > 1:
            phrases.append(tuple(quoted))
        else:
            loose += quoted
        pos = match.end()
    loose += words(text[pos:])
    # One-letter loose words are left out (a prefix of nearly every word); inside a phrase
    # they count, as its other words make it specific.
    unique = list(dict.fromkeys(w for w in loose if len(w) > 1))
    kept = list(dict.fromkeys(phrases))
    exprs = [_expr((w,)) for w in unique] + [_expr(p) for p in kept]
    if len(exprs) > MAX_TERMS:
        raise InvalidInputError(f"Search for at most {MAX_TERMS} words at a time.")
    every = [*loose, *(w for p in phrases for w in p)]
    terms = tuple(dict.fromkeys(w for w in every if len(w) > 1))
    alternatives = [_phrase_pattern(p) for p in kept]
    alternatives += [re.escape(t) for t in sorted(terms, key=len, reverse=True)]
    return Query(
        exprs=tuple(exprs),
        terms=terms,
        highlight=re.compile("|".join(alternatives)) if terms else None,
        short_only=not terms and bool(every),
    )
