"""Client commands: add, list, show, edit, discharge, reactivate, delete."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.clients import (
    Client,
    ClientStatus,
    Contact,
    Diagnosis,
    EmergencyContact,
    client_to_dict,
)
from noteapp.domain.display import visible
from noteapp.domain.errors import InvalidInputError, RecordIntegrityError
from noteapp.domain.ids import ClientId

ADD_EPILOG = """\
A diagnosis is an ICD-10-CM code, optionally followed by ':' and a description; give
several after one --diagnosis or repeat the option.

examples:
  noteapp client add --name "Jordan Avery" --dob 1990-04-12 --diagnosis F41.1
  noteapp client add --name "Riley Quimby" --code RQ-01 \\
      --diagnosis "F43.10:Post-traumatic stress disorder, unspecified" F32.1
"""
ID_HELP = "the client's id, or their code"
CSV_EPILOG = """\
columns (any order; only 'name' is required):
  id, code, name, preferred_name, dob, pronouns, phone, email, address,
  emergency_name, emergency_relationship, emergency_phone, diagnoses, status,
  admitted_on, discharged_on, discharge_reason
Dates are YYYY-MM-DD. diagnoses holds ICD-10-CM codes, each optionally followed by
': description', one per line in the cell (or separated by ';'). status is active or
discharged. An empty id or code gets a new one. 'noteapp client list --csv' writes these
columns, so a list exported from one vault imports into another.

examples:
  noteapp client import --csv clients.csv --check
  noteapp client list --csv > clients.csv
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "client", "add, list, show and manage clients")

    add = common.add_command(
        group, CommandSpec("add", "add a client; prints its id", run_add, epilog=ADD_EPILOG)
    )
    add.add_argument("--name", required=True, help="the client's full legal name")
    _add_detail_options(add)
    add.add_argument("--admitted", metavar="YYYY-MM-DD", help="admission date (default: today)")

    list_ = common.add_command(group, CommandSpec("list", "list clients", run_list))
    list_.add_argument(
        "--status",
        choices=["active", "discharged", "all"],
        default="all",
        help="which clients (default: all)",
    )
    list_.add_argument("--search", metavar="TEXT", default="", help="filter on name or code")
    list_format = list_.add_mutually_exclusive_group()
    list_format.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout instead of text"
    )
    list_format.add_argument(
        "--csv", action="store_true", help="print CSV with the columns 'client import' reads"
    )

    imp = common.add_command(
        group,
        CommandSpec(
            "import",
            "add clients from a CSV file; prints their ids",
            run_import,
            description="Add clients from a CSV file (UTF-8, a header row naming the columns). "
            "Every row is checked first; if any row has a problem, each is reported with its "
            "row number and nothing is imported (exit 2).",
            epilog=CSV_EPILOG,
        ),
    )
    imp.add_argument("--csv", metavar="FILE", type=Path, required=True, help="the CSV file")
    imp.add_argument("--check", action="store_true", help="only check the file; write nothing")

    show = common.add_command(group, CommandSpec("show", "show one client in full", run_show))
    show.add_argument("id", metavar="ID", help=ID_HELP)
    common.add_json_flag(show)

    edit = common.add_command(
        group,
        CommandSpec(
            "edit",
            "change a client's details (only the options given)",
            run_edit,
            description="Change a client's details; only the options given change. "
            "--diagnosis replaces the whole list of diagnoses.",
        ),
    )
    edit.add_argument("id", metavar="ID", help=ID_HELP)
    edit.add_argument("--name", help="the client's full legal name")
    _add_detail_options(edit)
    edit.add_argument("--no-diagnoses", action="store_true", help="remove every diagnosis")

    discharge = common.add_command(
        group, CommandSpec("discharge", "mark a client as discharged", run_discharge)
    )
    discharge.add_argument("id", metavar="ID", help=ID_HELP)
    discharge.add_argument("--date", metavar="YYYY-MM-DD", help="discharge date (default: today)")
    discharge.add_argument("--reason", default="", help="reason for discharge")

    reactivate = common.add_command(
        group, CommandSpec("reactivate", "make a discharged client active again", run_reactivate)
    )
    reactivate.add_argument("id", metavar="ID", help=ID_HELP)

    delete = common.add_command(
        group,
        CommandSpec(
            "delete",
            "delete a client for good (a backup is made first)",
            run_delete,
            description="Delete a client and every version of their record. --confirm must "
            "repeat the client's code; a backup snapshot is made first. Prefer 'discharge' "
            "for clients who simply ended treatment.",
        ),
    )
    delete.add_argument("id", metavar="ID", help=ID_HELP)
    delete.add_argument(
        "--confirm", metavar="CODE", required=True, help="the client's code, to confirm"
    )


