"""Search across clients and notes, over what is decrypted in memory after unlock.

The index is built on first use (not at unlock: most sessions never search) and kept current
as notes are saved. Nothing of it is ever written to disk; locking drops it with the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date

from noteapp.domain.clients import Client
from noteapp.domain.notes import Note
from noteapp.search.index import SearchDoc, SearchIndex, SearchResults
from noteapp.services.clients import ClientService
from noteapp.services.notes import NOTE_KIND, PSYCHOTHERAPY_KIND, NoteService


class SearchService:
    def __init__(self, *, clients: ClientService, notes: NoteService) -> None:
        self._clients = clients
        self._notes = notes
        self._index: SearchIndex | None = None
        # More kinds of record (contacts, referrals...): each gives all its documents.
        self._sources: list[Callable[[], Iterable[SearchDoc]]] = []
        notes.listeners.append(self._note_changed)
        clients.listeners.append(self._client_changed)

    def add_source(
        self, docs: Callable[[], Iterable[SearchDoc]]
    ) -> Callable[[SearchDoc | str], None]:
        """Search these documents too; returns what to call with a changed document (or the
        key of a removed one) to keep the index current."""
        self._sources.append(docs)
        return self._doc_changed

    def _doc_changed(self, changed: SearchDoc | str) -> None:
        if self._index is None:
            return
        if isinstance(changed, str):
            self._index.remove(changed)
        else:
            self._index.add(changed)

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
        )

    def _note_doc(self, n: Note, names: dict[str, str]) -> SearchDoc:
        try:
            client_name = self._clients.get(n.client_id).name
        except Exception:  # a client whose record failed to decrypt: still find the note
            client_name = ""
        template_name = names.get(n.template_id, n.template_id)
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
            title=f"{client_name} — {template_name}",
            date=n.session.date,
            template=n.template_id,
            status=n.status.value,
            fields=fields,
        )

    def index(self) -> SearchIndex:
        if self._index is None:
            index = SearchIndex()
            names = self._template_names()
            for c in self._clients.list():
                index.add(self._client_doc(c))
            for n in self._notes.all():
                index.add(self._note_doc(n, names))
            for source in self._sources:
                for doc in source():
                    index.add(doc)
            self._index = index
        return self._index

    def _note_changed(self, note: Note) -> None:
        if self._index is not None:
            self._index.add(self._note_doc(note, self._template_names()))

    def _client_changed(self, changed: Client | str) -> None:
        if self._index is None:
            return
        if isinstance(changed, str):
            self._index.remove(changed)
        else:
            self._index.add(self._client_doc(changed))

    def forget(self, key: str) -> None:
        if self._index is not None:
            self._index.remove(key)

    def clear(self) -> None:
        if self._index is not None:
            self._index.clear()
        self._index = None

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
        return self.index().search(
            text,
            client_id=client_id,
            template=template,
            status=status,
            kinds=kinds,
            date_from=date_from,
            date_to=date_to,
            include_psychotherapy=include_psychotherapy,
            limit=limit,
        )
