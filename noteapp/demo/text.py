# ruff: noqa: E501 - banks of clinical prose read better unwrapped
"""The words of the demo's notes: how each diagnosis shows up in session (`_PICTURES`),
banks of phrases, and the fields of every built-in template for one invented client.

Everything is invented. Every note names the work on each of the client's diagnoses (the
checklist's `diagnosis_supported`), and no note states a score: `demo_measures` quotes the
scores it recorded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from noteapp.domain.clients import Client, Diagnosis
from noteapp.domain.notes import FieldValue, RiskArea, RiskAssessment


@dataclass(frozen=True)
class Picture:
    """How one diagnosis shows up in session notes."""

    focus: str  # what the work is about, as notes name it
    symptoms: tuple[str, ...]
    skills: tuple[str, ...]


_DEPRESSION = Picture(
    "low mood",
    (
        "early waking",
        "loss of interest in hobbies",
        "low energy in the afternoons",
        "withdrawing from friends",
    ),
    ("activity scheduling", "thought records", "a consistent sleep window"),
)
# ICD-10-CM prefixes of the demo diagnoses → how they show in notes.
_PICTURES: tuple[tuple[str, Picture], ...] = (
    ("F32", _DEPRESSION),
    ("F33", _DEPRESSION),
    (
        "F41",
        Picture(
            "worry and anxiety",
            (
                "worry about work most evenings",
                "muscle tension",
                "racing thoughts at night",
                "restlessness",
            ),
            ("paced breathing", "scheduled worry time", "progressive muscle relaxation"),
        ),
    ),
    (
        "F40",
        Picture(
            "social anxiety",
            ("avoiding meetings at work", "dread before phone calls", "leaving gatherings early"),
            ("graded exposure", "paced breathing", "testing feared outcomes"),
        ),
    ),
    (
        "F43.1",
        Picture(
            "trauma symptoms",
            (
                "intrusive memories",
                "nightmares",
                "startling at loud noises",
                "avoiding the street where it happened",
            ),
            ("5-4-3-2-1 grounding", "imagery rehearsal", "stuck-point worksheets"),
        ),
    ),
    (
        "F43.2",
        Picture(
            "coping with the recent stressor",
            (
                "trouble sleeping since the move",
                "tearfulness after work",
                "feeling overwhelmed by the change",
            ),
            ("problem-solving steps", "paced breathing", "activity scheduling"),
        ),
    ),
    (
        "F10",
        Picture(
            "drinking",
            (
                "urges to drink after work",
                "drinking more than planned at weekends",
                "cravings after arguments",
            ),
            ("urge surfing", "a drink-refusal script", "the daily drink diary"),
        ),
    ),
    (
        "F90",
        Picture(
            "attention and organisation",
            (
                "trouble concentrating at work",
                "missed deadlines",
                "losing track of appointments",
                "putting off paperwork",
            ),
            ("a daily planner review", "25-minute focus blocks", "breaking tasks into steps"),
        ),
    ),
)
_GENERAL = Picture(
    "the goals agreed at intake",
    ("poor sleep", "stress at work"),
    ("paced breathing", "problem-solving steps"),
)

_STRESSORS = [
    "work deadlines",
    "a conflict with their sister",
    "financial strain",
    "caring for an ill parent",
    "a difficult anniversary",
    "returning to school",
    "a breakup",
    "noise and poor sleep at home",
    "a new job",
    "court dates",
]
_AFFECT = [
    "constricted",
    "congruent with stated mood",
    "tearful at times",
    "broad and reactive",
    "anxious",
    "mildly irritable",
]
_PROGRESS = ["some progress", "significant progress", "no change", "a slight setback"]
# The routine risk sentence; demo_measures replaces it in the note that addressed a flag.
ROUTINE_RISK = "Denies suicidal and homicidal ideation; risk remains low."


def passive_ideation(notes: str, *, protective: str, level: str, actions: str) -> RiskAssessment:
    """A completed assessment of passive suicidal ideation: no plan, intent, means or
    history; homicidal ideation and self-harm denied."""
    return RiskAssessment(
        suicidal_ideation=RiskArea(
            present=True, plan=False, intent=False, means=False, history=False, notes=notes
        ),
        homicidal_ideation=RiskArea(present=False),
        self_harm=RiskArea(present=False, history=False),
        protective_factors=protective,
        risk_level=level,
        actions_taken=actions,
    )


def pictures_for(client: Client) -> list[Picture]:
    """One picture per distinct diagnosis family of the client (or a general one)."""
    out: list[Picture] = []
    for dx in client.diagnoses:
        pic = next((p for prefix, p in _PICTURES if dx.code.startswith(prefix)), None)
        if pic is not None and pic not in out:
            out.append(pic)
    return out or [_GENERAL]


def _p(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def _dx_list(diagnoses: tuple[Diagnosis, ...]) -> str:
    return "; ".join(f"{d.code} {d.description}" for d in diagnoses) or "Deferred."


_EVERY = {1: "weekly", 2: "every other week", 3: "every three weeks"}
_IN = {1: "one week", 2: "two weeks", 3: "three weeks"}


def fields_for(
    template_id: str, c: Client, rng: random.Random, *, sessions: int = 0, next_weeks: int = 1
) -> dict[str, FieldValue]:
    n = c.first_name
    pics = pictures_for(c)
    main = pics[0]
    foci = " and ".join(p.focus for p in pics)
    symptom, skill = rng.choice(main.symptoms), rng.choice(main.skills)
    stress, affect, progress = rng.choice(_STRESSORS), rng.choice(_AFFECT), rng.choice(_PROGRESS)
    homework = f"{n} will practise {skill} at least four times before the next session and note what helped."
    behavior = (
        f"{n} arrived on time, casually dressed and well groomed. Affect {affect}; "
        "speech normal in rate and volume; thought process linear and goal-directed; "
        "no evidence of psychosis. Oriented ×4."
    )
    response = (
        f"{n} engaged well and was able to {_p(rng, 'name', 'identify', 'challenge')} two "
        f"unhelpful thoughts about {stress}. Reports {progress} with {symptom}, part of the "
        f"work on {foci}."
    )
    intervention = (
        f"Reviewed the week and {n}'s practice of {skill}. Used "
        f"{_p(rng, 'cognitive restructuring', 'Socratic questioning', 'behavioral activation planning', 'motivational interviewing')}"
        f" to address {stress}; practised {skill} in session with coaching."
    )
    plan = (
        f"Continue individual psychotherapy for {foci}, {_EVERY[min(next_weeks, 3)]}. {homework} "
        f"Next session in {_IN[min(next_weeks, 3)]}."
    )
    common = {"intervention": intervention, "response": response, "plan": plan}
    if template_id == "soap":
        return {
            "subjective": (
                f"{n} describes the week as “{_p(rng, 'up and down', 'a bit better', 'really hard', 'about the same')}”. "
                f"Reports {symptom}, and stress about {stress}. "
                f"“{_p(rng, 'I tried what we talked about twice.', 'Some days were better than others.', 'Work has been a lot.', 'I am not sure it is working yet.')}”"
            ),
            "objective": behavior,
            "assessment": f"{response} {ROUTINE_RISK} Diagnosis continues to fit.",
            "plan": plan,
        }
    if template_id == "dap":
        return {
            "data": f"{n} reports {symptom}, linked to {stress}. {behavior}",
            "assessment": f"{response} {ROUTINE_RISK}",
            "plan": plan,
        }
    if template_id == "birp":
        return {"behavior": behavior, **common}
    if template_id == "girp":
        return {"goals": f"Treatment plan goal 1: {foci}; {symptom}.", **common}
    if template_id == "pirp":
        return {
            "problem": f"{symptom.capitalize()} in the context of {stress}; work on {foci}.",
            **common,
        }
    if template_id == "intake":
        return {
            "presenting_problem": f"{n} was referred by their primary care provider for {symptom} and {foci} over the past three months, following {stress}.",
            "psychiatric_history": "One prior episode of outpatient counselling; no hospitalisations; no prior suicide attempts.",
            "medical_history": "No significant medical history reported. Sees primary care yearly.",
            "substance_use_history": "Drinks most evenings, often more than planned; no other substances."
            if main.focus == "drinking"
            else _p(
                rng,
                "Alcohol socially, 2–3 drinks a week; denies other substances.",
                "Denies alcohol and drug use.",
            ),
            "family_history": "Reports depression in a parent; no known family history of psychosis.",
            "social_history": f"Lives with a partner; works full time; identifies {_p(rng, 'a close friend', 'a sibling', 'their partner')} as support.",
            "mental_status_exam": behavior,
            "risk_assessment": "Denies suicidal and homicidal ideation, intent or plan; no history of self-harm. Protective factors: family, work, future orientation. Risk assessed as low.",
            "diagnosis": _dx_list(c.diagnoses),
            "recommendations": f"Weekly individual CBT for {foci} for 12 weeks; PHQ-9 and GAD-7 every four weeks; coordinate with primary care with consent.",
        }
    if template_id == "group":
        return {
            "group_topic": _p(
                rng, "Coping with stress", "Sleep and mood", "Challenging unhelpful thoughts"
            ),
            "group_modality": ["CBT", "Skills training"],
            "attendance": f"{rng.randint(4, 8)} members attended.",
            "participation": f"{n} shared an example about {stress} and gave supportive feedback to a peer.",
            "response": response,
            "plan": "Continue weekly group; practise the skill of the week.",
        }
    if template_id == "crisis":
        return {
            "precipitating_event": f"{n} called after {stress} escalated and reported feeling overwhelmed.",
            "risk_assessment": "Reports passive thoughts of death without intent or plan; no access to firearms; no prior attempts. Protective factors: children, upcoming plans. Risk assessed as moderate, not imminent.",
            "interventions": "De-escalation, collaborative safety planning, means-safety counselling; reviewed 988.",
            "disposition": "Remained in the community with a safety plan",
            "safety_plan": "Safety plan written together in session; the client kept the paper copy.",
            "follow_up": f"Phone check-in tomorrow; next session within 48 hours to continue the work on {foci}.",
        }
    if template_id == "contact":
        return {
            "contact_with": _p(
                rng, "Primary care provider's office", "School counsellor", "Client's case manager"
            ),
            "contact_method": "phone",
            "purpose": f"Coordination of care for {foci}, with the client's written consent.",
            "outcome": "Shared the current treatment focus; agreed to update each other after the next appointment.",
            "referrals": _p(
                rng,
                "None.",
                "Referred to a community food bank.",
                "Referred for a psychiatric medication evaluation.",
            ),
        }
    if template_id == "discharge":
        return {
            "discharge_reason": "Treatment goals met",
            "treatment_summary": f"{n} attended {max(sessions, 1)} sessions of CBT for {foci}.",
            "goal_status": "Goal 1 met; goal 2 partially met.",
            "aftercare": "Relapse-prevention plan reviewed; may return at any time; 988 for crises.",
        }
    if template_id == "psychotherapy":
        return {
            "process_notes": f"Noticed {n} went quiet when the sister came up — something about being the responsible one. Transference: seemed to want my approval of the decision.",
            "impressions": "Shame seems to sit underneath the anger. Worth slowing down next time.",
            "supervision_questions": "How to name the pattern without it feeling like criticism?",
        }
    return {}
