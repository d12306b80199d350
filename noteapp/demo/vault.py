"""Synthetic demo data: invented clients (and, as later issues land, notes, plans, measures).

Every name, date and detail here is made up. Deterministic for a given seed, so benchmark
vaults are reproducible.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from noteapp.domain.clients import Contact, Diagnosis, EmergencyContact
from noteapp.domain.clock import Clock
from noteapp.domain.notes import Note
from noteapp.domain.progress import Progress, part, report
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import KdfParams, Workspace

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
    ("F90.0", "Attention-deficit hyperactivity disorder, predominantly inattentive type"),
]
# Second diagnoses that commonly co-occur with another family (never two depressive
# disorders, never an adjustment disorder next to a disorder that explains the symptoms).
_COMORBID = ("F41.1", "F40.10", "F43.10", "F10.20", "F90.0")
_RELATIONS = ["spouse", "partner", "parent", "sibling", "friend", "adult child"]


def _diagnoses(rng: random.Random) -> list[Diagnosis]:
    primary = rng.choice(_DIAGNOSES)
    chosen = [primary]
    if rng.random() < 1 / 3 and not primary[0].startswith("F43.2"):
        others = [d for d in _DIAGNOSES if d[0] in _COMORBID and d[0][:3] != primary[0][:3]]
        chosen.append(rng.choice(others))
    return [Diagnosis(code, text) for code, text in chosen]


def add_demo_clients(
    ws: Workspace, *, count: int = 12, seed: int = 7, sessions: int | None = None
) -> list[str]:
    """Add `count` synthetic clients; returns their ids. One transaction. With `sessions`
    (the notes each client will have), admissions lie far enough back for that many
    sessions weekly to every other week; else 8 to 57 weeks back."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = ws.clock.now().date()
    ids: list[str] = []
    with ws.transaction():
        for i in range(count):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            dob = date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
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
                diagnoses=_diagnoses(rng),
                admitted_on=today - timedelta(days=_days_in_care(rng, sessions)),
            )
            if i % 7 == 6:
                ws.clients.discharge(
                    client.id,
                    on=today - timedelta(days=rng.randint(1, 10)),
                    reason="Treatment goals met; client agreed to discharge.",
                )
            ids.append(client.id)
    return ids


def _days_in_care(rng: random.Random, sessions: int | None) -> int:
    if sessions is None:
        return rng.randint(56, 400)
    weekly_to_fortnightly = 7 * max(sessions - 1, 1) * rng.uniform(1.0, 2.0)
    return min(400, round(weekly_to_fortnightly) + rng.randint(10, 21))


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
    params: KdfParams | None = None,
    progress: Progress | None = None,
) -> Workspace:
    """A new vault full of synthetic data, unlocked, with DEMO_PASSPHRASE.

    `progress` hears how far it got; `Cancelled` raised from it (before the last step)
    closes and deletes the half-made demo vault, which nothing else has seen yet."""
    report(progress, 0, 0)  # the key derivation: no count to give
    ws, _recovery = Workspace.create(path, DEMO_PASSPHRASE, params=params, clock=clock, paths=paths)
    try:
        fill_demo(ws, clients=clients, passphrase=DEMO_PASSPHRASE, progress=progress)
    except BaseException:
        ws.discard()  # not ws.close(): no automatic backup of a half-made demo
        for leftover in (path, *(Path(f"{path}{end}") for end in ("-wal", "-shm", ".lock"))):
            leftover.unlink(missing_ok=True)
        raise
    return ws


