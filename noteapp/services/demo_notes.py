# ruff: noqa: E501 - banks of clinical prose read better unwrapped
"""Synthetic progress notes in every template, written in plausible clinical language.

Everything is invented. Sentences are assembled from banks of phrases so that notes vary
(and search has something real to chew on), deterministically for a seed.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import time, timedelta

from noteapp.domain.clients import Client
from noteapp.domain.notes import FieldValue, Modality, Note, RiskScreen, ScreenResult
from noteapp.services.workspace import Workspace

_MOODS = ["low", "anxious", "irritable", "flat", "more hopeful", "tired but steady", "tense"]
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
_SYMPTOMS = [
    "early waking",
    "racing thoughts at night",
    "loss of interest in hobbies",
    "panic symptoms on the bus",
    "intrusive memories",
    "trouble concentrating",
    "skipping meals",
    "urges to drink after work",
    "avoiding friends",
]
_SKILLS = [
    "thought records",
    "paced breathing",
    "activity scheduling",
    "5-4-3-2-1 grounding",
    "opposite action",
    "urge surfing",
    "scheduled worry time",
    "a consistent sleep window",
    "values-based goal setting",
]
_INTERVENTIONS = [
    "Cognitive behavioral therapy (CBT)",
    "Cognitive restructuring",
    "Behavioral activation",
    "Motivational interviewing (MI)",
    "Mindfulness",
    "Psychoeducation",
    "Dialectical behavior therapy (DBT) skills",
    "Grounding techniques",
    "Relaxation and breathing training",
    "Problem-solving therapy",
    "Relapse prevention",
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


def _p(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def _fields(template_id: str, c: Client, rng: random.Random) -> dict[str, FieldValue]:
    n = c.first_name
    mood, stress, symptom = rng.choice(_MOODS), rng.choice(_STRESSORS), rng.choice(_SYMPTOMS)
    skill, affect, progress = rng.choice(_SKILLS), rng.choice(_AFFECT), rng.choice(_PROGRESS)
    homework = (
        f"{n} will practise {skill} at least four times before the next session and "
        "note what helped."
    )
    behavior = (
        f"{n} arrived on time, casually dressed and well groomed. Affect {affect}; "
        "speech normal in rate and volume; thought process linear and goal-directed; "
        "no evidence of psychosis. Oriented ×4."
    )
    response = (
        f"{n} engaged well and was able to {_p(rng, 'name', 'identify', 'challenge')} "
        f"two unhelpful thoughts about {stress}. Reports {progress} on the treatment goal "
        f"addressing {symptom}."
    )
    intervention = (
        f"Reviewed the week and {n}'s practice of {skill}. Used "
        f"{_p(rng, 'cognitive restructuring', 'Socratic questioning', 'behavioral activation planning', 'motivational interviewing')}"
        f" to address {stress}; practised {skill} in session with coaching."
    )
    plan = f"Continue weekly individual psychotherapy. {homework} Next session in one week."
    common = {"intervention": intervention, "response": response, "plan": plan}
    if template_id == "soap":
        return {
            "subjective": (
                f"{n} describes the week as “{_p(rng, 'up and down', 'a bit better', 'really hard', 'about the same')}”. "
                f"Mood {mood}; reports {symptom} and stress about {stress}. "
                f"“{_p(rng, 'I actually used the breathing on Tuesday.', 'I keep replaying it at night.', 'I got out of the house twice.', 'Work has been a lot.')}”"
            ),
            "objective": behavior + f" PHQ-9 today {rng.randint(4, 19)}.",
            "assessment": response + " Risk remains low; diagnosis continues to fit.",
            "plan": plan,
        }
    if template_id == "dap":
        return {
            "data": f"{n} reports a {mood} mood and {symptom}, linked to {stress}. " + behavior,
            "assessment": response,
            "plan": plan,
        }
    if template_id == "birp":
        return {"behavior": behavior, **common}
    if template_id == "girp":
        return {
            "goals": f"Reduce {symptom}; build coping with {stress} (treatment plan goal 1).",
            **common,
        }
    if template_id == "pirp":
        return {"problem": f"{symptom.capitalize()} in the context of {stress}.", **common}
    if template_id == "intake":
        return {
            "presenting_problem": f"{n} self-referred for {symptom} and a {mood} mood over the past three months, following {stress}.",
            "psychiatric_history": "One prior episode of outpatient counselling; no hospitalisations; no prior suicide attempts.",
            "medical_history": "No significant medical history reported. Sees primary care yearly.",
            "substance_use_history": _p(
                rng,
                "Alcohol socially, 2–3 drinks a week; denies other substances.",
                "Denies alcohol and drug use.",
            ),
            "family_history": "Reports depression in a parent; no known family history of psychosis.",
            "social_history": f"Lives with a partner; works full time; identifies {_p(rng, 'a close friend', 'a sibling', 'their partner')} as support.",
            "mental_status_exam": behavior,
            "risk_assessment": "Denies suicidal and homicidal ideation, intent or plan; no history of self-harm. Protective factors: family, work, future orientation. Risk assessed as low.",
            "diagnosis": ", ".join(f"{d.code} {d.description}" for d in c.diagnoses)
            or "Deferred pending further assessment.",
            "recommendations": "Weekly individual CBT for 12 weeks; PHQ-9 and GAD-7 every four weeks; coordinate with primary care with consent.",
        }
    if template_id == "group":
        return {
            "group_topic": _p(
                rng, "Coping with stress", "Sleep and mood", "Challenging unhelpful thoughts"
            ),
            "group_modality": ["CBT skills group"],
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
            "safety_plan": "Safety plan reviewed and updated; client kept a copy.",
            "follow_up": "Phone check-in tomorrow; next session within 48 hours.",
        }
    if template_id == "contact":
        return {
            "contact_with": _p(
                rng, "Primary care provider's office", "School counsellor", "Client's case manager"
            ),
            "contact_method": "phone",
            "purpose": "Coordination of care with the client's written consent.",
            "outcome": "Shared current treatment focus; agreed to update each other after the next appointment.",
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
            "treatment_summary": f"{n} attended 14 sessions of CBT for {symptom}; PHQ-9 fell from 17 to 5.",
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


def add_demo_notes(
    ws: Workspace, *, count: int, seed: int = 11, client_ids: list[str] | None = None
) -> list[str]:
    """`count` notes spread over the clients, in every template; newest ones left as drafts."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    clients = [ws.clients.get(i) for i in client_ids] if client_ids else ws.clients.list()
    if not clients or count <= 0:
        return []
    templates = [t.id for t in ws.templates.list()]
    weights = [
        12 if t in ("soap", "dap", "birp") else 3 if t in ("girp", "pirp") else 1 for t in templates
    ]
    today = ws.clock.now().date()
    codes = ["90834", "90834", "90837", "90832"]
    ids: list[str] = []
    with ws.vault.transaction():
        for i in range(count):
            client = clients[i % len(clients)]
            template_id = templates[0] if i < len(templates) else rng.choices(templates, weights)[0]
            if i < len(templates):
                template_id = templates[i]
            day = today - timedelta(days=rng.randint(0, 365))
            start_hour = rng.randint(8, 18)
            code = rng.choice(codes)
            minutes = {"90832": 30, "90834": 50, "90837": 55}[code]
            modality = rng.choice([Modality.IN_PERSON, Modality.IN_PERSON, Modality.VIDEO])
            session = replace(
                ws.notes.default_session(client, on=day),
                start=time(start_hour, 0),
                end=time(start_hour, minutes),
                service_code="90853" if template_id == "group" else code,
                modality=modality,
                place_of_service="10" if modality == Modality.VIDEO else "11",
                interventions=tuple(rng.sample(_INTERVENTIONS, k=2)),
                risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
                extended_reason="Client in acute distress; extended time needed to complete "
                "safety planning."
                if minutes > 52
                else "",
                diagnoses=client.diagnoses,
            )
            note: Note = ws.notes.new(
                client_id=client.id,
                template_id=template_id,
                session=session,
                fields=_fields(template_id, client, rng),
            )
            ids.append(note.id)
    return ids
