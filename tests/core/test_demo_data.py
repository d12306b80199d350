"""Demo data a clinician would believe (issue 9, point 21): the demo vault's notes, plans,
measures and signatures agree with each other. Each test names what a clinician noticed:
an ADHD client under an anxiety plan, a collateral contact billed as psychotherapy, "PHQ-9
today 15" next to a recorded 3, and months-old notes all signed the day the demo ran."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from noteapp.demo import create_demo_vault
from noteapp.domain.clock import FakeClock
from noteapp.domain.diagnosis_terms import addressed_in
from noteapp.domain.notes import Note, ScreenResult
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SESSION_CODES = {"90832", "90834", "90837"}  # individual psychotherapy by length


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    tmp: Path = tmp_path_factory.mktemp("demo")
    ws = create_demo_vault(
        tmp / "demo.noteapp",
        clients=14,  # two of them discharged
        paths=AppPaths(tmp / "data", tmp / "config"),
        clock=FakeClock(NOW),
        params=FAST_KDF,
    )
    yield ws
    ws.close()


def _notes(ws: Workspace) -> list[Note]:
    return sorted(ws.notes.all(), key=lambda n: (n.client_id, n.session.date))


def test_every_plan_problem_fits_a_diagnosis_and_every_diagnosis_has_one(demo) -> None:
    plans = [p for c in demo.clients.list() if (p := demo.plans.latest(c.id)) is not None]
    assert len(plans) >= 6
    for plan in plans:
        client = demo.clients.get(plan.client_id)
        for problem in plan.problems:
            text = " ".join([problem.statement] + [g.statement for g in problem.goals])
            assert any(addressed_in(dx, text) for dx in client.diagnoses), (
                [d.code for d in client.diagnoses],
                problem.statement,
            )
        whole = " ".join(p.statement for p in plan.problems)
        assert all(addressed_in(dx, whole) for dx in client.diagnoses)
        # Written after the client came, not before.
        assert client.admitted_on is not None and plan.valid_from is not None
        assert client.admitted_on <= plan.valid_from <= NOW.date()


def test_no_demo_note_gets_a_consistency_finding(demo) -> None:
    # The checklist's own view: diagnoses addressed, codes that fit, one risk screen.
    for note in _notes(demo):
        rules = {i.rule for i in demo.notes.check(note).items}
        assert not rules & {"diagnosis_supported", "contact_service_code", "risk_consistent"}
        assert not rules & {"time_band", "extended_session_reason", "telehealth_modality"}


def test_each_template_is_billed_as_its_kind_of_service(demo) -> None:
    reference = demo.reference.get()
    seen = set()
    for note in _notes(demo):
        code, template = note.session.service_code, note.template_id
        seen.add(template)
        if template == "psychotherapy":
            assert code == ""  # process notes record the date only
        elif template == "contact":
            known = reference.service_code(code)
            assert known is not None and not known.psychotherapy, code
        else:
            expected = {"intake": {"90791"}, "group": {"90853"}, "crisis": {"90839"}}
            assert code in expected.get(template, SESSION_CODES), (template, code)
    assert {"contact", "intake", "crisis", "group"} <= seen


def test_notes_run_from_admission_to_discharge(demo) -> None:
    for client in demo.clients.list():
        notes = [n for n in _notes(demo) if n.client_id == client.id]
        assert notes and notes[0].template_id == "intake"
        assert notes[0].session.date == client.admitted_on
        end = client.discharged_on or NOW.date()
        assert all(client.admitted_on <= n.session.date <= end for n in notes)
        discharge = [n for n in notes if n.template_id == "discharge"]
        if client.discharged_on is None:
            assert discharge == []
        else:
            assert [n.session.date for n in discharge] == [client.discharged_on]
            assert notes[-1].template_id == "discharge"


_MENTION = re.compile(r"PHQ-9\D{0,40}?(?<![\w-])(\d+)")
_TODAY = re.compile(r"PHQ-9 today (\d+)")
_COURSE = re.compile(r"PHQ-9 (\d+) at the start of treatment, (\d+) at the end")


def test_phq9_numbers_in_notes_are_the_recorded_scores(demo) -> None:
    quoted = 0
    for note in _notes(demo):
        text = "\n".join(note.text(k) for k in note.fields)
        phq = sorted(
            (m for m in demo.measures.list(note.client_id) if m.instrument == "phq9"),
            key=lambda m: m.on,
        )
        that_day = [m.total for m in phq if m.on == note.session.date]
        so_far = [m.total for m in phq if m.on <= note.session.date]
        for match in _TODAY.finditer(text):
            assert [int(match.group(1))] == that_day, (note.template_id, text)
            quoted += 1
        for match in _COURSE.finditer(text):
            assert (int(match.group(1)), int(match.group(2))) == (so_far[0], so_far[-1])
            quoted += 1
        # No other PHQ-9 number anywhere: every one is a recorded score of that client.
        for match in _MENTION.finditer(text):
            assert int(match.group(1)) in so_far, (note.template_id, match.group(0))
        if that_day and note.template_id in ("soap", "dap", "birp"):
            assert _TODAY.search(text), "a session note quotes the score given that day"
    assert quoted >= 5


def test_older_notes_are_signed_on_their_day_of_service(demo) -> None:
    signed = [n for n in _notes(demo) if n.is_signed]
    assert len(signed) >= 20
    for note in signed:
        item = demo.signing.note_item(note.id)
        assert item is not None
        at = datetime.fromisoformat(item.payload["signed_at"])
        ended = datetime.combine(note.session.date, note.session.end).astimezone(UTC)
        assert ended < at <= ended + timedelta(hours=3), (note.session.date, at)
        assert at.astimezone().date() == note.session.date or at - ended < timedelta(hours=3)
        assert item.payload["signed_at_display"].startswith(at.astimezone().strftime("%Y-%m-%d"))
    # The week's notes are still drafts, as they would be.
    recent = [n for n in _notes(demo) if (NOW.date() - n.session.date).days < 7]
    assert recent and not any(n.is_signed for n in recent)


def test_one_risk_screen_in_every_demo_note(demo) -> None:
    for note in _notes(demo):
        if note.psychotherapy:
            continue
        risk = note.session.risk
        if note.risk_assessment is not None:  # a crisis, or the note that addressed a flag
            assert risk.suicidal_ideation == ScreenResult.PRESENT
            assert note.risk_assessment.suicidal_ideation.present is True
            assert note.risk_assessment.is_complete()
            assert "Denies suicidal" not in "\n".join(note.text(k) for k in note.fields)
        else:
            assert (risk.suicidal_ideation, risk.homicidal_ideation) == (
                ScreenResult.DENIED,
                ScreenResult.DENIED,
            )
