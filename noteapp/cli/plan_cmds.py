"""`noteapp plan …` (treatment plans) and `noteapp note rate` (goal progress in a note).

The plan JSON shape, statuses, versions, signing, acknowledgements and reviews are described
in docs/plans.md. Services are imported inside the run functions (fast CLI start).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import InvalidInputError, NotFoundError
from noteapp.domain.json_input import parse_json

if TYPE_CHECKING:
    from noteapp.domain.plans import Plan
    from noteapp.services.workspace import Workspace

_MAX_PLAN_FILE = 5 * 1024 * 1024
ACK_METHODS = ["signed on paper", "signed electronically", "verbal", "refused", "attempted"]
RATINGS = ["regressed", "no change", "some progress", "significant progress", "met"]

IMPORT_EPILOG = """\
The file holds one JSON object in the shape described in docs/plans.md. It is checked as a
whole: every problem is reported with its path (e.g. problems[0].goals[1].objectives[0].
target_date) and nothing is stored unless all of it is valid. It replaces the client's
current draft, or starts the next version after a signed one. Prints the version's id.
"""

RATE_EPILOG = """\
Give --objective and --rating in pairs (repeatable); --comment, if used, once per pair,
in the same order. An objective is its id (see 'plan show --json') or its number as shown
in the plan (e.g. 1.2.1). Or give --file FILE.json holding a list of
{"objective_id": "...", "rating": "some progress", "comment": "..."}.
Ratings already on the note for other objectives are kept (--replace drops them).
Only a draft note can be rated: rate before signing.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "plan", "treatment plans: import, show, sign, review")

    imp = common.add_command(
        group,
        CommandSpec(
            "import",
            "import a plan from JSON (a draft); prints its id",
            run_import,
            epilog=IMPORT_EPILOG,
        ),
    )
    _client(imp)
    imp.add_argument("file", type=Path, metavar="FILE.json")

    show = common.add_command(group, CommandSpec("show", "show a client's plan", run_show))
    _client(show)
    _version(show)
    common.add_json_flag(show)

    sign = common.add_command(
        group,
        CommandSpec(
            "sign", "sign and lock the plan's draft version; exit 2 with the reasons", run_sign
        ),
    )
    _client(sign)

    revise = common.add_command(
        group,
        CommandSpec("revise", "start the next version as a draft; prints its id", run_revise),
    )
    _client(revise)

    ack = common.add_command(
        group,
        CommandSpec(
            "acknowledge",
            "record the client's acknowledgement (or a refusal or an attempt); prints an id",
            run_acknowledge,
            epilog="On a draft the acknowledgement becomes part of the version (prints the "
            "version's id); on a signed version it is a signed addendum (prints its id).",
        ),
    )
    _client(ack)
    _version(ack)
    ack.add_argument("--method", required=True, choices=ACK_METHODS)
    ack.add_argument("--date", metavar="YYYY-MM-DD", help="when (default: today)")
    ack.add_argument("--note", default="", metavar="TEXT")

    review = common.add_command(
        group,
        CommandSpec(
            "review",
            "sign a review of the current plan (moves the next review date); prints its id",
            run_review,
        ),
    )
    _client(review)
    review.add_argument(
        "--summary",
        metavar="TEXT",
        help="the review text (default: drafted from the ratings since the last review)",
    )

    versions = common.add_command(
        group, CommandSpec("versions", "every version of a client's plan", run_versions)
    )
    _client(versions)
    common.add_json_flag(versions)

    export = common.add_command(
        group, CommandSpec("export", "export a signed plan version to Word", run_export)
    )
    _client(export)
    _version(export)
    export.add_argument("--out", required=True, type=Path, metavar="FILE.docx")
    export.add_argument(
        "--encrypt",
        action="store_true",
        help="password-protect (password from $NOTEAPP_EXPORT_PASSWORD or a prompt)",
    )

    library = common.add_command(
        group,
        CommandSpec(
            "library",
            "the goal library: groups and their numbered statements",
            run_library,
        ),
    )
    library.add_argument("--group", metavar="ID", help="show one group in full")
    common.add_json_flag(library)


