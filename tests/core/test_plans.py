"""Treatment plans: model rules, versions, signing, review dates, progress, import errors,
acknowledgements, exports and the checklist facts. Synthetic people only; the FakeClock
stands at 2026-01-05."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import InvalidInputError, NotFoundError, RefusedError
from noteapp.domain.notes import RiskScreen, ScreenResult
from noteapp.domain.plans import GoalStatus, Plan, PlanStatus, Rating, plan_from_dict, plan_to_dict
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.export import read_docx
from noteapp.services.verification import verify_docx
from noteapp.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.core.test_signing import FIELDS

DAY = 86400.0


def plan_data(**overrides: Any) -> dict[str, Any]:
    """A complete plan (two objectives), valid from before the FakeClock's today."""
    data: dict[str, Any] = {
        "service_type": "individual",
        "session_minutes": 50,
        "frequency": "weekly",
        "valid_from": "2025-12-01",
        "valid_until": "2026-11-30",
        "diagnoses": [{"code": "F41.1", "description": "Generalized anxiety disorder"}],
        "problems": [
            {
                "id": "p1",
                "statement": "Excessive worry most days, with poor sleep.",
                "goals": [
                    {
                        "id": "g1",
                        "statement": "Reduce worry so it no longer disrupts work and sleep.",
                        "client_words": "I want to stop worrying all the time.",
                        "objectives": [
                            {
                                "id": "o1",
                                "description": "GAD-7 below 10 on two consecutive administrations.",
                                "baseline": "GAD-7 15",
                                "target": "below 10 twice",
                                "target_date": "2026-04-01",
                                "measured_by": "GAD-7 every 2 weeks",
                                "interventions": [
                                    {
                                        "description": "CBT for worry",
                                        "modality": "CBT",
                                        "frequency": "weekly",
                                        "provider": "Dana Whitfield, LCSW",
                                    }
                                ],
                            },
                            {
                                "id": "o2",
                                "description": "Paced breathing practised 5 days per week.",
                                "baseline": "no practice",
                                "target": "5 days per week for 4 weeks",
                                "target_date": "2026-03-01",
                                "measured_by": "practice log",
                            },
                        ],
                    }
                ],
            }
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.profile.set(
        name="Dana Whitfield",
        credentials="LCSW",
        license_number="L-1",
        agency_name="Riverbend Counseling (demo)",
    )
    return workspace


@pytest.fixture
def client_id(ws: Workspace) -> str:
    return ws.clients.add(name="Jordan Avery", diagnoses=[Diagnosis("F41.1", "GAD")]).id


def signed_plan(ws: Workspace, client_id: str, **overrides: Any) -> Plan:
    plan = ws.plans.import_json(client_id, plan_data(**overrides))
    ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    return ws.plans.get(plan.id)


def draft_note(ws: Workspace, client_id: str, on: date = date(2026, 1, 5)) -> str:
    note = ws.notes.new(client_id=client_id, template_id="birp", fields=FIELDS)
    ws.notes.save(
        note.id,
        session=dataclasses.replace(
            note.session,
            date=on,
            start=time(9),
            end=time(9, 50),
            service_code="90834",
            place_of_service="11",
            risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
        ),
    )
    return note.id


def rules(ws: Workspace, note_id: str) -> set[str]:
    return {i.rule for i in ws.notes.check(ws.notes.get(note_id)).items}


# --- model rules and versions ------------------------------------------------------------


def test_import_creates_a_draft_version_1(ws: Workspace, client_id: str) -> None:
    plan = ws.plans.import_json(client_id, plan_data())
    assert plan.version == 1 and plan.status == PlanStatus.DRAFT and not plan.is_signed
    assert [o.id for o in plan.active_objectives()] == ["o1", "o2"]
    assert plan.problems[0].goals[0].client_words == "I want to stop worrying all the time."
    assert ws.plans.validate_for_signing(plan) == []
    # Importing again replaces the draft, it does not add a version.
    again = ws.plans.import_json(client_id, plan_data(frequency="every other week"))
    assert again.id == plan.id and again.version == 1 and again.frequency == "every other week"
    assert len(ws.plans.versions(client_id)) == 1


def test_plan_dict_round_trip(ws: Workspace, client_id: str) -> None:
    plan = signed_plan(ws, client_id)
    assert plan_from_dict(plan_to_dict(plan), record_version=plan.record_version) == plan


def test_diagnoses_default_to_the_clients(ws: Workspace, client_id: str) -> None:
    plan = ws.plans.import_json(client_id, plan_data(diagnoses=[]))
    assert [d.code for d in plan.diagnoses] == ["F41.1"]


def test_a_signed_version_never_changes(ws: Workspace, client_id: str) -> None:
    plan = signed_plan(ws, client_id)
    assert plan.status == PlanStatus.SIGNED and plan.signed_on == date(2026, 1, 5)
    with pytest.raises(RefusedError):
        ws.plans.save_draft(dataclasses.replace(plan, frequency="monthly"))
    with pytest.raises(RefusedError):
        ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    assert ws.plans.get(plan.id) == plan
    # The signature covers what was signed.
    item = ws.signing.note_item(plan.id)
    assert item is not None and item.type == ItemType.PLAN
    assert item.payload["plan"]["frequency"] == "weekly"


def test_save_draft_keeps_client_and_version(ws: Workspace, client_id: str) -> None:
    plan = ws.plans.import_json(client_id, plan_data())
    saved = ws.plans.save_draft(dataclasses.replace(plan, frequency="twice weekly"))
    assert saved.frequency == "twice weekly" and saved.status == PlanStatus.DRAFT
    with pytest.raises(InvalidInputError):
        ws.plans.save_draft(dataclasses.replace(saved, version=7))


def test_revising_creates_the_next_version_and_signing_it_supersedes(
    ws: Workspace, client_id: str
) -> None:
    v1 = signed_plan(ws, client_id)
    v2 = ws.plans.revise(client_id)
    assert v2.version == 2 and v2.status == PlanStatus.DRAFT and v2.id != v1.id
    assert v2.series == v1.series and v2.signed_on is None and v2.signature_ids == ()
    assert ws.plans.revise(client_id).id == v2.id  # already revising
    assert ws.plans.previous_version(v2) == ws.plans.get(v1.id)
    assert ws.plans.current_signed(client_id) == ws.plans.get(v1.id)  # still in force
    # Change a status in the draft, then sign: v1 is superseded, history kept.
    goal = v2.problems[0].goals[0]
    met = dataclasses.replace(goal.objectives[1], status=GoalStatus.MET)
    problems = (
        dataclasses.replace(
            v2.problems[0],
            goals=(dataclasses.replace(goal, objectives=(goal.objectives[0], met)),),
        ),
    )
    ws.plans.save_draft(dataclasses.replace(v2, problems=problems))
    ws.plans.sign(v2.id, passphrase=PASSPHRASE)
    statuses = [(p.version, p.status) for p in ws.plans.versions(client_id)]
    assert statuses == [(1, PlanStatus.SUPERSEDED), (2, PlanStatus.SIGNED)]
    current = ws.plans.current_signed(client_id)
    assert current is not None and current.id == v2.id
    assert [o.id for o in current.active_objectives()] == ["o1"]  # "met" is no longer active
    # Importing after a signed version starts the next draft.
    v3 = ws.plans.import_json(client_id, plan_data())
    assert v3.version == 3 and v3.status == PlanStatus.DRAFT


def test_revise_without_a_plan_is_not_found(ws: Workspace, client_id: str) -> None:
    with pytest.raises(NotFoundError):
        ws.plans.revise(client_id)


def test_statuses_and_is_current(ws: Workspace, client_id: str) -> None:
    plan = signed_plan(ws, client_id)
    assert plan.is_current(date(2026, 1, 5))
    assert not plan.is_current(date(2025, 11, 30))  # before valid_from
    assert not plan.is_current(date(2026, 12, 1))  # after valid_until
    draft = ws.plans.revise(client_id)
    assert not draft.is_current(date(2026, 1, 5))
    assert {s.value for s in GoalStatus} == {
        "active",
        "met",
        "partially met",
        "revised",
        "deferred",
        "discontinued",
    }


def test_validate_for_signing_lists_every_problem(ws: Workspace, client_id: str) -> None:
    data = plan_data(valid_until=None)
    obj = data["problems"][0]["goals"][0]["objectives"][1]
    obj.update(target="", target_date=None)
    data["problems"].append({"statement": "Sleep", "goals": [{"statement": "Sleep better"}]})
    data["problems"].append({"statement": "No goals yet"})
    plan = ws.plans.import_json(client_id, data)
    problems = ws.plans.validate_for_signing(plan)
    text = " | ".join(problems)
    assert "needs a target and how it is measured" in text
    assert "needs a target date" in text
    assert "every goal needs at least one measurable objective" in text
    assert "every problem needs at least one goal" in text
    assert "set the dates the plan is valid" in text
    with pytest.raises(InvalidInputError, match="cannot be signed yet"):
        ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    assert ws.plans.get(plan.id).status == PlanStatus.DRAFT
    empty = ws.plans.import_json(client_id, {"problems": []})
    assert any("at least one problem" in p for p in ws.plans.validate_for_signing(empty))


def test_signing_needs_the_passphrase(ws: Workspace, client_id: str) -> None:
    plan = ws.plans.import_json(client_id, plan_data())
    with pytest.raises(InvalidInputError):
        ws.plans.sign(plan.id)
    assert not ws.plans.get(plan.id).is_signed


def test_sign_plans_confirms_once_and_signs_all(ws: Workspace) -> None:
    ids = []
    for name in ("Avery Quinn", "Riley Stone"):
        c = ws.clients.add(name=name, diagnoses=[Diagnosis("F41.1", "GAD")])
        ids.append(ws.plans.import_json(c.id, plan_data()).id)
    items = ws.plans.sign_plans(ids, passphrase=PASSPHRASE)
    assert len(items) == 2 and all(ws.plans.get(i).is_signed for i in ids)


# --- review dates ----------------------------------------------------------------------


def test_next_review_is_signed_date_plus_interval(
    ws: Workspace, client_id: str, clock: FakeClock
) -> None:
    plan = signed_plan(ws, client_id)
    assert ws.plans.review_interval() == 90
    assert ws.plans.next_review(plan) == date(2026, 1, 5) + timedelta(days=90)
    # A signed review moves it: last review + interval.
    clock.advance(30 * DAY)
    ws.plans.review(plan.id, summary="Progress as planned; continue.", passphrase=PASSPHRASE)
    assert ws.plans.last_review(plan) == date(2026, 2, 4)
    assert ws.plans.next_review(plan) == date(2026, 2, 4) + timedelta(days=90)


def test_review_interval_setting_applies_to_new_plans(ws: Workspace, client_id: str) -> None:
    ws.settings.update(plan_review_days=30)
    plan = signed_plan(ws, client_id)
    assert plan.review_interval_days == 30
    assert ws.plans.next_review(plan) == date(2026, 2, 4)
    # A plan may set its own interval.
    other = ws.clients.add(name="Sky Lark", diagnoses=[Diagnosis("F41.1", "GAD")])
    own = signed_plan(ws, other.id, review_interval_days=60)
    assert ws.plans.next_review(own) == date(2026, 3, 6)


def test_due_reviews_within_14_days_and_overdue(
    ws: Workspace, client_id: str, clock: FakeClock
) -> None:
    plan = signed_plan(ws, client_id)  # next review 2026-04-05
    assert ws.plans.due_reviews() == []
    clock.advance(80 * DAY)  # 2026-03-26: due in 10 days
    [due] = ws.plans.due_reviews()
    assert due.client_id == client_id and due.due == date(2026, 4, 5) and not due.overdue
    clock.advance(11 * DAY)  # 2026-04-06: overdue
    [due] = ws.plans.due_reviews()
    assert due.overdue
    ws.plans.review(plan.id, summary="Reviewed with the client.", passphrase=PASSPHRASE)
    assert ws.plans.due_reviews() == []


def test_reviews_only_of_the_signed_plan_and_with_text(ws: Workspace, client_id: str) -> None:
    draft = ws.plans.import_json(client_id, plan_data())
    with pytest.raises(RefusedError):
        ws.plans.review(draft.id, summary="x", passphrase=PASSPHRASE)
    ws.plans.sign(draft.id, passphrase=PASSPHRASE)
    with pytest.raises(InvalidInputError):
        ws.plans.review(draft.id, summary="  ", passphrase=PASSPHRASE)


def test_clients_without_current_plan(ws: Workspace, client_id: str) -> None:
    assert ws.plans.clients_without_current_plan() == [client_id]
    ws.plans.import_json(client_id, plan_data())
    assert ws.plans.clients_without_current_plan() == [client_id]  # a draft does not count
    signed_plan(ws, client_id)
    assert ws.plans.clients_without_current_plan() == []


# --- progress --------------------------------------------------------------------------


def test_progress_aggregates_ratings_across_notes(ws: Workspace, client_id: str) -> None:
    signed_plan(ws, client_id)
    dates = [date(2025, 12, 8), date(2025, 12, 15), date(2026, 1, 5)]
    ratings = ["no change", "some progress", "significant progress"]
    for on, rating in zip(dates, ratings, strict=True):
        note_id = draft_note(ws, client_id, on)
        ws.plans.rate(note_id, [{"objective_id": "o1", "rating": rating, "comment": " ok "}])
        ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    note_id = draft_note(ws, client_id, date(2025, 12, 22))
    ws.plans.rate(note_id, [{"objective_id": "o2", "rating": "regressed"}])
    progress = {p.objective_id: p for p in ws.plans.progress(client_id)}
    assert [pt.on for pt in progress["o1"].points] == dates  # oldest first
    assert [pt.rating.value for pt in progress["o1"].points] == ratings
    assert [pt.rating.score for pt in progress["o1"].points] == [0, 1, 2]
    assert progress["o1"].points[0].comment == "ok"
    latest = progress["o1"].latest
    assert latest is not None and latest.rating == Rating.SIGNIFICANT_PROGRESS
    assert [pt.rating for pt in progress["o2"].points] == [Rating.REGRESSED]
    summary = ws.plans.draft_review_summary(client_id)
    assert "rated in 3 session(s)" in summary and "significant progress" in summary


def test_progress_without_a_plan_is_empty(ws: Workspace, client_id: str) -> None:
    assert ws.plans.progress(client_id) == []
    assert ws.plans.draft_review_summary(client_id) == ""


def test_rate_validates(ws: Workspace, client_id: str) -> None:
    note_id = draft_note(ws, client_id)
    with pytest.raises(InvalidInputError, match="not in the client's plan"):
        ws.plans.rate(note_id, [{"objective_id": "o1", "rating": "met"}])  # no plan yet
    signed_plan(ws, client_id)
    with pytest.raises(InvalidInputError, match="not in the client's plan"):
        ws.plans.rate(note_id, [{"objective_id": "nope", "rating": "met"}])
    with pytest.raises(InvalidInputError, match="A rating is one of"):
        ws.plans.rate(note_id, [{"objective_id": "o1", "rating": "great"}])
    with pytest.raises(InvalidInputError, match="once"):
        ws.plans.rate(
            note_id,
            [{"objective_id": "o1", "rating": "met"}, {"objective_id": "o1", "rating": "met"}],
        )
    assert ws.notes.get(note_id).goal_progress == ()
    note = ws.plans.rate(note_id, [{"objective_id": "o2", "rating": "met"}])
    assert note.goal_progress[0]["objective"].startswith("Paced breathing")
    ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    with pytest.raises(RefusedError):  # a signed note never changes
        ws.plans.rate(note_id, [{"objective_id": "o1", "rating": "met"}])


def test_ratings_are_part_of_the_signed_note(ws: Workspace, client_id: str) -> None:
    signed_plan(ws, client_id)
    note_id = draft_note(ws, client_id)
    ws.plans.rate(note_id, [{"objective_id": "o1", "rating": "some progress", "comment": "c1"}])
    item = ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    assert item.payload["goal_progress"][0]["rating"] == "some progress"
    assert ws.plans.signed_notes_without_progress() == []
    other = draft_note(ws, client_id)
    ws.signing.sign_note(other, passphrase=PASSPHRASE)
    assert [n.id for n in ws.plans.signed_notes_without_progress()] == [other]


# --- checklist facts -------------------------------------------------------------------


def test_checklist_facts(ws: Workspace, client_id: str) -> None:
    note_id = draft_note(ws, client_id)
    fired = rules(ws, note_id)
    assert "current_plan" in fired and "plan_goal_progress" not in fired
    signed_plan(ws, client_id)
    fired = rules(ws, note_id)
    assert "current_plan" not in fired and "plan_goal_progress" in fired
    ws.plans.rate(note_id, [{"objective_id": "o1", "rating": "some progress"}])
    fired = rules(ws, note_id)
    assert "current_plan" not in fired and "plan_goal_progress" not in fired
    # A note dated outside the plan's validity has no current plan.
    old = draft_note(ws, client_id, date(2025, 11, 1))
    assert "current_plan" in rules(ws, old)


# --- JSON import errors ----------------------------------------------------------------


def _vault_counts(ws: Workspace) -> tuple[int, int]:
    return ws._vault.count("plan"), ws._vault.count()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(service_type="couples"), "service_type: must be individual"),
        (lambda d: d.update(session_minutes="50"), "session_minutes: must be a whole number"),
        (lambda d: d.update(review_interval_days=3), "review_interval_days: must be"),
        (lambda d: d.update(valid_from="01/12/2025"), "valid_from: must be a date"),
        (lambda d: d.update(valid_until="2025-01-01"), "valid_until: is before valid_from"),
        (lambda d: d.update(frequency=5), "frequency: must be text"),
        (lambda d: d.update(colour="blue"), "colour: is not a plan field"),
        (lambda d: d.update(problems={}), "problems: must be a list"),
        (lambda d: d["problems"].append("x"), "problems[1]: must be an object"),
        (lambda d: d["problems"][0].update(statement=""), "problems[0].statement: is required"),
        (
            lambda d: d["problems"][0]["goals"][0]["objectives"][0].update(target_date=20260401),
            "problems[0].goals[0].objectives[0].target_date: must be a date",
        ),
        (
            lambda d: d["problems"][0]["goals"][0]["objectives"][1].update(status="done"),
            "problems[0].goals[0].objectives[1].status: must be one of",
        ),
        (
            lambda d: d["problems"][0]["goals"][0]["objectives"][1].update(id="o1"),
            "problems[0].goals[0].objectives[1].id: 'o1' is used twice",
        ),
        (
            lambda d: d["problems"][0]["goals"][0]["objectives"][0]["interventions"][0].pop(
                "description"
            ),
            "objectives[0].interventions[0].description: is required",
        ),
        (lambda d: d.update(diagnoses=[{"code": "banana"}]), "diagnoses[0].code"),
        (
            lambda d: d.update(acknowledgements=[{"method": "nodded", "on": "2026-01-02"}]),
            "acknowledgements[0].method: must be one of",
        ),
    ],
)
def test_import_errors_name_the_path_and_store_nothing(
    ws: Workspace, client_id: str, mutate: Any, message: str
) -> None:
    existing = ws.plans.import_json(client_id, plan_data())
    before = _vault_counts(ws)
    data = copy.deepcopy(plan_data(frequency="every other week"))
    mutate(data)
    with pytest.raises(InvalidInputError) as err:
        ws.plans.import_json(client_id, data)
    assert message in str(err.value)
    assert str(err.value).startswith("The plan was not imported")
    assert _vault_counts(ws) == before
    assert ws.plans.get(existing.id).frequency == "weekly"  # the draft is untouched


