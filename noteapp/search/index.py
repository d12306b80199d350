"""Search across clients and notes, over the decrypted records held in memory after unlock.

The index lives only in RAM: it is built from decrypted records after unlock and dropped
with clear() on lock, so no plaintext index ever reaches the disk. Queries are case- and
accent-insensitive; every word must match as a word prefix (results as you type), and a
"quoted phrase" must match consecutive words. Psychotherapy (process) notes carry extra
HIPAA protection, so they are left out unless the caller asks for them explicitly.

Not thread-safe: the caller serialises add/remove/search (one worker or the GUI thread).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import attrgetter, or_

from noteapp.search.words import (
    MAX_WORD,
    Aligned,
    WordIndex,
    bitmap_ids,
    count_into,
    equal_groups,
    normalize,
    to_bitmap,
    words,
)

CLIENT = "client"
NOTE = "note"
PSYCHOTHERAPY_NOTE = "psychotherapy_note"
SNIPPET_CHARS = 160
_LEAD = 50  # context kept before the first match
_WORD_SNAP = 20  # how far a snippet edge may move to avoid cutting a word in half
_SNIPPET_SCAN = 100_000  # only the start of a huge pasted field is scanned for a snippet
_BODY_SLOTS = 15  # fields past the fifteenth share the last slot (this only affects ranking)
_ELLIPSIS = "…"
_FACET_ATTRS = {"client": "client_id", "template": "template", "status": "status", "kind": "kind"}
_RANKED_TERMS = 16  # words past this still filter but no longer add to the ranking
_DATE_SHIFT = 40  # rank = date ordinal << 40 | add sequence: newest first, then latest added
# Straight or typographic quotes (macOS substitutes them); an unterminated quote runs to the
# end, as the user is still typing the phrase.
_WORD_RUN = re.compile(r"\w*")
_QUOTED = re.compile(r'["“”]([^"“”]*)["“”]?')
# Control and bidi-override characters could scramble a one-line snippet in the UI; each
# becomes one space so highlight offsets stay valid.
_BIDI = (0x61C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_UNSAFE = dict.fromkeys((*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *_BIDI), " ")


@dataclass(frozen=True)
class SearchDoc:
    """One searchable record: a client or a note, already decrypted."""

    key: str  # record id (note id or client id)
    kind: str  # "client" | "note" | "psychotherapy_note"
    client_id: str
    title: str  # client name, or "SOAP note — 2026-03-04"
    date: date | None
    template: str  # "" for clients
    status: str  # "draft" | "signed" | "active" | "discharged"
    fields: Mapping[str, str]  # field label → text (searched and shown in snippets)


@dataclass(frozen=True)
class Hit:
    key: str
    kind: str
    client_id: str
    title: str
    date: date | None
    template: str
    status: str
    field: str  # label of the field holding the best match ("" if only the title matched)
    snippet: str  # ~160 characters around the first match, "…" where cut
    highlights: tuple[tuple[int, int], ...]  # (start, end) spans in snippet
    title_highlights: tuple[tuple[int, int], ...]  # (start, end) spans in title


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[Hit, ...]  # best first, at most `limit`
    total: int  # every match before the cap
    query_terms: tuple[str, ...]  # normalised words, for highlighting elsewhere


@dataclass(frozen=True)
class _Query:
    lookups: tuple[tuple[str, bool], ...]  # (term, is_prefix) pairs to fetch from the index
    phrases: tuple[tuple[str, ...], ...]
    long_words: tuple[re.Pattern[str], ...]  # past MAX_WORD, confirmed against the text
    terms: tuple[str, ...]
    highlight: re.Pattern[str] | None  # matches anywhere; _matches keeps the word starts
    short_only: bool  # only one-letter words: nothing to search for


def _phrase_pattern(phrase: Sequence[str]) -> str:
    # Consecutive words with any non-word characters between; the last word may be partial.
    return r"\W+".join(re.escape(w) for w in phrase)


def parse_query(text: str) -> _Query:
    """Split text into prefix words and "quoted phrases", normalised like the index."""
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
    lookups: dict[tuple[str, bool], None] = {}
    for word in loose:
        if len(word) > 1:
            lookups[word, True] = None
    for phrase in phrases:
        for n, word in enumerate(phrase):
            if len(word) > 1:
                lookups[word, n == len(phrase) - 1] = None
    every = [*loose, *(w for p in phrases for w in p)]
    terms = tuple(dict.fromkeys(w for w in every if len(w) > 1))
    alternatives = [_phrase_pattern(p) for p in phrases]
    alternatives += [re.escape(t) for t in sorted(terms, key=len, reverse=True)]
    return _Query(
        lookups=tuple(lookups),
        phrases=tuple(phrases),
        long_words=tuple(re.compile(r"(?<!\w)" + re.escape(w)) for w in terms if len(w) > MAX_WORD),
        terms=terms,
        highlight=re.compile("|".join(alternatives)) if terms else None,
        short_only=not lookups and bool(every),
    )


class SearchIndex:
    """An in-memory inverted index of SearchDocs with filtered, ranked prefix search."""

    def __init__(self) -> None:
        self._words = WordIndex(1 + _BODY_SLOTS)
        self._ids: dict[str, int] = {}
        self._docs: dict[int, SearchDoc] = {}
        self._rank: dict[int, int] = {}  # date ordinal << 40 | add sequence: newest first
        # (facet, value) → bitmap of its docs, built by a scan when first asked for and
        # kept current from then on (cheaper in memory than a set per value).
        self._facet_bits: dict[tuple[str, str], int] = {}
        self._free: list[int] = []  # ids are recycled so bitmaps stay as short as the index
        self._size = 0  # every id is below this
        self._added = 0

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, doc: SearchDoc) -> None:
        """Index doc, replacing any doc with the same key."""
        self.remove(doc.key)
        doc_id = self._free.pop() if self._free else self._size
        self._size = max(self._size, doc_id + 1)
        self._words.add(doc_id, _texts(doc))
        self._ids[doc.key] = doc_id
        self._docs[doc_id] = doc
        self._added += 1
        self._rank[doc_id] = (doc.date.toordinal() if doc.date else 0) << _DATE_SHIFT | self._added
        for facet in _facets(doc):
            if facet in self._facet_bits:
                self._facet_bits[facet] |= 1 << doc_id

    def remove(self, key: str) -> None:
        """Forget the doc with this key (no error if there is none)."""
        doc_id = self._ids.pop(key, None)
        if doc_id is None:
            return
        doc = self._docs.pop(doc_id)
        self._words.remove(doc_id, _texts(doc))
        del self._rank[doc_id]
        self._free.append(doc_id)
        for facet in _facets(doc):
            if facet in self._facet_bits:
                self._facet_bits[facet] &= ~(1 << doc_id)

    def clear(self) -> None:
        """Drop everything (on lock)."""
        self._words.clear()
        self._ids.clear()
        self._docs.clear()
        self._rank.clear()
        self._facet_bits.clear()
        self._free.clear()
        self._size = 0

    def search(
        self,
        text: str,
        *,
        client_id: str | None = None,
        template: str | None = None,
        status: str | None = None,
        kinds: Collection[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        include_psychotherapy: bool = False,
        limit: int = 50,
    ) -> SearchResults:
        """Docs matching every word of text (as prefixes) and every filter, best first.

        An empty text lists the filtered docs newest first. Psychotherapy notes appear only
        with include_psychotherapy=True (and, if kinds is given, it must name them too).
        """
        query = parse_query(text)
        empty = SearchResults(hits=(), total=0, query_terms=query.terms)
        tests = [self._words.phrase_test(phrase) for phrase in query.phrases]
        if query.short_only or None in tests:
            return empty
        found = [self._words.lookup(t, prefix=p, size=self._size) for t, p in query.lookups]
        cands = self._bits(("all", ""))
        for slots in found:
            cands &= reduce(or_, slots)
        for facet in (("client", client_id), ("template", template), ("status", status)):
            if facet[1] is not None:
                cands &= self._bits(facet)
        if kinds is not None:
            cands &= reduce(or_, (self._bits(("kind", k)) for k in kinds), 0)
        if not include_psychotherapy:
            cands &= ~self._bits(("kind", PSYCHOTHERAPY_NOTE))
        if date_from or date_to or tests or query.long_words:
            cands = self._confirm(cands, query, tests, date_from, date_to)
        top = self._top(cands, found, max(limit, 0))
        return SearchResults(
            hits=tuple(_hit(self._docs[i], query) for i in top),
            total=cands.bit_count(),
            query_terms=query.terms,
        )

    def _bits(self, facet: tuple[str, str | None]) -> int:
        """The bitmap of docs with this facet value (("all", "") for every doc)."""
        key = (facet[0], facet[1] or "")
        bits = self._facet_bits.get(key)
        if bits is None:
            if key[0] == "all":
                ids: list[int] = list(self._docs)
            else:
                value_of = attrgetter(_FACET_ATTRS[key[0]])
                ids = [i for i, doc in self._docs.items() if value_of(doc) == key[1]]
            bits = self._facet_bits[key] = to_bitmap(ids, self._size)
        return bits

    def _confirm(
        self,
        cands: int,
        query: _Query,
        tests: Sequence[Callable[[str], object] | None],
        date_from: date | None,
        date_to: date | None,
    ) -> int:
        """Keep the candidates in the date range whose words hold the phrases."""
        ids = bitmap_ids(cands)
        if date_from or date_to:
            low = (date_from.toordinal() if date_from else 1) << _DATE_SHIFT
            high = (date_to.toordinal() + 1) << _DATE_SHIFT if date_to else 1 << 80
            rank = self._rank
            ids = [i for i in ids if low <= rank[i] < high]
        codes = self._words.codes
        for test in tests:
            if test is not None:
                ids = [i for i in ids if test(codes[i])]
        if query.long_words:
            ids = [i for i in ids if _has_all(self._docs[i], query.long_words)]
        return to_bitmap(ids, self._size)

    def _top(self, cands: int, found: list[list[int]], limit: int) -> list[int]:
        """Rank: more query words in the title, then more (word, field) matches, then newer.

        Match counts are kept bit-sliced (plane k holds bit k of every doc's count), so
        counting and grouping by count are a few big-integer operations, not a loop.
        """
        rank = self._rank
        if not limit or not cands:
            return []
        fields: list[int] = []
        title: list[int] = []
        for slots in found[:_RANKED_TERMS]:
            count_into(title, slots[0] & cands)
            for bits in slots[1:]:
                count_into(fields, bits & cands)
        planes = fields + title  # the title count is the more significant part
        top: list[int] = []
        for group in equal_groups(cands, planes, len(planes) - 1):
            room = limit - len(top)
            if group.bit_count() >= room:
                return top + heapq.nlargest(room, bitmap_ids(group), key=rank.__getitem__)
            top += sorted(bitmap_ids(group), key=rank.__getitem__, reverse=True)
        return top


def _texts(doc: SearchDoc) -> list[str]:
    return [doc.title, *doc.fields.values()]


def _has_all(doc: SearchDoc, patterns: Sequence[re.Pattern[str]]) -> bool:
    texts = [normalize(t) for t in _texts(doc)]
    return all(any(p.search(t) for t in texts) for p in patterns)


def _facets(doc: SearchDoc) -> tuple[tuple[str, str], ...]:
    return (
        ("all", ""),
        ("client", doc.client_id),
        ("template", doc.template),
        ("status", doc.status),
        ("kind", doc.kind),
    )


def _matches(pattern: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    """Matches that start a word. (A leading look-behind in the pattern would stop the
    regex engine from skipping ahead to its first letters, making it several times slower.)
    """
    found: list[re.Match[str]] = []
    pos = 0
    while pattern is not None and (match := pattern.search(text, pos)):
        start = match.start()
        before = text[start - 1] if start else " "
        if before.isalnum() or before == "_":  # mid-word: skip the rest of this word
            pos = _WORD_RUN.match(text, start).end()  # type: ignore[union-attr]
        else:
            found.append(match)
            pos = match.end()
    return found


def _hit(doc: SearchDoc, query: _Query) -> Hit:
    best: tuple[int, str, str, list[tuple[int, int]], bool] | None = None
    for label, text in doc.fields.items():
        if not text:
            continue
        scanned = text[:_SNIPPET_SCAN]
        aligned = Aligned(scanned)
        matches = _matches(query.highlight, aligned.text)
        score = len({m.group() for m in matches})
        if best is None or score > best[0]:
            spans = [aligned.span(*m.span()) for m in matches]
            best = (score, label, scanned, spans, len(scanned) < len(text))
    field, snippet = "", ""
    highlights: tuple[tuple[int, int], ...] = ()
    if best is not None:
        _, field, text, spans, cut = best
        snippet, highlights = _snippet(text, spans, cut=cut)
    title = Aligned(doc.title)
    title_spans = _matches(query.highlight, title.text)
    return Hit(
        key=doc.key,
        kind=doc.kind,
        client_id=doc.client_id,
        title=doc.title,
        date=doc.date,
        template=doc.template,
        status=doc.status,
        field=field,
        snippet=snippet,
        highlights=highlights,
        title_highlights=tuple(title.span(*m.span()) for m in title_spans),
    )


def _snippet(
    text: str, spans: list[tuple[int, int]], *, cut: bool
) -> tuple[str, tuple[tuple[int, int], ...]]:
    first, last = spans[0] if spans else (0, 0)
    start = max(0, first - _LEAD)
    if start > 0:
        space = text.find(" ", start, first)
        if space != -1 and space - start < _WORD_SNAP:
            start = space + 1
    end = min(len(text), max(start + SNIPPET_CHARS, last))
    if end < len(text):
        space = text.rfind(" ", last, end)
        if space != -1 and end - space < _WORD_SNAP:
            end = space
    head = _ELLIPSIS if start > 0 else ""
    tail = _ELLIPSIS if end < len(text) or cut else ""
    shift = len(head) - start
    marks = tuple((max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end)
    return head + text[start:end].translate(_UNSAFE) + tail, marks