def register_note_commands(group: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rate = common.add_command(
        group,
        CommandSpec(
            "rate",
            "rate progress on plan objectives in a draft note",
            run_rate,
            epilog=RATE_EPILOG,
        ),
    )
    rate.add_argument("id", metavar="NOTE_ID")
    rate.add_argument("--objective", action="append", default=[], metavar="OBJ")
    rate.add_argument("--rating", action="append", default=[], choices=RATINGS)
    rate.add_argument("--comment", action="append", default=[], metavar="TEXT")
    rate.add_argument("--file", type=Path, metavar="FILE.json")
    rate.add_argument("--replace", action="store_true", help="drop the note's other ratings")


def _client(p: argparse.ArgumentParser) -> None:
    p.add_argument("--client", required=True, metavar="ID", help="client id or code")


def _version(p: argparse.ArgumentParser) -> None:
    p.add_argument("--version", type=int, metavar="N", help="a version number (default: latest)")


# --- helpers ---------------------------------------------------------------------------


def read_json_file(path: Path, what: str) -> Any:
    """A JSON file named on the command line: at most 5 MB and bounded nesting, else exit 2."""
    try:
        with path.open("rb") as file:
            raw = file.read(_MAX_PLAN_FILE + 1)  # never more, however large the file
    except OSError:
        raise InvalidInputError(f"Cannot read the {what} {path}.") from None
    if len(raw) > _MAX_PLAN_FILE:
        raise InvalidInputError(f"The {what} is too large (5 MB at most).")
    return parse_json(raw, what=what)


def _plan(ws: Workspace, client_id: str, version: int | None) -> Plan:
    """The requested version, else the latest one."""
    client = ws.clients.get(client_id)
    versions = ws.plans.versions(client.id)
    if not versions:
        raise NotFoundError("This client has no treatment plan yet (see 'plan import').")
    if version is None:
        return versions[-1]
    for p in versions:
        if p.version == version:
            return p
    raise NotFoundError(f"This client's plan has no version {version}.")


def _signed(ws: Workspace, client_id: str, version: int | None) -> Plan:
    if version is not None:
        return _plan(ws, client_id, version)
    plan = ws.plans.current_signed(ws.clients.get(client_id).id)
    if plan is None:
        raise NotFoundError("This client has no signed treatment plan.")
    return plan


def _passphrase(args: argparse.Namespace) -> str | None:
    value = getattr(args, "unlock_passphrase", None)
    return value if isinstance(value, str) else None


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def plan_json(ws: Workspace, plan: Plan) -> dict[str, Any]:
    """The import shape plus what the vault decides (id, version, status, dates) and each
    objective's `progress` (its ratings across the client's notes, oldest first)."""
    from noteapp.domain.plans import plan_to_dict

    d = plan_to_dict(plan)
    progress = {p.objective_id: p for p in ws.plans.progress(plan.client_id)}
    for problem in d["problems"]:
        for goal in problem["goals"]:
            for o in goal["objectives"]:
                prog = progress.get(o["id"])
                o["progress"] = [
                    {
                        "note_id": pt.note_id,
                        "date": pt.on.isoformat(),
                        "rating": pt.rating.value,
                        "score": pt.rating.score,
                        "comment": pt.comment,
                    }
                    for pt in (prog.points if prog else ())
                ]
    acks = ws.plans.acknowledgements(plan)
    return {
        "id": plan.id,
        "client_id": plan.client_id,
        "version": plan.version,
        "status": plan.status.value,
        "signed_on": _d(plan.signed_on),
        "last_review": _d(ws.plans.last_review(plan)),
        "next_review": _d(ws.plans.next_review(plan)) if plan.is_signed else None,
        "service_type": d["service_type"],
        "session_minutes": d["session_minutes"],
        "frequency": d["frequency"],
        "valid_from": d["valid_from"],
        "valid_until": d["valid_until"],
        "review_interval_days": d["review_interval_days"],
        "diagnoses": d["diagnoses"],
        "problems": d["problems"],
        "acknowledgements": [
            {"method": a.method.value, "on": a.on.isoformat(), "note": a.note} for a in acks
        ],
    }


def _labels(plan: Plan) -> dict[str, str]:
    """Objective numbers as shown in the plan (1.2.1) → objective ids."""
    out = {}
    for pi, problem in enumerate(plan.problems, 1):
        for gi, goal in enumerate(problem.goals, 1):
            for oi, o in enumerate(goal.objectives, 1):
                out[f"{pi}.{gi}.{oi}"] = o.id
    return out


# --- commands --------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    data = read_json_file(args.file, "plan file")
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        plan = ws.plans.import_json(client.id, data)
        problems = ws.plans.validate_for_signing(plan)
    common.out(plan.id)
    common.info(f"Plan version {plan.version} saved as a draft.")
    if problems:
        common.info("Before it can be signed: " + "; ".join(problems) + ".")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from noteapp.domain.document import document_plain_text

    with common.unlocked(args) as ws:
        plan = _plan(ws, args.client, args.version)
        # A damaged version may be the newest: what is shown could be out of date.
        gaps = common.gaps_of(ws, "plan", plan.client_id)
        if args.json:
            common.emit_json(plan_json(ws, plan))
            return common.damaged_exit(gaps)
        text = document_plain_text(ws.plans.render(plan))
        acks = ws.plans.acknowledgements(plan)
        next_review = ws.plans.next_review(plan) if plan.is_signed else None
        last_review = ws.plans.last_review(plan)
        progress = ws.plans.progress(plan.client_id)
        labels = {v: k for k, v in _labels(plan).items()}
    status = plan.status.value.capitalize()
    signed = f" on {plan.signed_on.isoformat()}" if plan.signed_on else ""
    common.out(f"{status}{signed} · version {plan.version} · id {plan.id}")
    if next_review:
        common.out(f"Next review: {next_review.isoformat()}")
    if last_review:
        common.out(f"Last review: {last_review.isoformat()}")
    common.out(text)
    if acks and plan.is_signed:
        common.out("Acknowledgements (including signed addenda):")
        for a in acks:
            common.out(
                f"  {a.on.isoformat()}: {a.method.value}" + (f" — {a.note}" if a.note else "")
            )
    rated = [p for p in progress if p.points]
    if rated:
        common.out("Progress (ratings in notes):")
        for p in rated:
            latest = p.latest
            assert latest is not None
            label = labels.get(p.objective_id, p.objective_id[:8])
            common.out(
                f"  {label} {p.description[:60]}: {len(p.points)} rating(s); latest "
                f"“{latest.rating.value}” on {latest.on.isoformat()}"
            )
    return common.damaged_exit(gaps)


def run_sign(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        plan = ws.plans.latest(client.id)
        if plan is None:
            raise NotFoundError("This client has no treatment plan yet (see 'plan import').")
        item = ws.plans.sign(plan.id, passphrase=_passphrase(args))
        signed = ws.plans.get(plan.id)
        due = ws.plans.next_review(signed)
    common.info(
        f"Signed and locked plan version {plan.version}. Hash {item.hash[:16]}, key "
        f"{item.fingerprint}." + (f" Next review by {due.isoformat()}." if due else "")
    )
    return 0


def run_revise(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        before = ws.plans.latest(client.id)
        draft = ws.plans.revise(client.id)
    common.out(draft.id)
    if before is not None and before.id == draft.id:
        common.info(f"Version {draft.version} is already a draft.")
    else:
        common.info(f"Version {draft.version} started as a draft from the signed version.")
    return 0


def run_acknowledge(args: argparse.Namespace) -> int:
    from noteapp.domain.plans import Plan

    when = common.parse_date(args.date, "acknowledgement date")
    with common.unlocked(args) as ws:
        plan = _plan(ws, args.client, args.version)
        result = ws.plans.acknowledge(
            plan.id,
            method=args.method,
            on=when,
            note=args.note,
            passphrase=_passphrase(args),
        )
    common.out(result.id)
    if isinstance(result, Plan):
        common.info(f"Recorded in draft version {plan.version}.")
    else:
        common.info(f"Signed acknowledgement addendum to version {plan.version}.")
    return 0


def run_review(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        plan = ws.plans.current_signed(client.id)
        if plan is None:
            raise NotFoundError("This client has no signed treatment plan to review.")
        summary = args.summary
        if summary is None:
            summary = ws.plans.draft_review_summary(client.id)
        item = ws.plans.review(plan.id, summary=summary, passphrase=_passphrase(args))
        due = ws.plans.next_review(plan)
    common.out(item.id)
    common.info("Review signed." + (f" Next review by {due.isoformat()}." if due else ""))
    return 0


def run_versions(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        versions = ws.plans.versions(client.id)
        gaps = common.gaps_of(ws, "plan", client.id)
        rows = [
            {
                "id": p.id,
                "version": p.version,
                "status": p.status.value,
                "signed_on": _d(p.signed_on),
                "valid_from": _d(p.valid_from),
                "valid_until": _d(p.valid_until),
                "objectives": len(p.objectives()),
                "acknowledgements": len(ws.plans.acknowledgements(p)),
            }
            for p in versions
        ]
    if args.json:
        common.emit_json(rows)
        return common.damaged_exit(gaps)
    table = [
        (
            str(r["version"]),
            str(r["status"]),
            str(r["signed_on"] or "-"),
            f"{r['valid_from'] or '?'} to {r['valid_until'] or '?'}",
            str(r["objectives"]),
            str(r["id"]),
        )
        for r in rows
    ]
    common.out(common.table(("VERSION", "STATUS", "SIGNED", "VALID", "OBJECTIVES", "ID"), table))
    return common.damaged_exit(gaps)


def run_export(args: argparse.Namespace) -> int:
    if args.out.exists():
        raise InvalidInputError(f"{args.out} exists already; choose another file name.")
    password = common.read_export_password() if args.encrypt else None
    with common.unlocked(args) as ws:
        plan = _signed(ws, args.client, args.version)
        if not plan.is_signed:
            raise InvalidInputError("Only a signed plan version can be exported; sign it first.")
        ws.exports.export_plan(plan.id, args.out, password=password)
    common.info(f"Wrote {args.out}" + (" (password-protected)." if password else "."))
    return 0


def run_library(args: argparse.Namespace) -> int:
    from noteapp.services.goal_library import group_to_dict

    with common.unlocked(args) as ws:
        library = ws.goal_library
        groups = [library.group(args.group)] if args.group else library.groups()
    if args.json:
        common.emit_json([group_to_dict(g) for g in groups])
        return 0
    if not args.group:
        rows = [
            (g.id, g.name, str(len(g.goals)), str(len(g.objectives)), str(len(g.interventions)))
            for g in groups
        ]
        common.out(common.table(("ID", "NAME", "GOALS", "OBJECTIVES", "INTERVENTIONS"), rows))
        return 0
    g = groups[0]
    common.out(f"{g.name} ({g.id})")
    for title, items in (
        ("Problems", list(g.problems)),
        ("Goals", [x.statement for x in g.goals]),
        ("Objectives", [x.description for x in g.objectives]),
        ("Interventions", [x.description for x in g.interventions]),
    ):
        common.out(f"{title}:")
        for i, text in enumerate(items):
            common.out(f"  [{i}] {text}")
    return 0


def _ratings_from_args(args: argparse.Namespace) -> list[dict[str, str]]:
    if args.file is not None:
        if args.objective or args.rating or args.comment:
            raise InvalidInputError("Give ratings with --file or with --objective/--rating.")
        data = read_json_file(args.file, "ratings file")
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InvalidInputError("The ratings file must hold a list of objects.")
        out = []
        for i, r in enumerate(data):
            if not all(
                isinstance(r.get(k, ""), str) for k in ("objective_id", "rating", "comment")
            ):
                raise InvalidInputError(f"Rating {i + 1}: objective_id, rating, comment are text.")
            out.append(
                {
                    "objective_id": r.get("objective_id", ""),
                    "rating": r.get("rating", ""),
                    "comment": r.get("comment", ""),
                }
            )
        return out
    if len(args.objective) != len(args.rating):
        raise InvalidInputError("Give --objective and --rating in pairs.")
    if args.comment and len(args.comment) != len(args.objective):
        raise InvalidInputError("Give one --comment per rating (or none).")
    comments = args.comment or [""] * len(args.objective)
    return [
        {"objective_id": o, "rating": r, "comment": c}
        for o, r, c in zip(args.objective, args.rating, comments, strict=True)
    ]


def run_rate(args: argparse.Namespace) -> int:
    ratings = _ratings_from_args(args)
    if not ratings and not args.replace:
        raise InvalidInputError("Nothing to rate: give --objective and --rating.")
    with common.unlocked(args) as ws:
        note = ws.notes.get(args.id)
        plan = ws.plans.current_signed(note.client_id) or ws.plans.latest(note.client_id)
        labels = _labels(plan) if plan else {}
        for r in ratings:
            r["objective_id"] = labels.get(r["objective_id"], r["objective_id"])
        chosen = {r["objective_id"] for r in ratings}
        kept = (
            []
            if args.replace
            else [
                {k: str(v) for k, v in r.items() if k in ("objective_id", "rating", "comment")}
                for r in note.goal_progress
                if r.get("objective_id") not in chosen and r.get("objective_id") in labels.values()
            ]
        )
        updated = ws.plans.rate(note.id, [*kept, *ratings])
    common.info(f"The note now rates {len(updated.goal_progress)} objective(s).")
    return 0
