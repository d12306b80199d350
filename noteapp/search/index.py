"""Search across clients and notes: a full-text index (SQLite FTS5, in memory) in shards.

Queries are case- and accent-insensitive; every word must match as a word prefix (results
as you type), and a "quoted phrase" must match consecutive words of one field. Results rank
by how many query words the title holds, then newest first. Psychotherapy (process) notes
carry extra HIPAA protection, so they are left out unless the caller asks for them.

The index keeps postings, not text: a hit's snippet is made from the record's current text,
fetched for the hits shown only. Its shards (shard.py) can be stored as encrypted images
(persist.py), so a vault's index is loaded, not rebuilt, after unlock.

Not thread-safe: the caller serialises every call (the search service holds a lock).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import TypedDict, Unpack

from noteapp.search.hits import Hit, SearchDoc, SearchResults, make_hit
from noteapp.search.query import Query, parse_query
from noteapp.search.shard import FIELD_BREAK, Entry, Filters, Row, Shard
from noteapp.search.words import index_text

__all__ = ["FilterArgs", "Hit", "SearchDoc", "SearchIndex", "SearchResults", "filters"]

CLIENT = "client"
NOTE = "note"
PSYCHOTHERAPY_NOTE = "psychotherapy_note"
# The open shard (which keeps text, so a draft autosaved again replaces its rows exactly) is
# sealed past this many documents; a full build makes sealed shards of SHARD_DOCS. Shards
# keep the memory a stored image needs while loading to one shard's size.
SEAL_AT = 4096
SHARD_DOCS = 8192
Fetch = Callable[[str], SearchDoc | None]


class FilterArgs(TypedDict, total=False):
    """The filters of a search, as keyword arguments (all optional)."""

    client_id: str | None
    template: str | None
    status: str | None
    kinds: Collection[str] | None
    date_from: date | None
    date_to: date | None
    include_psychotherapy: bool


def filters(**args: Unpack[FilterArgs]) -> Filters:
    """The filters of a search. Psychotherapy notes appear only with include_psychotherapy
    (and, if kinds is given, it must name them too)."""
    kinds, date_from, date_to = args.get("kinds"), args.get("date_from"), args.get("date_to")
    return Filters(
        client=args.get("client_id"),
        template=args.get("template"),
        status=args.get("status"),
        kinds=tuple(kinds) if kinds is not None else None,
        exclude_kind=None if args.get("include_psychotherapy") else PSYCHOTHERAPY_NOTE,
        day_from=date_from.toordinal() if date_from else None,
        day_to=date_to.toordinal() if date_to else None,
    )


class SearchIndex:
    """Documents (clients and notes) with filtered, ranked prefix search."""

    def __init__(self, fetch: Fetch | None = None) -> None:
        # Without `fetch` the index remembers the documents it was given (small indexes and
        # tests); the search service passes one that reads the current record instead.
        self._kept: dict[str, SearchDoc] | None = {} if fetch is None else None
        self._fetch: Fetch = fetch if fetch is not None else self._kept_doc
        self._sealed: list[Shard] = []
        self._open = Shard.new_open()
        self._seq = 0
        self.changed = False  # since it was loaded or stored (persist.py resets it)
        # The state of the records it held when stored (persist.py; the caller's meaning).
        self.mark = ""

    def _kept_doc(self, key: str) -> SearchDoc | None:
        return None if self._kept is None else self._kept.get(key)

    def __len__(self) -> int:
        return sum(shard.live for shard in self._shards())

    def _shards(self) -> list[Shard]:
        return [*self._sealed, self._open]

    # --- changing ----------------------------------------------------------------------

    def add(self, doc: SearchDoc) -> None:
        """Index doc, replacing any doc with the same key."""
        self.remove(doc.key)
        self._open.add(self._row(doc))
        if self._kept is not None:
            self._kept[doc.key] = doc
        self.changed = True
        if self._open.live >= SEAL_AT:
            sealed = Shard.sealed_from(self._open.rows())
            self._open.close()
            self._open = Shard.new_open()
            self._sealed.append(sealed)

    def remove(self, key: str) -> None:
        """Forget the doc with this key (no error if there is none)."""
        for shard in self._shards():
            if shard.remove(key):
                self.changed = True
        if self._kept is not None:
            self._kept.pop(key, None)

    def build(self, docs: Iterable[SearchDoc]) -> None:
        """Replace everything with docs, streamed into sealed shards (a full rebuild)."""
        self.clear()
        self.add_sealed(docs)

    def add_sealed(self, docs: Iterable[SearchDoc]) -> None:
        """Add docs not yet in the index, streamed into sealed shards: many at once are
        several times faster than `add` one by one (a rebuild; the kinds kept in memory)."""
        rows = (self._row(doc, keep=True) for doc in docs)
        while True:
            shard = Shard.sealed_from(islice(rows, SHARD_DOCS))
            if not shard.live:
                shard.close()
                break
            self._sealed.append(shard)
        self.changed = True

    def compact(self, fetch_all: Callable[[Sequence[str]], Iterable[SearchDoc]]) -> int:
        """Re-index the documents of sealed shards that are at least half masked (their
        postings of superseded text are dropped with them); returns how many shards went."""
        worn = [s for s in self._sealed if s.created and len(s.dead) * 2 >= s.created]
        for shard in worn:
            keys = shard.keys()
            self._sealed.remove(shard)
            shard.close()
            for doc in fetch_all(keys):
                self.add(doc)
        self.changed = self.changed or bool(worn)
        return len(worn)

    def clear(self) -> None:
        """Drop everything (on lock)."""
        self.close()
        self._open = Shard.new_open()
        self._seq = 0
        if self._kept is not None:
            self._kept.clear()
        self.changed = True

    def close(self) -> None:
        """Free the shards' memory; the index must not be used afterwards (but clear())."""
        for shard in self._shards():
            shard.close()
        self._sealed = []

    def _row(self, doc: SearchDoc, *, keep: bool = False) -> Row:
        if keep and self._kept is not None:
            self._kept[doc.key] = doc
        self._seq += 1
        return Row(
            key=doc.key,
            kind=doc.kind,
            client=doc.client_id,
            template=doc.template,
            status=doc.status,
            day=doc.date.toordinal() if doc.date else 0,
            seq=self._seq,
            stamp=doc.stamp,
            title=index_text(doc.title),
            body=FIELD_BREAK.join(index_text(t) for t in doc.fields.values() if t),
        )

    # --- reading -----------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 50, **args: Unpack[FilterArgs]) -> SearchResults:
        """Docs matching every word of text (as prefixes) and every filter, best first.

        An empty text lists the filtered docs newest first. Psychotherapy notes appear only
        with include_psychotherapy=True (and, if kinds is given, it must name them too).
        """
        query = parse_query(text)
        total, entries = self.rank(query, filters(**args), limit)
        return SearchResults(hits=self.hits(entries, query), total=total, query_terms=query.terms)

    def rank(self, query: Query, chosen: Filters, limit: int) -> tuple[int, list[Entry]]:
        """(how many docs match, the best `limit` of them, best first)."""
        if query.short_only:
            return 0, []
        limit = max(limit, 0)
        total = 0
        best: list[Entry] = []
        for shard in self._shards():
            count, entries = shard.ranked(query.exprs, chosen, limit)
            total += count
            best += entries
        best.sort(reverse=True)
        return total, best[:limit]

    def hits(self, entries: Iterable[Entry], query: Query) -> tuple[Hit, ...]:
        """The hits of ranked entries, made from each record's current text (a record gone
        since it was indexed is left out)."""
        docs = (self._fetch(entry.key) for entry in entries)
        return tuple(make_hit(doc, query) for doc in docs if doc is not None)

    def stamps(self) -> Iterator[tuple[str, str]]:
        """(key, stamp) of every doc."""
        for shard in self._shards():
            yield from shard.stamps()

    def stamp_of(self, key: str) -> str | None:
        return self._first(lambda shard: shard.stamp_of(key))

    def kind_of(self, key: str) -> str | None:
        """The kind of the doc with this key (None: not indexed)."""
        return self._first(lambda shard: shard.kind_of(key))

    def client_of(self, key: str) -> str | None:
        """The client of the doc with this key (None: not indexed)."""
        return self._first(lambda shard: shard.client_of(key))

    def _first(self, look: Callable[[Shard], str | None]) -> str | None:
        for shard in self._shards():
            found = look(shard)
            if found is not None:
                return found
        return None

    def of_client(self, client_id: str) -> list[tuple[str, str, str, str]]:
        """(key, kind, template, stamp) of every doc of one client."""
        return [row for shard in self._shards() for row in shard.of_client(client_id)]

    # --- persistence (persist.py) ------------------------------------------------------

    def parts(self) -> tuple[list[Shard], Shard, int]:
        return list(self._sealed), self._open, self._seq

    @classmethod
    def assemble(
        cls, sealed: list[Shard], open_shard: Shard, seq: int, fetch: Fetch
    ) -> SearchIndex:
        index = cls(fetch)
        index._open.close()
        index._sealed, index._open, index._seq = sealed, open_shard, seq
        return index
