"""Records that belong to clients, read one chart at a time, and their summaries.

Services no longer decrypt their whole kind at unlock. A `ChartRecords` reads a client's
records of some kinds the first time that chart is asked for (one group of the vault: what
the chart holds, not what the vault holds), a single record by id when only it is needed,
and everything only for work that covers everything (an archive, a report across the
caseload). `Summaries` answers lists across the vault from the records' summaries, without
decrypting a body; a summary that is missing or not understood is rebuilt from its body.

What it came across damaged is in `problems`: the damage report names those (and a full
check in the background finds the rest).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from noteapp.domain.errors import NotFoundError, RecordIntegrityError
from noteapp.services.decoding import decode, decode_all
from noteapp.vault.store import LoadResult, StoredRecord, Summary, Vault

T = TypeVar("T")
S = TypeVar("S")
# Beyond this many charts at once, reading a small kind whole (or every summary) is cheaper
# than one chart at a time: one pass instead of a query and a list per chart.
MANY_CHARTS = 8


@contextmanager
def bulk_reading() -> Iterator[None]:
    """Python's cyclic garbage collector paused while tens of thousands of records or
    summaries are read: they make no cycles (plain dicts, lists and tuples, freed by
    reference counting), and each full collection would walk everything read so far — at
    50,000 notes the Today page spent a third of its time there, and it grows faster than
    the vault. Resumed at once afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Problems:
    """Damaged records come across, each once."""

    def __init__(self) -> None:
        self.errors: list[RecordIntegrityError] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, errors: Iterable[RecordIntegrityError]) -> None:
        for err in errors:
            key = (err.kind, err.record_id)
            if key not in self._seen:
                self._seen.add(key)
                self.errors.append(err)

    def clear(self, record_id: str) -> None:
        """A record written again (or deleted) is no longer damaged."""
        self.errors = [e for e in self.errors if e.record_id != record_id]
        self._seen = {k for k in self._seen if k[1] != record_id}


class ChartRecords(Generic[T]):
    """One service's records of `kinds`, grouped by client (format 2's `parent`)."""

    def __init__(
        self,
        vault: Vault,
        kinds: tuple[str, ...],
        parse: Callable[[StoredRecord], T],
        client_of: Callable[[T], str],
    ) -> None:
        self._vault = vault
        self.kinds = kinds
        self._parse = parse
        self._client_of = client_of
        self.values: dict[str, T] = {}
        self.kind_of: dict[str, str] = {}
        self._by_client: dict[str, dict[str, T]] = {}
        self._charts: set[str] = set()
        self._everything = False
        self.problems = Problems()

    # --- reading -------------------------------------------------------------------------

    def chart(self, client_id: str) -> list[T]:
        """Every record of this client, in write order (read from the vault once)."""
        if client_id not in self._charts and not self._everything:
            for kind in self.kinds:
                self._take(self._vault.load_group(kind, client_id))
            self._charts.add(client_id)
        return list(self._by_client.get(client_id, {}).values())

    def everything(self) -> list[T]:
        """Every record of these kinds (work that covers the whole vault)."""
        if not self._everything:
            with bulk_reading():
                for kind in self.kinds:
                    self._take(self._vault.load_kind(kind))
            self._everything = True
        return list(self.values.values())

    def get(self, record_id: str) -> T | None:
        """One record by id (read alone if its chart was not), or None if there is none.
        A damaged one raises RecordIntegrityError (and is kept in `problems`)."""
        found = self.values.get(record_id)
        if found is not None or self._everything:
            return found
        kinds = [k for k in self.kinds if self._vault.exists(k, record_id)]
        # None has a row: the first kind's lookup still checks that no list names it.
        for kind in kinds or self.kinds[:1]:
            try:
                record = self._vault.get(kind, record_id)
                value = decode(record, self._parse)
            except NotFoundError:
                continue
            except RecordIntegrityError as err:
                self.problems.add([err])
                raise
            self._keep(kind, record_id, value)
            return value
        return None

    def get_many(self, record_ids: Iterable[str]) -> list[T]:
        """Several records by id, read together (one query per kind); a damaged one is left
        out (and kept in `problems`), one not found too."""
        record_ids = list(record_ids)
        wanted = [i for i in record_ids if i not in self.values]
        with bulk_reading():
            for kind in self.kinds:
                if not wanted:
                    break
                result = self._vault.get_many(kind, wanted)
                values, failures = decode_all(result, self._parse)
                self.problems.add(failures)
                for record, value in values:
                    self._keep(kind, record.id, value)
                done = {r.id for r in result.records} | {f.record_id for f in failures}
                wanted = [i for i in wanted if i not in done]
        return [v for i in record_ids if (v := self.values.get(i)) is not None]

    def ids_starting(self, prefix: str) -> list[str]:
        """Ids of current records that start with `prefix` (at most two per kind)."""
        found = {i for i in self.values if i.startswith(prefix)}
        for kind in self.kinds:
            found.update(self._vault.ids_starting(kind, prefix))
        return sorted(found)

    def prepare(self, clients: set[str]) -> None:
        """Many of these clients' charts about to be read: read the kinds whole instead."""
        if len(clients) > MANY_CHARTS:
            self.everything()

    def loaded_chart(self, client_id: str) -> bool:
        return self._everything or client_id in self._charts

    # --- keeping up with writes ----------------------------------------------------------

    def stored(self, kind: str, record_id: str, value: T) -> None:
        self._keep(kind, record_id, value)
        self.problems.clear(record_id)

    def forget(self, record_id: str) -> None:
        value = self.values.pop(record_id, None)
        self.kind_of.pop(record_id, None)
        if value is not None:
            self._by_client.get(self._client_of(value), {}).pop(record_id, None)
        self.problems.clear(record_id)

    def _keep(self, kind: str, record_id: str, value: T) -> None:
        self.values.pop(record_id, None)
        self.values[record_id] = value
        self.kind_of[record_id] = kind
        chart = self._by_client.setdefault(self._client_of(value), {})
        chart.pop(record_id, None)
        chart[record_id] = value

    def _take(self, result: LoadResult) -> None:
        values, failures = decode_all(result, self._parse)
        for record, value in values:
            if record.id not in self.values:  # what this session wrote is already here
                self._keep(record.kind, record.id, value)
        self.problems.add(failures)


