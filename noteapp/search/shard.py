"""One shard of the search index: an in-memory SQLite database with an FTS5 table.

The only importer of sqlite3 outside the vault. Nothing here ever touches a file: the
databases are ":memory:" with `temp_store=MEMORY` (sorts and VACUUM stay in RAM too), and a
shard leaves the process only as `image()` bytes, which the caller stores encrypted.

Two kinds of shard. A *sealed* shard is contentless (the FTS table keeps no copy of the
text, only its postings) and immutable but for masking: a superseded document's row in
`docs` is deleted, its postings stay until the shard is compacted away. Its rowids are dense
and follow (day, seq), so "newest first" is the FTS table's own rowid order and stops after
the first `limit` rows. The one *open* shard takes the documents saved since; it keeps their
text (FTS5 needs it to delete a row), so autosaving a draft replaces its rows exactly. Once
it holds SEAL_AT documents it is sealed: rebuilt contentless, in date order.

Rows of the FTS table: `title` and `body` (the fields, FIELD_BREAK between them, so a phrase
never runs from one field into the next), both as `words.index_text` made them.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from noteapp.domain.errors import SearchIndexError

SCHEMA = 1
# The engine splits on ASCII other than letters, digits and "_", and keeps every non-ASCII
# character in its word: `words.index_text` hands it exactly the words of `words.words`.
_TOKENIZE = "tokenize=\"ascii tokenchars '_'\""
# A private-use character: a "word" no query can contain (it is not a \w character).
FIELD_BREAK = " \ue000 "
# Words past this many in a query still filter, but no longer add to the title ranking.
RANKED_TERMS = 16
_DOC_COLUMNS = "key, kind, client, template, status, day, seq, stamp"


@dataclass(frozen=True)
class Row:
    """One document as a shard stores it (text already in index form)."""

    key: str
    kind: str
    client: str
    template: str
    status: str
    day: int  # date ordinal, 0 when undated
    seq: int  # order of indexing: the later, the higher
    stamp: str
    title: str
    body: str

    def __repr__(self) -> str:  # the text is PHI: never in logs or tracebacks
        return f"Row(key={self.key!r}, kind={self.kind!r})"


@dataclass(frozen=True)
class Filters:
    client: str | None = None
    template: str | None = None
    status: str | None = None
    kinds: tuple[str, ...] | None = None
    exclude_kind: str | None = None
    day_from: int | None = None
    day_to: int | None = None


@dataclass(frozen=True, order=True)
class Entry:
    """A ranked match: more query words in the title first, then newer, then later indexed."""

    title_words: int
    day: int
    seq: int
    key: str


def _connect() -> sqlite3.Connection:
    # Used from one thread at a time (the search service serialises), but not always the
    # thread that created it (the app builds in the background).
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def _failures() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise SearchIndexError(
            "The search index could not be used; it will be rebuilt from the records."
        ) from exc


def _where(f: Filters) -> tuple[str, list[object]]:
    parts: list[str] = []
    args: list[object] = []
    # "+" keeps SQLite from driving the query from `docs` (then it would run the full-text
    # match once per document of the client).
    for column, value in (("client", f.client), ("template", f.template), ("status", f.status)):
        if value is not None:
            parts.append(f"+d.{column} = ?")
            args.append(value)
    if f.kinds is not None:
        parts.append(f"d.kind IN ({','.join('?' * len(f.kinds))})" if f.kinds else "0")
        args += f.kinds
    if f.exclude_kind is not None:
        parts.append("d.kind != ?")
        args.append(f.exclude_kind)
    if f.day_from is not None or f.day_to is not None:  # undated documents are never in range
        parts.append("d.day BETWEEN ? AND ?")
        args += [max(f.day_from or 1, 1), f.day_to if f.day_to is not None else 1 << 40]
    return " AND ".join(parts) or "1", args


class Shard:
    """One in-memory database of the index (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection, *, sealed: bool) -> None:
        self._conn = conn
        self.sealed = sealed
        with _failures():
            self.live = int(conn.execute("SELECT count(*) FROM docs").fetchone()[0])
            row = conn.execute("SELECT value FROM meta WHERE name = 'created'").fetchone()
        self.created = int(row[0]) if row else self.live
        # Persistence (persist.py): the stored image's name, and what was masked since.
        self.name: str | None = None
        self.digest = ""
        self.dead: list[int] = []

    # --- making ------------------------------------------------------------------------

    @classmethod
    def new_open(cls) -> Shard:
        conn = _connect()
        with _failures():
            _create(conn, sealed=False, created=0)
        return cls(conn, sealed=False)

    @classmethod
    def sealed_from(cls, rows: Iterable[Row]) -> Shard:
        """A sealed shard of rows (streamed: only SQLite holds them all, compactly)."""
        conn = _connect()
        with _failures():
            conn.execute(f"CREATE TEMP TABLE stage({_DOC_COLUMNS}, title, body)")
            with _transaction(conn):
                conn.executemany(
                    "INSERT INTO temp.stage VALUES(?,?,?,?,?,?,?,?,?,?)",
                    ((*_values(r), r.title, r.body) for r in rows),
                )
            count = int(conn.execute("SELECT count(*) FROM temp.stage").fetchone()[0])
            _create(conn, sealed=True, created=count)
            order = "row_number() OVER (ORDER BY day, seq)"
            with _transaction(conn):
                conn.execute(
                    f"INSERT INTO docs(doc, {_DOC_COLUMNS}) "
                    f"SELECT {order}, {_DOC_COLUMNS} FROM temp.stage"
                )
                # FTS5 writes compact doclists only for rowids given in ascending order.
                conn.execute(
                    f"INSERT INTO fts(rowid, title, body) SELECT {order}, title, body "
                    "FROM temp.stage ORDER BY day, seq"
                )
            conn.execute("DROP TABLE temp.stage")
            conn.execute("INSERT INTO fts(fts) VALUES('optimize')")
            conn.execute("VACUUM")
            image = conn.serialize()
        # Building took several times the finished shard's memory: the shard kept is its
        # image alone, and the builder's memory goes back for the next one.
        conn.close()
        return cls.from_image(image, sealed=True)

    @classmethod
    def from_image(cls, data: bytes | bytearray, *, sealed: bool) -> Shard:
        """A shard from `image()` bytes; SearchIndexError if they are not one of ours."""
        conn = _connect()
        try:
            with _failures():
                conn.deserialize(data)
                conn.execute("PRAGMA temp_store=MEMORY")
                meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
                if meta.get("schema") != SCHEMA or meta.get("sealed") != int(sealed):
                    raise SearchIndexError("The search index was written by another version.")
                shard = cls(conn, sealed=sealed)
        except BaseException:
            conn.close()
            raise
        return shard

    def image(self) -> bytes:
        with _failures():
            return self._conn.serialize()

    def close(self) -> None:
        self._conn.close()

    # --- changing ----------------------------------------------------------------------

    def add(self, row: Row) -> None:
        """Index one document (open shard only; its rowid is its seq)."""
        assert not self.sealed
        with _failures(), _transaction(self._conn):
            self._conn.execute(
                f"INSERT INTO docs(doc, {_DOC_COLUMNS}) VALUES(?,?,?,?,?,?,?,?,?)",
                (row.seq, *_values(row)),
            )
            self._conn.execute(
                "INSERT INTO fts(rowid, title, body) VALUES(?,?,?)", (row.seq, row.title, row.body)
            )
        self.live += 1

    def remove(self, key: str) -> bool:
        """Forget key's document; True if it was here. Sealed shards only mask it."""
        with _failures():
            docs = [d for (d,) in self._conn.execute("SELECT doc FROM docs WHERE key = ?", (key,))]
            if not docs:
                return False
            with _transaction(self._conn):
                for doc in docs:
                    self._conn.execute("DELETE FROM docs WHERE doc = ?", (doc,))
                    if not self.sealed:
                        self._conn.execute("DELETE FROM fts WHERE rowid = ?", (doc,))
        if self.sealed:
            self.dead += docs
        self.live -= len(docs)
        return True

    def mask(self, docs: Sequence[int]) -> None:
        """Apply masks recorded since this shard's image was stored."""
        with _failures(), _transaction(self._conn):
            self._conn.executemany("DELETE FROM docs WHERE doc = ?", ((d,) for d in docs))
        self.dead = list(docs)
        self.live = int(self._conn.execute("SELECT count(*) FROM docs").fetchone()[0])

    # --- reading -----------------------------------------------------------------------

    def rows(self) -> Iterator[Row]:
        """Every live document with its text (open shard only: sealed ones keep no text)."""
        assert not self.sealed
        with _failures():
            cursor = self._conn.execute(
                f"SELECT {_DOC_COLUMNS}, f.title, f.body FROM docs d "
                "JOIN fts f ON f.rowid = d.doc ORDER BY d.doc"
            )
            for r in cursor:
                yield Row(*r)

    def stamps(self) -> Iterator[tuple[str, str]]:
        with _failures():
            yield from self._conn.execute("SELECT key, stamp FROM docs")

    def keys(self) -> list[str]:
        with _failures():
            return [k for (k,) in self._conn.execute("SELECT key FROM docs")]

    def stamp_of(self, key: str) -> str | None:
        return self._column_of(key, "stamp")

    def kind_of(self, key: str) -> str | None:
        return self._column_of(key, "kind")

    def client_of(self, key: str) -> str | None:
        return self._column_of(key, "client")

    def _column_of(self, key: str, column: str) -> str | None:
        assert column in ("stamp", "kind", "client")
        with _failures():
            row = self._conn.execute(f"SELECT {column} FROM docs WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def of_client(self, client: str) -> list[tuple[str, str, str, str]]:
        """(key, kind, template, stamp) of the documents of one client."""
        with _failures():
            return self._conn.execute(
                "SELECT key, kind, template, stamp FROM docs WHERE client = ?", (client,)
            ).fetchall()

    def ranked(self, exprs: Sequence[str], filters: Filters, limit: int) -> tuple[int, list[Entry]]:
        """(how many documents match, the best `limit` of them)."""
        where, args = _where(filters)
        with _failures():
            if not exprs:
                total = self._conn.execute(f"SELECT count(*) FROM docs d WHERE {where}", args)
                rows = self._conn.execute(
                    f"SELECT 0, day, seq, key FROM docs d WHERE {where} "
                    "ORDER BY day DESC, seq DESC LIMIT ?",
                    [*args, limit],
                )
                return int(total.fetchone()[0]), [Entry(*r) for r in rows]
            return self._ranked(exprs, where, args, limit)

    def _ranked(
        self, exprs: Sequence[str], where: str, args: list[object], limit: int
    ) -> tuple[int, list[Entry]]:
        conn = self._conn
        every = " AND ".join(exprs)
        base = f"FROM fts CROSS JOIN docs d ON d.doc = fts.rowid WHERE fts MATCH ? AND {where}"
        total = int(conn.execute(f"SELECT count(*) {base}", [every, *args]).fetchone()[0])
        if not total or not limit:
            return total, []
        # Title matches are few (names, template names): counted exactly per word.
        in_title = [f"{{title}} : {e}" for e in exprs[:RANKED_TERMS]]
        counts: Counter[tuple[int, int, str]] = Counter()
        for expr in in_title:
            query = f"SELECT d.day, d.seq, d.key {base}"
            for day, seq, key in conn.execute(query, [f"({every}) AND {expr}", *args]):
                counts[day, seq, key] += 1
        top = sorted((Entry(n, *k) for k, n in counts.items()), reverse=True)[:limit]
        if len(top) < limit and total > len(counts):
            # The rest in date order: a sealed shard's rowids are, so this stops early.
            order = "fts.rowid DESC" if self.sealed else "d.day DESC, d.seq DESC"
            rest = conn.execute(
                f"SELECT 0, d.day, d.seq, d.key {base} ORDER BY {order} LIMIT ?",
                [f"({every}) NOT ({' OR '.join(in_title)})", *args, limit - len(top)],
            )
            top += [Entry(*r) for r in rest]
        return total, top


def _values(r: Row) -> tuple[object, ...]:
    return (r.key, r.kind, r.client, r.template, r.status, r.day, r.seq, r.stamp)


def _create(conn: sqlite3.Connection, *, sealed: bool, created: int) -> None:
    content = "content='', " if sealed else ""
    # columnsize=0: no per-row sizes (only bm25 would need them); detail=full keeps
    # positions, which phrases need.
    conn.execute(
        f"CREATE VIRTUAL TABLE fts USING fts5(title, body, {content}columnsize=0, {_TOKENIZE})"
    )
    conn.execute(
        "CREATE TABLE docs(doc INTEGER PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL, "
        "client TEXT NOT NULL, template TEXT NOT NULL, status TEXT NOT NULL, "
        "day INTEGER NOT NULL, seq INTEGER NOT NULL, stamp TEXT NOT NULL)"
    )
    conn.execute("CREATE INDEX docs_key ON docs(key)")
    conn.execute("CREATE TABLE meta(name TEXT PRIMARY KEY, value)")
    conn.executemany(
        "INSERT INTO meta VALUES(?, ?)",
        [("schema", SCHEMA), ("sealed", int(sealed)), ("created", created)],
    )
