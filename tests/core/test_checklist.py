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
from noteapp.domain.notes import (
    Modality,
    Note,
    RiskArea,
    RiskAssessment,
    RiskScreen,
    ScreenResult,
    SessionInfo,
)
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


# --- one risk screen per note (issue 9, point 18) -----------------------------------------

COMPLETE_NO = RiskAssessment(
    suicidal_ideation=RiskArea(present=False),
    homicidal_ideation=RiskArea(present=False),
    self_harm=RiskArea(present=False),
    risk_level="low",
    actions_taken="Reviewed coping plan.",
)


def test_risk_screen_and_assessment_that_disagree_block_signing() -> None:
    # The reported case: "Suicidal ideation: present" in the session details, "no" in the
    # structured assessment — both would have been signed and exported.
    note = replace(
        session(risk=RiskScreen(ScreenResult.PRESENT, ScreenResult.DENIED)),
        risk_assessment=COMPLETE_NO,
    )
    result = check_note(note, BIRP, REFERENCE, FACTS)
    items = [i for i in result.items if i.rule == "risk_consistent"]
    assert [i.severity for i in items] == [Severity.BLOCK]
    assert "Suicidal ideation is “present” in the session details but “no”" in items[0].message
    assert not result.can_sign
    # The other way round, and "not assessed" against an answer, contradict as well.
    denied_yes = replace(
        good_note(),
        risk_assessment=replace(COMPLETE_NO, homicidal_ideation=RiskArea(present=True)),
    )
    assert rules_fired(denied_yes)["risk_consistent"] == Severity.BLOCK
    unscreened = replace(session(risk=RiskScreen()), risk_assessment=COMPLETE_NO)
    assert rules_fired(unscreened)["risk_consistent"] == Severity.BLOCK


def test_agreeing_or_unanswered_risk_records_pass() -> None:
    assert "risk_consistent" not in rules_fired(replace(good_note(), risk_assessment=COMPLETE_NO))
    unanswered = RiskAssessment(risk_level="low")  # presence not answered yet: incomplete
    assert "risk_consistent" not in rules_fired(replace(good_note(), risk_assessment=unanswered))


# --- diagnoses the note or plan address; codes that fit the note (point 21) ---------------

ADHD = Diagnosis("F90.0", "Attention-deficit hyperactivity disorder, predominantly inattentive")


def test_a_diagnosis_nothing_addresses_is_a_warning() -> None:
    note = session(diagnoses=(*good_note().session.diagnoses, ADHD))  # the note is about worry
    items = [i for i in check_note(note, BIRP, REFERENCE, FACTS).items]
    assert [(i.rule, i.severity) for i in items] == [("diagnosis_supported", Severity.WARN)]
    assert "F90.0 Attention-deficit" in items[0].message
    assert check_note(note, BIRP, REFERENCE, FACTS).can_sign
    # An anxiety plan does not support it either; a plan problem about attention does.
    anxious_plan = replace(FACTS, plan_text="Excessive worry on most days; GAD-7 below 10.")
    assert "diagnosis_supported" in rules_fired_with(note, anxious_plan)
    adhd_plan = replace(FACTS, plan_text="Missed deadlines from disorganisation; use a planner.")
    assert "diagnosis_supported" not in rules_fired_with(note, adhd_plan)
    # ... and so does the note itself, by its words or its code.
    for words in ("Lost focus twice in session.", "Reviewed F90.0 medication response."):
        talked = replace(note, fields={**note.fields, "behavior": words})
        assert "diagnosis_supported" not in rules_fired(talked)
    assert rules_fired(note, severities={"diagnosis_supported": "off"}) == {}
    assert rules_fired(note, severities={"diagnosis_supported": "block"}) == {
        "diagnosis_supported": Severity.BLOCK
    }


def rules_fired_with(note: Note, facts: ChecklistFacts) -> set[str]:
    return {i.rule for i in check_note(note, BIRP, REFERENCE, facts).items}


PSY_REFERENCE = replace(
    REFERENCE,
    service_codes=(
        ServiceCode("90834", "Psychotherapy, 45 minutes", 38, 52, psychotherapy=True),
        ServiceCode("T1017", "Targeted case management, per 15 minutes", 8, None),
    ),
)
CONTACT = TemplateInfo(
    "contact",
    "Collateral / Case Management Contact",
    (SectionInfo("outcome", "Outcome", True),),
)


def test_a_psychotherapy_code_on_a_contact_note_is_a_warning() -> None:
    contact = replace(session(interventions=("CBT",)), fields={"outcome": "Shared the worry plan."})
    result = check_note(contact, CONTACT, PSY_REFERENCE, FACTS)
    items = [i for i in result.items if i.rule == "contact_service_code"]
    assert [i.severity for i in items] == [Severity.WARN] and result.can_sign
    assert "90834 is a psychotherapy code" in items[0].message
    case_management = replace(contact, session=replace(contact.session, service_code="T1017"))
    fired = {i.rule for i in check_note(case_management, CONTACT, PSY_REFERENCE, FACTS).items}
    assert "contact_service_code" not in fired
    # A psychotherapy note template with that code is what the code is for.
    assert "contact_service_code" not in {
        i.rule for i in check_note(good_note(), BIRP, PSY_REFERENCE, FACTS).items
    }