class Summaries(Generic[S]):
    """Summaries of every current record of some kinds, read from the group lists."""

    def __init__(
        self,
        vault: Vault,
        kinds: tuple[str, ...],
        read: Callable[[Summary], S],
        from_body: Callable[[str], S | None],
    ) -> None:
        self._vault = vault
        self.kinds = kinds
        self._read = read
        self._from_body = from_body
        self._all: dict[str, S] | None = None
        self.rebuilt = 0  # summaries that had to be made from their body

    def all(self) -> dict[str, S]:
        if self._all is None:
            found: dict[str, S] = {}
            with bulk_reading():
                for kind in self.kinds:
                    for s in self._vault.summaries(kind):
                        value = self._summary(s)
                        if value is not None:
                            found[s.id] = value
            self._all = found
        return self._all

    def matching(self, wanted: Callable[[Any], bool]) -> list[S]:
        """The summaries whose stored data `wanted` accepts, made only for those (the Today
        page's drafts among 50,000 notes). Data `wanted` cannot judge is taken, to be safe:
        its summary is then made (from the body if need be) and the caller filters it."""
        if self._all is not None:
            return list(self._all.values())
        found = []
        with bulk_reading():
            for kind in self.kinds:
                for s in self._vault.summaries(kind):
                    try:
                        take = wanted(s.data)
                    except (IndexError, KeyError, TypeError, ValueError):
                        take = True
                    if take and (value := self._summary(s)) is not None:
                        found.append(value)
        return found

    def loaded(self) -> dict[str, S] | None:
        """Every summary, if they were read already (else None: nothing is read here)."""
        return self._all

    def of_group(self, owner: str) -> list[S]:
        """The summaries of one owner's records (its group's lists only)."""
        found = []
        for kind in self.kinds:
            for s in self._vault.summaries(kind, owner=owner):
                value = self._summary(s)
                if value is not None:
                    found.append(value)
        return found

    def _summary(self, stored: Summary) -> S | None:
        try:
            return self._read(stored)
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            # Missing (an upgraded record whose body did not parse) or not understood: the
            # body is the truth. A damaged body is reported by whoever read it.
            self.rebuilt += 1
            try:
                return self._from_body(stored.id)
            except RecordIntegrityError:
                return None

    def stored(self, record_id: str, summary: S) -> None:
        if self._all is not None:
            self._all.pop(record_id, None)
            self._all[record_id] = summary

    def forget(self, record_id: str) -> None:
        if self._all is not None:
            self._all.pop(record_id, None)
