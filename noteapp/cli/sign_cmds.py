"""`noteapp note sign`, `note addendum`, `export`, `verify`, `keys …`, `review …`."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common, measure_cmds
from noteapp.cli.common import CommandSpec
from noteapp.domain.display import visible
from noteapp.domain.errors import InvalidInputError
from noteapp.services.paths import resolve_vault_path

if TYPE_CHECKING:
    from noteapp.domain.signatures import TrustedKey
    from noteapp.services.trust import TrustWarning
    from noteapp.services.verification import SignerReport, VerificationReport

CORRECTION_KINDS = ["addendum", "amendment", "late-entry"]


def register_note_commands(group: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = common.add_command(
        group,
        CommandSpec("sign", "sign and lock a note; exit 1 if the checklist blocks it", run_sign),
    )
    sign.add_argument("id", metavar="ID")
    sign.add_argument("--attestation", metavar="TEXT", help="the statement you sign with")
    sign.add_argument(
        "--override-reason",
        metavar="TEXT",
        help="sign past an open measure risk flag (only that rule); the reason is kept and audited",
    )
    measure_cmds.register_note_commands(group)  # `note risk` (structured risk assessment)
    add = common.add_command(
        group,
        CommandSpec(
            "addendum", "add a signed correction to a signed note; prints its id", run_addendum
        ),
    )
    add.add_argument("id", metavar="ID")
    add.add_argument("--kind", choices=CORRECTION_KINDS, default="addendum")
    add.add_argument("--text", required=True, metavar="TEXT")
    add.add_argument(
        "--reason", default="", metavar="TEXT", help="required for an amendment or a late entry"
    )
    add.add_argument("--date-of-service", metavar="DATE", help="late entry: the date it covers")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = common.add_command(
        subparsers,
        CommandSpec("export", "export a signed note, or a client's chart, to Word", run_export),
    )
    export.add_argument("note", nargs="?", metavar="NOTE_ID")
    export.add_argument("--client", metavar="ID", help="export this client's chart")
    export.add_argument("--from", dest="date_from", metavar="DATE")
    export.add_argument("--to", dest="date_to", metavar="DATE")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.docx")
    export.add_argument("--draft", action="store_true", help="allow a draft (marked DRAFT)")
    export.add_argument(
        "--include-psychotherapy",
        action="store_true",
        help="include psychotherapy notes in this one export",
    )
    export.add_argument(
        "--encrypt",
        action="store_true",
        help="password-protect (password from $NOTEAPP_EXPORT_PASSWORD or a prompt)",
    )
    export.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="a chart that would miss damaged records: write it anyway, marked INCOMPLETE "
        "with a page listing what is missing (exit 4 all the same)",
    )
    verify = common.add_command(
        subparsers,
        CommandSpec("verify", "verify a signed .docx; exit 1 if anything fails", run_verify),
    )
    verify.add_argument("file", type=Path, metavar="FILE.docx")
    common.add_json_flag(verify)
    verify.add_argument(
        "--require-trusted",
        action="store_true",
        help="also exit 1 unless every signer's key is trusted in the vault (--vault or "
        "$NOTEAPP_VAULT); without a vault no key is trusted",
    )

    keys = common.add_group(subparsers, "keys", "public keys for supervision")
    kexp = common.add_command(
        keys, CommandSpec("export", "write your public key to a file", run_keys_export)
    )
    kexp.add_argument("--out", required=True, type=Path, metavar="FILE")
    ktrust = common.add_command(
        keys, CommandSpec("trust", "trust a signer's public key file", run_keys_trust)
    )
    ktrust.add_argument("file", type=Path, metavar="FILE")
    ktrust.add_argument("--name", default="", metavar="NAME")
    klist = common.add_command(
        keys, CommandSpec("list", "trusted keys (and your own)", run_keys_list)
    )
    common.add_json_flag(klist)

    review = common.add_group(subparsers, "review", "the supervision round trip")
    cos = common.add_command(review, CommandSpec("cosign", "co-sign an exported note", run_cosign))
    cos.add_argument("file", type=Path, metavar="FILE.docx")
    cos.add_argument("--out", required=True, type=Path, metavar="FILE2.docx")
    cos.add_argument("--statement", default="", metavar="TEXT")
    ret = common.add_command(
        review, CommandSpec("return", "return a note with comments", run_return)
    )
    ret.add_argument("file", type=Path, metavar="FILE.docx")
    ret.add_argument("--out", required=True, type=Path, metavar="FILE2.docx")
    ret.add_argument("--comments", required=True, metavar="TEXT")
    imp = common.add_command(
        review, CommandSpec("import", "attach a co-signature or comments received back", run_import)
    )
    imp.add_argument("file", type=Path, metavar="FILE2.docx")


def _passphrase(args: argparse.Namespace) -> str | None:
    value = getattr(args, "unlock_passphrase", None)
    return value if isinstance(value, str) else None


def run_sign(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        note = ws.notes.get(args.id)
        kwargs: dict[str, Any] = {"passphrase": _passphrase(args)}
        if args.attestation is not None:
            kwargs["attestation"] = args.attestation
        if args.override_reason:
            kwargs["override_reason"] = args.override_reason
        item = ws.signing.sign_note(note.id, **kwargs)
    common.info(f"Signed and locked. Note hash {item.hash[:16]}, key {item.fingerprint}.")
    if args.override_reason and not item.payload.get("overrides"):
        common.info("Nothing needed an override; the reason was not recorded.")
    elif item.payload.get("overrides"):
        common.info("The override reason is kept in the signed note and the audit log.")
    return 0


def run_addendum(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        note = ws.notes.get(args.id)
        item = ws.signing.add_correction(
            note.id,
            kind=args.kind,
            text=args.text,
            reason=args.reason,
            date_of_service=common.parse_date(args.date_of_service, "date of service"),
            passphrase=_passphrase(args),
        )
    common.out(item.id)
    return 0


def run_export(args: argparse.Namespace) -> int:
    if bool(args.note) == bool(args.client):
        raise InvalidInputError("Name a note to export, or --client ID for a chart.")
    if args.out.exists():
        raise InvalidInputError(f"{args.out} exists already; choose another file name.")
    password = common.read_export_password() if args.encrypt else None
    with common.unlocked(args) as ws:
        if args.note:
            ws.exports.export_note(
                args.note,
                args.out,
                draft=args.draft,
                include_psychotherapy=args.include_psychotherapy,
                password=password,
            )
            gaps = []
        else:
            client = ws.clients.get(args.client)
            ws.exports.export_chart(
                client.id,
                args.out,
                date_from=common.parse_date(args.date_from, "--from date"),
                date_to=common.parse_date(args.date_to, "--to date"),
                include_psychotherapy=args.include_psychotherapy,
                password=password,
                allow_incomplete=args.allow_incomplete,
            )
            gaps = ws.damage.chart_gaps(client.id, include_psychotherapy=args.include_psychotherapy)
    common.info(f"Wrote {args.out}" + (" (password-protected)." if password else "."))
    if gaps:
        common.warn(
            f"The chart is INCOMPLETE and says so: {len(gaps)} damaged record(s) could not be "
            "included (listed on its page “What this chart is missing”)."
        )
    return common.damaged_exit(gaps)


def _signer_json(s: SignerReport, others: dict[tuple[str, str], list[str]]) -> dict[str, Any]:
    return {
        "role": s.role,
        "signer": s.name,
        "credentials": s.credentials,
        "fingerprint": s.fingerprint,
        "signed_at": s.signed_at,
        "trusted": s.trusted,
        "valid": s.valid,
        "problems": list(s.problems),
        "trusted_for_name": others.get((s.fingerprint, s.role), []),
    }


def report_json(
    report: VerificationReport,
    warnings: Sequence[TrustWarning] = (),
    *,
    refusal: str = "",
) -> dict[str, Any]:
    """The `verify --json` document (docs/cli.md); strings exactly as in the file.

    `refusal`: why --require-trusted did not accept a file that verifies (then `ok` is
    false, like the exit code, and the sentence is the last of `problems`)."""
    others = {(w.fingerprint, w.role): list(w.trusted_for_name) for w in warnings}
    return {
        "ok": report.ok and not refusal,
        "status": report.status.value,
        "summary": report.summary,
        "problems": [*report.problems, *([refusal] if refusal else [])],
        "all_trusted": report.all_trusted,
        "contents": None if report.contents is None else _signer_json(report.contents, others),
        "notes": [
            {
                "note_id": n.note_id,
                "title": n.title,
                "client_code": n.client_code,
                "reference": n.reference or None,
                "date_of_service": n.date_of_service,
                "signatures": [_signer_json(s, others) for s in n.signers],
            }
            for n in report.notes
        ],
    }


def _signer_line(s: SignerReport) -> str:
    trust = "trusted" if s.trusted else "not trusted"
    return f"{visible(s.signer)} · {visible(s.signed_at)} · key {visible(s.fingerprint)} ({trust})"


def print_report(
    report: VerificationReport, warnings: Sequence[TrustWarning] = (), *, refusal: str = ""
) -> None:
    """Text for people. Every value from the file is escaped on its own (`visible`), so a
    forged name can neither drive the terminal nor print a line of its own."""
    common.out(visible(report.summary))
    others = {(w.fingerprint, w.role): w for w in warnings}
    if report.contents is not None:
        common.out(f"  Contents listed by {_signer_line(report.contents)}")
    for n in report.notes:
        title = visible(n.title) or "Note"
        common.out(f"  {title} · {visible(n.subject)} · {visible(n.date_of_service)}")
        for s in n.signers:
            mark = "ok " if s.valid else "BAD"
            common.out(f"    [{mark}] {visible(s.role)}: {_signer_line(s)}")
            for p in s.problems:
                common.out(f"          {visible(p)}")
            warning = others.get((s.fingerprint, s.role))
            if warning is not None and warning.trusted_for_name:
                common.out(f"          ! {visible(warning.text)}")
    for p in report.problems:
        common.out(f"  ! {visible(p)}")
    if refusal:
        common.out(f"  ! {visible(refusal)}")


def _trusted_from_optional_vault(args: argparse.Namespace) -> list[TrustedKey] | None:
    """verify needs no vault; one given (and unlockable) supplies the trusted keys. None when
    there is no vault (no key is trusted then)."""
    explicit = getattr(args, "vault", None)
    if not explicit and not os.environ.get("NOTEAPP_VAULT"):
        return None
    if not resolve_vault_path(explicit).exists():
        return None
    with common.unlocked(args) as ws:
        return ws.review.trusted()


def trust_refusal(report: VerificationReport, keys: list[TrustedKey] | None) -> str:
    """Why --require-trusted does not accept a file that verifies ("" when it does)."""
    if not report.ok or report.all_trusted:
        return ""
    if keys is None:
        return (
            "Not accepted (--require-trusted): no vault was given, so no signer's key is "
            "trusted. Name the vault that holds your trusted keys with --vault or NOTEAPP_VAULT."
        )
    untrusted = {s.fingerprint for n in report.notes for s in n.signers if not s.trusted}
    return (
        f"Not accepted (--require-trusted): {len(untrusted)} signing key(s) in this file are "
        "not trusted in this vault. Compare the fingerprint with the signer and trust their "
        "key first (noteapp keys trust FILE)."
    )


def run_verify(args: argparse.Namespace) -> int:
    from noteapp.services.trust import trust_warnings
    from noteapp.services.verification import is_encrypted_file, verify_docx

    if not args.file.is_file():
        raise InvalidInputError(f"No file at {args.file}.")
    trusted = _trusted_from_optional_vault(args)
    password = None
    if is_encrypted_file(args.file):
        password = common.read_export_password(confirm=False)
    report = verify_docx(args.file, trusted_keys=trusted or [], password=password)
    warnings = trust_warnings(report, trusted or [])
    refusal = trust_refusal(report, trusted) if args.require_trusted else ""
    if args.json:
        common.emit_json(report_json(report, warnings, refusal=refusal))
    else:
        print_report(report, warnings, refusal=refusal)
    return 0 if report.ok and not refusal else 1


def run_keys_export(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        ws.signing.export_public_key(args.out)
        fp = ws.profile.get()
    common.info(f"Wrote {args.out}. Fingerprint: {fp.fingerprint if fp else ''}")
    return 0


def run_keys_trust(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        key = ws.signing.trust_key_file(args.file, name=args.name)
    # Name and credentials come from the key file: each escaped on its own, so a newline in
    # them cannot print a confirmation naming someone else's fingerprint.
    common.info(
        f"Trusted {visible(key.name)} ({visible(key.credentials)}) · fingerprint "
        f"{key.fingerprint}. Compare it with the signer, e.g. by phone."
    )
    return 0


def run_keys_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        keys = ws.signing.trusted_keys()
        own = ws.profile.get()
    if args.json:
        common.emit_json(
            {
                "own": {"name": own.name, "fingerprint": own.fingerprint} if own else None,
                "trusted": [
                    {
                        "name": k.name,
                        "credentials": k.credentials,
                        "fingerprint": k.fingerprint,
                        "added_on": k.added_on,
                    }
                    for k in keys
                ],
            }
        )
        return 0
    if own:
        common.out(f"Your key: {own.fingerprint}  ({own.name})")
    rows = [(k.fingerprint, k.name, k.credentials, k.added_on) for k in keys]
    common.out(common.table(("FINGERPRINT", "NAME", "CREDENTIALS", "ADDED"), rows))
    return 0


def _file_password(path: Path) -> str | None:
    """The password of a protected export (NOTEAPP_EXPORT_PASSWORD or one prompt)."""
    from noteapp.services.verification import is_encrypted_file

    return common.read_export_password(confirm=False) if is_encrypted_file(path) else None


def _review_out(args: argparse.Namespace) -> None:
    if args.out.exists():
        raise InvalidInputError(f"{args.out} exists already; choose another file name.")


def run_cosign(args: argparse.Namespace) -> int:
    _review_out(args)
    password = _file_password(args.file)
    with common.unlocked(args) as ws:
        report = ws.review.cosign(
            args.file,
            args.out,
            statement=args.statement,
            passphrase=_passphrase(args),
            password=password,
        )
    common.info(f"Co-signed: wrote {args.out}. {visible(report.summary)}")
    return 0


def run_return(args: argparse.Namespace) -> int:
    _review_out(args)
    password = _file_password(args.file)
    with common.unlocked(args) as ws:
        report = ws.review.return_for_revision(
            args.file,
            args.out,
            comments=args.comments,
            passphrase=_passphrase(args),
            password=password,
        )
    common.info(f"Returned with comments: wrote {args.out}. {visible(report.summary)}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    password = _file_password(args.file)
    with common.unlocked(args) as ws:
        result = ws.review.import_reviewed(args.file, password=password)
    for item in result.attached:
        when = item.payload.get("signed_at_display") or item.signed_at
        name = visible(str(item.author.get("name", "")))
        common.out(f"{item.type.label}: {name} · {visible(str(when))}")
    common.info(
        f"Imported {len(result.attached)} review(s)"
        + (f"; {result.already_present} were already here." if result.already_present else ".")
    )
    return 0