def _add_detail_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dob", metavar="YYYY-MM-DD", help="date of birth")
    p.add_argument("--code", help="short code used instead of the name in file names")
    p.add_argument(
        "--diagnosis",
        metavar="ICD10",
        nargs="+",
        action="extend",
        help="ICD-10-CM code, optionally 'CODE:description' (repeatable)",
    )
    p.add_argument("--preferred-name", metavar="NAME", help="the name the client goes by")
    p.add_argument("--pronouns", help="e.g. they/them")
    p.add_argument("--phone", help="contact phone")
    p.add_argument("--email", help="contact e-mail")
    p.add_argument("--address", help="postal address")
    p.add_argument("--emergency-name", metavar="NAME", help="emergency contact's name")
    p.add_argument("--emergency-relationship", metavar="REL", help="e.g. partner, parent")
    p.add_argument("--emergency-phone", metavar="PHONE", help="emergency contact's phone")


def parse_diagnoses(values: list[str]) -> list[Diagnosis]:
    out = []
    for value in values:
        code, _, description = value.partition(":")
        out.append(Diagnosis.parse(code, description))
    return out


def _contact(args: argparse.Namespace, base: Contact) -> Contact:
    changes = {k: getattr(args, k) for k in ("phone", "email", "address")}
    return replace(base, **{k: v.strip() for k, v in changes.items() if v is not None})


def _emergency(args: argparse.Namespace, base: EmergencyContact) -> EmergencyContact:
    changes = {
        "name": args.emergency_name,
        "relationship": args.emergency_relationship,
        "phone": args.emergency_phone,
    }
    return replace(base, **{k: v.strip() for k, v in changes.items() if v is not None})


def client_json(c: Client) -> dict[str, Any]:
    return client_to_dict(c)


# The keys of client_json, for damaged entries of a list (null where nothing is known).
_CLIENT_KEYS = tuple(client_json(Client(id=ClientId(""), name="-", code="")).keys())


def _status_text(c: Client) -> str:
    if c.status == ClientStatus.DISCHARGED:
        when = c.discharged_on.isoformat() if c.discharged_on else "?"
        return f"discharged {when}"
    return "active"


# --- handlers --------------------------------------------------------------------------


def run_add(args: argparse.Namespace) -> int:
    dob = common.parse_date(args.dob, "date of birth")
    admitted = common.parse_date(args.admitted, "admission date")
    diagnoses = parse_diagnoses(args.diagnosis or [])
    with common.unlocked(args) as ws:
        client = ws.clients.add(
            name=args.name,
            dob=dob,
            code=args.code or "",
            preferred_name=args.preferred_name or "",
            pronouns=args.pronouns or "",
            contact=_contact(args, Contact()),
            emergency_contact=_emergency(args, EmergencyContact()),
            diagnoses=diagnoses,
            admitted_on=admitted,
        )
    common.out(client.id)
    return 0


def run_list(args: argparse.Namespace) -> int:
    status = None if args.status == "all" else ClientStatus(args.status)
    with common.unlocked(args) as ws:
        clients = ws.clients.list(status=status, text=args.search)
        # A damaged client stays in the list, marked: its name and status are unknown, so
        # it may be among the matches of any filter (only a known code can rule it out).
        needle = (args.search or "").casefold().strip()
        damaged = [
            r
            for r in ws.damage.clients()
            if not (needle and r.client_code and needle not in r.client_code.casefold())
        ]
        if args.csv:
            from noteapp.services.client_csv import clients_to_csv

            # The sound clients are written; the damaged ones are named on stderr (and the
            # exit code says the list is incomplete).
            sys.stdout.write(clients_to_csv(ws.contacts.with_emergency(c) for c in clients))
            return common.damaged_exit(damaged)
        if args.json:
            common.emit_json(
                [
                    common.damaged_entry(
                        ws,
                        r,
                        _CLIENT_KEYS,
                        id=r.record_id,
                        code=r.client_code or None,
                        status="damaged",
                    )
                    for r in damaged
                ]
                + [
                    {**client_json(ws.contacts.with_emergency(c)), "damaged": False}
                    for c in clients
                ]
            )
            return common.damaged_exit(damaged)
    if not clients and not damaged:
        common.info("No clients." if not args.search else "No clients match.")
        return 0
    rows = [
        (r.client_code or "?", "(damaged: cannot be read)", "?", "DAMAGED", r.record_id)
        for r in damaged
    ] + [
        (c.code, c.display_name, c.dob.isoformat() if c.dob else "-", c.status.value, c.id)
        for c in clients
    ]
    common.out(common.table(("CODE", "NAME", "DOB", "STATUS", "ID"), rows))
    return common.damaged_exit(damaged)


