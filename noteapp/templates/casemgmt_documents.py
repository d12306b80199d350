"""Referral letters and incident reports as documents: what the app previews, the signature
covers, and the Word export shows (verified like a note)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from noteapp.domain.clients import Client
from noteapp.domain.contacts import Release
from noteapp.domain.document import Block, Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.incidents import Incident, PersonRole
from noteapp.domain.referrals import Recipient, Referral

NONE = "—"


def _rows(pairs: tuple[tuple[str, str], ...]) -> KeyValueTable:
    return KeyValueTable(tuple((k, v) for k, v in pairs if v))


def _section(title: str, text: str, empty: str = NONE) -> list[Block]:
    return [Heading(2, title), Paragraph(text.strip() or empty)]


def render_referral(referral: Referral, recipient: Recipient, release: Release | None) -> Document:
    """The referral letter: to whom, why, and the release that covers the disclosure when
    one is on file for a contact (the export's client block says about whom)."""
    blocks: list[Block] = [
        _rows(
            (
                ("To", recipient.name),
                ("Role", recipient.role),
                ("Organization", recipient.organization),
                ("Phone", recipient.phone),
                ("E-mail", recipient.email),
                ("Address", recipient.address),
                ("Date", referral.sent_on.isoformat()),
                ("Please respond by", referral.follow_up.isoformat() if referral.follow_up else ""),
            )
        ),
        *_section("Reason for referral", referral.reason),
    ]
    if referral.letter.strip():
        blocks += _section("Details", referral.letter)
    if release is not None:
        blocks += _section(
            "Release of information",
            f"The client's release of information signed {release.signed_on.isoformat()} "
            f"authorises disclosing {release.information.rstrip('.')} to this recipient for "
            f"{release.purpose.rstrip('.')}, until {release.until}.",
        )
    return Document(title="Referral letter", blocks=tuple(blocks))


def when(moment: datetime) -> str:
    """'2026-03-02 14:30 UTC-05:00': the wall-clock time with its offset, as reported."""
    zone = moment.tzname() or ""
    return f"{moment.strftime('%Y-%m-%d %H:%M')} {zone}".strip()


_ROLE = {PersonRole.CLIENT: "Client", PersonRole.STAFF: "Staff", PersonRole.OTHER: "Other"}


def render_incident(incident: Incident, clients: Mapping[str, Client]) -> Document:
    """The incident report; client people are named from their charts (`clients`)."""
    people = []
    for p in incident.people:
        client = clients.get(p.client_id) if p.client_id else None
        who = f"{client.name} ({client.code})" if client is not None else p.name or p.client_id
        people.append((_ROLE[p.role], f"{who} — {p.detail}" if p.detail else who))
    blocks: list[Block] = [
        _rows(
            (
                ("Reference", incident.reference),
                ("Type", incident.type_label or incident.type_id),
                ("Date and time", when(incident.occurred_at)),
                ("Place", incident.place or NONE),
            )
        ),
        Heading(2, "People involved"),
        KeyValueTable(tuple(people)) if people else Paragraph(NONE),
        *_section("What happened", incident.what_happened),
        *_section("Immediate actions", incident.immediate_actions),
        *_section("Injuries", incident.injuries, "None reported."),
        Heading(2, "Notifications"),
        KeyValueTable(tuple((n.to, f"{n.how}, {when(n.at)}") for n in incident.notifications))
        if incident.notifications
        else Paragraph("None recorded."),
        *_section("Follow-up", incident.follow_up),
    ]
    return Document(title=f"Incident report {incident.reference}".strip(), blocks=tuple(blocks))
