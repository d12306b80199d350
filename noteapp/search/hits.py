"""Search results as shown: hits with a snippet of the best field and highlighted matches.

Built from the record's current text, fetched for the hits shown only: the index itself keeps
no copy of any text it does not need.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from noteapp.search.query import Query
from noteapp.search.words import Aligned

SNIPPET_CHARS = 160
_LEAD = 50  # context kept before the first match
_WORD_SNAP = 20  # how far a snippet edge may move to avoid cutting a word in half
_SNIPPET_SCAN = 100_000  # only the start of a huge pasted field is scanned for a snippet
_ELLIPSIS = "…"
_WORD_RUN = re.compile(r"\w*")
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
    # What the record was when indexed (e.g. its version): compared with the record now,
    # it tells a stale index entry from a current one.
    stamp: str = ""

    def __repr__(self) -> str:  # titles and fields are PHI: never in logs or tracebacks
        return f"SearchDoc(key={self.key!r}, kind={self.kind!r})"


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

    def __repr__(self) -> str:  # title and snippet are PHI
        return f"Hit(key={self.key!r}, kind={self.kind!r})"


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[Hit, ...]  # best first, at most `limit`
    total: int  # every match before the cap
    query_terms: tuple[str, ...]  # normalised words, for highlighting elsewhere


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


def make_hit(doc: SearchDoc, query: Query) -> Hit:
    """The hit for doc: the field with most query words, a snippet around the first match,
    and every matched word prefix marked in snippet and title."""
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
