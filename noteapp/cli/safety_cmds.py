"""`noteapp safety-plan …`: show, import, sign, revise, export (clinical or the client copy),
and the crisis-line defaults. The JSON shape is in docs/safety-plans.md. Services are
imported inside the run functions (fast CLI start).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.cli.plan_cmds import read_json_file
from noteapp.domain.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from noteapp.domain.safety_plan import SafetyPlan
    from noteapp.services.workspace import Workspace

IMPORT_EPILOG = """\
The file holds one JSON object in the shape described in docs/safety-plans.md:
warning_signs, internal_coping, environment_safety and reasons_for_living are lists of
text; distractions, people_to_ask and professionals are lists of {"name", "phone",
"role"} (or just a name as text); crisis_lines is a list of {"name", "number", "action",
"notes"} and, when left out, the crisis-line defaults are used. It is checked as a whole:
every problem is reported with its path (e.g. professionals[1].phone) and nothing is
stored unless all of it is valid. It replaces the client's draft, or starts the next
version after a signed one. Prints the version's id.
"""

CRISIS_EPILOG = """\
Without --file, prints the defaults new safety plans start with. --file FILE.json sets
them (a list of {"name", "number", "action", "notes"}, e.g. for another country or your
agency); --reset goes back to the shipped defaults (US: 988, Crisis Text Line, 911).
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(
        subparsers, "safety-plan", "safety plans: show, import, sign, revise, export"
    )
    show = common.add_command(
        group, CommandSpec("show", "show a client's safety plan (latest version)", run_show)
    )
    _client(show)
    show.add_argument("--version", type=int, metavar="N", help="a version (default: latest)")
    common.add_json_flag(show)

    imp = common.add_command(
        group,
        CommandSpec(
            "import",
            "import a safety plan from JSON (a draft); prints its id",
            run_import,
            epilog=IMPORT_EPILOG,
        ),
    )
    _client(imp)
    imp.add_argument("file", type=Path, metavar="FILE.json")

    sign = common.add_command(
        group,
        CommandSpec(
            "sign", "sign and lock the draft version; exit 2 with what is missing", run_sign
        ),
    )
    _client(sign)

    revise = common.add_command(
        group,
        CommandSpec("revise", "start the next version as a draft; prints its id", run_revise),
    )
    _client(revise)

    export = common.add_command(
        group,
        CommandSpec(
            "export",
            "export the current signed version to Word (or the client's large-print copy)",
            run_export,
        ),
    )
    _client(export)
    export.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE.docx",
        help="a .docx file, or a folder (the default name uses the client code)",
    )
    export.add_argument(
        "--client-copy",
        action="store_true",
        help="the client's copy: plain, large print, no codes or signatures",
    )
    export.add_argument(
        "--encrypt",
        action="store_true",
        help="password-protect the clinical export (password from $NOTEAPP_EXPORT_PASSWORD "
        "or a prompt)",
    )

    lines = common.add_command(
        group,
        CommandSpec(
            "crisis-lines",
            "the crisis-line defaults for new safety plans",
            run_crisis_lines,
            epilog=CRISIS_EPILOG,
        ),
    )
    how = lines.add_mutually_exclusive_group()
    how.add_argument("--file", type=Path, metavar="FILE.json", help="set the defaults")
    how.add_argument("--reset", action="store_true", help="back to the shipped defaults")
    common.add_json_flag(lines)


def _client(p: argparse.ArgumentParser) -> None:
    p.add_argument("--client", required=True, metavar="ID", help="client id or code")


def _passphrase(args: argparse.Namespace) -> str | None:
    value = getattr(args, "unlock_passphrase", None)
    return value if isinstance(value, str) else None


def _plan(ws: Workspace, client_ref: str, version: int | None = None) -> SafetyPlan:
    client = ws.clients.get(client_ref)
    versions = ws.safety_plans.versions(client.id)
    if not versions:
        raise NotFoundError("This client has no safety plan yet (see 'safety-plan import').")
    if version is None:
        return versions[-1]
    for p in versions:
        if p.version == version:
            return p
    raise NotFoundError(f"This client's safety plan has no version {version}.")


