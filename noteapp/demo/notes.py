"""Synthetic progress notes a clinician would believe, in every built-in template.

Everything is invented, deterministically for a seed. What makes the notes believable:

- each client's notes run in order: the intake on the day of admission, sessions about weekly
  after it, and — for a discharged client — the discharge summary on the day of discharge;
- what a note says fits the client's diagnoses (`demo_text`: the symptoms, skills and focus
  of depression, anxiety, trauma, drinking, ADHD…), and names every diagnosis it carries, so
  the checklist's `diagnosis_supported` has nothing to say;
- each template is billed as its kind of service (`_SERVICE`): an intake with the diagnostic
  evaluation, a crisis with the crisis code, a group with the group code and a collateral
  contact with case management — never with psychotherapy;
- scores are never made up here: `demo_measures` writes "PHQ-9 today …" into the notes of
  the days a measure was given, from the scores it recorded.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, time, timedelta

from noteapp.demo.text import fields_for, passive_ideation
from noteapp.domain.clients import Client
from noteapp.domain.notes import (
    Modality,
    Note,
    RiskScreen,
    ScreenResult,
    SessionInfo,
)
from noteapp.domain.progress import Progress, report
from noteapp.services.workspace import Workspace

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
_FIXED_INTERVENTIONS = {
    "contact": ("Case management and care coordination",),
    "crisis": ("Crisis intervention", "Safety planning"),
    "discharge": ("Relapse prevention", "Psychoeducation"),
}
# Template → (service code, minutes, modality, place, reason when over 52 minutes).
_SERVICE: dict[str, tuple[str, int, Modality | None, str, str]] = {
    "intake": (
        "90791",
        60,
        Modality.IN_PERSON,
        "11",
        "Initial diagnostic evaluation: history, mental status and risk assessment.",
    ),
    "group": ("90853", 90, Modality.IN_PERSON, "11", ""),
    "crisis": (
        "90839",
        60,
        None,
        "",
        "Crisis: risk assessment and safety planning took the full hour.",
    ),
    "contact": ("T1017", 20, Modality.AUDIO, "02", ""),
    "discharge": ("90834", 50, None, "", ""),
}
_INDIVIDUAL = (("90834", 50), ("90834", 45), ("90837", 55), ("90832", 30))
_EXTENDED = (
    "Exposure exercise needed the full session for anxiety to come down before ending.",
    "Processing a difficult week took longer; the session ran to the hour by agreement.",
)
CRISIS_ASSESSMENT = passive_ideation(
    "Passive thoughts of death after the escalation; no plan or intent.",
    protective="Children at home; a planned trip with their sister; engaged in treatment.",
    level="moderate",
    actions="De-escalation; means-safety counselling; safety plan written together; 988 and "
    "the clinic line given; check-in call tomorrow.",
)
# Templates the demo writes (custom templates in the user's folder are left alone).
_PROGRESS_TEMPLATES = ("soap", "dap", "birp", "girp", "pirp")
_SESSION_WEIGHTS = {
    "soap": 12,
    "dap": 12,
    "birp": 12,
    "girp": 3,
    "pirp": 3,
    "group": 2,
    "contact": 2,
    "crisis": 1,
    "psychotherapy": 1,
}
KNOWN_TEMPLATES = frozenset({*_SESSION_WEIGHTS, "intake", "discharge"})


def _spread(start: date, end: date, k: int, rng: random.Random) -> list[date]:
    """k dates from start to end, about evenly spaced (weekly-ish), in order."""
    if k <= 0:
        return []
    span = max((end - start).days, 0)
    step = span / k
    days = [
        start + timedelta(days=min(span, round(step * (i + 1) + rng.uniform(-1, 1))))
        for i in range(k)
    ]
    return sorted(min(max(d, start), end) for d in days)


def _plan_templates(k: int, discharged: bool, rng: random.Random) -> list[str]:
    """The templates of one client's k notes, in date order."""
    if k <= 0:
        return []
    names = list(_SESSION_WEIGHTS)
    weights = list(_SESSION_WEIGHTS.values())
    middle = k - 1 - (1 if discharged and k >= 2 else 0)
    out = ["intake", *rng.choices(names, weights, k=middle)]
    if discharged and k >= 2:
        out.append("discharge")
    if out[1:2] == ["psychotherapy"]:  # process notes follow a session, not the intake
        out[1] = "soap"
    return out