def test_import_reports_every_problem_at_once(ws: Workspace, client_id: str) -> None:
    data = plan_data(service_type="x", session_minutes=0)
    data["problems"][0]["goals"][0]["objectives"][0]["target_date"] = "soon"
    with pytest.raises(InvalidInputError) as err:
        ws.plans.import_json(client_id, data)
    text = str(err.value)
    assert "service_type" in text and "session_minutes" in text and "target_date" in text
    assert ws._vault.count("plan") == 0


def test_import_refuses_non_objects(ws: Workspace, client_id: str) -> None:
    with pytest.raises(InvalidInputError, match="one JSON object"):
        ws.plans.import_json(client_id, [plan_data()])
    assert ws._vault.count("plan") == 0


def test_import_accepts_what_show_json_adds(ws: Workspace, client_id: str) -> None:
    data = plan_data(id="whatever", version=9, status="signed", signed_on="2020-01-01")
    plan = ws.plans.import_json(client_id, data)
    assert plan.version == 1 and plan.status == PlanStatus.DRAFT and plan.signed_on is None


# --- acknowledgement -------------------------------------------------------------------


def test_acknowledgement_on_a_draft_is_part_of_the_version(ws: Workspace, client_id: str) -> None:
    plan = ws.plans.import_json(client_id, plan_data())
    result = ws.plans.acknowledge(
        plan.id, method="signed on paper", on=date(2026, 1, 2), note="Copy given."
    )
    assert isinstance(result, Plan)
    [ack] = result.acknowledgements
    assert ack.method.value == "signed on paper" and ack.on == date(2026, 1, 2)
    ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    item = ws.signing.note_item(plan.id)
    assert item is not None
    assert item.payload["plan"]["acknowledgements"][0]["note"] == "Copy given."


