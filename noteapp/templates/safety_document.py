"""A safety-plan version as a clinical document (what is signed, exported and verified, the
same way as a treatment plan) and as the client's own copy (plain words, large print)."""

from __future__ import annotations

from datetime import date

from noteapp.domain.clients import Client
from noteapp.domain.document import Block, BulletList, Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.safety_plan import ClientCopy, ClientCopyStep, SafetyPlan

# (clinical heading, client-copy heading, client-copy prompt) for the six steps.
STEPS = (
    (
        "Step 1: Warning signs",
        "Step 1 — Warning signs that a crisis may be developing",
        "When I notice these thoughts, feelings or situations, it is time to use my plan.",
    ),
    (
        "Step 2: Internal coping strategies",
        "Step 2 — Things I can do on my own to take my mind off my problems",
        "I can try these by myself, without contacting anyone.",
    ),
    (
        "Step 3: People and places that distract",
        "Step 3 — People and places that help me feel better",
        "Being with these people, or going to these places, can take my mind off things.",
    ),
    (
        "Step 4: People to ask for help",
        "Step 4 — People I can ask for help",
        "I can tell these people how I am feeling and ask them to help me.",
    ),
    (
        "Step 5: Professionals and crisis lines",
        "Step 5 — Professionals and crisis lines I can contact",
        "I can call these people and services, day or night.",
    ),
    (
        "Step 6: Making the environment safe",
        "Step 6 — Making my surroundings safe",
        "Things I will do to keep myself safe where I live.",
    ),
)
REASONS_HEADING = "Reasons for living"
CLIENT_REASONS_HEADING = "My reasons for living"
NONE_RECORDED = "None recorded."


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(d: date) -> str:
    """ "January 5, 2026": the month spelt out (whatever the locale), never ambiguous."""
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def _step_items(plan: SafetyPlan) -> tuple[tuple[str, ...], ...]:
    return (
        plan.warning_signs,
        plan.internal_coping,
        tuple(c.line() for c in plan.distractions),
        tuple(c.line() for c in plan.people_to_ask),
        tuple(c.line() for c in plan.professionals),
        plan.environment_safety,
    )


def render_safety_plan(plan: SafetyPlan, client: Client) -> Document:
    """The clinical document: a details table, the six steps and the reasons for living."""
    rows = [
        ("Safety plan version", str(plan.version)),
        ("Created", plan.created_on.isoformat() if plan.created_on else ""),
        ("Date", plan.signed_on.isoformat() if plan.signed_on else ""),
        ("Status", plan.status.value.capitalize()),
    ]
    blocks: list[Block] = [KeyValueTable(tuple((k, v) for k, v in rows if v))]
    for (heading, _c, _p), items in zip(STEPS, _step_items(plan), strict=True):
        blocks.append(Heading(2, heading))
        if heading.startswith("Step 5"):
            if items:
                blocks.append(Paragraph("Professionals and agencies:"))
                blocks.append(BulletList(items))
            if plan.crisis_lines:
                blocks.append(Paragraph("Crisis lines:"))
                blocks.append(
                    BulletList(
                        tuple(
                            f"{line.name}: {line.call}" + (f" — {line.notes}" if line.notes else "")
                            for line in plan.crisis_lines
                        )
                    )
                )
            if not items and not plan.crisis_lines:
                blocks.append(Paragraph(NONE_RECORDED))
            continue
        blocks.append(BulletList(items) if items else Paragraph(NONE_RECORDED))
    blocks.append(Heading(2, REASONS_HEADING))
    blocks.append(
        BulletList(plan.reasons_for_living) if plan.reasons_for_living else Paragraph(NONE_RECORDED)
    )
    return Document(title=f"Safety Plan — {client.name}", blocks=tuple(blocks))


def client_copy(plan: SafetyPlan, client: Client) -> ClientCopy:
    """The client's copy: first (or preferred) name only, no codes, diagnoses or signatures."""
    made = plan.signed_on or plan.created_on
    steps = []
    for (_h, heading, prompt), items in zip(STEPS, _step_items(plan), strict=True):
        if heading.startswith("Step 5"):
            items = (*items, *(f"{line.name}: {line.call}" for line in plan.crisis_lines))
        steps.append(ClientCopyStep(heading, prompt, items))
    return ClientCopy(
        name=client.first_name,
        made_on=long_date(made) if made else "",
        crisis_lines=plan.crisis_lines,
        steps=tuple(steps),
        reasons_for_living=plan.reasons_for_living,
    )
