"""Synthetic case management for the demo vault: each active client's providers and
collaterals with releases of information (current, expiring, expired, revoked), referrals
at every stage (one overdue for follow-up), the medications a primary care provider or
psychiatrist started after admission with the adherence recorded in later notes, and a few
incident reports (signed ones, one with a notification recorded after signing, and a recent
draft whose notification is overdue).

Every person, organisation and number is invented (555-01xx numbers, example.org).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from noteapp.domain.clients import Client
from noteapp.services.workspace import Workspace

_PCPS = (
    ("Dr. Casey Lin", "Riverside Family Medicine"),
    ("Dr. Morgan Oyelaran", "Exampleton Community Health Center"),
    ("Dr. Jamie Ruiz", "Northside Primary Care"),
)
_PSYCHIATRIST = ("Dr. Priya Natarajan", "Exampleton Behavioral Health")
# (diagnosis code prefix, medication, dose, schedule, prescribed by the psychiatrist?)
_MEDICATIONS = {
    "F32": ("Sertraline", "50 mg", "once daily, morning", False),
    "F33": ("Escitalopram", "10 mg", "once daily", True),
    "F41": ("Buspirone", "10 mg", "twice daily", False),
    "F43": ("Prazosin", "1 mg", "at bedtime", True),
    "F40": ("Sertraline", "25 mg", "once daily", False),
    "F10": ("Naltrexone", "50 mg", "once daily", True),
    "F90": ("Methylphenidate ER", "18 mg", "once daily, morning", True),
}
_ADHERENCE = ("as-prescribed", "as-prescribed", "as-prescribed", "partial", "missed")
_SIDE_EFFECTS = ("", "", "", "mild nausea in the first week", "some trouble falling asleep")


def add_demo_case_management(
    ws: Workspace,
    passphrase: str | None,
    *,
    client_ids: Sequence[str],
    seed: int = 23,
) -> None:
    """Contacts, releases, referrals, medications and adherence for the active clients;
    incident reports. Letters and reports are signed when the passphrase is given. Call it
    before the notes are signed: adherence is part of what a note signs."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = ws.clock.now().astimezone().date()
    clients = [ws.clients.get(i) for i in client_ids]
    active = [c for c in clients if c.status.value == "active"]
    with ws.transaction():
        for n, client in enumerate(active):
            admitted = client.admitted_on or today - timedelta(days=90)
            pcp = _contacts(ws, client, n, admitted, today)
            _referrals(ws, client, n, pcp, admitted, today, rng)
            _medications(ws, client, n, admitted, today, rng)
        _incidents(ws, active, today, passphrase)
        if passphrase is not None:
            letters = [
                r
                for c in active
                for r in ws.referrals.for_client(c.id)
                if r.contact_id and r.sent_on >= today - timedelta(days=21)
            ]
            for referral in letters[:2]:
                ws.referrals.sign_letter(referral.id, passphrase=passphrase)