def test_acknowledgement_on_a_signed_plan_is_a_signed_addendum(
    ws: Workspace, client_id: str
) -> None:
    plan = signed_plan(ws, client_id)
    result = ws.plans.acknowledge(
        plan.id, method="refused", note="Declined to sign today.", passphrase=PASSPHRASE
    )
    assert isinstance(result, SignedItem) and result.type == ItemType.ADDENDUM
    assert ws.plans.get(plan.id) == plan  # the version itself never changes
    [ack] = ws.plans.acknowledgements(plan)
    assert (ack.method.value, ack.on, ack.note) == (
        "refused",
        date(2026, 1, 5),
        "Declined to sign today.",
    )
    ws.plans.acknowledge(plan.id, method="verbal", passphrase=PASSPHRASE)
    assert [a.method.value for a in ws.plans.acknowledgements(plan)] == ["refused", "verbal"]


def test_acknowledgement_checks_its_input(ws: Workspace, client_id: str) -> None:
    plan = ws.plans.import_json(client_id, plan_data())
    with pytest.raises(InvalidInputError, match="one of"):
        ws.plans.acknowledge(plan.id, method="nodded")
    with pytest.raises(InvalidInputError, match="future"):
        ws.plans.acknowledge(plan.id, method="verbal", on=date(2026, 2, 1))
    assert ws.plans.get(plan.id).acknowledgements == ()


