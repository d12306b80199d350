"""The outcome report's de-identified CSV: one row per client and outcome, for funders.

What it leaves out, on purpose: names, dates of birth, client codes and ids (each client
is a random key made for this report alone, so two reports cannot be joined), and exact
dates (baseline and latest are given as a month; the time between them in whole weeks).
Diagnoses appear only as the ICD-10-CM block. Rows are sorted by key, so their order says
nothing about the caseload's order either.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date

from noteapp.domain.outcomes import OutcomeRow

COLUMNS = (
    "report_key",
    "outcome",
    "diagnosis_group",
    "period_from",
    "period_to",
    "scores_in_period",
    "baseline_month",
    "baseline",
    "latest_month",
    "latest",
    "change",
    "weeks_between",
    "response",
    "remission",
    "reliable_improvement",
    "reliable_deterioration",
)

# A cell a spreadsheet would run as a formula (CSV injection, OWASP): kept as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def csv_rows(
    rows: Sequence[OutcomeRow],
    *,
    keys: Mapping[str, str],
    groups: Mapping[str, str],
    start: date,
    end: date,
) -> list[list[str | int]]:
    """The data rows (without the header). `keys` maps client id → this report's key."""
    out: list[list[str | int]] = []
    for row in rows:
        for c in row.clients:
            two = c.count >= 2
            out.append(
                [
                    keys[c.client_id],
                    _text(row.outcome.name),
                    _text(groups.get(c.client_id, "")),
                    start.isoformat(),
                    end.isoformat(),
                    c.count,
                    c.baseline_on.strftime("%Y-%m"),
                    c.baseline,
                    c.latest_on.strftime("%Y-%m"),
                    c.latest,
                    c.latest - c.baseline if two else "",
                    (c.latest_on - c.baseline_on).days // 7 if two else "",
                    _yes_no(c.responded),
                    _yes_no(c.remitted),
                    _yes_no(c.improved),
                    _yes_no(c.deteriorated),
                ]
            )
    out.sort(key=lambda r: (str(r[0]), str(r[1])))
    return out


def csv_text(data: list[list[str | int]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(data)
    return buffer.getvalue()
