"""Instruments the clinician or agency adds as data (kind "instrument"), and the catalog that
answers "which instrument is this?" for built-ins and custom ones alike.

A custom instrument is stored in the vault, so it travels with the records (backups,
restores, a copied vault). Each `add` of a new version is a new version of the same record:
the vault's history keeps every version, and a score names the id and version it was given
with — changing an instrument never re-scores history (docs/measures.md).
"""

from __future__ import annotations

import builtins
import json
import unicodedata
from typing import Any

from noteapp.domain.clock import Clock
from noteapp.domain.errors import (
    InvalidInputError,
    NotFoundError,
    RecordIntegrityError,
    RefusedError,
)
from noteapp.measures import (
    MAX_FILE_BYTES,
    DefinitionError,
    Instrument,
    Problem,
    builtin_versions,
    check_bytes,
    load_instruments,
    parse_definition,
)
from noteapp.services.audit import AuditService
from noteapp.vault.store import Vault

KIND = "instrument"

# What the front ends need of the instruments package, through this service.
__all__ = [
    "KIND",
    "MAX_FILE_BYTES",
    "DefinitionError",
    "Instrument",
    "InstrumentService",
    "Problem",
    "check_file",
    "normalise_id",
]


def normalise_id(instrument_id: str) -> str:
    return str(instrument_id).strip().lower()


def _skeleton(text: str) -> str:
    """What a reader takes a name for: "PHQ-9", "phq_9" and "Phq 9" are all "phq9"."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def builtin_clash(inst: Instrument) -> Problem | None:
    """A custom instrument that a reader could take for a built-in one, or None.

    Not only the same id: a custom "phq-9" named "PHQ-9" sat beside the built-in PHQ-9 in
    every list and on every score, and a clinician picking "PHQ-9" could score the wrong
    questionnaire (and report it to a funder as the validated one).
    """
    shipped = {_skeleton(b.id): b for b in load_instruments().values()}
    shipped |= {_skeleton(b.name): b for b in load_instruments().values()}
    for what, value in (("id", inst.id), ("name", inst.name)):
        clash = shipped.get(_skeleton(value))
        if clash is not None:
            return Problem(
                1,
                f'The {what} "{value}" is taken by the built-in instrument {clash.name} '
                f"({clash.id}); choose another, so the two cannot be mistaken for each other.",
            )
    return None


def check_file(raw: bytes) -> tuple[Instrument | None, builtins.list[Problem]]:
    """Check a definition file's bytes (no vault needed): the instrument, or every problem."""
    inst, problems = check_bytes(raw)
    clash = None if inst is None else builtin_clash(inst)
    return (None, [clash]) if clash is not None else (inst, problems)


def stored_definition(data: dict[str, Any]) -> Instrument:
    """A custom instrument as stored in the vault (or carried by an archive): read by the
    same checker as a user's file, and never one that passes for a built-in — a record
    brought in by an archive or a restored backup must not re-define PHQ-9's scoring."""
    inst = parse_definition(data["definition"], builtin=False)
    clash = builtin_clash(inst)
    if clash is not None:
        raise DefinitionError([clash], what="The stored instrument")
    return inst


