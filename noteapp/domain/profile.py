"""The clinician profile: the identity used in signatures, exports and letterheads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class ClinicianProfile:
    name: str
    credentials: str
    license_number: str = ""
    role: Role = Role.CLINICIAN
    agency_name: str = ""
    agency_address: str = ""
    agency_phone: str = ""
    logo_png: bytes | None = None
    public_key: bytes = b""
    fingerprint: str = ""
    # A clinician whose notes a supervisor co-signs (e.g. pre-licensure): only they see the
    # co-signature queue on the Today page; a solo clinician never does.
    supervised: bool = False

    def __repr__(self) -> str:
        return f"ClinicianProfile(role={self.role.value!r}, fingerprint={self.fingerprint!r})"

    @property
    def signature_name(self) -> str:
        """'Dana Whitfield, LCSW' — how the clinician signs."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


def profile_to_dict(p: ClinicianProfile) -> dict[str, Any]:
    return {
        "name": p.name,
        "credentials": p.credentials,
        "license_number": p.license_number,
        "role": p.role.value,
        "agency_name": p.agency_name,
        "agency_address": p.agency_address,
        "agency_phone": p.agency_phone,
        "logo_png": p.logo_png.hex() if p.logo_png else None,
        "public_key": p.public_key.hex(),
        "fingerprint": p.fingerprint,
        "supervised": p.supervised,
    }


def profile_from_dict(d: dict[str, Any]) -> ClinicianProfile:
    logo = d.get("logo_png")
    return ClinicianProfile(
        name=d["name"],
        credentials=d.get("credentials", ""),
        license_number=d.get("license_number", ""),
        role=Role(d.get("role", "clinician")),
        agency_name=d.get("agency_name", ""),
        agency_address=d.get("agency_address", ""),
        agency_phone=d.get("agency_phone", ""),
        logo_png=bytes.fromhex(logo) if logo else None,
        public_key=bytes.fromhex(d.get("public_key", "")),
        fingerprint=d.get("fingerprint", ""),
        supervised=d.get("supervised") is True,
    )
