"""`noteapp measure …` (outcome measures) and `noteapp note risk` (the structured risk
assessment of a draft note). See docs/measures.md. Services are imported inside the run
functions (fast CLI start)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from noteapp.domain.measures import Measure, Trend

ADD_EPILOG = """\
Give the item answers in order, comma-separated (PHQ-9: nine answers 0-3), or --total N
for a total copied from a paper form (no item answers: item flags cannot be known). A wrong
count, an answer out of range or a non-number is refused (exit 2) and nothing is stored.
PHQ-9 item 9 above 0 raises a risk flag: the client's next note needs a completed risk
assessment and a current safety plan (or an override reason) before it can be signed.
"""

RISK_EPILOG = """\
FILE.json holds one object (docs/measures.md):
  {"suicidal_ideation": {"present": true, "plan": false, "intent": false, "means": false,
                         "history": true, "notes": "passive thoughts last week"},
   "homicidal_ideation": {"present": false},
   "self_harm": {"present": false, "history": true},
   "protective_factors": "children; engaged in treatment",
   "risk_level": "low",            (low | moderate | high | imminent)
   "actions_taken": "Safety plan reviewed; crisis line 988 given."}
Answers are true/false (or "yes"/"no"); null or missing means not answered yet. The
assessment is complete when every presence is answered, where present plan, intent, means
and history are answered, and a risk level and the actions taken are filled in.
--clear removes the section from the draft.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "measure", "outcome measures: give, list, trend")

    add = common.add_command(
        group,
        CommandSpec(
            "add",
            "score a measure; prints the total, the severity band and any flag",
            run_add,
            epilog=ADD_EPILOG,
        ),
    )
    add.add_argument("--client", required=True, metavar="ID", help="client id or code")
    add.add_argument(
        "--instrument", required=True, metavar="NAME", help="phq9, gad7, pcl5 or auditc"
    )
    how = add.add_mutually_exclusive_group(required=True)
    how.add_argument("--answers", metavar="0,1,2,…", help="the item answers, in order")
    how.add_argument("--total", metavar="N", help="a total only, from a paper form")
    add.add_argument(
        "--paper", action="store_true", help="entered from a paper form (implied by --total)"
    )
    add.add_argument("--date", metavar="YYYY-MM-DD", help="when it was given (default: today)")
    add.add_argument("--note", metavar="NOTE_ID", default="", help="the note it belongs to")
    add.add_argument(
        "--difficulty",
        metavar="TEXT",
        default="",
        help='PHQ-9\'s unscored last question, e.g. "Somewhat difficult"',
    )
    common.add_json_flag(add)

    lst = common.add_command(
        group, CommandSpec("list", "a client's measures, oldest first", run_list)
    )
    lst.add_argument("--client", required=True, metavar="ID", help="client id or code")
    lst.add_argument("--instrument", metavar="NAME", help="only this instrument")
    common.add_json_flag(lst)

    trend = common.add_command(
        group,
        CommandSpec(
            "trend",
            "scores over time with change since baseline and since last, response, remission",
            run_trend,
        ),
    )
    trend.add_argument("--client", required=True, metavar="ID", help="client id or code")
    trend.add_argument("--instrument", required=True, metavar="NAME")
    common.add_json_flag(trend)

    flags = common.add_command(
        group, CommandSpec("flags", "open risk flags (every client, or one)", run_flags)
    )
    flags.add_argument("--client", metavar="ID", help="client id or code")
    common.add_json_flag(flags)

    delete = common.add_command(
        group, CommandSpec("delete", "delete a measure entered by mistake (audited)", run_delete)
    )
    delete.add_argument("id", metavar="MEASURE_ID")
    delete.add_argument("--reason", required=True, metavar="TEXT")


