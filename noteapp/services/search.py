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
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from noteapp.services.search_index import MAX_WORD, Aligned, WordIndex, normalize, words

CLIENT = "client"
NOTE = "note"
PSYCHOTHERAPY_NOTE = "psychotherapy_note"
SNIPPET_CHARS = 160
_LEAD = 50  # context kept before the first match
_WORD_SNAP = 20  # how far a snippet edge may move to avoid cutting a word in half
_SNIPPET_SCAN = 100_000  # only the start of a huge pasted field is scanned for a snippet
_BODY_SLOTS = 15  # fields past the fifteenth share the last slot (this only affects ranking)
_ELLIPSIS = "…"
_DATE_SHIFT = 40  # rank key = date ordinal << 40 | id: newest first, then latest added
_QUOTED = re.compile(r'"([^"]*)"?')  # an unterminated quote runs to the end (as you type)
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
    highlight: re.Pattern[str] | None
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
        highlight=re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")") if terms else None,
        short_only=not lookups and bool(every),
    )


class SearchIndex:
    """An in-memory inverted index of SearchDocs with filtered, ranked prefix search."""

    def __init__(self) -> None:
        self._words = WordIndex(1 + _BODY_SLOTS)
        self._ids: dict[str, int] = {}
        self._docs: dict[int, SearchDoc] = {}
        self._rank: dict[int, int] = {}
        self._facets: dict[str, dict[str, set[int]]] = {
            "client": {},
            "template": {},
            "status": {},
            "kind": {},
        }
        self._next_id = 0

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, doc: SearchDoc) -> None:
        """Index doc, replacing any doc with the same key."""
        self.remove(doc.key)
        doc_id = self._next_id
        self._next_id += 1
        self._words.add(doc_id, _texts(doc))
        self._ids[doc.key] = doc_id
        self._docs[doc_id] = doc
        day = doc.date.toordinal() if doc.date else 0
        self._rank[doc_id] = day << _DATE_SHIFT | doc_id
        for facet, value in _facet_values(doc):
            self._facets[facet].setdefault(value, set()).add(doc_id)

    def remove(self, key: str) -> None:
        """Forget the doc with this key (no error if there is none)."""
        doc_id = self._ids.pop(key, None)
        if doc_id is None:
            return
        doc = self._docs.pop(doc_id)
        self._words.remove(doc_id, _texts(doc))
        del self._rank[doc_id]
        for facet, value in _facet_values(doc):
            ids = self._facets[facet][value]
            ids.discard(doc_id)
            if not ids:
                del self._facets[facet][value]

    def clear(self) -> None:
        """Drop everything (on lock)."""
        self._words.clear()
        self._ids.clear()
        self._docs.clear()
        self._rank.clear()
        for values in self._facets.values():
            values.clear()

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
        if query.short_only:
            return empty
        filters: list[set[int]] = []
        for facet, value in (("client", client_id), ("template", template), ("status", status)):
            if value is not None:
                ids = self._facets[facet].get(value)
                if not ids:
                    return empty
                filters.append(ids)
        tests = [self._words.phrase_test(phrase) for phrase in query.phrases]
        if None in tests:
            return empty
        found = [self._words.lookup(t, prefix=p) for t, p in query.lookups]
        sets = [set().union(*slots) for slots in found] + filters
        if sets:
            sets.sort(key=len)
            cands = sets[0].intersection(*sets[1:])
        else:
            cands = set(self._docs)
        cands = self._filter_kinds(cands, kinds, include_psychotherapy)
        if date_from is not None or date_to is not None:
            low = (date_from.toordinal() if date_from else 1) << _DATE_SHIFT
            high = (date_to.toordinal() + 1) << _DATE_SHIFT if date_to else 1 << 80
            rank = self._rank
            cands = {i for i in cands if low <= rank[i] < high}
        codes = self._words.codes
        for test in tests:
            if test is not None:
                cands = {i for i in cands if test(codes[i])}
        if query.long_words:
            cands = {i for i in cands if _has_all(self._docs[i], query.long_words)}
        top = self._top(cands, found, max(limit, 0))
        return SearchResults(
            hits=tuple(_hit(self._docs[i], query) for i in top),
            total=len(cands),
            query_terms=query.terms,
        )

    def _filter_kinds(
        self, cands: set[int], kinds: Collection[str] | None, include_psychotherapy: bool
    ) -> set[int]:
        present = self._facets["kind"]
        allowed = set(present) if kinds is None else set(kinds) & set(present)
        if not include_psychotherapy:
            allowed.discard(PSYCHOTHERAPY_NOTE)
        excluded = set(present) - allowed
        if not excluded:
            return cands
        if len(excluded) == 1:
            return cands - present[next(iter(excluded))]
        keep: set[int] = set().union(*(present[k] for k in allowed))
        return cands & keep

    def _top(self, cands: set[int], found: list[list[set[int]]], limit: int) -> list[int]:
        """Rank: more query words in the title, then more (word, field) matches, then newer."""
        rank = self._rank
        if not limit or not cands:
            return []
        if not found:
            return heapq.nlargest(limit, cands, key=rank.__getitem__)
        in_title: Counter[int] = Counter()
        score: Counter[int] = Counter()  # (word, field) matches; title words weigh 2**16 each
        for slots in found:
            if slots[0]:
                in_title.update(slots[0] & cands)
            for slot in slots[1:]:
                if slot:
                    score.update(slot & cands)
        for doc_id, count in in_title.items():
            score[doc_id] += count << 16
        # Find the lowest score that still makes the cut by counting docs per score, so
        # only one pass over the candidates runs in Python.
        cutoff, room = 0, limit
        for level, docs in sorted(Counter(score.values()).items(), reverse=True):
            cutoff = level
            if docs >= room:
                break
            room -= docs
        above = [i for i, level in score.items() if level > cutoff]
        above.sort(key=lambda i: (score[i], rank[i]), reverse=True)
        tied = [i for i, level in score.items() if level == cutoff]
        return above + heapq.nlargest(limit - len(above), tied, key=rank.__getitem__)


def _texts(doc: SearchDoc) -> list[str]:
    return [doc.title, *doc.fields.values()]


def _has_all(doc: SearchDoc, patterns: Sequence[re.Pattern[str]]) -> bool:
    texts = [normalize(t) for t in _texts(doc)]
    return all(any(p.search(t) for t in texts) for p in patterns)


def _facet_values(doc: SearchDoc) -> tuple[tuple[str, str], ...]:
    return (
        ("client", doc.client_id),
        ("template", doc.template),
        ("status", doc.status),
        ("kind", doc.kind),
    )


def _hit(doc: SearchDoc, query: _Query) -> Hit:
    best: tuple[int, str, str, list[tuple[int, int]], bool] | None = None
    for label, text in doc.fields.items():
        if not text:
            continue
        scanned = text[:_SNIPPET_SCAN]
        aligned = Aligned(scanned)
        matches = [] if query.highlight is None else list(query.highlight.finditer(aligned.text))
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
    title_spans = [] if query.highlight is None else list(query.highlight.finditer(title.text))
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