# --- exports ---------------------------------------------------------------------------


def test_signed_plan_export_verifies_and_shows_objectives_and_acknowledgement(
    ws: Workspace, client_id: str, tmp_path: Path
) -> None:
    plan = ws.plans.import_json(client_id, plan_data())
    ws.plans.acknowledge(plan.id, method="signed on paper", on=date(2026, 1, 5))
    ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    out = ws.exports.export_plan(plan.id, tmp_path / "plan.docx")
    report = verify_docx(out)
    assert report.ok, report.problems
    text = "\n".join(read_docx(out).body_lines)
    assert "GAD-7 below 10 on two consecutive administrations." in text
    assert "Paced breathing practised 5 days per week." in text
    assert "Client acknowledgement" in text
    assert "signed on paper" in text
    assert "I want to stop worrying all the time." in text


def test_plan_export_of_a_draft_is_refused(ws: Workspace, client_id: str, tmp_path: Path) -> None:
    plan = ws.plans.import_json(client_id, plan_data())
    with pytest.raises(RefusedError):
        ws.exports.export_plan(plan.id, tmp_path / "plan.docx")
    assert not (tmp_path / "plan.docx").exists()


def test_chart_export_begins_with_the_plan(ws: Workspace, client_id: str, tmp_path: Path) -> None:
    signed_plan(ws, client_id)
    note_id = draft_note(ws, client_id)
    ws.plans.rate(note_id, [{"objective_id": "o1", "rating": "some progress"}])
    ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    out = ws.exports.export_chart(client_id, tmp_path / "chart.docx")
    report = verify_docx(out)
    assert report.ok, report.problems
    assert [n.title for n in report.notes] == ["Treatment plan", "BIRP Progress Note"]
    text = "\n".join(read_docx(out).body_lines)
    assert text.index("GAD-7 below 10") < text.index("Progress toward treatment-plan objectives")


