"""Text normalisation and the in-memory inverted index behind search (never written to disk).

Everything here lives only in RAM after unlock: the postings are plain arrays of integer
document ids, so dropping the index on lock leaves no plaintext structure behind.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Sequence
from functools import lru_cache

WORD_RE = re.compile(r"\w+")
# Index keys are capped so that pasted junk (a 1 MB run of letters) cannot bloat the index;
# longer query terms are checked against the text itself.
MAX_WORD = 40
# Past this many new words, re-sorting the vocabulary beats inserting one by one.
_BULK_SORT = 256
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_PREFIX_END = "\U0010ffff"
# Codes are characters; past the last one (over a million distinct words) words share it,
# which can only make a phrase look present where the words are; postings stay exact.
_LAST_CODE = 0x10FFFF


@lru_cache(maxsize=1)
def _combining_table() -> dict[int, None]:
    # Every mark with a non-zero combining class lies below U+20000 (Unicode 15); scanning
    # only that range keeps the one-off cost near 10 ms.
    return dict.fromkeys(cp for cp in range(0x300, 0x20000) if unicodedata.combining(chr(cp)))


def normalize(text: str) -> str:
    """Case- and accent-fold text: NFKD, casefold, NFKD again, combining marks removed.

    Works character by character (no context), so it can be mapped back to the original.
    """
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    if folded.isascii():
        return folded
    return folded.translate(_combining_table())


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


class WordIndex:
    """Word → sorted array of doc ids, one table per slot (slot 0 is the title), plus each
    doc's words as a code string (one character per word) so phrases are substring tests.

    Doc ids only ever grow, so appending keeps every array sorted and removal is a bisect;
    nothing is tombstoned, so there is no compaction pause.
    """

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.codes: dict[int, str] = {}  # doc id → its words as codes, "\0" between fields
        self._tables: list[dict[str, array[int]]] = [{} for _ in range(slots)]
        self._slot_mask: dict[str, int] = {}  # word → bit per slot holding it
        self._vocab: list[str] = []  # sorted; may hold stale words (no slot bit left)
        self._pending: set[str] = set()
        self._stale = 0
        self._code_of: dict[str, int] = {}
        self._word_of: list[str] = [""]  # code 0 separates fields

    def add(self, doc_id: int, texts: Sequence[str]) -> None:
        """Index the texts of one doc: its title first, then its fields in order."""
        slot_keys: list[set[str]] = [set() for _ in range(min(len(texts), self.slots))]
        lines: list[str] = []
        for n, text in enumerate(texts):
            keys = [w[:MAX_WORD] for w in WORD_RE.findall(normalize(text))]
            slot_keys[min(n, self.slots - 1)].update(keys)
            lines.append("".join(map(chr, map(self._code, keys))))
        self.codes[doc_id] = "\0".join(lines)
        masks = self._slot_mask
        for slot, unique in enumerate(slot_keys):
            table, bit = self._tables[slot], 1 << slot
            for key in unique:
                posting = table.get(key)
                if posting is None:
                    table[key] = array("I", (doc_id,))
                    mask = masks.get(key, 0)
                    if not mask:
                        self._pending.add(key)
                    masks[key] = mask | bit
                else:
                    posting.append(doc_id)

    def _code(self, key: str) -> int:
        code = self._code_of.get(key)
        if code is None:
            code = min(len(self._word_of), _LAST_CODE)
            if code < _LAST_CODE:
                self._code_of[key] = code
                self._word_of.append(key)
        return code

    def remove(self, doc_id: int, texts: Sequence[str]) -> None:
        """Drop one doc; texts (as given to add) are re-read only if codes ran out."""
        lines = self.codes.pop(doc_id).split("\0")
        slot_keys: list[set[str]] = [set() for _ in range(min(len(lines), self.slots))]
        for n, line in enumerate(lines):
            if chr(_LAST_CODE) in line:  # more than a million distinct words: re-read
                keys = {w[:MAX_WORD] for w in WORD_RE.findall(normalize(texts[n]))}
            else:
                keys = set(map(self._word_of.__getitem__, map(ord, line)))
            slot_keys[min(n, self.slots - 1)].update(keys)
        masks = self._slot_mask
        for slot, unique in enumerate(slot_keys):
            table = self._tables[slot]
            for key in unique:
                posting = table.get(key)
                if posting is None:
                    continue
                i = bisect_left(posting, doc_id)
                if i < len(posting) and posting[i] == doc_id:
                    del posting[i]
                if not posting:
                    del table[key]
                    mask = masks[key] & ~(1 << slot)
                    if mask:
                        masks[key] = mask
                    else:
                        del masks[key]
                        if key in self._pending:
                            self._pending.discard(key)
                        else:
                            self._stale += 1

    def clear(self) -> None:
        self.codes.clear()
        for table in self._tables:
            table.clear()
        self._slot_mask.clear()
        self._vocab = []
        self._pending.clear()
        self._stale = 0
        self._code_of.clear()
        self._word_of = [""]

    def _sorted_vocab(self) -> list[str]:
        pending = self._pending
        if pending or self._stale * 4 > len(self._vocab) > 0:
            if len(pending) > _BULK_SORT or self._stale * 4 > len(self._vocab):
                self._vocab = sorted(self._slot_mask)
                self._stale = 0
            else:
                vocab = self._vocab
                for key in pending:
                    i = bisect_left(vocab, key)
                    if i < len(vocab) and vocab[i] == key:
                        self._stale -= 1  # a stale word came back
                    else:
                        insort(vocab, key)
            pending.clear()
        return self._vocab

    def _keys(self, term: str, prefix: bool) -> Sequence[str]:
        term = term[:MAX_WORD]
        if not prefix:
            return (term,)
        vocab = self._sorted_vocab()
        lo = bisect_left(vocab, term)
        return vocab[lo : bisect_left(vocab, term + _PREFIX_END, lo)]

    def lookup(self, term: str, *, prefix: bool) -> list[set[int]]:
        """Per slot, the ids of docs holding term (or a word starting with it)."""
        found: list[set[int]] = [set() for _ in range(self.slots)]
        masks, tables = self._slot_mask, self._tables
        for key in self._keys(term, prefix):
            mask = masks.get(key, 0)
            slot = 0
            while mask:
                if mask & 1:
                    found[slot].update(tables[slot][key])
                mask >>= 1
                slot += 1
        return found

    def phrase_test(self, phrase: Sequence[str]) -> Callable[[str], object] | None:
        """A test on code strings for consecutive words (the last one a prefix), or None
        when no doc can match."""
        head = ""
        for word in phrase[:-1]:
            key = word[:MAX_WORD]
            if key not in self._slot_mask:
                return None
            head += chr(self._code_of.get(key, _LAST_CODE))
        keys = [k for k in self._keys(phrase[-1], True) if k in self._slot_mask]
        if not keys:
            return None
        tails = "".join(re.escape(chr(self._code_of.get(k, _LAST_CODE))) for k in keys)
        return re.compile(re.escape(head) + (f"[{tails}]" if len(keys) > 1 else tails)).search
