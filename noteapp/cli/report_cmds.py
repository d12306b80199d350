"""`noteapp report outcomes`: the caseload outcome report (docs/measures.md, "The outcome
report"). Figures come from OutcomeService; this module only prints and writes them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from noteapp.domain.outcomes import Figures, OutcomeRow

EPILOG = """\
Per outcome (an instrument's total, or a subscale such as DASS-21 Depression), over the
clients with a score in the period: clients measured and with two or more scores;
baseline (first score in the period) and latest means and the mean change; response,
remission, reliable improvement and deterioration rates (over clients with two or more
scores; empty where the instrument has no such rule); the measurement rate (active
clients on the last day with a score in the 30 days before). By diagnosis group (the
ICD-10-CM block of the primary diagnosis).

--from defaults to the first score in the vault, --to to today.
--csv FILE writes one de-identified row per client and outcome: a random key made for this
report, months instead of dates, no names, codes or dates of birth.
--docx FILE writes the Word report with its charts (groups of fewer than 5 clients show
counts only). Neither overwrites an existing file.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "report", "reports across the caseload")
    cmd = common.add_command(
        group,
        CommandSpec(
            "outcomes", "outcomes per instrument over a date range", run_outcomes, epilog=EPILOG
        ),
    )
    cmd.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (included)")
    cmd.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day (included)")
    cmd.add_argument("--instrument", metavar="ID", help="one instrument (or subscale) only")
    cmd.add_argument("--csv", type=Path, metavar="FILE", help="write the de-identified CSV")
    cmd.add_argument("--docx", type=Path, metavar="FILE", help="write the Word report")
    common.add_json_flag(cmd)


def _r(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def figures_json(f: Figures) -> dict[str, Any]:
    return {
        "clients_measured": f.clients_measured,
        "clients_with_two_or_more": f.clients_with_two_or_more,
        "baseline_mean": _r(f.baseline_mean, 2),
        "latest_mean": _r(f.latest_mean, 2),
        "mean_change": _r(f.mean_change, 2),
        "response_rate": _r(f.response_rate, 4),
        "remission_rate": _r(f.remission_rate, 4),
        "reliable_improvement_rate": _r(f.reliable_improvement_rate, 4),
        "reliable_deterioration_rate": _r(f.reliable_deterioration_rate, 4),
        "measurement_rate": _r(f.measurement_rate, 4),
        "active_clients": f.active_clients,
        "measured_in_last_30_days": f.measured_recently,
    }


def row_json(row: OutcomeRow, start: str, end: str) -> dict[str, Any]:
    rules = row.outcome.rules
    return {
        "instrument": row.outcome.id,
        "name": row.outcome.name,
        "from": start,
        "to": end,
        **figures_json(row.figures),
        "remission_below": rules.remission_below,
        "reliable_change": rules.reliable_change,
        "by_diagnosis_group": [
            {"group": label, **figures_json(f)} for label, f in row.by_diagnosis_group
        ],
        "by_clinician": (
            None
            if row.by_clinician is None
            else [{"clinician": label, **figures_json(f)} for label, f in row.by_clinician]
        ),
    }


def run_outcomes(args: argparse.Namespace) -> int:
    from noteapp.services.outcome_document import COLUMNS, figure_cells

    start = common.parse_date(args.start, "--from date")
    end = common.parse_date(args.end, "--to date")
    for target in (args.csv, args.docx):
        if target is not None and target.exists():
            raise InvalidInputError(f"{target} exists already; choose another file name.")
    with common.unlocked(args) as ws:
        report = ws.outcomes.report(start=start, end=end, instrument=args.instrument)
        if args.csv is not None:
            count = ws.outcomes.write_csv(report, args.csv)
            common.info(f"Wrote {count} de-identified rows to {args.csv}.")
        if args.docx is not None:
            ws.outcomes.write_docx(report, args.docx)
            common.info(f"Wrote the Word report to {args.docx}.")
    first, last = report.start.isoformat(), report.end.isoformat()
    if args.json:
        common.emit_json([row_json(r, first, last) for r in report.rows])
        return 0
    common.out(f"Outcomes {first} to {last} ({report.active_clients} active clients on {last})")
    if not report.rows:
        common.info("No client has a score in this period.")
        return 0
    headers = ("OUTCOME", *(c.upper() for c in COLUMNS))
    rows = [(r.outcome.name, *figure_cells(r.figures)) for r in report.rows]
    common.out(common.table(headers, rows))
    return 0
