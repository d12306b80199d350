"""`noteapp incident …`: incident reports — new, edit, sign, notify, list, show, export — and
their types with notification deadlines (docs/incidents.md). Reports are in no client's
chart; `list --client` finds the ones that name a client."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.cli.plan_cmds import read_json_file
from noteapp.cli.record_output import add_export_options, emit_list, emit_record, export_signed
from noteapp.domain.document import document_plain_text
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.incidents import IncidentStatus, incident_to_dict, types_to_json

if TYPE_CHECKING:
    from noteapp.domain.incidents import Incident
    from noteapp.services.workspace import Workspace

FIELDS_EPILOG = """\
The fields file holds one JSON object (docs/incidents.md): "occurred_at" ("2026-03-02
14:30", this computer's time zone unless an offset is given), "place", "what_happened",
"immediate_actions", "injuries", "follow_up" (text), "people" (a list of {"role":
"client"|"staff"|"other", "client": ID or code for a client, "name", "detail"}) and
"notifications" (a list of {"to", "how", "at"}). Unknown keys are refused.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(
        subparsers, "incident", "incident reports (signed; kept out of client charts)"
    )
    new = common.add_command(
        group,
        CommandSpec("new", "write a draft report; prints its id", run_new, epilog=FIELDS_EPILOG),
    )
    new.add_argument("--type", required=True, metavar="T", help="see 'incident types'")
    new.add_argument("--fields", type=Path, metavar="FILE.json", help="the report's fields")
    _clients(new)
    common.add_json_flag(new)

    edit = common.add_command(
        group,
        CommandSpec("edit", "change a draft (refused once signed)", run_edit, epilog=FIELDS_EPILOG),
    )
    edit.add_argument("id", metavar="ID", help="id or reference (IR-2026-003)")
    edit.add_argument("--type", metavar="T")
    edit.add_argument("--fields", type=Path, metavar="FILE.json")
    _clients(edit)
    edit.add_argument("--no-clients", action="store_true", help="name no client")
    common.add_json_flag(edit)

    sign = common.add_command(group, CommandSpec("sign", "sign and lock a report", run_sign))
    sign.add_argument("id", metavar="ID")

    notify = common.add_command(
        group,
        CommandSpec(
            "notify",
            "record a notification made (after signing: a signed addendum)",
            run_notify,
        ),
    )
    notify.add_argument("id", metavar="ID")
    notify.add_argument("--to", required=True, metavar="WHOM")
    notify.add_argument("--how", required=True, metavar="HOW", help="phone, e-mail, in person…")
    notify.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help="when (default: now)")

    lst = common.add_command(group, CommandSpec("list", "reports, newest first", run_list))
    lst.add_argument("--status", choices=[s.value for s in IncidentStatus])
    lst.add_argument("--client", metavar="ID", help="only reports naming this client")
    lst.add_argument(
        "--overdue", action="store_true", help="only those whose notifications are overdue"
    )
    common.add_json_flag(lst)

    show = common.add_command(group, CommandSpec("show", "a report", run_show))
    show.add_argument("id", metavar="ID")
    common.add_json_flag(show)

    export = common.add_command(
        group, CommandSpec("export", "a signed report as Word, verifiable", run_export)
    )
    add_export_options(export)

    types = common.add_command(
        group,
        CommandSpec(
            "types",
            "the incident types and their notification deadlines (hours)",
            run_types,
            epilog='--file FILE.json sets them: a list of {"id", "label", "deadline_hours"} '
            "(0: no deadline); --reset goes back to the shipped list.",
        ),
    )
    how = types.add_mutually_exclusive_group()
    how.add_argument("--file", type=Path, metavar="FILE.json")
    how.add_argument("--reset", action="store_true")
    common.add_json_flag(types)


def _clients(p: argparse.ArgumentParser) -> None:
    p.add_argument("--client", action="append", metavar="ID", help="a client involved (repeatable)")


def _passphrase(args: argparse.Namespace) -> str | None:
    value = getattr(args, "unlock_passphrase", None)
    return value if isinstance(value, str) else None


def _fields(args: argparse.Namespace) -> Any:
    return read_json_file(args.fields, "incident fields file") if args.fields else None


def incident_json(ws: Workspace, i: Incident, *, full: bool = False) -> dict[str, Any]:
    due = ws.incidents.notification_due(i)
    made = ws.incidents.notifications(i)
    codes = {cid: c.code for cid, c in ws.incidents.clients_of(i).items()}
    out: dict[str, Any] = {
        "id": i.id,
        "reference": i.reference,
        "type": i.type_id,
        "occurred_at": i.occurred_at.isoformat(timespec="minutes"),
        "place": i.place,
        "status": i.status.value,
        "clients": [{"id": cid, "code": codes.get(cid)} for cid in i.client_ids],
        "notification_due": due.isoformat(timespec="minutes") if due else None,
        "notified": bool(made),
        "overdue": ws.incidents.is_overdue(i),
    }
    if full:
        record = incident_to_dict(i)
        out.update({k: record[k] for k in ("what_happened", "immediate_actions", "injuries")})
        out["follow_up"] = record["follow_up"]
        out["people"] = record["people"]
        out["notifications"] = [
            {"to": n.to, "how": n.how, "at": n.at.isoformat(timespec="minutes")} for n in made
        ]
    return out


