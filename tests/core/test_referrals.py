"""Referrals (issue 13, part 2): to a contact or a named service, dated status changes with
notes, follow-up dates and what is overdue, and the referral letter — signed once, after
which what it says is fixed while its status goes on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from noteapp.domain.errors import InvalidInputError, RefusedError
from noteapp.domain.referrals import ReferralStatus
from noteapp.domain.signatures import ItemType
from noteapp.services.workspace import Workspace
from tests.core.casemgmt_helpers import TODAY, a_client, ready


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    return ready(workspace)


def test_a_referral_starts_sent_and_records_each_change(ws: Workspace) -> None:
    client = a_client(ws)
    r = ws.referrals.add(
        client_id=client.id,
        to_name="Intake coordinator",
        to_organization="Exampleton Peer Support Network",
        reason="Weekly peer support group.",
        sent_on=date(2025, 12, 1),
        follow_up=date(2025, 12, 15),
    )
    assert (r.status, r.status_date, r.is_open) == (ReferralStatus.SENT, date(2025, 12, 1), True)
    r = ws.referrals.update_status(
        r.id, status="scheduled", on=date(2025, 12, 3), note="Intake booked for 12/10."
    )
    r = ws.referrals.update_status(
        r.id, status="attended", on=date(2025, 12, 10), note="Client went; liked it."
    )
    assert [(c.status.value, c.note) for c in r.history] == [
        ("sent", ""),
        ("scheduled", "Intake booked for 12/10."),
        ("attended", "Client went; liked it."),
    ]
    assert not r.is_open and not r.overdue(TODAY)
    # Every change is a version of the record, and audited.
    assert len(ws.referrals.records.history(r.id)) == 3
    assert [e.action for e in ws.audit.entries() if e.record_id == r.id] == [
        "create",
        "status",
        "status",
    ]


@pytest.mark.parametrize(
    ("status", "on", "message"),
    [
        ("attended", TODAY + timedelta(days=1), "future"),
        ("attended", date(2025, 11, 30), "on or after"),
        ("lost", TODAY, "status is one of"),
    ],
)
def test_a_status_change_is_checked(ws: Workspace, status: str, on: date, message: str) -> None:
    client = a_client(ws)
    r = ws.referrals.add(
        client_id=client.id, to_name="Dr. Lin", reason="Evaluation", sent_on=date(2025, 12, 1)
    )
    with pytest.raises(InvalidInputError, match=message):
        ws.referrals.update_status(r.id, status=status, on=on)
    assert ws.referrals.get(r.id).history == r.history


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": ""}, "reason for the referral is required"),
        ({"to_name": ""}, "whom the referral is to"),
        ({"sent_on": TODAY + timedelta(days=1)}, "future"),
        ({"follow_up": date(2025, 11, 1)}, "before the referral was sent"),
    ],
)
def test_a_referral_is_checked(ws: Workspace, kwargs: dict[str, object], message: str) -> None:
    client = a_client(ws)
    args: dict[str, object] = {
        "client_id": client.id,
        "to_name": "Dr. Lin",
        "reason": "Evaluation",
        "sent_on": date(2025, 12, 1),
        **kwargs,
    }
    with pytest.raises(InvalidInputError, match=message):
        ws.referrals.add(**args)  # type: ignore[arg-type]
    assert ws.referrals.for_client(client.id) == []


def test_overdue_means_open_and_past_its_follow_up_date(ws: Workspace) -> None:
    client, other = a_client(ws), a_client(ws, "Riley Quimby")
    late = ws.referrals.add(
        client_id=client.id, to_name="A", reason="x", sent_on=date(2025, 12, 1),
        follow_up=TODAY - timedelta(days=1),
    )  # fmt: skip
    due_today = ws.referrals.add(
        client_id=client.id, to_name="B", reason="x", sent_on=date(2025, 12, 1), follow_up=TODAY
    )
    closed = ws.referrals.add(
        client_id=other.id, to_name="C", reason="x", sent_on=date(2025, 12, 1),
        follow_up=date(2025, 12, 2),
    )  # fmt: skip
    ws.referrals.update_status(closed.id, status="declined", on=date(2025, 12, 2))
    other_late = ws.referrals.add(
        client_id=other.id, to_name="D", reason="x", sent_on=date(2025, 12, 1),
        follow_up=date(2025, 12, 20),
    )  # fmt: skip
    assert [r.id for r in ws.referrals.overdue()] == [other_late.id, late.id]
    assert [r.id for r in ws.referrals.listing(client_id=client.id, overdue_only=True)] == [late.id]
    assert {r.id for r in ws.referrals.listing(open_only=True)} == {
        late.id,
        due_today.id,
        other_late.id,
    }
    # A new follow-up date with the next step takes it off the list.
    ws.referrals.update_status(
        late.id, status="sent", note="Left a message.", follow_up=TODAY + timedelta(days=7)
    )
    assert [r.id for r in ws.referrals.overdue()] == [other_late.id]


def test_the_letter_is_signed_once_and_then_fixed(ws: Workspace) -> None:
    client = a_client(ws)
    pcp = ws.contacts.add(
        client_id=client.id,
        name="Dr. Casey Lin",
        role="primary care physician",
        organization="Riverside Family Medicine",
    )
    ws.contacts.add_release(
        client_id=client.id,
        contact_id=pcp.id,
        information="diagnosis and treatment plan",
        purpose="coordination of care",
        signed_on=date(2025, 10, 1),
        expires_on=date(2026, 10, 1),
    )
    r = ws.referrals.add(
        client_id=client.id,
        contact_id=pcp.id,
        reason="Medication evaluation for persistent insomnia.",
        letter="Thank you for seeing our mutual client.",
        sent_on=date(2026, 1, 2),
    )
    item = ws.referrals.sign_letter(r.id)
    assert item.type == ItemType.REFERRAL and item.note_id == r.id
    payload = item.payload
    assert payload["format"] == "noteapp-referral/1"
    assert payload["client"]["code"] == client.code
    assert payload["referral"]["recipient"]["organization"] == "Riverside Family Medicine"
    assert payload["referral"]["reason"] == "Medication evaluation for persistent insomnia."
    lines = [b for b in payload["document"]["blocks"] if b["type"] == "paragraph"]
    assert any("release of information signed 2025-10-01" in p["text"] for p in lines)
    with pytest.raises(RefusedError, match="signed already"):
        ws.referrals.sign_letter(r.id)
    with pytest.raises(RefusedError, match="letter is signed"):
        ws.referrals.edit(r.id, reason="Something else")
    # What happens next is still recorded, and the signed letter reads as it was signed.
    r = ws.referrals.update_status(r.id, status="scheduled", note="Booked")
    r = ws.referrals.edit(r.id, follow_up=TODAY + timedelta(days=14))
    ws.contacts.edit(pcp.id, organization="Another clinic")
    shown = ws.referrals.letter(ws.referrals.get(r.id))
    assert "Riverside Family Medicine" in str(shown.blocks)


def test_a_contact_of_another_client_cannot_receive_the_referral(ws: Workspace) -> None:
    client, other = a_client(ws), a_client(ws, "Riley Quimby")
    stranger = ws.contacts.add(client_id=other.id, name="Dr. Casey Lin", role="PCP")
    with pytest.raises(InvalidInputError, match="not one of this client's contacts"):
        ws.referrals.add(client_id=client.id, contact_id=stranger.id, reason="Evaluation")


def test_a_release_revoked_after_the_date_sent_is_not_stated_in_the_letter(
    ws: Workspace,
) -> None:
    """The letter is a disclosure when it is signed: a release revoked since the date the
    referral names (and before signing) is not stated as on file."""
    client = a_client(ws)
    pcp = ws.contacts.add(client_id=client.id, name="Dr. Casey Lin", role="physician")
    release = ws.contacts.add_release(
        client_id=client.id,
        contact_id=pcp.id,
        information="diagnosis",
        purpose="coordination of care",
        signed_on=date(2025, 10, 1),
        expires_on=date(2026, 10, 1),
    )
    sent = TODAY - timedelta(days=3)
    r = ws.referrals.add(
        client_id=client.id, contact_id=pcp.id, reason="Medication evaluation.", sent_on=sent
    )
    ws.contacts.revoke_release(release.id, on=TODAY - timedelta(days=1), reason="Client asked.")
    item = ws.referrals.sign_letter(r.id)
    text = " ".join(
        b["text"] for b in item.payload["document"]["blocks"] if b["type"] == "paragraph"
    )
    assert "release of information" not in text
