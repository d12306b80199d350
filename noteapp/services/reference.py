"""Editable reference data (service codes, places of service, interventions) and quick
phrases: shipped defaults, with the practice's own versions kept in the vault."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from noteapp.domain.errors import InvalidInputError
from noteapp.domain.reference import ReferenceData, reference_from_dict, reference_to_dict
from noteapp.services.audit import AuditService
from noteapp.services.tracked import TrackedRecord
from noteapp.vault.store import Vault

REFERENCE_KIND = "reference"
PHRASES_KIND = "quick_phrases"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _default(name: str) -> dict[str, Any]:
    text = resources.files("noteapp.services").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True)
class QuickPhrase:
    group: str
    title: str
    text: str

    def expand(self, values: dict[str, str]) -> str:
        """Fill placeholders like {first_name}; unknown ones stay as typed (visible)."""
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), self.text)


PLACEHOLDERS = {
    "first_name": "the client's first (or preferred) name",
    "name": "the client's full name",
    "date": "the date of service",
    "clinician": "your name",
}


def _with_default_flags(data: dict[str, Any]) -> dict[str, Any]:
    """Reference data saved before a flag existed (e.g. `psychotherapy`) takes it from the
    shipped defaults, code by code, so a practice's edited codes keep being checked."""
    shipped = {str(c.get("code")): c for c in _default("reference.json").get("service_codes", [])}
    codes = data.get("service_codes")
    if not isinstance(codes, list):
        return data
    filled = []
    for c in codes:
        if isinstance(c, dict) and "psychotherapy" not in c:
            known = shipped.get(str(c.get("code")), {})
            c = {**c, "psychotherapy": bool(known.get("psychotherapy", False))}
        filled.append(c)
    return {**data, "service_codes": filled}


class ReferenceService:
    def __init__(self, vault: Vault, audit: AuditService) -> None:
        self._vault = vault
        self._audit = audit
        self._reference: ReferenceData | None = None
        self._stored = {k: TrackedRecord(vault, k, k) for k in (REFERENCE_KIND, PHRASES_KIND)}

    def _write(self, kind: str, data: dict[str, Any]) -> None:
        with self._vault.transaction():
            self._stored[kind].write(data)
            self._audit.record("edit", kind=kind, record_id=kind)

    def get(self) -> ReferenceData:
        if self._reference is None:
            data = self._stored[REFERENCE_KIND].read() or _default("reference.json")
            self._reference = reference_from_dict(_with_default_flags(data))
        return self._reference

    def update(self, data: dict[str, Any]) -> ReferenceData:
        reference = reference_from_dict(_with_default_flags(data))
        codes = [s.code for s in reference.service_codes]
        if len(codes) != len(set(codes)):
            raise InvalidInputError("Each service code may appear only once.")
        self._write(REFERENCE_KIND, reference_to_dict(reference))
        self._reference = reference
        return reference

    def reset(self) -> ReferenceData:
        return self.update(_default("reference.json"))

    # --- quick phrases -----------------------------------------------------------------

    def phrases(self) -> list[QuickPhrase]:
        data = self._stored[PHRASES_KIND].read() or _default("quick_phrases.json")
        return [
            QuickPhrase(group=str(g["name"]), title=str(p["title"]), text=str(p["text"]))
            for g in data.get("groups", [])
            for p in g.get("phrases", [])
        ]

    def save_phrases(self, phrases: list[QuickPhrase]) -> None:
        groups: dict[str, list[dict[str, str]]] = {}
        for p in phrases:
            if not p.title.strip() or not p.text.strip():
                raise InvalidInputError("Each quick phrase needs a title and a text.")
            groups.setdefault(p.group.strip() or "General", []).append(
                {"title": p.title.strip(), "text": p.text}
            )
        data = {"groups": [{"name": k, "phrases": v} for k, v in groups.items()]}
        self._write(PHRASES_KIND, data)