def register_note_commands(group: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    risk = common.add_command(
        group,
        CommandSpec(
            "risk",
            "set the structured risk assessment of a draft note",
            run_risk,
            epilog=RISK_EPILOG,
        ),
    )
    risk.add_argument("id", metavar="NOTE_ID")
    what = risk.add_mutually_exclusive_group(required=True)
    what.add_argument("--file", type=Path, metavar="FILE.json")
    what.add_argument("--clear", action="store_true", help="remove the section")


# --- output ----------------------------------------------------------------------------


def measure_json(m: Measure) -> dict[str, Any]:
    return {
        "id": m.id,
        "instrument": m.instrument,
        "name": m.name,
        "total": m.total,
        "severity": m.severity,
        "flags": list(m.flags),
        "flag_labels": list(m.flag_labels),
        "risk": m.risk,
        "risk_open": m.open_risk,
        "date": m.on.isoformat(),
        "difficulty": m.difficulty or None,
        "mode": m.mode.value,
        "total_only": m.total_only,
        "answers": list(m.answers) if m.answers is not None else None,
        "note_id": m.note_id,
        "addressed_by": m.addressed_by or None,
        "addressed_how": m.addressed_how or None,
    }


def trend_json(t: Trend) -> dict[str, Any]:
    def point(p: Any) -> dict[str, Any] | None:
        if p is None:
            return None
        return {
            "id": p.measure_id,
            "date": p.on.isoformat(),
            "total": p.total,
            "severity": p.severity,
            "risk": p.risk,
        }

    return {
        "client_id": t.client_id,
        "instrument": t.instrument,
        "name": t.name,
        "points": [point(p) for p in t.points],
        "baseline": point(t.baseline),
        "latest": point(t.latest),
        "change_since_baseline": t.change_since_baseline,
        "change_since_last": t.change_since_last,
        "response": t.response,
        "remission": t.remission,
        "remission_below": t.remission_below,
        "bands": [{"min": lo, "max": hi, "label": label} for lo, hi, label in t.bands],
    }


def _line(m: Measure) -> str:
    text = f"{m.name} total {m.total} — {m.severity}."
    if m.total_only:
        text += " (Total from paper.)"
    for label in m.flag_labels:
        text += f" FLAG: {label}" + (" (risk)" if m.risk else "")
    return text


def _answers(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace(" ", ",").split(",")]
    if parts and parts[-1] == "" and len(parts) > 1:
        parts = parts[:-1]  # a trailing comma
    return parts


# --- commands --------------------------------------------------------------------------


def run_add(args: argparse.Namespace) -> int:
    on = common.parse_date(args.date, "measure date")
    answers = _answers(args.answers) if args.answers is not None else None
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        note_id = ws.notes.get(args.note).id if args.note else ""
        m = ws.measures.add(
            client_id=client.id,
            instrument=args.instrument,
            answers=answers,
            total=args.total,
            on=on,
            mode="paper" if args.paper or args.total is not None else "in-session",
            note_id=note_id,
            difficulty=args.difficulty,
        )
    if args.json:
        common.emit_json(measure_json(m))
        return 0
    common.out(_line(m))
    common.info(f"Saved as {m.id}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        items = ws.measures.list(client.id, args.instrument)
        gaps = common.gaps_of(ws, "measure", client.id)  # named on stderr already
    if args.json:
        common.emit_json([measure_json(m) for m in items])
        return common.damaged_exit(gaps)
    if not items:
        common.info("No measures for this client yet.")
        return common.damaged_exit(gaps)
    rows = [
        (
            m.on.isoformat(),
            m.name,
            str(m.total) + (" (paper total)" if m.total_only else ""),
            m.severity,
            ("RISK (open)" if m.open_risk else "risk (addressed)") if m.risk else "",
            m.id,
        )
        for m in items
    ]
    common.out(common.table(("DATE", "INSTRUMENT", "TOTAL", "SEVERITY", "FLAG", "ID"), rows))
    return common.damaged_exit(gaps)


def run_trend(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        client = ws.clients.get(args.client)
        t = ws.measures.trend(client.id, args.instrument)
        gaps = common.gaps_of(ws, "measure", client.id)
    if args.json:
        common.emit_json(trend_json(t))
        return common.damaged_exit(gaps)
    if not t.points:
        common.info(f"No {t.name} scores for this client yet.")
        return common.damaged_exit(gaps)
    for p in t.points:
        common.out(
            f"{p.on.isoformat()}  {p.total:>3}  {p.severity}" + ("  (risk)" if p.risk else "")
        )
    baseline, latest = t.baseline, t.latest
    assert baseline is not None and latest is not None
    summary = f"Baseline {baseline.total}, latest {latest.total} ({latest.severity})"
    if t.change_since_baseline is not None and t.change_since_last is not None:
        summary += (
            f"; change since baseline {t.change_since_baseline:+d}, since last "
            f"{t.change_since_last:+d}"
        )
    summary += "; response: " + ("yes" if t.response else "no")
    if t.remission_below is not None:
        summary += "; remission: " + ("yes" if t.remission else "no")
    common.out(summary + ".")
    return common.damaged_exit(gaps)


def run_flags(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        cid = ws.clients.get(args.client).id if args.client else None
        flags = ws.measures.open_risk_flags(cid)
        names = {m.client_id: ws.clients.get(m.client_id).name for m in flags}
    if args.json:
        common.emit_json([{**measure_json(m), "client_id": m.client_id} for m in flags])
        return 0
    if not flags:
        common.info("No open risk flags.")
        return 0
    rows = [(m.on.isoformat(), names[m.client_id], m.name, str(m.total), m.id) for m in flags]
    common.out(common.table(("DATE", "CLIENT", "INSTRUMENT", "TOTAL", "ID"), rows))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise InvalidInputError("Say why the measure is deleted (--reason).")
    with common.unlocked(args) as ws:
        m = ws.measures.get(args.id)
        ws.measures.delete(m.id, reason=args.reason)
    common.info(f"Deleted the {m.name} of {m.on.isoformat()}.")
    return 0


def run_risk(args: argparse.Namespace) -> int:
    from noteapp.cli.plan_cmds import read_json_file
    from noteapp.domain.notes import risk_assessment_from_dict

    assessment = None
    if args.file is not None:
        assessment = risk_assessment_from_dict(read_json_file(args.file, "risk assessment file"))
    with common.unlocked(args) as ws:
        note = ws.notes.get(args.id)
        if assessment is None:
            ws.notes.save(note.id, clear_risk_assessment=True)
            common.info("The risk assessment section was removed.")
            return 0
        ws.notes.save(note.id, risk_assessment=assessment)
    missing = assessment.missing()
    if missing:
        common.info("Saved. Not complete yet: " + "; ".join(missing) + ".")
    else:
        common.info("Saved. The risk assessment is complete.")
    return 0
