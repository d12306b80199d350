"""Archive commands: export (the whole vault, or a FHIR R4 Bundle), verify, import."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.display import visible
from noteapp.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from noteapp.services.archive_layout import ArchiveSummary

ARCHIVE_PASSPHRASE_ENV = "NOTEAPP_ARCHIVE_PASSPHRASE"  # noqa: S105 - a variable's name

EXPORT_EPILOG = """\
The archive holds every record with every version, the audit log, each signed note, plan
and safety plan as a .docx that 'noteapp verify' accepts, the JSON Schemas of the records,
and a manifest of every file's hash signed with your key. It is encrypted with a passphrase
of its own ($NOTEAPP_ARCHIVE_PASSPHRASE, else asked twice). docs/archive.md describes the
format and how to read it without noteapp.

--fhir writes a FHIR R4 Bundle instead (plain JSON, not encrypted: treat it like a chart
export): a Patient per client, Conditions, PHQ-9/GAD-7 Observations and
QuestionnaireResponses, and a DocumentReference per signed note.

examples:
  noteapp archive export --out /media/usb/practice-2026.noteapp-archive
  noteapp archive export --fhir /media/usb/practice.fhir.json
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(
        subparsers,
        "archive",
        "everything out in one file, and back into a new vault",
        description="The whole vault in one passphrase-encrypted, signed file (or a FHIR R4 "
        "Bundle), checked without a vault, and imported into a new, empty vault.",
    )
    export = common.add_command(
        group,
        CommandSpec(
            "export",
            "write the whole vault to one encrypted archive, or a FHIR bundle",
            run_export,
            epilog=EXPORT_EPILOG,
        ),
    )
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", metavar="FILE", type=Path, help="the new archive file")
    target.add_argument("--fhir", metavar="FILE.json", type=Path, help="a FHIR R4 Bundle")
    export.add_argument(
        "--include-psychotherapy",
        action="store_true",
        help="include psychotherapy notes (kept out by default)",
    )
    common.add_kdf_options(export, what="the archive passphrase")

    verify = common.add_command(
        group,
        CommandSpec(
            "verify",
            "check an archive (no vault needed); exit 1 if anything fails",
            run_verify,
            description="Decrypt an archive and check the manifest's signature, every file's "
            "hash, the records and the audit chain. Needs no vault; the archive passphrase "
            "comes from $NOTEAPP_ARCHIVE_PASSPHRASE or a prompt.",
        ),
    )
    verify.add_argument("file", metavar="FILE", type=Path, help="the archive")
    common.add_json_flag(verify)

    imp = common.add_command(
        group,
        CommandSpec(
            "import",
            "import an archive into this new, empty vault",
            run_import,
            description="Import an archive into a new, empty vault (refused, exit 2, if the "
            "vault holds any record). The profile and signing key come from the archive, so "
            "signed items still verify and new signatures use the same key.",
        ),
    )
    imp.add_argument("file", metavar="FILE", type=Path, help="the archive")
    common.add_json_flag(imp)


def read_archive_passphrase(*, confirm: bool) -> str:
    """$NOTEAPP_ARCHIVE_PASSPHRASE, else a prompt (twice for a new archive); never an
    argument."""
    value = os.environ.get(ARCHIVE_PASSPHRASE_ENV)
    if value:
        return value
    if not common.stdin_is_tty():
        raise InvalidInputError(f"no archive passphrase given: set {ARCHIVE_PASSPHRASE_ENV}")
    first = getpass.getpass("Archive passphrase: ")
    if confirm and getpass.getpass("Archive passphrase again: ") != first:
        raise InvalidInputError("The two archive passphrases differ; nothing was written.")
    return first


def _new_file(path: Path) -> None:
    # Checked before any passphrase is asked for, so nobody types one for nothing.
    if path.exists() or path.is_symlink():
        raise InvalidInputError(f"{path} already exists; choose a new file.")
    if not path.parent.is_dir():
        raise InvalidInputError(f"The folder {path.parent} does not exist.")


def _describe(s: ArchiveSummary) -> str:
    signer = visible(", ".join(x for x in (s.signer_name, s.signer_credentials) if x))
    psychotherapy = "with" if s.include_psychotherapy else "without"
    return (
        f"{s.records} records ({s.versions} versions), {s.exports} signed documents, "
        f"{s.audit_entries} audit entries, {psychotherapy} psychotherapy notes; made "
        f"{visible(s.created)}, signed by {signer}, key {visible(s.fingerprint)}."
    )


def run_export(args: argparse.Namespace) -> int:
    from noteapp.services import archive

    target: Path = args.out or args.fhir
    _new_file(target)
    if args.fhir is not None:
        return _export_fhir(args, target)
    params = common.kdf_from_args(args)
    with common.unlocked(args) as ws:
        passphrase = read_archive_passphrase(confirm=True)
        archive.check_archive_passphrase(passphrase)
        summary = archive.export_archive(
            ws,
            out=target,
            passphrase=passphrase,
            params=params,
            include_psychotherapy=args.include_psychotherapy,
        )
    common.out(str(target))
    common.info(f"Archive written: {_describe(summary)}")
    return 0


def _export_fhir(args: argparse.Namespace, target: Path) -> int:
    from noteapp.services.fhir import export_fhir

    with common.unlocked(args) as ws:
        counts = export_fhir(ws, out=target, include_psychotherapy=args.include_psychotherapy)
    common.out(str(target))
    common.info(
        "FHIR bundle written (plain JSON, not encrypted): "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
        + "."
    )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from noteapp.services.archive_import import verify_archive
    from noteapp.services.archive_layout import archive_json

    if not args.file.is_file():
        raise InvalidInputError(f"No archive at {args.file}.")
    report = verify_archive(args.file, passphrase=read_archive_passphrase(confirm=False))
    if args.json:
        common.emit_json(
            {
                "ok": report.ok,
                "problems": list(report.problems),
                "archive": archive_json(report.summary) if report.summary else None,
            }
        )
    elif report.ok and report.summary is not None:
        common.out(f"Archive intact: {_describe(report.summary)}")
    else:
        common.out(f"Archive FAILED verification: {visible(report.problems[0])}")
        for problem in report.problems[1:]:
            common.out(f"  also: {visible(problem)}")
    return 0 if report.ok else 1


def run_import(args: argparse.Namespace) -> int:
    from noteapp.services.archive_import import check_empty, import_archive
    from noteapp.services.archive_layout import archive_json

    if not args.file.is_file():
        raise InvalidInputError(f"No archive at {args.file}.")
    with common.unlocked(args) as ws:
        check_empty(ws)
        summary = import_archive(ws, args.file, passphrase=read_archive_passphrase(confirm=False))
    if args.json:
        common.emit_json(archive_json(summary))
    common.info(f"Imported: {_describe(summary)}")
    return 0
