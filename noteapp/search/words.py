"""Text normalisation and the in-memory inverted index behind search (never written to disk).

Everything here lives only in RAM after unlock: postings are arrays and bitmaps of integer
document ids, so dropping the index on lock leaves no plaintext structure behind.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain, compress, repeat

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
_ONE_DIGIT = ord("1")
_DIGIT_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_SPARSE = 32  # bitmaps with fewer bits are walked bit by bit


@lru_cache(maxsize=1)
def _combining_table() -> dict[int, None]:
    # Every mark with a non-zero combining class lies below U+20000 (Unicode 15); scanning
    # only that range keeps the one-off cost near 10 ms.
    return dict.fromkeys(cp for cp in range(0x300, 0x20000) if unicodedata.combining(chr(cp)))


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return folded if folded.isascii() else folded.translate(_combining_table())


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # exactly what \w matches


@lru_cache(maxsize=1)
def _word_shape_table() -> dict[int, str]:
    # Folding must not move word boundaries, or a word as typed would stop finding itself:
    # a symbol that folds to letters (℡ → tel) stays a separator, and a letter that folds
    # to punctuation (⑴ → (1)) keeps only its letters. One-off cost: tens of milliseconds.
    table: dict[int, str] = {}
    for cp in range(0x80, 0x20000):
        char = chr(cp)
        if unicodedata.normalize("NFKD", char) == char and char.casefold() == char:
            continue
        folded = _fold(char)
        if _is_word(char):
            if not all(map(_is_word, folded)):
                table[cp] = "".join(filter(_is_word, folded))
        elif any(map(_is_word, folded)) and not unicodedata.combining(char):
            table[cp] = " "
    return table


def normalize(text: str) -> str:
    """Case- and accent-fold text: NFKD, casefold, NFKD again, combining marks removed.

    Works character by character (no context), so it can be mapped back to the original,
    and never joins or splits words.
    """
    if text.isascii():
        return text.lower()
    return _fold(text.translate(_word_shape_table()))


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


def to_bitmap(ids: Iterable[int], size: int) -> int:
    """A bitmap (bit i set for each id i) of ids, all below size; C-speed per id."""
    digits = bytearray(b"0") * size
    deque(map(digits.__setitem__, ids, repeat(_ONE_DIGIT)), maxlen=0)
    digits.reverse()
    return int(digits, 2) if size else 0


def bitmap_ids(bits: int) -> list[int]:
    """The ids set in a bitmap, ascending."""
    if bits.bit_count() <= _SPARSE:
        ids = []
        while bits:
            low = bits & -bits
            ids.append(low.bit_length() - 1)
            bits ^= low
        return ids
    flags = format(bits, "b").encode()[::-1].translate(_DIGIT_FLAGS)
    return list(compress(range(len(flags)), flags))


def count_into(planes: list[int], bits: int) -> None:
    """Add one to the bit-sliced count of every doc in bits (a ripple-carry add)."""
    for k, plane in enumerate(planes):
        if not bits:
            return
        planes[k], bits = plane ^ bits, plane & bits
    if bits:
        planes.append(bits)


def equal_groups(docs: int, planes: list[int], k: int) -> Iterator[int]:
    """Split docs into groups of equal count, highest count first (empty groups skipped)."""
    if k < 0:
        yield docs
        return
    for part in (docs & planes[k], docs & ~planes[k]):
        if part:
            yield from equal_groups(part, planes, k - 1)


class WordIndex:
    """Word → sorted array of doc ids, one table per slot (slot 0 is the title), plus each
    doc's words as a code string (one character per word) so phrases are substring tests.

    Queries work on bitmaps (Python ints, one bit per doc id), so intersections, unions and
    match counting run in C. Bitmaps of frequent words are cached and kept current on add
    and remove; rare words are converted per query. Removal is exact (a bisect per word),
    so nothing is tombstoned and there is no compaction pause.
    """

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.codes: dict[int, str] = {}  # doc id → its words as codes, "\0" between fields
        self._tables: list[dict[str, array[int]]] = [{} for _ in range(slots)]
        self._bitmaps: list[dict[str, int]] = [{} for _ in range(slots)]  # frequent words
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
            codes = list(map(self._code_of.get, keys))
            if None in codes:  # new words get the next free codes
                codes = [
                    self._code(k) if c is None else c for c, k in zip(codes, keys, strict=True)
                ]
            lines.append("".join(map(chr, codes)))  # type: ignore[arg-type]
        self.codes[doc_id] = "\0".join(lines)
        masks, bit = self._slot_mask, 1 << doc_id
        for slot, unique in enumerate(slot_keys):
            table, bitmaps, slot_bit = self._tables[slot], self._bitmaps[slot], 1 << slot
            for key in unique:
                posting = table.get(key)
                if posting is None:
                    table[key] = array("I", (doc_id,))
                    mask = masks.get(key, 0)
                    if not mask:
                        self._pending.add(key)
                    masks[key] = mask | slot_bit
                    continue
                if posting[-1] < doc_id:
                    posting.append(doc_id)
                else:  # a recycled id
                    insort(posting, doc_id)
                if bitmaps and key in bitmaps:
                    bitmaps[key] |= bit

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
            if chr(_LAST_CODE) in line:  # over a million distinct words: re-read the text
                keys = {w[:MAX_WORD] for w in WORD_RE.findall(normalize(texts[n]))}
            else:
                keys = set(map(self._word_of.__getitem__, map(ord, line)))
            slot_keys[min(n, self.slots - 1)].update(keys)
        masks, clear_bit = self._slot_mask, ~(1 << doc_id)
        for slot, unique in enumerate(slot_keys):
            table, bitmaps = self._tables[slot], self._bitmaps[slot]
            for key in unique:
                posting = table.get(key)
                if posting is None:
                    continue
                i = bisect_left(posting, doc_id)
                if i < len(posting) and posting[i] == doc_id:
                    del posting[i]
                if bitmaps and key in bitmaps:
                    bitmaps[key] &= clear_bit
                if posting:
                    continue
                del table[key]
                bitmaps.pop(key, None)
                mask = masks[key] & ~(1 << slot)
                if mask:
                    masks[key] = mask
                    continue
                del masks[key]
                if key in self._pending:
                    self._pending.discard(key)
                else:
                    self._stale += 1

    def clear(self) -> None:
        self.codes.clear()
        for table, bitmaps in zip(self._tables, self._bitmaps, strict=True):
            table.clear()
            bitmaps.clear()
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

    def lookup(self, term: str, *, prefix: bool, size: int) -> list[int]:
        """Per slot, a bitmap of the docs holding term (or a word starting with it)."""
        found = [0] * self.slots
        rare: list[list[array[int]]] = [[] for _ in range(self.slots)]
        frequent = max(size >> 5, _SPARSE)  # where a bitmap costs less than its array
        masks, tables = self._slot_mask, self._tables
        for key in self._keys(term, prefix):
            mask = masks.get(key, 0)
            slot = 0
            while mask:
                if mask & 1:
                    posting = tables[slot][key]
                    if len(posting) < frequent:
                        rare[slot].append(posting)
                    else:
                        bits = self._bitmaps[slot].get(key)
                        if bits is None:
                            bits = self._bitmaps[slot][key] = to_bitmap(posting, size)
                        found[slot] |= bits
                mask >>= 1
                slot += 1
        for slot, postings in enumerate(rare):
            if postings:
                found[slot] |= to_bitmap(chain.from_iterable(postings), size)
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
