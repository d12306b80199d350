"""The archive: every record of the vault out in one passphrase-encrypted, signed file, and
back into a new, empty vault exactly as it was.

Export writes every version of every record (psychotherapy notes only when asked), the audit
log, each signed document as its verifiable .docx, the record schemas and a manifest of
every file's hash signed with the clinician's Ed25519 key (archive_layout), inside the
encrypted container (archive_container). Verify needs no vault. Import re-encrypts
everything under the new vault's key in one transaction, so afterwards every record, every
signature and the audit chain are those of the source. See docs/archive.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.domain.errors import (
    CheckFailedError,
    InvalidInputError,
    RecordIntegrityError,
    RefusedError,
)
from noteapp.domain.signatures import ItemType
from noteapp.export.files import write_atomic
from noteapp.export.writer import render_docx_bytes
from noteapp.services.archive_container import (
    MAX_HEADER_BYTES,
    MAX_PLAINTEXT_BYTES,
    ArchiveDamagedError,
    ContainerWriter,
    open_container,
)
from noteapp.services.archive_layout import (
    AUDIT,
    AUDIT_FORMAT,
    MANIFEST_FORMAT,
    RECORD_FORMAT,
    ArchiveContents,
    ArchiveZipWriter,
    dump_json,
    export_path,
    load_json,
    read_archive,
    record_path,
    schema_files,
)
from noteapp.services.signing import ITEM_KIND
from noteapp.services.workspace import Workspace
from noteapp.vault.audit import AuditEntry, first_broken
from noteapp.vault.store import COMPARTMENT_PREFIXES

MIN_ARCHIVE_PASSPHRASE = 8
_AUDIT_FIELDS = ("seq", "time", "action", "kind", "record_id", "detail", "prev", "hash")


@dataclass(frozen=True)
class ArchiveSummary:
    """What an archive holds (after export, verify or import)."""

    records: int
    versions: int
    exports: int
    audit_entries: int
    include_psychotherapy: bool
    created: str
    signer_name: str
    signer_credentials: str
    fingerprint: str


@dataclass(frozen=True)
class ArchiveReport:
    summary: ArchiveSummary | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Record:
    kind: str
    id: str
    versions: tuple[dict[str, Any], ...]


def check_archive_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_ARCHIVE_PASSPHRASE:
        raise InvalidInputError(
            f"Choose an archive passphrase of at least {MIN_ARCHIVE_PASSPHRASE} characters."
        )


# --- export ----------------------------------------------------------------------------


def _is_psychotherapy(kind: str) -> bool:
    return kind.startswith(COMPARTMENT_PREFIXES)


def _collect_records(ws: Workspace, include_psychotherapy: bool) -> list[_Record]:
    """Every version of every record, kinds in name order, each kind in write order (import
    writes them back in this order, so lists keep their order). Fails closed: a damaged
    record stops the export rather than leaving it out."""
    out: list[_Record] = []
    left_out: set[str] = set()
    for kind in sorted(ws.vault.kinds()):
        result = ws.vault.load_kind(kind)
        if result.failures:
            first = result.failures[0]
            raise RecordIntegrityError(
                f"No archive was written: {first}",
                kind=first.kind,
                record_id=first.record_id,
            )
        if _is_psychotherapy(kind) and not include_psychotherapy:
            left_out.update(r.id for r in result.records)
            continue
        for record in result.records:
            history = ws.vault.history(kind, record.id)
            out.append(_Record(kind, record.id, tuple(r.data for r in history)))
    # A signed psychotherapy note's payload holds its text: it stays out with the note.
    return [
        r
        for r in out
        if not (r.kind == ITEM_KIND and str(r.versions[-1].get("note_id")) in left_out)
    ]


def _audit_entries(ws: Workspace) -> list[AuditEntry]:
    entries, unreadable = ws.audit.read()
    check = ws.audit.verify()
    if unreadable or not check.ok:
        raise CheckFailedError(
            f"No archive was written: the audit log is broken ({check.message}). Check it "
            "with 'noteapp audit verify' and restore the vault from a backup."
        )
    return entries


def export_archive(
    ws: Workspace,
    *,
    out: Path,
    passphrase: str,
    params: Argon2Params | None = None,
    include_psychotherapy: bool = False,
) -> ArchiveSummary:
    """Write the archive to `out` (a new file, owner-only, written atomically)."""
    out = Path(out)
    if out.exists() or out.is_symlink():
        raise InvalidInputError(f"{out} already exists; choose a new file for the archive.")
    if not out.parent.is_dir():
        raise InvalidInputError(f"The folder {out.parent} does not exist.")
    check_archive_passphrase(passphrase)
    profile = ws.profile.get()
    if profile is None or not profile.public_key:
        raise RefusedError(
            "Set up your profile first (noteapp profile set): the archive is signed with "
            "your key, so that anyone can check it is complete and unchanged."
        )
    params = params or crypto.calibrate_argon2()
    # One transaction: the archive carries the audit entry of its own making, and if the
    # file cannot be written the entry is rolled back with it.
    with ws.vault.transaction():
        records = _collect_records(ws, include_psychotherapy)
        documents = [
            str(r.versions[-1]["note_id"])
            for r in records
            if r.kind == ITEM_KIND and ItemType(r.versions[-1]["type"]).is_document
        ]
        ws.audit.record(
            "archive-export",
            detail={
                "records": len(records),
                "exports": len(documents),
                "psychotherapy": include_psychotherapy,
            },
        )
        entries = _audit_entries(ws)
        summary = ArchiveSummary(
            records=len(records),
            versions=sum(len(r.versions) for r in records),
            exports=len(documents),
            audit_entries=len(entries),
            include_psychotherapy=include_psychotherapy,
            created=ws.clock.now().isoformat(timespec="seconds"),
            signer_name=profile.name,
            signer_credentials=profile.credentials,
            fingerprint=profile.fingerprint,
        )
        manifest = {
            "format": MANIFEST_FORMAT,
            "created": summary.created,
            "source_vault": ws.vault.vault_id,
            "include_psychotherapy": include_psychotherapy,
            "signer": {
                "name": profile.name,
                "credentials": profile.credentials,
                "license_number": profile.license_number,
                "fingerprint": profile.fingerprint,
                "public_key": profile.public_key.hex(),
            },
            "records": [{"kind": r.kind, "id": r.id, "versions": len(r.versions)} for r in records],
            "exports": documents,
            "audit_entries": len(entries),
        }

        def fill(sink: BinaryIO) -> None:
            container = ContainerWriter(sink, passphrase, params)
            archive = ArchiveZipWriter(container)
            for r in records:
                archive.add(record_path(r.kind, r.id), _record_file(r))
            archive.add(AUDIT, _audit_file(entries))
            for record_id in documents:
                archive.add(
                    export_path(record_id), render_docx_bytes(ws.exports.plan_job(record_id))
                )
            for path, data in schema_files().items():
                archive.add(path, data)
            key = ws.profile.private_signing_key()
            try:
                archive.finish(manifest, key)
            finally:
                crypto.wipe(key)
            container.finish()

        write_atomic(out, fill)
    return summary


def _record_file(r: _Record) -> bytes:
    return dump_json(
        {
            "format": RECORD_FORMAT,
            "kind": r.kind,
            "id": r.id,
            "versions": [{"version": n, "data": d} for n, d in enumerate(r.versions, start=1)],
        }
    )


def _audit_file(entries: list[AuditEntry]) -> bytes:
    return dump_json(
        {
            "format": AUDIT_FORMAT,
            "entries": [{k: getattr(e, k) for k in _AUDIT_FIELDS} for e in entries],
        }
    )


# --- reading and verifying -------------------------------------------------------------


def _open(path: Path, passphrase: str) -> ArchiveContents:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_PLAINTEXT_BYTES * 2 + MAX_HEADER_BYTES:
            raise ArchiveDamagedError("The file is larger than any archive noteapp writes.")
        with path.open("rb") as handle:
            plaintext = open_container(handle, passphrase)
    except FileNotFoundError:
        raise InvalidInputError(f"No file at {path}.") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path} is a folder, not an archive.") from None
    return read_archive(plaintext)


def _parse_records(contents: ArchiveContents) -> list[_Record]:
    """The records in manifest order, each checked against its file (strict)."""
    out: list[_Record] = []
    for entry in contents.manifest["records"]:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), t) for k, t in (("kind", str), ("id", str), ("versions", int))
        ):
            raise ArchiveDamagedError("The manifest lists a record it cannot describe.")
        path = record_path(entry["kind"], entry["id"])
        raw = contents.files.get(path)
        if raw is None:
            raise ArchiveDamagedError(f"{path} is listed in the manifest but missing.")
        d = load_json(raw, path)
        versions = d.get("versions") if isinstance(d, dict) else None
        if (
            not isinstance(versions, list)
            or d.get("format") != RECORD_FORMAT
            or (d.get("kind"), d.get("id")) != (entry["kind"], entry["id"])
            or len(versions) != entry["versions"]
            or not versions
            or any(
                not isinstance(v, dict)
                or v.get("version") != n
                or not isinstance(v.get("data"), dict)
                for n, v in enumerate(versions, start=1)
            )
        ):
            raise ArchiveDamagedError(f"{path} in the archive is malformed.")
        out.append(_Record(entry["kind"], entry["id"], tuple(v["data"] for v in versions)))
    return out


def _parse_audit(contents: ArchiveContents) -> list[AuditEntry]:
    raw = contents.files.get(AUDIT)
    if raw is None:
        raise ArchiveDamagedError("The archive holds no audit log.")
    d = load_json(raw, AUDIT)
    entries = d.get("entries") if isinstance(d, dict) else None
    if d.get("format") != AUDIT_FORMAT or not isinstance(entries, list):
        raise ArchiveDamagedError("The archive's audit log is malformed.")
    try:
        return [AuditEntry(**{k: e[k] for k in _AUDIT_FIELDS}) for e in entries]
    except (KeyError, TypeError):
        raise ArchiveDamagedError("The archive's audit log is malformed.") from None


def _summary(contents: ArchiveContents, records: list[_Record], audit: int) -> ArchiveSummary:
    m, signer = contents.manifest, contents.signer
    return ArchiveSummary(
        records=len(records),
        versions=sum(len(r.versions) for r in records),
        exports=len(m.get("exports") or []),
        audit_entries=audit,
        include_psychotherapy=bool(m.get("include_psychotherapy")),
        created=str(m.get("created", "")),
        signer_name=str(signer.get("name", "")),
        signer_credentials=str(signer.get("credentials", "")),
        fingerprint=str(signer.get("fingerprint", "")),
    )


def verify_archive(path: Path, *, passphrase: str) -> ArchiveReport:
    """Decrypt and check an archive without any vault: the manifest's signature, every
    file's hash, the records' shape and the audit chain. Problems are named, not raised
    (a wrong passphrase still raises WrongSecretError)."""
    try:
        contents = _open(path, passphrase)
        records = _parse_records(contents)
        entries = _parse_audit(contents)
    except ArchiveDamagedError as exc:
        return ArchiveReport(None, (str(exc),))
    problems = list(contents.problems)
    problems += _chain_problems(entries)
    problems += _signer_problems(contents, records)
    return ArchiveReport(_summary(contents, records, len(entries)), tuple(problems))


def _chain_problems(entries: list[AuditEntry]) -> list[str]:
    broken = first_broken(entries)
    return [] if broken is None else [f"The audit log in the archive is broken at entry {broken}."]


def _signer_problems(contents: ArchiveContents, records: list[_Record]) -> list[str]:
    """The manifest's signer must be the profile the archive carries (identity from signed
    bytes: the manifest is signed, and the profile record is hashed in it)."""
    profiles = [r for r in records if r.kind == "profile"]
    key = str(contents.signer.get("public_key", ""))
    if profiles and str(profiles[0].versions[-1].get("public_key", "")) != key:
        return ["The manifest was signed with a key that is not the archived profile's."]
    return []


# --- import ----------------------------------------------------------------------------


def check_empty(ws: Workspace) -> None:
    """Import only into a vault without records: two vaults are never merged."""
    held = ws.vault.count()
    if held:
        raise RefusedError(
            f"This vault already holds records ({held}); nothing was imported. An archive "
            "goes into a new, empty vault: create one with 'noteapp init' and import into it "
            "before anything else."
        )


def import_archive(ws: Workspace, path: Path, *, passphrase: str) -> ArchiveSummary:
    """Bring an archive into this new, empty vault, in one transaction.

    The vault's own audit entries (its creation and unlocks) give way to the archive's log,
    which continues unbroken; they are kept in the detail of the `archive-import` entry.
    The workspace's services must be rebuilt afterwards (close and unlock again).
    """
    check_empty(ws)
    contents = _open(path, passphrase)
    if not contents.ok:
        raise ArchiveDamagedError("Nothing was imported: " + " ".join(contents.problems))
    records = _parse_records(contents)
    entries = _parse_audit(contents)
    problems = _chain_problems(entries) + _signer_problems(contents, records)
    if problems:
        raise ArchiveDamagedError("Nothing was imported: " + " ".join(problems))
    own, unreadable = ws.audit.read()
    if unreadable:
        raise CheckFailedError("This vault's audit log cannot be read; nothing was imported.")
    with ws.vault.transaction():
        check_empty(ws)
        # Older versions first, then every latest version in the archive's order: each
        # kind's records come back in the order the source vault listed them.
        for r in records:
            for n, data in enumerate(r.versions[:-1], start=1):
                _put(ws, r, n, data)
        for r in records:
            _put(ws, r, len(r.versions), r.versions[-1])
        ws.audit.replace_log(entries)
        ws.audit.record(
            "archive-import",
            detail={
                "records": len(records),
                "source_vault": str(contents.manifest.get("source_vault", "")),
                "archive_created": str(contents.manifest.get("created", "")),
                "replaced": [{"action": e.action, "time": e.time} for e in own],
            },
        )
    return _summary(contents, records, len(entries))


def _put(ws: Workspace, r: _Record, version: int, data: dict[str, Any]) -> None:
    try:
        stored = ws.vault.put(r.kind, r.id, data)
    except InvalidInputError:
        raise ArchiveDamagedError(
            f"The record {r.kind}/{r.id[:8]} in the archive cannot be stored."
        ) from None
    if stored != version:
        raise ArchiveDamagedError(f"The archive holds {r.kind}/{r.id[:8]} twice.")


def archive_json(summary: ArchiveSummary) -> dict[str, Any]:
    return asdict(summary)


__all__ = [
    "ArchiveDamagedError",
    "ArchiveReport",
    "ArchiveSummary",
    "check_archive_passphrase",
    "check_empty",
    "export_archive",
    "import_archive",
    "verify_archive",
]
