"""Reading an archive back: verify it without any vault, and import it into a new, empty
vault in one transaction (the other half of services/archive.py; see docs/archive.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from noteapp.domain.errors import CheckFailedError, InvalidInputError, RefusedError
from noteapp.services.archive_checks import content_problems, trial_open
from noteapp.services.archive_container import (
    MAX_HEADER_BYTES,
    MAX_PLAINTEXT_BYTES,
    ArchiveDamagedError,
    open_container,
)
from noteapp.services.archive_layout import (
    AUDIT,
    AUDIT_FIELDS,
    AUDIT_FORMAT,
    RECORD_FORMAT,
    ArchiveContents,
    ArchiveRecord,
    ArchiveReport,
    ArchiveSummary,
    load_json,
    read_archive,
    record_path,
)
from noteapp.services.summaries import LAYOUT
from noteapp.services.workspace import Workspace
from noteapp.vault.audit import AuditEntry, first_broken
from noteapp.vault.migrate import Placement


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


def _parse_records(contents: ArchiveContents) -> list[ArchiveRecord]:
    """The records in manifest order, each checked against its file (strict)."""
    out: list[ArchiveRecord] = []
    seen: set[str] = set()
    for entry in contents.manifest["records"]:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), t) for k, t in (("kind", str), ("id", str), ("versions", int))
        ):
            raise ArchiveDamagedError("The manifest lists a record it cannot describe.")
        path = record_path(entry["kind"], entry["id"])
        # A record listed twice passed verify and then stopped the import with "changed
        # elsewhere (another noteapp window)": the wrong cause, found only halfway through.
        if path in seen:
            raise ArchiveDamagedError(f"The manifest lists {path} twice.")
        seen.add(path)
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
        out.append(ArchiveRecord(entry["kind"], entry["id"], tuple(v["data"] for v in versions)))
    return out


def _parse_audit(contents: ArchiveContents) -> list[AuditEntry]:
    raw = contents.files.get(AUDIT)
    if raw is None:
        raise ArchiveDamagedError("The archive holds no audit log.")
    d = load_json(raw, AUDIT)
    entries = d.get("entries") if isinstance(d, dict) else None
    if not isinstance(d, dict) or d.get("format") != AUDIT_FORMAT or not isinstance(entries, list):
        raise ArchiveDamagedError("The archive's audit log is malformed.")
    # Each field of the type the vault's log holds: the chain is only a hash over whatever
    # the signer wrote, so it cannot vouch for the shape (an entry with a list for its
    # action and a number for its time imported cleanly before).
    if not all(isinstance(e, dict) and _entry_shape_ok(e) for e in entries):
        raise ArchiveDamagedError("The archive's audit log is malformed.")
    return [AuditEntry(**{k: e[k] for k in AUDIT_FIELDS}) for e in entries]


def _entry_shape_ok(e: dict[str, Any]) -> bool:
    texts = ("time", "action", "kind", "record_id", "prev", "hash")
    return (
        set(e) == set(AUDIT_FIELDS)
        and type(e["seq"]) is int
        and all(isinstance(e[k], str) for k in texts)
        and isinstance(e["detail"], dict)
    )


def _summary(contents: ArchiveContents, records: list[ArchiveRecord], audit: int) -> ArchiveSummary:
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
    problems += content_problems(records)
    return ArchiveReport(_summary(contents, records, len(entries)), tuple(problems))


def _chain_problems(entries: list[AuditEntry]) -> list[str]:
    broken = first_broken(entries)
    return [] if broken is None else [f"The audit log in the archive is broken at entry {broken}."]


def _signer_problems(contents: ArchiveContents, records: list[ArchiveRecord]) -> list[str]:
    """The manifest's signer must be the profile the archive carries (identity from signed
    bytes: the manifest is signed, and the profile record is hashed in it)."""
    profiles = [r for r in records if r.kind == "profile"]
    key = str(contents.signer.get("public_key", ""))
    if not profiles:
        # noteapp exports only with a profile: without one, nothing ties the key to anyone.
        return ["The archive holds no profile, so nothing ties its signer's key to a clinician."]
    if str(profiles[0].versions[-1].get("public_key", "")) != key:
        return ["The manifest was signed with a key that is not the archived profile's."]
    return []


# --- import ----------------------------------------------------------------------------


def check_empty(ws: Workspace) -> None:
    """Import only into a vault without records: two vaults are never merged."""
    held = ws._vault.count()
    if held:
        raise RefusedError(
            f"This vault already holds records ({held}); nothing was imported. An archive "
            "goes into a new, empty vault: create one with 'noteapp init' and import into it "
            "before anything else."
        )


def _move_emergency_contacts(ws: Workspace) -> None:
    """An older noteapp's archive holds each client's single emergency contact inside the
    client: it joins the contact list here, in the import's transaction (as a format-1
    vault's does when upgraded), with services made on the imported records."""
    from noteapp.services.workspace import Workspace

    fresh = Workspace.build(ws._vault, paths=ws.paths, clock=ws.clock)
    fresh.contacts.migrate_emergency_contacts()


