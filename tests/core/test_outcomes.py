"""The outcome report's figures against values computed by hand on a fixed synthetic
caseload (domain.outcomes): clients with one score, equal scores, a baseline of 0, two
scores on one day, scores outside the period, discharged and not-yet-admitted clients.

The caseload, PHQ-9 rules (remission below 5, reliable change 6), period 2025-01-01 to
2025-06-30 (scores marked * are outside it):

    A  mood      *2024-12-15 25, 01-10 20, 03-01 12, 06-20 8     20 → 8   (−12)
    B  mood      02-01 10, 05-01 4                                10 → 4   (−6)
    C  mood      04-01 15                                         one score
    D  anxiety   01-15 9, 06-15 9                                 9 → 9    (0)
    E  anxiety   02-10 0, 05-20 7                                 0 → 7    (+7)
    F  Z code    *2024-11-01 18, *2025-07-15 14                   not measured
    G  none      03-10 16 then 03-10 6 (entered later); discharged 2025-05-01
    H  mood      no scores; admitted 2025-01-01
    I  mood      no scores; admitted 2025-07-05 (after the period)
"""

from __future__ import annotations

from datetime import date

import pytest

from noteapp.domain.chart_spec import BarTone, change_histogram, measurement_rates
from noteapp.domain.outcome_rules import OutcomeRules
from noteapp.domain.outcomes import (
    CaseloadClient,
    OutcomeDef,
    OutcomeScore,
    outcome_row,
    periods,
)
from noteapp.domain.outcomes_csv import COLUMNS, csv_rows, csv_text

MOOD = "F30–F39 Mood (affective) disorders"
ANXIETY = "F40–F48 Anxiety, dissociative, stress-related and somatoform disorders"
NONE = "No diagnosis recorded"
Z = "Z00–Z99 Factors influencing health status (Z codes)"
PHQ9 = OutcomeRules(floor=0, ceiling=27, remission_below=5, reliable_change=6)
START, END = date(2025, 1, 1), date(2025, 6, 30)


def d(text: str) -> date:
    return date.fromisoformat(text)


CLIENTS = (
    CaseloadClient("A", MOOD),
    CaseloadClient("B", MOOD),
    CaseloadClient("C", MOOD),
    CaseloadClient("D", ANXIETY),
    CaseloadClient("E", ANXIETY),
    CaseloadClient("F", Z),
    CaseloadClient("G", NONE, discharged=True, discharged_on=d("2025-05-01")),
    CaseloadClient("H", MOOD, admitted_on=d("2025-01-01")),
    CaseloadClient("I", MOOD, admitted_on=d("2025-07-05")),
)
SCORES = (
    OutcomeScore("A", d("2024-12-15"), 25),
    OutcomeScore("A", d("2025-01-10"), 20),
    OutcomeScore("A", d("2025-03-01"), 12),
    OutcomeScore("A", d("2025-06-20"), 8),
    OutcomeScore("B", d("2025-02-01"), 10),
    OutcomeScore("B", d("2025-05-01"), 4),
    OutcomeScore("C", d("2025-04-01"), 15),
    OutcomeScore("D", d("2025-01-15"), 9),
    OutcomeScore("D", d("2025-06-15"), 9),
    OutcomeScore("E", d("2025-02-10"), 0),
    OutcomeScore("E", d("2025-05-20"), 7),
    OutcomeScore("F", d("2024-11-01"), 18),
    OutcomeScore("F", d("2025-07-15"), 14),
    # Entered in the other order on purpose: "when entered" decides within a day.
    OutcomeScore("G", d("2025-03-10"), 6, order="2025-03-10T15:00"),
    OutcomeScore("G", d("2025-03-10"), 16, order="2025-03-10T09:00"),
)


@pytest.fixture(scope="module")
def row():  # type: ignore[no-untyped-def]
    return outcome_row(OutcomeDef("phq9", "PHQ-9", PHQ9), SCORES, CLIENTS, START, END)


def test_every_overall_figure_matches_the_hand_computed_value(row) -> None:  # type: ignore[no-untyped-def]
    f = row.figures
    assert f.clients_measured == 6  # A B C D E G; F's scores are all outside the period
    assert f.clients_with_two_or_more == 5  # A B D E G
    assert f.baseline_mean == pytest.approx(55 / 5)  # 20 10 9 0 16
    assert f.latest_mean == pytest.approx(34 / 5)  # 8 4 9 7 6
    assert f.mean_change == pytest.approx(-21 / 5)  # −12 −6 0 +7 −10
    assert f.mean_change == pytest.approx(f.latest_mean - f.baseline_mean)
    assert f.response_rate == pytest.approx(3 / 5)  # A B G; D equal; E baseline 0
    assert f.remission_rate == pytest.approx(1 / 5)  # B (4); A 8, E 7, G 6 are not below 5
    assert f.reliable_improvement_rate == pytest.approx(3 / 5)  # A 12, B 6 (exactly), G 10
    assert f.reliable_deterioration_rate == pytest.approx(1 / 5)  # E +7
    # Active on 30 June: A B C D E F H (G discharged, I admitted later); recent: A, D.
    assert (f.active_clients, f.measured_recently) == (7, 2)
    assert f.measurement_rate == pytest.approx(2 / 7)