def _contacts(ws: Workspace, client: Client, n: int, admitted: date, today: date) -> str:
    """The client's primary care provider (with a current release signed at intake) and one
    or two more contacts; returns the provider's contact id."""
    name, org = _PCPS[n % len(_PCPS)]
    pcp = ws.contacts.add(
        client_id=client.id,
        name=name,
        role="primary care physician",
        category="provider",
        organization=org,
        phone=f"555-01{30 + n % 60:02d}",
        email=f"referrals@{org.split()[0].lower()}.example.org",
        address=f"{200 + 10 * n} Clinic Road, Exampleton",
    )
    ws.contacts.add_release(
        client_id=client.id,
        contact_id=pcp.id,
        information="diagnosis, treatment plan, attendance and medication adherence",
        purpose="coordination of care",
        signed_on=admitted,
        expires_on=admitted + timedelta(days=365),
    )
    if n % 3 == 0:
        psych = ws.contacts.add(
            client_id=client.id,
            name=_PSYCHIATRIST[0],
            role="psychiatrist",
            category="provider",
            organization=_PSYCHIATRIST[1],
            phone="555-0161",
        )
        # One ran out after 90 days; another ends in 12 days (shown as expiring).
        ends = admitted + timedelta(days=90) if n % 2 == 0 else today + timedelta(days=12)
        ws.contacts.add_release(
            client_id=client.id,
            contact_id=psych.id,
            information="diagnosis, measures (PHQ-9, GAD-7) and medication adherence",
            purpose="medication management",
            signed_on=admitted,
            expires_on=max(ends, admitted),
        )
    if n % 3 == 1:
        manager = ws.contacts.add(
            client_id=client.id,
            name="Robin Achebe",
            role="housing case manager",
            category="agency",
            organization="Exampleton Housing Partnership",
            phone="555-0172",
        )
        release = ws.contacts.add_release(
            client_id=client.id,
            contact_id=manager.id,
            information="attendance and housing-related needs only",
            purpose="housing assistance application",
            signed_on=admitted,
            expiry_event="decision on the housing application",
        )
        ws.contacts.revoke_release(
            release.id,
            on=min(today, admitted + timedelta(days=40)),
            reason="The client asked that no further information be shared with the agency.",
        )
    if n % 3 == 2:
        ws.contacts.add(
            client_id=client.id,
            name="Taylor Brooks",
            role="school counsellor",
            category="school",
            organization="Exampleton High School",
            phone="555-0183",
            notes="Reachable Tuesdays and Thursdays before 3 pm.",
        )
    return pcp.id


def _referrals(
    ws: Workspace,
    client: Client,
    n: int,
    pcp: str,
    admitted: date,
    today: date,
    rng: random.Random,
) -> None:
    if n % 2 == 0:
        sent = min(today, admitted + timedelta(days=14))
        first = ws.referrals.add(
            client_id=client.id,
            contact_id=pcp,
            reason="Medication evaluation: persistent low mood and poor sleep despite weekly "
            "therapy; the client is open to discussing medication.",
            sent_on=sent,
            follow_up=sent + timedelta(days=14),
            letter="Thank you for seeing our mutual client. We have worked on behavioural "
            "activation and sleep hygiene for several weeks; PHQ-9 scores remain in the "
            "moderate range. We would value your assessment of whether medication could help.",
        )
        scheduled = min(today, sent + timedelta(days=5))
        ws.referrals.update_status(
            first.id, status="scheduled", on=scheduled, note="Appointment booked by the clinic."
        )
        ws.referrals.update_status(
            first.id,
            status="attended",
            on=min(today, scheduled + timedelta(days=9)),
            note="Client attended; medication started (see the medication list).",
        )
    sent = max(today - timedelta(days=rng.randint(12, 20)), admitted)
    # Every other one is past its follow-up date: the today page lists it.
    due = today - timedelta(days=rng.randint(2, 6)) if n % 2 else today + timedelta(days=7)
    group = ws.referrals.add(
        client_id=client.id,
        to_name="Intake coordinator",
        to_organization="Exampleton Peer Support Network",
        reason="Weekly peer support group for anxiety and low mood, alongside individual therapy.",
        sent_on=sent,
        follow_up=max(due, sent),
    )
    if n % 4 == 3:
        ws.referrals.update_status(
            group.id,
            status="declined",
            on=today - timedelta(days=1),
            note="The client prefers to wait until work hours settle down.",
        )