def _cover_every_template(plans: list[list[str]], rng: random.Random) -> None:
    """Where there is room, make sure each session template appears at least once (the demo
    shows them all), replacing repeats of the common progress templates. The rarest come
    first: with few notes, a psychotherapy note and a crisis note matter more to try out than
    a fifth progress-note format."""
    for template in sorted(_SESSION_WEIGHTS, key=_SESSION_WEIGHTS.__getitem__):
        if any(template in p for p in plans):
            continue
        slots = [
            (ci, i)
            for ci, p in enumerate(plans)
            for i, t in enumerate(p)
            if t in ("soap", "dap", "birp")
            and 1 < i < len(p) - 1
            and sum(t == x for q in plans for x in q) > 1
        ]
        if slots:
            ci, i = rng.choice(slots)
            plans[ci][i] = template


def _session(
    ws: Workspace, client: Client, template_id: str, day: date, rng: random.Random
) -> SessionInfo:
    if template_id == "psychotherapy":
        return SessionInfo(date=day)  # process notes record the date only
    code, minutes = rng.choice(_INDIVIDUAL)
    modality: Modality | None = rng.choice([Modality.IN_PERSON, Modality.IN_PERSON, Modality.VIDEO])
    place, reason = "", ""
    if template_id in _SERVICE:
        code, minutes, fixed, place, reason = _SERVICE[template_id]
        modality = fixed or modality
    if not place:
        place = "10" if modality == Modality.VIDEO else "11"
    if minutes > 52 and not reason:
        reason = rng.choice(_EXTENDED)
    start_hour = 17 if template_id == "group" else rng.randint(8, 16)
    start = time(start_hour, rng.choice([0, 0, 15, 30]))
    end_minutes = start_hour * 60 + start.minute + minutes
    risk = RiskScreen(
        ScreenResult.PRESENT if template_id == "crisis" else ScreenResult.DENIED,
        ScreenResult.DENIED,
    )
    assert modality is not None
    return replace(
        ws.notes.default_session(client, on=day),
        start=start,
        end=time(end_minutes // 60, end_minutes % 60),
        service_code=code,
        modality=modality,
        place_of_service=place,
        interventions=_FIXED_INTERVENTIONS.get(template_id)
        or tuple(rng.sample(_INTERVENTIONS, k=2)),
        risk=risk,
        extended_reason=reason,
        diagnoses=client.diagnoses,
    )


def add_demo_notes(
    ws: Workspace,
    *,
    count: int,
    seed: int = 11,
    client_ids: list[str] | None = None,
    progress: Progress | None = None,
) -> list[str]:
    """`count` notes spread over the clients (see the module doc); the newest are drafts
    until `fill_demo` signs the older ones. `progress` hears (notes written, count)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    clients = [ws.clients.get(i) for i in client_ids] if client_ids else ws.clients.list()
    if not clients or count <= 0:
        return []
    available = {t.id for t in ws.templates.list()} & KNOWN_TEMPLATES
    today = ws.clock.now().date()
    per_client = [
        count // len(clients) + (1 if i < count % len(clients) else 0) for i in range(len(clients))
    ]
    plans = [
        _plan_templates(k, c.discharged_on is not None, rng)
        for c, k in zip(clients, per_client, strict=True)
    ]
    _cover_every_template(plans, rng)
    ids: list[str] = []
    with ws.transaction():
        for client, templates in zip(clients, plans, strict=True):
            if not templates:
                continue  # fewer notes than clients: this one has none
            start = max(
                client.admitted_on or today - timedelta(days=120), today - timedelta(days=365)
            )
            # The latest session a few days ago (a measure given since can still flag risk).
            end = client.discharged_on or today - timedelta(days=rng.randint(2, 6))
            days = [start, *_spread(start + timedelta(days=7), end, len(templates) - 1, rng)]
            if templates and templates[-1] == "discharge":
                days[-1] = end
            sessions = 0
            gap = (days[-1] - days[0]).days / max(len(days) - 1, 1)
            next_weeks = max(1, min(3, round(gap / 7)))
            for i, (template_id, day) in enumerate(zip(templates, days, strict=True)):
                if template_id not in available:
                    template_id = "soap"
                if template_id == "psychotherapy" and i > 0:
                    day = days[i - 1]  # process notes are written about that day's session
                sessions += template_id in (*_PROGRESS_TEMPLATES, "group", "crisis")
                note: Note = ws.notes.new(
                    client_id=client.id,
                    template_id=template_id,
                    session=_session(ws, client, template_id, day, rng),
                    fields=fields_for(
                        template_id, client, rng, sessions=sessions, next_weeks=next_weeks
                    ),
                )
                if template_id == "crisis":
                    note = ws.notes.save(note.id, risk_assessment=CRISIS_ASSESSMENT)
                ids.append(note.id)
                report(progress, len(ids), count)
    return ids