def test_each_client_baseline_and_latest(row) -> None:  # type: ignore[no-untyped-def]
    got = {c.client_id: (c.count, c.baseline, c.latest, c.change) for c in row.clients}
    assert got == {
        "A": (3, 20, 8, -12),
        "B": (2, 10, 4, -6),
        "C": (1, 15, 15, None),
        "D": (2, 9, 9, 0),
        "E": (2, 0, 7, 7),
        "G": (2, 16, 6, -10),
    }
    c = next(c for c in row.clients if c.client_id == "C")
    assert (c.responded, c.remitted, c.improved, c.deteriorated) == (None, None, None, None)
    e = next(c for c in row.clients if c.client_id == "E")
    assert e.responded is False  # a baseline of 0 leaves no room to respond
    assert sorted(row.changes) == [-12, -10, -6, 0, 7]


def test_figures_by_diagnosis_group(row) -> None:  # type: ignore[no-untyped-def]
    groups = dict(row.by_diagnosis_group)
    assert set(groups) == {MOOD, ANXIETY, NONE}  # the Z-code client has no score in range
    mood = groups[MOOD]
    assert (mood.clients_measured, mood.clients_with_two_or_more) == (3, 2)
    assert (mood.baseline_mean, mood.latest_mean, mood.mean_change) == (15.0, 6.0, -9.0)
    assert (mood.response_rate, mood.remission_rate) == (1.0, 0.5)
    assert (mood.reliable_improvement_rate, mood.reliable_deterioration_rate) == (1.0, 0.0)
    assert mood.measurement_rate == pytest.approx(1 / 4)  # A of A B C H
    anxiety = groups[ANXIETY]
    assert (anxiety.baseline_mean, anxiety.latest_mean, anxiety.mean_change) == (4.5, 8.0, 3.5)
    assert (anxiety.response_rate, anxiety.remission_rate) == (0.0, 0.0)
    assert anxiety.reliable_deterioration_rate == 0.5
    assert anxiety.measurement_rate == 0.5
    nobody_active = groups[NONE]
    assert nobody_active.clients_with_two_or_more == 1
    assert nobody_active.measurement_rate is None  # G was discharged: no active client
    assert row.by_clinician is None  # no agency data in one clinician's vault


def test_by_clinician_appears_when_clients_have_one() -> None:
    clients = tuple(
        CaseloadClient(
            c.id,
            c.diagnosis_group,
            c.admitted_on,
            c.discharged,
            c.discharged_on,
            clinician="Dr One" if c.id in "ABC" else "Dr Two",
        )
        for c in CLIENTS
    )
    r = outcome_row(OutcomeDef("phq9", "PHQ-9", PHQ9), SCORES, clients, START, END)
    by = dict(r.by_clinician or ())
    assert by["Dr One"].clients_with_two_or_more == 2 and by["Dr One"].mean_change == -9.0
    assert by["Dr Two"].clients_with_two_or_more == 3  # D E G


def test_figures_over_time_are_as_of_each_month_end(row) -> None:  # type: ignore[no-untyped-def]
    assert [(p.start, p.end) for p in row.over_time][:2] == [
        (d("2025-01-01"), d("2025-01-31")),
        (d("2025-02-01"), d("2025-02-28")),
    ]
    march = row.over_time[2]
    # By 31 March: A (20 → 12, no response) and G (16 → 6, response) have two scores.
    assert march.clients_with_two_or_more == 2
    assert (march.response_rate, march.remission_rate) == (0.5, 0.0)
    # Active on 31 March: everyone but I (8); scored 2–31 March: G only (A's was 1 March).
    assert march.measurement_rate == pytest.approx(1 / 8)
    assert row.over_time[-1].response_rate == pytest.approx(3 / 5)
    january = row.over_time[0]
    assert january.clients_with_two_or_more == 0 and january.response_rate is None


def test_rules_without_thresholds_give_none_not_zero() -> None:
    bare = OutcomeRules(floor=0, ceiling=40, response_percent=None)
    r = outcome_row(OutcomeDef("audit", "AUDIT", bare), SCORES, CLIENTS, START, END)
    f = r.figures
    assert f.clients_with_two_or_more == 5 and f.baseline_mean == pytest.approx(11.0)
    assert f.response_rate is None and f.remission_rate is None
    assert f.reliable_improvement_rate is None and f.reliable_deterioration_rate is None


def test_nobody_with_two_scores_gives_none() -> None:
    r = outcome_row(OutcomeDef("phq9", "PHQ-9", PHQ9), SCORES, CLIENTS, START, d("2025-01-31"))
    f = r.figures
    assert (f.clients_measured, f.clients_with_two_or_more) == (2, 0)  # A, D
    assert f.baseline_mean is None and f.mean_change is None and f.response_rate is None


