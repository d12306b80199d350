"""Measures: scoring and band for every possible total of every instrument, the PHQ-9
item-9 risk flag, bad answers, the MeasureService (add/list/get/delete), trends with response
and remission, and same-day summaries in notes. Synthetic data; FakeClock 2026-01-05."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import InvalidInputError, NotFoundError
from noteapp.domain.measures import MeasureMode, change_summary
from noteapp.measures import Instrument, load_instruments, score_answers, score_total
from noteapp.services.workspace import Workspace

PHQ9_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate")]
PHQ9_BANDS += [(15, 19, "moderately severe"), (20, 27, "severe")]
GAD7_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]
PCL5_BANDS = [(0, 32, "below the provisional PTSD cut-point"), (33, 80, "probable PTSD")]
AUDITC_BANDS = [(0, 2, "negative screen"), (3, 3, "positive screen for women"), (4, 12, "positive")]
EXPECTED = {"phq9": PHQ9_BANDS, "gad7": GAD7_BANDS, "pcl5": PCL5_BANDS, "auditc": AUDITC_BANDS}


def vector_for(inst: Instrument, total: int, *, avoid: int | None = None) -> list[int]:
    """Answers adding up to `total`, filling items in order (item `avoid`, 0-based, last)."""
    order = [i for i in range(len(inst.items)) if i != avoid] + (
        [avoid] if avoid is not None else []
    )
    values = [0] * len(inst.items)
    left = total
    for i in order:
        top = max(v for v, _label in inst.answers[i])
        values[i] = min(top, left)
        left -= values[i]
    assert left == 0
    return values


def expected_band(instrument_id: str, total: int) -> str:
    return next(label for lo, hi, label in EXPECTED[instrument_id] if lo <= total <= hi)


@pytest.mark.parametrize("instrument_id", sorted(EXPECTED))
def test_every_possible_total_scores_with_its_band(instrument_id: str) -> None:
    inst = load_instruments()[instrument_id]
    seen = set()
    for total in range(inst.total_min, inst.total_max + 1):
        avoid = 8 if instrument_id == "phq9" else None
        score = score_answers(inst, vector_for(inst, total, avoid=avoid))
        assert score.total == total
        assert score.severity.startswith(expected_band(instrument_id, total)), total
        assert score_total(inst, total).severity == score.severity
        assert score_total(inst, str(total)).total_only
        seen.add(total)
    assert seen == set(range(inst.total_min, inst.total_max + 1))
    with pytest.raises(InvalidInputError):
        score_total(inst, inst.total_max + 1)
    with pytest.raises(InvalidInputError):
        score_total(inst, -1)


def test_phq9_totals_enumerated_from_every_answer_vector_shape() -> None:
    """All 4^9 vectors would be 262,144; every total from many different vectors instead."""
    inst = load_instruments()["phq9"]
    for total in range(28):
        for start in range(9):
            values = [0] * 9
            left, i = total, start
            while left:
                if values[i % 9] < 3:
                    values[i % 9] += 1
                    left -= 1
                i += 1
            score = score_answers(inst, values)
            assert score.total == total
            assert score.severity == expected_band("phq9", total)
            assert score.risk == (values[8] > 0)


def test_item_9_flag_is_raised_regardless_of_the_total() -> None:
    inst = load_instruments()["phq9"]
    low = score_answers(inst, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert low.total == 1 and low.severity == "minimal"
    assert low.flags == ("suicide-risk",) and low.risk
    high = score_answers(inst, [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert high.total == 24 and high.severity == "severe"
    assert high.flags == () and not high.risk
    assert not score_answers(load_instruments()["gad7"], [3] * 7).risk
    assert not score_total(inst, 27).risk  # no item answers: nothing known of item 9


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (["1"] * 8, "9 items; 8 answers"),
        (["1"] * 10, "9 items; 10 answers"),
        (["1"] * 8 + ["4"], "Answer 9 is 4"),
        (["1"] * 8 + ["-1"], "Answer 9 is -1"),
        (["x"] + ["1"] * 8, "Answer 1 .* not a number"),
        (["1.5"] + ["1"] * 8, "not a number"),
        ([""] + ["1"] * 8, "Answer 1 is missing"),
        ([True] + [1] * 8, "not a number"),
    ],
)
def test_bad_answers_are_refused(answers: list[object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        score_answers(load_instruments()["phq9"], answers)


# --- the service -----------------------------------------------------------------------


@pytest.fixture
def client_id(workspace: Workspace) -> str:
    return workspace.clients.add(name="Sam Synthetic", diagnoses=[Diagnosis("F32.1", "MDD")]).id


def test_add_list_get_delete(workspace: Workspace, client_id: str) -> None:
    ms = workspace.measures
    a = ms.add(client_id=client_id, instrument="phq9", answers=[2] * 8 + [0], on=date(2025, 11, 3))
    b = ms.add(client_id=client_id, instrument="GAD-7", total=12, on=date(2025, 10, 1))
    assert a.total == 16 and a.severity == "moderately severe" and not a.risk
    assert a.mode == MeasureMode.IN_SESSION and a.answers == (2,) * 8 + (0,)
    assert b.total_only and b.mode == MeasureMode.PAPER and b.answers is None
    assert b.instrument == "gad7" and b.severity == "moderate" and b.instrument_version == 1
    assert [m.id for m in ms.list(client_id)] == [b.id, a.id]  # oldest first
    assert [m.id for m in ms.list(client_id, "phq9")] == [a.id]
    assert ms.get(a.id) == a and ms.get(a.id[:8]) == a
    # Persisted: a fresh service reads the same records.
    ms.reload()
    assert ms.get(a.id).answers == a.answers and ms.get(b.id).total_only
    ms.delete(b.id, reason="entered for the wrong client")
    with pytest.raises(NotFoundError):
        ms.get(b.id)
    entry = [e for e in workspace.audit.entries() if e.action == "delete"][-1]
    assert entry.kind == "measure" and entry.detail == {"reason": "entered for the wrong client"}


def test_add_refuses_bad_input_and_stores_nothing(workspace: Workspace, client_id: str) -> None:
    ms = workspace.measures
    with pytest.raises(InvalidInputError, match="7 items"):
        ms.add(client_id=client_id, instrument="gad7", answers=[1, 2])
    with pytest.raises(InvalidInputError, match="No instrument"):
        ms.add(client_id=client_id, instrument="beck", answers=[1])
    with pytest.raises(InvalidInputError, match="future"):
        ms.add(client_id=client_id, instrument="gad7", answers=[1] * 7, on=date(2026, 1, 6))
    with pytest.raises(InvalidInputError, match="answers, or a total"):
        ms.add(client_id=client_id, instrument="gad7", answers=[1] * 7, total=7)
    with pytest.raises(InvalidInputError, match="answers, or a total"):
        ms.add(client_id=client_id, instrument="gad7")
    with pytest.raises(InvalidInputError):
        ms.add(client_id=client_id, instrument="gad7", total="lots")
    with pytest.raises(InvalidInputError, match="mode"):
        ms.add(client_id=client_id, instrument="gad7", answers=[1] * 7, mode="email")
    assert ms.list(client_id) == []


def test_trend_change_response_and_remission(workspace: Workspace, client_id: str) -> None:
    ms = workspace.measures
    empty = ms.trend(client_id, "phq9")
    assert empty.points == () and empty.baseline is None and empty.change_since_last is None
    assert not empty.response and not empty.remission
    for on, total in [(date(2025, 9, 1), 18), (date(2025, 10, 1), 14), (date(2025, 11, 1), 10)]:
        ms.add(client_id=client_id, instrument="phq9", total=total, on=on)
    t = ms.trend(client_id, "phq9")
    assert [p.total for p in t.points] == [18, 14, 10]
    assert t.baseline is not None and t.baseline.total == 18
    assert t.latest is not None and t.latest.total == 10
    assert t.change_since_baseline == -8 and t.change_since_last == -4
    assert not t.response and not t.remission  # 44% reduction
    ms.add(client_id=client_id, instrument="phq9", total=9, on=date(2025, 12, 1))
    t = ms.trend(client_id, "phq9")
    assert t.response and not t.remission  # exactly 50%
    ms.add(client_id=client_id, instrument="phq9", total=4, on=date(2026, 1, 2))
    t = ms.trend(client_id, "phq9")
    assert t.response and t.remission and t.remission_below == 5
    assert t.bands[0] == (0, 4, "minimal") and t.total_max == 27
    # GAD-7 remission below 5; AUDIT-C has no remission threshold.
    ms.add(client_id=client_id, instrument="gad7", total=5, on=date(2025, 12, 1))
    assert not ms.trend(client_id, "gad7").remission
    ms.add(client_id=client_id, instrument="gad7", total=4, on=date(2026, 1, 1))
    assert ms.trend(client_id, "gad7").remission
    ms.add(client_id=client_id, instrument="auditc", total=0, on=date(2026, 1, 1))
    assert not ms.trend(client_id, "auditc").remission
    # A baseline of 0 never counts as a response.
    other = workspace.clients.add(name="Alex Example").id
    ms.add(client_id=other, instrument="gad7", total=0, on=date(2025, 12, 1))
    ms.add(client_id=other, instrument="gad7", total=0, on=date(2026, 1, 1))
    assert not ms.trend(other, "gad7").response


def test_change_summary_wording() -> None:
    assert (
        change_summary("PHQ-9", 14, "moderate", since_last=-4, since_baseline=-6)
        == "PHQ-9 14 (moderate), down 4 since last, 6 since baseline"
    )
    assert (
        change_summary("PHQ-9", 14, "moderate", since_last=2, since_baseline=-6)
        == "PHQ-9 14 (moderate), up 2 since last, down 6 since baseline"
    )
    assert (
        change_summary("GAD-7", 7, "mild", since_last=None, since_baseline=None)
        == "GAD-7 7 (mild), baseline"
    )
    assert change_summary(
        "PHQ-9",
        3,
        "minimal",
        since_last=0,
        since_baseline=0,
        total_only=True,
        risk=True,
        risk_labels=("Item 9 (thoughts of death or self-harm) above 0",),
    ) == (
        "PHQ-9 3 (minimal), total from paper, unchanged since last, unchanged since baseline; "
        "risk flag: Item 9 (thoughts of death or self-harm) above 0"
    )


def test_same_day_measures_show_in_the_note(workspace: Workspace, client_id: str) -> None:
    ms = workspace.measures
    ms.add(client_id=client_id, instrument="phq9", total=20, on=date(2025, 11, 1))
    ms.add(client_id=client_id, instrument="phq9", total=18, on=date(2025, 12, 1))
    ms.add(client_id=client_id, instrument="phq9", total=14, on=date(2026, 1, 5))
    ms.add(client_id=client_id, instrument="gad7", answers=[1] * 7, on=date(2026, 1, 5))
    same = ms.same_day(client_id, date(2026, 1, 5))
    assert [s.summary for s in same] == [
        "PHQ-9 14 (moderate), total from paper, down 4 since last, 6 since baseline",
        "GAD-7 7 (mild), baseline",
    ]
    assert same[0].change_since_last == -4 and same[0].change_since_baseline == -6
    assert ms.same_day(client_id, date(2025, 12, 2)) == []

    from noteapp.domain.document import document_plain_text

    note = workspace.notes.new(client_id=client_id, template_id="birp")
    text = document_plain_text(workspace.notes.render(note))
    assert "Measures given this day" in text
    assert "PHQ-9 14 (moderate), total from paper, down 4 since last, 6 since baseline" in text
    older = workspace.notes.new(client_id=client_id, template_id="birp")
    older = workspace.notes.save(older.id, session=older.session.__class__(date=date(2025, 12, 20)))
    assert "Measures given this day" not in document_plain_text(workspace.notes.render(older))


def test_demo_gives_a_plausible_history_with_flags(tmp_path: Path) -> None:
    from noteapp.demo import create_demo_vault
    from noteapp.domain.clock import FakeClock
    from noteapp.services.paths import AppPaths
    from tests.conftest import FAST_KDF

    ws = create_demo_vault(
        tmp_path / "demo.noteapp",
        clients=4,
        paths=AppPaths(tmp_path / "d", tmp_path / "c"),
        clock=FakeClock(),
        params=FAST_KDF,
    )
    try:
        today = ws.clock.now().date()
        ids = [c.id for c in ws.clients.list()]
        every = [m for cid in ids for m in ws.measures.list(cid)]
        assert every and all(m.on <= today for m in every)
        assert {m.instrument for m in every} == {"phq9", "gad7"}
        flagged = [m for m in every if m.risk]
        assert len(flagged) == 2
        addressed = [m for m in flagged if not m.open_risk]
        assert len(addressed) == 1 and addressed[0].addressed_by
        signed = ws.notes.get(addressed[0].addressed_by)
        assert signed.is_signed and signed.risk_assessment is not None
        assert signed.risk_assessment.is_complete()
        open_flags = ws.measures.open_risk_flags()
        assert len(open_flags) == 1 and (today - open_flags[0].on).days <= 7
        # Dated after that client's notes: every demo note stays signable.
        flagged_notes = ws.notes.list(client_id=open_flags[0].client_id)
        assert all(n.session.date < open_flags[0].on for n in flagged_notes)
        assert all(ws.notes.check(n).can_sign for n in ws.notes.all())
        # Scores improve overall for most clients.
        improving = [
            cid
            for cid in ids
            if (t := ws.measures.trend(cid, "phq9")).change_since_baseline is not None
            and t.change_since_baseline < 0
        ]
        assert len(improving) >= len(ids) // 2
    finally:
        ws.close()
