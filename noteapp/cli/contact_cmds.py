"""`noteapp contact …` and `noteapp release …`: a client's contacts and releases of
information (docs/contacts.md). Services are imported inside the run functions."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.cli.record_output import emit_list, emit_record
from noteapp.domain.contacts import ContactCategory
from noteapp.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from noteapp.domain.contacts import CareContact, Release
    from noteapp.services.workspace import Workspace

CATEGORIES = [c.value for c in ContactCategory]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(
        subparsers, "contact", "a client's contacts: family, collaterals, providers, agencies"
    )
    add = common.add_command(group, CommandSpec("add", "add a contact; prints its id", run_add))
    add.add_argument("--client", required=True, metavar="ID", help="client id or code")
    add.add_argument("--name", required=True, metavar="N")
    add.add_argument("--role", required=True, metavar="R", help="e.g. mother, psychiatrist")
    _details(add)
    lst = common.add_command(group, CommandSpec("list", "a client's contacts", run_list))
    lst.add_argument("--client", required=True, metavar="ID", help="client id or code")
    common.add_json_flag(lst)
    edit = common.add_command(group, CommandSpec("edit", "change a contact", run_edit))
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--name", metavar="N")
    edit.add_argument("--role", metavar="R")
    _details(edit)
    edit.add_argument(
        "--not-emergency", action="store_true", help="no longer the emergency contact"
    )
    remove = common.add_command(
        group,
        CommandSpec(
            "remove",
            "remove a contact (refused while a release or referral names it)",
            run_remove,
        ),
    )
    remove.add_argument("id", metavar="ID")

    rel = common.add_group(subparsers, "release", "releases of information")
    radd = common.add_command(
        rel, CommandSpec("add", "record a signed release; prints its id", run_release_add)
    )
    radd.add_argument("--client", required=True, metavar="ID", help="client id or code")
    radd.add_argument("--contact", required=True, metavar="CID", help="who may receive it")
    radd.add_argument("--information", required=True, metavar="TEXT", help="what may be released")
    radd.add_argument("--purpose", required=True, metavar="TEXT")
    radd.add_argument("--signed", required=True, metavar="YYYY-MM-DD", help="date signed")
    radd.add_argument("--from", dest="effective_from", metavar="YYYY-MM-DD", help="in effect from")
    radd.add_argument("--expires", metavar="YYYY-MM-DD", help="expiry date")
    radd.add_argument(
        "--expires-event", metavar="TEXT", help="or an expiry event, e.g. 'end of treatment'"
    )
    common.add_json_flag(radd)
    rlist = common.add_command(rel, CommandSpec("list", "a client's releases", run_release_list))
    rlist.add_argument("--client", required=True, metavar="ID", help="client id or code")
    common.add_json_flag(rlist)
    revoke = common.add_command(
        rel, CommandSpec("revoke", "record that a release was revoked", run_release_revoke)
    )
    revoke.add_argument("id", metavar="ID")
    revoke.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    revoke.add_argument("--reason", required=True, metavar="TEXT")
    common.add_json_flag(revoke)


def _details(p: argparse.ArgumentParser) -> None:
    p.add_argument("--category", choices=CATEGORIES, help="default for a new contact: other")
    p.add_argument("--organization", metavar="O")
    p.add_argument("--phone", metavar="P")
    p.add_argument("--email", metavar="E")
    p.add_argument("--address", metavar="A")
    p.add_argument("--notes", metavar="TEXT")
    p.add_argument("--emergency", action="store_true", help="the client's emergency contact")
    common.add_json_flag(p)


def contact_json(ws: Workspace, c: CareContact) -> dict[str, Any]:
    current = ws.contacts.current_release(c.id)
    return {
        "id": c.id,
        "client": c.client_id,
        "name": c.name,
        "role": c.role,
        "category": c.category.value,
        "organization": c.organization,
        "phone": c.phone,
        "email": c.email,
        "address": c.address,
        "emergency": c.emergency,
        "notes": c.notes,
        "release": current.id if current else None,
    }


def release_json(ws: Workspace, r: Release) -> dict[str, Any]:
    return {
        "id": r.id,
        "client": r.client_id,
        "contact": r.contact_id,
        "contact_name": ws.contacts.get(r.contact_id).name,
        "information": r.information,
        "purpose": r.purpose,
        "signed": r.signed_on.isoformat(),
        "effective_from": r.effective_from.isoformat(),
        "expires": r.expires_on.isoformat() if r.expires_on else None,
        "expiry_event": r.expiry_event or None,
        "status": ws.contacts.status(r).value,
        "revoked": r.revoked_on.isoformat() if r.revoked_on else None,
        "revoke_reason": r.revoke_reason or None,
    }


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    keys = ("name", "role", "category", "organization", "phone", "email", "address", "notes")
    changes = {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}
    if args.emergency:
        changes["emergency"] = True
    if getattr(args, "not_emergency", False):
        if args.emergency:
            raise InvalidInputError("Use either --emergency or --not-emergency, not both.")
        changes["emergency"] = False
    return changes


def run_add(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        contact = ws.contacts.add(client_id=args.client, **_changes(args))
        shown = contact_json(ws, contact)
    return emit_record(args, shown, contact.id, new=True)


def run_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        contacts = ws.contacts.for_client(client.id)
        gaps = common.gaps_of(ws, "contact", client.id)
        shown = [contact_json(ws, c) for c in contacts]
    rows = [
        (
            ("EMERGENCY " if c["emergency"] else "") + c["category"],
            c["name"],
            c["role"] or "-",
            c["organization"] or "-",
            c["phone"] or "-",
            "yes" if c["release"] else "no",
            c["id"],
        )
        for c in shown
    ]
    headers = ("KIND", "NAME", "ROLE", "ORGANIZATION", "PHONE", "RELEASE", "ID")
    return emit_list(args, shown, headers, rows, empty="No contacts.", gaps=gaps)


def run_edit(args: argparse.Namespace) -> int:
    changes = _changes(args)
    if not changes:
        raise InvalidInputError("Nothing to change: give at least one option (see --help).")
    with common.unlocked(args) as ws:
        contact = ws.contacts.edit(args.id, **changes)
        shown = contact_json(ws, contact)
    return emit_record(args, shown, f"Updated contact {contact.id[:8]}.", new=False)


def run_remove(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        contact = ws.contacts.get(args.id)
        ws.contacts.remove(contact.id)
    common.info(f"Removed contact {contact.id[:8]}.")
    return 0


def run_release_add(args: argparse.Namespace) -> int:
    signed = common.parse_date(args.signed, "--signed date")
    assert signed is not None
    with common.unlocked(args) as ws:
        release = ws.contacts.add_release(
            client_id=args.client,
            contact_id=args.contact,
            information=args.information,
            purpose=args.purpose,
            signed_on=signed,
            effective_from=common.parse_date(args.effective_from, "--from date"),
            expires_on=common.parse_date(args.expires, "--expires date"),
            expiry_event=args.expires_event or "",
        )
        shown = release_json(ws, release)
    return emit_record(args, shown, release.id, new=True)


def run_release_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        shown = [release_json(ws, r) for r in ws.contacts.releases_for(client.id)]
        gaps = common.gaps_of(ws, "release", client.id)
    rows = [
        (
            r["status"].upper(),
            r["contact_name"],
            r["signed"],
            " or ".join(x for x in (r["expires"], r["expiry_event"]) if x),
            r["purpose"],
            r["id"],
        )
        for r in shown
    ]
    headers = ("STATUS", "TO", "SIGNED", "UNTIL", "PURPOSE", "ID")
    return emit_list(args, shown, headers, rows, empty="No releases of information.", gaps=gaps)


def run_release_revoke(args: argparse.Namespace) -> int:
    on = common.parse_date(args.date, "--date")
    assert on is not None
    with common.unlocked(args) as ws:
        release = ws.contacts.revoke_release(args.id, on=on, reason=args.reason)
        shown = release_json(ws, release)
    return emit_record(
        args, shown, f"Release {release.id[:8]} revoked as of {on.isoformat()}.", new=False
    )
