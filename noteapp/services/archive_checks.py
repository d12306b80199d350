"""What an archive may bring into a vault: kinds this noteapp knows, records its own readers
can read, signed items that verify, and keys that are what they claim to be.

The manifest's signature proves only that the archive is as its signer made it, and anyone
can sign an archive with a key of their own. A hostile or broken archive once imported
cleanly and left a vault in which every command stopped with "unexpected error" (a note
record without an id), or carried records of unknown kinds, a trusted key filed under
another key's fingerprint, or a profile whose key did not match its private signing key.
So import checks the content as the app will read it, before and after writing it, and
refuses the whole archive (nothing written) with a sentence naming the first record at fault.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from noteapp import crypto
from noteapp.domain.clients import client_from_dict
from noteapp.domain.contacts import contact_from_dict, release_from_dict
from noteapp.domain.errors import InvalidInputError, NoteappError
from noteapp.domain.incidents import incident_from_dict
from noteapp.domain.measures import measure_from_dict
from noteapp.domain.medications import medication_from_dict
from noteapp.domain.notes import note_from_dict
from noteapp.domain.plans import plan_from_dict
from noteapp.domain.profile import profile_from_dict
from noteapp.domain.referrals import referral_from_dict
from noteapp.domain.safety_plan import safety_plan_from_dict
from noteapp.services import (
    clients,
    contacts,
    incidents,
    measures,
    medications,
    notes,
    plans,
    profile,
    referrals,
    safety_plans,
    signing,
)
from noteapp.services.archive_container import ArchiveDamagedError
from noteapp.services.archive_layout import SCHEMA_DIR, ArchiveRecord
from noteapp.signing.proof import ProofError, check_item, item_from_dict

# Every kind a vault holds is a kind with a published schema (docs/schemas; the archive
# schema test fails for a kind without one), so the list cannot fall behind a new service.
KNOWN_KINDS = frozenset(
    p.name.removesuffix(".schema.json") for p in SCHEMA_DIR.glob("*.schema.json")
)
# What the readers of the app raise on data they cannot read (they are not hardened against
# hostile records: the vault's own records are authenticated). Other errors — a full disk, a
# damaged vault — keep their own sentence.
_UNREADABLE = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    ProofError,
    InvalidInputError,
)
MAX_PROBLEMS = 10


def _signed_item(data: dict[str, Any], _version: int) -> object:
    item = item_from_dict(data)
    problems = check_item(item)
    if problems:
        raise ValueError(problems[0])
    return item


def _trusted_key(data: dict[str, Any], _version: int) -> object:
    public = bytes.fromhex(str(data["public_key"]))
    if len(public) != 32 or data["fingerprint"] != crypto.key_fingerprint(public):
        raise ValueError("the fingerprint is not the key's")
    return public


_Decoder = Callable[[dict[str, Any], int], object]
_DECODERS: dict[str, _Decoder] = {
    clients.KIND: lambda d, _v: client_from_dict(d),
    notes.NOTE_KIND: lambda d, v: note_from_dict(d, version=v),
    notes.PSYCHOTHERAPY_KIND: lambda d, v: note_from_dict(d, version=v),
    measures.KIND: lambda d, v: measure_from_dict(d, version=v),
    plans.KIND: lambda d, v: plan_from_dict(d, record_version=v),
    safety_plans.KIND: lambda d, v: safety_plan_from_dict(d, record_version=v),
    profile.KIND: lambda d, _v: profile_from_dict(d),
    signing.ITEM_KIND: _signed_item,
    signing.TRUSTED_KIND: _trusted_key,
    contacts.CONTACT_KIND: lambda d, v: contact_from_dict(d, record_version=v),
    contacts.RELEASE_KIND: lambda d, v: release_from_dict(d, record_version=v),
    referrals.KIND: lambda d, v: referral_from_dict(d, record_version=v),
    medications.KIND: lambda d, v: medication_from_dict(d, record_version=v),
    incidents.KIND: lambda d, v: incident_from_dict(d, record_version=v),
}
# Kinds whose records are filed under the id their data names (lookups use either).
_OWN_ID = frozenset({clients.KIND, notes.NOTE_KIND, notes.PSYCHOTHERAPY_KIND})


def _name(r: ArchiveRecord) -> str:
    return f"{r.kind}/{r.id[:8]}"


def content_problems(records: list[ArchiveRecord]) -> list[str]:
    """Every record of a known kind and readable (signed items verify); [] when all are."""
    problems: list[str] = []
    for r in records:
        if r.kind not in KNOWN_KINDS:
            unknown = (
                f"The archive holds records of a kind this noteapp does not know ({r.kind[:40]})."
            )
            if unknown not in problems:
                problems.append(unknown)
            continue
        decode = _DECODERS.get(r.kind)
        for number, data in enumerate(r.versions, start=1):
            try:
                decoded = None if decode is None else decode(data, number)
            except _UNREADABLE:
                problems.append(
                    f"The record {_name(r)} in the archive (version {number}) is not one this "
                    "noteapp can read, or its signature does not verify."
                )
                break
            if r.kind in _OWN_ID and getattr(decoded, "id", r.id) != r.id:
                problems.append(f"The record {_name(r)} in the archive holds another record.")
                break
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems + _key_problems(records)


def _key_problems(records: list[ArchiveRecord]) -> list[str]:
    """The private signing key must be the profile's: new signatures must verify under the
    fingerprint the profile shows on every export."""
    latest = {r.kind: r.versions[-1] for r in records if r.id == profile.RECORD_ID}
    key, me = latest.get(profile.KEY_KIND), latest.get(profile.KIND)
    if key is None or me is None:
        return []
    try:
        private = bytearray(bytes.fromhex(str(key["ed25519_private"])))
        public = bytes.fromhex(str(me["public_key"]))
        message = b"noteapp archive import key check"
        matches = crypto.verify_signature(public, crypto.sign(private, message), message)
        crypto.wipe(private)
    except (*_UNREADABLE, NoteappError):
        matches = False
    if matches:
        return []
    return ["The archive's signing key is not the key of its profile."]


def trial_open(vault: Any, *, paths: Any, clock: Any) -> None:
    """Read everything back as the app will after the import (inside its transaction):
    any record its services cannot read refuses the archive, and the transaction rolls
    back. A net under :func:`content_problems` for the kinds it does not decode."""
    from noteapp.services.workspace import Workspace

    try:
        trial = Workspace.build(vault, paths=paths, clock=clock)
        trial.profile.get()
        trial.settings.get()
        trial.reference.get()
        trial.reference.phrases()
        _ = trial.speller.personal_words
        trial.goal_library.groups()
        trial.safety_plans.crisis_line_defaults()
        trial.signing.trusted_keys()
        trial.instruments.custom()
    except _UNREADABLE:
        raise ArchiveDamagedError(
            "Nothing was imported: the archive holds records this noteapp cannot read, so "
            "the vault would not open."
        ) from None
