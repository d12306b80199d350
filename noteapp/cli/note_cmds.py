"""`noteapp note …`: create, edit, show, list and check progress notes."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common, medication_cmds, plan_cmds, sign_cmds
from noteapp.cli.common import CommandSpec
from noteapp.domain.checklist import ChecklistResult
from noteapp.domain.clients import Diagnosis
from noteapp.domain.document import document_plain_text
from noteapp.domain.errors import CheckFailedError, InvalidInputError, RecordIntegrityError
from noteapp.domain.medications import adherence_to_dict
from noteapp.domain.notes import (
    FieldValue,
    Modality,
    Note,
    NoteStatus,
    RiskScreen,
    ScreenResult,
    SessionInfo,
    session_to_dict,
)
from noteapp.domain.signatures import ItemType, SignedItem

if TYPE_CHECKING:
    from noteapp.services.workspace import Workspace

FIELDS_HELP = (
    "a JSON file mapping field ids to text (lists of texts for checklist fields), "
    'e.g. {"subjective": "…", "plan": "…"}; see docs/templates.md for each template\'s ids'
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "note", "write, show and check progress notes")
    new = common.add_command(group, CommandSpec("new", "create a draft; prints its id", run_new))
    new.add_argument("--client", required=True, metavar="ID", help="client id or code")
    new.add_argument("--template", required=True, metavar="T", help="template id, e.g. soap")
    new.add_argument("--copy-from", metavar="NOTE", help="start from an earlier note")
    new.add_argument(
        "--carry",
        metavar="IDS",
        help="with --copy-from: field ids to carry, comma-separated (default: all)",
    )
    _metadata_options(new)
    edit = common.add_command(
        group, CommandSpec("edit", "update a draft (refused for a signed note)", run_edit)
    )
    edit.add_argument("id", metavar="ID")
    _metadata_options(edit)
    show = common.add_command(group, CommandSpec("show", "show a note", run_show))
    show.add_argument("id", metavar="ID")
    common.add_json_flag(show)
    lst = common.add_command(group, CommandSpec("list", "list notes, newest first", run_list))
    lst.add_argument("--client", metavar="ID")
    lst.add_argument("--status", choices=["draft", "signed"])
    lst.add_argument(
        "--include-psychotherapy",
        action="store_true",
        help="also list psychotherapy (process) notes",
    )
    common.add_json_flag(lst)
    check = common.add_command(
        group,
        CommandSpec(
            "check", "the documentation checklist; exit 1 if anything blocks signing", run_check
        ),
    )
    check.add_argument("id", metavar="ID")
    common.add_json_flag(check)
    history = common.add_command(
        group, CommandSpec("history", "saved versions of a draft", run_history)
    )
    history.add_argument("id", metavar="ID")
    common.add_json_flag(history)
    sign_cmds.register_note_commands(group)
    plan_cmds.register_note_commands(group)


def _metadata_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fields", type=Path, metavar="FILE.json", help=FIELDS_HELP)
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date of service (default: today)")
    p.add_argument("--start", metavar="HH:MM", help="start time")
    p.add_argument("--end", metavar="HH:MM", help="stop time")
    p.add_argument("--service-code", metavar="CODE", help="e.g. 90834")
    p.add_argument("--modality", choices=[m.value for m in Modality])
    p.add_argument("--place-of-service", metavar="CODE", help="e.g. 11 office, 10 telehealth")
    p.add_argument("--diagnosis", nargs="+", metavar="ICD10", help="diagnosis codes")
    p.add_argument(
        "--intervention", action="append", metavar="TEXT", help="an intervention used (repeatable)"
    )
    p.add_argument(
        "--participant",
        action="append",
        metavar="TEXT",
        help="someone present besides the client (repeatable)",
    )
    choices = [s.value for s in ScreenResult]
    p.add_argument("--si", choices=choices, help="suicidal ideation screen")
    p.add_argument("--hi", choices=choices, help="homicidal ideation screen")
    p.add_argument(
        "--risk-detail", metavar="TEXT", help="risk assessment when a screen is positive"
    )
    p.add_argument("--extended-reason", metavar="TEXT", help="why a session ran past 52 minutes")
    p.add_argument(
        "--adherence",
        action="append",
        metavar="MEDICATION_ID=STATUS",
        help=medication_cmds.ADHERENCE_HELP,
    )


def read_fields(path: Path | None) -> dict[str, FieldValue]:
    """The --fields file: a JSON object of field id → text (or list of texts)."""
    if path is None:
        return {}
    data = plan_cmds.read_json_file(path, "fields file")
    if not isinstance(data, dict):
        raise InvalidInputError("The fields file must hold one JSON object: field id → text.")
    out: dict[str, FieldValue] = {}
    for key, value in data.items():
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = list(value)
        else:
            raise InvalidInputError(f"Field '{key[:40]}' must be text or a list of texts.")
    return out


def _time(text: str | None, what: str) -> time | None:
    if text is None:
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"The {what} time must look like 14:30.") from None


def _session(args: argparse.Namespace, base: SessionInfo) -> SessionInfo:
    changes: dict[str, Any] = {}
    if args.date:
        changes["date"] = common.parse_date(args.date, "date of service")
    if args.start:
        changes["start"] = _time(args.start, "start")
    if args.end:
        changes["end"] = _time(args.end, "stop")
    if args.service_code is not None:
        changes["service_code"] = args.service_code.strip()
    if args.modality:
        changes["modality"] = Modality(args.modality)
    if args.place_of_service is not None:
        changes["place_of_service"] = args.place_of_service.strip()
    if args.diagnosis:
        changes["diagnoses"] = tuple(Diagnosis.parse(c) for c in args.diagnosis)
    if args.intervention:
        changes["interventions"] = tuple(i.strip() for i in args.intervention if i.strip())
    if args.participant:
        changes["participants"] = tuple(p.strip() for p in args.participant if p.strip())
    if args.si or args.hi or args.risk_detail is not None:
        risk = base.risk
        changes["risk"] = RiskScreen(
            ScreenResult(args.si) if args.si else risk.suicidal_ideation,
            ScreenResult(args.hi) if args.hi else risk.homicidal_ideation,
            args.risk_detail if args.risk_detail is not None else risk.detail,
        )
    if args.extended_reason is not None:
        changes["extended_reason"] = args.extended_reason
    return replace(base, **changes)


def run_new(args: argparse.Namespace) -> int:
    fields = read_fields(args.fields)
    adherence = medication_cmds.parse_adherence_options(args.adherence)
    with common.unlocked(args) as ws, ws.transaction():
        client = ws.clients.get(args.client)
        base = ws.notes.default_session(client)
        carry = [c.strip() for c in args.carry.split(",")] if args.carry else None
        note = ws.notes.new(
            client_id=client.id,
            template_id=args.template,
            session=_session(args, base),
            fields=fields,
            copy_from=args.copy_from,
            carry_sections=carry,
        )
        if adherence:
            ws.medications.record_adherence(note.id, adherence)
    common.out(note.id)
    return 0


def run_edit(args: argparse.Namespace) -> int:
    fields = read_fields(args.fields)
    adherence = medication_cmds.parse_adherence_options(args.adherence)
    with common.unlocked(args) as ws, ws.transaction():
        note = ws.notes.get(args.id)
        note = ws.notes.save(note.id, fields=fields, session=_session(args, note.session))
        if adherence:
            # The medications named are set; what the note said of the others stays.
            named = {ws.medications.get(med).id for med, _s, _e in adherence}
            kept = [
                (e.medication_id, e.status.value, e.side_effects)
                for e in note.adherence
                if e.medication_id not in named
            ]
            ws.medications.record_adherence(note.id, kept + adherence)
    return 0


def note_json(ws: Workspace, note: Note) -> dict[str, Any]:
    client = ws.clients.get(note.client_id)
    return {
        "id": note.id,
        "client": note.client_id,
        "client_code": client.code,
        "template": note.template_id,
        "template_version": note.template_version,
        "status": note.status.value,
        "date": note.session.date.isoformat(),
        "fields": dict(note.fields),
        "session": session_to_dict(note.session),
        "duration_minutes": note.session.duration_minutes,
        "psychotherapy": note.psychotherapy,
        "group_id": note.group_id or None,
        "goal_progress": [dict(r) for r in note.goal_progress],
        "adherence": [adherence_to_dict(e) for e in note.adherence],
        "addenda": [
            {
                "id": i.id,
                "kind": i.type.value,
                "text": i.payload.get("text", ""),
                "reason": i.payload.get("reason", ""),
                "date_of_service": i.payload.get("date_of_service", "") or None,
                "author": i.author.get("name", ""),
                "signed_at": i.signed_at,
            }
            for i in ws.signing.corrections(note.id)
        ],
        "reviews": [review_json(i) for i in ws.signing.reviews(note.id)],
        "version": note.version,
        "created_at": note.created_at.isoformat() if note.created_at else None,
        "updated_at": note.updated_at.isoformat() if note.updated_at else None,
    }


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key, "")
    return value if isinstance(value, str) else ""


def review_json(item: SignedItem) -> dict[str, Any]:
    """A co-signature or return received for the note: who, when, and what they said."""
    cosign = item.type == ItemType.COSIGNATURE
    return {
        "id": item.id,
        "type": item.type.value,
        "author": _text(item.author, "name"),
        "credentials": _text(item.author, "credentials"),
        "license_number": _text(item.author, "license_number"),
        "fingerprint": item.fingerprint,
        "signed_at": item.signed_at,
        "signed_at_display": _text(item.payload, "signed_at_display") or item.signed_at,
        "statement": _text(item.payload, "statement") if cosign else None,
        "comments": None if cosign else _text(item.payload, "comments"),
    }


def review_lines(item: SignedItem) -> list[str]:
    """`note show`: "Co-signature · Morgan Hale, PhD · 2026-03-05 10:02 UTC · key …", then
    the statement or the comments, indented."""
    r = review_json(item)
    who = f"{r['author']}, {r['credentials']}" if r["credentials"] else r["author"]
    label = "Statement" if item.type == ItemType.COSIGNATURE else "Comments"
    text = r["statement"] if item.type == ItemType.COSIGNATURE else r["comments"]
    # split("\n"), not splitlines(): other separators are control characters that the
    # output shows escaped rather than obeys.
    first, *rest = (text or "").split("\n")
    return [
        f"{item.type.label} · {who} · {r['signed_at_display']} · key {r['fingerprint']}",
        f"  {label}: {first}",
        *(f"  {line}" for line in rest),
    ]


def run_show(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        try:
            note = ws.notes.get(args.id)
        except RecordIntegrityError as err:
            return common.show_damaged(ws, err, as_json=args.json)
        # A damaged signature record of this note (or of nobody knows which note) may be one
        # of its corrections: what is shown could be incomplete.
        missing = ws.damage.signatures_of(note.id) if note.is_signed else []
        if args.json:
            common.emit_json(
                {
                    **note_json(ws, note),
                    "damaged": [ws.damage.as_json(r) for r in missing],
                }
            )
            return common.damaged_exit(missing)
        text = document_plain_text(ws.notes.render(note))
        status = "Signed" if note.status == NoteStatus.SIGNED else "Draft"
        warnings = ws.notes.psychotherapy_warnings(note)
        reviews = ws.signing.reviews(note.id)
    common.out(f"{status} · id {note.id}")
    common.out(text)
    if reviews:
        common.out("")
        common.out(f"Co-signatures and returns ({len(reviews)}):")
        for item in reviews:
            for line in review_lines(item):
                common.out(f"  {line}")
    for w in warnings:
        common.warn(w)
    for r in missing:
        common.warn(f"This note may be missing a correction or co-signature: {r.sentence()}")
    return common.damaged_exit(missing)


_LIST_KEYS = ("id", "client", "client_code", "template", "status", "date", "service_code")


def run_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client_id = common.client_id_even_if_damaged(ws, args.client) if args.client else None
        notes = ws.notes.list(
            client_id=client_id,
            status=NoteStatus(args.status) if args.status else None,
            include_psychotherapy=args.include_psychotherapy,
        )
        codes: dict[str, str] = {c.id: c.code for c in ws.clients.list()}
        unreadable_clients = [
            r for r in ws.damage.clients() if any(n.client_id == r.record_id for n in notes)
        ]
        codes.update({r.record_id: r.client_code for r in unreadable_clients if r.client_code})
        # Damaged notes that may belong here stay in the list, marked, with what is known.
        damaged = ws.damage.notes(
            client_id=client_id,
            status=args.status,
            include_psychotherapy=args.include_psychotherapy,
        )
        if args.json:
            common.emit_json(
                [
                    common.damaged_entry(
                        ws,
                        r,
                        _LIST_KEYS,
                        id=r.record_id,
                        client=r.client_id or None,
                        client_code=r.client_code or codes.get(r.client_id) or None,
                        template=r.template or None,
                        status="damaged",
                        date=r.date or None,
                    )
                    for r in damaged
                ]
                + [
                    {
                        "id": n.id,
                        "client": n.client_id,
                        "client_code": codes.get(n.client_id, ""),
                        "template": n.template_id,
                        "status": n.status.value,
                        "date": n.session.date.isoformat(),
                        "service_code": n.session.service_code,
                        "damaged": False,
                    }
                    for n in notes
                ]
            )
            return common.damaged_exit(damaged + unreadable_clients)
    rows = [
        (
            r.date or "?",
            r.client_code or codes.get(r.client_id, "?"),
            r.template or "?",
            "DAMAGED",
            "-",
            r.record_id,
        )
        for r in damaged
    ] + [
        (
            n.session.date.isoformat(),
            codes.get(n.client_id, "?"),
            n.template_id,
            n.status.value,
            n.session.service_code or "-",
            n.id,
        )
        for n in notes
    ]
    common.out(common.table(("DATE", "CLIENT", "TEMPLATE", "STATUS", "CODE", "ID"), rows))
    return common.damaged_exit(damaged + unreadable_clients)


def checklist_json(result: ChecklistResult) -> dict[str, Any]:
    return {
        "can_sign": result.can_sign,
        "items": [
            {
                "rule": i.rule,
                "severity": i.severity.value,
                "message": i.message,
                "field": i.field_id or None,
            }
            for i in result.items
        ],
    }


def run_check(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        note = ws.notes.get(args.id)
        result = ws.notes.check(note)
    if args.json:
        common.emit_json(checklist_json(result))
    else:
        for item in result.items:
            mark = "BLOCKS" if item.severity.value == "block" else "warns "
            where = f" [{item.field_id}]" if item.field_id else ""
            common.out(f"{mark} {item.message}{where}")
        common.out(
            "Ready to sign."
            if result.can_sign
            else f"{len(result.blocking)} item(s) block signing."
        )
    # Exit 1 (a check failed) when anything blocks signing; the output already says why.
    return 0 if result.can_sign else int(CheckFailedError.exit_code)


def run_history(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        versions = ws.notes.history(args.id)
    if args.json:
        common.emit_json(
            [
                {
                    "version": v.version,
                    "saved_at": v.updated_at.isoformat() if v.updated_at else None,
                    "words": sum(len(v.text(k).split()) for k in v.fields),
                }
                for v in versions
            ]
        )
        return 0
    rows = [
        (
            str(v.version),
            v.updated_at.isoformat(timespec="seconds") if v.updated_at else "-",
            str(sum(len(v.text(k).split()) for k in v.fields)),
        )
        for v in versions
    ]
    common.out(common.table(("VERSION", "SAVED", "WORDS"), rows))
    return 0