def fill_demo(
    ws: Workspace,
    *,
    clients: int = 12,
    notes: int | None = None,
    passphrase: str | None = None,
    progress: Progress | None = None,
) -> list[str]:
    """Everything `noteapp demo` adds: the profile (if none), clients, notes in every
    template (by default about six per client), treatment plans with goal progress rated
    in the notes, measures, safety plans, and case management (contacts and releases,
    referrals, medications with adherence in the notes, incident reports). With the vault's
    passphrase, notes older than a week are signed, as a real caseload's would be — each on
    its own day of service, a little after the session ended. Returns the new client ids."""
    from noteapp.demo.casemgmt import add_demo_case_management
    from noteapp.demo.measures import DEMO_OVERRIDE_REASON, add_demo_measures
    from noteapp.demo.notes import add_demo_notes
    from noteapp.demo.plans import add_demo_plans
    from noteapp.demo.safety import add_demo_safety_plans

    ensure_demo_profile(ws)
    count = 6 * clients if notes is None else notes
    # One bar over every step: clients, notes, plans, measures, safety plans, case
    # management (one unit each but the notes), then signing (as many units as notes).
    total = 2 * count + 5
    report(progress, 0, total)
    ids = add_demo_clients(ws, count=clients, sessions=-(-count // clients) if clients else 0)
    report(progress, 1, total)
    note_ids = add_demo_notes(
        ws, count=count, client_ids=ids, progress=part(progress, start=1, size=count, total=total)
    )
    add_demo_plans(ws, passphrase, client_ids=ids)  # rates the notes before they are signed
    report(progress, count + 2, total)
    # PHQ-9/GAD-7 history and risk flags (one addressed by a note, if the demo signs).
    addressed = add_demo_measures(ws, client_ids=ids, addressed_flag=passphrase is not None)
    report(progress, count + 3, total)
    add_demo_safety_plans(ws, passphrase, client_ids=ids)
    report(progress, count + 4, total)
    # Contacts, releases, referrals, medications (adherence in the notes) and incidents.
    add_demo_case_management(ws, passphrase, client_ids=ids)
    report(progress, count + 5, total)
    if passphrase is not None:
        week_ago = ws.clock.now().date().toordinal() - 7
        ready = [
            n
            for n in (ws.notes.get(i) for i in note_ids)
            if n.session.date.toordinal() < week_ago
            and not n.psychotherapy
            and not n.is_signed
            and (n.id == addressed or ws.notes.check(n).can_sign)
        ]
        sign_on_their_day(
            ws,
            ready,
            passphrase=passphrase,
            override={addressed: DEMO_OVERRIDE_REASON},
            progress=part(progress, start=count + 5, size=count, total=total),
        )
    report(progress, total, total)
    return ids


class _SigningClock:
    """The demo's signing clock: `at` is set to each note's signing time before it is
    signed; otherwise it is the workspace's clock."""

    def __init__(self, base: Clock) -> None:
        self._base = base
        self.at: datetime | None = None

    def now(self) -> datetime:
        return self.at or self._base.now()

    def monotonic(self) -> float:
        return self._base.monotonic()


def sign_on_their_day(
    ws: Workspace,
    notes: list[Note],
    *,
    passphrase: str,
    override: dict[str, str] | None = None,
    seed: int = 31,
    progress: Progress | None = None,
) -> None:
    """Sign demo notes as a clinician would have: on the day of service, 15 minutes to three
    hours after the session ended (a signature the day the demo runs, on a note from months
    ago, is what no clinician's record looks like). The passphrase is checked once; each
    note is signed by a signing service whose clock reads that note's time. The audit log
    keeps the real time at which the demo did it."""
    if not notes:
        return
    ws.check_passphrase(passphrase)
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    clock = _SigningClock(ws.clock)
    signer = ws.signer_with_clock(clock)  # the passphrase was checked once above
    now = ws.clock.now()
    with ws.transaction():
        ordered = sorted(notes, key=lambda n: (n.session.date, n.session.end or time(17)))
        for done, note in enumerate(ordered):
            report(progress, done, len(ordered))
            ended = datetime.combine(note.session.date, note.session.end or time(17))
            at = ended.astimezone(UTC) + timedelta(minutes=rng.randint(15, 180))
            clock.at = min(at, now)
            reason = (override or {}).get(note.id, "")
            signer.sign_note(note.id, passphrase=passphrase, override_reason=reason)
    ws.signing.reload()  # the workspace's own signing service sees the new signatures
