"""The clinician profile and its Ed25519 signing key (created with the profile)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from noteapp import crypto
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.profile import ClinicianProfile, Role, profile_from_dict, profile_to_dict
from noteapp.services.audit import AuditService
from noteapp.services.tracked import TrackedRecord
from noteapp.vault.store import Vault

KIND = "profile"
KEY_KIND = "signing_key"
RECORD_ID = "me"
_MAX_LOGO_BYTES = 2 * 1024 * 1024
_EDITABLE = {
    "name",
    "credentials",
    "license_number",
    "role",
    "agency_name",
    "agency_address",
    "agency_phone",
    "logo_png",
    "supervised",
}


class ProfileService:
    def __init__(self, vault: Vault, audit: AuditService) -> None:
        self._vault = vault
        self._audit = audit
        self._record = TrackedRecord(vault, KIND, RECORD_ID)

    def get(self) -> ClinicianProfile | None:
        data = self._record.read()
        return None if data is None else profile_from_dict(data)

    def set(self, **changes: Any) -> ClinicianProfile:
        """Create or update; the first call also creates the signing key pair."""
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise InvalidInputError(f"Unknown profile field: {sorted(unknown)[0]}.")
        if "role" in changes:
            try:
                changes["role"] = Role(changes["role"])
            except ValueError as exc:
                raise InvalidInputError("The role is 'clinician' or 'supervisor'.") from exc
        for key in (
            "name",
            "credentials",
            "license_number",
            "agency_name",
            "agency_address",
            "agency_phone",
        ):
            if key in changes:
                changes[key] = str(changes[key]).strip()
        if "supervised" in changes and not isinstance(changes["supervised"], bool):
            raise InvalidInputError("'supervised' is yes or no.")
        logo = changes.get("logo_png")
        if logo is not None and (
            len(logo) > _MAX_LOGO_BYTES or not logo.startswith(b"\x89PNG\r\n\x1a\n")
        ):
            raise InvalidInputError("The letterhead logo must be a PNG image under 2 MB.")
        current = self.get()
        with self._vault.transaction():
            if current is None:
                if not changes.get("name"):
                    raise InvalidInputError("The profile needs your name.")
                private, public = crypto.generate_signing_keypair()
                self._vault.put(
                    KEY_KIND,
                    RECORD_ID,
                    {"ed25519_private": private.hex(), "public": public.hex()},
                    expected_version=0,  # a signing key is made once, never replaced
                )
                profile = ClinicianProfile(
                    name=changes.pop("name"),
                    credentials=changes.pop("credentials", ""),
                    public_key=public,
                    fingerprint=crypto.key_fingerprint(public),
                )
                profile = replace(profile, **changes)
                self._audit.record(
                    "key-create",
                    kind=KEY_KIND,
                    record_id=RECORD_ID,
                    detail={"fingerprint": profile.fingerprint},
                )
            else:
                if "name" in changes and not changes["name"]:
                    raise InvalidInputError("The profile needs your name.")
                profile = replace(current, **changes)
            self._record.write(profile_to_dict(profile))
            self._audit.record(
                "profile-edit" if current else "profile-create", kind=KIND, record_id=RECORD_ID
            )
        return profile

    def private_signing_key(self) -> bytearray:
        """For the signing service (next issue); short-lived, wipe after use."""
        data = self._vault.get(KEY_KIND, RECORD_ID).data
        return bytearray(bytes.fromhex(data["ed25519_private"]))
