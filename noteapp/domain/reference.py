"""Reference data the practice can edit: service codes and their time bands, places of
service, interventions. Data, not logic: other countries and payers use other codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from noteapp.domain.errors import InvalidInputError


@dataclass(frozen=True)
class ServiceCode:
    code: str
    description: str
    min_minutes: int | None = None  # the time band, when the code has one
    max_minutes: int | None = None
    group: bool = False
    family: bool = False
    # A psychotherapy service (CPT 9083x–9085x and the crisis codes): the checklist warns
    # when one is put on a note that records no psychotherapy, e.g. a collateral contact.
    psychotherapy: bool = False

    def band_text(self) -> str:
        if self.min_minutes is None and self.max_minutes is None:
            return "no time band"
        if self.max_minutes is None:
            return f"{self.min_minutes} minutes or more"
        return f"{self.min_minutes or 0}–{self.max_minutes} minutes"

    def fits(self, minutes: int) -> bool:
        if self.min_minutes is not None and minutes < self.min_minutes:
            return False
        return not (self.max_minutes is not None and minutes > self.max_minutes)


@dataclass(frozen=True)
class PlaceOfService:
    code: str
    description: str
    telehealth: bool = False


@dataclass(frozen=True)
class ReferenceData:
    service_codes: tuple[ServiceCode, ...]
    places_of_service: tuple[PlaceOfService, ...]
    interventions: tuple[str, ...]

    def service_code(self, code: str) -> ServiceCode | None:
        return next((s for s in self.service_codes if s.code == code), None)

    def place(self, code: str) -> PlaceOfService | None:
        return next((p for p in self.places_of_service if p.code == code), None)


def reference_from_dict(d: dict[str, Any]) -> ReferenceData:
    try:
        return ReferenceData(
            service_codes=tuple(
                ServiceCode(
                    code=str(s["code"]),
                    description=str(s.get("description", "")),
                    min_minutes=s.get("min_minutes"),
                    max_minutes=s.get("max_minutes"),
                    group=bool(s.get("group", False)),
                    family=bool(s.get("family", False)),
                    psychotherapy=bool(s.get("psychotherapy", False)),
                )
                for s in d.get("service_codes", [])
            ),
            places_of_service=tuple(
                PlaceOfService(
                    code=str(p["code"]),
                    description=str(p.get("description", "")),
                    telehealth=bool(p.get("telehealth", False)),
                )
                for p in d.get("places_of_service", [])
            ),
            interventions=tuple(str(i) for i in d.get("interventions", [])),
        )
    except (KeyError, TypeError) as exc:
        raise InvalidInputError(
            "The reference data is malformed (each entry needs a code)."
        ) from exc


def reference_to_dict(r: ReferenceData) -> dict[str, Any]:
    return {
        "service_codes": [
            {
                "code": s.code,
                "description": s.description,
                "min_minutes": s.min_minutes,
                "max_minutes": s.max_minutes,
                "group": s.group,
                "family": s.family,
                "psychotherapy": s.psychotherapy,
            }
            for s in r.service_codes
        ],
        "places_of_service": [
            {"code": p.code, "description": p.description, "telehealth": p.telehealth}
            for p in r.places_of_service
        ],
        "interventions": list(r.interventions),
    }
