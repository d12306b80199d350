"""Search across clients and notes, with the index kept encrypted in the vault between sessions.

The index is opened on first use (not at unlock: most sessions never search). Opening loads
the stored index and checks it against the records: every indexed document carries the
stamp of the record it was made from (its version, and for a note the title it was indexed
under), so documents saved since — by this version, an older one, or any other path — are
re-indexed, vanished ones dropped, and a stale or replayed index is never trusted. With
nothing stored, a damaged index or most documents stale, it is rebuilt from the records
(the desktop app does that in the background). Saves in this session are queued by the
services' listeners and applied before the next search. On close, what changed is stored
(a few small blobs) before the backup runs.

Psychotherapy notes have an index of their own, stored under their compartment's key and
searched only when asked for. Other kinds of record (contacts, referrals, medications,
incident reports: `add_source`) have a third index, stored too (reading every one of them
took most of a command's search): used as stored while the fingerprint of those kinds and
of the clients (their titles name the client) is the one it was stored with, otherwise
rebuilt whole — they are few — and kept current by their services' listeners. What this
needs from the other services is deliberately small: every note's head (id, version,
client, template) to check the index, note and client bodies by id to (re)index and to
make snippets, all notes to rebuild, each other kind's documents all at once or by id, and
the listeners.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from hashlib import sha256
from typing import Unpack

from noteapp.domain.clients import Client
from noteapp.domain.errors import NoteappError, SearchIndexError
from noteapp.domain.notes import Note
from noteapp.search import persist
from noteapp.search.index import FilterArgs, SearchDoc, SearchIndex, SearchResults, filters
from noteapp.search.persist import BlobStore
from noteapp.search.query import parse_query
from noteapp.services.clients import ClientService
from noteapp.services.notes import NOTE_KIND, PSYCHOTHERAPY_KIND, NoteService
from noteapp.services.summaries import NOTE_KINDS, NoteHead

GENERAL, PRIVATE, EXTRA = "general", "private", "extra"
Stored = (GENERAL, PRIVATE)
# Part of the other kinds' mark: raised when their documents change shape (what is indexed
# of a contact, say), so an index stored by an older noteapp is rebuilt, not trusted.
EXTRA_DOCS = 1
# A stored index with more stale documents than this (and a quarter of them) is rebuilt
# rather than repaired one document at a time.
REPAIR_MAX = 2000


class _Cancelled(Exception):
    """The workspace is closing: a build in progress stops."""


@dataclass(frozen=True)
class Source:
    """Another kind of record in search (contacts, referrals…), as its service gives it."""

    kind: str  # the kind of its documents (SearchDoc.kind)
    record_kind: str  # the vault's kind of its records (their fingerprint marks the index)
    every: Callable[[], Iterable[SearchDoc]]  # every document, to build the index
    get: Callable[[str], SearchDoc | None]  # one, as it is now (None: gone or unreadable)
    damaged: Callable[[], bool]  # a record of the kind failed to read this session


class SearchService:
    def __init__(
        self,
        *,
        clients: ClientService,
        notes: NoteService,
        store: BlobStore | None = None,
        private_store: BlobStore | None = None,
        extra_store: BlobStore | None = None,
        state_of: Callable[[Sequence[str]], str] | None = None,
    ) -> None:
        self._clients = clients
        self._notes = notes
        # What is current in some kinds of record, as one value (Vault.fingerprint): an
        # index stored with the same value holds exactly those records.
        self._state_of = state_of
        self._stores = {GENERAL: store, PRIVATE: private_store, EXTRA: extra_store}
        self._indexes: dict[str, SearchIndex] = {}
        # One caller at a time (the app builds on a worker thread); listeners never wait for
        # it: they only queue the id.
        self._lock = threading.RLock()
        # (what changed, its key): "note", "client", or EXTRA and the kind of its documents.
        self._pending: deque[tuple[str, str]] = deque()
        # More kinds of record (contacts, referrals…), in the index of their own.
        self._sources: list[Source] = []
        self._opening = False
        self._closing = threading.Event()
        self.progress = (0, 0)  # documents indexed, and to index, while a rebuild runs
        # Records the vault says changed that no service said it wrote (a sync writes into the
        # vault directly, and a rollback undoes what a service wrote): the services' copies
        # may be stale, so an index stored in this session is stored unmarked and checked by
        # the next one rather than trusted.
        self._unvouched: set[tuple[str, str]] = set()
        # The templates as they were when the index opened (see _save).
        self._templates_seen: list[tuple[str, str, tuple[str, ...]]] = []
        notes.listeners.append(lambda note: self._vouch("note", note.id))
        notes.removal_listeners.append(lambda note_id: self._vouch("note", note_id))
        clients.listeners.append(self._client_changed)

    def add_source(self, source: Source) -> Callable[[str], None]:
        """Search these documents too; returns what to call with the key of a changed or
        removed record to keep the index current."""
        self._sources.append(source)
        return partial(self._vouch, f"{EXTRA}:{source.kind}")

    def record_changed(self, kind: str, record_id: str) -> None:
        """A record changed, was removed, or a change of it was rolled back — by any path (the
        vault's watchers: a sync or an import as well as the services). Queued: the index
        reads the record as it is then, before the next search and before it is stored. A
        service that wrote it says so right after (`_vouch`); until then it is unvouched."""
        if kind == "client":
            groups = ["client"]
        elif kind in NOTE_KINDS:
            groups = ["note"]
        else:
            groups = [f"{EXTRA}:{s.kind}" for s in self._sources if s.record_kind == kind]
        for group in groups:
            self._unvouched.add((group, record_id))
            self._queue(group, record_id)

    def _vouch(self, group: str, key: str) -> None:
        """A service wrote this record (its own copy is current): queued for the index."""
        self._unvouched.discard((group, key))
        self._queue(group, key)

    @property
    def ready(self) -> bool:
        """The index is open: a search answers without loading or building first."""
        return bool(self._indexes)

    def prepare(self, *, on_build: Callable[[], None] | None = None) -> None:
        """Open the index now (load, check, or rebuild it); `on_build` is called first when
        it has to be rebuilt. Safe on a worker thread; stops early if the workspace closes."""
        with self._lock:
            try:
                self._ensure(on_build)
            except _Cancelled:
                return

    def search(self, text: str, *, limit: int = 50, **args: Unpack[FilterArgs]) -> SearchResults:
        """Clients and notes matching every word of text (see SearchIndex.search)."""
        query = parse_query(text)
        chosen = filters(**args)
        kinds = args.get("kinds")
        with self._lock:
            self._ensure(None)
            families = [GENERAL, EXTRA]
            if args.get("include_psychotherapy") and (kinds is None or PSYCHOTHERAPY_KIND in kinds):
                families.append(PRIVATE)
            total, ranked = 0, []
            for family in families:
                count, entries = self._indexes[family].rank(query, chosen, limit)
                total += count
                ranked += [(entry, family) for entry in entries]
            ranked.sort(key=lambda pair: pair[0], reverse=True)
            hits = [
                hit
                for entry, family in ranked[: max(limit, 0)]
                for hit in self._indexes[family].hits([entry], query)
            ]
        return SearchResults(hits=tuple(hits), total=total, query_terms=query.terms)

    def close(self, *, save: bool) -> None:
        """Stop a build in progress, store what changed (save=True), and drop the index."""
        self._closing.set()
        with self._lock:
            try:
                if save and self._indexes:
                    self._save()
            finally:
                for index in self._indexes.values():
                    index.close()
                self._indexes = {}
                self._pending.clear()
                self._closing.clear()
                self.progress = (0, 0)

    # --- opening -----------------------------------------------------------------------

    def _ensure(self, on_build: Callable[[], None] | None) -> None:
        if not self._indexes:
            self._opening = True
            try:
                # Whatever is saved from here on is queued; what was saved before, the
                # check of the stored index against the records finds.
                self._pending.clear()
                opened: dict[str, SearchIndex] = {}
                announced: list[bool] = []

                def building() -> None:  # said once, however many indexes need it
                    if on_build is not None and not announced:
                        announced.append(True)
                        on_build()

                self._templates_seen = self._template_shape()
                mark = self._mark()
                expected: dict[str, dict[str, str]] = {}

                def expected_of(family: str) -> dict[str, str]:
                    # Read only when a stored index has to be checked or rebuilt.
                    if not expected:
                        heads = self._notes.heads()
                        expected.update({f: self._expected(f, heads) for f in Stored})
                        self.progress = (0, sum(map(len, expected.values())))
                    return expected[family]

                try:
                    for family in Stored:
                        opened[family] = self._open(family, mark, expected_of, building)
                    opened[EXTRA] = self._open_extra()
                except BaseException:
                    for index in opened.values():
                        index.close()
                    raise
                self._indexes = opened
            finally:
                self._opening = False
        self._apply_pending()

    def _apply_pending(self) -> None:
        """What was saved since the index opened (queued by the services' listeners and the
        vault's watchers), read as it is now: a change rolled back since is read back."""
        while self._pending:
            batch = []
            while self._pending:
                batch.append(self._pending.popleft())
            # Once each: a service's write is queued by the vault's watcher and again by
            # the service's listener.
            for kind, key in dict.fromkeys(batch):
                if kind.startswith(f"{EXTRA}:"):
                    self._refresh_extra(kind.partition(":")[2], key)
                elif kind == "client":
                    self._refresh_client(key)
                else:
                    self._refresh_note(key)

    def _open_extra(self) -> SearchIndex:
        """The other kinds' index: as stored while its mark is current, else rebuilt."""
        store, mark = self._stores[EXTRA], self._extra_mark()
        if store is not None and mark:
            try:
                index = persist.load(store, self._extra_doc)
            except SearchIndexError:
                index = None  # damaged or from another version: rebuilt below
            if index is not None and index.mark == mark:
                return index
            if index is not None:
                index.close()
        return self._extra_index()

    def _extra_index(self) -> SearchIndex:
        """The other kinds' documents, read and indexed anew."""
        index = SearchIndex(self._extra_doc)
        try:
            # In one pass (a thousand documents: 2.5× faster than one at a time).
            index.add_sealed(doc for source in self._sources for doc in source.every())
        except BaseException:
            index.close()
            raise
        return index

    def _mark(self) -> str:
        """The state of the records an index holds: the clients' and notes' fingerprint and
        the template names (both make the notes' titles); "" when unknown."""
        if self._state_of is None:
            return ""
        names = sorted(self._template_names().items())
        state = self._state_of(("client", *NOTE_KINDS))
        return sha256(f"{state}\n{names!r}".encode()).hexdigest()

    def _extra_mark(self) -> str:
        """The same for the other kinds: their fingerprint and the clients' (whose names
        make their titles); "" when unknown."""
        if self._state_of is None:
            return ""
        state = self._state_of(("client", *(s.record_kind for s in self._sources)))
        return sha256(f"{state}\nextra docs {EXTRA_DOCS}".encode()).hexdigest()

    def _open(
        self,
        family: str,
        mark: str,
        expected_of: Callable[[str], dict[str, str]],
        on_build: Callable[[], None],
    ) -> SearchIndex:
        store = self._stores[family]
        index = None
        if store is not None:
            try:
                index = persist.load(store, lambda key: self._doc(family, key))
            except SearchIndexError:
                index = None  # damaged or from another version: rebuilt below
        if index is not None and mark and index.mark == mark:
            # Stored with every change to these records since (same fingerprint): nothing
            # was saved, removed or put back in between, so there is nothing to check.
            return index
        if index is not None:
            expected = expected_of(family)
            stale = _stale(index, expected)
            if len(stale) <= max(REPAIR_MAX, len(expected) // 4):
                for key in stale:
                    self._reindex(index, family, key)
                return index
            index.close()
        expected_of(family)  # the progress count of the rebuild
        on_build()
        index = SearchIndex(lambda key: self._doc(family, key))
        try:
            index.build(self._every_doc(family))
        except BaseException:
            index.close()
            raise
        return index

    def _expected(self, family: str, heads: list[NoteHead]) -> dict[str, str]:
        """key → stamp of every record the family's index should hold, as they are now."""
        clients = self._clients.list()
        names: dict[str, str] = {c.id: c.name for c in clients}
        templates = self._template_names()
        out: dict[str, str] = {}
        if family == GENERAL:
            out = {c.id: self._client_stamp(c.id) for c in clients}
        for note in heads:
            if note.psychotherapy != (family == PRIVATE):
                continue
            title = _note_title(names.get(note.client_id, ""), templates, note.template_id)
            out[note.id] = _note_stamp(note.version, title)
        return out

    def _note_heads(self, *, private: bool) -> Iterator[NoteHead]:
        # Every note's head: id, version, client and template, from the vault's summaries
        # (no note is decrypted to check the stored index). A list first: the app opens
        # the index on a worker thread while notes are saved.
        return (n for n in self._notes.heads() if n.psychotherapy == private)

    def _every_doc(self, family: str) -> Iterator[SearchDoc]:
        """Every document of a family, for a rebuild (stops when the workspace closes)."""
        done, total = self.progress
        templates = self._template_names()
        sources: list[Iterable[str]] = [[n.id for n in self._note_heads(private=True)]]
        if family == GENERAL:
            clients = [c.id for c in self._clients.list()]
            sources = [clients, [n.id for n in self._note_heads(private=False)]]
        for keys in sources:
            for key in keys:
                if self._closing.is_set():
                    raise _Cancelled
                doc = self._doc(family, key, templates)
                if doc is not None:
                    yield doc
                done += 1
                self.progress = (done, total)

    # --- keeping current ---------------------------------------------------------------

    def _queue(self, kind: str, key: str) -> None:
        if self._indexes or self._opening:
            self._pending.append((kind, key))

    def _refresh_extra(self, kind: str, key: str) -> None:
        """Another kind's record, and the others of its client's chart: their titles and
        fields may name it (a referral names its recipient, a contact)."""
        index = self._indexes[EXTRA]
        source = next((s for s in self._sources if s.kind == kind), None)
        doc = source.get(key) if source is not None else None
        client = doc.client_id if doc is not None else (index.client_of(key) or "")
        _replace(index, key, doc)
        others = [k for k, *_ in index.of_client(client) if k != key] if client else []
        for other in others:
            _replace(index, other, self._extra_doc(other))

    def _client_changed(self, changed: Client | str) -> None:
        self._vouch("client", changed if isinstance(changed, str) else changed.id)

    def _reindex(self, index: SearchIndex, family: str, key: str) -> None:
        doc = self._doc(family, key)
        if doc is None:
            index.remove(key)
        elif index.stamp_of(key) != doc.stamp:
            index.add(doc)

    def _refresh_note(self, key: str) -> None:
        for family in Stored:
            self._reindex(self._indexes[family], family, key)

    def _refresh_client(self, client_id: str) -> None:
        self._reindex(self._indexes[GENERAL], GENERAL, client_id)
        # Notes show their client's name in their titles: re-index those it changed.
        name = self._client_name(client_id)
        templates = self._template_names()
        # The other kinds' titles name the client too; they are few: index them again.
        self._indexes[EXTRA].close()
        self._indexes[EXTRA] = self._extra_index()
        for family in Stored:
            index = self._indexes[family]
            for key, kind, template, stamp in index.of_client(client_id):
                version = stamp.partition(":")[0]
                title = _note_title(name, templates, template)
                if kind != "client" and stamp != f"{version}:{title}":
                    self._reindex(index, family, key)

    def _save(self) -> None:
        # The marks are read first: a record written from here on (another thread saves, a
        # sync writes) changes the fingerprint the next session compares them with, or is
        # still queued or unvouched below — either way the stored index gets checked.
        try:
            marks = {**dict.fromkeys(Stored, self._mark()), EXTRA: self._extra_mark()}
        except NoteappError:
            return  # derived data: the next session checks what is stored against the records
        # Everything saved this session goes into the index before it is stored.
        try:
            self._apply_pending()
        except NoteappError:
            return
        compacted = []
        for family in (*Stored, EXTRA):
            try:
                # Re-reads the documents of worn shards: may meet a damaged record, so it
                # comes before the check below.
                self._indexes[family].compact(partial(self._docs, family))
                compacted.append(family)
            except NoteappError:
                continue  # this family is not stored: the next session checks what it lacks
        # Stored unmarked (checked by the next session) when the index may not hold exactly
        # what the marks describe: a damaged record met this session is missing from it (so
        # search keeps naming what it cannot see); a write no service vouched for, or one
        # queued meanwhile, may be missing or read stale; the templates were reloaded since
        # it opened (the notes' titles and field labels come from them).
        doubt = bool(
            self._notes.problems
            or self._clients.problems
            or self._unvouched
            or self._pending
            or self._template_shape() != self._templates_seen
        )
        if doubt:
            marks = dict.fromkeys(marks, "")
        elif any(source.damaged() for source in self._sources):
            marks[EXTRA] = ""
        for family in compacted:
            index, store, mark = self._indexes[family], self._stores[family], marks[family]
            try:
                if store is not None and (index.changed or index.mark != mark):
                    persist.save(index, store, mark=mark)
            except NoteappError:
                # Derived data: a full disk or a refused write leaves the stored index as it
                # was, and the next session's check re-indexes what it lacks. Closing (and
                # the backup after it) goes on.
                continue

    # --- documents ---------------------------------------------------------------------

    def _docs(self, family: str, keys: Iterable[str]) -> Iterator[SearchDoc]:
        templates = self._template_names()
        for key in keys:
            doc = self._doc(family, key, templates)
            if doc is not None:
                yield doc

    def _doc(
        self, family: str, key: str, templates: dict[str, str] | None = None
    ) -> SearchDoc | None:
        """The document of a record as it is now (None: gone, damaged or not this family's)."""
        if family == EXTRA:
            return self._extra_doc(key)
        try:
            if family == GENERAL and self._clients.version_of(key):  # an exact id
                return self._client_doc(self._clients.get(key))
            note = self._notes.get(key)
        except NoteappError:  # gone since, or damaged (reported by the damage report)
            return None
        if note.id != key or note.psychotherapy != (family == PRIVATE):
            return None
        return self._note_doc(note, templates or self._template_names())

    def _extra_doc(self, key: str) -> SearchDoc | None:
        """Another kind's document as it is now, from the source of the kind it was indexed
        as (keys are record ids: unique across kinds)."""
        index = self._indexes.get(EXTRA)
        kind = index.kind_of(key) if index is not None else None
        for source in self._sources:
            if kind in (None, source.kind) and (doc := source.get(key)) is not None:
                return doc
        return None

    def _client_name(self, client_id: str) -> str:
        try:
            return self._clients.get(client_id).name
        except NoteappError:  # a client whose record failed to decrypt: still find the note
            return ""

    def _client_stamp(self, client_id: str) -> str:
        return str(self._clients.version_of(client_id))

    def _template_shape(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """What of the templates the notes' documents are made with: names and labels."""
        return sorted(
            (t.id, t.name, tuple(section.label for section in t.sections))
            for t in self._notes.templates.list()
        )

    def _template_names(self) -> dict[str, str]:
        return {t.id: t.name for t in self._notes.templates.list()}

    def _client_doc(self, c: Client) -> SearchDoc:
        fields = {"Name": c.name, "Code": c.code}
        if c.preferred_name:
            fields["Preferred name"] = c.preferred_name
        if c.diagnoses:
            fields["Diagnoses"] = "; ".join(f"{d.code} {d.description}" for d in c.diagnoses)
        return SearchDoc(
            key=c.id,
            kind="client",
            client_id=c.id,
            title=c.name,
            date=c.admitted_on,
            template="",
            status=c.status.value,
            fields=fields,
            stamp=self._client_stamp(c.id),
        )

    def _note_doc(self, n: Note, templates: dict[str, str]) -> SearchDoc:
        title = _note_title(self._client_name(n.client_id), templates, n.template_id)
        labels = {s.field_id: s.label for s in self._notes.template_for(n).sections}
        fields = {labels.get(k, k): n.text(k) for k in n.fields if n.text(k).strip()}
        if n.session.interventions:
            fields["Interventions"] = ", ".join(n.session.interventions)
        if n.session.risk.detail:
            fields["Risk assessment"] = n.session.risk.detail
        return SearchDoc(
            key=n.id,
            kind=PSYCHOTHERAPY_KIND if n.psychotherapy else NOTE_KIND,
            client_id=n.client_id,
            title=title,
            date=n.session.date,
            template=n.template_id,
            status=n.status.value,
            fields=fields,
            stamp=_note_stamp(n.version, title),
        )


def _replace(index: SearchIndex, key: str, doc: SearchDoc | None) -> None:
    """The document of a key as it is now (None: gone or unreadable, so left out)."""
    if doc is None:
        index.remove(key)
    else:
        index.add(doc)


def _note_title(client_name: str, templates: dict[str, str], template_id: str) -> str:
    return f"{client_name} — {templates.get(template_id, template_id)}"


def _note_stamp(version: int, title: str) -> str:
    # The title is in the stamp: renaming a client or a template makes their notes stale.
    return f"{version}:{title}"


def _stale(index: SearchIndex, expected: dict[str, str]) -> list[str]:
    """Drop the documents whose record is gone; the keys to (re)index."""
    wanted = dict(expected)
    stale: list[str] = []
    gone: list[str] = []
    for key, stamp in index.stamps():
        now = wanted.pop(key, None)
        if now is None:
            gone.append(key)
        elif now != stamp:
            stale.append(key)
    for key in gone:
        index.remove(key)
    return stale + list(wanted)
