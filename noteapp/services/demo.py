"""Synthetic demo data: invented clients (and, as later issues land, notes, plans, measures).

Every name, date and detail here is made up. Deterministic for a given seed, so benchmark
vaults are reproducible.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from noteapp.crypto import Argon2Params
from noteapp.domain.clients import Contact, Diagnosis, EmergencyContact
from noteapp.domain.clock import Clock
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace

_FIRST = [
    "Jordan",
    "Avery",
    "Riley",
    "Morgan",
    "Casey",
    "Quinn",
    "Skyler",
    "Rowan",
    "Emerson",
    "Harper",
    "Sage",
    "Reese",
    "Dakota",
    "Finley",
    "Marlow",
    "Tatum",
    "Ellis",
    "Kendall",
    "Lennon",
    "Arden",
    "Blair",
    "Corin",
    "Devon",
    "Hollis",
    "Jules",
    "Kai",
    "Linden",
    "Maren",
    "Noor",
    "Oakley",
    "Perrin",
    "Remy",
    "Shiloh",
    "Tobin",
    "Wren",
    "Yael",
]
_LAST = [
    "Avery",
    "Bellweather",
    "Calloway",
    "Delacroix",
    "Ellery",
    "Fairbanks",
    "Galloway",
    "Hartwell",
    "Iverson",
    "Jessup",
    "Kingsley",
    "Lockhart",
    "Merriweather",
    "Northcott",
    "Oakhurst",
    "Pennington",
    "Quimby",
    "Ravenscroft",
    "Sterling",
    "Thornbury",
    "Underhill",
    "Vantreese",
    "Whitlock",
    "Yardley",
    "Zeller",
    "Ashgrove",
    "Brightwater",
    "Coldwell",
]
_PRONOUNS = ["she/her", "he/him", "they/them", "she/they", "he/they", ""]
_DIAGNOSES = [
    ("F32.1", "Major depressive disorder, single episode, moderate"),
    ("F33.1", "Major depressive disorder, recurrent, moderate"),
    ("F41.1", "Generalized anxiety disorder"),
    ("F43.10", "Post-traumatic stress disorder, unspecified"),
    ("F43.23", "Adjustment disorder with mixed anxiety and depressed mood"),
    ("F40.10", "Social phobia, unspecified"),
    ("F10.20", "Alcohol dependence, uncomplicated"),
    ("F42.2", "Mixed obsessional thoughts and acts"),
    ("F90.0", "Attention-deficit hyperactivity disorder, predominantly inattentive type"),
]
_RELATIONS = ["spouse", "partner", "parent", "sibling", "friend", "adult child"]


def add_demo_clients(ws: Workspace, *, count: int = 12, seed: int = 7) -> list[str]:
    """Add `count` synthetic clients; returns their ids. One transaction."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = ws.clock.now().date()
    ids: list[str] = []
    with ws.vault.transaction():
        for i in range(count):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            dob = date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
            dx = rng.sample(_DIAGNOSES, k=rng.choice([1, 1, 2]))
            client = ws.clients.add(
                name=f"{first} {last}",
                preferred_name=rng.choice(["", "", "", first[:3] + "i"]) if i % 5 == 0 else "",
                dob=dob,
                pronouns=rng.choice(_PRONOUNS),
                contact=Contact(
                    phone=f"555-01{rng.randint(0, 99):02d}",
                    email=f"{first.lower()}.{last.lower()}@example.org",
                    address=f"{rng.randint(10, 999)} Demo Street, Exampleton",
                ),
                emergency_contact=EmergencyContact(
                    name=f"{rng.choice(_FIRST)} {last}",
                    relationship=rng.choice(_RELATIONS),
                    phone=f"555-01{rng.randint(0, 99):02d}",
                ),
                diagnoses=[Diagnosis(code, text) for code, text in dx],
                admitted_on=today - timedelta(days=rng.randint(14, 400)),
            )
            if i % 7 == 6:
                ws.clients.discharge(
                    client.id,
                    on=today - timedelta(days=rng.randint(1, 10)),
                    reason="Treatment goals met; client agreed to discharge.",
                )
            ids.append(client.id)
    return ids


def ensure_demo_profile(ws: Workspace) -> None:
    if ws.profile.get() is None:
        ws.profile.set(
            name="Dana Whitfield",
            credentials="LCSW",
            license_number="LCSW-000000 (demo)",
            agency_name="Riverbend Counseling (demo)",
            agency_address="100 Example Avenue, Suite 2, Exampleton",
            agency_phone="555-0100",
        )


# The demo vault holds only invented data, so its passphrase can be printed on screen.
DEMO_PASSPHRASE = "demo vault passphrase"  # noqa: S105 - synthetic demo vault only


def create_demo_vault(
    path: Path,
    *,
    clients: int = 12,
    paths: AppPaths | None = None,
    clock: Clock | None = None,
    params: Argon2Params | None = None,
) -> Workspace:
    """A new vault full of synthetic data, unlocked, with DEMO_PASSPHRASE."""
    ws, _recovery = Workspace.create(path, DEMO_PASSPHRASE, params=params, clock=clock, paths=paths)
    fill_demo(ws, clients=clients, passphrase=DEMO_PASSPHRASE)
    return ws


def fill_demo(
    ws: Workspace, *, clients: int = 12, notes: int | None = None, passphrase: str | None = None
) -> list[str]:
    """Everything `noteapp demo` adds: the profile (if none), clients, notes in every
    template (by default about six per client), and treatment plans with goal progress rated
    in the notes. With the vault's passphrase, notes older than
    a week are signed, as a real caseload's would be. Returns the new client ids."""
    from noteapp.services.demo_measures import add_demo_measures
    from noteapp.services.demo_notes import add_demo_notes
    from noteapp.services.demo_plans import add_demo_plans
    from noteapp.services.demo_safety import add_demo_safety_plans

    ensure_demo_profile(ws)
    ids = add_demo_clients(ws, count=clients)
    note_ids = add_demo_notes(ws, count=6 * clients if notes is None else notes, client_ids=ids)
    add_demo_plans(ws, passphrase, client_ids=ids)  # rates the notes before they are signed
    add_demo_measures(ws, passphrase, client_ids=ids)  # PHQ-9/GAD-7 history, risk flags
    add_demo_safety_plans(ws, passphrase, client_ids=ids)
    if passphrase is not None:
        week_ago = ws.clock.now().date().toordinal() - 7
        ready = [
            n.id
            for n in (ws.notes.get(i) for i in note_ids)
            if n.session.date.toordinal() < week_ago
            and not n.psychotherapy
            and not n.is_signed  # e.g. the note that addressed a demo risk flag
            and ws.notes.check(n).can_sign
        ]
        ws.signing.sign_notes(ready, passphrase=passphrase)
    return ids
