"""The caseload outcome report as pure functions: every figure computed from plain scores, so
each can be checked by hand (tests/core/test_outcomes.py). Definitions (docs/measures.md,
"The outcome report"):

* the report covers a date range, both ends included; only scores inside it count;
* a client is **measured** on an outcome when they have at least one score in the range;
  their **baseline** is their first score in the range and their **latest** the last one
  (by date, then by when it was entered);
* baseline and latest **means**, the **mean change** (latest − baseline) and every **rate**
  are over the clients with two or more scores in the range, so that mean change equals
  latest mean − baseline mean; a rate is None when there is no such client, or when the
  instrument has no such rule (outcome_rules.py);
* the **measurement rate** is over the clients **active** on the last day of the range —
  admitted on or before it (or with no admission date) and not discharged on or before it:
  the share of them with a score of this outcome in the 30 days ending that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from noteapp.domain.outcome_rules import OutcomeRules

MEASUREMENT_WINDOW_DAYS = 30


@dataclass(frozen=True)
class OutcomeDef:
    """One outcome of the report: an instrument's total, or one of its subscales."""

    id: str  # "phq9", "dass21/depression"
    name: str  # "PHQ-9", "DASS-21 Depression"
    rules: OutcomeRules


@dataclass(frozen=True)
class OutcomeScore:
    client_id: str
    on: date
    score: int
    order: str = ""  # tie-break on one day: when it was entered


@dataclass(frozen=True)
class CaseloadClient:
    id: str
    diagnosis_group: str
    admitted_on: date | None = None
    discharged: bool = False
    discharged_on: date | None = None
    clinician: str | None = None  # with agency data (a later issue); None in one vault

    def active_on(self, day: date) -> bool:
        if self.admitted_on is not None and self.admitted_on > day:
            return False
        if self.discharged:
            # Discharged without a date: not active. Discharged later: active that day.
            return self.discharged_on is not None and self.discharged_on > day
        return True


@dataclass(frozen=True)
class ClientOutcome:
    client_id: str
    count: int
    baseline_on: date
    baseline: int
    latest_on: date
    latest: int
    responded: bool | None
    remitted: bool | None
    improved: bool | None
    deteriorated: bool | None

    @property
    def change(self) -> int | None:
        """Latest − baseline, with two or more scores (negative: fewer symptoms)."""
        return self.latest - self.baseline if self.count >= 2 else None


@dataclass(frozen=True)
class Figures:
    clients_measured: int
    clients_with_two_or_more: int
    baseline_mean: float | None
    latest_mean: float | None
    mean_change: float | None
    response_rate: float | None
    remission_rate: float | None
    reliable_improvement_rate: float | None
    reliable_deterioration_rate: float | None
    measurement_rate: float | None
    active_clients: int
    measured_recently: int  # active clients with a score in the last 30 days


@dataclass(frozen=True)
class PeriodPoint:
    """Figures as of the end of one month (or quarter, or year) of the range."""

    start: date
    end: date
    clients_with_two_or_more: int
    response_rate: float | None
    remission_rate: float | None
    measurement_rate: float | None


@dataclass(frozen=True)
class OutcomeRow:
    outcome: OutcomeDef
    figures: Figures
    clients: tuple[ClientOutcome, ...]
    by_diagnosis_group: tuple[tuple[str, Figures], ...]
    by_clinician: tuple[tuple[str, Figures], ...] | None
    over_time: tuple[PeriodPoint, ...]

    @property
    def changes(self) -> tuple[int, ...]:
        """Each client's change (two or more scores): the distribution chart."""
        return tuple(c.change for c in self.clients if c.change is not None)


def client_outcomes(
    scores: Iterable[OutcomeScore], rules: OutcomeRules, start: date, end: date
) -> tuple[ClientOutcome, ...]:
    """Baseline and latest per client from the scores dated start..end (both included)."""
    by_client: dict[str, list[OutcomeScore]] = defaultdict(list)
    for s in scores:
        if start <= s.on <= end:
            by_client[s.client_id].append(s)
    out = []
    for client_id, series in sorted(by_client.items()):
        series.sort(key=lambda s: (s.on, s.order))
        first, last = series[0], series[-1]
        two = len(series) >= 2
        out.append(
            ClientOutcome(
                client_id=client_id,
                count=len(series),
                baseline_on=first.on,
                baseline=first.score,
                latest_on=last.on,
                latest=last.score,
                responded=rules.responded(first.score, last.score) if two else None,
                remitted=rules.remitted(last.score) if two else None,
                improved=rules.reliably_improved(first.score, last.score) if two else None,
                deteriorated=rules.reliably_deteriorated(first.score, last.score) if two else None,
            )
        )
    return tuple(out)


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _rate(flags: Sequence[bool | None], denominator: int) -> float | None:
    if denominator == 0 or any(f is None for f in flags):
        return None
    return sum(1 for f in flags if f) / denominator


