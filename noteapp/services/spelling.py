"""Spell checking for note fields: an English dictionary (pyspellchecker), a clinical word
list we ship, and the clinician's personal dictionary (kept encrypted in the vault, since it
soon holds client names)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from noteapp.domain.errors import InvalidInputError
from noteapp.services.tracked import TrackedRecord
from noteapp.vault.store import Vault

KIND = "personal_dictionary"
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’][A-Za-z]+)?")
# Long words get only distance-1 suggestions: distance 2 on a 15-letter word takes a second.
_DISTANCE_2_MAX_LEN = 9


@lru_cache(maxsize=1)
def _english() -> Any:
    from spellchecker import SpellChecker

    checker = SpellChecker(language="en", distance=1)
    text = resources.files("noteapp.services").joinpath("data", "clinical_words.txt")
    words = [
        w.strip()
        for w in text.read_text("utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    ]
    checker.word_frequency.load_words(words)
    return checker


class Speller:
    def __init__(self, vault: Vault | None = None) -> None:
        self._record = TrackedRecord(vault, KIND, KIND) if vault is not None else None
        self._personal: set[str] = set()
        if self._record is not None:
            self._personal = set((self._record.read() or {}).get("words", []))

    @staticmethod
    def prepare() -> None:
        """Load the English dictionary now (a fifth of a second), e.g. on a worker thread
        after unlocking, so the first note window opened does not wait for it."""
        _english()

    @property
    def personal_words(self) -> list[str]:
        return sorted(self._personal, key=str.casefold)

    def _known(self, word: str) -> bool:
        if word.casefold() in {w.casefold() for w in self._personal}:
            return True
        if len(word) <= 1 or word.isupper():  # abbreviations like PHQ, SI/HI
            return True
        checker = _english()
        return not checker.unknown([word])

    def misspelled(self, text: str) -> list[tuple[int, int]]:
        """(start, end) spans of words that are neither in the dictionaries nor personal."""
        spans = []
        for m in _WORD.finditer(text):
            word = m.group(0)
            if not self._known(word.replace("’", "'")):
                spans.append((m.start(), m.end()))
        return spans

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        checker = _english()
        found = checker.candidates(word.lower())
        if not found and len(word) <= _DISTANCE_2_MAX_LEN:
            found = {w for w in checker.edit_distance_2(word.lower()) if w in checker}
        ranked = sorted(found or [], key=lambda w: -float(checker.word_usage_frequency(w)))
        if word[:1].isupper():
            ranked = [w.capitalize() for w in ranked]
        return [w for w in ranked if w.lower() != word.lower()][:limit]

    def add(self, word: str) -> None:
        word = word.strip()
        if not _WORD.fullmatch(word):
            raise InvalidInputError("Only single words can be added to the dictionary.")
        self._personal.add(word)
        self._save()

    def remove(self, word: str) -> None:
        self._personal.discard(word)
        self._save()

    def _save(self) -> None:
        if self._record is not None:
            self._record.write({"words": sorted(self._personal)})
