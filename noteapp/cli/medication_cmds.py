"""`noteapp medication …`: the medications a client takes, as reported (docs/medications.md);
adherence is recorded in notes (`note new|edit --adherence MEDICATION_ID=STATUS`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.cli.record_output import emit_list, emit_record
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.medications import Adherence, ReportedBy

if TYPE_CHECKING:
    from noteapp.domain.medications import Medication
    from noteapp.services.workspace import Workspace

ADHERENCE_HELP = (
    "adherence to a current medication in this session, e.g. 1a2b3c4d=partial "
    f"({', '.join(a.value for a in Adherence)}); repeatable; add :SIDE EFFECTS after the "
    "status to record reported side effects, e.g. 1a2b3c4d=partial:mild nausea"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "medication", "medications as the client reports them")
    add = common.add_command(group, CommandSpec("add", "add a medication; prints its id", run_add))
    add.add_argument("--client", required=True, metavar="ID", help="client id or code")
    add.add_argument("--name", required=True, metavar="N")
    _details(add)
    lst = common.add_command(
        group, CommandSpec("list", "a client's medications, current first", run_list)
    )
    lst.add_argument("--client", required=True, metavar="ID", help="client id or code")
    lst.add_argument("--current", action="store_true", help="only those taken today")
    common.add_json_flag(lst)
    edit = common.add_command(group, CommandSpec("edit", "change a medication", run_edit))
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--name", metavar="N")
    _details(edit)
    stop = common.add_command(group, CommandSpec("stop", "record that it was stopped", run_stop))
    stop.add_argument("id", metavar="ID")
    stop.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    stop.add_argument("--reason", default="", metavar="TEXT")
    common.add_json_flag(stop)


def _details(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dose", metavar="D", help="e.g. 50 mg")
    p.add_argument("--schedule", metavar="S", help="e.g. once daily, morning")
    p.add_argument("--prescriber", metavar="P")
    p.add_argument("--start", metavar="YYYY-MM-DD")
    p.add_argument("--reported-by", choices=[r.value for r in ReportedBy])
    p.add_argument("--notes", metavar="TEXT")
    common.add_json_flag(p)


def medication_json(ws: Workspace, m: Medication) -> dict[str, Any]:
    today = ws.clock.now().astimezone().date()
    return {
        "id": m.id,
        "client": m.client_id,
        "name": m.name,
        "dose": m.dose,
        "schedule": m.schedule,
        "prescriber": m.prescriber,
        "start": m.start.isoformat() if m.start else None,
        "stop": m.stop.isoformat() if m.stop else None,
        "stop_reason": m.stop_reason or None,
        "reported_by": m.reported_by.value,
        "notes": m.notes,
        "current": m.is_current(today),
    }


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    changes = {
        k: getattr(args, k)
        for k in ("name", "dose", "schedule", "prescriber", "reported_by", "notes")
        if getattr(args, k, None) is not None
    }
    if args.start is not None:
        changes["start"] = common.parse_date(args.start, "--start date")
    return changes


def run_add(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        med = ws.medications.add(client_id=args.client, **_changes(args))
        shown = medication_json(ws, med)
    return emit_record(args, shown, med.id, new=True)


def run_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        meds = (
            ws.medications.current(client.id)
            if args.current
            else ws.medications.for_client(client.id)
        )
        shown = [medication_json(ws, m) for m in meds]
        gaps = common.gaps_of(ws, "medication", client.id)
    rows = [
        (
            " ".join(x for x in (m["name"], m["dose"]) if x),
            m["schedule"] or "-",
            m["prescriber"] or "-",
            m["start"] or "-",
            f"stopped {m['stop']}" if m["stop"] else "current",
            m["id"],
        )
        for m in shown
    ]
    headers = ("MEDICATION", "SCHEDULE", "PRESCRIBER", "START", "", "ID")
    return emit_list(args, shown, headers, rows, empty="No medications recorded.", gaps=gaps)


def run_edit(args: argparse.Namespace) -> int:
    changes = _changes(args)
    if not changes:
        raise InvalidInputError("Nothing to change: give at least one option (see --help).")
    with common.unlocked(args) as ws:
        med = ws.medications.edit(args.id, **changes)
        shown = medication_json(ws, med)
    return emit_record(args, shown, f"Updated medication {med.id[:8]}.", new=False)


def run_stop(args: argparse.Namespace) -> int:
    on = common.parse_date(args.date, "--date")
    assert on is not None
    with common.unlocked(args) as ws:
        med = ws.medications.stop(args.id, on=on, reason=args.reason)
        shown = medication_json(ws, med)
    return emit_record(args, shown, f"Stopped {med.name} as of {on.isoformat()}.", new=False)


def parse_adherence_options(values: list[str] | None) -> list[tuple[str, str, str]]:
    """`--adherence MEDICATION_ID=STATUS[:SIDE EFFECTS]` values → (id, status, side effects);
    the statuses are checked by the service (exit 2 with the accepted values)."""
    out = []
    for value in values or []:
        med, sep, rest = value.partition("=")
        if not sep or not med.strip() or not rest.strip():
            raise InvalidInputError(
                "--adherence takes MEDICATION_ID=STATUS, e.g. 1a2b3c4d=as-prescribed."
            )
        status, _colon, side = rest.partition(":")
        out.append((med.strip(), status.strip(), side.strip()))
    return out
