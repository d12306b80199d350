"""Synthetic safety plans for the demo vault: written warmly and concretely, as a clinician
and client would write one together. Every person, place and number here is invented
(555-01xx numbers); the crisis lines are the real defaults (988, Crisis Text Line, 911).

The first active demo clients get a signed plan (the measures demo gives one of them a past
positive PHQ-9 item 9); the first of them also has an earlier version, superseded, so the
version history has something to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from noteapp.domain.clients import EmergencyContact
from noteapp.services.workspace import Workspace

DEMO_SAFETY_CLIENTS = 3


def _plans(contact: EmergencyContact, therapist: str, agency_phone: str) -> list[dict[str, Any]]:
    person = (
        {"name": contact.name, "phone": contact.phone, "role": contact.relationship}
        if contact.name
        else {"name": "Sam (neighbour)", "phone": "555-0142"}
    )
    helper = str(person["name"]).split()[0]
    clinician = {"name": therapist, "role": "my therapist", "phone": agency_phone or "555-0100"}
    return [
        {
            "warning_signs": [
                "Staying in bed past noon and skipping meals",
                "Thinking “nothing is ever going to change”",
                "Not answering texts from friends for more than a day",
                "Sundays alone after a hard week at work",
            ],
            "internal_coping": [
                "Take the dog for a walk around the block, even a short one",
                "Splash cold water on my face or hold an ice cube",
                "Play one album from start to finish and sing along",
                "Write down three things I got through today",
            ],
            "distractions": [
                {"name": "The reading room at the Riverside library"},
                {"name": "Coffee at the corner café — sit by the window"},
                {"name": "Sam, my neighbour, for a chat on the porch", "phone": "555-0142"},
            ],
            "people_to_ask": [
                person,
                {"name": "Chris", "phone": "555-0177", "role": "best friend"},
            ],
            "professionals": [
                clinician,
                {"name": "Exampleton Walk-in Crisis Centre", "phone": "555-0190"},
            ],
            "environment_safety": [
                f"{helper} keeps my medicines and brings me one week at a time",
                "No alcohol in the flat for now",
                "If the urges get strong, go to a friend's place or somewhere with people",
            ],
            "reasons_for_living": [
                "My niece's graduation in June — I promised to be there",
                "My dog, who needs me every morning",
                "Finishing the garden I started last spring",
            ],
        },
        {
            "warning_signs": [
                "Lying awake after 2 a.m. going over everything I did wrong",
                "Cancelling plans and telling people I'm “just tired”",
                "Feeling like a burden to my family",
            ],
            "internal_coping": [
                "Paced breathing: in for 4, out for 6, for five minutes",
                "A hot shower and clean clothes",
                "Draw or colour for twenty minutes",
                "Read the notes from my past self in my phone",
            ],
            "distractions": [
                {"name": "The climbing gym on Tuesday evenings"},
                {"name": "Video call with my cousin Alex", "phone": "555-0165"},
                {"name": "The park by the river"},
            ],
            "people_to_ask": [person],
            "professionals": [clinician],
            "environment_safety": [
                f"The spare car keys stay with {helper} for now",
                "Old prescriptions dropped off at the pharmacy",
            ],
            "reasons_for_living": [
                "My kids, and seeing who they become",
                "The trip to the coast we are planning for August",
            ],
        },
    ]


def add_demo_safety_plans(
    ws: Workspace, passphrase: str | None = None, *, client_ids: Sequence[str] | None = None
) -> list[str]:
    """Safety plans for the first DEMO_SAFETY_CLIENTS active clients; signed when the
    vault's passphrase is given (the first client's plan revised once), else drafts.
    Returns the ids of the latest versions."""
    clients = [ws.clients.get(i) for i in client_ids] if client_ids else ws.clients.list()
    active = [c for c in clients if c.status.value == "active"][:DEMO_SAFETY_CLIENTS]
    profile = ws.profile.get()
    therapist = profile.name if profile and profile.name else "Dana Whitfield"
    phone = profile.agency_phone if profile else ""
    ids = []
    with ws.transaction():
        for i, client in enumerate(active):
            if ws.safety_plans.latest(client.id) is not None:
                continue
            data = _plans(ws.contacts.emergency_contact(client.id), therapist, phone)[i % 2]
            if i == 0 and passphrase is not None:
                # An earlier version, signed, then revised with a new reason for living.
                first = dict(data, reasons_for_living=data["reasons_for_living"][:2])
                plan = ws.safety_plans.import_json(client.id, first)
                ws.safety_plans.sign(plan.id, passphrase=passphrase)
                ws.safety_plans.revise(client.id)
            ids.append(ws.safety_plans.import_json(client.id, data).id)
    if passphrase is not None and ids:
        ws.safety_plans.sign_many(ids, passphrase=passphrase)
    return ids