@pytest.mark.parametrize(
    ("rules", "baseline", "latest", "expected"),
    [
        (PHQ9, 20, 10, (True, False, True, False)),  # exactly 50 %
        (PHQ9, 20, 11, (False, False, True, False)),
        (PHQ9, 0, 0, (False, True, False, False)),  # baseline 0: no response, but below 5
        (PHQ9, 4, 10, (False, False, False, True)),  # +6: reliable deterioration
        (PHQ9, 4, 9, (False, False, False, False)),
        # K10: the floor is 10, so a response is half the way from baseline down to 10.
        (OutcomeRules(floor=10, ceiling=50), 30, 20, (True, None, None, None)),
        (OutcomeRules(floor=10, ceiling=50), 30, 21, (False, None, None, None)),
        (OutcomeRules(floor=10, ceiling=50), 10, 10, (False, None, None, None)),
        # Higher is better: improvement is a rise; response half the room up to the top.
        (
            OutcomeRules(
                floor=0,
                ceiling=70,
                higher_is_better=True,
                remission_at_or_above=45,
                reliable_change=8,
            ),
            30,
            50,
            (True, True, True, False),
        ),
    ],
)
def test_outcome_rules(
    rules: OutcomeRules, baseline: int, latest: int, expected: tuple[bool | None, ...]
) -> None:
    got = (
        rules.responded(baseline, latest),
        rules.remitted(latest),
        rules.reliably_improved(baseline, latest),
        rules.reliably_deteriorated(baseline, latest),
    )
    assert got == expected


def test_periods_are_months_then_quarters_then_years() -> None:
    assert len(periods(d("2025-01-15"), d("2025-03-02"))) == 3
    assert periods(d("2025-01-15"), d("2025-03-02"))[0] == (d("2025-01-15"), d("2025-01-31"))
    quarters = periods(d("2020-02-10"), d("2025-06-30"))
    assert quarters[0] == (d("2020-02-10"), d("2020-03-31"))
    assert quarters[-1] == (d("2025-04-01"), d("2025-06-30"))
    years = periods(d("2010-05-01"), d("2025-06-30"))
    assert years[0] == (d("2010-05-01"), d("2010-12-31")) and len(years) == 16


def test_the_csv_is_de_identified(row) -> None:  # type: ignore[no-untyped-def]
    keys = {c: f"K{n}" for n, c in enumerate("ABCDEFGHI")}
    groups = {c.id: c.diagnosis_group for c in CLIENTS}
    data = csv_rows([row], keys=keys, groups=groups, start=START, end=END)
    text = csv_text(data)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert len(data) == 6  # one row per measured client
    by_key = {r[0]: r for r in data}
    a = dict(zip(COLUMNS, by_key["K0"], strict=True))
    assert a["baseline_month"] == "2025-01" and a["latest_month"] == "2025-06"
    assert (a["baseline"], a["latest"], a["change"]) == (20, 8, -12)
    assert a["weeks_between"] == (d("2025-06-20") - d("2025-01-10")).days // 7
    assert (a["response"], a["remission"], a["reliable_improvement"]) == ("yes", "no", "yes")
    c = dict(zip(COLUMNS, by_key["K2"], strict=True))
    assert c["change"] == "" and c["response"] == "" and c["scores_in_period"] == 1
    for line in text.splitlines()[1:]:
        # No exact client date anywhere: only the period's own ends are full dates.
        assert "2025-01-10" not in line and "2025-06-20" not in line


def test_csv_cells_cannot_become_spreadsheet_formulas() -> None:
    evil = OutcomeDef("x", '=HYPERLINK("http://x")', PHQ9)
    r = outcome_row(evil, SCORES, CLIENTS, START, END)
    data = csv_rows(
        [r], keys={c.id: c.id for c in CLIENTS}, groups={"A": "@SUM(A1)"}, start=START, end=END
    )
    outcome = data[0][1]
    assert isinstance(outcome, str) and outcome.startswith("'=")
    group_a = next(row for row in data if row[0] == "A")[2]
    assert group_a == "'@SUM(A1)"
    negative = next(row for row in data if row[0] == "A")[10]
    assert negative == -12  # numbers stay numbers


def test_chart_specs(row) -> None:  # type: ignore[no-untyped-def]
    hist = change_histogram(row)
    assert sum(hist.counts) == 5
    assert dict(zip(hist.bins, hist.counts, strict=True))["-12"] == 1
    tones = dict(zip(hist.bins, hist.tones, strict=True))
    assert tones["-6"] == BarTone.GOOD and tones["-5"] == BarTone.NEUTRAL
    assert tones["+7"] == BarTone.BAD and tones["0"] == BarTone.NEUTRAL
    assert "5 clients" in hist.description and "6 points" in hist.description
    bars = measurement_rates((row,))
    assert bars.values == (pytest.approx(2 / 7),) and bars.notes == ("2 of 7",)