def run_new(args: argparse.Namespace) -> int:
    fields = _fields(args)
    with common.unlocked(args) as ws:
        incident = ws.incidents.new(type_ref=args.type, fields=fields, client_ids=args.client or ())
        shown = incident_json(ws, incident)
    if not args.json:
        common.info(f"Incident report {incident.reference} saved as a draft.")
    return emit_record(args, shown, incident.id, new=True)


def run_edit(args: argparse.Namespace) -> int:
    fields = _fields(args)
    if args.no_clients and args.client:
        raise InvalidInputError("Use either --client or --no-clients, not both.")
    clients = [] if args.no_clients else args.client
    if fields is None and args.type is None and clients is None:
        raise InvalidInputError("Nothing to change: give --fields, --type or --client.")
    with common.unlocked(args) as ws:
        incident = ws.incidents.edit(args.id, type_ref=args.type, fields=fields, client_ids=clients)
        shown = incident_json(ws, incident)
    return emit_record(args, shown, f"Updated incident report {incident.reference}.", new=False)


def run_sign(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        incident = ws.incidents.get(args.id)
        item = ws.incidents.sign(incident.id, passphrase=_passphrase(args))
    common.info(
        f"Signed and locked incident report {incident.reference}. Hash {item.hash[:16]}, "
        f"key {item.fingerprint}."
    )
    return 0


def run_notify(args: argparse.Namespace) -> int:
    from noteapp.domain.record_fields import a_time

    at = a_time(args.at, "--at time")
    with common.unlocked(args) as ws:
        incident = ws.incidents.get(args.id)
        ws.incidents.add_notification(
            incident.id, to=args.to, how=args.how, at=at, passphrase=_passphrase(args)
        )
    after = " (a signed addendum)" if incident.is_signed else ""
    common.info(f"Notification recorded on {incident.reference}{after}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client_id = ws.clients.get(args.client).id if args.client else None
        found = ws.incidents.overdue() if args.overdue else ws.incidents.list()
        found = [
            i
            for i in found
            if (args.status is None or i.status.value == args.status)
            and (client_id is None or client_id in i.client_ids)
        ]
        shown = [incident_json(ws, i) for i in found]
        gaps = [r for r in ws.damage.records() if r.kind == "incident"]
    rows = [
        (
            i["reference"],
            i["occurred_at"].replace("T", " ")[:16],
            i["type"],
            i["status"] + (" · NOTIFY OVERDUE" if i["overdue"] else ""),
            i["place"] or "-",
            i["id"],
        )
        for i in shown
    ]
    headers = ("REFERENCE", "WHEN", "TYPE", "STATUS", "PLACE", "ID")
    return emit_list(args, shown, headers, rows, empty="No incident reports.", gaps=gaps)


def run_show(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        incident = ws.incidents.get(args.id)
        shown = incident_json(ws, incident, full=True)
        text = document_plain_text(ws.incidents.render(incident))
        later = ws.signing.corrections(incident.id)
    if args.json:
        common.emit_json(shown)
        return 0
    overdue = " · notification overdue" if shown["overdue"] else ""
    common.out(f"{incident.status.value.capitalize()} · id {incident.id}{overdue}")
    common.out(text)
    for item in later:
        common.out("")
        common.out(f"{item.type.label} · {item.payload.get('signed_at_display', '')}")
        common.out(f"  {item.payload.get('text', '')}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    def ready(ws: Workspace) -> str:
        incident = ws.incidents.get(args.id)
        if not incident.is_signed:
            raise InvalidInputError(
                f"Incident report {incident.reference} is a draft: sign it first ('incident sign')."
            )
        return incident.id

    return export_signed(args, "incident", ready)


def run_types(args: argparse.Namespace) -> int:
    from noteapp.domain.incidents import types_from_json

    data = read_json_file(args.file, "incident types file") if args.file else None
    with common.unlocked(args) as ws:
        if data is not None:
            types = ws.incidents.save_types(types_from_json(data))
        elif args.reset:
            types = ws.incidents.reset_types()
        else:
            types = ws.incidents.types()
    if args.json:
        common.emit_json(types_to_json(types))
        return 0
    rows = [(t.id, t.label, f"{t.deadline_hours} h" if t.deadline_hours else "none") for t in types]
    common.out(common.table(("ID", "TYPE", "NOTIFY WITHIN"), rows))
    return 0
