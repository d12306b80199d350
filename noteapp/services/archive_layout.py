"""What is inside an archive: a zip of records, exports, schemas, the audit log and a
signed manifest; written and read here, with every resource bounded on read.

    manifest.json               what the archive holds: the records in order, every file's
                                SHA-256 and size, the signer (see docs/archive.md)
    manifest.sig                Ed25519 signature of SIGNATURE_PREFIX ‖ manifest.json
    records/<kind>/<id>.json    one record with every version, oldest first
    audit/log.json              the vault's hash-chained audit log, entries in order
    exports/<id>.docx           each signed note, plan or safety plan, as `noteapp verify`
                                accepts it
    schemas/<kind>.schema.json  the JSON Schema of each kind's record files
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from noteapp import crypto
from noteapp.services.archive_container import ArchiveDamagedError

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
AUDIT = "audit/log.json"
MANIFEST_FORMAT = "noteapp-archive/1"
RECORD_FORMAT = "noteapp-archive-record/1"
AUDIT_FORMAT = "noteapp-archive-audit/1"
SIGNATURE_PREFIX = b"noteapp-archive-manifest/1\x00"
AUDIT_FIELDS = ("seq", "time", "action", "kind", "record_id", "detail", "prev", "hash")
# Bounds on read: far above what a real practice produces, far below what hurts.
MAX_ENTRIES = 1_000_000
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_MANIFEST_TEXT = 1000  # a date, a vault id, a clinician's name and key: far less
_NAME = re.compile(
    r"^(manifest\.json|manifest\.sig|audit/log\.json"
    r"|records/[a-z0-9_.-]{1,40}/[A-Za-z0-9_.-]{1,80}\.json"
    r"|exports/[A-Za-z0-9_-]{1,80}\.docx|schemas/[a-z0-9_.-]{1,40}\.schema\.json)$"
)
_PACKAGE = Path(__file__).resolve().parents[1]
# A source checkout publishes the schemas in docs/schemas; an installed wheel carries a copy.
SCHEMA_DIR = next(
    (p for p in (_PACKAGE.parent / "docs" / "schemas", _PACKAGE / "_schemas") if p.is_dir()),
    _PACKAGE.parent / "docs" / "schemas",
)


def record_path(kind: str, record_id: str) -> str:
    return f"records/{kind}/{record_id}.json"


def export_path(record_id: str) -> str:
    return f"exports/{record_id}.docx"


def schema_files() -> dict[str, bytes]:
    """Archive path → bytes of every published record schema."""
    return {f"schemas/{p.name}": p.read_bytes() for p in sorted(SCHEMA_DIR.glob("*.schema.json"))}


def dump_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """Nesting depth, iteratively (a hostile document must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node
        if isinstance(node, dict | list):
            stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return deepest


def load_json(raw: bytes, where: str) -> Any:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ArchiveDamagedError(f"{where} in the archive is not readable JSON.") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ArchiveDamagedError(f"{where} in the archive is nested too deeply.")
    return value


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
class ArchiveRecord:
    """One record with every version's data, oldest first."""

    kind: str
    id: str
    versions: tuple[dict[str, Any], ...]


def archive_json(summary: ArchiveSummary) -> dict[str, Any]:
    return asdict(summary)


# --- writing ---------------------------------------------------------------------------


class ArchiveZipWriter:
    """Adds files to the zip and remembers each one's hash for the manifest."""

    def __init__(self, stream: Any) -> None:
        self._zip = zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED)
        self.files: list[dict[str, Any]] = []

    def add(self, path: str, data: bytes) -> None:
        if not _NAME.match(path):
            raise ValueError("unexpected archive path")
        self._zip.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data)
        if path not in (MANIFEST, SIGNATURE):
            digest = hashlib.sha256(data).hexdigest()
            self.files.append({"path": path, "sha256": digest, "size": len(data)})

    def finish(self, manifest: dict[str, Any], private_key: bytearray) -> None:
        """The manifest (with every file's hash) and its signature come last."""
        raw = dump_json({**manifest, "files": self.files})
        self.add(MANIFEST, raw)
        self.add(SIGNATURE, crypto.sign(private_key, SIGNATURE_PREFIX + raw))
        self._zip.close()


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveContents:
    """A checked archive: its manifest, files and the problems found (empty when intact)."""

    manifest: dict[str, Any]
    files: dict[str, bytes]
    problems: tuple[str, ...] = ()
    signer: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_zip(plaintext: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(plaintext))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ArchiveDamagedError("The archive's contents are not a readable zip.") from None
    if len(infos) > MAX_ENTRIES:
        raise ArchiveDamagedError("The archive holds more files than noteapp ever writes.")
    files: dict[str, bytes] = {}
    total = 0
    for info in infos:
        name = info.filename
        if not _NAME.match(name) or name in files or info.is_dir():
            raise ArchiveDamagedError(f"The archive holds an unexpected file ({name[:80]!r}).")
        total += info.file_size
        if info.file_size > MAX_FILE_BYTES or total > 4 * len(plaintext) + MAX_FILE_BYTES:
            raise ArchiveDamagedError(f"{name} in the archive is larger than allowed.")
        try:
            # zipfile stops at the declared size and checks the CRC: no zip bomb gets past.
            with archive.open(info) as handle:
                files[name] = handle.read(MAX_FILE_BYTES + 1)
        # RuntimeError: an entry flagged as encrypted; NotImplementedError: unknown compression.
        except (
            zipfile.BadZipFile,
            ValueError,
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
        ):
            raise ArchiveDamagedError(f"{name} in the archive is damaged.") from None
    return files


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_MANIFEST_TEXT