def run_show(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        try:
            client = ws.contacts.with_emergency(ws.clients.get(args.id))
        except RecordIntegrityError as err:
            return common.show_damaged(ws, err, as_json=args.json)
    if args.json:
        common.emit_json(client_json(client))
        return 0
    for line in describe(client):
        common.out(line)
    return 0


def describe(c: Client) -> list[str]:
    """The client as readable lines (empty details are left out)."""
    title = c.name + (f" (goes by {c.preferred_name})" if c.preferred_name else "")
    pairs = [
        ("Code", c.code),
        ("Id", c.id),
        ("Status", _status_text(c)),
        ("Date of birth", c.dob.isoformat() if c.dob else ""),
        ("Pronouns", c.pronouns),
        ("Admitted", c.admitted_on.isoformat() if c.admitted_on else ""),
        ("Discharge reason", c.discharge_reason),
        ("Phone", c.contact.phone),
        ("E-mail", c.contact.email),
        ("Address", c.contact.address),
    ]
    ec = c.emergency_contact
    if ec.name or ec.phone:
        rel = f" ({ec.relationship})" if ec.relationship else ""
        pairs.append(("Emergency", f"{ec.name}{rel}{', ' + ec.phone if ec.phone else ''}"))
    lines = [title]
    lines += [f"  {label + ':':<18}{value}" for label, value in pairs if value]
    lines.append("  Diagnoses:" if c.diagnoses else "  Diagnoses:        none recorded")
    for d in c.diagnoses:
        lines.append(f"    {d.code:<8} {d.description}".rstrip())
    return lines


def run_edit(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    if args.name is not None:
        changes["name"] = args.name
    if args.code is not None:
        changes["code"] = args.code
    if args.dob is not None:
        changes["dob"] = common.parse_date(args.dob, "date of birth")
    if args.preferred_name is not None:
        changes["preferred_name"] = args.preferred_name
    if args.pronouns is not None:
        changes["pronouns"] = args.pronouns
    if args.diagnosis and args.no_diagnoses:
        raise InvalidInputError("Use either --diagnosis or --no-diagnoses, not both.")
    if args.diagnosis:
        changes["diagnoses"] = parse_diagnoses(args.diagnosis)
    if args.no_diagnoses:
        changes["diagnoses"] = []
    contact_given = any(getattr(args, k) is not None for k in ("phone", "email", "address"))
    emergency_given = any(
        v is not None
        for v in (args.emergency_name, args.emergency_relationship, args.emergency_phone)
    )
    if not changes and not contact_given and not emergency_given:
        raise InvalidInputError("Nothing to change: give at least one option (see --help).")
    with common.unlocked(args) as ws:
        current = ws.clients.get(args.id)
        if contact_given:
            changes["contact"] = _contact(args, current.contact)
        if emergency_given:
            base = ws.contacts.emergency_contact(current.id)
            changes["emergency_contact"] = _emergency(args, base)
        updated = ws.clients.update(current.id, **changes)
    common.info(f"Updated client {updated.code}.")
    return 0


def run_discharge(args: argparse.Namespace) -> int:
    on = common.parse_date(args.date, "discharge date")
    with common.unlocked(args) as ws:
        client = ws.clients.discharge(args.id, on=on, reason=args.reason)
    common.info(f"Client {client.code} discharged on {_status_text(client).split()[-1]}.")
    return 0


def run_reactivate(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.reactivate(args.id)
    common.info(f"Client {client.code} is active again.")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.id)
        way_back = ws.clients.delete(client.id, confirm_code=args.confirm)
        days = ws.settings.get().delete_backup_days
    common.info(
        f"Deleted client {client.code}. The backup made just before is kept for {days} days "
        f"(outside the usual rotation): {way_back}"
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    from noteapp.services.client_csv import parse_clients_csv, read_csv_file

    text = read_csv_file(args.csv)  # read and bounded before any passphrase is asked for
    with common.unlocked(args) as ws:
        result = parse_clients_csv(text, existing=ws.clients.list(), today=ws.clock.now().date())
        if result.ok and not args.check:
            ws.clients.import_clients(list(result.clients), source="csv")
    if not result.ok:
        for problem in result.problems:
            common.info(f"  {visible(problem)}")
        raise InvalidInputError(
            f"{len(result.problems)} problem(s) in {args.csv.name}; nothing was imported."
        )
    if args.check:
        common.info(f"{result.rows} row(s) checked: every row can be imported.")
        return 0
    for client in result.clients:
        common.out(client.id)
    common.info(f"Imported {len(result.clients)} client(s).")
    return 0
