"""The outcome report as a document for a board or a funder: a summary table, the
measurement-rate chart, then per outcome its groups, its charts and the sources of its
thresholds. Aggregates only — and a diagnosis group with fewer than SMALL_GROUP clients shows
its counts but not its means and rates, so that nobody in a small group can be recognised
from a figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from noteapp.domain.chart_spec import change_histogram, measurement_rates, rates_over_time
from noteapp.domain.outcomes import Figures, OutcomeRow
from noteapp.domain.report_doc import Block, Heading, Para, Picture, ReportDocument, TableBlock
from noteapp.export.charts import bar_list_png, histogram_png, line_chart_png

SMALL_GROUP = 5
HIDDEN = "n<5"

COLUMNS = (
    "Measured",
    "2+ scores",
    "Baseline mean",
    "Latest mean",
    "Mean change",
    "Response",
    "Remission",
    "Reliable improvement",
    "Reliable deterioration",
    "Measured in 30 days",
)

DEFINITIONS = (
    "Only scores dated within the period count. Baseline is each client's first score in "
    "the period and latest their last; means, mean change and rates are over the clients "
    "with two or more scores. Response: an improvement of at least 50 % of the room to "
    "improve at baseline (for scales starting at 0, a fall of at least 50 %). Remission: the "
    "latest score below the instrument's threshold. Reliable improvement or deterioration: a "
    "change of at least the instrument's reliable-change threshold. Measured in 30 days: the "
    "share of clients active on the last day of the period with a score in the 30 days "
    "ending that day. — means not applicable (no such rule, or nobody to count)."
)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def num(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f}" if signed else f"{value:.1f}"


def figure_cells(f: Figures, *, hide: bool = False) -> tuple[str, ...]:
    counts = (str(f.clients_measured), str(f.clients_with_two_or_more))
    if hide:
        return (*counts, *([HIDDEN] * 7), pct(f.measurement_rate))
    return (
        *counts,
        num(f.baseline_mean),
        num(f.latest_mean),
        num(f.mean_change, signed=True),
        pct(f.response_rate),
        pct(f.remission_rate),
        pct(f.reliable_improvement_rate),
        pct(f.reliable_deterioration_rate),
        pct(f.measurement_rate),
    )


def _thresholds(row: OutcomeRow) -> list[Block]:
    rules = row.outcome.rules
    lines = []
    if rules.remission_below is not None:
        lines.append(f"Remission: below {rules.remission_below}. {rules.remission_source}")
    if rules.remission_at_or_above is not None:
        lines.append(f"Remission: {rules.remission_at_or_above} or more. {rules.remission_source}")
    if rules.reliable_change is not None:
        lines.append(
            f"Reliable change: {rules.reliable_change} points or more. "
            f"{rules.reliable_change_source}"
        )
    else:
        lines.append("No published reliable-change threshold is encoded for this instrument.")
    return [Para(text, small=True) for text in lines]


def report_document(
    rows: Sequence[OutcomeRow], start: date, end: date, generated_on: date
) -> ReportDocument:
    period = f"{start:%d %b %Y} – {end:%d %b %Y}"
    blocks: list[Block] = [Para(DEFINITIONS, small=True), Heading("Summary", 1)]
    if not rows:
        blocks.append(Para("No client has a score in this period."))
    else:
        blocks.append(
            TableBlock(
                ("Outcome", *COLUMNS),
                tuple((r.outcome.name, *figure_cells(r.figures)) for r in rows),
            )
        )
        spec = measurement_rates(tuple(rows))
        blocks.append(Picture(bar_list_png(spec), spec.description))
    for row in rows:
        blocks.append(Heading(row.outcome.name, 1))
        groups = list(row.by_diagnosis_group)
        if groups:
            blocks.append(Heading("By diagnosis group (primary diagnosis)", 2))
            table_rows = tuple(
                (label, *figure_cells(f, hide=f.clients_with_two_or_more < SMALL_GROUP))
                for label, f in groups
            )
            blocks.append(TableBlock(("Group", *COLUMNS), table_rows))
            if any(f.clients_with_two_or_more < SMALL_GROUP for _label, f in groups):
                blocks.append(
                    Para(
                        f"{HIDDEN}: fewer than {SMALL_GROUP} clients with two scores — means "
                        "and rates are not shown, so that no one can be recognised.",
                        small=True,
                    )
                )
        if row.by_clinician:
            blocks.append(Heading("By clinician", 2))
            blocks.append(
                TableBlock(
                    ("Clinician", *COLUMNS),
                    tuple((label, *figure_cells(f)) for label, f in row.by_clinician),
                )
            )
        hist = change_histogram(row)
        blocks.append(Picture(histogram_png(hist), hist.description))
        line = rates_over_time(row)
        blocks.append(Picture(line_chart_png(line), line.description))
        blocks.extend(_thresholds(row))
    return ReportDocument(
        title="Outcome report",
        subtitle=f"{period} · made {generated_on:%d %b %Y} · aggregate figures, no client is named",
        blocks=tuple(blocks),
        footer="noteapp outcome report — aggregate figures only",
    )
