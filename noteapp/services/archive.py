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
from noteapp.services.agency_local import CHART_STATE_KIND, MEMBERSHIP_KIND
from noteapp.services.archive_container import (
    ContainerWriter,
)
from noteapp.services.archive_layout import (
    AUDIT,
    AUDIT_FIELDS,
    AUDIT_FORMAT,
    MANIFEST_FORMAT,
    RECORD_FORMAT,
    ArchiveRecord,
    ArchiveSummary,
    ArchiveZipWriter,
    dump_json,
    export_path,
    record_path,
    schema_files,
)
from noteapp.services.search_blobs import DERIVED_KINDS
from noteapp.services.signing import ITEM_KIND
from noteapp.services.workspace import Workspace
from noteapp.vault.audit import AuditEntry
from noteapp.vault.store import COMPARTMENT_PREFIXES

MIN_ARCHIVE_PASSPHRASE = 8


def check_archive_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_ARCHIVE_PASSPHRASE:
        raise InvalidInputError(
            f"Choose an archive passphrase of at least {MIN_ARCHIVE_PASSPHRASE} characters."
        )


# --- export ----------------------------------------------------------------------------


DEVICE_KINDS = (MEMBERSHIP_KIND, CHART_STATE_KIND)


def _is_psychotherapy(kind: str) -> bool:
    return kind.startswith(COMPARTMENT_PREFIXES)


def _collect_records(ws: Workspace, include_psychotherapy: bool) -> list[ArchiveRecord]:
    """Every version of every record, kinds in name order, each kind in write order (import
    writes them back in this order, so lists keep their order). Fails closed: a damaged
    record stops the export rather than leaving it out."""
    out: list[ArchiveRecord] = []
    left_out: set[str] = set()
    # Derived kinds are rebuilt; this device's agency membership and sync state (its chart
    # keys among them) stay here: another vault joins the agency on its own, with its keys.
    for kind in sorted(set(ws._vault.kinds()) - set(DERIVED_KINDS) - set(DEVICE_KINDS)):
        result = ws._vault.load_kind(kind)
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
            history = ws._vault.history(kind, record.id)
            out.append(ArchiveRecord(kind, record.id, tuple(r.data for r in history)))
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
    with ws._vault.transaction():
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
            "source_vault": ws._vault.vault_id,
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
            try:
                _write_contents(
                    ws, ArchiveZipWriter(container), records, entries, documents, manifest
                )
            except BaseException:
                container.abort()
                raise
            container.finish()

        write_atomic(out, fill)
    return summary


def _write_contents(
    ws: Workspace,
    archive: ArchiveZipWriter,
    records: list[ArchiveRecord],
    entries: list[AuditEntry],
    documents: list[str],
    manifest: dict[str, Any],
) -> None:
    for r in records:
        archive.add(record_path(r.kind, r.id), _record_file(r))
    archive.add(AUDIT, _audit_file(entries))
    for record_id in documents:
        # The proof of a signed note, plan or safety plan, exactly as `noteapp export` writes it.
        archive.add(export_path(record_id), render_docx_bytes(ws.exports.plan_job(record_id)))
    for path, data in schema_files().items():
        archive.add(path, data)
    key = ws.profile.private_signing_key()
    try:
        archive.finish(manifest, key)
    finally:
        crypto.wipe(key)


def _record_file(r: ArchiveRecord) -> bytes:
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
            "entries": [{k: getattr(e, k) for k in AUDIT_FIELDS} for e in entries],
        }
    )
