"""The local side of agency sync: a small interface over this vault, kept thin so the sync
engine does not depend on how the vault stores records.

What sync needs from the vault: which chart records exist here and at which version, the
versions of a record after a given one, writing a pulled version (or removing a record), and
remembering sync state (this device's membership and, per chart, what was synced). The
agency's own records never leave this device.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from noteapp.agency.kinds import CHART_KINDS, SIGNABLE_KINDS, client_of
from noteapp.domain.errors import NotFoundError
from noteapp.services.summaries import CLIENT_KINDS, LAYOUT
from noteapp.vault.store import Vault

MEMBERSHIP_KIND = "agency"
CHART_STATE_KIND = "agency_chart"
_ME = "me"


def chart_uuid(client_id: str) -> str:
    """The server's chart id of a client (the client's random id, as a UUID)."""
    return str(uuid.UUID(hex=client_id))


def client_of_chart(chart_id: str) -> str:
    return uuid.UUID(chart_id).hex


@dataclass
class LocalScan:
    """Chart records here: client id → {(kind, id): current version}; and the records that
    could not be read (never taken for deleted)."""

    charts: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    damaged: set[tuple[str, str]] = field(default_factory=set)


class LocalCharts:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    @property
    def vault_id(self) -> str:
        return self._vault.vault_id

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._vault.transaction():
            yield

    # --- sync state --------------------------------------------------------------------

    def membership(self) -> tuple[dict[str, Any], int] | None:
        return self._read(MEMBERSHIP_KIND, _ME)

    def save_membership(self, data: dict[str, Any], *, expected: int) -> int:
        return self._vault.put(MEMBERSHIP_KIND, _ME, data, expected_version=expected)

    def chart_state(self, client_id: str) -> tuple[dict[str, Any], int] | None:
        return self._read(CHART_STATE_KIND, client_id)

    def chart_states(self) -> dict[str, tuple[dict[str, Any], int]]:
        return {r.id: (r.data, r.version) for r in self._vault.load_kind(CHART_STATE_KIND).records}

    def save_chart_state(self, client_id: str, data: dict[str, Any], *, expected: int) -> int:
        return self._vault.put(CHART_STATE_KIND, client_id, data, expected_version=expected)

    def _read(self, kind: str, record_id: str) -> tuple[dict[str, Any], int] | None:
        try:
            stored = self._vault.get(kind, record_id)
        except NotFoundError:
            return None
        return stored.data, stored.version

    # --- chart records -----------------------------------------------------------------

    def scan(self, *, include_private: bool) -> LocalScan:
        """Every chart record here, by client; template snapshots go with the charts whose
        notes use them."""
        scan = LocalScan()
        loaded: dict[str, list[Any]] = {}
        for kind, spec in CHART_KINDS.items():
            if spec.private and not include_private:
                continue
            result = self._vault.load_kind(kind)
            loaded[kind] = result.records
            scan.damaged |= {(kind, f.record_id) for f in result.failures}
        parents = {
            r.id: str(r.data.get("client_id", ""))
            for kind in SIGNABLE_KINDS
            for r in loaded.get(kind, [])
        }
        snapshots = {r.id: r.version for r in loaded.get("template_snapshot", [])}
        for kind, records in loaded.items():
            if kind == "template_snapshot":
                continue
            for r in records:
                client = client_of(kind, r.data, parents)
                if not client:
                    continue
                chart = scan.charts.setdefault(client, {})
                chart[(kind, r.id)] = r.version
                used = r.data.get("template_snapshot") if kind in SIGNABLE_KINDS else None
                if isinstance(used, str) and used in snapshots:
                    chart[("template_snapshot", used)] = snapshots[used]
        return scan

    def records(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        """Every readable current record of a kind (id, data)."""
        return [(r.id, r.data) for r in self._vault.load_kind(kind).records]

    def versions_after(
        self, kind: str, record_id: str, after: int
    ) -> list[tuple[int, dict[str, Any]]]:
        return [
            (r.version, r.data) for r in self._vault.history(kind, record_id) if r.version > after
        ]

    def version_data(self, kind: str, record_id: str, version: int) -> dict[str, Any] | None:
        for r in self._vault.history(kind, record_id):
            if r.version == version:
                return r.data
        return None

    def current(self, kind: str, record_id: str) -> tuple[int, dict[str, Any]] | None:
        found = self._read(kind, record_id)
        return None if found is None else (found[1], found[0])

    def write(
        self,
        kind: str,
        record_id: str,
        data: dict[str, Any],
        *,
        expected: int,
        client_id: str = "",
    ) -> int:
        """Store a version that came from the agency where this vault's own services would
        have put it: in its client's group, with the summary lists show (a record of the
        chart `client_id`; a signature record belongs to that chart's note or plan)."""
        place = LAYOUT.place(kind, record_id, data, _SameChart(client_id))
        if kind in CLIENT_KINDS or place.owner:
            return self._vault.put(
                kind,
                record_id,
                data,
                owner=place.owner,
                summary=place.summary,
                expected_version=expected,
            )
        return self._vault.put(kind, record_id, data, expected_version=expected)

    def remove(self, kind: str, record_id: str, *, expected: int) -> None:
        self._vault.delete(kind, record_id, expected_version=expected)


class _SameChart(Mapping[str, str]):
    """Every record a synced signature record can belong to is of the same chart."""

    def __init__(self, client_id: str) -> None:
        self._client_id = client_id

    def __getitem__(self, _record_id: str) -> str:
        return self._client_id

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
