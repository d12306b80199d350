"""Whose signature counts: a signer's key against the keys this vault trusts, and who may
review whose note.

A valid signature proves only that *some* key signed; the name next to it is whatever the
signer typed into their profile. So a signature is trusted only when its exact key was
trusted here (after comparing fingerprints with the person), and a key that is *not* trusted
while a different key *is* trusted under the same name is the shape of an impersonation —
said plainly, with the fingerprint of the key that is trusted for that name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from noteapp.domain.display import visible
from noteapp.domain.signatures import SignedItem, TrustedKey
from noteapp.services.verification import VerificationReport

HOW_TO_TRUST = (
    "Get their public-key file, compare its fingerprint with them (by phone or in person) "
    "and trust it first: Settings → Signing keys (or “Trust this signer…” on the Review "
    "screen), or `noteapp keys trust FILE`."
)


def _norm(text: object) -> str:
    """A name, credential or license as a person means it: Unicode-compatibility folded,
    case-folded, punctuation and spacing ignored ("Ph.D." is "PhD")."""
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = "".join(c if c.isalnum() else " " for c in folded).split()
    return " ".join(words)


def _compact(text: object) -> str:
    """A license number or credentials: "Ph.D." and "PhD", "LCSW-0001" and "LCSW 0001"."""
    return _norm(text).replace(" ", "")


def same_name(a: object, b: object) -> bool:
    return bool(_norm(a)) and _norm(a) == _norm(b)


def same_clinician(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two signed author blocks name the same clinician: the same key, or the same name and
    the same license number (or, when either has none, the same credentials)."""
    fingerprint = a.get("fingerprint")
    if isinstance(fingerprint, str) and fingerprint and fingerprint == b.get("fingerprint"):
        return True
    if not same_name(a.get("name"), b.get("name")):
        return False
    license_a, license_b = _compact(a.get("license_number")), _compact(b.get("license_number"))
    if license_a and license_b:
        return license_a == license_b
    return _compact(a.get("credentials")) == _compact(b.get("credentials"))


def is_trusted(fingerprint: str, public_key: bytes, keys: Iterable[TrustedKey]) -> bool:
    return any(k.fingerprint == fingerprint and k.public_key == public_key for k in keys)


def other_keys_for_name(name: str, fingerprint: str, keys: Iterable[TrustedKey]) -> list[str]:
    """Fingerprints of trusted keys other than `fingerprint` held under the same name."""
    found = [
        k.fingerprint for k in keys if same_name(k.name, name) and k.fingerprint != fingerprint
    ]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class TrustWarning:
    """One signature in a file whose key is not trusted in this vault."""

    role: str
    name: str
    signer: str  # "Dana Whitfield, LCSW (License …)", from the file: shown with visible()
    fingerprint: str
    trusted_for_name: tuple[str, ...]  # other keys trusted under the same name

    @property
    def text(self) -> str:
        who = visible(self.signer or self.name or "an unnamed signer")
        if self.trusted_for_name:
            return (
                f"Possible impersonation — {visible(self.role)} signed as {who} with key "
                f"{self.fingerprint}, but the key you trust for {visible(self.name)} is "
                f"{' or '.join(self.trusted_for_name)}. Do not rely on this signature."
            )
        return (
            f"Not a trusted signer — {visible(self.role)} by {who}, key {self.fingerprint}: "
            "you have not marked this key as trusted. Do not rely on the name until you have "
            "compared the fingerprint with the signer and trusted their key."
        )


def trust_warnings(report: VerificationReport, keys: Iterable[TrustedKey]) -> list[TrustWarning]:
    """Every signature of the report whose key is not trusted, once per key and role."""
    keys = list(keys)
    out: dict[tuple[str, str], TrustWarning] = {}
    for note in report.notes:
        for s in note.signers:
            if s.trusted or (s.fingerprint, s.role) in out:
                continue
            out[(s.fingerprint, s.role)] = TrustWarning(
                role=s.role,
                name=s.name,
                signer=s.signer,
                fingerprint=s.fingerprint,
                trusted_for_name=tuple(other_keys_for_name(s.name, s.fingerprint, keys)),
            )
    return list(out.values())


def review_refusal(item: SignedItem, *, note: SignedItem, keys: Iterable[TrustedKey]) -> str:
    """Why a received co-signature or return may not be attached to `note` ("" if it may).

    `keys` are the keys trusted in this vault, without its own: a review is someone else's
    word about the note, never the author's own."""
    kind = item.type.label.lower()
    name = str(item.author.get("name", ""))
    who = visible(name) or "an unnamed signer"
    if same_clinician(item.author, note.author):
        return (
            f"The {kind} in this file is by the note's own author ({who}); no one co-signs or "
            "reviews their own note. Nothing was imported."
        )
    keys = list(keys)
    if is_trusted(item.fingerprint, item.public_key, keys):
        return ""
    others = other_keys_for_name(name, item.fingerprint, keys)
    if others:
        return (
            f"The {kind} in this file is signed as {who} with key {item.fingerprint}, but the "
            f"key you trust for {who} is {' or '.join(others)}: this may be an impersonation. "
            "Nothing was imported. If they really have a new key, confirm its fingerprint with "
            "them by phone or in person and trust it first (Settings → Signing keys, or "
            "`noteapp keys trust FILE`)."
        )
    return (
        f"The {kind} in this file is from {who} (key {item.fingerprint}), a key you have not "
        f"marked as trusted; nothing was imported. {HOW_TO_TRUST}"
    )