def _medications(
    ws: Workspace, client: Client, n: int, admitted: date, today: date, rng: random.Random
) -> None:
    code = client.diagnoses[0].code[:3] if client.diagnoses else "F41"
    name, dose, schedule, psychiatrist = _MEDICATIONS.get(code, _MEDICATIONS["F41"])
    start = min(today, admitted + timedelta(days=30))
    med = ws.medications.add(
        client_id=client.id,
        name=name,
        dose=dose,
        schedule=schedule,
        prescriber=_PSYCHIATRIST[0] if psychiatrist else _PCPS[n % len(_PCPS)][0],
        start=start,
        reported_by="prescriber" if n % 2 == 0 else "client",
    )
    meds = [med]
    if n % 3 == 1:
        sleep = ws.medications.add(
            client_id=client.id,
            name="Trazodone",
            dose="50 mg",
            schedule="at bedtime as needed",
            prescriber=_PCPS[n % len(_PCPS)][0],
            start=admitted,
            reported_by="client",
        )
        ws.medications.stop(
            sleep.id,
            on=min(today, admitted + timedelta(days=45)),
            reason="Morning grogginess; stopped by the prescriber.",
        )
        meds.append(ws.medications.get(sleep.id))
    for note in ws.notes.list(client_id=client.id, include_psychotherapy=False):
        current = [m for m in meds if m.is_current(note.session.date)]
        if note.is_signed or not current or note.template_id in ("contact", "group"):
            continue
        entries = []
        for m in current:
            i = rng.randrange(len(_ADHERENCE))
            entries.append((m.id, _ADHERENCE[i], _SIDE_EFFECTS[i]))
        ws.medications.record_adherence(note.id, entries)


def _incidents(ws: Workspace, clients: list[Client], today: date, passphrase: str | None) -> None:
    if not clients:
        return
    first = clients[0]
    second = clients[1] if len(clients) > 1 else first

    def at(days_ago: int, hour: int, minute: int = 0) -> str:
        day = today - timedelta(days=days_ago)
        return datetime.combine(day, time(hour, minute), tzinfo=UTC).astimezone().isoformat()

    fall = ws.incidents.new(
        type_ref="fall",
        client_ids=[first.id],
        fields={
            "occurred_at": at(20, 10, 15),
            "place": "Waiting room, Riverbend Counseling",
            "people": [
                {"role": "staff", "name": "Front-desk staff (A. Moreno)", "detail": "witness"}
            ],
            "what_happened": "The client slipped on a wet floor near the entrance while arriving "
            "for their appointment and fell onto their left side.",
            "immediate_actions": "Helped the client to a chair, checked for injuries, offered "
            "first aid and water; wet-floor sign placed and the floor dried.",
            "injuries": "Bruised left elbow; no head injury; declined an ambulance.",
            "notifications": [
                {"to": "Practice manager", "how": "in person", "at": at(20, 10, 40)},
                {"to": "Building management", "how": "e-mail", "at": at(20, 14, 5)},
            ],
            "follow_up": "Checked in at the next session: bruise healing. Mat added at the "
            "entrance for wet days.",
        },
    )
    aggression = ws.incidents.new(
        type_ref="aggression",
        client_ids=[second.id],
        fields={
            "occurred_at": at(6, 18, 30),
            "place": "Group room 2, evening skills group",
            "people": [
                {"role": "client", "client": second.id, "detail": "raised voice, threw a chair"},
                {"role": "staff", "name": "Co-facilitator (J. Park)", "detail": "present"},
            ],
            "what_happened": "During a discussion the client became angry at another member, "
            "shouted and threw a plastic chair towards the wall. Nobody was hit.",
            "immediate_actions": "Paused the group, de-escalated with the client in the "
            "corridor, other members checked on; the client left calmly with a plan to talk "
            "the next day.",
            "injuries": "None.",
            "follow_up": "Individual session next day to review triggers and group agreements.",
        },
    )
    ws.incidents.new(
        type_ref="self-harm",
        client_ids=[first.id],
        fields={
            "occurred_at": at(2, 16, 0),
            "place": "Telehealth session (client at home)",
            "what_happened": "The client disclosed superficial cutting on the forearm the "
            "evening before the session.",
            "immediate_actions": "Risk assessment completed; safety plan reviewed and updated; "
            "wound care advice; client agreed to a check-in call tomorrow.",
        },
    )
    if passphrase is not None:
        ws.incidents.sign(fall.id, passphrase=passphrase)
        ws.incidents.sign(aggression.id, passphrase=passphrase)
        ws.incidents.add_notification(
            aggression.id, to="Clinical director", how="phone", passphrase=passphrase
        )