class InstrumentService:
    """Custom instruments: check, add (new versions), list; plus lookups over built-ins."""

    def __init__(
        self,
        *,
        vault: Vault | None = None,
        audit: AuditService | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._vault = vault
        self._audit = audit
        self._clock = clock
        self._current: dict[str, Instrument] = {}
        self._versions: dict[tuple[str, int], Instrument] = {}
        self._added_at: dict[tuple[str, int], str] = {}
        self._record_versions: dict[str, int] = {}  # the stored version each update names
        self.problems: builtins.list[RecordIntegrityError] = []
        self._loaded = False

    def reload(self) -> None:
        """Forget what was read: custom instruments are read again when next needed."""
        self._loaded = False

    def _ensure(self) -> None:
        """Custom instruments are read the first time any instrument is looked up."""
        if self._loaded:
            return
        self._current, self._versions, self._added_at = {}, {}, {}
        self._record_versions = {}
        self.problems = []
        if self._vault is None:
            self._loaded = True
            return
        result = self._vault.load_kind(KIND)
        self._loaded = True
        self.problems = list(result.failures)
        for record in result.records:
            self._record_versions[record.id] = record.version
            try:
                history = self._vault.history(KIND, record.id)
            except RecordIntegrityError as exc:
                self.problems.append(exc)
                history = [record]
            for stored in history:
                inst = self._parse(stored.id, stored.data)
                if inst is None:
                    continue
                self._versions[inst.key] = inst
                self._added_at[inst.key] = str(stored.data.get("added_at", ""))
                if inst.id not in self._current or inst.version > self._current[inst.id].version:
                    self._current[inst.id] = inst

    def _parse(self, record_id: str, data: dict[str, Any]) -> Instrument | None:
        try:
            return stored_definition(data)
        except (DefinitionError, KeyError, TypeError) as exc:
            # Stored by an earlier noteapp whose checker this one no longer accepts: report
            # it (never drop silently); its scores keep their totals and bands.
            self.problems.append(
                RecordIntegrityError(
                    f"The custom instrument {record_id[:32]} could not be read: {exc}",
                    kind=KIND,
                    record_id=record_id,
                )
            )
            return None

    # --- custom instruments ------------------------------------------------------------

    def add(self, raw: bytes) -> Instrument:
        """Store a checked definition (a new instrument, or a higher version of one)."""
        self._ensure()
        if self._vault is None or self._audit is None:
            raise RefusedError("Instruments are added to an open vault.")
        added_at = self._clock.now().isoformat() if self._clock else ""
        inst, problems = check_file(raw)
        if inst is None:
            raise DefinitionError(problems)
        definition = json.loads(raw.decode("utf-8").removeprefix("\ufeff"))
        stored = self._current.get(inst.id)
        if stored is not None and inst.version <= stored.version:
            raise InvalidInputError(
                f"{inst.name} version {stored.version} is already in this vault; raise "
                f'"version" above {stored.version} to add a changed instrument (scores keep '
                "the version they were given with)."
            )
        with self._vault.transaction():
            version = self._vault.put(
                KIND,
                inst.id,
                {"definition": definition, "added_at": added_at},
                expected_version=self._record_versions.get(inst.id, 0),
            )
            self._audit.record(
                "instrument-add", kind=KIND, record_id=inst.id, detail={"version": inst.version}
            )
        self._record_versions[inst.id] = version
        self._versions[inst.key] = inst
        self._added_at[inst.key] = added_at
        self._current[inst.id] = inst
        return inst

    def custom(self) -> builtins.list[Instrument]:
        """The current version of every custom instrument, by name."""
        self._ensure()
        return sorted(self._current.values(), key=lambda i: i.name.casefold())

    def added_at(self, inst: Instrument) -> str:
        self._ensure()
        return self._added_at.get(inst.key, "")

    def versions_of(self, instrument_id: str) -> builtins.list[Instrument]:
        self._ensure()
        ident = normalise_id(instrument_id)
        found = [
            i for key, i in {**self._versions, **builtin_versions()}.items() if key[0] == ident
        ]
        return sorted(found, key=lambda i: i.version)

    # --- lookups over built-ins and custom instruments ---------------------------------

    def current(self) -> dict[str, Instrument]:
        """Every instrument that can be given now (current versions), by id."""
        self._ensure()
        # Built-ins last: nothing stored can stand in for a shipped instrument's scoring.
        return {**self._current, **load_instruments()}

    def get(self, instrument_id: str) -> Instrument:
        known = self.current()
        ident = normalise_id(instrument_id)
        found = known.get(ident) or known.get(ident.replace("-", ""))
        if found is None:
            raise InvalidInputError(
                f"No instrument '{str(instrument_id)[:20]}'. Known: "
                + ", ".join(sorted(known))
                + "."
            )
        return found

    def at(self, instrument_id: str, version: int) -> Instrument | None:
        """The exact version a score was given with (None if no longer readable)."""
        self._ensure()
        key = (normalise_id(instrument_id), int(version))
        return builtin_versions().get(key) or self._versions.get(key)

    def require(self, instrument_id: str, version: int) -> Instrument:
        found = self.at(instrument_id, version)
        if found is None:
            raise NotFoundError(f"No {instrument_id[:20]} version {version} in this vault.")
        return found