def test_the_documented_full_example_imports_and_signs(ws: Workspace, client_id: str) -> None:
    import json

    doc = (Path(__file__).parents[2] / "docs" / "plans.md").read_text(encoding="utf-8")
    example = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    plan = ws.plans.import_json(client_id, example)
    assert ws.plans.validate_for_signing(plan) == []
    assert [o.id for o in plan.active_objectives()] == ["gad7", "relaxation"]
    ws.plans.sign(plan.id, passphrase=PASSPHRASE)


def test_demo_plans_are_signed_and_notes_rated(workspace: Workspace) -> None:
    from noteapp.demo import fill_demo

    ids = fill_demo(workspace, clients=12, passphrase=PASSPHRASE)
    with_plan = [i for i in ids if workspace.plans.latest(i) is not None]
    assert 6 <= len(with_plan) < len(ids)  # most clients, not all
    for client_id in with_plan:
        plan = workspace.plans.current_signed(client_id)
        admitted = workspace.clients.get(client_id).admitted_on
        assert plan is not None and plan.valid_from is not None and admitted is not None
        # Written after the intake (never before the client came), at most ~4 months ago.
        assert admitted <= plan.valid_from <= date(2026, 1, 5)
        assert (date(2026, 1, 5) - plan.valid_from).days <= 140
    points = [p for c in with_plan for o in workspace.plans.progress(c) for p in o.points]
    assert points, "progress charts need ratings"
    ratings = [p.rating for p in points]
    improving = sum(r in (Rating.SOME_PROGRESS, Rating.SIGNIFICANT_PROGRESS) for r in ratings)
    assert improving >= len(ratings) / 2
    # Rated notes were signed afterwards, with their ratings inside the signature.
    rated = {p.note_id for p in points}
    signed = [n for n in (workspace.notes.get(i) for i in rated) if n.is_signed]
    assert signed
    item = workspace.signing.note_item(signed[0].id)
    assert item is not None and item.payload["goal_progress"]


def test_demo_without_passphrase_leaves_plans_as_drafts(workspace: Workspace) -> None:
    from noteapp.demo import fill_demo

    ids = fill_demo(workspace, clients=6)
    plans = [p for i in ids for p in workspace.plans.versions(i)]
    assert plans and all(p.status == PlanStatus.DRAFT for p in plans)