def figures(
    outcomes: Sequence[ClientOutcome],
    scores: Sequence[OutcomeScore],
    clients: Sequence[CaseloadClient],
    end: date,
    rules: OutcomeRules,
) -> Figures:
    """Every figure of one outcome over `outcomes` (one group's clients) as of `end`."""
    two = [o for o in outcomes if o.count >= 2]
    n = len(two)
    active = {c.id for c in clients if c.active_on(end)}
    window_start = end - timedelta(days=MEASUREMENT_WINDOW_DAYS - 1)
    recent = {s.client_id for s in scores if window_start <= s.on <= end} & active
    has = (
        rules.response_percent is not None,
        rules.has_remission,
        rules.reliable_change is not None,
    )
    return Figures(
        clients_measured=len(outcomes),
        clients_with_two_or_more=n,
        baseline_mean=_mean([o.baseline for o in two]),
        latest_mean=_mean([o.latest for o in two]),
        mean_change=_mean([o.latest - o.baseline for o in two]),
        response_rate=_rate([o.responded for o in two], n) if has[0] else None,
        remission_rate=_rate([o.remitted for o in two], n) if has[1] else None,
        reliable_improvement_rate=_rate([o.improved for o in two], n) if has[2] else None,
        reliable_deterioration_rate=_rate([o.deteriorated for o in two], n) if has[2] else None,
        measurement_rate=len(recent) / len(active) if active else None,
        active_clients=len(active),
        measured_recently=len(recent),
    )


def _grouped(
    key: Callable[[CaseloadClient], str | None],
    outcomes: Sequence[ClientOutcome],
    scores: Sequence[OutcomeScore],
    clients: Sequence[CaseloadClient],
    end: date,
    rules: OutcomeRules,
) -> tuple[tuple[str, Figures], ...]:
    groups: dict[str, list[CaseloadClient]] = defaultdict(list)
    for c in clients:
        label = key(c)
        if label is not None:
            groups[label].append(c)
    out = []
    for label in sorted(groups):
        ids = {c.id for c in groups[label]}
        mine = [o for o in outcomes if o.client_id in ids]
        if not mine:
            continue  # a group with nobody measured says nothing about this outcome
        sc = [s for s in scores if s.client_id in ids]
        out.append((label, figures(mine, sc, groups[label], end, rules)))
    return tuple(out)


def periods(start: date, end: date) -> list[tuple[date, date]]:
    """Calendar months of the range (quarters past 3 years, years past 12), clipped to it."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 1 if months <= 36 else 3 if months <= 144 else 12
    first_month = (start.month - 1) // step * step + 1
    cursor = date(start.year, first_month, 1)
    out = []
    while cursor <= end:
        month_index = cursor.month - 1 + step
        following = date(cursor.year + month_index // 12, month_index % 12 + 1, 1)
        out.append((max(cursor, start), min(following - timedelta(days=1), end)))
        cursor = following
    return out


def outcome_row(
    outcome: OutcomeDef,
    scores: Sequence[OutcomeScore],
    clients: Sequence[CaseloadClient],
    start: date,
    end: date,
) -> OutcomeRow:
    """The report's row for one outcome: figures, groups, per-client detail, over time."""
    known = {c.id for c in clients}
    scores = [s for s in scores if s.client_id in known]
    rules = outcome.rules
    outcomes = client_outcomes(scores, rules, start, end)
    over_time = []
    for p_start, p_end in periods(start, end):
        so_far = client_outcomes(scores, rules, start, p_end)
        f = figures(so_far, scores, clients, p_end, rules)
        over_time.append(
            PeriodPoint(
                p_start,
                p_end,
                f.clients_with_two_or_more,
                f.response_rate,
                f.remission_rate,
                f.measurement_rate,
            )
        )
    by_clinician = None
    if any(c.clinician for c in clients):
        by_clinician = _grouped(lambda c: c.clinician, outcomes, scores, clients, end, rules)
    return OutcomeRow(
        outcome=outcome,
        figures=figures(outcomes, scores, clients, end, rules),
        clients=outcomes,
        by_diagnosis_group=_grouped(
            lambda c: c.diagnosis_group, outcomes, scores, clients, end, rules
        ),
        by_clinician=by_clinician,
        over_time=tuple(over_time),
    )
