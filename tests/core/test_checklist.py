"""Each documentation checklist rule: it fires on the bad note, and the good note passes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from noteapp.domain.checklist import (
    RULE_IDS,
    ChecklistFacts,
    SectionInfo,
    Severity,
    TemplateInfo,
    check_note,
    rule_settings,
)
from noteapp.domain.clients import Diagnosis
from noteapp.domain.ids import ClientId, NoteId
from noteapp.domain.notes import Modality, Note, RiskScreen, ScreenResult, SessionInfo
from noteapp.domain.reference import PlaceOfService, ReferenceData, ServiceCode

BIRP = TemplateInfo(
    id="birp",
    name="BIRP",
    sections=(
        SectionInfo("behavior", "Behavior", True),
        SectionInfo("intervention", "Intervention", True, "interventions"),
        SectionInfo("response", "Response", True, "response"),
        SectionInfo("plan", "Plan", True, "plan"),
    ),
)
REFERENCE = ReferenceData(
    service_codes=(
        ServiceCode("90832", "30 min", 16, 37),
        ServiceCode("90834", "45 min", 38, 52),
        ServiceCode("90837", "60 min", 53, None),
    ),
    places_of_service=(
        PlaceOfService("11", "Office"),
        PlaceOfService("10", "Telehealth in home", telehealth=True),
    ),
    interventions=("CBT",),
)
FACTS = ChecklistFacts(today=date(2026, 3, 10))


def good_note() -> Note:
    return Note(
        id=NoteId("n1"),
        client_id=ClientId("c1"),
        template_id="birp",
        template_version=1,
        template_snapshot="birp.v1",
        session=SessionInfo(
            date=date(2026, 3, 9),
            start=time(14, 0),
            end=time(14, 50),
            service_code="90834",
            modality=Modality.IN_PERSON,
            place_of_service="11",
            diagnoses=(Diagnosis("F41.1", "Generalized anxiety disorder"),),
            interventions=("CBT",),
            risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
        ),
        fields={
            "behavior": "Arrived on time; affect anxious.",
            "intervention": "Cognitive restructuring of worry about work.",
            "response": "Identified two thoughts and generated alternatives.",
            "plan": "Weekly; thought record homework.",
        },
    )


def rules_fired(note: Note, template: TemplateInfo = BIRP, **kw: object) -> dict[str, Severity]:
    result = check_note(note, template, REFERENCE, FACTS, **kw)  # type: ignore[arg-type]
    return {i.rule: i.severity for i in result.items}


def test_a_good_note_passes() -> None:
    result = check_note(good_note(), BIRP, REFERENCE, FACTS)
    assert result.items == ()
    assert result.can_sign


def session(**changes: object) -> Note:
    n = good_note()
    return replace(n, session=replace(n.session, **changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("note", "rule"),
    [
        (
            replace(good_note(), fields={**good_note().fields, "behavior": "  "}),
            "required_sections",
        ),
        (session(date=date(2026, 3, 11)), "date_of_service"),
        (session(start=None), "start_stop_time"),
        (session(end=time(14, 0)), "start_stop_time"),
        (session(end=time(14, 30)), "time_band"),
        (session(service_code="90837", end=time(15, 0)), "extended_session_reason"),
        (session(place_of_service="10"), "telehealth_modality"),
        (session(modality=Modality.VIDEO), "telehealth_modality"),
        (session(diagnoses=()), "diagnosis"),
        (replace(good_note(), fields={**good_note().fields, "response": ""}), "client_response"),
        (session(risk=RiskScreen(ScreenResult.PRESENT, ScreenResult.DENIED)), "risk_assessment"),
    ],
)
def test_each_blocking_rule_blocks_an_auditor_rejected_note(note: Note, rule: str) -> None:
    fired = rules_fired(note)
    assert fired.get(rule) == Severity.BLOCK
    assert not check_note(note, BIRP, REFERENCE, FACTS).can_sign


def test_interventions_satisfied_by_the_intervention_section_or_the_list() -> None:
    assert "interventions" not in rules_fired(session(interventions=()))
    blank = replace(session(interventions=()), fields={**good_note().fields, "intervention": ""})
    assert rules_fired(blank)["interventions"] == Severity.BLOCK


def test_extended_session_with_reason_passes() -> None:
    note = session(service_code="90837", end=time(15, 0), extended_reason="Crisis planning.")
    assert rules_fired(note) == {}


def test_telehealth_with_video_passes() -> None:
    assert rules_fired(session(place_of_service="10", modality=Modality.VIDEO)) == {}


def test_positive_screen_with_assessment_passes() -> None:
    risk = RiskScreen(
        ScreenResult.PRESENT, ScreenResult.DENIED, "Passive SI, no plan; safety plan."
    )
    assert "risk_assessment" not in rules_fired(session(risk=risk))


def test_unscreened_risk_and_missing_code_only_warn() -> None:
    fired = rules_fired(session(risk=RiskScreen(), service_code=""))
    assert fired == {"risk_screen": Severity.WARN, "service_code": Severity.WARN}
    assert check_note(session(service_code=""), BIRP, REFERENCE, FACTS).can_sign


def test_severities_are_settings() -> None:
    note = session(diagnoses=())
    assert rules_fired(note, severities={"diagnosis": "warn"}) == {"diagnosis": Severity.WARN}
    assert rules_fired(note, severities={"diagnosis": "off"}) == {}
    # a nonsense value falls back to the default rather than disabling the rule
    assert rules_fired(note, severities={"diagnosis": "maybe"}) == {"diagnosis": Severity.BLOCK}


def test_psychotherapy_notes_are_not_checked() -> None:
    psy = TemplateInfo("psychotherapy", "Psychotherapy note", (), psychotherapy=True)
    assert check_note(session(diagnoses=(), start=None), psy, REFERENCE, FACTS).items == ()


def test_contact_notes_only_warn_about_times() -> None:
    contact = replace(BIRP, id="contact")
    assert rules_fired(session(start=None), contact) == {"start_stop_time": Severity.WARN}


def test_plan_and_measure_hooks_are_silent_until_facts_are_given() -> None:
    note = good_note()
    assert check_note(note, BIRP, REFERENCE, FACTS).items == ()
    facts = replace(FACTS, has_active_objectives=True, has_current_signed_plan=False)
    fired = {i.rule for i in check_note(note, BIRP, REFERENCE, facts).items}
    assert fired == {"plan_goal_progress", "current_plan"}
    risky = replace(FACTS, unresolved_risk_flag=True, has_current_safety_plan=False)
    assert not check_note(note, BIRP, REFERENCE, risky).can_sign


def test_rule_settings_lists_every_rule_with_current_severity() -> None:
    settings = rule_settings({"diagnosis": "warn"})
    assert [s.id for s in settings] == list(RULE_IDS)
    assert next(s for s in settings if s.id == "diagnosis").current == Severity.WARN


def test_group_sessions_need_no_52_minute_reason() -> None:
    reference = replace(
        REFERENCE,
        service_codes=(*REFERENCE.service_codes, ServiceCode("90853", "Group", group=True)),
    )
    note = session(service_code="90853", end=time(15, 30))
    assert check_note(note, BIRP, reference, FACTS).items == ()