def safety_plan_json(plan: SafetyPlan) -> dict[str, Any]:
    """The import shape plus what the vault decides (id, version, status, dates)."""
    from noteapp.domain.safety_plan import content_to_dict

    return {
        "id": plan.id,
        "client_id": plan.client_id,
        "version": plan.version,
        "status": plan.status.value,
        "created_on": plan.created_on.isoformat() if plan.created_on else None,
        "signed_on": plan.signed_on.isoformat() if plan.signed_on else None,
        **content_to_dict(plan),
    }


def run_show(args: argparse.Namespace) -> int:
    from noteapp.domain.document import document_plain_text

    with common.unlocked(args) as ws:
        plan = _plan(ws, args.client, args.version)
        # A damaged version may be the newest: what is shown could be out of date.
        gaps = common.gaps_of(ws, "safety_plan", plan.client_id)
        if args.json:
            common.emit_json(safety_plan_json(plan))
            return common.damaged_exit(gaps)
        text = document_plain_text(ws.safety_plans.render(plan))
        problems = [] if plan.is_signed else ws.safety_plans.validate_for_signing(plan)
    signed = f" on {plan.signed_on.isoformat()}" if plan.signed_on else ""
    common.out(f"{plan.status.value.capitalize()}{signed} · version {plan.version} · id {plan.id}")
    common.out(text)
    if problems:
        common.info("Before it can be signed: " + " ".join(problems))
    return common.damaged_exit(gaps)


def run_import(args: argparse.Namespace) -> int:
    data = read_json_file(args.file, "safety-plan file")
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        plan = ws.safety_plans.import_json(client.id, data)
        problems = ws.safety_plans.validate_for_signing(plan)
    common.out(plan.id)
    common.info(f"Safety plan version {plan.version} saved as a draft.")
    if problems:
        common.info("Before it can be signed: " + " ".join(problems))
    return 0


def run_sign(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        plan = _plan(ws, args.client)
        if plan.is_signed:
            raise InvalidInputError(
                f"Version {plan.version} is already signed; 'safety-plan revise' starts the next."
            )
        item = ws.safety_plans.sign(plan.id, passphrase=_passphrase(args))
    common.info(
        f"Signed and locked safety plan version {plan.version}. Hash {item.hash[:16]}, key "
        f"{item.fingerprint}."
    )
    return 0


def run_revise(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        before = _plan(ws, args.client)
        draft = ws.safety_plans.revise(before.client_id)
    common.out(draft.id)
    if before.id == draft.id:
        common.info(f"Version {draft.version} is already a draft.")
    else:
        common.info(f"Version {draft.version} started as a draft from the signed version.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"{out} exists already; choose another file name.")
    if args.encrypt and args.client_copy:
        raise InvalidInputError("The client copy is for the client to print; it is not encrypted.")
    password = common.read_export_password() if args.encrypt else None
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        plan = ws.safety_plans.current(client.id)
        if plan is None:
            raise NotFoundError(
                "This client has no signed safety plan; sign it first ('safety-plan sign')."
            )
        if out.is_dir():
            name = ws.exports.safety_plan_file_name(plan.id, client_copy=args.client_copy)
            if (out / name).exists():
                raise InvalidInputError(f"{out / name} exists already; choose another name.")
        if args.client_copy:
            written = ws.exports.export_client_copy(plan.id, out)
        else:
            written = ws.exports.export_safety_plan(plan.id, out, password=password)
    common.info(f"Wrote {written}" + (" (password-protected)." if password else "."))
    return 0


def run_crisis_lines(args: argparse.Namespace) -> int:
    from noteapp.domain.safety_plan import crisis_line_to_dict

    data = read_json_file(args.file, "crisis-lines file") if args.file else None
    with common.unlocked(args) as ws:
        if data is not None:
            lines = ws.safety_plans.save_crisis_line_defaults(data)
        elif args.reset:
            lines = ws.safety_plans.reset_crisis_line_defaults()
        else:
            lines = ws.safety_plans.crisis_line_defaults()
    if args.json:
        common.emit_json([crisis_line_to_dict(x) for x in lines])
        return 0
    rows = [(x.call, x.name, x.notes) for x in lines]
    common.out(common.table(("HOW", "NAME", "NOTES"), rows))
    return 0
