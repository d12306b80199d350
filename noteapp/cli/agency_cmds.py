"""`noteapp agency …` and `noteapp sync`: the agency's shared caseload on PostgreSQL
(docs/agency.md). The server comes from NOTEAPP_AGENCY_URL or the libpq environment and
service files; a password never comes from an argument. Services are imported lazily."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from noteapp.services.sync import SyncReport

ROLES = ["clinician", "supervisor"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(
        subparsers, "agency", "the agency's shared, end-to-end-encrypted caseload (PostgreSQL)"
    )
    init = common.add_command(
        group,
        CommandSpec(
            "init",
            "create the agency on the server (you become its administrator), or upgrade its "
            "schema; prints the agency id",
            run_init,
        ),
    )
    init.add_argument(
        "--recovery-key-file",
        type=Path,
        metavar="FILE",
        help="a new file for the agency recovery key (keep it offline); needed to create",
    )
    msub = common.add_group(group, "member", "the agency's members (administrator)")
    add = common.add_command(
        msub,
        CommandSpec("add", "a login for a new member; prints their member id", run_member_add),
    )
    add.add_argument("--login", required=True, metavar="L", help="their PostgreSQL login name")
    how = add.add_mutually_exclusive_group(required=True)
    how.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="write a new random password for the login to this new file (owner-only)",
    )
    how.add_argument(
        "--no-password",
        action="store_true",
        help="no password (the server authenticates them otherwise: certificates, peer)",
    )
    lst = common.add_command(msub, CommandSpec("list", "the agency's members", run_member_list))
    common.add_json_flag(lst)
    certify = common.add_command(
        msub,
        CommandSpec(
            "certify",
            "certify a member's keys after comparing their fingerprint with them",
            run_member_certify,
        ),
    )
    certify.add_argument("member", metavar="MEMBER", help="login or member id")
    certify.add_argument(
        "--fingerprint", required=True, metavar="FP", help="the fingerprint they read to you"
    )
    common.add_json_flag(certify)
    remove = common.add_command(
        msub,
        CommandSpec(
            "remove",
            "remove a member: no more access, new keys for the charts they could read",
            run_member_remove,
        ),
    )
    remove.add_argument("member", metavar="MEMBER", help="login or member id")
    common.add_json_flag(remove)
    join = common.add_command(
        group,
        CommandSpec("join", "join the agency from this vault; prints your member id", run_join),
    )
    join.add_argument(
        "--admin-fingerprint",
        required=True,
        metavar="FP",
        help="the administrator's key fingerprint, as they told you",
    )
    join.add_argument(
        "--share-psychotherapy-notes",
        action="store_true",
        help="also share your psychotherapy (process) notes with the charts' members",
    )
    assign = common.add_command(
        group, CommandSpec("assign", "assign a client to a member (administrator)", run_assign)
    )
    assign.add_argument("--client", required=True, metavar="ID", help="client id (or code here)")
    assign.add_argument("--member", required=True, metavar="M", help="login or member id")
    assign.add_argument("--role", choices=ROLES, default="clinician")
    unassign = common.add_command(
        group,
        CommandSpec("unassign", "take a client from a member (administrator)", run_unassign),
    )
    unassign.add_argument("--client", required=True, metavar="ID")
    unassign.add_argument("--member", required=True, metavar="M")
    status = common.add_command(
        group, CommandSpec("status", "this vault's membership, charts and last sync", run_status)
    )
    status.add_argument("--offline", action="store_true", help="do not ask the server")
    common.add_json_flag(status)
    audit = common.add_command(
        group,
        CommandSpec(
            "audit", "who pulled or pushed what, and each device's log (administrator)", run_audit
        ),
    )
    common.add_json_flag(audit)
    conflicts = common.add_command(
        group, CommandSpec("conflicts", "what sync kept both versions of", run_conflicts)
    )
    conflicts.add_argument("--dismiss", metavar="N", help="you have looked at conflict N")
    common.add_json_flag(conflicts)
    share = common.add_command(
        group,
        CommandSpec(
            "share-psychotherapy",
            "whether your psychotherapy notes travel to your charts' members",
            run_share,
        ),
    )
    share.add_argument("choice", choices=["on", "off"])
    recover = common.add_command(
        group,
        CommandSpec(
            "recover",
            "with the agency recovery key: give assigned members the older keys of their charts",
            run_recover,
        ),
    )
    recover.add_argument("--recovery-key-file", type=Path, required=True, metavar="FILE")
    sync = common.add_command(
        subparsers,
        CommandSpec(
            "sync",
            "pull and push this vault's agency charts; exit 1 if anything was refused",
            run_sync,
        ),
    )
    common.add_json_flag(sync)


def run_init(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        if ws.agency.membership() is None and args.recovery_key_file is None:
            raise InvalidInputError(
                "Creating an agency writes its recovery key: give --recovery-key-file FILE "
                "(a new file; keep it offline)."
            )
        info, applied = ws.agency.init(recovery_key_file=args.recovery_key_file or Path())
    common.out(info.agency_id)
    common.info(
        f"Schema migrations applied: {', '.join(map(str, applied)) or 'none (up to date)'}. "
        f"Your administrator key's fingerprint (members compare it when joining): "
        f"{info.admin_fingerprint}"
    )
    return 0


def run_member_add(args: argparse.Namespace) -> int:
    password = None if args.no_password else secrets.token_urlsafe(18)
    if password is not None and args.password_file.exists():
        raise InvalidInputError("A file already exists there; choose another name.")
    with common.unlocked(args) as ws:
        new = ws.agency.add_member(login=args.login, password=password)
    if password is not None:
        common.write_private_file(
            args.password_file,
            f"# PostgreSQL password of the login {new.login}: give it to them privately;\n"
            f"# they keep it in ~/.pgpass (or a service file), never on a command line.\n"
            f"{password}\n",
        )
    common.out(new.member_id)
    common.info(f"Added {new.login}. They join from their vault: noteapp agency join.")
    return 0


def _member_json(m: Any) -> dict[str, Any]:
    return {
        "member_id": m.member_id,
        "login": m.login,
        "name": m.name or None,
        "credentials": m.credentials or None,
        "fingerprint": m.fingerprint or None,
        "status": m.status,
        "admin": m.admin,
    }


def run_member_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        members = ws.agency.members()
    if args.json:
        common.emit_json([_member_json(m) for m in members])
        return 0
    rows = [
        [m.login, m.name, m.status + (" (admin)" if m.admin else ""), m.fingerprint, m.member_id]
        for m in members
    ]
    common.out(common.table(["LOGIN", "NAME", "STATUS", "FINGERPRINT", "ID"], rows))
    return 0


def run_member_certify(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        member = ws.agency.certify(args.member, fingerprint=args.fingerprint)
    if args.json:
        common.emit_json(_member_json(member))
    else:
        common.info(f"Certified {member.login} ({member.name}), key {member.fingerprint}.")
    return 0


def run_member_remove(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        charts = ws.agency_charts.remove_member(args.member)
    if args.json:
        common.emit_json({"member": args.member, "charts_rekeyed": len(charts)})
    else:
        common.info(
            f"Removed. {len(charts)} chart(s) have new keys; what the member synced before "
            "stays on their device."
        )
    return 0


def run_join(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        m = ws.agency.join(
            admin_fingerprint=args.admin_fingerprint,
            share_psychotherapy=args.share_psychotherapy_notes,
        )
        profile = ws.profile.get()
    common.out(m.member_id)
    if profile is not None:
        common.info(
            f"Joined as {m.login}. Read this fingerprint to your administrator, who certifies "
            f"it: {profile.fingerprint}"
        )
    return 0


def run_assign(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        epoch = ws.agency_charts.assign(client=args.client, member=args.member, role=args.role)
    common.info(f"Assigned ({args.role}); the chart's key epoch is now {epoch}.")
    return 0


def run_unassign(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        epoch = ws.agency_charts.unassign(client=args.client, member=args.member)
    common.info(f"Unassigned; the chart has a new key (epoch {epoch}).")
    return 0


def run_status(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        status = ws.sync.status(probe=not args.offline)
    if args.json:
        common.emit_json(status.to_json())
        return 0
    if not status.joined:
        common.out("Not part of an agency (noteapp agency join, or agency init).")
        return 0
    server = {True: "reachable", False: f"not reachable — {status.server_error}", None: "not asked"}
    lines = [
        f"Agency {status.agency_id} · member {status.login} ({status.member_id})"
        + (" · administrator" if status.admin else ""),
        f"Your key: {status.fingerprint}" + (
            "" if status.certified is None else " (certified)" if status.certified
            else " (not certified yet: read it to your administrator)"
        ),
        f"Administrator key: {status.admin_fingerprint}",
        f"Server: {server[status.reachable]}",
        f"Last sync: {status.last_sync or 'never'}"
        + (f" · last problem: {status.last_error}" if status.last_error else ""),
        f"Psychotherapy notes shared: {'yes' if status.share_psychotherapy else 'no'}",
    ]  # fmt: skip
    common.out("\n".join(lines))
    if status.charts:
        rows = [
            [c.client_code or c.client_id[:8], c.role or "(no longer assigned)", str(c.seq),
             str(c.epoch), str(c.conflicts)]
            for c in status.charts
        ]  # fmt: skip
        common.out(common.table(["CLIENT", "ROLE", "VERSIONS", "EPOCH", "CONFLICTS"], rows))
    return 0


def run_audit(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        audit = ws.agency_charts.audit()
    for problem in audit.problems:
        common.warn(problem)
    if args.json:
        common.emit_json(
            {
                "access": [
                    {
                        "at": a.at.isoformat(), "login": a.login, "member": a.member_id or None,
                        "action": a.action, "chart": a.chart_id or None,
                        "first_seq": a.first_seq, "last_seq": a.last_seq, "count": a.count,
                    }
                    for a in audit.access
                ],
                "devices": [
                    {"member": d.member_id, "login": d.login, "device": d.device, **d.entry}
                    for d in audit.devices
                ],
            }
        )  # fmt: skip
        return 1 if audit.problems else 0
    common.out(
        common.table(
            ["TIME", "LOGIN", "ACTION", "CHART", "VERSIONS"],
            [
                [a.at.strftime("%Y-%m-%d %H:%M:%S"), a.login, a.action, a.chart_id[:8],
                 f"{a.first_seq + (a.action == 'pull')}–{a.last_seq} ({a.count})"]
                for a in audit.access
            ],
        )
    )  # fmt: skip
    if audit.devices:
        common.out("")
        common.out(
            common.table(
                ["LOGIN", "DEVICE", "SEQ", "TIME", "ACTION", "RECORD"],
                [
                    [d.login, d.device[:8], str(d.entry.get("seq", "")),
                     str(d.entry.get("time", "")), str(d.entry.get("action", "")),
                     f"{d.entry.get('kind', '')} {str(d.entry.get('record_id', ''))[:8]}".strip()]
                    for d in audit.devices
                ],
            )
        )  # fmt: skip
    return 1 if audit.problems else 0


def run_conflicts(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        if args.dismiss:
            ws.sync.dismiss_conflict(args.dismiss)
            common.info("Dismissed; both versions stay in the record's history.")
            return 0
        found = ws.sync.conflicts()
    if args.json:
        common.emit_json(found)
        return 0
    if not found:
        common.out("No conflicts.")
    from noteapp.services.sync_status import conflict_sentence

    for c in found:
        common.out(f"{c['number']}  {c['kind']} {str(c['id'])[:8]}: {conflict_sentence(c)}.")
    return 0


def run_share(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        ws.agency.set_share_psychotherapy(args.choice == "on")
    common.info(
        "Your psychotherapy notes now travel to your charts' members at each sync."
        if args.choice == "on"
        else "Your psychotherapy notes stay on this device (those already shared stay shared)."
    )
    return 0


def run_recover(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        shared = ws.agency_charts.recover(args.recovery_key_file)
    common.info(f"{shared} chart key(s) shared with assigned members.")
    return 0


def report_json(report: SyncReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "pulled": report.pulled,
        "written": report.written,
        "pushed": report.pushed,
        "charts": report.charts,
        "keys_shared": report.keys_shared,
        "audit_sent": report.audit_sent,
        "conflicts": report.conflicts,
        "refused": report.refused,
        "failed": report.failed,
        "waiting": report.waiting,
    }


def run_sync(args: argparse.Namespace) -> int:
    def progress(phase: str, done: int, total: int) -> None:
        if sys.stderr.isatty() and total:
            print(f"\rnoteapp: {phase} {done}/{total}", end="", file=sys.stderr, flush=True)

    with common.unlocked(args) as ws:
        report = ws.sync.sync(progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for line in report.failed + report.refused:
        common.warn(line)
    for line in dict.fromkeys(report.waiting):
        common.info(line)
    if args.json:
        common.emit_json(report_json(report))
    else:
        common.info(
            f"Synced {report.charts} chart(s): {report.pulled} version(s) pulled "
            f"({report.written} written here), {report.pushed} pushed"
            + (f", {len(report.conflicts)} conflict(s) — noteapp agency conflicts"
               if report.conflicts else "")
            + "."
        )  # fmt: skip
    return 0 if report.ok else 1