def import_archive(ws: Workspace, path: Path, *, passphrase: str) -> ArchiveSummary:
    """Bring an archive into this new, empty vault, in one transaction.

    The vault's own audit entries (its creation and unlocks) give way to the archive's log,
    which continues unbroken; they are kept in the detail of the `archive-import` entry.
    The workspace's services must be rebuilt afterwards (close and unlock again).
    """
    check_empty(ws)
    try:
        contents = _open(path, passphrase)
        if not contents.ok:
            raise ArchiveDamagedError(" ".join(contents.problems))
        records = _parse_records(contents)
        entries = _parse_audit(contents)
    except ArchiveDamagedError as exc:
        raise ArchiveDamagedError(f"Nothing was imported: {exc}") from None
    problems = (
        _chain_problems(entries) + _signer_problems(contents, records) + content_problems(records)
    )
    if problems:
        raise ArchiveDamagedError("Nothing was imported: " + " ".join(problems))
    own, unreadable = ws.audit.read()
    if unreadable:
        raise CheckFailedError("This vault's audit log cannot be read; nothing was imported.")
    placed = _placements(records)
    with ws._vault.transaction():
        check_empty(ws)
        # Older versions first, then every latest version in the archive's order: each
        # kind's records come back in the order the source vault listed them, grouped with
        # their client and with their summaries, as the services write them.
        for r in records:
            for n, data in enumerate(r.versions[:-1], start=1):
                _put(ws, r, n, data, placed[(r.kind, r.id)].owner, None)
        for r in records:
            where = placed[(r.kind, r.id)]
            _put(ws, r, len(r.versions), r.versions[-1], where.owner, where.summary)
        ws.audit.replace_log(entries)
        trial_open(ws._vault, paths=ws.paths, clock=ws.clock)
        _move_emergency_contacts(ws)
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


def _placements(records: list[ArchiveRecord]) -> dict[tuple[str, str], Placement]:
    """Where each record goes (its client's group) and its summary, from its latest data."""
    owners: dict[str, str] = {}
    out: dict[tuple[str, str], Placement] = {}
    for r in sorted(records, key=lambda r: r.kind in LAYOUT.later):
        out[(r.kind, r.id)] = LAYOUT.place(r.kind, r.id, r.versions[-1], owners)
        owners[r.id] = out[(r.kind, r.id)].owner
    return out


def _put(
    ws: Workspace,
    r: ArchiveRecord,
    version: int,
    data: dict[str, Any],
    owner: str,
    summary: Any,
) -> None:
    try:
        stored = ws._vault.put(
            r.kind, r.id, data, owner=owner, summary=summary, expected_version=version - 1
        )
    except InvalidInputError:
        raise ArchiveDamagedError(
            f"The record {r.kind}/{r.id[:8]} in the archive cannot be stored."
        ) from None
    if stored != version:
        raise ArchiveDamagedError(f"The archive holds {r.kind}/{r.id[:8]} twice.")