def _check_manifest_shape(manifest: Any) -> dict[str, Any]:
    ok = (
        isinstance(manifest, dict)
        and manifest.get("format") == MANIFEST_FORMAT
        and isinstance(manifest.get("files"), list)
        and isinstance(manifest.get("records"), list)
        and isinstance(manifest.get("signer"), dict)
        # What is shown on verify and kept in the import's audit entry: text, bounded (a
        # forged manifest's megabytes of "source_vault" went into the audit log for good).
        and all(_short_text(manifest.get(k, "")) for k in ("created", "source_vault"))
        and all(_short_text(v) for v in manifest["signer"].values())
        and isinstance(manifest.get("include_psychotherapy", False), bool)
        and isinstance(manifest.get("exports", []), list)
        and all(
            isinstance(f, dict)
            and isinstance(f.get("path"), str)
            and isinstance(f.get("sha256"), str)
            and isinstance(f.get("size"), int)
            for f in manifest["files"]
        )
    )
    if not ok:
        raise ArchiveDamagedError("The archive's manifest is malformed.")
    return manifest  # type: ignore[no-any-return]


def read_archive(plaintext: bytes) -> ArchiveContents:
    """Check the signed manifest against every file; problems are collected, not raised,
    so a report can name all of them (a malformed archive still raises)."""
    files = _read_zip(plaintext)
    if MANIFEST not in files or SIGNATURE not in files:
        raise ArchiveDamagedError("The archive has no signed manifest.")
    manifest = _check_manifest_shape(load_json(files[MANIFEST], MANIFEST))
    signer = manifest["signer"]
    problems: list[str] = []
    try:
        public = bytes.fromhex(str(signer.get("public_key", "")))
    except ValueError:
        public = b""
    if len(public) != 32 or not crypto.verify_signature(
        public, files[SIGNATURE], SIGNATURE_PREFIX + files[MANIFEST]
    ):
        problems.append("The manifest's signature does not verify: the manifest was altered.")
    elif signer.get("fingerprint") != crypto.key_fingerprint(public):
        problems.append("The manifest names a fingerprint that does not match its key.")
    listed = {str(f["path"]): f for f in manifest["files"]}
    for path, entry in listed.items():
        data = files.get(path)
        if data is None:
            problems.append(f"{path} is listed in the manifest but missing.")
        elif len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"{path} does not match its hash in the manifest: it was changed.")
    for path in sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE}):
        problems.append(f"{path} is in the archive but not in the manifest: it was added.")
    return ArchiveContents(manifest, files, tuple(problems), signer)
