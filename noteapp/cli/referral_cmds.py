"""`noteapp referral …`: add, update the status, list (open, overdue), show, sign and export
the referral letter (docs/referrals.md)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.cli.record_output import add_export_options, emit_list, emit_record, export_signed
from noteapp.domain.document import document_plain_text
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.referrals import ReferralStatus

if TYPE_CHECKING:
    from noteapp.domain.referrals import Referral
    from noteapp.services.workspace import Workspace

STATUSES = [s.value for s in ReferralStatus]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "referral", "referrals, their follow-up and letters")
    add = common.add_command(group, CommandSpec("add", "add a referral; prints its id", run_add))
    add.add_argument("--client", required=True, metavar="ID", help="client id or code")
    to = add.add_mutually_exclusive_group(required=True)
    to.add_argument("--contact", metavar="CID", help="one of the client's contacts")
    to.add_argument("--to", metavar="NAME", help="or a name (a person or a service)")
    add.add_argument("--organization", metavar="O", help="with --to: their organization")
    add.add_argument("--reason", required=True, metavar="TEXT")
    add.add_argument("--sent", metavar="YYYY-MM-DD", help="date sent (default: today)")
    add.add_argument("--follow-up", metavar="YYYY-MM-DD", help="when to follow up")
    add.add_argument("--letter", metavar="TEXT", help="the body of the referral letter")
    common.add_json_flag(add)

    update = common.add_command(
        group, CommandSpec("update", "record a change of status (dated, with a note)", run_update)
    )
    update.add_argument("id", metavar="ID")
    update.add_argument("--status", required=True, choices=STATUSES)
    update.add_argument("--date", metavar="YYYY-MM-DD", help="when (default: today)")
    update.add_argument("--note", default="", metavar="TEXT")
    update.add_argument("--follow-up", metavar="YYYY-MM-DD", help="the next follow-up date")
    common.add_json_flag(update)

    lst = common.add_command(
        group, CommandSpec("list", "referrals, soonest follow-up first", run_list)
    )
    lst.add_argument("--client", metavar="ID", help="only this client's")
    lst.add_argument("--open", action="store_true", help="only those still awaited")
    lst.add_argument(
        "--overdue", action="store_true", help="only open ones past their follow-up date"
    )
    common.add_json_flag(lst)

    show = common.add_command(group, CommandSpec("show", "a referral and its letter", run_show))
    show.add_argument("id", metavar="ID")
    common.add_json_flag(show)

    sign = common.add_command(
        group, CommandSpec("sign", "sign the referral letter (it is then fixed)", run_sign)
    )
    sign.add_argument("id", metavar="ID")

    export = common.add_command(
        group,
        CommandSpec(
            "export",
            "the signed referral letter as Word (signs it first if needed); verifiable",
            run_export,
        ),
    )
    add_export_options(export)


def _passphrase(args: argparse.Namespace) -> str | None:
    value = getattr(args, "unlock_passphrase", None)
    return value if isinstance(value, str) else None


def referral_json(ws: Workspace, r: Referral, *, history: bool = False) -> dict[str, Any]:
    today = ws.clock.now().astimezone().date()
    recipient = ws.referrals.recipient(r)
    out: dict[str, Any] = {
        "id": r.id,
        "client": r.client_id,
        "client_code": ws.clients.get(r.client_id).code,
        "contact": r.contact_id or None,
        "to": recipient.name,
        "organization": recipient.organization,
        "reason": r.reason,
        "sent": r.sent_on.isoformat(),
        "status": r.status.value,
        "status_date": r.status_date.isoformat(),
        "follow_up": r.follow_up.isoformat() if r.follow_up else None,
        "open": r.is_open,
        "overdue": r.overdue(today),
        "letter_signed": r.letter_signed,
    }
    if history:
        out["letter"] = r.letter
        out["history"] = [
            {"status": c.status.value, "date": c.on.isoformat(), "note": c.note} for c in r.history
        ]
    return out


def run_add(args: argparse.Namespace) -> int:
    if args.organization and not args.to:
        raise InvalidInputError("--organization goes with --to (a contact has its own).")
    with common.unlocked(args) as ws:
        referral = ws.referrals.add(
            client_id=args.client,
            contact_id=args.contact or "",
            to_name=args.to or "",
            to_organization=args.organization or "",
            reason=args.reason,
            sent_on=common.parse_date(args.sent, "--sent date"),
            follow_up=common.parse_date(args.follow_up, "--follow-up date"),
            letter=args.letter or "",
        )
        shown = referral_json(ws, referral)
    return emit_record(args, shown, referral.id, new=True)


def run_update(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        referral = ws.referrals.update_status(
            args.id,
            status=args.status,
            on=common.parse_date(args.date, "--date"),
            note=args.note,
            follow_up=common.parse_date(args.follow_up, "--follow-up date"),
        )
        shown = referral_json(ws, referral)
    return emit_record(
        args, shown, f"Referral {referral.id[:8]} is now {referral.status.label}.", new=False
    )


def run_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client_id = ws.clients.get(args.client).id if args.client else None
        found = ws.referrals.listing(
            client_id=client_id, open_only=args.open, overdue_only=args.overdue
        )
        shown = [referral_json(ws, r) for r in found]
        gaps = [
            r
            for r in ws.damage.records()
            if r.kind == "referral" and (client_id is None or r.concerns(client_id))
        ]
    rows = [
        (
            ("OVERDUE " if r["overdue"] else "") + r["status"],
            r["client_code"],
            ", ".join(x for x in (r["to"], r["organization"]) if x),
            r["sent"],
            r["follow_up"] or "-",
            r["id"],
        )
        for r in shown
    ]
    headers = ("STATUS", "CLIENT", "TO", "SENT", "FOLLOW UP", "ID")
    return emit_list(args, shown, headers, rows, empty="No referrals.", gaps=gaps)


def run_show(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        referral = ws.referrals.get(args.id)
        shown = referral_json(ws, referral, history=True)
        letter = document_plain_text(ws.referrals.letter(referral))
    if args.json:
        common.emit_json(shown)
        return 0
    state = "signed" if referral.letter_signed else "not signed yet"
    common.out(f"Referral {referral.id} · {referral.status.label} · letter {state}")
    for change in referral.history:
        note = f" — {change.note}" if change.note else ""
        common.out(f"  {change.on.isoformat()}  {change.status.label}{note}")
    common.out("")
    common.out(letter)
    return 0


def run_sign(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        item = ws.referrals.sign_letter(args.id, passphrase=_passphrase(args))
    common.info(f"Signed the referral letter. Hash {item.hash[:16]}, key {item.fingerprint}.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    def ready(ws: Workspace) -> str:
        referral = ws.referrals.get(args.id)
        if not referral.letter_signed:
            ws.referrals.sign_letter(referral.id, passphrase=_passphrase(args))
            common.info("Signed the referral letter.")
        return referral.id

    return export_signed(args, "referral", ready)
